"""The check: POST .../check reads the whole file as the import would and writes no contact.

Through HTTP, with the real task (django-q2 in sync mode runs it when the request's transaction commits).
"""

import csv
import io
import json

import pytest
from django.apps import apps

from imports.models import CheckContact, CheckFailure, CheckKey, Import
from imports.tasks import run_check
from tests.imports.helpers import csv_content, imports_path, make_import, update

pytestmark = pytest.mark.django_db

HEADER = ["fname", "lname", "email-address", "phone"]
MAPPINGS = {"first_name": "fname", "last_name": "lname", "email_1": "email_address", "phone_1": "phone"}


def two_hundred_rows() -> bytes:
    """190 people who become contacts, and 10 rows with neither a name nor an email (every 20th row)."""
    rows = []
    for n in range(200):
        if n % 20 == 7:
            rows.append(["", "", "", f"555-01{n:02d}"])
        else:
            rows.append([f"Ann{n}", "Lee", f"ann{n}@example.com", ""])
    return csv_content(HEADER, rows)


def contact_side_counts() -> dict[str, int]:
    """Rows of every table an import writes: the contacts' and the book's apps, and the import's own records."""
    models = [
        *apps.get_app_config("contacts").get_models(),
        *apps.get_app_config("fundraising").get_models(),
        *(apps.get_model("imports", name) for name in ("ImportFailure", "ImportedContact", "PossibleDuplicate")),
    ]
    return {model._meta.label: model.objects.count() for model in models}


def check_path(import_record, suffix: str = "") -> str:
    return imports_path(import_record.account_list, f"/{import_record.pk}/check{suffix}")


def post_check(api, import_record, capture, **options):
    with capture(execute=True):
        return api.client.post(check_path(import_record), **options)


def check_of(api, import_record) -> dict:
    response = api.get(imports_path(import_record.account_list, f"/{import_record.pk}"))
    assert response.status_code == 200, response.content
    return response.json()["data"]["attributes"]["check"]


@pytest.fixture
def previewed(member):
    return make_import(
        account_list=member.account_list,
        user=member.user,
        content=two_hundred_rows(),
        mappings=MAPPINGS,
        until="preview",
    )


