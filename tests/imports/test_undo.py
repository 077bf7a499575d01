"""Undo over HTTP and the real task: what an import created goes, what it overwrote comes back, others' changes stay."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core import mail
from django.db import IntegrityError

from contacts.models import Address, Contact, EmailAddress, Person, PhoneNumber, Tag
from imports.api import views
from imports.models import Import, ImportChange, ImportedContact
from imports.pipeline.change_log import table_of
from imports.undo import job as undo_job
from imports.undo.records import PARTS, UNDO_ORDER
from tests.imports.helpers import csv_content, imports_path, make_import

pytestmark = pytest.mark.django_db

HEADER = ["First Name", "Last Name", "Email", "Phone", "Street", "City", "Greeting", "Tags"]
MAPPINGS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "email_1": "email",
    "phone_1": "phone",
    "street": "street",
    "city": "city",
    "greeting": "greeting",
    "tags": "tags",
}
FIRST = [
    ["Ann", "Lee", "ann@example.com", "213-555-0101", "1 Oak St", "Springfield", "Dear Ann", "friends"],
    ["Bob", "Ray", "bob@example.com", "213-555-0102", "2 Elm St", "Shelbyville", "Dear Bob", "church"],
    ["Cy", "Moe", "cy@example.com", "213-555-0103", "3 Ash St", "Ogdenville", "", "friends"],
]
# Ann again (a new greeting and a new phone), Cy again (a greeting where he had none), and a new person.
SECOND = [
    ["Ann", "Lee", "ann@example.com", "213-555-0199", "1 Oak St", "Springfield", "Hi Ann", "friends,donor"],
    ["Cy", "Moe", "cy@example.com", "", "", "", "Hello Cy", ""],
    ["Dee", "Fox", "dee@example.com", "213-555-0104", "4 Fir St", "Capital City", "Dear Dee", "new"],
]
TABLES = (Contact, Person, EmailAddress, PhoneNumber, Address, Tag)


def imported(account_list, user, rows, **attributes) -> Import:
    return make_import(
        account_list=account_list, user=user, content=csv_content(HEADER, rows), mappings=MAPPINGS, **attributes
    )


def undo(api, account_list, import_record, django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return api.client.post(imports_path(account_list, f"/{import_record.pk}/undo"), **kwargs)


def path_to_account_list(model) -> str:
    """The lookup from a table to its account list: its own, or its owner's (the first foreign key it declares:
    a person's contact, an email's person, a task link's contact)."""
    path = []
    while not any(field.name == "account_list" for field in model._meta.concrete_fields):
        owner = next(field for field in model._meta.concrete_fields if field.many_to_one)
        path.append(owner.name)
        model = owner.related_model
    return "__".join([*path, "account_list"])


def counts(account_list, tables=TABLES) -> dict[str, int]:
    """The rows of each table that belong to the account list, by model name."""
    return {
        model.__name__: model.objects.filter(**{path_to_account_list(model): account_list}).count() for model in tables
    }


def contact(account_list, first_name) -> Contact:
    return Contact.objects.get(account_list=account_list, people__first_name=first_name)


def test_the_change_log_lists_what_an_import_created_and_what_it_overwrote(member):
    first = imported(member.account_list, member.user, FIRST)
    created = ImportChange.objects.filter(import_record=first, kind="created")
    assert {change.table: len(change.records) for change in created} == {
        "contacts.contact": 3,
        "contacts.person": 3,
        "contacts.emailaddress": 3,
        "contacts.phonenumber": 3,
        "contacts.address": 3,
        "contacts.tag": 3,
    }
    second = imported(member.account_list, member.user, SECOND, override=True)
    ann = contact(member.account_list, "Ann")
    (change,) = ImportChange.objects.filter(import_record=second, kind="updated", table="contacts.contact")
    updates = {key: (previous, written) for key, previous, written in change.records}
    assert len(updates) == 2  # Ann's greeting replaced, Cy's filled
    previous, written = updates[ann.pk.hex]
    assert (previous["greeting"], written["greeting"]) == ("Dear Ann", "Hi Ann")
    assert set(previous) == set(written) == {"greeting", "updated_at"}
    assert written["updated_at"] == ann.updated_at.isoformat()
    (phones,) = ImportChange.objects.filter(import_record=second, table="contacts.phonenumber", kind="created")
    assert len(phones.records) == 2  # Ann's new number and Dee's
    # One row per table per batch, whatever the batch's size.
    assert ImportChange.objects.filter(import_record=second).count() == 7


