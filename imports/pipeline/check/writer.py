"""The check's writer: matches and merges a batch exactly as the import would, and writes no contact.

The import finds the contacts that earlier batches of its file created in
the database. A check writes none, so it keeps them in scratch tables
instead (`imports.models.check`): each contact the import would create or
change, as matching reads it, and the keys under which the database would
find it, in the order the database would list them. Matching then looks at
the account list's contacts and at those, and a row 5,000 with the email of
row 3 is matched as the import will match it, while memory holds one batch.
The merging is `ContactWriter.merge` itself: one implementation of the rules.
"""

from __future__ import annotations

import uuid

import orjson
from django.apps import apps
from django.db import transaction
from django.utils import timezone

from contacts.models import Address, Contact, Person
from imports.models import CheckContact, CheckKey, Import
from imports.pipeline.bulk_insert import insert_new, new_instance, rows_in
from imports.pipeline.contact_states import ContactState, PersonState
from imports.pipeline.matching import CANDIDATES_PER_KEY, STRONG_KEYS, Evidence, Key, Matcher, candidate_contacts
from imports.pipeline.writer import BatchResult, ContactWriter, MergedBatch

# The contact fields matching reads (the name, the website, the sources' own ids); the others change no match.
STATE_FIELDS = ("name", "name_key", "website", *(key.contact_field for key in STRONG_KEYS if key.contact_field))


class CheckWriter(ContactWriter):
    """`ContactWriter` whose batches go to the check's scratch tables (generation `generation`)."""

    def __init__(self, *, import_record: Import, generation: int) -> None:
        # Deferred: a referrer who is not found changes the notes and tags only, which the check does not keep.
        super().__init__(import_record=import_record, defer_referrals=True)
        self.generation = generation
        self._found: dict[Key, list[uuid.UUID]] = {}

    def check(self, drafts, line_numbers: list[int] | None = None) -> BatchResult:
        """What writing this batch would do; keeps its contacts for the next batches. Call inside a transaction.

        No lock on the account list: a check writes nothing another import could write too.
        """
        merged = self.merge(drafts, line_numbers)
        self._keep(merged)
        merged.result.possible_duplicates = len(merged.look_alikes)
        return merged.result

    # Referrals link contacts that are matched already: they change no match and no count, so none is looked up.

    def _resolve_referrals(self, drafts) -> dict[str, uuid.UUID]:
        return {}

    def _link_referral(self, state, draft, referrers, batch) -> None:
        return None

    def discard(self) -> None:
        """Drop this check's scratch rows (when it ends, however it ends)."""
        discard_scratch(import_id=self.import_record.pk, generation=self.generation)

    # --- matching against the database and the scratch tables

    def _scratch(self):
        return {"import_record_id": self.import_record.pk, "generation": self.generation}

    def _matcher(self, evidences: list[Evidence]) -> Matcher[ContactState]:
        found = candidate_contacts(self.account_list_id, evidences)
        wanted: dict[str, set[str]] = {}
        for evidence in evidences:
            for kind, value in evidence.keys:
                wanted.setdefault(kind, set()).add(value)
        keys = CheckKey.objects.filter(**self._scratch())
        for kind, values in wanted.items():
            # Ordered here, not by the query: an ORDER BY id lets SQLite's planner walk the whole table in id order.
            rows = keys.filter(kind=kind).values_list("id", "value", "contact_id")
            of_kind = sorted(rows_in(rows, "value__in", values))
            for _, value, contact_id in of_kind:
                ids = found.setdefault((kind, value), [])
                # Contacts the import would have written come after the database's: they would be newer.
                if contact_id not in ids and len(ids) < CANDIDATES_PER_KEY:
                    ids.append(contact_id)
        self._found = found
        contact_ids = {contact_id for ids in found.values() for contact_id in ids}
        states = self._scratch_states(contact_ids)
        states.update(self._load_states(contact_ids - set(states)))
        by_key = {key: [states[i] for i in ids if i in states] for key, ids in found.items()}
        return Matcher(by_key)

    def _scratch_states(self, contact_ids: set[uuid.UUID]) -> dict[uuid.UUID, ContactState]:
        """The contacts of earlier batches as they would be now (existing ones as the check changed them)."""
        rows = CheckContact.objects.filter(**self._scratch()).values_list("contact_id", "state")
        return {
            contact_id: state_from_json(contact_id, orjson.loads(state), self.account_list_id)
            for contact_id, state in rows_in(rows, "contact_id__in", contact_ids)
        }

    # --- keeping the batch

    def _keep(self, merged: MergedBatch) -> None:
        """The batch's contacts replace their earlier scratch rows; the keys the database would gain are added."""
        ids = [state.contact.id for state in merged.states]
        CheckContact.objects.filter(**self._scratch(), contact_id__in=ids).delete()
        now = timezone.now()
        insert_new(
            CheckContact,
            [
                new_instance(CheckContact, **self._scratch(), contact_id=state.contact.id, state=_as_text(state))
                for state in merged.states
            ],
            now,
        )
        insert_new(
            CheckKey,
            [
                new_instance(CheckKey, **self._scratch(), kind=kind, value=value, contact_id=contact_id)
                for kind, value, contact_id in self._new_keys(merged)
            ],
            now,
        )

    def _new_keys(self, merged: MergedBatch) -> list[tuple[str, str, uuid.UUID]]:
        """(kind, value, contact id) the database would list after this batch and did not before.

        As the database finds contacts: by their name, their source ids and their primary emails.
        """
        contact_of_person = {
            person_state.person.id: state.contact.id for state in merged.states for person_state in state.people
        }
        keys: list[tuple[str, str, uuid.UUID]] = []
        for state in merged.states:
            contact = state.contact
            if state.is_new:
                keys.append(("name", contact.name_key, contact.id))
            for strong in STRONG_KEYS:
                if strong.contact_field:
                    value = getattr(contact, strong.contact_field, "") or ""
                    values = [value] if value else []
                else:  # kept elsewhere (donor account numbers): the drafts' ids are linked to the contact
                    values = [v for e in merged.evidences_of[id(state)] for kind, v in e.strong if kind == strong.kind]
                keys += [(strong.kind, value, contact.id) for value in values]
        for email in merged.batch.emails:
            if email.primary:
                keys.append(("email", email.email_key, contact_of_person[email.person_id]))
        known = self._found
        unique = dict.fromkeys(key for key in keys if key[2] not in known.get((key[0], key[1]), ()))
        return list(unique)


