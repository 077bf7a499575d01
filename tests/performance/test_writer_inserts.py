"""The writer's own inserts store exactly what Django's bulk_create stores, on SQLite and PostgreSQL."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contacts.models import Address, Contact, EmailAddress, Person, PhoneNumber, Tag
from imports.models import ImportedContact
from imports.pipeline.bulk_insert import insert_new, loaded_instances, new_instance
from tests.factories import ContactFactory, ImportFactory

pytestmark = pytest.mark.django_db

CONTACT_VALUES = {
    "name": 'O\'Brien, Zoë "Zo" and Łukasz',
    "name_key": 'o\'brien, zoë "zo" and łukasz',
    "greeting": "Zoë",
    "status": "Partner - Financial",
    "pledge_amount": Decimal("1234.50"),
    "pledge_frequency": Decimal("0.23076923076923"),
    "pledge_currency": "EUR",
    "send_newsletter": "Both",
    "no_appeals": None,
    "notes": "line one\nline two; with, commas",
    "tnt_id": "1620699916",
}


def stored(instance, exclude=("id", "created_at", "updated_at")) -> dict:
    fresh = type(instance).objects.get(pk=instance.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields if f.attname not in exclude}


def graph(account_list, make):
    """A contact with a person, an email, a phone, an address and a tag, made by `make(model, **values)`."""
    contact = make(Contact, id=uuid.uuid4(), account_list_id=account_list.id, **CONTACT_VALUES)
    person = make(Person, id=uuid.uuid4(), contact_id=contact.id, first_name="Zoë", last_name="O'Brien", suffix="Jr.")
    email = make(
        EmailAddress,
        id=uuid.uuid4(),
        person_id=person.id,
        email="Zoe@Example.com",
        email_key="zoe@example.com",
        primary=True,
    )
    phone = make(PhoneNumber, id=uuid.uuid4(), person_id=person.id, number="(213) 222-3333", number_key="2132223333")
    address = make(Address, id=uuid.uuid4(), contact_id=contact.id, street="1 Main St\nApt 2", city="Zürich",
                   primary_mailing_address=True)  # fmt: skip
    tag = make(Tag, contact_id=contact.id, name="christmas-card")
    return [contact, person, email, phone, address, tag]


def test_insert_new_stores_what_bulk_create_stores(account_list):
    ours = graph(account_list, new_instance)
    django = graph(account_list, lambda model, **values: model(**values))
    now = timezone.now()
    for instance in ours:
        insert_new(type(instance), [instance], now)
    for instance in django:
        type(instance).objects.bulk_create([instance])
    ours[-1] = Tag.objects.get(contact_id=ours[0].id)
    for mine, theirs in zip(ours, django, strict=True):
        expected = stored(theirs, exclude=("id", "created_at", "updated_at", "contact_id", "person_id"))
        assert stored(mine, exclude=("id", "created_at", "updated_at", "contact_id", "person_id")) == expected


def test_a_batch_stores_columns_null_in_every_row_and_columns_null_in_some(account_list):
    """A column None in every row of a batch is written as NULL in the statement (SQLite), the others bound."""
    values = [
        {"pledge_amount": Decimal("10.00"), "no_appeals": True, "referred_by_id": None},
        {"pledge_amount": None, "no_appeals": False, "referred_by_id": None},
        {"pledge_amount": None, "no_appeals": None, "referred_by_id": None},
    ]
    contacts = [
        new_instance(Contact, id=uuid.uuid4(), account_list_id=account_list.id, name=f"C{i}", name_key=f"c{i}", **v)
        for i, v in enumerate(values)
    ]
    insert_new(Contact, contacts, timezone.now())
    rows = Contact.objects.filter(account_list=account_list).order_by("name")
    assert list(rows.values("pledge_amount", "no_appeals", "referred_by_id", "last_call")) == [
        {**v, "last_call": None} for v in values
    ]


def test_timestamps_follow_the_order_of_insertion(account_list):
    contact = Contact.objects.create(account_list=account_list, name="Doe, John")
    person = Person.objects.create(contact=contact, first_name="John")
    numbers = [f"555-000{i}" for i in range(5)]
    phones = [new_instance(PhoneNumber, id=uuid.uuid4(), person_id=person.id, number=n, number_key=n) for n in numbers]
    now = timezone.now()
    insert_new(PhoneNumber, phones, now)
    rows = list(PhoneNumber.objects.filter(person=person).order_by("created_at"))
    assert [p.number for p in rows] == numbers
    assert rows[0].created_at == now and rows[-1].created_at == now + timedelta(microseconds=4)


@pytest.mark.parametrize("microsecond", [0, 999_998])
def test_timestamps_cross_a_second_boundary_in_order(account_list, microsecond):
    contact = Contact.objects.create(account_list=account_list, name="Doe, John")
    person = Person.objects.create(contact=contact, first_name="John")
    phones = [new_instance(PhoneNumber, id=uuid.uuid4(), person_id=person.id, number=f"{i}") for i in range(4)]
    now = timezone.now().replace(microsecond=microsecond)
    insert_new(PhoneNumber, phones, now)
    stored_times = list(PhoneNumber.objects.filter(person=person).order_by("created_at").values_list("created_at"))
    assert [t for (t,) in stored_times] == [now + timedelta(microseconds=offset) for offset in range(4)]
    assert list(PhoneNumber.objects.filter(person=person).values_list("number", flat=True)) == ["0", "1", "2", "3"]


def test_one_statement_per_table_whatever_the_number_of_rows(account_list):
    contacts = [
        new_instance(Contact, id=uuid.uuid4(), account_list_id=account_list.id, name=f"C{i}", name_key=f"c{i}")
        for i in range(1_500)
    ]
    with CaptureQueriesContext(connection) as queries:
        insert_new(Contact, contacts, timezone.now())
    assert len(queries.captured_queries) == 1
    assert Contact.objects.filter(account_list=account_list).count() == 1_500


def test_ignore_conflicts_skips_rows_that_already_exist(account_list, member, db):
    contact = Contact.objects.create(account_list=account_list, name="Doe, John")
    Tag.objects.create(contact=contact, name="prayer")
    tags = [new_instance(Tag, contact_id=contact.id, name=name) for name in ("prayer", "board")]
    insert_new(Tag, tags, timezone.now(), ignore_conflicts=True)
    assert sorted(Tag.objects.filter(contact=contact).values_list("name", flat=True)) == ["board", "prayer"]
    with pytest.raises(IntegrityError):  # without the option a duplicate is refused by the constraint
        insert_new(Tag, [new_instance(Tag, contact_id=contact.id, name="board")], timezone.now())


def test_new_instance_is_what_the_model_constructor_makes(account_list):
    values = {"id": uuid.uuid4(), "account_list_id": account_list.id, "name": "Doe, John", "name_key": "doe, john"}
    fast, slow = new_instance(Contact, **values), Contact(**values)
    for field in Contact._meta.concrete_fields:
        assert getattr(fast, field.attname) == getattr(slow, field.attname), field.name
    assert fast._state.adding and fast._state.db is None


def test_loaded_instances_defer_what_they_did_not_load(account_list):
    contact = Contact.objects.create(account_list=account_list, name="Doe, John", notes="kept")
    [loaded] = loaded_instances(Contact.objects.all(), ("id", "greeting", "notes"), "id__in", [contact.id])
    assert (loaded.pk, loaded.notes, loaded._state.adding) == (contact.pk, "kept", False)
    assert "name" in loaded.get_deferred_fields()
    loaded.greeting = "John"
    loaded.save()  # saves only what was loaded
    contact.refresh_from_db()
    assert (contact.greeting, contact.name, contact.notes) == ("John", "Doe, John", "kept")


def test_imported_contacts_are_listed_once_per_import(account_list, member):
    contact = ContactFactory(account_list=account_list)
    record = ImportFactory(account_list=account_list, user=member.user)
    rows = [new_instance(ImportedContact, import_record_id=record.pk, contact_id=contact.id, created=True)]
    insert_new(ImportedContact, rows, timezone.now(), ignore_conflicts=True)
    insert_new(ImportedContact, rows, timezone.now(), ignore_conflicts=True)
    assert ImportedContact.objects.filter(import_record=record).count() == 1


def test_new_rows_get_time_ordered_version_7_uuids():
    from imports.pipeline.ids import time_ordered_id

    ids = [time_ordered_id() for _ in range(10_000)]
    assert len(set(ids)) == len(ids)
    assert {i.version for i in ids} == {7} and {i.variant for i in ids} == {uuid.RFC_4122}
    prefixes = [i.hex[:12] for i in ids]  # milliseconds: never decreasing
    assert prefixes == sorted(prefixes)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's driver adapters")
def test_sqlite_binds_none_as_null_and_booleans_as_integers():
    """The adapters registered for None and bool (bulk_insert) bind what the driver bound without them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT typeof(%s), %s, typeof(%s), %s, typeof(%s), %s", [None, None, True, True, False, False])
        assert cursor.fetchone() == ("null", None, "integer", 1, "integer", 0)
