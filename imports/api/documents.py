"""The import resource as JSON:API documents: how the list, the detail, a create and an update answer.

Each attribute is one expression over a row of plain values (`imports.models.ATTRIBUTES` names
them, in order), and the document is written by the renderer as it is (`config.renderers.Document`).
`include` (sample_contacts, user, account_list) and sparse fieldsets (`fields[type]`) are handled
here, as djangorestframework-jsonapi handles them for a serializer; `ImportSerializer` only describes
the resource in the OpenAPI schema. Through Django REST framework, each of an import's 39 fields was
a field object asked for its attribute and representation over a model instance, and the renderer
walked the fields again: two thirds of a list.

A read's validator (`ImportDocuments.etag`) is a digest of the document without its signed file
links, which change every second: the same imports give the same ETag until one of them changes,
or until half the links' lifetime has passed, so a document kept by a client on a 304 always holds
links with at least half their lifetime left.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import time
from operator import itemgetter

import orjson
from django.conf import settings
from django.db.models import DateTimeField
from rest_framework.exceptions import ParseError
from rest_framework_json_api.utils import get_included_resources

from accounts.api.serializers import AccountListSerializer, UserSerializer
from accounts.models import AccountList, User
from config.renderers import Document
from config.rows import RowsByKey
from contacts.api.serializers import SampleContactSerializer
from contacts.models import SampleContact
from imports.api.serializers import ImportSerializer
from imports.downloads import failures_url, file_url, origin_of
from imports.models import (
    ATTRIBUTES,
    Import,
    check_of,
    file_sheet_read_of,
    file_sheets_of,
    file_version_of,
    header_line_of,
    ordered_headers,
    tnt_summary_of,
)
from imports.undo import progress as undo_progress

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


def _date_time(name: str):
    return lambda row: _when(row[name])


# The attributes that are not a stored column as it is; the others are read from their column.
# file_url and failures_url depend on the request: they are filled in by `ImportDocuments`.
COMPUTED = {
    "account_list_id": lambda row: str(row["account_list_id"]),
    "source_account_id": lambda row: str(row["source_account_id"]) if row["source_account_id"] else None,
    "file_url": lambda row: None,
    "file_headers": lambda row: ordered_headers(row["file_headers"], row["file_header_order"]),
    "file_sheets": lambda row: file_sheets_of(row["source"], row["file_format"]),
    "file_sheet_read": lambda row: file_sheet_read_of(row["source"], row["file_format"]),
    "header_line": lambda row: header_line_of(row["source"], row["file_format"]),
    "groups": lambda row: [str(group) for group in row["groups"]],
    "updated_in_db_at": _date_time("updated_at"),
    "file_version": lambda row: file_version_of(row["source"], row["file_format"]),
    "failures_url": lambda row: None,
    "tnt_summary": tnt_summary_of,
    "undo": lambda row: undo_progress.public(row["undo"]),
    "check": lambda row: check_of(row["check_result"]),  # its failures_url is filled in by ImportDocuments
}
STORED = {name for field in Import._meta.concrete_fields for name in (field.name, field.attname)}
IMPORT_COLUMNS = (
    "id",
    "user_id",
    "file",
    "file_format",
    "file_header_order",
    "tnt_steps",
    "check_result",
    *(name for name in ATTRIBUTES if name in STORED),
)
READERS = [
    (
        name,
        COMPUTED.get(name)
        or (_date_time(name) if isinstance(Import._meta.get_field(name), DateTimeField) else None)
        or itemgetter(name),
    )
    for name in ATTRIBUTES
]
IMPORT_ROWS = RowsByKey(Import, IMPORT_COLUMNS)

SAMPLE_ATTRIBUTES = tuple(SampleContactSerializer.Meta.fields)
# Samples in file order (SampleContact.Meta.ordering): whole when included, otherwise only their ids.
SAMPLE_KEYS = RowsByKey(SampleContact, ("import_record_id", "id"), key="import_record", order_by=("position",))
SAMPLE_ROWS = RowsByKey(
    SampleContact, ("import_record_id", "id", *SAMPLE_ATTRIBUTES), key="import_record", order_by=("position",)
)


KEY_COLUMNS = ("id", "user_id", "account_list_id", "file")


def _stored_import(raw: tuple) -> tuple[dict, dict]:
    """An import's keys and attributes (but for the links, which depend on the request), from its
    row as the database gives it."""
    row = IMPORT_ROWS.converted([raw])[0]
    return {name: row[name] for name in KEY_COLUMNS}, {name: read(row) for name, read in READERS}


_kept_stored_import = functools.lru_cache(maxsize=512)(_stored_import)


def stored_import(raw: tuple) -> tuple[dict, dict]:
    """`_stored_import`, kept for the last rows read.

    Its outcome is a function of the stored values alone, so it is kept keyed by those values: it
    cannot be stale, whatever wrote the row and whether or not `updated_at` moved. A client polling a
    list reads the same rows again and again, and converting them (an import holds kilobytes of
    JSON) is most of a list's work. The attributes are shared: callers copy before adding to them.
    """
    try:
        return _kept_stored_import(raw)
    except TypeError:  # a value the database gives that cannot be a key (none does today): not kept
        return _stored_import(raw)


class Included:
    """A resource type an import's document can include: its rows and how its attributes are written."""

    def __init__(self, resource_type: str, model, serializer_class):
        self.resource_type = resource_type
        self.attribute_names = tuple(serializer_class.Meta.fields)
        self.rows = RowsByKey(model, ("id", *self.attribute_names))
        fields = {name: model._meta.get_field(name) for name in self.attribute_names}
        self.date_times = {name for name, field in fields.items() if isinstance(field, DateTimeField)}

    def attributes(self, row: dict) -> dict:
        return {name: _when(row[name]) if name in self.date_times else row[name] for name in self.attribute_names}


