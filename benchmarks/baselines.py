"""The two importers the real one is measured against, on the same file and database.

Both read and build rows exactly as the real import does (`imports.pipeline.sources.rows_of`),
so the comparison is about writing, the part a design choice decides:

- `per_row_import`: one contact graph per transaction with ordinary ORM
  saves, as a design that runs one job per row would. It matches an existing
  contact by name, then by primary email, as the real import does.
- `import_export_import`: django-import-export, one `ModelResource` per model of
  the graph, in its documented bulk mode (`use_bulk`, `batch_size`,
  `force_init_instance`, `skip_diff`). Foreign keys are plain id columns, so
  it does no per-row lookups; it does no matching either (a first import
  needs none), which only flatters it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import asdict
from itertools import islice

from django.db import transaction
from django.db.models import F

from contacts.models import Address, Contact, EmailAddress, Person, PhoneNumber, Tag, email_key, name_key
from contacts.phones import phone_key
from imports.models import Import, ImportedContact, ImportFailure
from imports.pipeline.sources import rows_of
from imports.pipeline.writer import ADDRESS_ATTRIBUTES, MERGED_FIELDS, PERSON_ATTRIBUTES

# The same contact attributes as the importer writes (tnt_id is blank for CSV rows).
CONTACT_FIELDS = MERGED_FIELDS
NULLABLE_FIELDS = {attr for attr in CONTACT_FIELDS if Contact._meta.get_field(attr).null}


def _rows(import_record: Import, limit: int | None):
    with import_record.file.open("rb") as stream:
        yield from islice(rows_of(import_record, stream), limit)


# --------------------------------------------------------------------------- #
# (a) one row at a time, ordinary saves
# --------------------------------------------------------------------------- #


def per_row_import(import_record: Import, *, limit: int | None = None) -> int:
    """Import row by row, each in its own transaction with its own counter update; returns rows read.

    Like a job per row, each row loads its import (a job gets the import's
    id, not the object); the queue's own cost per job is left out.
    """
    count = 0
    for row in _rows(import_record, limit):
        count += 1
        with transaction.atomic():
            import_record = Import.objects.get(pk=import_record.pk)
            if row.draft is None:
                ImportFailure.objects.create(
                    import_record=import_record, line_number=row.line_number, message=row.error, fields=row.cells
                )
                Import.objects.filter(pk=import_record.pk).update(
                    rows_processed=F("rows_processed") + 1, rows_failed=F("rows_failed") + 1
                )
                continue
            created = _save_graph(import_record, row.draft)
            ImportedContact.objects.get_or_create(
                import_record=import_record, contact=created[0], defaults={"created": created[1]}
            )
            counter = "rows_created" if created[1] else "rows_updated"
            Import.objects.filter(pk=import_record.pk).update(
                rows_processed=F("rows_processed") + 1, **{counter: F(counter) + 1}
            )
    return count


def _save_graph(import_record: Import, draft) -> tuple[Contact, bool]:
    contact = _matching_contact(import_record.account_list_id, draft)
    is_new = contact is None
    if is_new:
        contact = Contact(account_list_id=import_record.account_list_id, name=draft.name)
    for attr in CONTACT_FIELDS:
        value = getattr(draft, attr)
        if value not in (None, "") and (is_new or getattr(contact, attr) in (None, "")):
            setattr(contact, attr, value)
    contact.save()
    for person_draft in draft.people:
        person = Person(contact=contact, **{attr: getattr(person_draft, attr) for attr in PERSON_ATTRIBUTES})
        person.save()
        for email in person_draft.emails:
            EmailAddress(person=person, email=email.email, primary=email.primary, historic=email.historic).save()
        for phone in person_draft.phones:
            PhoneNumber(person=person, number=phone.number, location=phone.location, primary=phone.primary).save()
    for address in draft.addresses:
        Address(contact=contact, **_address_values(address)).save()
    for tag in draft.tags:
        Tag.objects.get_or_create(contact=contact, name=tag)
    return contact, is_new


def _matching_contact(account_list_id, draft) -> Contact | None:
    """The product's rule, one query at a time: the same contact name, else the same primary email."""
    contact = Contact.objects.filter(account_list_id=account_list_id, name_key=name_key(draft.name)).first()
    if contact is None and draft.primary_email:
        # Led by the email key, as the importer's lookup is (see ContactWriter._contacts_by_primary_email).
        candidates = EmailAddress.objects.filter(primary=True, email_key=email_key(draft.primary_email))
        for contact_id, list_id in candidates.values_list("person__contact_id", "person__contact__account_list_id"):
            if list_id == account_list_id:
                return Contact.objects.get(pk=contact_id)
    return contact


