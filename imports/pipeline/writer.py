"""Writes batches of contact drafts, matching existing contacts: the only bulk writer of contacts.

A batch costs a fixed number of queries whatever its size: three lookups to
match, five to load what the matched contacts already have, one insert
statement per table and one bulk update. Two imports into one account list
take turns per batch (a row lock on the account list), so they cannot both
create the same contact.

Speed: a million-row import spends its time per row, so the per-row work
avoids Django's per-object machinery where it is safe to: new rows are
built without `Model.__init__` (`new_instance`) and inserted with one
statement per table (`TableInsert`) instead of `bulk_create`; lookups are
chunked so an IN list never exceeds the database's parameter limit.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache, partial
from operator import attrgetter

from django.db import connections, models, router
from django.db.models.base import ModelState
from django.db.models.constants import OnConflict
from django.utils import timezone

from accounts.models import AccountList
from contacts.models import (
    Address,
    Contact,
    EmailAddress,
    Person,
    PhoneNumber,
    Tag,
    email_key,
    name_key,
    phone_key,
)
from imports.models import Import, ImportedContact
from imports.pipeline.builders.drafts import AddressDraft, ContactDraft, PersonDraft
from imports.pipeline.builders.names import as_contact_name

MISSING_REFERRAL_TAG = "missing-csv-referred-by"

# Contact attribute <- draft attribute; what `override` replaces or fills.
MERGED_FIELDS = {
    "greeting": "greeting",
    "envelope_greeting": "envelope_greeting",
    "status": "status",
    "pledge_amount": "pledge_amount",
    "pledge_frequency": "pledge_frequency",
    "pledge_currency": "pledge_currency",
    "send_newsletter": "newsletter",
    "likely_to_give": "likely_to_give",
    "no_appeals": "no_appeals",
    "church_name": "church_name",
    "website": "website",
    "notes": "notes",
    "tnt_id": "tnt_id",
    "google_resource_name": "google_resource_name",
}
PERSON_FIELDS = ("middle_name", "title", "suffix")


def is_blank(value) -> bool:
    return value is None or value == ""


def _ids_differ(contact: Contact, draft: ContactDraft) -> bool:
    """Both carry a source's own id (Google resource name, TNT id) and they differ: two people, whatever the name."""
    return any(
        getattr(contact, name) and getattr(draft, name) and getattr(contact, name) != getattr(draft, name)
        for name in ("google_resource_name", "tnt_id")
    )


# --- fast rows and inserts --------------------------------------------------------------


class _RandomBits:
    """Random 74-bit numbers from the operating system's generator, fetched 4,096 at a time.

    `os.urandom` is a system call; asking it for 10 bytes per id cost more
    than everything else an id needs (about a tenth of an import's time).
    """

    IDS_PER_FETCH = 4096

    def __init__(self) -> None:
        self._pool: list[int] = []

    def next(self) -> int:
        if not self._pool:
            raw = os.urandom(10 * self.IDS_PER_FETCH)
            self._pool = [int.from_bytes(raw[i : i + 10], "big") for i in range(0, len(raw), 10)]
        return self._pool.pop()


_random_bits = _RandomBits()
# A forked worker must not hand out the numbers its parent already holds.
os.register_at_fork(after_in_child=_random_bits.__init__)


def time_ordered_id() -> uuid.UUID:
    """A version 7 UUID (RFC 9562): the Unix time in milliseconds, then 74 random bits.

    Still a UUID that cannot be guessed, but ids made together sort
    together, so a batch's inserts land at the end of each primary-key and
    foreign-key index rather than all over it. With random (version 4) keys
    every insert touched another index page, and an import slowed down as
    the tables grew (on SQLite, to half speed at 100,000 contacts); with
    these the cost per row stays flat.
    """
    milliseconds = time.time_ns() // 1_000_000
    random_bits = _random_bits.next()
    value = (
        (milliseconds & (1 << 48) - 1) << 80
        | 0x7 << 76  # version
        | (random_bits >> 62 & 0xFFF) << 64
        | 0b10 << 62  # RFC 9562 variant
        | random_bits & (1 << 62) - 1
    )
    return _uuid_of(value)


_set_slot = object.__setattr__


def _uuid_of(value: int) -> uuid.UUID:
    """`uuid.UUID(int=value)` for a value known to be a valid 128-bit UUID, without its checks (3x faster)."""
    made = uuid.UUID.__new__(uuid.UUID)
    _set_slot(made, "int", value)
    _set_slot(made, "is_safe", uuid.SafeUUID.unknown)
    return made


