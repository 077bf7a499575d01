"""A check says what the import then does: the same rows created, updated, failed and kept apart as duplicates.

Each file is checked through HTTP with the real task, then imported by the real job; the check's
figures must be the import's, on every source, with rows of one file matching each other across
batches (the tests' batches are 50 rows) and contacts that exist already.
"""

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from imports import services
from imports.models import Import
from imports.pipeline.job import run_import
from tests.conftest import FIXTURES
from tests.google.helpers import connect
from tests.imports.helpers import csv_content, imports_path, make_import
from tests.imports.test_check import check_of, post_check

pytestmark = pytest.mark.django_db

EXPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "exports"
HEADER = ["fname", "lname", "email-address", "phone", "street"]
MAPPINGS = {
    "first_name": "fname",
    "last_name": "lname",
    "email_1": "email_address",
    "phone_1": "phone",
    "street": "street",
}


def rows_that_meet_again() -> bytes:
    """300 rows whose later rows are earlier ones again, batches apart, in each way matching knows.

    - rows 0-119: 120 people, each with an email and a phone;
    - rows 120-159: 40 of them again by name and email (an update of a contact the file made);
    - rows 160-179: 20 of their names with other emails and phones (kept apart: possible duplicates);
    - rows 180-199: 20 of their emails under other names (kept apart: possible duplicates);
    - rows 200-219: 20 people without an email, whose email comes in rows 220-239 (same name, so a merge
      that gives them a primary email), and rows 240-259 have only that email (no name: matched by it);
    - rows 260-289: one office address shared by 30 differently named people;
    - rows 290-299: rows that fail (no name and no email, or an invalid email).
    """
    rows = [[f"Ann{n}", f"Lee{n}", f"ann{n}@example.com", f"555-01{n:03d}", ""] for n in range(120)]
    rows += [[f"Ann{n}", f"Lee{n}", f"ann{n}@example.com", "", f"{n} Main St"] for n in range(0, 80, 2)]
    rows += [[f"Ann{n}", f"Lee{n}", f"other{n}@example.com", f"555-09{n:03d}", ""] for n in range(1, 41, 2)]
    rows += [[f"Bo{n}", f"Kim{n}", f"ann{n}@example.com", "", ""] for n in range(50, 70)]
    rows += [[f"Cy{n}", f"Ray{n}", "", f"555-07{n:03d}", ""] for n in range(20)]
    rows += [[f"Cy{n}", f"Ray{n}", f"cy{n}@example.com", "", ""] for n in range(20)]
    rows += [["", "", f"cy{n}@example.com", "", ""] for n in range(20)]
    rows += [[f"Dee{n}", f"Fox{n}", "office@example.com", "", ""] for n in range(30)]
    rows += [["", "", "", f"555-08{n:03d}", ""] for n in range(5)]
    rows += [[f"Eve{n}", "Ng", "not-an-address", "", ""] for n in range(5)]
    return csv_content(HEADER, rows)


def check_through_http(api, import_record, capture) -> dict:
    response = post_check(api, import_record, capture)
    assert response.status_code == 202, response.content
    check = check_of(api, import_record)
    assert check["status"] == "complete", check["error"]
    return check


def import_after_check(import_record: Import) -> Import:
    services.start_import(import_record=import_record, enqueue=False)
    finished = run_import(str(import_record.pk))
    assert finished.status == Import.Status.COMPLETE, finished.error
    return finished


def assert_check_equals_import(check: dict, finished: Import) -> None:
    said = (check["rows"], check["would_create"], check["would_update"], check["would_fail"])
    done = (finished.rows_processed, finished.rows_created, finished.rows_updated, finished.rows_failed)
    assert said == done
    assert check["possible_duplicates"] == finished.possible_duplicates_count
    # The rows it said would fail are the rows that failed, with the same reasons.
    said = finished.check_failures.filter(generation=finished.check_generation)
    said_failures = {
        (line, message, tuple(cells)) for line, message, cells in said.values_list("line_number", "message", "fields")
    }
    failures = {
        (line, message, tuple(cells))
        for line, message, cells in finished.failures.values_list("line_number", "message", "fields")
    }
    if finished.source == Import.Source.TNT:  # the other tables' failures that only a write finds are not said
        assert said_failures <= failures
    else:
        assert said_failures == failures


def checked_and_imported(api, member, capture, **import_options) -> tuple[dict, Import]:
    previewed = make_import(account_list=member.account_list, user=member.user, until="preview", **import_options)
    check = check_through_http(api, previewed, capture)
    return check, import_after_check(previewed)


def test_a_csv_whose_rows_meet_again_across_batches(api, member, django_capture_on_commit_callbacks):
    check, finished = checked_and_imported(
        api, member, django_capture_on_commit_callbacks, content=rows_that_meet_again(), mappings=MAPPINGS
    )
    assert_check_equals_import(check, finished)
    # What the file holds, so that the equality is not of zeros.
    assert check["would_update"] >= 40 and check["possible_duplicates"] >= 40 and check["would_fail"] == 10


