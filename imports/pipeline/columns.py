"""What a draft holds that its columns cannot store: the row fails with the reason, nothing is cut.

Text that people write (names, greetings, an employer, a city, a task's
subject) is stored in text columns, whole, however long. What is left in a
column of fixed length is a value whose length is part of what it is: an
email address (at most 254 characters), a phone number, a postal code, a
status, a currency, an account number or a tag. Such a value longer than its
column is not what the column holds, and PostgreSQL would refuse it and fail
its whole batch; cutting it would store another value (two account numbers
cut to one prefix are one account). The row fails instead, with its line and
`overlong_value`'s reason, and the other rows import.

Every step that turns a row into a draft asks, the same way the builders
refuse a row (RowError): the contact sources (`imports.pipeline.sources`,
for the job and the samples alike), the TntConnect book steps and the
TntDataSync gifts. The lengths are read from the models themselves.
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from contacts.models import Address, Contact, EmailAddress, Person, PhoneNumber, SampleContact, Tag
from fundraising.models import Appeal, DesignationAccount, Donation, DonorAccount, Task
from imports.pipeline.builders.drafts import (
    AddressDraft,
    ContactDraft,
    DonorAccountDraft,
    EmailDraft,
    PersonDraft,
    PhoneDraft,
    RowError,
)
from imports.pipeline.builders.tnt_book import AppealDraft, DonationDraft, TaskDraft, TntDonorAccountDraft
from imports.pipeline.builders.tnt_data_sync import DataSyncGift

# A draft type -> the models that store it (its attributes by the same names), and its attributes stored
# under another name as (attribute, model, field). A contact draft is stored as a contact or as a sample.
_STORED_IN: dict[type, tuple[tuple[type[models.Model], ...], tuple[tuple[str, type[models.Model], str], ...]]] = {
    ContactDraft: ((Contact, SampleContact), ()),
    PersonDraft: ((Person,), ()),
    EmailDraft: ((EmailAddress,), ()),
    PhoneDraft: ((PhoneNumber,), ()),
    AddressDraft: ((Address,), ()),
    DonorAccountDraft: ((DonorAccount,), ()),
    TntDonorAccountDraft: ((DonorAccount,), ()),
    TaskDraft: ((Task,), ()),
    AppealDraft: ((Appeal,), ()),
    DonationDraft: ((Donation,), ()),
    DataSyncGift: (
        (Donation,),
        (
            ("donation_id", Donation, "remote_id"),
            ("account_number", DonorAccount, "account_number"),
            ("designation", DesignationAccount, "designation_number"),
        ),
    ),
}
# The other drafts (a pledge, a gift split, a task's or history's contact, a referral) hold ids (tnt_id_error
# checks them), amounts, a currency from the file's lookups and names that are looked up, not stored.
_NOTHING_STORED: tuple[tuple[type[models.Model], ...], tuple] = ((), ())
_TAG = Tag._meta.get_field("name")
# What a column holds, where its field's name does not say it.
_LABELS = {
    (EmailAddress, "email"): "email address",
    (PhoneNumber, "number"): "phone number",
    (Donation, "remote_id"): "organisation's id of a gift",
    (DesignationAccount, "designation_number"): "designation number",
}


def refuse_overlong(*drafts, where: str = "") -> None:
    """RowError (its message led by `where`) when a draft holds a value too long for its column."""
    for draft in drafts:
        if reason := overlong_value(draft):
            raise RowError(where + reason)


def overlong_value(draft) -> str:
    """Why the draft (a contact with its people, emails, phones, addresses and tags, or a record of the
    book) cannot be stored as it is: its first value longer than its column; "" when every value fits."""
    if isinstance(draft, ContactDraft):
        parts = [draft, *draft.addresses]
        for person in draft.people:
            parts += [person, *person.emails, *person.phones]
        return next(filter(None, map(_overlong_attribute, parts)), "") or _overlong_tag(draft.tags)
    return _overlong_attribute(draft)


def _overlong_attribute(draft) -> str:
    for name, limit, field in _limited_columns(type(draft)):
        value = getattr(draft, name)
        if isinstance(value, str) and len(value) > limit:
            return _reason(field, value)
    return ""


def _overlong_tag(tags: list[str]) -> str:
    return next((_reason(_TAG, tag, what="tag") for tag in tags if len(tag) > _TAG.max_length), "")


def _reason(field: models.Field, value: str, *, what: str = "") -> str:
    what = what or _LABELS.get((field.model, field.name), field.verbose_name)
    return (
        f"The {what} beginning {value[:40]!r} is {len(value):,} characters long, longer than any {what} "
        f"({field.max_length:,} characters at most), so the row was not imported. Correct it and import it again."
    )


@cache
def _limited_columns(draft_type: type) -> tuple[tuple[str, int, models.CharField], ...]:
    """The draft's attributes stored in a column of fixed length, with that length and the column's field."""
    models_of, renamed = _STORED_IN.get(draft_type, _NOTHING_STORED)
    attributes = [f.name for f in fields(draft_type)]  # in their order, so the first too long is reported
    stored = [*renamed, *((name, model, name) for name in attributes for model in models_of)]
    limited: dict[str, models.CharField] = {}
    for attribute, model, field_name in stored:
        try:
            field = model._meta.get_field(field_name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.CharField) and field.max_length:
            limited.setdefault(attribute, field)
    ordered = sorted(limited.items(), key=lambda item: attributes.index(item[0]))
    return tuple((attribute, field.max_length, field) for attribute, field in ordered)


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
