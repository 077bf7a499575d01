"""Which existing contact a draft is: its keys, the contacts that share one, the match.

A draft is the oldest contact of its account list that shares its
TntConnect id, else its name, else its primary email (names and emails
compare as keys: `name_key`, `email_key`). A batch costs three lookups
whatever its size, each chunked to fit the database's parameter limit.
Drafts of one batch match each other too: the first creates the contact,
the later ones merge into it. A referrer named in a file is found by name
the same way.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Generic, TypeVar

from contacts.models import Contact, EmailAddress, email_key, name_key
from imports.pipeline.builders.drafts import ContactDraft
from imports.pipeline.builders.names import as_contact_name
from imports.pipeline.bulk_insert import rows_in

Key = tuple[str, str]  # ("tnt" | "name" | "email", key)
State = TypeVar("State")

MISSING_REFERRAL_TAG = "missing-csv-referred-by"


def draft_keys(draft: ContactDraft) -> list[Key]:
    """The keys a draft matches on, strongest first."""
    keys = []
    if draft.tnt_id:
        keys.append(("tnt", draft.tnt_id))
    keys.append(("name", name_key(draft.name)))
    if draft.primary_email:
        keys.append(("email", email_key(draft.primary_email)))
    return keys


def contacts_by_key(account_list_id, keys_of_drafts: Iterable[list[Key]]) -> dict[Key, uuid.UUID]:
    """Key -> id of the oldest contact of the account list with that key, for every key of the drafts."""
    wanted: dict[str, set[str]] = {"tnt": set(), "name": set(), "email": set()}
    for keys in keys_of_drafts:
        for kind, key in keys:
            wanted[kind].add(key)
    contacts = Contact.objects.filter(account_list_id=account_list_id).order_by("created_at")
    found: dict[Key, uuid.UUID] = {}
    for tnt_id, contact_id in rows_in(contacts.values_list("tnt_id", "id"), "tnt_id__in", wanted["tnt"]):
        found.setdefault(("tnt", tnt_id), contact_id)
    for key, contact_id in contacts_by_name_key(account_list_id, wanted["name"]).items():
        found[("name", key)] = contact_id
    for key, contact_id in _contacts_by_primary_email(account_list_id, wanted["email"]):
        found.setdefault(("email", key), contact_id)
    return found


def contacts_by_name_key(account_list_id, keys: Iterable[str]) -> dict[str, uuid.UUID]:
    """Name key -> id of the oldest contact with that name key in the account list."""
    found: dict[str, uuid.UUID] = {}
    contacts = Contact.objects.filter(account_list_id=account_list_id).order_by("created_at")
    for key, contact_id in rows_in(contacts.values_list("name_key", "id"), "name_key__in", keys):
        found.setdefault(key, contact_id)
    return found


def _contacts_by_primary_email(account_list_id, keys: set[str]) -> list[tuple[str, uuid.UUID]]:
    """(email key, contact id) for the account list's primary emails among `keys`, oldest email first.

    The account list is checked here, not in the query: given it as a
    condition, SQLite's planner (and PostgreSQL's, on young statistics)
    starts from every contact of the list, a cost that grows with the list.
    Without it the only condition is the batch's keys, so the email-key
    index leads and the rest follows primary keys.
    """
    primary_emails = (
        EmailAddress.objects.filter(primary=True)
        .order_by("created_at")
        .values_list("email_key", "person__contact_id", "person__contact__account_list_id")
    )
    return [
        (key, contact_id)
        for key, contact_id, contact_account_list_id in rows_in(primary_emails, "email_key__in", keys)
        if contact_account_list_id == account_list_id
    ]


class BatchMatches(Generic[State]):
    """What each draft of a batch is: a contact found in the database, or one an earlier draft made."""

    def __init__(self, existing: dict[Key, State]) -> None:
        self.existing = existing
        self.in_batch: dict[Key, State] = {}

    def find(self, keys: list[Key]) -> State | None:
        for key in keys:
            state = self.in_batch.get(key) or self.existing.get(key)
            if state is not None:
                return state
        return None

    def remember(self, keys: list[Key], state: State) -> None:
        """Later drafts of the batch with any of these keys are this contact too."""
        for key in keys:
            self.in_batch.setdefault(key, state)


def referral_keys(name: str) -> list[str]:
    """A referrer is named as a contact ("Doe, Bob and Dawn") or as a full name ("Bob and Dawn Doe")."""
    keys = [name_key(name)]
    if "," not in name:
        alternative = name_key(as_contact_name(name))
        if alternative and alternative != keys[0]:
            keys.append(alternative)
    return keys


def find_referrers(account_list_id, names: Iterable[str]) -> dict[str, uuid.UUID]:
    """Referrer name as written -> contact id, for the names that name a contact of the account list."""
    keys_by_name = {name: referral_keys(name) for name in names if name.strip()}
    found = contacts_by_name_key(account_list_id, {key for keys in keys_by_name.values() for key in keys})
    resolved = {}
    for name, keys in keys_by_name.items():
        contact_id = next((found[key] for key in keys if key in found), None)
        if contact_id is not None:
            resolved[name] = contact_id
    return resolved


def note_missing_referral(draft: ContactDraft) -> None:
    """A referrer who is not a contact: kept as a tag and a note, so nothing is lost."""
    if MISSING_REFERRAL_TAG not in draft.tags:
        draft.tags.append(MISSING_REFERRAL_TAG)
    line = f"Referred by: {draft.referred_by}"
    draft.notes = f"{draft.notes}\n{line}" if draft.notes else line
