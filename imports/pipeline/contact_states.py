"""The writer's view of a batch's contacts: what each will be once the batch is written, kept current
as drafts merge in (`ContactState`, what matching reads of it too), and that view loaded for the
stored contacts a batch matched (`load_states`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from contacts.models import Address, Contact, EmailAddress, Person, PhoneNumber, Tag
from imports.pipeline.bulk_insert import loaded_instances, new_instance, rows_in
from imports.pipeline.ids import time_ordered_id
from imports.pipeline.matching import SOURCE_IDS, Identifiers, person_key, street_key, website_key


def address_key(address) -> tuple:
    postal = address.postal_code if hasattr(address, "postal_code") else ""
    return (
        " ".join(address.street.split()).casefold(),
        address.city.strip().casefold(),
        postal.replace(" ", "").casefold(),
    )


@dataclass
class PersonState:
    person: Person
    # The kinds (EmailAddress, PhoneNumber) the person has a primary of: the first primary one stays the only one.
    primary_kinds: set[type] = field(default_factory=set)
    # A household number (TntConnect's home phone) belongs to both people: phones are kept once per person.
    phone_keys: set[str] = field(default_factory=set)

    def reached_at(self, model: type[EmailAddress | PhoneNumber], *, primary: bool, **values):
        """A new email address or phone number of the person (its values by attribute name)."""
        primary = primary and model not in self.primary_kinds
        if primary:
            self.primary_kinds.add(model)
        return new_instance(model, id=time_ordered_id(), person_id=self.person.id, primary=primary, **values)


@dataclass
class ContactState:
    """A contact of the batch as it will be once the batch is written."""

    contact: Contact
    is_new: bool
    people: list[PersonState] = field(default_factory=list)
    email_keys: set[str] = field(default_factory=set)
    phone_keys: set[str] = field(default_factory=set)
    address_keys: set[tuple] = field(default_factory=set)
    street_keys: set[str] = field(default_factory=set)
    primary_addresses: list[Address] = field(default_factory=list)
    tag_keys: set[str] = field(default_factory=set)
    changed: bool = False

    # What matching reads (imports.pipeline.matching.MatchableContact), current as drafts merge in.

    def identifiers(self) -> Identifiers:
        website = website_key(self.contact.website or "")
        return Identifiers(
            emails=frozenset(self.email_keys),
            phones=frozenset(self.phone_keys),
            streets=frozenset(self.street_keys),
            websites=frozenset([website] if website else ()),
        )

    def person_keys(self) -> set[tuple[str, str]]:
        return {key for state in self.people if (key := person_key(state.person.first_name, state.person.last_name))}

    def has_named_person(self) -> bool:
        return any(state.person.first_name or state.person.last_name for state in self.people)


def load_states(
    contact_ids: set[uuid.UUID], *, contact_fields: Sequence[str], person_fields: Sequence[str]
) -> dict[uuid.UUID, ContactState]:
    """What the matched contacts already have; only the columns that matching reads and merging writes.

    `contact_fields`, `person_fields`: the attributes a batch's drafts fill
    (`writer.FilledFields`), all that merging can change.

    A re-import loads every contact it touches, so leaving out the rest
    (timestamps above all: their conversion is the costliest) matters.
    """
    if not contact_ids:
        return {}
    # What matching reads (the website, the source ids) and what this batch's drafts may merge into.
    contact_columns = ("id", "referred_by_id", *dict.fromkeys(("website", *SOURCE_IDS, *contact_fields)))
    states = {
        contact.id: ContactState(contact=contact, is_new=False)
        for contact in loaded_instances(Contact.objects.all(), contact_columns, "id__in", contact_ids)
    }
    people: dict[uuid.UUID, PersonState] = {}
    person_columns = ("id", "contact_id", "first_name", "last_name", "is_spouse", *person_fields)
    for person in loaded_instances(Person.objects.all(), person_columns, "contact_id__in", contact_ids):
        people[person.id] = PersonState(person=person)
        states[person.contact_id].people.append(people[person.id])
    for contact_id, key in rows_in(Tag.objects.values_list("contact_id", "name"), "contact_id__in", contact_ids):
        states[contact_id].tag_keys.add(key.casefold())
    address_columns = ("id", "contact_id", "street", "city", "postal_code", "primary_mailing_address")
    for address in loaded_instances(Address.objects.all(), address_columns, "contact_id__in", contact_ids):
        state = states[address.contact_id]
        state.address_keys.add(address_key(address))
        if key := street_key(address.street):
            state.street_keys.add(key)
        if address.primary_mailing_address:
            state.primary_addresses.append(address)
    emails = EmailAddress.objects.values_list("person_id", "email_key", "primary")
    for person_id, key, primary in rows_in(emails, "person_id__in", people):
        person_state = people[person_id]
        states[person_state.person.contact_id].email_keys.add(key)
        if primary:
            person_state.primary_kinds.add(EmailAddress)
    phones = PhoneNumber.objects.values_list("person_id", "number_key", "primary")
    for person_id, key, primary in rows_in(phones, "person_id__in", people):
        person_state = people[person_id]
        states[person_state.person.contact_id].phone_keys.add(key)
        person_state.phone_keys.add(key)
        if primary:
            person_state.primary_kinds.add(PhoneNumber)
    return states
