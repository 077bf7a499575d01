"""The check's other faces: `import_file --check`, the admin's action and page, and the watchdog."""

import csv
import json
import socket
from pathlib import Path

import pytest
from django.urls import reverse

from contacts.models import Contact
from imports.models import CheckFailure, Import
from imports.pipeline.check import job as check_job
from imports.pipeline.recovery import CHECK_GAVE_UP, recover_stalled_checks
from tests.admin.test_staff_access import PASSWORD, create_api_user, logged_in
from tests.imports.helpers import csv_content, imports_path, make_import
from tests.imports.test_commands import import_file

pytestmark = pytest.mark.django_db

HEADER = ["fname", "lname", "email-address", "extra-notes"]
MAPPINGS = {"first_name": "fname", "last_name": "lname", "email_1": "email_address"}


def rows(good: int, bad: int) -> bytes:
    """`good` people, then `bad` rows with neither a name nor an email (a note only)."""
    people = [[f"Ann{n}", "Lee", f"ann{n}@example.com", ""] for n in range(good)]
    return csv_content(HEADER, people + [["", "", "", f"note {n}"] for n in range(bad)])


# --- import_file --check -------------------------------------------------------------------


def test_import_file_check_prints_the_check_and_where_its_failures_went_and_imports_nothing(member, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(rows(120, 3))
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"file_headers_mappings": MAPPINGS}))
    summary, _ = import_file(
        member, path, "--mapping", str(mapping), "--check", "--failures-csv", str(tmp_path / "would-fail.csv")
    )
    check = summary["check"]
    assert check["status"] == "complete"
    assert (check["rows"], check["would_create"], check["would_update"], check["would_fail"]) == (123, 120, 0, 3)
    assert summary["failures_csv"] == str(tmp_path / "would-fail.csv")
    lines = list(csv.reader(Path(summary["failures_csv"]).open(encoding="utf-8")))
    assert lines[0] == ["Error Message", *HEADER] and len(lines) == 4
    assert Contact.objects.count() == 0
    assert Import.objects.get(pk=summary["import_id"]).status == Import.Status.PREVIEW


