"""The field table: what each field declares exists where the builder and the writer use it."""

from dataclasses import fields

import pytest

from contacts.models import CONTACT_ATTRIBUTES
from imports.fields import SLOT_GROUPS, SUPPORTED_FIELDS, Part
from imports.pipeline.builders.drafts import AddressDraft, ContactDraft, PersonDraft

DRAFT_OF_PART = {
    Part.CONTACT: ContactDraft,
    Part.PERSON: PersonDraft,
    Part.SPOUSE: PersonDraft,
    Part.ADDRESS: AddressDraft,
    Part.AREA: AddressDraft,
}


@pytest.mark.parametrize("field", [f for f in SUPPORTED_FIELDS if f.attribute], ids=lambda f: f.key)
def test_every_field_fills_an_attribute_of_its_part_of_the_draft(field):
    assert field.attribute in {f.name for f in fields(DRAFT_OF_PART[field.part])}


def test_every_contact_attribute_of_the_model_is_one_of_the_draft():
    assert set(CONTACT_ATTRIBUTES) <= {f.name for f in fields(ContactDraft)}


def test_emails_and_phones_fill_their_slots_in_the_order_of_the_table():
    assert SLOT_GROUPS == {
        "email": ("email_1", "email_2"),
        "phone": ("phone_1", "phone_2", "phone_3"),
        "spouse_email": ("spouse_email",),
        "spouse_phone": ("spouse_phone",),
    }
