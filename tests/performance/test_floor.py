"""The benchmark's floor writes the same contact graphs as the importer, so the ratio to it compares like with like."""

import pytest

from benchmarks.data import HEADERS_MAPPINGS, write_csv
from benchmarks.floor import write_floor
from contacts.models import Address, Contact, EmailAddress, PhoneNumber, Tag
from imports.models import Import, ImportedContact
from tests.imports.helpers import make_import


def graph_of(account_list_id) -> dict:
    """Each contact's name with its people, emails, phones, addresses and tags, by value."""
    graph = {}
    for contact in Contact.objects.filter(account_list_id=account_list_id).prefetch_related("people"):
        people = sorted(
            (p.first_name, p.last_name, p.middle_name, p.title, p.suffix, p.is_spouse) for p in contact.people.all()
        )
        emails = EmailAddress.objects.filter(person__contact=contact).values_list("email", "primary", "historic")
        phones = PhoneNumber.objects.filter(person__contact=contact).values_list("number", "location", "primary")
        addresses = Address.objects.filter(contact=contact).values_list("street", "city", "primary_mailing_address")
        tags = Tag.objects.filter(contact=contact).values_list("name", flat=True)
        values = (contact.greeting, contact.status, contact.pledge_amount, contact.pledge_frequency, contact.notes)
        graph[contact.name] = (values, people, sorted(emails), sorted(phones), sorted(addresses), sorted(tags))
    return graph


@pytest.mark.django_db(transaction=True)
def test_the_floor_writes_what_the_importer_writes(tmp_path, settings):
    path = write_csv(tmp_path / "contacts.csv", 300, seed=7)
    content = path.read_bytes()
    imported = make_import(content=content, filename="contacts.csv", mappings=HEADERS_MAPPINGS)
    assert imported.status == Import.Status.COMPLETE and imported.rows_created == 300
    floor_import = make_import(content=content, filename="contacts.csv", mappings=HEADERS_MAPPINGS, until="preview")
    figures = write_floor(floor_import, batch_size=settings.IMPORT_BATCH_SIZE)
    assert (figures["rows"], figures["contacts"]) == (300, 300)
    assert graph_of(floor_import.account_list_id) == graph_of(imported.account_list_id)
    assert ImportedContact.objects.filter(import_record=floor_import).count() == 300
    floor_import.refresh_from_db()
    assert (floor_import.rows_processed, floor_import.rows_created) == (300, 300)
