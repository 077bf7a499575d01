"""Which contact a draft is, on evidence, and which look-alikes it was kept apart from.

Merging two people is the worst thing an import can do: it is silent and
nobody can take it apart afterwards; a duplicate shows and can be merged. So
a draft (of any source) is an existing contact, or a contact an earlier draft
of the same import made, only on evidence, in this order:

1. the same source id (`STRONG_KEYS`: Google resource name, TntConnect id, a
   TntDataSync donor's account number at its organisation); otherwise
2. the same contact name (`name_key`) and nothing that says otherwise: it
   says otherwise when both sides have identifying values (email addresses,
   phone numbers, streets, websites) and share none of them, or carry
   different source ids; otherwise
3. the same primary email and the same person: a person of the draft has the
   first and last name of one of the contact's people, or one side has no
   name at all. An email address is evidence of a person, not of a household.

Among several contacts a rule finds, one that shares an identifying value
wins over one that merely does not contradict, and the older over the newer.
What a draft was kept apart from although it looks alike (same name, same
email) comes back with the evidence, and the writer records it as a possible
duplicate when the draft becomes a contact of its own.

A batch costs one lookup per kind of key (source ids, names, emails)
whatever its size, each chunked to fit the database's parameter limit.

To add a source id (the strongest evidence): append a `StrongKey` to
`STRONG_KEYS`. One stored on the contact needs only its kind, the draft
attribute and the contact field; one stored elsewhere (donor account
numbers) gives its own `lookup`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Generic, Protocol, TypeVar

from contacts.models import Contact, EmailAddress, email_key, name_key
from contacts.phones import phone_key
from fundraising.models import DonorAccountContact
from fundraising.selectors import organization_named
from imports.pipeline.builders.drafts import ContactDraft
from imports.pipeline.builders.names import as_contact_name
from imports.pipeline.builders.tnt_data_sync import parse_donor_account_key
from imports.pipeline.bulk_insert import rows_in

Key = tuple[str, str]  # (kind, key): a StrongKey's kind, "name" or "email"
State = TypeVar("State", bound="MatchableContact")

MISSING_REFERRAL_TAG = "missing-csv-referred-by"
#: Contacts looked at per name or email key; a shared office address held by thousands of
#: contacts must not load them all for every batch.
CANDIDATES_PER_KEY = 50


# --- the strongest evidence: a source's own id --------------------------------------------


@dataclass(frozen=True)
class StrongKey:
    """An id a source gives a contact: the same one is the strongest evidence; two different ones
    (on the contact's own field) say "two people", whatever the name."""

    kind: str
    of_draft: Callable[[ContactDraft], Iterable[str]]
    contact_field: str = ""  # the Contact column that holds it, if it is stored on the contact
    lookup: Callable[[object, set[str]], Iterable[tuple[str, uuid.UUID]]] | None = None

    def contacts_with(self, account_list_id, values: set[str]) -> Iterable[tuple[str, uuid.UUID]]:
        """(value, contact id) of the account list's contacts with these ids, oldest first."""
        if self.lookup is not None:
            return self.lookup(account_list_id, values)
        contacts = Contact.objects.filter(account_list_id=account_list_id).order_by("created_at")
        return rows_in(contacts.values_list(self.contact_field, "id"), f"{self.contact_field}__in", values)


def _google_resource_names(draft: ContactDraft) -> list[str]:
    return [draft.google_resource_name] if draft.google_resource_name else []


def _tnt_ids(draft: ContactDraft) -> list[str]:
    return [draft.tnt_id] if draft.tnt_id else []


def _donor_account_keys(draft: ContactDraft) -> list[str]:
    return [draft.donor_account_key] if draft.donor_account_key else []


def _contacts_by_donor_account(account_list_id, keys: set[str]) -> Iterable[tuple[str, uuid.UUID]]:
    """(key, contact id) of the contacts linked to these donor accounts (`donor_account_key`), oldest link first.

    A contact may have several donor accounts, so a different account number
    never says "someone else": the key has no field on the contact.
    """
    numbers: dict[tuple[str, str], set[str]] = {}
    for key in keys:
        code, name, number = parse_donor_account_key(key)
        numbers.setdefault((code, name), set()).add(number)
    for (code, name), wanted in numbers.items():
        organization = organization_named(account_list_id=account_list_id, code=code, name=name)
        if organization is None:
            continue
        links = DonorAccountContact.objects.filter(
            donor_account__account_list_id=account_list_id, donor_account__organization=organization
        ).order_by("id")
        rows = links.values_list("donor_account__account_number", "contact_id")
        for number, contact_id in rows_in(rows, "donor_account__account_number__in", wanted):
            yield "\n".join((code, name, number)), contact_id


STRONG_KEYS: tuple[StrongKey, ...] = (
    StrongKey("google", _google_resource_names, contact_field="google_resource_name"),
    StrongKey("tnt", _tnt_ids, contact_field="tnt_id"),
    StrongKey("donor_account", _donor_account_keys, lookup=_contacts_by_donor_account),
)
#: The contact columns that hold a source's own id (kept on the contact by the writer).
SOURCE_IDS = tuple(key.contact_field for key in STRONG_KEYS if key.contact_field)


# --- what a draft and a contact say about who they are ------------------------------------


_URL_PREFIX = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:www\.)?", re.IGNORECASE)


