"""Where the realistic export fixtures live, and small readers of the contacts API."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

EXPORTS = Path(__file__).resolve().parents[2] / "fixtures" / "exports"


def export_upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (EXPORTS / name).read_bytes(), content_type="application/octet-stream")


def contacts_by_name(api, account_list) -> dict[str, dict]:
    response = api.get(f"/api/v2/account_lists/{account_list.id}/contacts", **{"page[size]": 100})
    assert response.status_code == 200, response.content
    return {contact["attributes"]["name"]: contact["attributes"] for contact in response.json()["data"]}


def emails(person: dict) -> list[str]:
    return [email["email"] for email in person["email_addresses"]]


def phones(person: dict) -> list[str]:
    return [phone["number"] for phone in person["phone_numbers"]]
