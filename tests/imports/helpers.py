"""Making imports in tests: `make_import` (services and the real job) and the API calls of a client.

`make_import` is the one way to make an import that a test needs to exist.
`create_csv` and `update` are the HTTP requests a client sends, for the tests
whose subject is the API itself.
"""

from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass
from typing import Literal

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AccountList, User
from benchmarks import data as generated
from imports import services
from imports.models import Import
from imports.pipeline.job import run_import
from imports.suggestions import suggest_constant_mappings
from tests.conftest import fixture_path
from tests.factories import MembershipFactory

INVALID_ROWS = "sample_csv_with_some_invalid_rows.csv"  # three rows: one imports, two fail

SEED_ATTRIBUTES = {
    "account_list_id": str,
    "source": str,
    "file_url": (str, type(None)),
    "file_headers": dict,
    "file_constants": dict,
    "file_headers_mappings": dict,
    "file_constants_mappings": dict,
    "tag_list": str,
    "groups": list,
    "group_tags": dict,
    "import_by_group": bool,
    "in_preview": bool,
    "override": bool,
    "created_at": str,
    "updated_at": str,
    "updated_in_db_at": str,
}

CUSTOM_HEADERS_MAPPINGS = {
    "first_name": "fname",
    "last_name": "lname",
    "spouse_first_name": "spouse_fname",
    "spouse_last_name": "spouse_lname",
    "greeting": "greeting",
    "envelope_greeting": "mailing_greeting",
    "church": "church",
    "street": "street",
    "city": "city",
    "state": "province",
    "zip": "zip_code",
    "country": "country",
    "status": "status",
    "pledge_amount": "amount",
    "pledge_frequency": "frequency",
    "pledge_currency": "currency",
    "newsletter": "newsletter",
    "tags": "tags",
    "email_1": "email_address",
    "spouse_email": "spouse_email_address",
    "phone_1": "phone",
    "spouse_phone": "spouse_phone_number",
    "notes": "extra_notes",
    "likely_to_give": "likely_giver",
    "metro_area": "metro",
    "region": "region",
    "send_appeals": "appeals",
    "website": "website",
    "referred_by": "referred_by",
}
CUSTOM_CONSTANTS_MAPPINGS = {
    "status": [
        {"id": "Partner - Pray", "values": ["Praying"]},
        {"id": "Partner - Financial", "values": ["Praying and giving"]},
    ],
    "pledge_frequency": [{"id": "1.0", "values": ["Monthly"]}],
    "pledge_currency": [{"id": "CAD", "values": ["CAD"]}],
    "newsletter": [{"id": "Both", "values": ["Both"]}],
    "likely_to_give": [{"id": "Most Likely", "values": ["Yes"]}, {"id": "Least Likely", "values": ["No"]}],
    "send_appeals": [{"id": "true", "values": ["Yes"]}, {"id": "false", "values": ["No"]}],
}


def upload(name: str, kind: str = "csv", content: bytes | None = None) -> SimpleUploadedFile:
    data = content if content is not None else fixture_path(kind, name).read_bytes()
    return SimpleUploadedFile(name, data, content_type="text/csv" if kind == "csv" else "text/xml")


def data_uri(content: bytes, media_type: str = "text/csv") -> str:
    return f"data:{media_type};base64,{base64.b64encode(content).decode()}"


def imports_path(account_list, suffix: str = "") -> str:
    return f"/api/v2/account_lists/{account_list.id}/imports{suffix}"


def create_csv(api, account_list, name: str, file=None, **attributes):
    fields = {"data[type]": "imports", "data[attributes][file]": file or upload(name)}
    for key, value in attributes.items():
        fields[f"data[attributes][{key}]"] = value
    response = api.post_multipart(imports_path(account_list, "/csv"), fields)
    assert response.status_code == 201, response.content
    return response.json()["data"]


def update(api, account_list, import_data: dict, attributes: dict, *, path_suffix: str = "/csv", include: str = ""):
    """PUT with the updated_at last read, as an offline-aware client does."""
    current = api.get(imports_path(account_list, f"/{import_data['id']}")).json()["data"]
    document = {
        "data": {
            "type": "imports",
            "id": import_data["id"],
            "attributes": {"updated_in_db_at": current["attributes"]["updated_at"], **attributes},
        }
    }
    query = f"?include={include}" if include else ""
    return api.put_json(imports_path(account_list, f"{path_suffix}/{import_data['id']}{query}"), document)