def website_key(url: str) -> str:
    """'https://www.Example.org/' and 'example.org' are one website."""
    return _URL_PREFIX.sub("", url.strip()).rstrip("/").casefold()


def street_key(street: str) -> str:
    return " ".join(street.split()).casefold()


def person_key(first: str, last: str) -> tuple[str, str] | None:
    """A person's first and last name, case and spacing ignored; None unless both are known."""
    first, last = " ".join(first.split()).casefold(), " ".join(last.split()).casefold()
    return (first, last) if first and last else None


@dataclass(frozen=True)
class Identifiers:
    """The values that tell people apart: two contacts sharing none of them are two people."""

    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    streets: frozenset[str] = frozenset()
    websites: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.emails or self.phones or self.streets or self.websites)

    def shares_any(self, other: Identifiers) -> bool:
        return bool(
            self.emails & other.emails
            or self.phones & other.phones
            or self.streets & other.streets
            or self.websites & other.websites
        )

    def as_evidence(self) -> dict[str, list[str]]:
        values = {"emails": self.emails, "phones": self.phones, "streets": self.streets, "websites": self.websites}
        return {name: sorted(found) for name, found in values.items() if found}


class MatchableContact(Protocol):
    """What matching reads of a contact (the writer's state of it, kept current as drafts merge in)."""

    contact: Contact

    def identifiers(self) -> Identifiers: ...

    def person_keys(self) -> set[tuple[str, str]]: ...

    def has_named_person(self) -> bool: ...


class Evidence:
    """What one draft says about who it is.

    The keys that find candidates (source ids, name, primary email) and the
    phones' keys (which the writer stores) are worked out for every draft;
    what only decides between candidates (the people's names, the
    identifying values) is worked out when a rule asks, which on a first
    import is for few drafts.
    """

    def __init__(self, draft: ContactDraft, *, phone_country: str) -> None:
        self.draft = draft
        self.strong: list[Key] = [(key.kind, value) for key in STRONG_KEYS for value in key.of_draft(draft)]
        self.contact_name = draft.name  # as the draft writes it
        self.name = name_key(draft.name)
        self.email = email_key(draft.primary_email) if draft.primary_email else ""  # "" without one
        # Each person's phones' keys, in the draft's order ("" for a number without digits).
        self.phone_keys = [
            [phone_key(phone.number, phone_country) for phone in person.phones] for person in draft.people
        ]

    @property
    def keys(self) -> list[Key]:
        keys = [*self.strong, ("name", self.name)]
        return [*keys, ("email", self.email)] if self.email else keys

    @cached_property
    def people(self) -> set[tuple[str, str]]:
        return {key for person in self.draft.people if (key := person_key(person.first_name, person.last_name))}

    @cached_property
    def named(self) -> bool:
        """Some person of the draft has a first or last name."""
        return any(person.first_name or person.last_name for person in self.draft.people)

    @cached_property
    def identifiers(self) -> Identifiers:
        draft = self.draft
        return Identifiers(
            emails=frozenset(email_key(e.email) for person in draft.people for e in person.emails),
            phones=frozenset(key for keys in self.phone_keys for key in keys if key),
            streets=frozenset(filter(None, (street_key(address.street) for address in draft.addresses))),
            websites=frozenset(filter(None, [website_key(draft.website)])),
        )


# --- finding the candidates ------------------------------------------------------------------


