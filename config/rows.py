"""Rows of a model fetched by primary key, with their SQL written once instead of for every query.

Django compiles a queryset into SQL every time it runs it, and compiling is
work per selected column: resolving, quoting and finding converters for each.
For the 36 columns of an import it cost more than running the query and
reading the rows (about 1 ms of a list of imports). A read can instead let the
ORM choose the keys (its filters, sorting and pagination, in a query of one
column) and fetch the columns here: the statement for a number of keys is
written once per database vendor, and each value goes through the same
converters a queryset applies (the backend's, then the field's), so a row is
what `.values(*columns)` would give.
"""

from __future__ import annotations

from django.db import connections


class RowsByKey:
    """`columns` (field names or attnames) of `model`'s rows, as dicts, by a key column (the primary key
    unless `key` names another, such as a foreign key), in the order of `order_by` (field names)."""

    def __init__(self, model, columns: tuple[str, ...], *, key: str = "pk", order_by: tuple[str, ...] = ()):
        self.model = model
        self.columns = columns
        self.fields = [model._meta.get_field(name) for name in columns]
        self.key = model._meta.pk if key == "pk" else model._meta.get_field(key)
        self.order_by = [model._meta.get_field(name) for name in order_by]
        self._statements: dict[tuple[str, int], str] = {}
        self._converters: dict[str, list] = {}

    def fetch(self, keys: list, *, using: str = "default") -> list[dict]:
        """The rows whose key is one of `keys`, in the order of `order_by` (else as the database gives them)."""
        return self.converted(self.fetch_raw(keys, using=using), using=using)

    def fetch_raw(self, keys: list, *, using: str = "default") -> list[tuple]:
        """The same rows as tuples of the values as the database gives them, before any converter:
        cheap to compare or digest (`converted` makes them what `fetch` gives)."""
        if not keys:
            return []
        connection = connections[using]
        params = [self.key.get_db_prep_value(key, connection) for key in keys]
        with connection.cursor() as cursor:
            cursor.execute(self._statement(connection, len(keys)), params)
            return cursor.fetchall()

    def converted(self, raw_rows: list[tuple], *, using: str = "default") -> list[dict]:
        connection = connections[using]
        return [self._row(values, connection) for values in raw_rows]

    def column_index(self, name: str) -> int:
        return self.columns.index(name)

    def fetch_in_order(self, keys: list, *, using: str = "default") -> list[dict]:
        """The rows of these unique keys, in the keys' order; a key without a row is left out."""
        return self.in_order(self.fetch(keys, using=using), keys)

    def in_order(self, rows: list[dict], keys: list) -> list[dict]:
        """Converted rows in the order of these unique keys; a key without a row is left out."""
        by_key = {row[self.key.attname]: row for row in rows}
        return [by_key[key] for key in keys if key in by_key]

    def instances_in_order(self, keys: list, *, using: str = "default") -> list:
        """Model instances of the rows of these unique keys, in the keys' order (other columns deferred)."""
        loaded = {field.attname for field in self.fields}
        attnames = [field.attname for field in self.model._meta.concrete_fields if field.attname in loaded]
        by_attname = dict(zip((field.attname for field in self.fields), self.columns, strict=True))
        return [
            self.model.from_db(using, attnames, [row[by_attname[name]] for name in attnames])
            for row in self.fetch_in_order(keys, using=using)
        ]

    def _statement(self, connection, count: int) -> str:
        statement = self._statements.get((connection.vendor, count))
        if statement is None:
            quote = connection.ops.quote_name
            columns = ", ".join(quote(field.column) for field in self.fields)
            placeholders = ", ".join(["%s"] * count)
            table, key = quote(self.model._meta.db_table), quote(self.key.column)
            statement = f"SELECT {columns} FROM {table} WHERE {key} IN ({placeholders})"
            if self.order_by:
                statement += " ORDER BY " + ", ".join(quote(field.column) for field in self.order_by)
            self._statements[(connection.vendor, count)] = statement
        return statement

    def _row(self, values, connection) -> dict:
        row = {}
        for name, value, (column, converters) in zip(
            self.columns, values, self._column_converters(connection), strict=True
        ):
            for converter in converters:
                value = converter(value, column, connection)
            row[name] = value
        return row

    def _column_converters(self, connection) -> list:
        """(column expression, its converters) per column: what the SQL compiler finds for each."""
        converters = self._converters.get(connection.vendor)
        if converters is None:
            converters = []
            for field in self.fields:
                column = field.get_col(self.model._meta.db_table)
                converters.append(
                    (column, connection.ops.get_db_converters(column) + column.get_db_converters(connection))
                )
            self._converters[connection.vendor] = converters
        return converters