# Header keys of the exports whose headers read like the supported fields' labels.
STANDARD_HEADERS = {
    "full_name": "full_name",
    "first_name": "first_name",
    "last_name": "last_name",
    "spouse_first_name": "spouse_first_name",
    "spouse_last_name": "spouse_last_name",
    "greeting": "greeting",
    "envelope_greeting": "envelope_greeting",
    "church": "church",
    "street": "mailing_street_address",
    "city": "mailing_city",
    "state": "mailing_state",
    "zip": "mailing_postal_code",
    "country": "mailing_country",
    "status": "status",
    "pledge_amount": "commitment_amount",
    "pledge_frequency": "commitment_frequency",
    "pledge_currency": "commitment_currency",
    "newsletter": "newsletter",
    "tags": "tags",
    "email_1": "primary_email",
    "spouse_email": "spouse_email",
    "phone_1": "primary_phone",
    "spouse_phone": "spouse_phone",
    "notes": "notes",
}


@dataclass(frozen=True)
class Mappings:
    """Header mappings (supported field -> header key) and their constants, to apply to any file.

    A set names more columns than any one file has: only the columns the file
    has are mapped, and only the constant values it holds. `constants=None`
    takes the suggested constants of the mapped columns.
    """

    headers: dict[str, str]
    constants: dict[str, list[dict]] | None = None

    def for_file(self, import_record: Import) -> dict[str, dict]:
        headers = {field: key for field, key in self.headers.items() if key in import_record.file_headers}
        if self.constants is None:
            constants = suggest_constant_mappings(import_record.file_constants, headers)
        else:
            constants = {}
            for field, entries in self.constants.items():
                found = set(import_record.file_constants.get(headers.get(field), []))
                kept = [{"id": entry["id"], "values": [v for v in entry["values"] if v in found]} for entry in entries]
                if kept := [entry for entry in kept if entry["values"]]:
                    constants[field] = kept
        return {"file_headers_mappings": headers, "file_constants_mappings": constants}


CUSTOM = Mappings(CUSTOM_HEADERS_MAPPINGS, CUSTOM_CONSTANTS_MAPPINGS)  # the fixtures with fname, lname ... headers
STANDARD = Mappings(STANDARD_HEADERS)  # the fixtures whose headers read like the fields' labels
GENERATED = Mappings(generated.HEADERS_MAPPINGS, generated.CONSTANTS_MAPPINGS)  # benchmarks.data's files


def make_import(
    *,
    account_list: AccountList | None = None,
    user: User | None = None,
    source: str = Import.Source.CSV,
    fixture: str | None = None,
    content: bytes | None = None,
    filename: str | None = None,
    mappings: Mappings | dict[str, str] | None = None,
    until: Literal["uploaded", "preview", "queued", "finished"] = "finished",
    **attributes,
) -> Import:
    """An import made as the API makes one: created from a file, mapped, started and run by the real job.

    The file is a shared fixture (`fixture`, by name) or `content`. `mappings`
    (a Mappings, or header mappings with suggested constants) is sent after
    the upload, as a client maps after reading the analysis; None sends the
    suggested mappings. `until` stops as uploaded (in preview, no mappings
    sent), in preview, or queued before the job runs. Other keywords are the import's writable attributes (tag_list,
    override, groups ...). The user is a member of the account list; either is
    made when not given.
    """
    if account_list is None or user is None:
        given = {"account_list": account_list, "user": user}
        membership = MembershipFactory(**{name: value for name, value in given.items() if value is not None})
        account_list, user = membership.account_list, membership.user
    kind = "tnt" if source in Import.TNT_SOURCES else "csv"
    default_name = {Import.Source.TNT: "export.xml", Import.Source.TNT_DATA_SYNC: "donors.tntmpd"}
    name = filename or fixture or default_name.get(source, "contacts.csv")
    import_record = services.create_import(
        account_list=account_list,
        user=user,
        source=source,
        file=upload(fixture or name, kind=kind, content=content),
        attributes={**attributes, "in_preview": True},
        in_preview_default=True,
    )
    if until == "uploaded":
        return import_record
    if source == Import.Source.CSV:
        if isinstance(mappings, dict):
            mappings = Mappings(mappings)
        chosen = (
            mappings.for_file(import_record)
            if mappings is not None
            else {
                "file_headers_mappings": import_record.suggested_file_headers_mappings,
                "file_constants_mappings": import_record.suggested_file_constants_mappings,
            }
        )
        import_record = services.update_import(
            import_record=import_record, attributes=chosen, updated_in_db_at=None, overwrite=True
        )
    if until == "preview":
        return import_record
    import_record = services.start_import(import_record=import_record, enqueue=False)
    if until == "queued":
        return import_record
    return run_import(str(import_record.pk))


def csv_content(header: list[str], rows: list[list[str]]) -> bytes:
    """A CSV file of these rows, quoted as a spreadsheet writes it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def nameless_rows(count: int) -> bytes:
    """A file whose every row fails (neither a name nor an email): `count` failures, one per line."""
    return csv_content(
        ["fname", "lname", "email-address", "extra-notes"], [["", "", "", f"note {n}"] for n in range(count)]
    )


def named_rows(count: int) -> bytes:
    return csv_content(
        ["fname", "lname", "email-address"], [[f"Ann{n}", "Lee", f"ann{n}@example.com"] for n in range(count)]
    )
