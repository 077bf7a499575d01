"""Which row of a table is its header: the first that the rows after it agree with in width.

Exports do not always start with their header. LinkedIn's Connections.csv
opens with a "Notes:" preamble and a blank line; report tools write a title
and a date above the table; a hand-made sheet may have a line of
instructions. Such lines are narrower than the table: a row is taken as the
header when the rows that follow it mostly fit under it (they hold no value
beyond its last named column). Line numbers stay the file's own, so the
lines above the header are simply not part of the table.

Readers (CSV, Excel) hand in their records as (line number, cells, stripped
cells) and get back the ``Table``: the header's line and keys, and the rows
under it, in order. Only the first few records are held to decide, so memory
does not grow with the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice

from imports.pipeline.readers import FileReadError
from imports.pipeline.readers.rows import TabularRow, header_keys

__all__ = [
    "PREAMBLE_ROWS",
    "Record",
    "Table",
    "filled_width",
    "find_table",
    "header_index",
    "too_wide_row",
]

#: The most rows above the header that are looked through.
PREAMBLE_ROWS = 20
#: How many of the rows after a candidate decide whether they agree with it.
_AGREEING_ROWS = 10
#: The share of those rows that must fit under the candidate: ragged rows are tolerated, a
#: preamble line is narrower than nearly every row after it.
_AGREEMENT = 0.5

Record = tuple[int, list[str], list[str]]  # (line number, cells as read, stripped cells)

# What no column name is: an email address, a phone number (seven digits or more, nothing else).
_EMAIL_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE_NUMBER = re.compile(r"\+?[\d\s\-.()/]*")


class _NoHeaderRow(Exception):
    """No row among the first ones is followed by rows that fit under it."""

    def __init__(self, looked_at: int) -> None:
        super().__init__(looked_at)
        self.looked_at = looked_at


def filled_width(cells: list[str]) -> int:
    """Number of cells up to the last non-blank one (exports often add trailing delimiters)."""
    width = len(cells)
    while width and not cells[width - 1].strip():
        width -= 1
    return width


def header_index(rows: list[list[str]]) -> int | None:
    """The position of the header among the first rows of a table, or None when no row agrees.

    `rows` are the first non-empty rows (stripped), as many as
    `PREAMBLE_ROWS + _AGREEING_ROWS` when the table has them. A candidate
    must name most of the columns in use (a title padded with empty cells, as a
    spreadsheet saves it, does not), and at least half the rows after it must
    hold no value beyond its last cell. The last row stands alone (a header with
    no rows after it to judge by).
    """
    widths = [filled_width(cells) for cells in rows]
    for index in range(min(PREAMBLE_ROWS, len(rows))):
        cells = rows[index]
        following = widths[index + 1 : index + 1 + _AGREEING_ROWS]
        fitting = [width for width in following if width <= len(cells)]
        # Most of the columns in use must be named: the candidate's own and those the rows under it fill.
        # Trailing cells empty on every line (a spreadsheet saving more columns than the table) do not count.
        in_use = max([widths[index], *fitting])
        if 2 * sum(1 for cell in cells if cell) < in_use:
            continue
        if len(fitting) >= _AGREEMENT * len(following):
            return index
    return None


def _find_header(records: Iterator[Record]) -> tuple[Record | None, Record, Iterator[Record]] | None:
    """(the record above the header, the header record, the records after it); None for a table without any.

    Raises `_NoHeaderRow` when none of the first rows looks like a header.
    """
    first = list(islice(records, PREAMBLE_ROWS + _AGREEING_ROWS))
    if not first:
        return None
    index = header_index([stripped for _, _, stripped in first])
    if index is None:
        raise _NoHeaderRow(min(PREAMBLE_ROWS, len(first)))
    return (first[index - 1] if index else None), first[index], chain(first[index + 1 :], records)


def header_names(above: Record | None, header: Record) -> list[str]:
    """The column names, from two rows when a spreadsheet's merged cells split them.

    A sheet may name a column in the row above its header ("Name" and "Email" merged down over two
    rows) or put a title over several columns ("Address" over "Street", "City"; "Home" and "Work" over
    two "Phone" columns). The header row found is then the lower one, which alone leaves those columns
    unnamed or named alike: the row just above completes it, a title over columns prefixing their names.
    """
    line_number, cells, lower = header
    if above is None or above[0] != line_number - 1 or sum(1 for cell in above[2] if cell) < 2:
        return cells
    upper = above[2]
    width = max(len(upper), len(lower))
    upper, lower = upper + [""] * (width - len(upper)), lower + [""] * (width - len(lower))
    named_only_above = any(top and not bottom for top, bottom in zip(upper, lower, strict=True))
    filled_lower = [name.casefold() for name in lower if name]
    if not named_only_above and len(set(filled_lower)) == len(filled_lower):
        return cells  # the row above adds nothing: a title, or a line of text
    names, title = [], ""
    for top, bottom in zip(upper, lower, strict=True):
        if top and bottom:
            title = top
        elif top or not bottom:
            title = ""  # a column named above only, or a gap: no title runs on over it
        names.append(top if not bottom else f"{title} {bottom}".strip())
    return names


@dataclass
class Table:
    """The table a reader found among its records: where its header is, its keys, and the records under it."""

    header_line_number: int | None  # None: the file has no line of column names
    headers: dict[str, str]  # header key -> header as written, in file order
    records: Iterator[Record]  # the records after the header row, not read yet
    count_values_beyond_header: bool = False  # CSV: see TabularRow.values_beyond_header

    def rows(self) -> Iterator[TabularRow]:
        """The records as rows: stripped cells under the header keys, a short row padded with ""."""
        keys = tuple(self.headers)
        width = len(keys)
        padding = [""] * width
        counting = self.count_values_beyond_header
        for line_number, cells, stripped in self.records:
            beyond = 0
            if len(stripped) < width:
                stripped += padding[len(stripped) :]
            elif counting and len(stripped) > width:
                beyond = max(0, filled_width(stripped) - width)
            yield TabularRow(line_number, dict(zip(keys, stripped, strict=False)), tuple(cells), beyond)


def find_table(records: Iterator[Record], *, empty_message: str, error: type[FileReadError] = FileReadError) -> Table:
    """The table whose header `_find_header` picks; `error` (a reader's own kind) when there is none."""
    try:
        found = _find_header(records)
    except _NoHeaderRow as failure:
        raise error(_no_header_message(failure.looked_at)) from None
    if found is None:
        raise error(empty_message)
    above, header, rest = found
    if holds_values(header[2]):
        # A list without column names (a newsletter's bare addresses): its first line is a row, and the
        # columns are unnamed (column_1...), to be mapped by what their values are.
        return Table(None, header_keys([""] * len(header[2])), chain([header], rest))
    return Table(header[0], header_keys(header_names(above, header)), rest)


def holds_values(cells: list[str]) -> bool:
    """The row holds what no column name is (an email address, a phone number): it is a row, not a header."""
    return any(
        _EMAIL_ADDRESS.fullmatch(cell) or (_PHONE_NUMBER.fullmatch(cell) and sum(ch.isdigit() for ch in cell) >= 7)
        for cell in cells
    )


def _no_header_message(looked_at: int) -> str:
    return (
        f"No header row found: none of the first {looked_at:,} lines is followed by rows of the same width, "
        "so the file does not look like a table with a row of column names. Check that it is a CSV export "
        "of your contacts (one contact per line, under one line of column names) and upload it again."
    )


_DELIMITER_NAMES = {",": "a comma", ";": "a semicolon", "\t": "a tab", "|": "a pipe"}


def too_wide_row(values: int, columns: int, delimiter: str) -> str:
    """Why a row with values beyond its header's last column cannot be trusted, for a reader's message:
    an unquoted delimiter inside a value shifted every later cell (CSV and TntDataSync alike)."""
    name = _DELIMITER_NAMES.get(delimiter, repr(delimiter))
    return f"has {values:,} values but the header row names {columns:,} columns: a value that holds {name}"
