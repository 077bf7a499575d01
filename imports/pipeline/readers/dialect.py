"""Which delimiter a CSV file uses, found from its first rows."""

from __future__ import annotations

import codecs
import csv
import io
import re

from imports.pipeline.readers.header_row import PREAMBLE_ROWS, filled_width, header_index
from imports.pipeline.readers.streams import HEAD_SIZE

_DELIMITERS = (",", ";", "\t", "|")  # in order of preference when tied
_SNIFF_ROW_COUNT = PREAMBLE_ROWS + 10
_EXCEL_SEPARATOR = re.compile(r"(?i)sep=([,;\t|])(?:\r\n|\r|\n|\Z)")


def sniff_delimiter(head: bytes, encoding: str) -> str:
    """The delimiter that splits the header into the most columns, consistently with the next rows.

    Each candidate is tried with the csv parser itself, so a quoted cell that
    contains another candidate does not count, and the header is found for
    each as the reader finds it (after a preamble, `header_row`).
    Consistency comes first, so that a semicolon inside a comma file's header
    cannot win; then how few lines it leaves above the header (a preamble is
    the exception: a comma inside a semicolon file's first data row must not
    make it look like a header under a one-cell "preamble"); then the number
    of columns; ties go to the comma. A single-column file reads as comma.
    Excel's "sep=;" first line names the delimiter outright.
    """
    text = _decode_head(head, encoding)
    if (directive := excel_separator(text.lstrip("\ufeff"))) is not None:
        return directive
    best, best_score = ",", (-1.0, 0, 1)
    for delimiter in _DELIMITERS:
        rows = _first_rows(text, delimiter)
        index = header_index([[cell.strip() for cell in cells] for cells in rows]) if rows else None
        if index is None or len(rows[index]) < 2:
            continue
        width = len(rows[index])
        score = (_consistency(rows[index + 1 :], width), -index, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def excel_separator(text: str) -> str | None:
    """The delimiter that Excel's "sep=X" first line names (it writes one for a list separator other than the
    comma), or None when the text does not start with such a line."""
    found = _EXCEL_SEPARATOR.match(text)
    return found.group(1) if found else None


def _decode_head(head: bytes, encoding: str) -> str:
    """The complete lines of the head, decoded leniently (only ASCII delimiters matter)."""
    at_end = len(head) < HEAD_SIZE
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=at_end)
    if not at_end:
        cut = max(text.rfind("\n"), text.rfind("\r"))
        if cut >= 0:
            text = text[: cut + 1]
    return text


def _first_rows(text: str, delimiter: str) -> list[list[str]]:
    rows: list[list[str]] = []
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False):
            if any(cell.strip() for cell in cells):
                rows.append(cells)
                if len(rows) == _SNIFF_ROW_COUNT:
                    break
    except csv.Error:
        pass
    return rows


def _consistency(rows: list[list[str]], width: int) -> float:
    """Share of rows that split into several cells and no more non-blank cells than the header."""
    if not rows:
        return 1.0
    fitting = sum(1 for cells in rows if len(cells) > 1 and filled_width(cells) <= width)
    return fitting / len(rows)
