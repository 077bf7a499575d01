"""A TntConnect import by group: its contacts' groups are read through the database, and what only
the contacts left out name is left out too (counted as skipped), through HTTP and the real task."""

from decimal import Decimal

import pytest

from contacts.models import Contact
from fundraising.models import Donation, Pledge, Task
from imports.models import Import, TntReference
from tests.imports.helpers import update
from tests.imports.test_tnt_book import fixture_text
from tests.imports.test_tnt_flow import post_tnt

pytestmark = pytest.mark.django_db

SMITH, DOE = "1620699916", "-861693757"


def export_with_a_group() -> str:
    """Smith is in the group "Partners", Doe in none; a task, a history entry, a pledge and a gift of each
    alone, beside the fixture's task and history entry of both."""
    content = fixture_text("tnt_export_with_multiple_task_contacts.xml")
    gifts = "".join(
        f"<row id='{n}'><ContactID>{contact}</ContactID><GiftDate>2005-06-10</GiftDate><Amount>{n}0</Amount></row>"
        for n, contact in ((1, SMITH), (2, DOE))
    )
    promises = "".join(
        f"<row id='{n}'><ContactID>{contact}</ContactID><Amount>{n}5</Amount></row>"
        for n, contact in ((1, SMITH), (2, DOE))
    )
    content = content.replace(
        "    <Group>\n    </Group>",
        f"<Gift>{gifts}</Gift><Group><row id='7'><Description>Partners</Description></row></Group>",
    )
    content = content.replace(
        "<GroupContact>\n    </GroupContact>",
        f"<GroupContact><row id='1'><GroupID>7</GroupID><ContactID>{SMITH}</ContactID></row></GroupContact>",
    )
    content = content.replace("    <Property>", f"<Promise>{promises}</Promise><Property>")
    for table, parent, date_field in (("Task", "TaskID", "TaskDate"), ("History", "HistoryID", "HistoryDate")):
        for n, contact in ((1, SMITH), (2, DOE)):
            content = content.replace(
                f"</{table}>",
                f"<row id='{table}{n}'><TaskTypeID>20</TaskTypeID><Description>{table} of {n}</Description>"
                f"<{date_field}>2006-01-0{n}</{date_field}></row></{table}>",
                1,
            )
            content = content.replace(
                f"</{table}Contact>",
                f"<row id='{table}{n}'><{parent}>{table}{n}</{parent}><ContactID>{contact}</ContactID></row>"
                f"</{table}Contact>",
                1,
            )
    return content


def import_by_group(api, account_list, capture, content: str) -> Import:
    preview = post_tnt(api, account_list, "export.xml", content=content.encode(), in_preview="true").json()["data"]
    (group,) = preview["attributes"]["tnt_groups"]
    assert (group["description"], group["contacts"]) == ("Partners", 1)
    with capture(execute=True):
        response = update(
            api,
            account_list,
            preview,
            {"import_by_group": True, "groups": [group["id"]], "in_preview": False},
            path_suffix="/tnt",
        )
    assert response.status_code == 200, response.content
    import_record = Import.objects.get(pk=preview["id"])
    assert import_record.status == Import.Status.COMPLETE, import_record.error
    return import_record


def test_what_only_contacts_left_out_name_is_skipped_and_the_rest_links_to_those_in(
    api, account_list, django_capture_on_commit_callbacks
):
    import_record = import_by_group(api, account_list, django_capture_on_commit_callbacks, export_with_a_group())
    (smith,) = Contact.objects.filter(account_list=account_list)
    assert smith.tnt_id == SMITH and "Partners" in {tag.name for tag in smith.tags.all()}
    # The fixture's task and history entry of both are kept, linked to Smith only; Doe's own are not imported.
    tasks = {(task.tnt_table, task.subject): task for task in Task.objects.filter(account_list=account_list)}
    assert set(tasks) == {
        ("Task", "for appointment"),
        ("Task", "Task of 1"),
        ("History", "Appointment"),
        ("History", "History of 1"),
    }
    for task in tasks.values():
        assert list(task.contacts.all()) == [smith]
    assert [p.amount for p in Pledge.objects.filter(account_list=account_list)] == [Decimal("15")]
    assert [d.amount for d in Donation.objects.filter(account_list=account_list)] == [Decimal("10")]
    summary = import_record.tnt_summary
    assert summary["contacts"] == {"created": 1, "updated": 0, "skipped": 1, "failed": 0}
    for step, created in (("tasks", 2), ("history", 2), ("pledges", 1), ("donations", 1)):
        assert summary[step] == {"created": created, "updated": 0, "skipped": 1, "failed": 0}, step
    # Doe's links are left out: one of the shared task's, one of the shared history entry's, and his own.
    assert summary["task_contacts"] == {"created": 2, "updated": 0, "skipped": 2, "failed": 0}
    assert summary["history_contacts"] == {"created": 2, "updated": 0, "skipped": 2, "failed": 0}
    assert import_record.failures.count() == 0
    assert not TntReference.objects.exists()  # read ahead for the import, gone when it is done


def test_a_contact_left_out_keeps_out_of_its_records_even_when_another_import_brought_it(
    api, account_list, django_capture_on_commit_callbacks
):
    content = export_with_a_group()
    with django_capture_on_commit_callbacks(execute=True):  # everything, not by group
        assert post_tnt(api, account_list, "export.xml", content=content.encode()).status_code == 201
    Task.objects.all().delete()
    Donation.objects.all().delete()
    Pledge.objects.all().delete()
    import_record = import_by_group(api, account_list, django_capture_on_commit_callbacks, content)
    doe = Contact.objects.get(account_list=account_list, tnt_id=DOE)
    assert not doe.tasks.exists() and not doe.pledges.exists()
    assert not Donation.objects.filter(donor_account__contacts=doe).exists()
    assert import_record.tnt_summary["contacts"]["skipped"] == 1


def test_groups_become_tags_without_import_by_group(api, account_list, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_tnt(api, account_list, "export.xml", content=export_with_a_group().encode())
    import_record = Import.objects.get(pk=response.json()["data"]["id"])
    assert import_record.status == Import.Status.COMPLETE
    tags = {contact.tnt_id: {tag.name for tag in contact.tags.all()} for contact in Contact.objects.all()}
    assert "Partners" in tags[SMITH] and "Partners" not in tags[DOE]
    assert import_record.tnt_summary["contacts"]["skipped"] == 0
    assert Task.objects.count() == 6


def test_import_by_group_with_a_group_the_file_does_not_have_is_a_400_and_nothing_starts(api, account_list):
    preview = post_tnt(api, account_list, "export.xml", content=export_with_a_group().encode(), in_preview="true")
    preview = preview.json()["data"]
    (group,) = preview["attributes"]["tnt_groups"]
    chosen = {"import_by_group": True, "groups": [group["id"], "999"], "in_preview": False}
    response = update(api, account_list, preview, chosen, path_suffix="/tnt")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["source"] == {"pointer": "/data/attributes/groups"}
    assert "['999']" in error["detail"]
    assert Import.objects.get(pk=preview["id"]).status == Import.Status.PREVIEW


def test_a_create_by_a_group_the_file_does_not_have_is_a_400_and_makes_no_import(api, account_list):
    response = post_tnt(
        api, account_list, "export.xml", content=export_with_a_group().encode(), import_by_group="true", groups="999"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"] == {"pointer": "/data/attributes/groups"}
    assert not Import.objects.exists()
