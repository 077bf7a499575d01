"""Import resources for the read endpoints, built straight from database rows.

The import list and detail are what clients poll. Through Django REST
framework, each of an import's 39 fields and relationships is a field object
asked for its attribute and its representation, over a model instance, and the
JSON:API renderer then walks the fields again; for a list of ten imports that
was two thirds of the request. Here each attribute is one expression over a
row of plain values, and the document is written by the renderer as it is
(`config.renderers.Document`). The attributes of each version of an import
are kept written as JSON for the next reads (`encoded_attributes`).

`ImportSerializer` stays the reference: it describes the resource in the
OpenAPI schema, answers creates and updates, and answers every read this
module does not take (`reads_for` says which). The tests in
tests/performance/test_api_machinery.py make each read both ways and compare
the answers byte for byte.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from config.renderers import EncodedJSON
from config.rows import RowsByKey
from contacts.api.serializers import SampleContactSerializer
from contacts.models import SampleContact
from imports.api.encoded_attributes import ENCODED_IMPORTS, EncodedAttributes, encode
from imports.downloads import failures_url, file_url, origin_of
from imports.models import Import, file_sheets_of, file_version_of, header_line_of, ordered_headers

IMPORT_COLUMNS = (
    "id",
    "account_list_id",
    "user_id",
    "source",
    "file",
    "file_format",
    "file_headers",
    "file_header_order",
    "file_constants",
    "file_headers_mappings",
    "file_constants_mappings",
    "suggested_file_headers_mappings",
    "suggested_file_constants_mappings",
    "suggested_mappings_origin",
    "file_sheet",
    "tag_list",
    "groups",
    "group_tags",
    "import_by_group",
    "in_preview",
    "override",
    "created_at",
    "updated_at",
    "status",
    "error",
    "original_filename",
    "file_size",
    "tnt_groups",
    "rows_total",
    "rows_processed",
    "rows_created",
    "rows_updated",
    "rows_failed",
    "possible_duplicates_count",
    "queued_at",
    "started_at",
    "completed_at",
)
SAMPLE_ATTRIBUTES = tuple(SampleContactSerializer.Meta.fields)
IMPORT_ROWS = RowsByKey(Import, IMPORT_COLUMNS)
# Samples in file order, as the serializer's prefetch gives them (SampleContact.Meta.ordering).
SAMPLE_KEYS = RowsByKey(SampleContact, ("import_record_id", "id"), key="import_record", order_by=("position",))
SAMPLE_ROWS = RowsByKey(
    SampleContact, ("import_record_id", "id", *SAMPLE_ATTRIBUTES), key="import_record", order_by=("position",)
)
DATETIME_FORMAT = settings.REST_FRAMEWORK["DATETIME_FORMAT"]
ISO_FORMAT_IS_THE_API_FORMAT = DATETIME_FORMAT == "%Y-%m-%dT%H:%M:%S.%fZ"


def _when(value: datetime.datetime | None) -> str | None:
    """A date-time as the API's date-time fields write it: in UTC, in the settings' format.

    `isoformat` writes that format at a quarter of the cost of `strftime`, except for years before
    1000, which it pads with zeros.
    """
    if not value:
        return None
    value = value.astimezone(datetime.UTC)
    if ISO_FORMAT_IS_THE_API_FORMAT and value.year >= 1000:
        return value.isoformat(timespec="microseconds")[:-6] + "Z"  # without "+00:00"
    return value.strftime(DATETIME_FORMAT)


def import_attributes(row: dict, *, file_link: str | None, failures_link: str) -> dict:
    """Every attribute of the resource, in the serializer's order (`ImportSerializer.Meta.fields`)."""
    source = row["source"]
    file_format = row["file_format"]
    updated_at = _when(row["updated_at"])
    return {
        "account_list_id": str(row["account_list_id"]),
        "source": source,
        "file_url": file_link,
        "file_headers": ordered_headers(row["file_headers"], row["file_header_order"]),
        "file_constants": row["file_constants"],
        "file_headers_mappings": row["file_headers_mappings"],
        "file_constants_mappings": row["file_constants_mappings"],
        "suggested_file_headers_mappings": row["suggested_file_headers_mappings"],
        "suggested_file_constants_mappings": row["suggested_file_constants_mappings"],
        "suggested_mappings_origin": row["suggested_mappings_origin"],
        "file_sheet": row["file_sheet"],
        "file_sheets": file_sheets_of(source, file_format),
        "header_line": header_line_of(source, file_format),
        "tag_list": row["tag_list"],
        "groups": [str(group) for group in row["groups"]],
        "group_tags": row["group_tags"],
        "import_by_group": row["import_by_group"],
        "in_preview": row["in_preview"],
        "override": row["override"],
        "created_at": _when(row["created_at"]),
        "updated_at": updated_at,
        "updated_in_db_at": updated_at,
        "status": row["status"],
        "error": row["error"],
        "original_filename": row["original_filename"],
        "file_size": row["file_size"],
        "file_version": file_version_of(source, file_format),
        "tnt_groups": row["tnt_groups"],
        "rows_total": row["rows_total"],
        "rows_processed": row["rows_processed"],
        "rows_created": row["rows_created"],
        "rows_updated": row["rows_updated"],
        "rows_failed": row["rows_failed"],
        "possible_duplicates_count": row["possible_duplicates_count"],
        "queued_at": _when(row["queued_at"]),
        "started_at": _when(row["started_at"]),
        "completed_at": _when(row["completed_at"]),
        "failures_url": failures_link,
    }


