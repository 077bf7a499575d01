"""Merges batches of contact drafts into the account list's contacts: the only bulk writer of contacts.

A batch costs a fixed number of queries whatever its size: three lookups to
match (`matching`), five to load what the matched contacts already have,
one insert statement per table (`bulk_insert`) and one bulk update. Two
imports into one account list take turns per batch (a row lock on the
account list), so they cannot both create the same contact.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from functools import cached_property
from operator import attrgetter

from django.utils import timezone

from accounts.models import AccountList
from contacts.models import (
    CONTACT_ATTRIBUTES,
    Address,
    Contact,
    EmailAddress,
    Person,
    PhoneNumber,
    Tag,
    email_key,
    name_key,
)
from imports.models import Import, ImportedContact, PossibleDuplicate
from imports.pipeline import change_log
from imports.pipeline.builders.drafts import AddressDraft, ContactDraft, PersonDraft
from imports.pipeline.builders.tnt_book import REFERRED_BY_LINE, with_lines_of
from imports.pipeline.bulk_insert import insert_new, new_instance, update_rows
from imports.pipeline.contact_states import ContactState, PersonState, address_key, load_states
from imports.pipeline.ids import time_ordered_id
from imports.pipeline.matching import (
    SOURCE_IDS,
    Evidence,
    LookAlike,
    Matcher,
    candidate_contacts,
    find_referrers,
    note_missing_referral,
    street_key,
)

# The contact attributes a draft fills, by the same names; what `override` replaces or fills.
# The name is not among them: it is what a contact is matched by. The sources' own ids are kept too.
MERGED_FIELDS = (*(attribute for attribute in CONTACT_ATTRIBUTES if attribute != "name"), *SOURCE_IDS)
# What `override` replaces or fills on a matched person.
PERSON_FIELDS = (
    "middle_name",
    "title",
    "suffix",
    "birthday_month",
    "birthday_day",
    "birthday_year",
    "anniversary_month",
    "anniversary_day",
    "anniversary_year",
    "occupation",
    "employer",
    "deceased",
    "websites",
)
# A person's and an address's attributes, by the same names on the draft and the model.
PERSON_ATTRIBUTES = tuple(f.name for f in fields(PersonDraft) if f.name not in ("emails", "phones"))
ADDRESS_ATTRIBUTES = tuple(f.name for f in fields(AddressDraft) if f.name != "primary_mailing_address")
# Their values off a draft, in one call each: a batch copies them for thousands of new rows.
_merged_values, _person_values, _address_values = (
    attrgetter(*names) for names in (MERGED_FIELDS, PERSON_ATTRIBUTES, ADDRESS_ATTRIBUTES)
)


def is_blank(value) -> bool:
    return value is None or value == ""


class FilledFields:
    """The contact and person attributes some draft of a batch fills, all that merging can change: a
    re-import loads only these of some forty columns. Worked out when first asked (a merge asks)."""

    def __init__(self, drafts: list[ContactDraft]) -> None:
        self.drafts = drafts

    @cached_property
    def contact(self) -> tuple[str, ...]:
        return tuple(attr for attr in MERGED_FIELDS if _some_not_blank(list(map(attrgetter(attr), self.drafts))))

    @cached_property
    def person(self) -> tuple[str, ...]:
        people = [person for draft in self.drafts for person in draft.people]
        return tuple(attr for attr in PERSON_FIELDS if any(map(attrgetter(attr), people)))


def _some_not_blank(values: list) -> bool:
    """Some value is not blank (`is_blank`), counted in C: most attributes are blank in every draft of a batch."""
    return values.count(None) + values.count("") < len(values)


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    possible_duplicates: int = 0
    contact_ids: list[uuid.UUID] = field(default_factory=list)  # the contact each draft became, in order


@dataclass
class MergedBatch:
    """A batch matched and merged, not yet written: what `ContactWriter.write` writes."""

    batch: BatchWriter
    result: BatchResult
    states: list[ContactState] = field(default_factory=list)  # the contacts it touches, once each, in order
    # id(state) -> the evidence of each draft merged into it
    evidences_of: dict[int, list[Evidence]] = field(default_factory=dict)
    look_alikes: list[tuple[ContactState, LookAlike[ContactState], int | None]] = field(default_factory=list)


class BatchWriter:
    """Accumulates the inserts and updates of one batch, then writes them table by table."""

    def __init__(self) -> None:
        self.contacts: list[Contact] = []
        self.people: list[Person] = []
        self.new_person_ids: set[uuid.UUID] = set()
        self.emails: list[EmailAddress] = []
        self.phones: list[PhoneNumber] = []
        self.addresses: list[Address] = []
        self.new_contact_tags: list[Tag] = []
        self.existing_contact_tags: list[Tag] = []
        self.updated_contacts: dict[uuid.UUID, Contact] = {}
        self.updated_people: dict[uuid.UUID, Person] = {}
        self.demoted_addresses: list[Address] = []

    def flush(self, filled: FilledFields) -> None:
        now = timezone.now()
        insert_new(Contact, self.contacts, now)
        insert_new(Person, self.people, now)
        insert_new(EmailAddress, self.emails, now)
        insert_new(PhoneNumber, self.phones, now)
        insert_new(Address, self.addresses, now)
        # Tags of contacts this batch creates cannot exist yet; a matched contact's may (another
        # import can add the same tag meanwhile). One statement either way, the fastest one
        # (COPY on PostgreSQL) when no conflict is possible.
        tags = self.new_contact_tags + self.existing_contact_tags
        insert_new(Tag, tags, now, ignore_conflicts=bool(self.existing_contact_tags))
        # The fields merging may have changed are worked out only when it changed a stored row (a first
        # import's batch changes none: asking would read each of some forty attributes of every draft).
        if self.updated_contacts:
            update_rows(Contact, self.updated_contacts.values(), [*filled.contact, "referred_by"], now)
        if self.updated_people:
            update_rows(Person, self.updated_people.values(), filled.person, now)
        update_rows(Address, self.demoted_addresses, ["primary_mailing_address"], now)


class ContactWriter:
    """Matches and writes the drafts of one import, batch by batch.

    `defer_referrals` (TntConnect): a referrer may come later in the file, so
    unresolved referrals are kept and linked by `link_deferred_referrals` at
    the end. Otherwise (CSV) the referrer must already exist, and a missing
    one becomes a tag and a note.
    """

    def __init__(self, *, import_record: Import, defer_referrals: bool = False) -> None:
        self.import_record = import_record
        self.account_list_id = import_record.account_list_id
        self.phone_country = AccountList.objects.only("default_country").get(pk=self.account_list_id).phone_country
        self.override = import_record.override
        self.defer_referrals = defer_referrals
        self.deferred_referrals: list[tuple[uuid.UUID, str]] = []

    def write(self, drafts: list[ContactDraft], line_numbers: list[int] | None = None) -> BatchResult:
        """Write one batch (`line_numbers`: where each draft is in the file). Call inside a transaction."""
        AccountList.objects.select_for_update().filter(pk=self.account_list_id).first()
        merged = self.merge(drafts, line_numbers)
        with change_log.gathered():  # the batch's log in one statement, not one per table
            merged.batch.flush(self.filled)
        touched = {state.contact.id: state.is_new for state in merged.states}
        imported = [
            new_instance(ImportedContact, import_record_id=self.import_record.pk, contact_id=cid, created=new)
            for cid, new in touched.items()
        ]
        # A contact created by an earlier batch of this import and matched again is already listed;
        # one created by this batch cannot be, and then the fastest insert does.
        may_conflict = not all(touched.values())
        insert_new(ImportedContact, imported, timezone.now(), ignore_conflicts=may_conflict)
        merged.result.possible_duplicates = self._record_look_alikes(merged.look_alikes)
        return merged.result

    def merge(self, drafts: list[ContactDraft], line_numbers: list[int] | None = None) -> MergedBatch:
        """Match the drafts and merge them into what the contacts will be; nothing is written yet.

        The check (imports.pipeline.check.writer) stops here and keeps the outcome instead of writing it.
        """
        referrers = self._resolve_referrals(drafts)
        for draft in drafts:
            if draft.referred_by and not self.defer_referrals and draft.referred_by not in referrers:
                note_missing_referral(draft)
        self.filled = FilledFields(drafts)
        evidences = [Evidence(draft, phone_country=self.phone_country) for draft in drafts]
        matcher = self._matcher(evidences)
        merged = MergedBatch(batch=BatchWriter(), result=BatchResult())
        batch = merged.batch
        for position, (draft, evidence) in enumerate(zip(drafts, evidences, strict=True)):
            match = matcher.match(evidence)
            state = match.state
            if state is None:
                state = self._new_state(draft, batch)
                merged.result.created += 1
                line_number = line_numbers[position] if line_numbers else None
                merged.look_alikes += [
                    (state, alike, line_number) for alike in self._first_of_each_reason(match.look_alikes)
                ]
            else:
                merged.result.updated += 1
                self._merge_contact(state, draft, batch)
            self._merge_children(state, draft, evidence, batch)
            matcher.remember(evidence, state)
            self._link_referral(state, draft, referrers, batch)
            merged.result.contact_ids.append(state.contact.id)
            merged.evidences_of.setdefault(id(state), []).append(evidence)
            if len(merged.evidences_of[id(state)]) == 1:
                merged.states.append(state)
        return merged

    def _matcher(self, evidences: list[Evidence]) -> Matcher[ContactState]:
        """A matcher that knows the existing contacts the drafts may be, with what they already have."""
        candidates = candidate_contacts(self.account_list_id, evidences)
        states = self._load_states({contact_id for ids in candidates.values() for contact_id in ids})
        return Matcher({key: [states[contact_id] for contact_id in ids] for key, ids in candidates.items()})

    @staticmethod
    def _first_of_each_reason(look_alikes: list[LookAlike[ContactState]]) -> list[LookAlike[ContactState]]:
        """One look-alike per reason (the oldest): 133 rows sharing one address make 132 pairs, not 8,778."""
        first: dict[str, LookAlike[ContactState]] = {}
        for alike in look_alikes:
            first.setdefault(alike.reason, alike)
        return list(first.values())

    def _record_look_alikes(self, look_alikes: list[tuple[ContactState, LookAlike[ContactState], int | None]]) -> int:
        PossibleDuplicate.objects.bulk_create(
            [
                PossibleDuplicate(
                    import_record_id=self.import_record.pk,
                    contact_id=state.contact.id,
                    other_contact_id=alike.state.contact.id,
                    reason=alike.reason,
                    evidence=alike.evidence,
                    line_number=line_number,
                )
                for state, alike, line_number in look_alikes
            ]
        )
        return len(look_alikes)

    def _load_states(self, contact_ids: set[uuid.UUID]) -> dict[uuid.UUID, ContactState]:
        return load_states(contact_ids, contact_fields=self.filled.contact, person_fields=self.filled.person)

    # --- building and merging ----------------------------------------------------------

    def _new_state(self, draft: ContactDraft, batch: BatchWriter) -> ContactState:
        values = dict(zip(MERGED_FIELDS, _merged_values(draft), strict=True))
        contact = new_instance(
            Contact,
            id=time_ordered_id(),
            account_list_id=self.account_list_id,
            name=draft.name,
            name_key=name_key(draft.name),
            **values,
        )
        batch.contacts.append(contact)
        return ContactState(contact=contact, is_new=True)

    def _merge_contact(self, state: ContactState, draft: ContactDraft, batch: BatchWriter) -> None:
        contact = state.contact
        changed = False
        for attr in self.filled.contact:
            new = getattr(draft, attr)
            if is_blank(new):
                continue
            old = getattr(contact, attr)
            if attr == "notes" and self.defer_referrals and old:  # TntConnect: the referrals step's notes stay
                new = with_lines_of(new, of=old, pattern=REFERRED_BY_LINE)
            replaces = self.override and not (attr == "greeting" and draft.greeting_from_names)
            if old != new and (replaces or is_blank(old)):
                setattr(contact, attr, new)
                changed = True
        if changed and not state.is_new:
            batch.updated_contacts[contact.id] = contact

    def _merge_children(self, state: ContactState, draft: ContactDraft, evidence: Evidence, batch: BatchWriter) -> None:
        for person_draft, phone_keys in zip(draft.people, evidence.phone_keys, strict=True):
            person_state = self._person_for(state, person_draft, batch)
            self._add_emails(state, person_state, person_draft, batch)
            self._add_phones(state, person_state, person_draft, phone_keys, batch)
        for address_draft in draft.addresses:
            self._add_address(state, address_draft, batch)
        for tag in draft.tags:
            if tag.casefold() not in state.tag_keys:
                state.tag_keys.add(tag.casefold())
                tags = batch.new_contact_tags if state.is_new else batch.existing_contact_tags
                tags.append(new_instance(Tag, contact_id=state.contact.id, name=tag))

    def _person_for(self, state: ContactState, draft: PersonDraft, batch: BatchWriter) -> PersonState:
        first, last = draft.first_name.casefold(), draft.last_name.casefold()
        for person_state in state.people:
            person = person_state.person
            same_name = person.first_name.casefold() == first and person.last_name.casefold() == last
            same_role_unnamed = not first and person.is_spouse == draft.is_spouse
            if same_name or same_role_unnamed:
                self._merge_person(person, draft, batch, is_new=person.id in batch.new_person_ids)
                return person_state
        person = new_instance(
            Person,
            id=time_ordered_id(),
            contact_id=state.contact.id,
            **dict(zip(PERSON_ATTRIBUTES, _person_values(draft), strict=True)),
        )
        batch.people.append(person)
        batch.new_person_ids.add(person.id)
        person_state = PersonState(person=person)
        state.people.append(person_state)
        return person_state

    def _merge_person(self, person: Person, draft: PersonDraft, batch: BatchWriter, *, is_new: bool) -> None:
        changed = False
        for attr in self.filled.person:
            new = getattr(draft, attr)
            if not new:
                continue
            old = getattr(person, attr)
            if old != new and (self.override or not old):
                setattr(person, attr, new)
                changed = True
        if changed and not is_new:
            batch.updated_people[person.id] = person

    @staticmethod
    def _add_emails(state: ContactState, person_state: PersonState, draft: PersonDraft, batch: BatchWriter) -> None:
        for email in draft.emails:
            key = email_key(email.email)
            if key not in state.email_keys:  # an address is the household's: kept once per contact
                state.email_keys.add(key)
                primary = email.primary and not email.historic
                values = {"email": email.email, "email_key": key, "historic": email.historic}
                batch.emails.append(person_state.reached_at(EmailAddress, primary=primary, **values))

    @staticmethod
    def _add_phones(
        state: ContactState, person_state: PersonState, draft: PersonDraft, keys: list[str], batch: BatchWriter
    ) -> None:
        """`keys`: the phones' keys (`Evidence.phone_keys`), computed once for matching and storing."""
        for phone, key in zip(draft.phones, keys, strict=True):
            key = key or phone.number.strip().casefold()
            if key not in person_state.phone_keys:
                state.phone_keys.add(key)
                person_state.phone_keys.add(key)
                values = {"number": phone.number, "number_key": key, "location": phone.location}
                batch.phones.append(
                    person_state.reached_at(PhoneNumber, primary=phone.primary, historic=phone.historic, **values)
                )

    def _add_address(self, state: ContactState, draft: AddressDraft, batch: BatchWriter) -> None:
        key = address_key(draft)
        if key in state.address_keys:
            return
        state.address_keys.add(key)
        if street := street_key(draft.street):
            state.street_keys.add(street)
        primary = draft.primary_mailing_address and not state.primary_addresses
        if draft.primary_mailing_address and state.primary_addresses and self.override:
            # The file's mailing address replaces the stored one as the primary.
            for address in state.primary_addresses:
                address.primary_mailing_address = False
                if not address._state.adding:
                    batch.demoted_addresses.append(address)
            state.primary_addresses = []
            primary = True
        address = new_instance(
            Address,
            id=time_ordered_id(),
            contact_id=state.contact.id,
            **dict(zip(ADDRESS_ATTRIBUTES, _address_values(draft), strict=True)),
            primary_mailing_address=primary,
        )
        if primary:
            state.primary_addresses.append(address)
        batch.addresses.append(address)

    # --- referrals -------------------------------------------------------------------

    def _resolve_referrals(self, drafts: list[ContactDraft]) -> dict[str, uuid.UUID]:
        names = {d.referred_by for d in drafts if d.referred_by}
        return find_referrers(self.account_list_id, names) if names else {}

    def _link_referral(self, state: ContactState, draft: ContactDraft, referrers, batch: BatchWriter) -> None:
        if not draft.referred_by:
            return
        referrer_id = referrers.get(draft.referred_by)
        if referrer_id is None or referrer_id == state.contact.id:
            if self.defer_referrals and referrer_id is None:
                self.deferred_referrals.append((state.contact.id, draft.referred_by))
            return
        if state.contact.referred_by_id is None or self.override:
            state.contact.referred_by_id = referrer_id
            if not state.is_new:
                batch.updated_contacts[state.contact.id] = state.contact

    def link_deferred_referrals(self) -> None:
        """Link referrals whose referrer came later in the file (one query per 1,000 names)."""
        pending = self.deferred_referrals
        for start in range(0, len(pending), 1000):
            chunk = pending[start : start + 1000]
            referrers = find_referrers(self.account_list_id, {name for _, name in chunk})
            updates = [
                Contact(id=contact_id, referred_by_id=referrers[name])
                for contact_id, name in chunk
                if referrers.get(name) not in (None, contact_id)
            ]
            update_rows(Contact, updates, ["referred_by"], timezone.now())
        self.deferred_referrals = []