@cache
def _static_defaults(model: type[models.Model]) -> dict:
    """attname -> default of every field whose default is a constant (a callable one must be given)."""
    fields = model._meta.concrete_fields
    return {f.attname: f.get_default() for f in fields if not (f.has_default() and callable(f.default))}


def new_instance(model: type[models.Model], **values):
    """A new, unsaved instance built without `Model.__init__`.

    `__init__` walks every field and runs signals for each object; a batch
    makes about ten objects per row, so that walk was a large share of an
    import. The result is the same as `model(**values)` for plain values
    (attnames such as `contact_id`, no related objects): constant defaults,
    then `values`, and a fresh `_state` (adding, no database yet).
    """
    instance = model.__new__(model)
    instance.__dict__.update(_static_defaults(model))
    instance.__dict__.update(values)
    instance._state = ModelState()
    return instance


def loaded_instances(queryset: models.QuerySet, fields: Sequence[str], lookup: str, values: Iterable) -> Iterator:
    """Instances of the rows `rows_in` finds, with only `fields` loaded, as `.only(*fields)` would give.

    Read as `values_list` and built without `Model.from_db`: a re-import
    loads every contact it matches, and the ORM's per-instance work there
    doubled the cost of loading. The other fields are deferred, exactly as
    with `.only()`: reading one loads it, and `save()` writes only the
    loaded ones.
    """
    model, using = queryset.model, queryset.db
    for row in rows_in(queryset.values_list(*fields), lookup, values):
        instance = model.__new__(model)
        instance.__dict__.update(zip(fields, row, strict=True))
        instance._state = ModelState()
        instance._state.adding, instance._state.db = False, using
        yield instance


def _converter(field: models.Field, connection):
    """How one column's Python values become database values; None when they go as they are.

    The same conversions as `Field.get_db_prep_save`, chosen once per column
    instead of being dispatched for every value.
    """
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if kind in ("CharField", "TextField", "BooleanField", "BigAutoField", "BigIntegerField", "IntegerField"):
        return None
    if kind == "UUIDField":
        return None if connection.features.has_native_uuid_field else _uuid_hex
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    return partial(field.get_db_prep_save, connection=connection)


def _uuid_hex(value: uuid.UUID) -> str:
    return f"{value.int:032x}"  # `value.hex`, without the property call