def sample_attributes(sample: dict) -> dict:
    """A sample contact's attributes, as `SampleContactSerializer` renders them (amounts stay Decimals:
    the renderer writes them as numbers, as Django REST framework's encoder does)."""
    return {name: sample[name] for name in SAMPLE_ATTRIBUTES}


class ImportReads:
    """The resource objects of one read request: its sparse fieldsets, whether samples are included."""

    def __init__(self, request, *, include_samples: bool):
        self.request = request
        self.include_samples = include_samples
        self.import_fields = _sparse_fieldset(request, "imports")
        self.sample_fields = _sparse_fieldset(request, "sample_contacts")
        self.origin = origin_of(request)

    def resources(self, versions: list[tuple]) -> tuple[list[dict], list[dict] | None]:
        """(the resource objects of these (import id, updated_at), the included samples or None when
        none were asked for). Attributes come from the kept versions (`encoded_attributes`), and only
        the imports missing there are read; a sparse fieldset reads every row and keeps nothing."""
        keys = [key for key, _ in versions]
        samples = self._samples_of(keys)
        if self.import_fields is None:
            data = [
                self._import_resource(key, encoded, samples.get(key, [])) for key, encoded in self._encoded(versions)
            ]
        else:
            data = [
                self._sparse_import_resource(row, samples.get(row["id"], []))
                for row in IMPORT_ROWS.fetch_in_order(keys)
            ]
        if not self.include_samples:
            return data, None
        included = [self._sample_resource(sample) for some in samples.values() for sample in some]
        included.sort(key=lambda resource: resource["id"])  # the renderer's order: by type, then id
        return data, included

    def _encoded(self, versions: list[tuple]) -> list[tuple]:
        """(import id, EncodedAttributes) of each version, in order: kept, or read and kept now."""
        found = {key: ENCODED_IMPORTS.get(key, updated_at) for key, updated_at in versions}
        missing = [key for key, encoded in found.items() if encoded is None]
        for row in IMPORT_ROWS.fetch_in_order(missing):
            found[row["id"]] = encoded = encode(row, import_attributes(row, file_link=None, failures_link=""))
            ENCODED_IMPORTS.put(row["id"], row["updated_at"], encoded)
        return [(key, found[key]) for key, _ in versions if found[key] is not None]  # deleted meanwhile: left out

    def _samples_of(self, import_ids: list) -> dict:
        """import id -> its samples in file order: whole rows when included, else only their ids."""
        samples: dict = {}
        for sample in (SAMPLE_ROWS if self.include_samples else SAMPLE_KEYS).fetch(import_ids):
            samples.setdefault(sample["import_record_id"], []).append(sample)
        return samples

    def _links(self, import_id, account_list_id, file_name) -> tuple[str | None, str]:
        """(file_url, failures_url) of an import for this request."""
        return (
            file_url(import_id=import_id, file_name=file_name, user=self.request.user, origin=self.origin),
            failures_url(account_list_id=account_list_id, import_id=import_id, origin=self.origin),
        )

    def _import_resource(self, import_id, encoded: EncodedAttributes, samples: list[dict]) -> dict:
        file_link, failures_link = self._links(import_id, encoded.account_list_id, encoded.file_name)
        attributes = EncodedJSON(encoded.with_links(file_link=file_link, failures_link=failures_link))
        relationships = _relationships(encoded.user_id, encoded.account_list_id, samples)
        return {"type": "imports", "id": str(import_id), "attributes": attributes, "relationships": relationships}

    def _sparse_import_resource(self, row: dict, samples: list[dict]) -> dict:
        file_link, failures_link = self._links(row["id"], row["account_list_id"], row["file"])
        attributes = import_attributes(row, file_link=file_link, failures_link=failures_link)
        attributes = {name: value for name, value in attributes.items() if name in self.import_fields}
        relationships = _relationships(row["user_id"], row["account_list_id"], samples)
        relationships = {name: value for name, value in relationships.items() if name in self.import_fields}
        return _resource("imports", row["id"], attributes, relationships)

    def _sample_resource(self, sample: dict) -> dict:
        attributes = sample_attributes(sample)
        if self.sample_fields is not None:
            attributes = {name: value for name, value in attributes.items() if name in self.sample_fields}
        return _resource("sample_contacts", sample["id"], attributes, {})


def _relationships(user_id, account_list_id, samples: list[dict]) -> dict:
    return {
        "user": {"data": {"type": "users", "id": str(user_id)}},
        "account_list": {"data": {"type": "account_lists", "id": str(account_list_id)}},
        "sample_contacts": {
            "meta": {"count": len(samples)},
            "data": [{"type": "sample_contacts", "id": str(sample["id"])} for sample in samples],
        },
    }


def _resource(resource_type: str, identifier, attributes: dict, relationships: dict) -> dict:
    """A resource object; like the JSON:API renderer, without empty attributes or relationships."""
    resource = {"type": resource_type, "id": str(identifier)}
    if attributes:
        resource["attributes"] = attributes
    if relationships:
        resource["relationships"] = relationships
    return resource


def _sparse_fieldset(request, resource_type: str) -> set[str] | None:
    value = request.query_params.get(f"fields[{resource_type}]")
    return None if value is None else set(value.split(","))


def reads_for(request) -> ImportReads | None:
    """The reads this module takes: no include, or the samples alone with every import field.

    Anything else (the user or the account list included, a sparse fieldset of
    imports with includes, an include that is not valid) is left to the
    serializer, whose answers are the reference.
    """
    include = request.query_params.get("include")
    if include is None:
        return ImportReads(request, include_samples=False)
    if include == "sample_contacts" and "fields[imports]" not in request.query_params:
        return ImportReads(request, include_samples=True)
    return None
