"""Helpers for import tests: upload a fixture, update with the current updated_at, run the job."""

import base64

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import fixture_path

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


def standard_mappings(import_data: dict) -> dict:
    """Mappings for a file with label-like headers: every known header, constants as suggested."""
    from imports.suggestions import suggest_constant_mappings

    headers = import_data["attributes"]["file_headers"]
    header_mappings = {field: key for field, key in STANDARD_HEADERS.items() if key in headers}
    constants = suggest_constant_mappings(import_data["attributes"]["file_constants"], header_mappings)
    return {"file_headers_mappings": header_mappings, "file_constants_mappings": constants}


def import_fixture(api, account_list, name: str, capture, **attributes) -> dict:
    """Upload, map with standard_mappings and run the import through the real task; returns the final resource."""
    created = create_csv(api, account_list, name)
    with capture(execute=True):
        response = update(api, account_list, created, {**standard_mappings(created), "in_preview": False, **attributes})
    assert response.status_code == 200, response.content
    return api.get(imports_path(account_list, f"/{created['id']}")).json()["data"]