class TableInsert:
    """INSERTs many new instances of one model in one statement; prepared once per model and database.

    Django's `bulk_create` prepares each value through the field API and, on
    SQLite, splits a batch into statements of at most 999 parameters; for
    thousands of contact graphs per batch that costs more than the database
    does. Here each column has one converter (most have none) and the rows
    go in one statement, by the fastest way each database offers:

    - SQLite: `executemany` of one prepared INSERT (a loop in C);
    - PostgreSQL: `COPY ... FROM STDIN` (psycopg formats the rows in C: a
      third of the client time of an INSERT of arrays), or, when existing
      rows must be skipped (`ignore_conflicts`, which COPY cannot do),
      `INSERT ... SELECT * FROM UNNEST(arrays) ON CONFLICT DO NOTHING`, the
      form Django's own bulk insert takes there.

    Each runs through Django's cursor wrappers, so it is logged and counted
    like any query. `auto_now`/`auto_now_add` columns get the batch time plus
    one microsecond per row: the order of insertion stays the `created_at`
    order that the models sort by, as with bulk_create's clock reading per object.
    """

    def __init__(self, model: type[models.Model], using: str, *, ignore_conflicts: bool = False) -> None:
        self.using = using
        connection = connections[using]
        self.fields = [f for f in model._meta.concrete_fields if f is not model._meta.auto_field]
        self.values_of = attrgetter(*[f.attname for f in self.fields])  # several fields: returns a tuple
        self.converters = [_converter(f, connection) for f in self.fields]
        self.stamped = {
            i for i, f in enumerate(self.fields) if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        }
        on_conflict = OnConflict.IGNORE if ignore_conflicts else None
        if connection.vendor != "postgresql":
            self.method, self.sql = "executemany", self._insert_sql(model, connection, on_conflict, unnest=False)
        elif ignore_conflicts:
            self.method, self.sql = "unnest", self._insert_sql(model, connection, on_conflict, unnest=True)
        else:
            self.method, self.sql = "copy", self._copy_sql(model, connection)

    def _insert_sql(self, model, connection, on_conflict, *, unnest: bool) -> str:
        ops = connection.ops
        columns = ", ".join(ops.quote_name(f.column) for f in self.fields)
        if unnest:
            arrays = ", ".join(f"%s::{f.db_type(connection).split('(')[0]}[]" for f in self.fields)
            rows = f"SELECT * FROM UNNEST({arrays})"
        else:
            rows = f"VALUES ({', '.join(['%s'] * len(self.fields))})"
        suffix = ops.on_conflict_suffix_sql(self.fields, on_conflict, None, None) if on_conflict else ""
        statement = ops.insert_statement(on_conflict=on_conflict)
        return f"{statement} {ops.quote_name(model._meta.db_table)} ({columns}) {rows} {suffix}".strip()

    def _copy_sql(self, model, connection) -> str:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        return f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"

    @staticmethod
    def _stamps(now: datetime, count: int, convert) -> list:
        """`count` times from `now` on, one microsecond apart, as the database takes them."""
        first = convert(now) if convert else now
        if isinstance(first, str):
            # SQLite keeps a datetime as the text of its naive UTC value (`str(datetime)`): convert
            # once, then write the microseconds into that text (the same text, five times faster).
            naive = datetime.fromisoformat(first)
            second, start = str(naive.replace(microsecond=0)), naive.microsecond
            return [
                first,
                *(
                    f"{second}.{start + offset:06d}"
                    if start + offset < 1_000_000
                    else str(naive + timedelta(microseconds=offset))
                    for offset in range(1, count)
                ),
            ]
        return [now + timedelta(microseconds=offset) for offset in range(count)]

    def columns(self, instances: Sequence[models.Model], now: datetime) -> list[list]:
        """The instances' values, column by column, as the database takes them."""
        columns = [list(column) for column in zip(*map(self.values_of, instances), strict=True)]
        for index, convert in enumerate(self.converters):
            if index in self.stamped:
                columns[index] = self._stamps(now, len(instances), convert)
            elif convert is not None:
                columns[index] = [None if value is None else convert(value) for value in columns[index]]
        return columns

    def insert(self, instances: Sequence[models.Model], now: datetime) -> None:
        if not instances:
            return
        columns = self.columns(instances, now)
        with connections[self.using].cursor() as cursor:
            if self.method == "unnest":
                cursor.execute(self.sql, columns)
            elif self.method == "copy":
                self._copy(cursor, list(zip(*columns, strict=True)))
            else:
                cursor.executemany(self.sql, zip(*columns, strict=True))

    def _copy(self, cursor, rows: list[tuple]) -> None:
        """COPY the rows through the cursor's wrappers, as `executemany` would go, so it is logged and counted.

        psycopg's `copy()` is not a DB-API call that Django's cursor offers;
        its wrapper chain (execute wrappers, the query log of DEBUG and of
        tests) is applied here the way `CursorWrapper.executemany` does.
        """

        def copy_rows(sql, params, many, context):
            with context["connection"].wrap_database_errors, context["cursor"].cursor.copy(sql) as copy:
                for row in params:
                    copy.write_row(row)

        logged = cursor.debug_sql(self.sql, rows, many=True) if hasattr(cursor, "debug_sql") else nullcontext()
        with logged:
            cursor._execute_with_wrappers(self.sql, rows, True, copy_rows)


@cache
def table_insert(model: type[models.Model], using: str, vendor: str, ignore_conflicts: bool = False) -> TableInsert:
    return TableInsert(model, using, ignore_conflicts=ignore_conflicts)


def insert_new(model: type[models.Model], instances: Sequence[models.Model], now: datetime, **options) -> None:
    using = router.db_for_write(model)
    table_insert(model, using, connections[using].vendor, **options).insert(instances, now)


def max_in_list(model: type[models.Model]) -> int:
    """How many values one IN list may hold on the model's database, with room for the query's other parameters."""
    connection = connections[router.db_for_read(model)]
    limit = connection.features.max_query_params  # None: no limit known to Django (PostgreSQL)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(limit or 32_000, 32_000) - 100)


def chunked(values: Iterable, size: int) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def rows_in(queryset: models.QuerySet, lookup: str, values: Iterable) -> Iterator:
    """`queryset.filter(<lookup>=values)`, one query per chunk of values that fits the parameter limit.

    All the rows of one value come in the same chunk, so an order_by of the
    queryset still orders the rows of each value.
    """
    for chunk in chunked(values, max_in_list(queryset.model)):
        yield from queryset.filter(**{lookup: chunk})


