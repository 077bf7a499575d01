"""Contact drafts cut to the columns that store them, so that one long value cannot fail a whole batch.

A file may hold any text in any field: a greeting of 300 characters, a title
of 80, a city pasted twice. PostgreSQL refuses a value longer than its
column, and that refusal fails the batch it is in (the whole import, or the
upload when the row is a sample). Each text of a draft is therefore clipped
to its column, the lengths read from the models themselves, before anything
is matched or stored. The writer and the samples call `fit_to_columns`, so
every source (CSV, TntConnect, TntDataSync, Google) gets the same rule.

Identifiers are never clipped: two ids cut to one prefix would be one
record. A TntConnect row whose id does not fit fails instead (`tnt_id_error`).
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache

from django.db import models

from contacts.models import Address, Contact, EmailAddress, Person, PhoneNumber, SampleContact, Tag
from imports.pipeline.builders.drafts import AddressDraft, ContactDraft, EmailDraft, PersonDraft, PhoneDraft

# A contact draft is stored as a contact, or as a sample (which also keeps the referrer's name).
_MODELS_OF_DRAFT: dict[type, tuple[type[models.Model], ...]] = {
    ContactDraft: (Contact, SampleContact),
    PersonDraft: (Person,),
    EmailDraft: (EmailAddress,),
    PhoneDraft: (PhoneNumber,),
    AddressDraft: (Address,),
}
_IDENTIFIERS = frozenset({"tnt_id", "google_resource_name"})
_TAG_LENGTH = Tag._meta.get_field("name").max_length


def fit_to_columns(draft: ContactDraft) -> ContactDraft:
    """Clip, in place, every text of the draft (its people, emails, phones, addresses and tags) to its column."""
    _clip(draft)
    draft.tags = [tag[:_TAG_LENGTH] for tag in draft.tags]
    for person in draft.people:
        _clip(person)
        for point in (*person.emails, *person.phones):
            _clip(point)
    for address in draft.addresses:
        _clip(address)
    return draft


def _clip(draft) -> None:
    for name, limit in _column_lengths(type(draft)).items():
        value = getattr(draft, name)
        if isinstance(value, str) and len(value) > limit:
            setattr(draft, name, value[:limit])


@cache
def _column_lengths(draft_type: type) -> dict[str, int]:
    """The draft's text attributes stored in a CharField of the same name -> that column's length."""
    columns = {
        field.name: field.max_length
        for model in _MODELS_OF_DRAFT[draft_type]
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField) and field.max_length
    }
    return {f.name: columns[f.name] for f in fields(draft_type) if f.name in columns and f.name not in _IDENTIFIERS}


TNT_ID_LENGTH = Contact._meta.get_field("tnt_id").max_length  # as long as every imported record's (fundraising)


def tnt_id_error(table: str, tnt_id: str, position: int, *, required: bool) -> str:
    """Why a TntConnect row cannot keep its id as its record's TNT id ("" when it can).

    The id is what finds the record again on a second import, so it is never
    clipped; a row of a table stored by id (`required`) needs one.
    """
    if len(tnt_id) > TNT_ID_LENGTH:
        return (
            f"{table} {tnt_id[:TNT_ID_LENGTH]}... has an id longer than {TNT_ID_LENGTH} characters, "
            "which no TntConnect export writes; it was not imported."
        )
    if required and not tnt_id:
        return (
            f"{table} row {position} has no id (its id attribute), so a second import could not find it "
            "again; it was not imported."
        )
    return ""
