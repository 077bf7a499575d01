"""Rows in bulk: one INSERT (or COPY) per table per batch, and lookups in IN lists that fit.

A million-row import spends its time per row, so the per-row work avoids
Django's per-object machinery where it is safe to: new rows are built
without `Model.__init__` (`new_instance`) and inserted with one statement
per table (`TableInsert`) instead of `bulk_create`; lookups are chunked so
an IN list never exceeds the database's parameter limit (`rows_in`).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from datetime import datetime, timedelta
from functools import cache, lru_cache, partial
from operator import attrgetter

from django.db import connections, models, router
from django.db.models.base import ModelState
from django.db.models.constants import OnConflict

from imports.pipeline import change_log

# SQLite's driver looks up an adapter for every parameter that is not exactly an int, float, str or
# bytearray; when none is registered it asks its protocol class for `__adapt__`, which raises an
# AttributeError whose message is formatted and thrown away: per None and per bool, about half of the
# values an import binds (executemany of such rows took twice as long). Registered, an adapter is found
# at the first step, and the values bound are the same (NULL; 0 or 1). Process-wide, as Django's own are.
sqlite3.register_adapter(bool, int)
sqlite3.register_adapter(type(None), lambda value: value)


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


def _converter(field: models.Field, connection, *, prepared: bool = False):
    """How one column's Python values become database values; None when they go as they are.

    The same conversions as `Field.get_db_prep_save` (with `prepared`, as
    `Field.get_db_prep_value` of a lookup's prepared values), chosen once per
    column instead of being dispatched for every value.
    """
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if kind in (
        "CharField",
        "TextField",
        "BooleanField",
        "BigAutoField",
        "BigIntegerField",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
    ):
        return None
    if kind == "UUIDField":
        return None if connection.features.has_native_uuid_field else _uuid_hex
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if prepared:
        return partial(field.get_db_prep_value, connection=connection, prepared=True)
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

    - SQLite: `executemany` of one prepared INSERT (a loop in C); a column
      that is NULL in every row of the batch (most of a contact's dates,
      amounts and flags) is written as NULL in the statement instead of
      being bound for each row, which the driver does in Python-level
      steps for None;
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
        # The columns that may hold None: only these are looked at for a column of None alone.
        self.nullable = [i for i, f in enumerate(self.fields) if f.null and i not in self.stamped]
        on_conflict = OnConflict.IGNORE if ignore_conflicts else None
        if connection.vendor != "postgresql":
            # The statement for each set of columns that are NULL in every row of a batch (a few per model).
            self.method, self.statement_with_nulls = (
                "executemany",
                lru_cache(maxsize=64)(partial(self._insert_sql, model, connection, on_conflict, unnest=False)),
            )
        elif ignore_conflicts:
            self.method, self.sql = "unnest", self._insert_sql(model, connection, on_conflict, unnest=True)
        else:
            self.method, self.sql = "copy", self._copy_sql(model, connection)

    def _insert_sql(self, model, connection, on_conflict, nulls: frozenset[int] = frozenset(), *, unnest: bool) -> str:
        """`nulls`: the positions of the columns written as NULL instead of a parameter."""
        ops = connection.ops
        columns = ", ".join(ops.quote_name(f.column) for f in self.fields)
        if unnest:
            arrays = ", ".join(f"%s::{f.db_type(connection).split('(')[0]}[]" for f in self.fields)
            rows = f"SELECT * FROM UNNEST({arrays})"
        else:
            rows = f"VALUES ({', '.join('NULL' if i in nulls else '%s' for i in range(len(self.fields)))})"
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
            # once, then write the microseconds into that text (the same text, without a datetime a row).
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

    def columns(self, instances: Sequence[models.Model], now: datetime) -> tuple[list[list], frozenset[int]]:
        """The instances' values, column by column, as the database takes them, and the positions of the
        columns that hold None alone (as most of a contact's dates and amounts do: nothing to convert)."""
        count = len(instances)
        columns = [list(column) for column in zip(*map(self.values_of, instances), strict=True)]
        nulls = frozenset(index for index in self.nullable if columns[index].count(None) == count)
        for index, convert in enumerate(self.converters):
            if index in self.stamped:
                columns[index] = self._stamps(now, count, convert)
            elif convert is not None and index not in nulls:
                columns[index] = [None if value is None else convert(value) for value in columns[index]]
        return columns, nulls

    def insert(self, instances: Sequence[models.Model], now: datetime) -> None:
        if not instances:
            return
        columns, nulls = self.columns(instances, now)
        with connections[self.using].cursor() as cursor:
            if self.method == "unnest":
                cursor.execute(self.sql, columns)
            elif self.method == "copy":
                self._copy(cursor, list(zip(*columns, strict=True)))
            else:
                bound = [column for index, column in enumerate(columns) if index not in nulls]
                cursor.executemany(self.statement_with_nulls(nulls), zip(*bound, strict=True))

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
    """Insert the new rows in one statement; while an import runs, the change log records them (one more).

    With `ignore_conflicts` and a log, the rows that exist already are left
    out first (one lookup): the log lists only what this import created.
    """
    log = change_log.active() if instances and change_log.is_logged(model) else None
    if log is not None and options.get("ignore_conflicts"):
        instances = _not_yet_stored(model, instances)
    using = router.db_for_write(model)
    table_insert(model, using, connections[using].vendor, **options).insert(instances, now)
    if log is not None and instances:
        log.created(model, instances)


def _not_yet_stored(model: type[models.Model], instances: Sequence[models.Model]) -> list[models.Model]:
    """The instances whose key no stored row (nor an earlier one of the list) has."""
    fields = change_log.key_fields(model)
    attnames = [field.attname for field in fields]
    keys = attrgetter(*attnames)
    first = fields[0]
    stored = set(
        rows_in(
            model.objects.values_list(*attnames), f"{first.attname}__in", {getattr(i, first.attname) for i in instances}
        )
    )
    if len(attnames) == 1:
        stored = {row[0] for row in stored}
    fresh = []
    for instance in instances:
        key = keys(instance)
        if key not in stored:
            stored.add(key)
            fresh.append(instance)
    return fresh


def update_rows(
    model: type[models.Model], instances: Iterable[models.Model], fields: Sequence[str], now: datetime
) -> None:
    """`bulk_update` of changed instances, `updated_at` stamped `now`: the one way the writers update rows.

    While an import runs, the values the rows had are read first (one
    query) and the change log records, per row, the fields that really
    change, before and after; rows that change nothing are not written.
    """
    instances = list(instances)
    if not instances:
        return
    meta = model._meta
    attnames = [meta.get_field(name).attname for name in fields if name != "updated_at"]
    stamped = change_log.is_stamped(model)
    log = change_log.active() if change_log.is_logged(model) else None
    if log is not None:
        instances = _log_changes(log, model, instances, attnames, now if stamped else None)
    if stamped:
        for instance in instances:
            instance.updated_at = now
    if instances:
        model.objects.bulk_update(instances, [*attnames, *(["updated_at"] if stamped else [])])


def _log_changes(log, model, instances: list, attnames: list[str], stamp: datetime | None) -> list:
    columns = ["pk", *attnames, *(["updated_at"] if stamp else [])]
    stored = {
        row[0]: row[1:] for row in rows_in(model.objects.values_list(*columns), "pk__in", [i.pk for i in instances])
    }
    changed, changes = [], []
    for instance in instances:
        values = stored.get(instance.pk)
        if values is None:  # gone meanwhile: bulk_update would write nothing either
            continue
        previous, written = {}, {}
        for name, old in zip(attnames, values, strict=False):
            new = getattr(instance, name)
            if new != old:
                previous[name], written[name] = old, new
        if not previous:
            continue
        if stamp is not None:
            previous["updated_at"], written["updated_at"] = values[-1], stamp
        changed.append(instance)
        changes.append((instance, previous, written))
    if changes:
        log.updated(model, changes)
    return changed


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


class AnyOf(models.Lookup):
    """A batch's IN list of thousands of values, each value prepared once, by the column's own conversion.

    Django's `__in` sends every value through the lookup machinery (resolved,
    prepared, normalised, deduplicated, prepared again for the database); a
    re-import looks up some ten ids per row that way, and that machinery cost
    more than the queries. The right-hand side is an `ArrayValues`, which
    Django's filter() passes on whole instead of resolving its values one by
    one as it does a list's. UUIDs, most of the ids looked up, are not
    prepared (a UUID is its own prepared value).

    - PostgreSQL: `column = ANY(%s)`, the IN list as one array parameter, its
      own form of IN (the planner turns an IN list into `= ANY(ARRAY[...])`);
      psycopg re-parsed a query of thousands of placeholders, a tenth of an
      import's client time. UUIDs are not handed to psycopg as a list, whose
      dumper quotes and checks each item in Python: they go as the text of a
      uuid[] literal, which costs one str() each.
    - Other databases (SQLite): the same `column IN (%s, ...)` as `__in`, each
      value converted by the column's converter (`_converter`: a UUID's hex).
    """

    lookup_name = "any_of"

    def get_prep_lookup(self):
        field = self.lhs.output_field
        if _is_uuid_column(field):
            return [value if type(value) is uuid.UUID else field.get_prep_value(value) for value in self.rhs.values]
        return [field.get_prep_value(value) for value in self.rhs.values]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        if connection.vendor != "postgresql":
            convert = _converter(field, connection, prepared=True)
            values = self.rhs if convert is None else [None if value is None else convert(value) for value in self.rhs]
            return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]
        if (
            connection.features.has_native_uuid_field
            and _is_uuid_column(field)
            and all(type(value) is uuid.UUID for value in self.rhs)
        ):
            return f"{lhs} = ANY(%s::uuid[])", [*lhs_params, "{" + ",".join(map(str, self.rhs)) + "}"]
        values = [field.get_db_prep_value(value, connection, prepared=True) for value in self.rhs]
        return f"{lhs} = ANY(%s)", [*lhs_params, values]


class ArrayValues:
    """The values of an `AnyOf` lookup, held so that filter() does not walk them as it walks a list."""

    def __init__(self, values: list) -> None:
        self.values = values


def _is_uuid_column(field: models.Field) -> bool:
    """The field holds a UUID: a UUIDField, or a relation to one (`contact_id`)."""
    return isinstance(field.target_field if field.is_relation else field, models.UUIDField)


models.Field.register_lookup(AnyOf)
models.ForeignObject.register_lookup(AnyOf)  # a relation keeps lookups of its own (`task_id__in`: RelatedIn)


def rows_in(queryset: models.QuerySet, lookup: str, values: Iterable) -> Iterator:
    """`queryset.filter(<lookup>=values)`, one query per chunk of values that fits the parameter limit.

    All the rows of one value come in the same chunk, so an order_by of the
    queryset still orders the rows of each value. An `__in` lookup goes as
    `AnyOf`: each value converted once, and on PostgreSQL the list one array
    parameter.
    """
    any_of = lookup.endswith("__in")
    if any_of:
        lookup = lookup.removesuffix("__in") + "__any_of"
    for chunk in chunked(values, max_in_list(queryset.model)):
        yield from queryset.filter(**{lookup: ArrayValues(chunk) if any_of else chunk})


# Batches after which PostgreSQL's planner statistics are refreshed: a bulk load into
# empty tables otherwise keeps plans made for empty tables (seen: the matching query
# scanning a whole account list, seconds per batch, past 600,000 rows).
ANALYZE_AFTER_BATCHES = (2, 20, 200)


def refresh_planner_statistics(models_: Iterable[type[models.Model]]) -> None:
    """ANALYZE the models' tables on PostgreSQL (SQLite's planner needs no statistics for these lookups)."""
    connection = connections[router.db_for_write(next(iter(models_)))]
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models_)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")