def address_key(address) -> tuple:
    postal = address.postal_code if hasattr(address, "postal_code") else ""
    return (
        " ".join(address.street.split()).casefold(),
        address.city.strip().casefold(),
        postal.replace(" ", "").casefold(),
    )


def find_contacts_by_name(account_list_id, names: Iterable[str]) -> dict[str, uuid.UUID]:
    """name key -> id of the oldest contact of that name in the account list (names compare as name keys)."""
    keys = {name_key(name) for name in names if name.strip()}
    found: dict[str, uuid.UUID] = {}
    contacts = Contact.objects.filter(account_list_id=account_list_id).order_by("created_at")
    for key, contact_id in rows_in(contacts.values_list("name_key", "id"), "name_key__in", keys):
        found.setdefault(key, contact_id)
    return found


def referral_keys(name: str) -> list[str]:
    """A referrer is named as a contact ("Doe, Bob and Dawn") or as a full name ("Bob and Dawn Doe")."""
    keys = [name_key(name)]
    if "," not in name:
        alternative = name_key(as_contact_name(name))
        if alternative and alternative != keys[0]:
            keys.append(alternative)
    return keys


def find_referrers(account_list_id, names: Iterable[str]) -> dict[str, uuid.UUID]:
    """referrer name as written -> contact id, for the names that name a contact of the account list."""
    keys_by_name = {name: referral_keys(name) for name in names if name.strip()}
    found = find_contacts_by_name(account_list_id, {key for keys in keys_by_name.values() for key in keys})
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


@dataclass
class PersonState:
    person: Person
    has_primary_email: bool = False
    has_primary_phone: bool = False