def test_undo_of_an_overriding_import_removes_what_it_created_and_restores_what_it_overwrote(
    api, member, django_capture_on_commit_callbacks
):
    account_list = member.account_list
    first = imported(account_list, member.user, FIRST)
    before = counts(account_list)
    greetings = {name: contact(account_list, name).greeting for name in ("Ann", "Cy")}
    second = imported(account_list, member.user, SECOND, override=True)
    assert {name: contact(account_list, name).greeting for name in greetings} == {"Ann": "Hi Ann", "Cy": "Hello Cy"}
    mail.outbox.clear()

    response = undo(api, account_list, second, django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.content
    assert response.json()["data"]["attributes"]["status"] in ("undoing", "undone")

    document = api.get(imports_path(account_list, f"/{second.pk}")).json()["data"]["attributes"]
    assert document["status"] == "undone"
    result = document["undo"]
    assert result["status"] == "complete" and result["error"] == ""
    assert result["kept"] == 0 and result["kept_records"] == []
    assert result["tables"]["contacts"] == {"removed": 1, "restored": 2, "kept": 0}
    assert result["tables"]["phone_numbers"]["removed"] == 2
    assert counts(account_list) == before
    assert not Contact.objects.filter(account_list=account_list, people__first_name="Dee").exists()
    ann, cy = contact(account_list, "Ann"), contact(account_list, "Cy")
    assert {"Ann": ann.greeting, "Cy": cy.greeting} == greetings == {"Ann": "Dear Ann", "Cy": "Cy"}
    assert sorted(ann.tags.values_list("name", flat=True)) == ["friends"]
    assert list(PhoneNumber.objects.filter(person__contact=ann).values_list("number", flat=True)) == ["213-555-0101"]
    (message,) = mail.outbox
    assert "was undone" in message.subject and message.to == [member.user.email]
    assert "Records removed" in message.body

    # And then the first import: nothing of it is left, in any table.
    response = undo(api, account_list, first, django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.content
    first.refresh_from_db()
    assert first.status == Import.Status.UNDONE, first.undo
    assert counts(account_list) == dict.fromkeys(before, 0)
    assert first.undo["tables"]["contacts"] == {"removed": 3, "restored": 0, "kept": 0}
    assert not ImportedContact.objects.filter(import_record=first).exists()


def test_undoing_the_older_import_first_keeps_what_the_newer_one_changed(
    api, member, django_capture_on_commit_callbacks
):
    account_list = member.account_list
    first = imported(account_list, member.user, FIRST)
    second = imported(account_list, member.user, SECOND, override=True)

    undo(api, account_list, first, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    kept = {record["name"]: record["reason"] for record in first.undo["kept_records"]}
    # Ann and Cy were changed by the second import: kept, and it says by which; Bob goes.
    assert set(kept) == {"Lee, Ann", "Moe, Cy"}
    assert all(f"CSV import contacts.csv ({second.pk})" in reason for reason in kept.values())
    names = set(Contact.objects.filter(account_list=account_list).values_list("name", flat=True))
    assert names == {"Lee, Ann", "Moe, Cy", "Fox, Dee"}
    assert contact(account_list, "Ann").greeting == "Hi Ann"
    assert first.undo["tables"]["contacts"]["removed"] == 1


def test_a_contact_edited_after_the_import_survives_its_undo_and_is_listed(
    api, member, django_capture_on_commit_callbacks
):
    account_list = member.account_list
    first = imported(account_list, member.user, FIRST)
    bob = contact(account_list, "Bob")
    bob.notes = "Met at the fair"
    bob.save()

    undo(api, account_list, first, django_capture_on_commit_callbacks)
    result = api.get(imports_path(account_list, f"/{first.pk}")).json()["data"]["attributes"]["undo"]
    assert result["kept_records"] == [
        {"type": "contacts", "id": str(bob.pk), "name": "Ray, Bob", "reason": result["kept_records"][0]["reason"]}
    ]
    assert result["kept_records"][0]["reason"].startswith("changed since the import")
    # Bob stays whole: his person, email, phone, address and tag came with him and stay with him.
    assert counts(account_list) == {
        "Contact": 1,
        "Person": 1,
        "EmailAddress": 1,
        "PhoneNumber": 1,
        "Address": 1,
        "Tag": 1,
    }
    assert result["tables"]["contacts"] == {"removed": 2, "restored": 0, "kept": 1}
    assert result["kept"] == 6 and result["kept_records_not_listed"] == 0


def test_a_second_undo_changes_nothing_and_answers_with_the_same_resource(
    api, member, django_capture_on_commit_callbacks
):
    account_list = member.account_list
    first = imported(account_list, member.user, FIRST)
    undo(api, account_list, first, django_capture_on_commit_callbacks)
    done = api.get(imports_path(account_list, f"/{first.pk}")).json()["data"]
    imported(account_list, member.user, FIRST)  # the same people again, by another import
    mail.outbox.clear()

    again = undo(api, account_list, first, django_capture_on_commit_callbacks, content_type="application/vnd.api+json")
    assert again.status_code == 200, again.content
    signed = ("file_url",)  # a signed link: new for every answer
    answered = {k: v for k, v in again.json()["data"]["attributes"].items() if k not in signed}
    assert answered == {k: v for k, v in done["attributes"].items() if k not in signed}
    assert Contact.objects.filter(account_list=account_list).count() == 3
    assert mail.outbox == []


def test_of_two_undo_requests_at_once_only_the_one_that_queued_the_job_answers_202(
    api, member, monkeypatch, django_capture_on_commit_callbacks
):
    """The second request read the import before the first one's undo began: its answer is still 200."""
    account_list = member.account_list
    first = imported(account_list, member.user, FIRST)
    undo_at_once = views.undo_import
    answers = []

    def undo_after_another_request(**kwargs):
        monkeypatch.setattr(views, "undo_import", undo_at_once)
        answers.append(api.client.post(imports_path(account_list, f"/{first.pk}/undo")).status_code)
        return undo_at_once(**kwargs)

    monkeypatch.setattr(views, "undo_import", undo_after_another_request)
    with django_capture_on_commit_callbacks(execute=True):
        answers.append(api.client.post(imports_path(account_list, f"/{first.pk}/undo")).status_code)
    assert answers == [202, 200]
    first.refresh_from_db()
    assert first.status == Import.Status.UNDONE


def test_an_empty_undo_post_is_taken_whatever_its_content_type_says(api, member, django_capture_on_commit_callbacks):
    """`curl -X POST .../undo` under runserver arrives as text/plain: nothing is read, so it is taken."""
    account_list = member.account_list
    first = imported(account_list, member.user, FIRST)
    path = imports_path(account_list, f"/{first.pk}/undo")
    assert api.client.generic("POST", path, b"x", content_type="text/plain").status_code == 415  # a body is read
    with django_capture_on_commit_callbacks(execute=True):
        answered = api.client.generic("POST", path, content_type="text/plain")
    assert answered.status_code == 202, answered.content
    assert Contact.objects.filter(account_list=account_list).count() == 0


def test_an_undo_the_database_refuses_ends_with_a_sentence_and_keeps_everything(
    api, member, monkeypatch, django_capture_on_commit_callbacks
):
    account_list = member.account_list
    record = imported(account_list, member.user, FIRST)
    before = counts(account_list)

    def refused(*args, **kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "contacts_contact_pkey"')

    monkeypatch.setattr(undo_job, "take_back", refused)
    response = undo(api, account_list, record, django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.content

    answered = api.get(imports_path(account_list, f"/{record.pk}")).json()["data"]["attributes"]
    assert answered["status"] == "complete"
    assert answered["undo"]["error"] == (
        "The database refused the undo's data; our team has been told. Try again later."
    )
    assert counts(account_list) == before


@pytest.mark.parametrize("status", ["preview", "queued", "importing"])
def test_only_a_finished_import_can_be_undone(api, member, status, django_capture_on_commit_callbacks):
    record = imported(member.account_list, member.user, FIRST, until="preview")
    Import.objects.filter(pk=record.pk).update(status=status)
    response = undo(api, member.account_list, record, django_capture_on_commit_callbacks)
    assert response.status_code == 409, response.content
    (error,) = response.json()["errors"]
    assert f"it is {Import.Status(status).label.lower()}" in error["detail"]
    record.refresh_from_db()
    assert record.status == status and record.undo == {}


def test_an_undone_import_cannot_start_again(api, member, django_capture_on_commit_callbacks):
    first = imported(member.account_list, member.user, FIRST)
    undo(api, member.account_list, first, django_capture_on_commit_callbacks)
    document = api.get(imports_path(member.account_list, f"/{first.pk}")).json()["data"]
    response = api.put_json(
        imports_path(member.account_list, f"/{first.pk}"),
        {"data": {"type": "imports", "id": str(first.pk), "attributes": {"in_preview": True, "overwrite": True}}},
    )
    assert response.status_code == 400, response.content
    assert "undone; it can no longer be changed" in response.content.decode()
    # The file link is signed with an expiry counted in seconds from the read, so two reads either
    # side of a second differ in it alone; everything else must be unchanged.
    after = api.get(imports_path(member.account_list, f"/{first.pk}")).json()["data"]
    assert after["attributes"].pop("file_url").startswith("http")
    assert document["attributes"].pop("file_url").startswith("http")
    assert after == document


def test_undo_of_another_account_lists_import_is_not_found(api, stranger, django_capture_on_commit_callbacks):
    record = imported(None, None, FIRST)
    response = undo(api, record.account_list, record, django_capture_on_commit_callbacks)
    assert response.status_code == 404
    record.refresh_from_db()
    assert record.status == Import.Status.COMPLETE


def test_a_second_import_that_changed_nothing_is_undone_taking_nothing_back(
    api, member, django_capture_on_commit_callbacks
):
    """The same file again finds every contact and logs no change: its undo is allowed, and empty."""
    account_list = member.account_list
    imported(account_list, member.user, FIRST)
    before = counts(account_list)
    again = imported(account_list, member.user, FIRST)
    assert (again.rows_created, again.rows_updated) == (0, 3)
    assert not ImportChange.objects.filter(import_record=again).exists()

    response = undo(api, account_list, again, django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.content
    document = api.get(imports_path(account_list, f"/{again.pk}")).json()["data"]["attributes"]
    assert document["status"] == "undone"
    assert (document["undo"]["removed"], document["undo"]["restored"], document["undo"]["kept"]) == (0, 0, 0)
    assert counts(account_list) == before


def test_an_import_made_without_the_change_log_cannot_be_undone(
    api, member, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_CHANGE_LOG = False
    record = imported(member.account_list, member.user, FIRST)
    settings.IMPORT_CHANGE_LOG = True
    response = undo(api, member.account_list, record, django_capture_on_commit_callbacks)
    assert response.status_code == 409, response.content
    (error,) = response.json()["errors"]
    assert "it ran without a change log" in error["detail"]
    record.refresh_from_db()
    assert record.status == Import.Status.COMPLETE and record.undo == {}
    assert Contact.objects.filter(account_list=member.account_list).count() == 3


def test_the_undo_order_names_real_tables_and_puts_an_owner_before_its_parts():
    """The order is declared by labels: a misspelt one would only send its table to the end, so it is checked here."""
    position = {table: index for index, table in enumerate(UNDO_ORDER)}
    assert len(position) == len(UNDO_ORDER)
    for table in UNDO_ORDER:
        assert table_of(apps.get_model(table)) == table
    for part, owner_field in PARTS.items():
        owner = apps.get_model(part)._meta.get_field(owner_field).related_model
        assert position[table_of(owner)] < position[part]


def test_an_import_cancelled_after_some_batches_can_be_undone(
    api, member, monkeypatch, django_capture_on_commit_callbacks
):
    """Cancelling a running import keeps the batches it wrote: its undo takes them back like any finished import's."""
    from imports import services
    from imports.pipeline import job as import_job
    from imports.pipeline.job import run_import
    from tests.imports.helpers import named_rows

    account_list = member.account_list
    queued = make_import(
        account_list=account_list,
        user=member.user,
        content=named_rows(120),
        mappings={"first_name": "fname", "last_name": "lname", "email_1": "email_address"},
        until="queued",
    )
    write_batch = import_job._write_batch

    def cancelled_after_the_first_batch(import_record, *args, **kwargs):
        write_batch(import_record, *args, **kwargs)
        services.cancel_import(import_record=Import.objects.get(pk=import_record.pk))  # as a request would

    monkeypatch.setattr(import_job, "_write_batch", cancelled_after_the_first_batch)
    cancelled = run_import(str(queued.pk))
    assert cancelled.status == Import.Status.CANCELLED
    assert 0 < Contact.objects.filter(account_list=account_list).count() < 120

    response = undo(api, account_list, cancelled, django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.content
    cancelled.refresh_from_db()
    assert cancelled.status == Import.Status.UNDONE
    assert Contact.objects.filter(account_list=account_list).count() == 0
