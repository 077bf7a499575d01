"""The floor: the importer's contact graphs written with no Django at all.

The same file is read and built by the product's own readers and builders
(they know no Django), in batches of IMPORT_BATCH_SIZE rows as the job does;
each batch is then written in one transaction through the database driver
itself, into the same tables with the same keys and indexes (the benchmark
database, migrated): plain `sqlite3` with `executemany` and the job's
pragmas on SQLite, `COPY ... FROM STDIN` through psycopg on PostgreSQL. One
statement per table per batch: contacts, people, emails, phones, addresses,
tags, the imported-contact links, and the import's counters.

What it leaves out is what the importer adds on top of the bare writes:
matching against existing contacts, Django's connection and model layer,
failed rows, the lease, heartbeat and cancel checks. The ratio of the
importer's time to this one says how much is left to gain by writing faster.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from datetime import UTC, datetime
from itertools import islice

from contacts.models import email_key, name_key
from contacts.phones import phone_key
from imports.pipeline.contact_states import address_key
from imports.pipeline.ids import time_ordered_id
from imports.pipeline.writer import ADDRESS_ATTRIBUTES, MERGED_FIELDS, PERSON_ATTRIBUTES

# Tables in the order their foreign keys need, with the model that gives each one's columns.
TABLES = ("contact", "person", "email", "phone", "address", "tag", "imported")


def models_by_table() -> dict:
    from contacts.models import Address, Contact, EmailAddress, Person, PhoneNumber, Tag
    from imports.models import ImportedContact

    return {
        "contact": Contact,
        "person": Person,
        "email": EmailAddress,
        "phone": PhoneNumber,
        "address": Address,
        "tag": Tag,
        "imported": ImportedContact,
    }


class Table:
    """A table's columns, the value of each column the graph does not give, and a converter for the driver.

    Read from the model once, before the clock starts; the writes never touch Django.
    """

    def __init__(self, model, vendor: str) -> None:
        fields = [f for f in model._meta.concrete_fields if f.get_internal_type() not in ("AutoField", "BigAutoField")]
        self.name = model._meta.db_table
        self.columns = [f.column for f in fields]
        self.defaults = [_static_default(f) for f in fields]
        self.converters = [_converter(f, vendor) for f in fields]

    def row(self, values: dict, now) -> tuple:
        out = []
        for column, default, convert in zip(self.columns, self.defaults, self.converters, strict=True):
            value = values.get(column)
            if value is None:
                value = now if default is _NOW else default
            out.append(None if value is None else convert(value))
        return tuple(out)


_NOW = object()


def _static_default(field):
    if field.get_internal_type() == "DateTimeField":
        return _NOW  # created_at and updated_at: the batch's moment, as the importer's stamps
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    return "" if field.get_internal_type() in ("CharField", "TextField") else None


def _converter(field, vendor: str):
    kind = field.get_internal_type()
    if kind == "ForeignKey":
        kind = field.target_field.get_internal_type()
    if kind == "JSONField":
        return json.dumps
    if vendor == "postgresql":
        return _same
    if kind == "UUIDField":
        return lambda value: value.hex  # Django keeps UUIDs on SQLite as 32 hex digits
    if kind == "BooleanField":
        return int
    if kind == "DateTimeField":
        return _sqlite_datetime
    if kind in ("DecimalField", "DateField"):
        return str
    return _same


def _same(value):
    return value


def _sqlite_datetime(value: datetime) -> str:
    return value.replace(tzinfo=None).isoformat(" ")  # naive UTC, as Django stores it


def _datetime_for(vendor: str):
    return _sqlite_datetime if vendor == "sqlite" else _same


def graph_rows(draft, *, account_list_id: uuid.UUID, import_id: uuid.UUID, tables: dict[str, list[dict]]) -> None:
    """One row's new contact graph as column -> value dicts, appended to the batch's tables.

    The importer's rules for a new contact (imports/pipeline/writer.py): people
    of the same name are one person; an email, phone, address or tag appears
    once per contact; the first primary email and phone of a person and the
    first mailing address are the primary ones; keys are time-ordered UUIDs.
    """
    contact_id = time_ordered_id()
    contact = {"id": contact_id, "account_list_id": account_list_id, "name": draft.name}
    contact["name_key"] = name_key(draft.name)
    contact.update({attr: getattr(draft, attr) for attr in MERGED_FIELDS})
    tables["contact"].append(contact)
    people: dict[tuple, dict] = {}
    emails, phones, addresses, tags = set(), set(), set(), set()
    for person in draft.people:
        first, last = person.first_name.casefold(), person.last_name.casefold()
        who = (first, last) if first else ("", person.is_spouse)
        if who not in people:
            people[who] = {"id": time_ordered_id(), "primary_email": False, "primary_phone": False}
            person_row = {attr: getattr(person, attr) for attr in PERSON_ATTRIBUTES}
            tables["person"].append({"id": people[who]["id"], "contact_id": contact_id, **person_row})
        state = people[who]
        for email in person.emails:
            key = email_key(email.email)
            if key in emails:
                continue
            emails.add(key)
            primary = email.primary and not email.historic and not state["primary_email"]
            state["primary_email"] |= primary
            tables["email"].append(
                {"id": time_ordered_id(), "person_id": state["id"], "email": email.email, "email_key": key,
                 "primary": primary, "historic": email.historic}
            )  # fmt: skip
        for phone in person.phones:
            key = phone_key(phone.number) or phone.number.strip().casefold()
            if key in phones:
                continue
            phones.add(key)
            primary = phone.primary and not state["primary_phone"]
            state["primary_phone"] |= primary
            tables["phone"].append(
                {"id": time_ordered_id(), "person_id": state["id"], "number": phone.number, "number_key": key,
                 "location": phone.location, "primary": primary, "historic": phone.historic}
            )  # fmt: skip
    has_primary_address = False
    for address in draft.addresses:
        key = address_key(address)
        if key in addresses:
            continue
        addresses.add(key)
        primary = address.primary_mailing_address and not has_primary_address
        has_primary_address |= primary
        values = {**{attr: getattr(address, attr) for attr in ADDRESS_ATTRIBUTES}, "primary_mailing_address": primary}
        tables["address"].append({"id": time_ordered_id(), "contact_id": contact_id, **values})
    for tag in draft.tags:
        if tag.casefold() not in tags:
            tags.add(tag.casefold())
            tables["tag"].append({"contact_id": contact_id, "name": tag})
    tables["imported"].append({"import_record_id": import_id, "contact_id": contact_id, "created": True})


class SqliteWriter:
    def __init__(self, path: str, tables: dict[str, Table]) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None, timeout=30)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-65536", "wal_autocheckpoint=10000"):
            self.connection.execute(f"PRAGMA {pragma}")  # the job's own settings (imports/pipeline/job.py)
        self.inserts = {
            key: f'INSERT INTO "{t.name}" ({", ".join(_quoted(t.columns))}) VALUES ({", ".join("?" * len(t.columns))})'
            for key, t in tables.items()
        }

    def write(self, rows: dict[str, list[tuple]], counters: tuple) -> None:
        cursor = self.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        for key, sql in self.inserts.items():
            if rows[key]:
                cursor.executemany(sql, rows[key])
        cursor.execute(COUNTERS_SQL.replace("%s", "?"), counters)
        cursor.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()


class PostgresWriter:
    def __init__(self, url: str, tables: dict[str, Table]) -> None:
        import psycopg

        self.connection = psycopg.connect(url)
        self.copies = {
            key: f'COPY "{t.name}" ({", ".join(_quoted(t.columns))}) FROM STDIN' for key, t in tables.items()
        }

    def write(self, rows: dict[str, list[tuple]], counters: tuple) -> None:
        with self.connection.transaction(), self.connection.cursor() as cursor:
            for key, sql in self.copies.items():
                if rows[key]:
                    with cursor.copy(sql) as copy:
                        for row in rows[key]:
                            copy.write_row(row)
            cursor.execute(COUNTERS_SQL, counters)

    def close(self) -> None:
        self.connection.close()


COUNTERS_SQL = (
    "UPDATE imports_import SET rows_processed = rows_processed + %s, rows_created = rows_created + %s, "
    "rows_failed = rows_failed + %s, heartbeat_at = %s, updated_at = %s WHERE id = %s"
)


def _quoted(columns: list[str]) -> list[str]:
    return [f'"{column}"' for column in columns]


def write_floor(import_record, *, batch_size: int) -> dict:
    """Read, build and write the import's file with no Django in the write path; returns the timings."""
    from django.db import connection

    from imports.pipeline.sources import rows_of

    vendor = connection.vendor
    tables = {key: Table(model, vendor) for key, model in models_by_table().items()}
    database = connection.settings_dict  # the test database too, when a test runs it
    if vendor == "sqlite":
        writer = SqliteWriter(str(database["NAME"]), tables)
        import_key = import_record.pk.hex
    else:
        writer = PostgresWriter(_postgres_url(database), tables)
        import_key = import_record.pk
    connection.close()  # from here on only the driver's own connection is used
    rows = written = 0
    write_seconds = 0.0
    started, cpu_started = time.perf_counter(), time.process_time()
    with import_record.file.open("rb") as stream:
        built = rows_of(import_record, stream)
        while batch := list(islice(built, batch_size)):
            graph: dict[str, list[dict]] = {key: [] for key in TABLES}
            failed = 0
            for row in batch:
                if row.draft is None:
                    failed += 1
                    continue
                graph_rows(row.draft, account_list_id=import_record.account_list_id, import_id=import_record.pk,
                           tables=graph)  # fmt: skip
            now = datetime.now(UTC)
            prepared = {key: [tables[key].row(values, now) for values in graph[key]] for key in TABLES}
            write_started = time.perf_counter()
            stamp = _datetime_for(vendor)(now)
            writer.write(prepared, (len(batch), len(batch) - failed, failed, stamp, stamp, import_key))
            write_seconds += time.perf_counter() - write_started
            rows += len(batch)
            written += len(graph["contact"])
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    writer.close()
    return {
        "rows": rows,
        "contacts": written,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3),
        "rows_per_second": round(rows / seconds) if seconds else None,
        "write_seconds": round(write_seconds, 3),
    }


def _postgres_url(database: dict) -> str:
    user = database.get("USER") or "postgres"
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{database['NAME']}"
