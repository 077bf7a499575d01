"""The undo's other faces: a TntConnect import taken back, the admin's confirmation page, the command, recovery."""

from __future__ import annotations

import io
import json
import socket

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from contacts.models import Contact
from fundraising.models import Task, TaskContact
from imports.models import Import, UndoRecord
from imports.pipeline.recovery import recover_stalled_imports
from imports.undo.services import undo_import
from tests.admin.test_staff_access import PASSWORD, create_api_user, logged_in
from tests.imports.helpers import make_import
from tests.imports.test_undo import FIRST, counts, imported, undo

pytestmark = pytest.mark.django_db

BOOK = tuple(apps.get_app_config("fundraising").get_models())  # tasks, appeals, pledges, donors, gifts...


def book_counts(account_list) -> dict[str, int]:
    return counts(account_list, BOOK)


@pytest.mark.parametrize(
    "fixture", ["tnt_export.xml", "tnt_3_0_export_gifts.xml", "tnt_export_campaigns.xml", "tnt_3_0_export_appeals.xml"]
)
def test_undo_of_a_tnt_import_removes_its_contacts_tasks_and_donations(
    api, member, fixture, django_capture_on_commit_callbacks
):
    account_list = member.account_list
    record = make_import(account_list=account_list, user=member.user, source=Import.Source.TNT, fixture=fixture)
    assert record.status == Import.Status.COMPLETE, record.error
    brought = book_counts(account_list)
    assert brought["Task"] + brought["Donation"] > 0, brought

    response = undo(api, account_list, record, django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.content
    record.refresh_from_db()
    assert record.status == Import.Status.UNDONE, record.undo
    assert book_counts(account_list) == dict.fromkeys(brought, 0)
    assert counts(account_list) == dict.fromkeys(counts(account_list), 0)
    tables = record.undo["tables"]
    assert tables.get("tasks", {}).get("removed", 0) == brought["Task"]
    assert tables.get("donations", {}).get("removed", 0) == brought["Donation"]
    assert record.undo["kept_records"] == []
    assert not UndoRecord.objects.filter(import_record=record).exists()  # the working set is gone


def test_undo_of_a_tnt_import_keeps_a_task_completed_since_and_its_contact(
    api, member, django_capture_on_commit_callbacks
):
    account_list = member.account_list
    record = make_import(
        account_list=account_list, user=member.user, source=Import.Source.TNT, fixture="tnt_export.xml"
    )
    task = Task.objects.filter(account_list=account_list, task_contacts__isnull=False).first()
    task.completed = True
    task.save()
    contact_ids = set(TaskContact.objects.filter(task=task).values_list("contact_id", flat=True))

    undo(api, account_list, record, django_capture_on_commit_callbacks)
    record.refresh_from_db()
    assert list(Task.objects.filter(account_list=account_list)) == [task]
    assert TaskContact.objects.filter(task=task).count() == len(contact_ids)  # its links stay with it
    remaining = set(Contact.objects.filter(account_list=account_list).values_list("id", flat=True))
    assert contact_ids <= remaining  # and so do its contacts (and whoever they refer to)
    reasons = {(item["type"], item["id"]): item["reason"] for item in record.undo["kept_records"]}
    assert reasons[("tasks", str(task.pk))].startswith("changed since the import")
    assert {pk for kind, pk in reasons if kind == "contacts"} == {str(pk) for pk in remaining}
    for contact_id in contact_ids:
        assert "is kept: changed since the import" in reasons[("contacts", str(contact_id))]


def test_the_admin_asks_before_undoing_and_says_what_goes_and_what_comes_back(
    member, django_capture_on_commit_callbacks
):
    account_list = member.account_list
    record = imported(account_list, member.user, FIRST)
    create_api_user("reviewer@example.com", "--staff", password=PASSWORD)
    client = logged_in("reviewer@example.com")

    detail = client.get(reverse("admin:imports_import_change", args=[record.pk])).content.decode()
    assert reverse("admin:imports_import_undo", args=[record.pk]) in detail
    page = client.get(reverse("admin:imports_import_undo", args=[record.pk]))
    assert page.status_code == 200
    rows = [(row["table"], row["created"], row["updated"]) for row in page.context["changes"]]
    assert rows[:2] == [("contacts", 3, 0), ("people", 3, 0)]
    assert "Yes, undo this import" in page.content.decode()
    assert Contact.objects.filter(account_list=account_list).count() == 3  # asking changed nothing

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("admin:imports_import_undo", args=[record.pk]), follow=True)
    assert done.status_code == 200
    assert any("the undo runs in the background" in str(m) for m in done.context["messages"])
    record.refresh_from_db()
    assert record.status == Import.Status.UNDONE
    assert Contact.objects.filter(account_list=account_list).count() == 0