def test_a_check_of_200_rows_counts_190_to_create_and_10_to_fail_and_writes_nothing(
    api, previewed, django_capture_on_commit_callbacks
):
    before = contact_side_counts()
    response = post_check(api, previewed, django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.content
    assert response.json()["data"]["attributes"]["check"]["status"] == "running"  # as the request left it

    check = check_of(api, previewed)
    assert check["status"] == "complete", check["error"]
    assert (check["rows"], check["would_create"], check["would_update"], check["would_fail"]) == (200, 190, 0, 10)
    assert check["possible_duplicates"] == 0
    assert check["started_at"] and check["completed_at"]
    assert contact_side_counts() == before
    # Its scratch rows are gone with it; the failed rows stay to be downloaded.
    assert not CheckContact.objects.exists() and not CheckKey.objects.exists()
    assert CheckFailure.objects.filter(import_record=previewed).count() == 10
    previewed.refresh_from_db()
    assert previewed.status == Import.Status.PREVIEW and previewed.rows_processed == 0


def test_the_import_then_does_what_its_check_said(api, previewed, django_capture_on_commit_callbacks):
    post_check(api, previewed, django_capture_on_commit_callbacks)
    check = check_of(api, previewed)
    with django_capture_on_commit_callbacks(execute=True):
        response = update(api, previewed.account_list, {"id": str(previewed.pk)}, {"in_preview": False})
    assert response.status_code == 200, response.content
    previewed.refresh_from_db()
    assert previewed.status == Import.Status.COMPLETE
    assert (previewed.rows_created, previewed.rows_updated, previewed.rows_failed) == (
        check["would_create"],
        check["would_update"],
        check["would_fail"],
    )
    assert check_of(api, previewed)["status"] == "complete"  # starting keeps what the check found


def test_the_check_failures_download_in_the_failures_csv_format(api, previewed, django_capture_on_commit_callbacks):
    post_check(api, previewed, django_capture_on_commit_callbacks)
    link = check_of(api, previewed)["failures_url"]
    assert link.endswith(f"/imports/{previewed.pk}/check/failures")
    response = api.client.get(link, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"import-{previewed.pk}-check-failures.csv" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines[0] == ["Error Message", "fname", "lname", "email-address", "phone"]
    assert len(lines) == 11
    assert lines[1][0].startswith("Line 9: ") and lines[1][1:] == ["", "", "", "555-0107"]


def test_the_check_failures_of_another_account_list_are_not_found(
    previewed, stranger, api, django_capture_on_commit_callbacks
):
    post_check(api, previewed, django_capture_on_commit_callbacks)
    assert stranger.get(check_path(previewed, "/failures")).status_code == 404
    assert stranger.client.post(check_path(previewed)).status_code == 404


def test_an_empty_post_is_taken_with_or_without_a_content_type_and_so_is_an_empty_document(
    api, previewed, django_capture_on_commit_callbacks
):
    path = check_path(previewed)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.client.generic("POST", path, content_type=None).status_code == 202  # curl -X POST: no Content-Type
        # runserver (wsgiref) reports a missing Content-Type as text/plain
        assert api.client.generic("POST", path, content_type="text/plain").status_code == 202
        assert api.client.generic("POST", path, content_type="application/vnd.api+json").status_code == 202
    document = json.dumps({"data": {"type": "imports", "id": str(previewed.pk)}})
    response = post_check(
        api, previewed, django_capture_on_commit_callbacks, data=document, content_type="application/vnd.api+json"
    )
    assert response.status_code == 202, response.content
    assert check_of(api, previewed)["would_create"] == 190


def test_a_malformed_body_is_a_400_and_checks_nothing(api, previewed, django_capture_on_commit_callbacks):
    """As undo's: the body of an action is empty or a JSON:API document, never just anything."""
    response = post_check(
        api, previewed, django_capture_on_commit_callbacks, data=b"{not json", content_type="application/vnd.api+json"
    )
    assert response.status_code == 400, response.content
    assert Import.objects.get(pk=previewed.pk).check_result == {}


def test_a_new_check_replaces_the_old_one(api, previewed, django_capture_on_commit_callbacks):
    post_check(api, previewed, django_capture_on_commit_callbacks)
    first = Import.objects.get(pk=previewed.pk).check_generation
    post_check(api, previewed, django_capture_on_commit_callbacks)
    previewed.refresh_from_db()
    assert previewed.check_generation > first
    assert CheckFailure.objects.filter(import_record=previewed).count() == 10  # not 20
    assert check_of(api, previewed)["would_fail"] == 10


def test_a_new_mapping_clears_the_check_and_its_failures(api, previewed, django_capture_on_commit_callbacks):
    post_check(api, previewed, django_capture_on_commit_callbacks)
    assert check_of(api, previewed)["status"] == "complete"
    response = update(
        api,
        previewed.account_list,
        {"id": str(previewed.pk)},
        {"file_headers_mappings": {**MAPPINGS, "phone_2": "phone"}},
    )
    assert response.status_code == 200, response.content
    assert response.json()["data"]["attributes"]["check"] is None
    assert not CheckFailure.objects.filter(import_record=previewed).exists()
    lines = b"".join(api.get(check_path(previewed, "/failures")).streaming_content).decode().splitlines()
    assert len(lines) == 1  # the header row only


def test_sending_the_same_mapping_again_keeps_the_check(api, previewed, django_capture_on_commit_callbacks):
    post_check(api, previewed, django_capture_on_commit_callbacks)
    response = update(api, previewed.account_list, {"id": str(previewed.pk)}, {"file_headers_mappings": MAPPINGS})
    assert response.status_code == 200, response.content
    assert response.json()["data"]["attributes"]["check"]["status"] == "complete"


def test_a_check_made_stale_while_it_runs_does_not_write_over_the_cleared_state(
    api, previewed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # queued, not yet run
        assert api.client.post(check_path(previewed)).status_code == 202
    stale = Import.objects.get(pk=previewed.pk).check_generation
    update(api, previewed.account_list, {"id": str(previewed.pk)}, {"tag_list": "from-the-fair"})
    run_check(str(previewed.pk), stale)  # the worker gets to it only now
    previewed.refresh_from_db()
    assert previewed.check_result == {}
    assert not CheckFailure.objects.filter(import_record=previewed).exists()
    assert not CheckContact.objects.exists()


def test_a_check_outside_preview_is_a_conflict(api, member, django_capture_on_commit_callbacks):
    finished = make_import(
        account_list=member.account_list, user=member.user, content=two_hundred_rows(), mappings=MAPPINGS
    )
    response = post_check(api, finished, django_capture_on_commit_callbacks)
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error["status"] == "409" and "only an import in preview can be checked" in error["detail"]
    assert finished.check_result == {}


def test_a_check_with_bad_mappings_answers_the_errors_of_the_start(api, member, django_capture_on_commit_callbacks):
    bad = make_import(
        account_list=member.account_list,
        user=member.user,
        content=two_hundred_rows(),
        mappings={"first_name": "fname", "email_1": "no_such_column", "pager": "phone"},
        until="preview",
    )
    bad.file_headers_mappings = {"first_name": "fname", "email_1": "no_such_column", "pager": "phone"}
    bad.save()
    response = post_check(api, bad, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    check_errors = response.json()["errors"]
    with django_capture_on_commit_callbacks(execute=True):
        started = update(api, bad.account_list, {"id": str(bad.pk)}, {"in_preview": False})
    assert started.status_code == 400
    assert check_errors == started.json()["errors"]
    assert len(check_errors) >= 2  # one error object per rule broken
    bad.refresh_from_db()
    assert bad.check_result == {}