@dataclass
class ContactState:
    """A contact of the batch as it will be once the batch is written."""

    contact: Contact
    is_new: bool
    people: list[PersonState] = field(default_factory=list)
    email_keys: set[str] = field(default_factory=set)
    phone_keys: set[str] = field(default_factory=set)
    address_keys: set[tuple] = field(default_factory=set)
    primary_addresses: list[Address] = field(default_factory=list)
    tag_keys: set[str] = field(default_factory=set)
    changed: bool = False


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0


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

    def flush(self) -> None:
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
        if self.updated_contacts:
            for contact in self.updated_contacts.values():
                contact.updated_at = now
            Contact.objects.bulk_update(
                self.updated_contacts.values(),
                [*MERGED_FIELDS, "referred_by", "updated_at"],
            )
        if self.updated_people:
            for person in self.updated_people.values():
                person.updated_at = now
            Person.objects.bulk_update(self.updated_people.values(), [*PERSON_FIELDS, "updated_at"])
        if self.demoted_addresses:
            Address.objects.bulk_update(self.demoted_addresses, ["primary_mailing_address"])


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
        self.override = import_record.override
        self.defer_referrals = defer_referrals
        self.deferred_referrals: list[tuple[uuid.UUID, str]] = []

    # --- matching -------------------------------------------------------------------

    def write(self, drafts: list[ContactDraft]) -> BatchResult:
        """Write one batch. Call inside a transaction."""
        AccountList.objects.select_for_update().filter(pk=self.account_list_id).first()
        keys_of_drafts = [self._keys(draft) for draft in drafts]
        states = self._load_matches(keys_of_drafts)
        referrers = self._resolve_referrals(drafts)
        batch = BatchWriter()
        result = BatchResult()
        by_key: dict[tuple[str, str], ContactState] = {}
        touched: dict[uuid.UUID, bool] = {}
        for draft, keys in zip(drafts, keys_of_drafts, strict=True):
            if draft.referred_by and not self.defer_referrals and draft.referred_by not in referrers:
                note_missing_referral(draft)
            state = self._match(keys, states, by_key, draft)
            if state is None:
                state = self._new_state(draft, batch)
                result.created += 1
            else:
                result.updated += 1
                self._merge_contact(state, draft, batch)
            self._remember(state, keys, by_key)
            self._merge_children(state, draft, batch)
            self._link_referral(state, draft, referrers, batch)
            touched.setdefault(state.contact.id, state.is_new)
        batch.flush()
        imported = [
            new_instance(ImportedContact, import_record_id=self.import_record.pk, contact_id=cid, created=new)
            for cid, new in touched.items()
        ]
        # A contact created by an earlier batch of this import and matched again is already listed;
        # one created by this batch cannot be, and then the fastest insert does.
        may_conflict = not all(touched.values())
        insert_new(ImportedContact, imported, timezone.now(), ignore_conflicts=may_conflict)
        return result

    def _load_matches(self, keys_of_drafts: list[list[tuple[str, str]]]) -> dict[tuple[str, str], ContactState]:
        """Existing contacts that any draft matches, keyed by ('google'|'tnt'|'name'|'email', key)."""
        wanted: dict[str, set[str]] = {"google": set(), "tnt": set(), "name": set(), "email": set()}
        for keys in keys_of_drafts:
            for kind, key in keys:
                wanted[kind].add(key)
        tnt_ids, names, emails = wanted["tnt"], wanted["name"], wanted["email"]
        base = Contact.objects.filter(account_list_id=self.account_list_id).order_by("created_at")
        matches: dict[tuple[str, str], uuid.UUID] = {}
        google = base.values_list("google_resource_name", "id")
        for resource_name, cid in rows_in(google, "google_resource_name__in", wanted["google"]):
            matches.setdefault(("google", resource_name), cid)
        for tnt_id, cid in rows_in(base.values_list("tnt_id", "id"), "tnt_id__in", tnt_ids):
            matches.setdefault(("tnt", tnt_id), cid)
        for key, cid in rows_in(base.values_list("name_key", "id"), "name_key__in", names):
            matches.setdefault(("name", key), cid)
        for key, cid in self._contacts_by_primary_email(emails):
            matches.setdefault(("email", key), cid)
        states = self._load_states(set(matches.values()))
        return {key: states[cid] for key, cid in matches.items()}

    def _contacts_by_primary_email(self, keys: set[str]) -> list[tuple[str, uuid.UUID]]:
        """(email key, contact id) for this account list's primary emails among `keys`, oldest email first.

        The account list is checked here, not in the query: given it as a
        condition, SQLite's planner (and PostgreSQL's, on young statistics)
        starts from every contact of the list, a cost that grows with the
        list (80 ms a batch at 100,000 contacts). Without it the only
        condition is the batch's keys, so the email-key index leads and the
        rest follows primary keys.
        """
        primary_emails = (
            EmailAddress.objects.filter(primary=True)
            .order_by("created_at")
            .values_list("email_key", "person__contact_id", "person__contact__account_list_id")
        )
        return [
            (key, contact_id)
            for key, contact_id, account_list_id in rows_in(primary_emails, "email_key__in", keys)
            if account_list_id == self.account_list_id
        ]

    def _load_states(self, contact_ids: set[uuid.UUID]) -> dict[uuid.UUID, ContactState]:
        """What the matched contacts already have; only the columns that merging reads or writes.

        A re-import loads every contact it touches, so leaving out the rest
        (timestamps above all: their conversion is the costliest) matters.
        """
        if not contact_ids:
            return {}
        contact_fields = ("id", "referred_by_id", *MERGED_FIELDS)
        states = {
            contact.id: ContactState(contact=contact, is_new=False)
            for contact in loaded_instances(Contact.objects.all(), contact_fields, "id__in", contact_ids)
        }
        people: dict[uuid.UUID, PersonState] = {}
        person_fields = ("id", "contact_id", "first_name", "last_name", "is_spouse", *PERSON_FIELDS)
        for person in loaded_instances(Person.objects.all(), person_fields, "contact_id__in", contact_ids):
            people[person.id] = PersonState(person=person)
            states[person.contact_id].people.append(people[person.id])
        for contact_id, key in rows_in(Tag.objects.values_list("contact_id", "name"), "contact_id__in", contact_ids):
            states[contact_id].tag_keys.add(key.casefold())
        address_fields = ("id", "contact_id", "street", "city", "postal_code", "primary_mailing_address")
        for address in loaded_instances(Address.objects.all(), address_fields, "contact_id__in", contact_ids):
            state = states[address.contact_id]
            state.address_keys.add(address_key(address))
            if address.primary_mailing_address:
                state.primary_addresses.append(address)
        emails = EmailAddress.objects.values_list("person_id", "email_key", "primary")
        for person_id, key, primary in rows_in(emails, "person_id__in", people):
            person_state = people[person_id]
            states[person_state.person.contact_id].email_keys.add(key)
            person_state.has_primary_email |= primary
        phones = PhoneNumber.objects.values_list("person_id", "number_key", "primary")
        for person_id, key, primary in rows_in(phones, "person_id__in", people):
            person_state = people[person_id]
            states[person_state.person.contact_id].phone_keys.add(key)
            person_state.has_primary_phone |= primary
        return states

    @staticmethod
    def _keys(draft: ContactDraft) -> list[tuple[str, str]]:
        keys = []
        if draft.google_resource_name:  # the strongest evidence: the same Google contact
            keys.append(("google", draft.google_resource_name))
        if draft.tnt_id:
            keys.append(("tnt", draft.tnt_id))
        keys.append(("name", name_key(draft.name)))
        if draft.primary_email:
            keys.append(("email", email_key(draft.primary_email)))
        return keys

    @staticmethod
    def _match(keys, states, by_key, draft: ContactDraft) -> ContactState | None:
        for key in keys:
            state = by_key.get(key) or states.get(key)
            if state is not None and not _ids_differ(state.contact, draft):
                return state
        return None

    @staticmethod
    def _remember(state: ContactState, keys, by_key) -> None:
        """Later rows of the same batch match this contact too."""
        for key in keys:
            by_key.setdefault(key, state)

    # --- building and merging ----------------------------------------------------------

    def _new_state(self, draft: ContactDraft, batch: BatchWriter) -> ContactState:
        values = {attr: getattr(draft, source) for attr, source in MERGED_FIELDS.items()}
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
        for attr, source in MERGED_FIELDS.items():
            new = getattr(draft, source)
            if is_blank(new):
                continue
            old = getattr(contact, attr)
            if old != new and (self.override or is_blank(old)):
                setattr(contact, attr, new)
                changed = True
        if changed and not state.is_new:
            batch.updated_contacts[contact.id] = contact

    def _merge_children(self, state: ContactState, draft: ContactDraft, batch: BatchWriter) -> None:
        for person_draft in draft.people:
            person_state = self._person_for(state, person_draft, batch)
            self._add_emails(state, person_state, person_draft, batch)
            self._add_phones(state, person_state, person_draft, batch)
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
            first_name=draft.first_name,
            last_name=draft.last_name,
            middle_name=draft.middle_name,
            title=draft.title,
            suffix=draft.suffix,
            is_spouse=draft.is_spouse,
        )
        batch.people.append(person)
        batch.new_person_ids.add(person.id)
        person_state = PersonState(person=person)
        state.people.append(person_state)
        return person_state

    def _merge_person(self, person: Person, draft: PersonDraft, batch: BatchWriter, *, is_new: bool) -> None:
        changed = False
        for attr in PERSON_FIELDS:
            new, old = getattr(draft, attr), getattr(person, attr)
            if new and old != new and (self.override or not old):
                setattr(person, attr, new)
                changed = True
        if changed and not is_new:
            batch.updated_people[person.id] = person

    @staticmethod
    def _add_emails(
        state: ContactState,
        person_state: PersonState,
        draft: PersonDraft,
        batch: BatchWriter,
    ) -> None:
        for email in draft.emails:
            key = email_key(email.email)
            if key in state.email_keys:
                continue
            state.email_keys.add(key)
            primary = email.primary and not email.historic and not person_state.has_primary_email
            person_state.has_primary_email |= primary
            batch.emails.append(
                new_instance(
                    EmailAddress,
                    id=time_ordered_id(),
                    person_id=person_state.person.id,
                    email=email.email,
                    email_key=key,
                    primary=primary,
                    historic=email.historic,
                )
            )

    @staticmethod
    def _add_phones(
        state: ContactState,
        person_state: PersonState,
        draft: PersonDraft,
        batch: BatchWriter,
    ) -> None:
        for phone in draft.phones:
            key = phone_key(phone.number) or phone.number.strip().casefold()
            if key in state.phone_keys:
                continue
            state.phone_keys.add(key)
            primary = phone.primary and not person_state.has_primary_phone
            person_state.has_primary_phone |= primary
            batch.phones.append(
                new_instance(
                    PhoneNumber,
                    id=time_ordered_id(),
                    person_id=person_state.person.id,
                    number=phone.number,
                    number_key=key,
                    location=phone.location,
                    primary=primary,
                    historic=phone.historic,
                )
            )

    def _add_address(self, state: ContactState, draft: AddressDraft, batch: BatchWriter) -> None:
        key = address_key(draft)
        if key in state.address_keys:
            return
        state.address_keys.add(key)
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
            street=draft.street,
            city=draft.city,
            state=draft.state,
            postal_code=draft.postal_code,
            country=draft.country,
            metro_area=draft.metro_area,
            region=draft.region,
            location=draft.location,
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
            Contact.objects.bulk_update(updates, ["referred_by"])
        self.deferred_referrals = []
