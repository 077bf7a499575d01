"""The change log of a running import: what it created and, for what it updated, the values it overwrote.

An undo takes an import back from this log alone (imports/undo/), so it is
written by the two places every writer goes through, not by each writer:
`bulk_insert.insert_new` logs the rows it creates and
`bulk_insert.update_rows` the fields it changes. The log of a table's
records is one row, written inside the batch's transaction, so the log of
a resumed import is exact by the same construction as its counters; the
contact writer gathers a batch's rows into one statement (`gathered`),
the other writers write one statement per table per batch.

A row of the log names its record by table (`app.model`) and key: the
primary key, or for a link table whose key the database picks (tags,
task and appeal links) its natural key, e.g. `<contact id>:<tag name>`.
For an update it keeps `previous`, the values before, and `written`, what
this import wrote (with `updated_at`): an undo restores a value only while
it is still the one written, so a later change by anyone is kept.

The job turns the log on for the run (`recording`); with
IMPORT_CHANGE_LOG off (benchmarks measure the difference) nothing is logged.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from operator import attrgetter

from django.conf import settings
from django.db import models

from imports.models import ImportChange

KEY_SEPARATOR = ":"
# The importer's own bookkeeping (links to contacts, failures, look-alikes, this log) is not taken back
# record by record: it goes with the import or with the contact it names.
NOT_LOGGED_APPS = frozenset({"imports"})

_active: ContextVar[ChangeLog | None] = ContextVar("import_change_log", default=None)


def table_of(model: type[models.Model]) -> str:
    return model._meta.label_lower


@cache
def key_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    """The fields that name a record in the log: its primary key, or the natural key of a link table."""
    meta = model._meta
    if meta.pk is not meta.auto_field:
        return (meta.pk,)
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.condition is None and constraint.fields:
            return tuple(meta.get_field(name) for name in constraint.fields)
    return (meta.pk,)


def key_text(values: Sequence) -> str:
    return KEY_SEPARATOR.join(value.hex if isinstance(value, uuid.UUID) else str(value) for value in values)


def key_values(model: type[models.Model], key: str) -> tuple:
    """The values of a logged key, as the key fields take them (only the last part may hold the separator)."""
    fields = key_fields(model)
    parts = key.split(KEY_SEPARATOR, len(fields) - 1)
    return tuple(read_value(field, part) for field, part in zip(fields, parts, strict=True))


def record_keys(model: type[models.Model], instances: Sequence[models.Model]) -> list[str]:
    attnames = [field.attname for field in key_fields(model)]
    values = map(attrgetter(*attnames), instances)
    if len(attnames) == 1:
        # `key_text` of one value, without a join per record: a batch logs some 70,000 new primary keys.
        return [value.hex if isinstance(value, uuid.UUID) else str(value) for value in values]
    return [key_text(key) for key in values]


def is_logged(model: type[models.Model]) -> bool:
    return model._meta.app_label not in NOT_LOGGED_APPS


def is_stamped(model: type[models.Model]) -> bool:
    """The model has `updated_at`: the log keeps its value before and after, the undo's evidence of later changes."""
    return any(field.name == "updated_at" for field in model._meta.concrete_fields)


def json_value(value):
    """A field's value as the log's JSON keeps it; `read_value` reads it back."""
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def read_value(field: models.Field, value):
    """A value as the log keeps it (JSON, or a part of a key) back in the field's type; a foreign key's is
    its target's (a UUID for a contact)."""
    if value is None:
        return None
    target = field.target_field if field.is_relation else field
    return target.to_python(value)


class ChangeLog:
    """The log of one import's run; each call makes one row for the records of one table.

    A row is written at once (one statement), or, inside `gathered()`, with
    the other rows of the block in one statement at its end.
    """

    def __init__(self, import_id: uuid.UUID) -> None:
        self.import_id = import_id
        self._gathered: list | None = None  # the rows of the open `gathered()` block

    def _write(self, model: type[models.Model], kind: str, records: list) -> None:
        from imports.pipeline.bulk_insert import new_instance

        row = new_instance(
            ImportChange, import_record_id=self.import_id, table=table_of(model), kind=kind, records=records
        )
        if self._gathered is not None:
            self._gathered.append(row)
        else:
            _insert([row])

    @contextmanager
    def gathered(self) -> Iterator[None]:
        """Write the rows the block logs in one statement when it ends, in the order they were logged.

        For a block inside one transaction (a batch of the contact writer: six
        tables, one statement instead of six). Nothing is written when it raises.
        """
        if self._gathered is not None:  # already inside one: its end writes these rows too
            yield
            return
        self._gathered = []
        try:
            yield
            rows = self._gathered
        finally:
            self._gathered = None
        if rows:
            _insert(rows)

    def created(self, model: type[models.Model], instances: Sequence[models.Model]) -> None:
        """The records just inserted."""
        self._write(model, ImportChange.Kind.CREATED, record_keys(model, instances))

    def updated(self, model: type[models.Model], changes: list[tuple[models.Model, dict, dict]]) -> None:
        """The records updated: (instance, values before, values written)."""
        keys = record_keys(model, [instance for instance, _, _ in changes])
        records = [
            [key, _json(previous), _json(written)] for key, (_, previous, written) in zip(keys, changes, strict=True)
        ]
        self._write(model, ImportChange.Kind.UPDATED, records)


def _insert(rows: list) -> None:
    from django.utils import timezone

    from imports.pipeline.bulk_insert import insert_new

    insert_new(ImportChange, rows, timezone.now())


def _json(values: dict) -> dict:
    return {name: json_value(value) for name, value in values.items()}


def active() -> ChangeLog | None:
    """The change log of the import running in this thread, if any."""
    return _active.get()


@contextmanager
def gathered() -> Iterator[None]:
    """`ChangeLog.gathered` of the running import's log; nothing when none is recording."""
    log = active()
    if log is None:
        yield
        return
    with log.gathered():
        yield


@contextmanager
def recording(import_id: uuid.UUID) -> Iterator[ChangeLog | None]:
    """Log what the writers do in this thread until the block ends (unless IMPORT_CHANGE_LOG is off)."""
    log = ChangeLog(import_id) if settings.IMPORT_CHANGE_LOG else None
    token = _active.set(log)
    try:
        yield log
    finally:
        _active.reset(token)