def discard_scratch(*, import_id, generation: int | None = None) -> None:
    """Delete the scratch rows of one check (or, without a generation, of every check of the import)."""
    scope = {"import_record_id": import_id}
    if generation is not None:
        scope["generation"] = generation
    with transaction.atomic():
        CheckKey.objects.filter(**scope).delete()
        CheckContact.objects.filter(**scope).delete()


def _as_text(state: ContactState) -> str:
    return orjson.dumps(state_as_json(state)).decode()


def state_as_json(state: ContactState) -> dict:
    """What matching and merging read of a contact, as JSON (the rest would change no count)."""
    return {
        # From the instance's loaded values: a contact loaded from the database holds only the columns
        # merging needs, and reading another would load it with a query of its own.
        "fields": {name: state.contact.__dict__.get(name) or "" for name in STATE_FIELDS},
        "people": [
            {
                "id": str(person_state.person.id),
                "first_name": person_state.person.first_name,
                "last_name": person_state.person.last_name,
                "is_spouse": person_state.person.is_spouse,
                "primary_kinds": [kind._meta.label for kind in person_state.primary_kinds],
                "phone_keys": list(person_state.phone_keys),
            }
            for person_state in state.people
        ],
        "email_keys": list(state.email_keys),
        "phone_keys": list(state.phone_keys),
        "address_keys": list(state.address_keys),
        "street_keys": list(state.street_keys),
        "tag_keys": list(state.tag_keys),
        "primary_addresses": len(state.primary_addresses),
    }


def state_from_json(contact_id: uuid.UUID, data: dict, account_list_id) -> ContactState:
    """A contact of an earlier batch, as the import would load it from the database (so: not new)."""
    contact = new_instance(Contact, id=contact_id, account_list_id=account_list_id, **data["fields"])
    contact._state.adding = False
    people = []
    for person in data["people"]:
        instance = new_instance(
            Person,
            id=uuid.UUID(person["id"]),
            contact_id=contact_id,
            first_name=person["first_name"],
            last_name=person["last_name"],
            is_spouse=person["is_spouse"],
        )
        people.append(
            PersonState(
                person=instance,
                primary_kinds={apps.get_model(label) for label in person["primary_kinds"]},
                phone_keys=set(person["phone_keys"]),
            )
        )
    return ContactState(
        contact=contact,
        is_new=False,
        people=people,
        email_keys=set(data["email_keys"]),
        phone_keys=set(data["phone_keys"]),
        address_keys={tuple(key) for key in data["address_keys"]},
        street_keys=set(data["street_keys"]),
        primary_addresses=[new_instance(Address, contact_id=contact_id) for _ in range(data["primary_addresses"])],
        tag_keys=set(data["tag_keys"]),
    )