def test_import_file_check_with_no_failing_row_names_no_failures_csv(member, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(rows(10, 0))
    summary, _ = import_file(member, path, "--mapping", "auto", "--check")
    assert summary["check"]["would_create"] == 10 and summary["failures_csv"] is None


# --- the admin --------------------------------------------------------------------------------


@pytest.fixture
def reviewer(db):
    create_api_user("reviewer@example.com", "--staff", password=PASSWORD)
    return logged_in("reviewer@example.com")


def test_a_reviewer_checks_the_whole_file_and_reads_the_figures_on_the_import_page(
    member, reviewer, django_capture_on_commit_callbacks
):
    previewed = make_import(
        account_list=member.account_list, user=member.user, content=rows(60, 2), mappings=MAPPINGS, until="preview"
    )
    page = reverse("admin:imports_import_change", args=[previewed.pk])
    assert "Check the whole file" in reviewer.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the task runs when the request's transaction ends
        response = reviewer.post(reverse("admin:imports_import_check", args=[previewed.pk]), follow=True)
    assert response.status_code == 200
    assert "the whole file is being checked" in response.content.decode()
    html = reviewer.get(page).content.decode()
    assert "complete: 62 rows read, 60 to create, 0 to update, 2 to fail, 0 possible duplicates" in html
    link = reverse("admin:imports_import_check_failures", args=[previewed.pk])
    assert link in html
    download = reviewer.get(link)
    assert download.status_code == 200
    assert len(b"".join(download.streaming_content).decode().splitlines()) == 3
    assert Contact.objects.count() == 0


def test_the_list_action_checks_the_selected_imports(member, reviewer, django_capture_on_commit_callbacks):
    previewed = make_import(
        account_list=member.account_list, user=member.user, content=rows(5, 1), mappings=MAPPINGS, until="preview"
    )
    finished = make_import(account_list=member.account_list, user=member.user, content=rows(5, 0), mappings=MAPPINGS)
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(
            reverse("admin:imports_import_changelist"),
            {"action": "check_selected", "_selected_action": [previewed.pk, finished.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert "only an import in preview can be checked" in response.content.decode()
    previewed.refresh_from_db()
    assert previewed.check_summary["status"] == "complete", previewed.check_summary
    # The other import wrote the same five people meanwhile: the check sees them.
    assert (previewed.check_summary["would_update"], previewed.check_summary["would_fail"]) == (5, 1)
    assert Import.objects.get(pk=finished.pk).check_result == {}


def test_staff_without_the_check_permission_cannot_check(member, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import Permission

    create_api_user("reviewer@example.com", "--staff", password=PASSWORD)
    from accounts.models import User

    user = User.objects.get(email="reviewer@example.com")
    user.groups.clear()
    user.user_permissions.add(Permission.objects.get(codename="view_import"))
    client = logged_in("reviewer@example.com")
    previewed = make_import(
        account_list=member.account_list, user=member.user, content=rows(5, 0), mappings=MAPPINGS, until="preview"
    )
    assert (
        "Check the whole file"
        not in client.get(reverse("admin:imports_import_change", args=[previewed.pk])).content.decode()
    )
    assert client.post(reverse("admin:imports_import_check", args=[previewed.pk])).status_code == 403
    assert Import.objects.get(pk=previewed.pk).check_result == {}


# --- a worker that dies during a check ----------------------------------------------------------


def asked_for_a_check(api, previewed, capture) -> Import:
    with capture(execute=False):  # queued; the worker that took it dies
        assert api.client.post(imports_path(previewed.account_list, f"/{previewed.pk}/check")).status_code == 202
    previewed.refresh_from_db()
    return previewed


def dead_worker() -> str:
    return f"{socket.gethostname()}:{2**22 + 12345}"  # above the kernel's pid_max: no such process


def test_a_check_whose_worker_died_is_started_again_and_ends(api, member, django_capture_on_commit_callbacks):
    previewed = make_import(
        account_list=member.account_list, user=member.user, content=rows(80, 4), mappings=MAPPINGS, until="preview"
    )
    asked = asked_for_a_check(api, previewed, django_capture_on_commit_callbacks)
    # What a killed worker leaves: the check running under its lease, a failed row of its first batch.
    Import.objects.filter(pk=asked.pk).update(check_lease_holder=dead_worker(), check_attempts=1)
    CheckFailure.objects.create(import_record=asked, generation=asked.check_generation, line_number=2, message="x")
    assert recover_stalled_checks() == {"restarted": [str(asked.pk)], "failed": []}  # run at once: sync mode
    asked.refresh_from_db()
    check = asked.check_summary
    assert check["status"] == "complete"
    assert (check["rows"], check["would_create"], check["would_fail"]) == (84, 80, 4)
    assert asked.check_attempts == 2
    assert CheckFailure.objects.filter(import_record=asked).count() == 4  # the dead attempt's row is gone
    assert recover_stalled_checks() == {"restarted": [], "failed": []}


def test_a_check_that_keeps_dying_is_failed_with_a_sentence(api, member, settings, django_capture_on_commit_callbacks):
    previewed = make_import(
        account_list=member.account_list, user=member.user, content=rows(5, 0), mappings=MAPPINGS, until="preview"
    )
    asked = asked_for_a_check(api, previewed, django_capture_on_commit_callbacks)
    Import.objects.filter(pk=asked.pk).update(
        check_lease_holder=dead_worker(), check_attempts=settings.IMPORT_MAX_ATTEMPTS
    )
    assert recover_stalled_checks() == {"restarted": [], "failed": [str(asked.pk)]}
    asked.refresh_from_db()
    assert asked.check_summary["status"] == "failed"
    assert asked.check_summary["error"] == CHECK_GAVE_UP.format(attempts=settings.IMPORT_MAX_ATTEMPTS)
    assert asked.check_summary["completed_at"]


def test_a_check_that_breaks_says_it_stopped_and_why(api, member, monkeypatch, django_capture_on_commit_callbacks):
    previewed = make_import(
        account_list=member.account_list, user=member.user, content=rows(5, 0), mappings=MAPPINGS, until="preview"
    )
    asked = asked_for_a_check(api, previewed, django_capture_on_commit_callbacks)

    def broken(*args, **kwargs):
        raise ValueError("a cell could not be read")

    monkeypatch.setattr(check_job, "_check_rows", broken)
    check_job.run_check(str(asked.pk), asked.check_generation)
    asked.refresh_from_db()
    assert asked.check_summary["status"] == "failed"
    assert asked.check_summary["error"] == "The check stopped: a cell could not be read"
    assert asked.status == Import.Status.PREVIEW and asked.error == ""


def test_a_live_check_is_left_alone(api, member, django_capture_on_commit_callbacks):
    previewed = make_import(
        account_list=member.account_list, user=member.user, content=rows(5, 0), mappings=MAPPINGS, until="preview"
    )
    asked = asked_for_a_check(api, previewed, django_capture_on_commit_callbacks)
    assert recover_stalled_checks() == {"restarted": [], "failed": []}  # just asked for: its heartbeat is fresh
    assert Import.objects.get(pk=asked.pk).check_summary["status"] == "running"
