"""A streaming reader of TntDataSync donor files (``.tntmpd``, ``.tntdatasync``).

A giving organisation's donor system writes these for TntConnect: INI-like
sections, the first of key=value lines, the others each a CSV with a header
row::

    [ORGANIZATION]
    Name=Wycliffe USA
    Code=WBT-USA
    DefaultCurrencyCode=USD

    [DONORS]
    "PEOPLE_ID","ACCT_NAME","PERSON_TYPE","LAST_NAME_ORG","FIRST_NAME",...
    "11459","Mr. and Mrs. Cliff A. Doe","P","Doe","Cliff",...

    [GIFTS]
    "PEOPLE_ID","ACCT_NAME","DISPLAY_DATE","AMOUNT","DONATION_ID","DESIGNATION",...

Donor systems differ in the details, so: section names and header names in
any case, quoted or not; blank lines anywhere; CR, LF or CRLF; a byte-order
mark or none, and the encodings of `encodings`; a section's cells delimited by
commas (the format's own), tabs, semicolons or pipes; sections and columns this
reader does not know are skipped. Cells are stripped (blank cells are often
written as a space).

Memory does not grow with the file: a pass reads the file line by line and
parses only the section it was asked for (``iter_section``); the job reads
the donors in one pass and the gifts in another. Pure Python, no Django.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from imports.pipeline.readers import FileReadError
from imports.pipeline.readers.csv import unclosed_quote_message
from imports.pipeline.readers.encodings import encoding_from_head, guess_legacy_encoding
from imports.pipeline.readers.header_row import filled_width
from imports.pipeline.readers.streams import open_text, read_head, rewound

__all__ = [
    "DONORS",
    "DataSyncAnalysis",
    "DataSyncRow",
    "GIFTS",
    "NOT_DATA_SYNC_MESSAGE",
    "ORGANIZATION",
    "analyze_data_sync",
    "iter_section",
    "looks_like_data_sync",
    "section_name",
]

ORGANIZATION, DONORS, GIFTS = "ORGANIZATION", "DONORS", "GIFTS"
REQUIRED_SECTIONS = (DONORS, GIFTS)
#: The column each CSV section cannot do without: what identifies its rows.
REQUIRED_COLUMNS = {DONORS: ("PEOPLE_ID",), GIFTS: ("PEOPLE_ID", "DONATION_ID")}
SAMPLE_SIZE = 4
DEFAULT_MAX_LINE_LENGTH = 1 << 20  # a donor row is a few hundred characters
DEFAULT_MAX_COLUMNS = 1_000
ENCODING_ATTEMPTS = 3
# A donor file opens a section on its first lines: a file that has opened none by then (a contacts CSV or
# a report sent to the wrong place) is refused without reading the rest of it.
MAX_LINES_BEFORE_A_SECTION = 200
_NO_SECTION_SO_FAR = (
    f"; its first {MAX_LINES_BEFORE_A_SECTION} lines open no [ORGANIZATION], [DONORS] or [GIFTS] section"
)
_DELIMITERS = (",", "\t", ";", "|")  # the first wins a tie

NOT_DATA_SYNC_MESSAGE = (
    "This is not a TntDataSync file: expected a donor file (.tntmpd or .tntdatasync) as a giving organisation's "
    "donor system exports it for TntConnect, with an [ORGANIZATION] section and [DONORS] and [GIFTS] sections "
    "whose rows are CSV under a header row{found}."
)

# "[DONORS]", "[donors]", "\"[DONORS]\"", "[\"DONORS\"]", with spaces or a spreadsheet's trailing commas.
_SECTION = re.compile(r'^\s*"?\[\s*"?\s*([A-Za-z][A-Za-z0-9_ -]*?)\s*"?\s*\]"?\s*[,;\t]*\s*$')
_SLASHED_DAY_AND_MONTH = re.compile(r"\s*(\d{1,2})/(\d{1,2})/\d")
_NOT_NAME_CHARACTERS = re.compile(r"[^A-Z0-9]+")
_KEY_VALUE = re.compile(r'^\s*"?([^="]+?)"?\s*=\s*(.*?)\s*$')


@dataclass(frozen=True, slots=True)
class DataSyncRow:
    section: str  # DONORS or GIFTS
    line_number: int  # where the row starts in the file (1-based): the line of a failure
    fields: dict[str, str]  # header in upper case -> stripped cell; missing cells are ""
    cells: tuple[str, ...]  # as written, for the failures CSV
    # Values beyond the header's last column (trailing empty cells do not count). A donor system that
    # leaves a comma unquoted ("Lee, Ann") shifts every later cell: the builders fail such a row.
    extra_cells: int = 0
    header_width: int = 0
    delimiter: str = ","  # the one its section's header row uses


@dataclass
class DataSyncAnalysis:
    encoding: str
    organization: dict[str, str]  # key in upper case (NAME, CODE, DEFAULTCURRENCYCODE...) -> value
    counts: dict[str, int] = field(default_factory=dict)  # section -> data rows
    headers: dict[str, list[str]] = field(default_factory=dict)  # section -> its header row, upper case
    samples: list[DataSyncRow] = field(default_factory=list)  # the first donors
    # DISPLAY_DATE is month/day/year, but a donor system outside the US may write day/month/year: the file says
    # so when some gift's first number is over 12 and none's second is (see `_DateOrder`).
    day_first: bool = False


def section_name(line: str) -> str | None:
    """The section a line opens, in upper case; None for any other line."""
    if "[" not in line:
        return None
    found = _SECTION.match(line)
    return found.group(1).strip().upper() if found else None


def looks_like_data_sync(head: bytes) -> bool:
    """Whether the first bytes of a file look like a TntDataSync file (a section line near the start)."""
    text = head[:8192].replace(b"\0", b"").decode("utf-8", "replace").lstrip("\ufeff\ufffd")
    names = {section_name(line) for line in text.splitlines()[:200]}
    return bool(names & {ORGANIZATION, DONORS, GIFTS})


def analyze_data_sync(
    stream: BinaryIO,
    *,
    max_line_length: int = DEFAULT_MAX_LINE_LENGTH,
    max_columns: int = DEFAULT_MAX_COLUMNS,
) -> DataSyncAnalysis:
    """Read the whole file once: its encoding, organisation, sections, row counts and first donors.

    Raises FileReadError (a sentence for the user) when the file is not a
    TntDataSync file or cannot be read.
    """
    head = read_head(rewound(stream))
    try:
        encoding, certain = encoding_from_head(head)
    except FileReadError:
        raise FileReadError(NOT_DATA_SYNC_MESSAGE.format(found=": this file holds binary data")) from None
    tried = {encoding}
    for _ in range(ENCODING_ATTEMPTS):
        try:
            return _analyze(rewound(stream), encoding, max_line_length=max_line_length, max_columns=max_columns)
        except _Undecodable as error:
            if certain:
                raise FileReadError(error.message) from None
            encoding = guess_legacy_encoding(error.context, tried)
            if encoding in tried:
                raise FileReadError(error.message) from None
            tried.add(encoding)
    raise FileReadError(NOT_DATA_SYNC_MESSAGE.format(found=": its text encoding could not be recognised"))


def _analyze(stream: BinaryIO, encoding: str, *, max_line_length: int, max_columns: int) -> DataSyncAnalysis:
    analysis = DataSyncAnalysis(encoding=encoding, organization={})
    records = _Records(stream, encoding, max_line_length=max_line_length, max_columns=max_columns)
    date_order = _DateOrder()
    for section, line_number, text in records:
        if not section and line_number > MAX_LINES_BEFORE_A_SECTION:
            raise FileReadError(NOT_DATA_SYNC_MESSAGE.format(found=_NO_SECTION_SO_FAR))
        if section == ORGANIZATION:
            if found := _KEY_VALUE.match(text):
                key = re.sub(r"\W", "", found.group(1)).upper()
                analysis.organization.setdefault(key, found.group(2).strip().strip('"').strip())
        elif section in REQUIRED_SECTIONS:
            row = records.row(section, line_number, text)
            if row is None:  # the header row
                analysis.headers[section] = records.headers[section]
                continue
            analysis.counts[section] = analysis.counts.get(section, 0) + 1
            if section == GIFTS:
                date_order.see(row.fields.get("DISPLAY_DATE", ""))
            if section == DONORS and len(analysis.samples) < SAMPLE_SIZE and not row.extra_cells:
                analysis.samples.append(row)
    # A section line alone (an organisation with no gifts to report writes "[GIFTS]" and nothing under it)
    # is a section without rows, not a missing section.
    analysis.counts = {name: analysis.counts.get(name, 0) for name in REQUIRED_SECTIONS if name in records.opened}
    analysis.day_first = date_order.day_first
    _check_sections(analysis)
    return analysis


class _DateOrder:
    """Whether the gifts' slashed dates put the day first: some first number is over 12 and no second one is.

    Contradictory or no evidence leaves the format's month/day/year (a row it cannot be fails, saying so).
    """

    def __init__(self) -> None:
        self._first_over_12 = self._second_over_12 = False

    def see(self, text: str) -> None:
        if found := _SLASHED_DAY_AND_MONTH.match(text):
            first, second = int(found.group(1)), int(found.group(2))
            self._first_over_12 |= first > 12
            self._second_over_12 |= second > 12

    @property
    def day_first(self) -> bool:
        return self._first_over_12 and not self._second_over_12


def _check_sections(analysis: DataSyncAnalysis) -> None:
    missing = [name for name in REQUIRED_SECTIONS if name not in analysis.counts]
    if missing:
        listed = " or ".join(f"[{name}]" for name in missing)
        raise FileReadError(NOT_DATA_SYNC_MESSAGE.format(found=f"; this file has no {listed} section"))
    for section, columns in REQUIRED_COLUMNS.items():
        headers = analysis.headers.get(section)
        if headers is None:
            continue  # a section without even a header row holds no rows
        absent = [column for column in columns if column not in headers]
        if absent:
            raise FileReadError(
                f"The [{section}] section of this TntDataSync file has no {', '.join(absent)} column: its header "
                f"row names {', '.join(headers[:12]) or 'nothing'}. Export the file again from the donor system."
            )


def iter_section(
    stream: BinaryIO,
    section: str,
    *,
    encoding: str,
    max_line_length: int = DEFAULT_MAX_LINE_LENGTH,
    max_columns: int = DEFAULT_MAX_COLUMNS,
) -> Iterator[DataSyncRow]:
    """The data rows of one CSV section (DONORS or GIFTS), in file order; other sections are only skipped over."""
    records = _Records(rewound(stream), encoding, max_line_length=max_line_length, max_columns=max_columns)
    try:
        for name, line_number, text in records:
            if name == section:
                row = records.row(section, line_number, text)
                if row is not None:
                    yield row
    except _Undecodable as error:
        raise FileReadError(error.message) from None


class _Undecodable(Exception):
    def __init__(self, message: str, context: bytes) -> None:
        super().__init__(message)
        self.message = message
        self.context = context


class _Records:
    """(section, start line, text) of every non-blank record, a quoted cell's line breaks kept inside it.

    A record whose quotes are not balanced goes on over the next lines, as
    in CSV. The header row of each CSV section is kept in `headers` when
    `row` sees it; `opened` names the sections whose line was read.
    """

    def __init__(self, stream: BinaryIO, encoding: str, *, max_line_length: int, max_columns: int) -> None:
        self._text = open_text(stream, encoding)
        self._limit = max_line_length
        self._max_columns = max_columns
        self.headers: dict[str, list[str]] = {}
        self.opened: set[str] = set()
        self._delimiters: dict[str, str] = {}  # section -> the delimiter its header row uses
        self._line = 0

    def __iter__(self) -> Iterator[tuple[str, int, str]]:
        section, pending, start = "", "", 0
        for number, line in self._lines():
            if pending:
                pending += line
                if len(pending) >= self._limit:
                    raise FileReadError(_runaway_quote_message(start, self._limit))
                if pending.count('"') % 2 == 0:
                    yield section, start, pending
                    pending = ""
                continue
            if not line.strip():
                continue
            name = section_name(line)
            if name is not None:
                section = name
                self.opened.add(section)
                self.headers.pop(section, None)  # a section given again starts with its own header row
                continue
            if line.count('"') % 2:
                pending, start = line, number
                continue
            yield section, number, line
        if pending:
            raise FileReadError(unclosed_quote_message(start))

    def _lines(self) -> Iterator[tuple[int, str]]:
        readline, limit = self._text.readline, self._limit
        number = 0
        while True:
            try:
                line = readline(limit)
            except UnicodeDecodeError as error:
                context = bytes(error.object[max(0, error.start - 4096) : error.start + 4096])
                raise _Undecodable(_undecodable_message(number + 1, error.encoding), context) from None
            if not line:
                return
            number += 1
            if len(line) >= limit and not line.endswith(("\n", "\r")):
                raise FileReadError(_long_line_message(number, limit))
            if "\0" in line:
                raise FileReadError(_binary_line_message(number))
            yield number, line

    def row(self, section: str, line_number: int, text: str) -> DataSyncRow | None:
        """The record as a row under its section's header; None for the header row itself."""
        headers = self.headers.get(section)
        if headers is None:
            self._delimiters[section] = _delimiter_of(text)
        cells = next(csv.reader((text,), delimiter=self._delimiters[section], strict=False), [])
        if len(cells) > self._max_columns:
            raise FileReadError(_too_many_cells_message(line_number, self._max_columns))
        if headers is None:
            self.headers[section] = [_header_name(cell) for cell in cells]
            return None
        values = [cell.strip() for cell in cells]
        if not any(values):
            return None
        fields = dict.fromkeys(headers, "")
        if len(fields) == len(headers):
            fields.update(zip(headers, values, strict=False))
        else:  # a column named twice: its first value, which a blank cell of the other does not hide
            fields.update(reversed([(name, value) for name, value in zip(headers, values, strict=False) if value]))
        return DataSyncRow(
            section,
            line_number,
            fields,
            tuple(cells),
            extra_cells=max(0, filled_width(values) - len(headers)),
            header_width=len(headers),
            delimiter=self._delimiters[section],
        )


