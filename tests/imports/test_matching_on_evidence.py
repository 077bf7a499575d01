"""A row is an existing contact (or an earlier row) only on evidence; look-alikes kept apart are reported.

Through the API and the real job: the file is uploaded, mapped, started; the
contacts, the import's counters and its possible duplicates are read back
over HTTP.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AccountList
from contacts.models import Contact, PhoneNumber
from tests.imports.helpers import create_csv, imports_path, update
from tests.imports.suggestions.helpers import contacts_by_name, emails, phones

pytestmark = pytest.mark.django_db

FIRST_NAMES = ["Emma", "Liam", "Olivia", "Noah", "Ava", "Mason", "Sophia", "Lucas", "Mia", "Ethan", "Zoe"]
LAST_NAMES = ["Brown", "Garcia", "Nguyen", "Okafor", "Schmidt", "Rossi", "Kowalski", "Tanaka", "Silva", "Haddad",
              "Murphy", "Larsen", "Dubois"]  # fmt: skip
MAPPINGS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "email_1": "email",
    "phone_1": "phone",
    "street": "mailing_street",
    "website": "url",
}


def csv_bytes(rows: list[dict]) -> bytes:
    header = ["First Name", "Last Name", "Email", "Phone", "Mailing Street", "URL"]
    lines = [",".join(header)]
    for row in rows:
        lines.append(",".join(row.get(key, "") for key in MAPPINGS.values()))
    return ("\n".join(lines) + "\n").encode()


def import_rows(api, account_list, rows: list[dict], capture, name: str = "contacts.csv") -> dict:
    created = create_csv(api, account_list, name, file=SimpleUploadedFile(name, csv_bytes(rows)))
    with capture(execute=True):
        response = update(api, account_list, created, {"file_headers_mappings": MAPPINGS, "in_preview": False})
    assert response.status_code == 200, response.content
    final = api.get(imports_path(account_list, f"/{created['id']}")).json()["data"]
    assert final["attributes"]["status"] == "complete", final["attributes"]["error"]
    return final


def possible_duplicates(api, account_list, import_id: str, **params) -> dict:
    response = api.get(imports_path(account_list, f"/{import_id}/possible_duplicates"), **params)
    assert response.status_code == 200, response.content
    return response.json()


def salesforce_demo_rows() -> list[dict]:
    """133 different people whose email a demo export masked to one address."""
    names = [(first, last) for last in LAST_NAMES for first in FIRST_NAMES][:133]
    return [
        {"first_name": first, "last_name": last, "email": "masked@example.com", "mailing_street": f"{n} Market St"}
        for n, (first, last) in enumerate(names, start=1)
    ]


def test_133_people_sharing_one_email_become_133_contacts_and_a_possible_duplicates_report(
    api, account_list, django_capture_on_commit_callbacks
):
    final = import_rows(api, account_list, salesforce_demo_rows(), django_capture_on_commit_callbacks)
    attributes = final["attributes"]
    assert (attributes["rows_created"], attributes["rows_updated"]) == (133, 0)
    assert attributes["possible_duplicates_count"] == 132
    assert Contact.objects.filter(account_list=account_list).count() == 133
    assert len(contacts_by_name(api, account_list)["Brown, Emma"]["people"]) == 1

    document = possible_duplicates(api, account_list, final["id"], **{"page[size]": 200, "include": "other_contact"})
    assert document["meta"]["pagination"]["count"] == 132
    first = document["data"][0]
    assert first["type"] == "possible_duplicates"
    assert first["attributes"]["reason"] == "same_email"
    assert first["attributes"]["line_number"] == 3
    assert first["attributes"]["evidence"] == {
        "email": "masked@example.com",
        "this_row": "Brown, Liam",
        "existing": "Brown, Emma",
    }
    other = first["relationships"]["other_contact"]["data"]
    assert {"type": "contacts", "id": other["id"]} == other
    (included,) = [item for item in document["included"] if item["id"] == other["id"]]
    assert included["attributes"]["name"] == "Brown, Emma"


def test_importing_the_same_file_again_creates_no_contact_and_no_new_report(
    api, account_list, django_capture_on_commit_callbacks
):
    rows = salesforce_demo_rows()[:20]
    import_rows(api, account_list, rows, django_capture_on_commit_callbacks)
    again = import_rows(api, account_list, rows, django_capture_on_commit_callbacks, name="again.csv")
    assert (again["attributes"]["rows_created"], again["attributes"]["rows_updated"]) == (0, 20)
    assert again["attributes"]["possible_duplicates_count"] == 0
    assert Contact.objects.filter(account_list=account_list).count() == 20


def test_two_people_of_the_same_name_with_different_profiles_stay_two(
    api, account_list, django_capture_on_commit_callbacks
):
    rows = [
        {"first_name": "Priya", "last_name": "Sharma", "url": "https://www.linkedin.com/in/priya-sharma-4a1b2c"},
        {"first_name": "Priya", "last_name": "Sharma", "url": "https://www.linkedin.com/in/priyasharma-design",
         "email": "priya.sharma@example.com"},
    ]  # fmt: skip
    final = import_rows(api, account_list, rows, django_capture_on_commit_callbacks)
    assert (final["attributes"]["rows_created"], final["attributes"]["possible_duplicates_count"]) == (2, 1)
    (pair,) = possible_duplicates(api, account_list, final["id"])["data"]
    assert pair["attributes"]["reason"] == "same_name"
    assert pair["attributes"]["evidence"] == {
        "name": "Sharma, Priya",
        "this_row": {
            "emails": ["priya.sharma@example.com"],
            "websites": ["linkedin.com/in/priyasharma-design"],
        },
        "existing": {"websites": ["linkedin.com/in/priya-sharma-4a1b2c"]},
    }
    again = import_rows(api, account_list, rows, django_capture_on_commit_callbacks, name="again.csv")
    assert (again["attributes"]["rows_created"], again["attributes"]["rows_updated"]) == (0, 2)


def test_the_same_name_merges_when_nothing_says_otherwise(api, account_list, django_capture_on_commit_callbacks):
    rows = [
        {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com"},
        {"first_name": "Ann", "last_name": "Lee"},  # nothing to tell them apart
        {"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "phone": "(213) 222-3333"},
    ]
    final = import_rows(api, account_list, rows, django_capture_on_commit_callbacks)
    assert (final["attributes"]["rows_created"], final["attributes"]["rows_updated"]) == (1, 2)
    (person,) = contacts_by_name(api, account_list)["Lee, Ann"]["people"]
    assert phones(person) == ["(213) 222-3333"]


def test_one_number_written_two_ways_is_evidence_and_is_kept_once(
    api, account_list, django_capture_on_commit_callbacks
):
    rows = [
        {"first_name": "Ann", "last_name": "Lee", "email": "ann@work.example", "phone": "(213) 222-3333"},
        {"first_name": "Ann", "last_name": "Lee", "email": "ann@home.example", "phone": "+1 213 222 3333"},
    ]
    final = import_rows(api, account_list, rows, django_capture_on_commit_callbacks)
    assert (final["attributes"]["rows_created"], final["attributes"]["rows_updated"]) == (1, 1)
    (person,) = contacts_by_name(api, account_list)["Lee, Ann"]["people"]
    assert phones(person) == ["(213) 222-3333"]  # displayed as first written
    assert emails(person) == ["ann@work.example", "ann@home.example"]
    assert set(PhoneNumber.objects.values_list("number_key", flat=True)) == {"12132223333"}


def test_numbers_without_a_country_code_are_read_in_the_account_lists_country(
    api, account_list, django_capture_on_commit_callbacks
):
    AccountList.objects.filter(pk=account_list.pk).update(default_country="GB")
    rows = [
        {"first_name": "Ann", "last_name": "Lee", "email": "ann@work.example", "phone": "020 7946 0958"},
        {"first_name": "Ann", "last_name": "Lee", "email": "ann@home.example", "phone": "+44 20 7946 0958"},
    ]
    final = import_rows(api, account_list, rows, django_capture_on_commit_callbacks)
    assert final["attributes"]["rows_created"] == 1
    assert set(PhoneNumber.objects.values_list("number_key", flat=True)) == {"442079460958"}


def test_a_household_member_matches_by_email_and_name(api, account_list, django_capture_on_commit_callbacks):
    household = "First Name,Last Name,Spouse First Name,Email\nJohn,Doe,Jane,john@example.com\n"
    created = create_csv(api, account_list, "h.csv", file=SimpleUploadedFile("h.csv", household.encode()))
    mappings = {"first_name": "first_name", "last_name": "last_name", "spouse_first_name": "spouse_first_name",
                "email_1": "email"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        update(api, account_list, created, {"file_headers_mappings": mappings, "in_preview": False})
    rows = [
        {"first_name": "John", "last_name": "Doe", "email": "john@example.com", "phone": "555-0100"},
        {"first_name": "Mary", "last_name": "Doe", "email": "john@example.com"},  # another person, one address
    ]
    final = import_rows(api, account_list, rows, django_capture_on_commit_callbacks)
    assert (final["attributes"]["rows_created"], final["attributes"]["rows_updated"]) == (1, 1)
    contacts = contacts_by_name(api, account_list)
    assert set(contacts) == {"Doe, John and Jane", "Doe, Mary"}
    assert final["attributes"]["possible_duplicates_count"] == 1


def test_a_row_without_a_name_matches_the_contact_of_its_email(api, account_list, django_capture_on_commit_callbacks):
    import_rows(api, account_list, [{"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com"}],
                django_capture_on_commit_callbacks)  # fmt: skip
    final = import_rows(api, account_list, [{"email": "ANN@example.com", "phone": "555-0100"}],
                        django_capture_on_commit_callbacks, name="subscribers.csv")  # fmt: skip
    assert (final["attributes"]["rows_created"], final["attributes"]["rows_updated"]) == (0, 1)
    (person,) = contacts_by_name(api, account_list)["Lee, Ann"]["people"]
    assert phones(person) == ["555-0100"]


def test_possible_duplicates_of_another_account_lists_import_are_not_found(api, account_list, stranger):
    response = stranger.client.get(imports_path(account_list, "/00000000-0000-4000-8000-000000000000"))
    assert response.status_code == 404
    response = api.get(imports_path(account_list, "/00000000-0000-4000-8000-000000000000/possible_duplicates"))
    assert response.status_code == 404


def test_the_admin_page_of_the_import_lists_its_possible_duplicates_with_the_evidence(
    admin_client, api, account_list, django_capture_on_commit_callbacks
):
    final = import_rows(api, account_list, salesforce_demo_rows()[:3], django_capture_on_commit_callbacks)
    html = admin_client.get(f"/admin/imports/import/{final['id']}/change/").content.decode()
    assert "Possible duplicates (2)" in html
    assert "Same email address, but another person" in html
    assert "Brown, Liam" in html and "Brown, Emma" in html and "masked@example.com" in html
