"""rows_in finds the same rows as filter(<field>__in=...) on every database.

It sends an `__in` lookup as AnyOf, each value converted by its column's
converter (SQLite: a UUID as its hex); on PostgreSQL the values go as one
array parameter, UUIDs as the text of a uuid[] literal, other values as a
list. Every form is checked here against Django's own IN, values of every
kind mixed.
"""

import uuid

import pytest

from contacts.models import Contact, Person
from imports.pipeline.bulk_insert import rows_in


@pytest.fixture
def contacts(account_list):
    names = ["Doe, John", 'O\'Brien, "Pat", {x}', "Smith, Ann"]
    return [Contact.objects.create(account_list=account_list, name=name) for name in names]


def test_uuids_given_as_uuids_or_text_find_their_rows(contacts):
    values = [contacts[0].id, str(contacts[1].id), uuid.uuid4()]
    found = set(rows_in(Contact.objects.values_list("id", flat=True), "id__in", values))
    assert found == {contacts[0].id, contacts[1].id}
    assert found == set(Contact.objects.filter(id__in=values).values_list("id", flat=True))


def test_a_relation_to_a_uuid_finds_its_rows(contacts):
    people = [Person.objects.create(contact=contact, first_name="A") for contact in contacts]
    values = [contacts[0].id, contacts[2].id]
    found = set(rows_in(Person.objects.values_list("id", flat=True), "contact_id__in", values))
    assert found == {people[0].id, people[2].id}


def test_text_values_with_quotes_commas_and_braces_find_their_rows(contacts):
    values = ['O\'Brien, "Pat", {x}', "Smith, Ann", "nobody"]
    found = set(rows_in(Contact.objects.values_list("name", flat=True), "name__in", values))
    assert found == {'O\'Brien, "Pat", {x}', "Smith, Ann"}


def test_no_values_find_no_rows(contacts):
    assert list(rows_in(Contact.objects.all(), "id__in", [])) == []