def _address_values(address) -> dict:
    return asdict(address)  # the draft's attributes are the address model's


# --------------------------------------------------------------------------- #
# (b) django-import-export, bulk mode
# --------------------------------------------------------------------------- #


def _resource(model, columns: list[str], id_fields: tuple[str, ...] = ("id",)):
    """A ModelResource over `columns`; `*_id` columns are raw foreign key ids (no lookup per row)."""
    from import_export import fields, resources, widgets

    declared = {
        column: fields.Field(attribute=column, column_name=column, widget=widgets.Widget())
        for column in columns
        if column.endswith("_id")
    }
    meta = type(
        "Meta",
        (),
        {
            "model": model,
            "fields": tuple(columns),
            "import_id_fields": id_fields,
            "use_bulk": True,
            "batch_size": 1000,
            "force_init_instance": True,
            "skip_diff": True,
            "skip_unchanged": False,
            "report_skipped": False,
        },
    )
    return type(f"{model.__name__}Resource", (resources.ModelResource,), {**declared, "Meta": meta})()


CONTACT_COLUMNS = ["id", "account_list_id", "name", "name_key", *CONTACT_FIELDS]
PERSON_COLUMNS = ["id", "contact_id", *PERSON_ATTRIBUTES]
EMAIL_COLUMNS = ["id", "person_id", "email", "email_key", "primary", "historic"]
PHONE_COLUMNS = ["id", "person_id", "number", "number_key", "location", "primary"]
ADDRESS_COLUMNS = ["id", "contact_id", *ADDRESS_ATTRIBUTES, "primary_mailing_address"]
TAG_COLUMNS = ["contact_id", "name"]  # the id is the database's own


def import_export_import(import_record: Import, *, batch_rows: int = 2000, limit: int | None = None) -> int:
    """Turn each batch of rows into one dataset per model and import them with their resources."""
    import tablib

    resources = {
        "contacts": (_resource(Contact, CONTACT_COLUMNS), CONTACT_COLUMNS),
        "people": (_resource(Person, PERSON_COLUMNS), PERSON_COLUMNS),
        "emails": (_resource(EmailAddress, EMAIL_COLUMNS), EMAIL_COLUMNS),
        "phones": (_resource(PhoneNumber, PHONE_COLUMNS), PHONE_COLUMNS),
        "addresses": (_resource(Address, ADDRESS_COLUMNS), ADDRESS_COLUMNS),
        "tags": (_resource(Tag, TAG_COLUMNS, ("contact_id", "name")), TAG_COLUMNS),
    }
    count = 0
    for batch in _chunks(_rows(import_record, limit), batch_rows):
        count += len(batch)
        tables: dict[str, list[list]] = {name: [] for name in resources}
        for row in batch:
            if row.draft is not None:
                _graph_rows(import_record, row.draft, tables)
        for name, (resource, columns) in resources.items():
            dataset = tablib.Dataset(*tables[name], headers=columns)
            result = resource.import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
            assert not result.has_errors()
    return count


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _graph_rows(import_record: Import, draft, tables: dict[str, list[list]]) -> None:
    contact_id = str(uuid.uuid4())
    values = []
    for attr in CONTACT_FIELDS:
        value = getattr(draft, attr)
        values.append("" if value is None and attr not in NULLABLE_FIELDS else value)
    tables["contacts"].append(
        [contact_id, str(import_record.account_list_id), draft.name, name_key(draft.name), *values]
    )
    for person in draft.people:
        person_id = str(uuid.uuid4())
        tables["people"].append([person_id, contact_id, *(getattr(person, attr) for attr in PERSON_ATTRIBUTES)])
        for email in person.emails:
            tables["emails"].append(
                [str(uuid.uuid4()), person_id, email.email, email_key(email.email), email.primary, email.historic]
            )
        for phone in person.phones:
            tables["phones"].append(
                [str(uuid.uuid4()), person_id, phone.number, phone_key(phone.number), phone.location, phone.primary]
            )
    for address in draft.addresses:
        tables["addresses"].append([str(uuid.uuid4()), contact_id, *_address_values(address).values()])
    for tag in draft.tags:
        tables["tags"].append([contact_id, tag])