INCLUDED_TO_ONE = {
    "user": Included("users", User, UserSerializer),
    "account_list": Included("account_lists", AccountList, AccountListSerializer),
}
INCLUDABLE = tuple(ImportSerializer.included_serializers)  # what `include` may name


def included_paths(request) -> list[str]:
    """The `include` paths of the request, refused as djangorestframework-jsonapi refuses them."""
    paths = get_included_resources(request)
    for path in paths:
        first, *further = path.split(".")
        if first not in INCLUDABLE:
            raise ParseError(f"This endpoint does not support the include parameter for path {path}")
        if further:  # the included resources include nothing themselves
            raise ParseError("This endpoint does not support the include parameter")
    return paths


class ImportDocuments:
    """The documents of one request: its includes, its sparse fieldsets, its user and origin."""

    def __init__(self, request):
        self.request = request
        self.included = included_paths(request)
        self.fieldsets = {
            name[len("fields[") : -1]: set(value.split(","))
            for name, value in request.query_params.items()
            if name.startswith("fields[") and name.endswith("]")
        }
        self.origin = origin_of(request)
        self._files: list[tuple[dict, object, str]] = []  # (attributes, import id, storage name) to link

    def fetch(self, import_ids: list) -> None:
        """Read what the document of these imports is made of (in this order; one that is gone is left
        out), as the database gives it: enough for `etag`, and converted only by `document`."""
        self._import_ids = list(import_ids)
        self._raw_imports = IMPORT_ROWS.fetch_raw(self._import_ids)
        samples = SAMPLE_ROWS if "sample_contacts" in self.included else SAMPLE_KEYS
        self._raw_samples = samples.fetch_raw(self._import_ids)
        fieldset = self.fieldsets.get("imports")
        self._raw_included = {}
        for name, kind in INCLUDED_TO_ONE.items():
            if name in self.included and (fieldset is None or name in fieldset):
                column = IMPORT_ROWS.column_index(f"{name}_id")
                keys = list(dict.fromkeys(row[column] for row in self._raw_imports))
                self._raw_included[name] = kind.rows.fetch_raw(keys)

    @property
    def found(self) -> bool:
        return bool(self._raw_imports)

    def etag(self, *, links: dict | None = None, meta: dict | None = None) -> str:
        """A weak validator of the document as this user reads it, until its links are half expired.

        A digest of what the document is made of: the rows as the database gave them, the request
        (path, query: includes, sparse fieldsets, page, sort, filters), the reader, the origin of its
        links, the pagination's links and meta, the resource's attribute names and the period of the
        signed links. The document is a function of these, so equal digests mean equal documents; a
        304 is answered without converting or rendering anything.
        """
        link_period = int(time.time()) // max(settings.FILE_URL_EXPIRY_SECONDS // 2, 1)
        made_of = [
            [str(key) for key in self._import_ids],
            self._raw_imports,
            self._raw_samples,
            self._raw_included,
            self.request.get_full_path(),
            str(self.request.user.pk),
            self.origin,
            links,
            meta,
            link_period,
            tuple(ATTRIBUTES),
        ]
        digest = hashlib.blake2b(orjson.dumps(made_of, default=_as_text), digest_size=16)
        return f'W/"{digest.hexdigest()}"'

    def document(self, *, links: dict | None = None, meta: dict | None = None, many: bool):
        """The document of the fetched imports; None for a single import that does not exist.
        File links are signed by `sign_file_links`."""
        by_id = {}
        for raw in self._raw_imports:
            keys, attributes = stored_import(raw)
            by_id[keys["id"]] = (keys, attributes)
        rows = [by_id[key] for key in self._import_ids if key in by_id]
        if not many and not rows:
            return None
        sample_rows = SAMPLE_ROWS if "sample_contacts" in self.included else SAMPLE_KEYS
        samples: dict = {}  # import id -> its samples in file order
        for sample in sample_rows.converted(self._raw_samples):
            samples.setdefault(sample["import_record_id"], []).append(sample)
        data = [self._import_resource(keys, attributes, samples.get(keys["id"], [])) for keys, attributes in rows]
        document = Document({"links": links} if links else {})
        document["data"] = data if many else data[0]
        if self.included:
            document["included"] = self._included([keys for keys, _ in rows], samples)
        if meta:
            document["meta"] = meta
        return document

    def sign_file_links(self) -> None:
        user = self.request.user
        for attributes, import_id, file_name in self._files:
            attributes["file_url"] = file_url(import_id=import_id, file_name=file_name, user=user, origin=self.origin)

    def _import_resource(self, row: dict, stored_attributes: dict, samples: list[dict]) -> dict:
        attributes = dict(stored_attributes)  # the kept one is shared: this request adds its links
        attributes["failures_url"] = failures_url(
            account_list_id=row["account_list_id"], import_id=row["id"], origin=self.origin
        )
        if attributes["check"] is not None:  # a copy: the kept attributes are shared
            ids = {"account_list_id": row["account_list_id"], "import_id": row["id"]}
            link = failures_url(**ids, origin=self.origin, of_check=True)
            attributes["check"] = {**attributes["check"], "failures_url": link}
        relationships = {
            "user": {"data": {"type": "users", "id": str(row["user_id"])}},
            "account_list": {"data": {"type": "account_lists", "id": str(row["account_list_id"])}},
            "sample_contacts": {
                "meta": {"count": len(samples)},
                "data": [{"type": "sample_contacts", "id": str(sample["id"])} for sample in samples],
            },
        }
        fieldset = self.fieldsets.get("imports")
        if fieldset is not None:
            attributes = {name: value for name, value in attributes.items() if name in fieldset}
            relationships = {name: value for name, value in relationships.items() if name in fieldset}
        if "file_url" in attributes:
            self._files.append((attributes, row["id"], row["file"]))
        return self._resource("imports", row["id"], attributes, relationships)

    def _included(self, rows: list[dict], samples: dict) -> list[dict]:
        """The included resources in the library's order: by type, then by id.

        A to-one resource is included where the import's relationship is rendered (a sparse
        fieldset may leave it out); the samples whenever they are asked for.
        """
        included = []
        for name, raw_rows in self._raw_included.items():
            kind = INCLUDED_TO_ONE[name]
            keys = list(dict.fromkeys(row[f"{name}_id"] for row in rows))
            for row in kind.rows.in_order(kind.rows.converted(raw_rows), keys):
                attributes = self._sparse(kind.resource_type, kind.attributes(row))
                included.append(self._resource(kind.resource_type, row["id"], attributes))
        if "sample_contacts" in self.included:
            included += [
                self._resource(
                    "sample_contacts",
                    sample["id"],
                    self._sparse("sample_contacts", {name: sample[name] for name in SAMPLE_ATTRIBUTES}),
                )
                for some in samples.values()
                for sample in some
            ]
        included.sort(key=lambda resource: (resource["type"], resource["id"]))
        return included

    def _sparse(self, resource_type: str, attributes: dict) -> dict:
        fieldset = self.fieldsets.get(resource_type)
        return attributes if fieldset is None else {name: attributes[name] for name in attributes if name in fieldset}

    @staticmethod
    def _resource(resource_type: str, identifier, attributes: dict, relationships: dict | None = None) -> dict:
        """A resource object; like the JSON:API renderer, without empty attributes or relationships."""
        resource = {"type": resource_type, "id": str(identifier)}
        if attributes:
            resource["attributes"] = attributes
        if relationships:
            resource["relationships"] = relationships
        return resource


def _as_text(value) -> str:
    return str(value)  # Decimals, for the digest only (the renderer writes them as DRF does)