def _header_name(cell: str) -> str:
    """A header as the format names it: upper case, each run of spaces, dashes or other signs one "_"
    ("People ID", "people-id" and "PEOPLE_ID" are one column)."""
    return _NOT_NAME_CHARACTERS.sub("_", cell.upper()).strip("_")


def _delimiter_of(header: str) -> str:
    """The delimiter that splits a section's header row into the most columns: TntDataSync writes commas,
    but a donor system (or a spreadsheet that saved the file again) may use tabs, semicolons or pipes."""
    return max(_DELIMITERS, key=lambda delimiter: len(next(csv.reader((header,), delimiter=delimiter), [])))


# --------------------------------------------------------------------------- messages shown to the user


def _long_line_message(line: int, limit: int) -> str:
    return (
        f"Line {line:,} is longer than {limit:,} characters, the most this service reads in one line of a "
        "TntDataSync file. Check that the file is a TntDataSync donor file and upload it again."
    )


def _binary_line_message(line: int) -> str:
    return f"Line {line:,} contains binary data (a NUL byte), so this is not a TntDataSync text file."


def _too_many_cells_message(line: int, limit: int) -> str:
    return f"Line {line:,} has more than {limit:,} cells, the most this service reads in one row."


def _runaway_quote_message(start: int, limit: int) -> str:
    return (
        f"Line {start:,}: unbalanced quotes. A quoted cell that starts on this line is still open after "
        f"{limit:,} characters. Close that quote and upload the file again."
    )


def _undecodable_message(line: int, encoding: str) -> str:
    return (
        f"Line {line:,} contains bytes that are not valid {encoding} text. Save the file as UTF-8 and upload it again."
    )
