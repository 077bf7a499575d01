"""What the importer reads of a TntConnect (formerly TntMPD) XML export: its analysis, and its rows.

TntConnect's File > Export > XML writes one big document::

    <Database><Application>TntConnect</Application><Version>3.2</Version>
      <Tables>
        <Contact><row id="1620699916"><FileAs>Smith, John</FileAs>...</row></Contact>
        <Group><row id="..">...</row></Group>
        <GroupContact><row id=".."><GroupID>..</GroupID><ContactID>..</ContactID></row>
        <History>...</History> ...

The upload's analysis (groups, their sizes, samples, the tables present)
and the job's iterators each take one streaming pass over it
(imports/pipeline/readers/tnt_xml.py: safety, tolerance, bounded memory).

Pure Python: no Django, no database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from imports.pipeline.readers.tnt_groups import GroupMemberships
from imports.pipeline.readers.tnt_xml import (
    DTD_MESSAGE,
    EMPTY_MESSAGE,
    NOT_TNT_MESSAGE,
    TRUNCATED_MESSAGE,
    TntDocument,
    TntFileError,
)

__all__ = [
    "DTD_MESSAGE",
    "EMPTY_MESSAGE",
    "NOT_TNT_MESSAGE",
    "TRUNCATED_MESSAGE",
    "TntAnalysis",
    "TntContactRow",
    "TntFileError",
    "TntGroup",
    "TntRow",
    "analyze_tnt",
    "iter_tnt_contacts",
    "iter_tnt_rows",
]

SAMPLE_SIZE = 4


@dataclass(frozen=True)
class TntGroup:
    id: str
    description: str
    category: str
    path_name: str  # "" when absent (versions before 3.2)


@dataclass(frozen=True)
class TntContactRow:
    tnt_id: str  # the row's id attribute
    # child element name -> text, XML-forbidden characters removed; empty -> ""
    fields: dict[str, str] = field(hash=False)
    position: int  # 1-based index in the Contact table: the "line" of a failure


@dataclass(frozen=True)
class TntRow:
    """A row of any table: its table, id, fields and 1-based position in its table."""

    table: str
    tnt_id: str
    fields: dict[str, str] = field(hash=False)
    position: int


@dataclass
class TntAnalysis:
    application: str  # "TntConnect" or "TntMPD" ("" if the file does not say)
    version: str  # as written, e.g. "3.0", "3.2"
    groups: list[TntGroup]
    group_sizes: dict[str, int]  # group id -> how many contacts are in it
    sample_groups: dict[str, list[str]]  # a sample's tnt_id -> its group ids, in file order (none: not listed)
    contact_count: int
    samples: list[TntContactRow]  # the first SAMPLE_SIZE contacts
    tables: dict[str, int] = field(default_factory=dict)  # every table with rows, in file order -> row count
    extra_rows: list[TntRow] = field(default_factory=list)  # the rows of the `extra_tables` asked for


def analyze_tnt(stream: BinaryIO, *, extra_tables: frozenset[str] = frozenset()) -> TntAnalysis:
    """Validate an export and collect what the upload needs, in one pass.

    Groups are few and kept whole; their memberships are counted as they
    stream by (imports/pipeline/readers/tnt_groups.py), for each group's
    size and the samples' groups. Contacts are only counted, and the first
    few kept as samples. `extra_tables` are small tables kept whole
    (settings such as Currency).
    """
    document = TntDocument(stream)
    groups: list[TntGroup] = []
    memberships = GroupMemberships()
    samples: list[TntContactRow] = []
    extra: list[TntRow] = []
    count = 0
    try:
        for table, row_id, fields in document.rows({"Contact", "Group", "GroupContact", *extra_tables}):
            if table == "Contact":
                count += 1
                if len(samples) < SAMPLE_SIZE:
                    samples.append(TntContactRow(row_id, fields, count))
            elif table == "Group":
                groups.append(_group(row_id, fields))
            elif table == "GroupContact":
                memberships.add(fields)
            else:
                extra.append(TntRow(table, row_id, fields, len(extra) + 1))
        group_sizes = memberships.sizes()
        sample_groups = memberships.groups_of(sample.tnt_id for sample in samples)
    finally:
        memberships.close()
    return TntAnalysis(
        application=document.application,
        version=document.version,
        groups=groups,
        group_sizes=group_sizes,
        sample_groups=sample_groups,
        contact_count=count,
        samples=samples,
        tables=document.table_rows,
        extra_rows=extra,
    )


def iter_tnt_contacts(stream: BinaryIO) -> Iterator[TntContactRow]:
    """Yield the rows of the Contact table, one at a time, in file order.

    Reading stops at the end of the Contact table: the tables after it
    (History, Gift, ...) are often the bulk of a big export and are not needed.
    """
    document = TntDocument(stream)
    rows = document.rows({"Contact"}, stop_after="Contact")
    for position, (_table, row_id, fields) in enumerate(rows, start=1):
        yield TntContactRow(row_id, fields, position)


def iter_tnt_rows(stream: BinaryIO, tables: set[str], *, stop_after: str | None = None) -> Iterator[TntRow]:
    """Yield the rows of the named tables, one at a time, in file order; every other table is skipped.

    A real export holds dozens of tables nobody imports (Login, Picture,
    LocalProperty, PendingAction, ...): they are parsed and dropped row by
    row like the rest, so they cost time but no memory. Positions count
    each table's rows on their own.
    """
    document = TntDocument(stream)
    positions: dict[str, int] = {}
    for table, row_id, fields in document.rows(tables, stop_after=stop_after):
        positions[table] = position = positions.get(table, 0) + 1
        yield TntRow(table, row_id, fields, position)


def _group(row_id: str, fields: dict[str, str]) -> TntGroup:
    return TntGroup(
        id=row_id,
        description=fields.get("Description", "").strip(),
        category=fields.get("Category", "").strip(),
        path_name=fields.get("PathName", "").strip(),
    )