def candidate_contacts(account_list_id, evidences: Iterable[Evidence]) -> dict[Key, list[uuid.UUID]]:
    """Key -> ids of the account list's contacts with that key (oldest first), for every key of the drafts."""
    wanted: dict[str, set[str]] = {}
    for evidence in evidences:
        for kind, value in evidence.keys:
            wanted.setdefault(kind, set()).add(value)
    found: dict[Key, list[uuid.UUID]] = {}
    for strong in STRONG_KEYS:
        for value, contact_id in strong.contacts_with(account_list_id, wanted.get(strong.kind, set())):
            found.setdefault((strong.kind, value), []).append(contact_id)
    contacts = Contact.objects.filter(account_list_id=account_list_id).order_by("created_at")
    for value, contact_id in rows_in(contacts.values_list("name_key", "id"), "name_key__in", wanted.get("name", ())):
        found.setdefault(("name", value), []).append(contact_id)
    for value, contact_id in _contacts_by_primary_email(account_list_id, wanted.get("email", set())):
        found.setdefault(("email", value), []).append(contact_id)
    return {key: ids[:CANDIDATES_PER_KEY] for key, ids in found.items()}


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


# --- deciding ----------------------------------------------------------------------------------


@dataclass
class LookAlike(Generic[State]):
    """A contact a draft was kept apart from although it looks alike, and why."""

    state: State
    reason: str  # "same_name" or "same_email"
    evidence: dict


@dataclass
class Match(Generic[State]):
    state: State | None  # None: the draft is a new contact
    look_alikes: list[LookAlike[State]] = field(default_factory=list)


class Matcher(Generic[State]):
    """Decides what each draft of a batch is: a contact of the database, one an earlier draft made, or new."""

    def __init__(self, existing: dict[Key, list[State]]) -> None:
        self.existing = existing
        self.in_batch: dict[Key, list[State]] = {}

    def candidates(self, key: Key) -> list[State]:
        found = [*self.existing.get(key, ()), *self.in_batch.get(key, ())]
        return list({id(state): state for state in found}.values())  # once each, oldest first

    def match(self, evidence: Evidence) -> Match[State]:
        for key in evidence.strong:
            found = self.candidates(key)
            if found:
                return Match(found[0])
        look_alikes: list[LookAlike[State]] = []
        same_name = self.candidates(("name", evidence.name))
        agreeing = []
        for state in same_name:
            says_otherwise = self._says_otherwise(evidence, state)
            if says_otherwise is None:
                agreeing.append(state)
            else:
                look_alikes.append(LookAlike(state, "same_name", says_otherwise))
        if agreeing:
            sharing = [state for state in agreeing if evidence.identifiers.shares_any(state.identifiers())]
            return Match((sharing or agreeing)[0])
        if evidence.email:
            for state in self.candidates(("email", evidence.email)):
                if self._different_source_ids(evidence, state):
                    continue
                if self._same_person(evidence, state):
                    return Match(state)
                if all(alike.state is not state for alike in look_alikes):
                    look_alikes.append(LookAlike(state, "same_email", self._people_evidence(evidence, state)))
        return Match(None, look_alikes)

    def remember(self, evidence: Evidence, state: State) -> None:
        """Later drafts of the batch with any of these keys may be this contact too."""
        for key in evidence.keys:
            found = self.in_batch.setdefault(key, [])
            if all(other is not state for other in found):
                found.append(state)

    # -- the rules

    def _says_otherwise(self, evidence: Evidence, state: State) -> dict | None:
        """Why a contact of the same name is someone else (the evidence), or None when nothing says so."""
        differing = self._different_source_ids(evidence, state)
        if differing:
            return {"name": evidence.contact_name, "different_ids": differing}
        theirs = state.identifiers()
        if evidence.identifiers and theirs and not evidence.identifiers.shares_any(theirs):
            return {
                "name": evidence.contact_name,
                "this_row": evidence.identifiers.as_evidence(),
                "existing": theirs.as_evidence(),
            }
        return None

    @staticmethod
    def _different_source_ids(evidence: Evidence, state: State) -> dict[str, list[str]]:
        differing = {}
        for strong in STRONG_KEYS:
            if not strong.contact_field:
                continue
            ours = [value for kind, value in evidence.strong if kind == strong.kind]
            theirs = getattr(state.contact, strong.contact_field, "") or ""
            if ours and theirs and theirs not in ours:
                differing[strong.kind] = [ours[0], theirs]
        return differing

    @staticmethod
    def _same_person(evidence: Evidence, state: State) -> bool:
        if not evidence.named or not state.has_named_person():
            return True  # one side has no name at all: the address is all there is to go by
        return bool(evidence.people & state.person_keys())

    @staticmethod
    def _people_evidence(evidence: Evidence, state: State) -> dict:
        return {"email": evidence.email, "this_row": evidence.contact_name, "existing": state.contact.name}


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