def test_a_csv_checked_again_over_the_contacts_it_made(api, member, django_capture_on_commit_callbacks):
    content = rows_that_meet_again()
    make_import(account_list=member.account_list, user=member.user, content=content, mappings=MAPPINGS)
    check, finished = checked_and_imported(
        api, member, django_capture_on_commit_callbacks, content=content, mappings=MAPPINGS, override=True
    )
    assert_check_equals_import(check, finished)
    assert check["would_create"] == 0  # importing the same file twice creates no duplicate


@pytest.mark.parametrize("fixture", ["tnt_export.xml", "tnt_3_2_export_with_personal_gift.xml"])
def test_a_tnt_export(fixture, api, member, django_capture_on_commit_callbacks):
    check, finished = checked_and_imported(
        api, member, django_capture_on_commit_callbacks, source=Import.Source.TNT, fixture=fixture
    )
    assert_check_equals_import(check, finished)
    assert check["would_create"] > 0
    # The other tables: the rows each step reads, and those its builder skips or fails, as the import counted them.
    steps = finished.tnt_steps
    for name, figures in check["tables"].items():
        assert figures["rows"] == steps[name]["processed"], name
        assert figures["skipped"] <= steps[name]["skipped"] and figures["failed"] <= steps[name]["failed"], name
    assert sum(figures["rows"] for figures in check["tables"].values()) > 0


def test_a_tnt_export_whose_rows_cannot_keep_their_ids(api, member, django_capture_on_commit_callbacks):
    # A contact and a task whose ids are too long to keep, a Task row without an id, a greeting of 300
    # characters (kept whole): the check says the same failures as the import, and the import completes.
    content = (
        (FIXTURES / "tnt" / "tnt_export.xml")
        .read_text(encoding="utf-8")
        .replace("1620699916", "1" * 60)
        .replace('<row id="-1918558789">', "<row>")
        .replace("<Greeting>Bob and Dawn</Greeting>", f"<Greeting>{'G' * 300}</Greeting>")
    )
    check, finished = checked_and_imported(
        api, member, django_capture_on_commit_callbacks, source=Import.Source.TNT, content=content.encode()
    )
    assert_check_equals_import(check, finished)
    assert (check["would_create"], check["would_fail"]) == (1, 1)
    assert check["tables"]["tasks"]["failed"] == finished.tnt_steps["tasks"]["failed"] == 1


def test_a_tnt_data_sync_file(api, member, django_capture_on_commit_callbacks):
    check, finished = checked_and_imported(
        api,
        member,
        django_capture_on_commit_callbacks,
        source=Import.Source.TNT_DATA_SYNC,
        fixture="tnt_data_sync_file.tntmpd",
    )
    assert_check_equals_import(check, finished)
    assert check["would_create"] > 0


def test_an_excel_workbook_whose_rows_meet_again(api, member, django_capture_on_commit_callbacks):
    workbook = Workbook()
    for row in csv.reader(io.StringIO(rows_that_meet_again().decode())):
        workbook.active.append(row)
    content = io.BytesIO()
    workbook.save(content)
    options = {"content": content.getvalue(), "filename": "people.xlsx", "mappings": MAPPINGS}
    check, finished = checked_and_imported(api, member, django_capture_on_commit_callbacks, **options)
    assert_check_equals_import(check, finished)
    assert check["would_update"] >= 40


@pytest.mark.parametrize("name", ["apple_contacts.vcf", "google_contacts.vcf", "outlook_contacts.vcf"])
def test_a_vcard(name, api, member, django_capture_on_commit_callbacks):
    check, finished = checked_and_imported(
        api, member, django_capture_on_commit_callbacks, content=(EXPORTS / name).read_bytes(), filename=name
    )
    assert_check_equals_import(check, finished)
    assert check["would_create"] > 0


def test_a_google_account(api, member, google, django_capture_on_commit_callbacks):
    google.state.people.append({"resourceName": "people/c999", "etag": "x", "phoneNumbers": [{"value": "555-0100"}]})
    google.state.people.append({**google.state.people[3], "resourceName": "people/c1000"})  # the same person again
    account = connect(api, google)
    document = {"data": {"type": "imports", "attributes": {"source_account_id": account["id"], "in_preview": True}}}
    created = api.post_json(imports_path(member.account_list, "/google"), document)
    assert created.status_code == 201, created.content
    previewed = Import.objects.get(pk=created.json()["data"]["id"])
    check = check_through_http(api, previewed, django_capture_on_commit_callbacks)
    assert_check_equals_import(check, import_after_check(previewed))
    assert check["rows"] == 252 and check["would_fail"] == 1
