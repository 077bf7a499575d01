"""What every tabular reader (CSV, Excel, vCard) shares: the row, header keys, constants and samples.

Each reader yields ``TabularRow`` objects under header keys made by
``header_keys``, and ``summarize_rows`` picks the constants and samples of
any of them, so mappings, samples, validation and the job treat every
format alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "CONSTANT_EXCLUDED_WORDS",
    "DEFAULT_LIMITS",
    "MAX_CONSTANT_VALUES",
    "SAMPLE_ROW_COUNT",
    "ReadLimits",
    "TabularAnalysis",
    "TabularRow",
    "header_keys",
    "normalize_header_key",
    "stripped_cells",
    "summarize_rows",
]

MAX_CONSTANT_VALUES = 100
SAMPLE_ROW_COUNT = 4
#: A column whose key contains one of these words holds free text (names,
#: addresses, notes...), never a value to map to a constant.
CONSTANT_EXCLUDED_WORDS = (
    "address",
    "church",
    "city",
    "country",
    "mail",
    "metro",
    "name",
    "note",
    "phone",
    "postal",
    "province",
    "referred",
    "region",
    "state",
    "street",
    "tags",
    "website",
    "zip",
)
# An apostrophe before a digit or a formula's first character marks text: typed in a spreadsheet to keep
# a zip code's zeros ('02134), written by exports that guard against formulas ('+1 555-0100, '=x, '@x).
_TEXT_MARKER_BEFORE = frozenset("0123456789+-=@")
_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
_EXCLUDED_WORD = re.compile("|".join(CONSTANT_EXCLUDED_WORDS))


def stripped_cells(cells: Sequence[str]) -> list[str]:
    """The cells as the import reads them: stripped, without an apostrophe that only marks text.

    The hot path of every tabular row: the apostrophe is looked for once per row, in C.
    """
    stripped = list(map(str.strip, cells))
    if "\0'" not in "\0" + "\0".join(stripped):
        return stripped
    return [cell[1:] if cell[:1] == "'" and cell[1:2] in _TEXT_MARKER_BEFORE else cell for cell in stripped]


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """The most a tabular reader takes from a file before refusing it (the settings' IMPORT_CSV_MAX_*).

    One value passed from the upload and the job down to every reader, so a
    new limit is added in one place rather than to each reader's signature.
    """

    max_field_size: int = 1_000_000  # characters in one cell
    max_columns: int = 1_000  # cells in one row


DEFAULT_LIMITS = ReadLimits()


@dataclass(frozen=True, slots=True)
class TabularRow:
    """One non-empty record of a file: a CSV line, a sheet row, a vCard."""

    line_number: int  # 1-based line of the file where the record starts
    values: dict[str, str]  # header key -> stripped cell ("" for a missing cell)
    cells: tuple[str, ...]  # the cells exactly as read, to write the row back out
    # CSV: non-blank cells beyond the header's last column. An unquoted delimiter inside a value ("Doe, John")
    # shifted every later cell, so the row is no contact: the job fails it, the analysis leaves it out of the
    # samples and constants. (A spreadsheet or a vCard has no such shift.)
    values_beyond_header: int = 0


@dataclass
class TabularAnalysis:
    """What the upload response shows about a file, whatever its kind."""

    file_format: dict  # {"kind": "csv" | "xlsx" | "vcard", and how to read it again}
    headers: dict[str, str]  # normalised key -> header as written, in file order
    constants: dict[str, list[str]]  # key -> distinct values (at most 100), first seen first
    samples: list[TabularRow]  # the first 4 non-empty data rows
    row_count: int  # non-empty data rows in the whole file


def normalize_header_key(header: str) -> str:
    """Lower case, each run of non letters/digits as one ``_``, none at the ends.

    NFC first, so that an accented letter typed as letter + combining accent
    stays one letter ("é") instead of splitting the key.
    """
    text = unicodedata.normalize("NFC", header).lower()
    return _NOT_LETTER_OR_DIGIT.sub("_", text).strip("_")


def header_keys(headers: Sequence[str]) -> dict[str, str]:
    """Map each header to a unique key, in order: normalised key -> header as written.

    A blank header becomes ``column_N`` (N its 1-based position), a repeated key
    gets ``_2``, ``_3``... A generated key never takes a key that a real header
    of the file normalises to, wherever that header is.
    """
    normalized = [normalize_header_key(header) for header in headers]
    real_keys = set(filter(None, normalized))
    keys: dict[str, str] = {}
    for position, (header, key) in enumerate(zip(headers, normalized, strict=True), start=1):
        if not key:
            key = _free_key(f"column_{position}", keys.keys() | real_keys)
        elif key in keys:
            key = _free_key(key, keys.keys() | real_keys, first_suffix=2)
        keys[key] = header
    return keys


def _free_key(base: str, taken: set[str], first_suffix: int | None = None) -> str:
    """``base`` itself when free (unless a suffix is required), else ``base_N``."""
    if first_suffix is None:
        if base not in taken:
            return base
        first_suffix = 2
    suffix = first_suffix
    while f"{base}_{suffix}" in taken:
        suffix += 1
    return f"{base}_{suffix}"


def summarize_rows(file_format: dict, headers: dict[str, str], rows: Iterable[TabularRow]) -> TabularAnalysis:
    """The analysis of any stream of rows: its constants, samples and count, by the rules above.

    Every tabular reader (CSV, xlsx, vCard) ends its analysis here, so every
    format shows the same constants and samples.
    """
    constants: dict[str, dict[str, None]] = {key: {} for key in headers if _may_hold_constants(key)}
    open_columns = list(constants)
    samples: list[TabularRow] = []
    row_count = 0
    for row in rows:
        row_count += 1
        if row.values_beyond_header:  # no contact (the job fails it): neither a sample nor constants
            continue
        if row_count <= SAMPLE_ROW_COUNT:
            samples.append(row)
        if open_columns:
            open_columns = _collect_constants(row.values, constants, open_columns)
    found = {key: list(values) for key, values in constants.items()}
    return TabularAnalysis(file_format, headers, found, samples, row_count)


def _collect_constants(
    values: dict[str, str],
    constants: dict[str, dict[str, None]],
    open_columns: list[str],
) -> list[str]:
    """Add the row's values (dicts as ordered sets); return the columns not yet full."""
    full = False
    for key in open_columns:
        seen = constants[key]
        seen[values[key]] = None
        full = full or len(seen) >= MAX_CONSTANT_VALUES
    if full:
        return [key for key in open_columns if len(constants[key]) < MAX_CONSTANT_VALUES]
    return open_columns


def _may_hold_constants(key: str) -> bool:
    return _EXCLUDED_WORD.search(key) is None