def test_the_undo_page_needs_the_undo_permission(member):
    record = imported(member.account_list, member.user, FIRST)
    create_api_user("viewer@example.com", "--staff", password=PASSWORD)
    viewer = User.objects.get(email="viewer@example.com")
    group = Group.objects.get(name="Import reviewers")
    viewer.groups.remove(group)
    limited, _ = Group.objects.get_or_create(name="Import viewers")
    limited.permissions.set(group.permissions.exclude(codename="undo_import"))
    viewer.groups.add(limited)
    client = logged_in("viewer@example.com")
    assert client.get(reverse("admin:imports_import_undo", args=[record.pk])).status_code == 403
    assert client.post(reverse("admin:imports_import_undo", args=[record.pk])).status_code == 403
    assert (
        reverse("admin:imports_import_undo", args=[record.pk])
        not in client.get(reverse("admin:imports_import_change", args=[record.pk])).content.decode()
    )
    record.refresh_from_db()
    assert record.status == Import.Status.COMPLETE


def test_the_command_undoes_an_import_and_prints_the_outcome(member):
    record = imported(member.account_list, member.user, FIRST)
    out = io.StringIO()
    call_command("undo_import", str(record.pk), stdout=out)
    outcome = json.loads(out.getvalue().strip().splitlines()[-1])
    assert outcome["import_id"] == str(record.pk) and outcome["status"] == "undone"
    assert outcome["undo"]["removed"] == 3 * 6 and outcome["undo"]["kept"] == 0
    assert Contact.objects.filter(account_list=member.account_list).count() == 0

    again = io.StringIO()
    call_command("undo_import", str(record.pk), stdout=again)
    assert json.loads(again.getvalue().strip().splitlines()[-1]) == outcome


def test_the_command_refuses_what_cannot_be_undone(member):
    record = imported(member.account_list, member.user, FIRST, until="preview")
    with pytest.raises(CommandError, match="cannot be undone: it is in preview") as refused:
        call_command("undo_import", str(record.pk), stdout=io.StringIO())
    assert refused.value.returncode == 2
    with pytest.raises(CommandError, match="No import has the id") as missing:
        call_command("undo_import", "not-an-id", stdout=io.StringIO())
    assert missing.value.returncode == 2


def test_an_undo_whose_worker_died_is_queued_again_and_resumes(member, settings, django_capture_on_commit_callbacks):
    settings.UNDO_BATCH_SIZE = 1
    record = imported(member.account_list, member.user, FIRST)
    undo_import(import_record=record, user=member.user, enqueue=False)
    # A worker claimed it and died: its holder names a process that no longer exists.
    Import.objects.filter(pk=record.pk).update(lease_holder=f"{socket.gethostname()}:999999999")
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stalled_imports()["resumed"] == [str(record.pk)]  # queued again (the tests' queue runs it)
    record.refresh_from_db()
    assert record.status == Import.Status.UNDONE and record.lease_holder == ""
    assert record.attempts - record.undo["attempts_before"] == 1
    assert record.undo["tables"]["contacts"]["removed"] == 3
