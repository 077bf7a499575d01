"""Read uploaded contact CSV files: find their format, analyse them, stream their rows.

Pure Python: nothing here knows about Django or the database, so the same code
serves the upload (``analyze_csv``: headers, constants, samples, row count) and
the background import (``read_csv``: every row, in file order).

Both are one streaming pass over the file through the C ``csv`` module over an
``io.TextIOWrapper(newline="")``, so memory is bounded by the width of a row,
never by the number of rows. Every way a file can be unreadable ends in a
``CsvFileError`` whose text is shown to the user as it is.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from charset_normalizer import from_bytes

from imports.pipeline.readers.header_row import (
    PREAMBLE_ROWS,
    NoHeaderRow,
    filled_width,
    find_header,
    header_index,
    no_header_message,
)
from imports.pipeline.readers.wide_text import bomless_wide_encoding

__all__ = [
    "CsvAnalysis",
    "CsvFileError",
    "CsvFormat",
    "CsvReader",
    "CsvRow",
    "analyze_csv",
    "guess_legacy_encoding",
    "header_keys",
    "normalize_header_key",
    "read_csv",
    "summarize_rows",
]

DEFAULT_MAX_FIELD_SIZE = 1_000_000
DEFAULT_MAX_COLUMNS = 1_000
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

_HEAD_SIZE = 64 * 1024  # bytes read up front to find the encoding and delimiter
_READ_BUFFER_SIZE = 256 * 1024
_DECODE_CHUNK_SIZE = 64 * 1024
_DELIMITERS = (",", ";", "\t", "|")  # in order of preference when tied
_SNIFF_ROW_COUNT = PREAMBLE_ROWS + 10
_DETECTION_CONTEXT = 4096  # bytes either side of the first undecodable byte

# UTF-32 first: its little-endian BOM starts with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Legacy code pages a spreadsheet export may plausibly use. Left to itself the
# detector also proposes rare DOS and Mac pages for short Western text.
_LEGACY_ENCODINGS = [
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "cp1258",
    "iso8859_2",
    "iso8859_5",
    "iso8859_7",
    "koi8_r",
    "mac_roman",
    "cp437",
    "cp850",
    "cp932",
    "shift_jis",
    "euc_jp",
    "gb18030",
    "big5",
    "euc_kr",
    "cp949",
]
# Western Latin pages: when the detector names any of them, the text is read as cp1252.
_WESTERN_ENCODINGS = {"cp1252", "latin_1", "iso8859_15", "mac_roman", "cp437", "cp850"}

_MAGIC_NUMBERS = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
)
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls)
_SPREADSHEET_ZIP_MARKERS = (b"xl/", b"opendocument.spreadsheet")
# Control bytes that never appear in text (tab, line ends, form feed, vertical
# tab, SUB and ESC excepted).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0E, 0x0F, *range(0x10, 0x1A), *range(0x1C, 0x20)])
_NON_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)

_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
_EXCLUDED_WORD = re.compile("|".join(CONSTANT_EXCLUDED_WORDS))


class CsvFileError(ValueError):
    """The file cannot be read as CSV.

    ``str(error)`` is a sentence shown to the user as-is, saying what was wrong
    and what to do.
    """


@dataclass(frozen=True)
class CsvFormat:
    """How to read a file: found by ``analyze_csv``, stored, reused by ``read_csv``."""

    encoding: str  # Python codec name: "utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"...
    delimiter: str  # ",", ";", "\t" or "|"


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One non-empty record of the file."""

    line_number: int  # 1-based line of the file where the record starts
    values: dict[str, str]  # header key -> stripped cell ("" for a missing cell)
    cells: tuple[str, ...]  # the cells exactly as read, to write the row back out


@dataclass
class CsvAnalysis:
    """What the upload response shows about a file."""

    format: CsvFormat
    headers: dict[str, str]  # normalised key -> header as written, in file order
    constants: dict[str, list[str]]  # key -> distinct values (at most 100), first seen first
    samples: list[CsvRow]  # the first 4 non-empty data rows
    row_count: int  # non-empty data rows in the whole file
    header_line: int = 1  # the line of the column names (after a preamble, not the first)


# --------------------------------------------------------------------------- #
# Header keys
# --------------------------------------------------------------------------- #


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


def _may_hold_constants(key: str) -> bool:
    return _EXCLUDED_WORD.search(key) is None


# --------------------------------------------------------------------------- #
# Public entry points
# --------------------------------------------------------------------------- #


def analyze_csv(
    stream: BinaryIO,
    *,
    max_field_size: int = DEFAULT_MAX_FIELD_SIZE,
    max_columns: int = DEFAULT_MAX_COLUMNS,
) -> CsvAnalysis:
    """Find the file's format and read it once for headers, constants, samples and count.

    The encoding is decided from the first block (BOM, binary check, UTF-8
    check, detection). A UTF-8 guess can still meet an undecodable byte further
    on; then the pass is redone from the start with a detected legacy encoding
    (seeking the stream back to 0), ending at worst with latin-1, which decodes
    anything.
    """
    head = _read_head(stream)
    encoding, certain = _encoding_from_head(head)
    tried: set[str] = set()
    while True:
        csv_format = CsvFormat(encoding, _sniff_delimiter(head, encoding))
        replay = _ReplayedStream(head, stream) if not tried else _rewound(stream)
        try:
            return _analyze_pass(replay, csv_format, max_field_size, max_columns)
        except _UndecodableText as failure:
            if certain or encoding == "latin-1":
                raise
            if _looks_binary(failure.context):
                raise CsvFileError(_binary_line_message(failure.line_number)) from None
            tried.add(encoding)
            encoding = guess_legacy_encoding(head[:_DETECTION_CONTEXT] + b"\n" + failure.context, tried)


def read_csv(
    stream: BinaryIO,
    csv_format: CsvFormat,
    *,
    max_field_size: int = DEFAULT_MAX_FIELD_SIZE,
    max_columns: int = DEFAULT_MAX_COLUMNS,
) -> CsvReader:
    """Open ``stream`` (positioned at 0) with a known format; the header row is read at once."""
    return CsvReader(stream, csv_format, max_field_size=max_field_size, max_columns=max_columns)


class CsvReader:
    """The rows of a CSV file, read lazily in one pass; iterate it once.

    ``headers`` (key -> header as written) is set by the constructor. Iterating
    yields a ``CsvRow`` for every non-empty data row in file order. Raises
    ``CsvFileError`` (naming the line) for anything that makes the file
    unreadable, at the row where it is found.
    """

    def __init__(
        self,
        stream: BinaryIO,
        csv_format: CsvFormat,
        *,
        max_field_size: int = DEFAULT_MAX_FIELD_SIZE,
        max_columns: int = DEFAULT_MAX_COLUMNS,
    ) -> None:
        self.format = csv_format
        self._max_field_size = max_field_size
        self._max_columns = max_columns
        self._dialect = {
            "delimiter": csv_format.delimiter,
            "quotechar": '"',
            "strict": False,
        }
        self._check_cell_lengths = not _enforce_field_limit(max_field_size)
        text = _open_text(stream, csv_format.encoding)
        self._lines = _Lines(
            text,
            max_line_length=max(4 * max_field_size, 1 << 20),
            delimiter=csv_format.delimiter,
            max_columns=max_columns,
        )
        self._parser = csv.reader(iter(self._lines), **self._dialect)
        try:
            found = find_header(self._read_records())
        except NoHeaderRow as error:
            raise CsvFileError(no_header_message(error.looked_at)) from None
        if found is None:
            raise CsvFileError(
                "The file is empty: it has no header row. Upload a CSV file whose first line names the columns."
            )
        header, self._records = found
        self.header_line_number, header_cells, _ = header
        self.headers = header_keys(header_cells)

    def __iter__(self) -> Iterator[CsvRow]:
        keys = tuple(self.headers)
        width = len(keys)
        padding = [""] * width
        for line_number, cells, stripped in self._records:
            if len(stripped) < width:
                stripped += padding[len(stripped) :]
            yield CsvRow(line_number, dict(zip(keys, stripped, strict=False)), tuple(cells))

    def _read_records(self) -> Iterator[tuple[int, list[str], list[str]]]:
        """Yield (start line, cells, stripped cells) of every non-empty record.

        The hot loop of an import: kept to C calls per row. The start line of a
        record is one past the line count after the previous one, which counts
        blank lines and the extra lines of quoted multi-line cells.
        """
        parser, lines = self._parser, self._lines
        start = 1
        try:
            for cells in parser:
                line_number, start = start, parser.line_num + 1
                if lines.at_end:
                    raise CsvFileError(_unclosed_quote_message(line_number))
                stripped = list(map(str.strip, cells))
                if not any(stripped):
                    continue
                self._check_size(line_number, cells)
                yield line_number, cells, stripped
        except csv.Error as error:
            raise self._parse_error(error, start) from None
        except UnicodeDecodeError as error:
            raise self._decode_error(error) from None
        except _NulByte:
            raise CsvFileError(_binary_line_message(parser.line_num + 1)) from None
        except _TooManyCells:
            raise CsvFileError(_too_many_cells_message(parser.line_num + 1, self._max_columns)) from None
        except _LineTooLong as error:
            raise self._long_line_error(error.chunk, parser.line_num + 1) from None

    def _check_size(self, line_number: int, cells: list[str]) -> None:
        if len(cells) > self._max_columns:
            raise CsvFileError(_too_many_cells_message(line_number, self._max_columns))
        if self._check_cell_lengths and max(map(len, cells)) > self._max_field_size:
            raise CsvFileError(_long_cell_message(line_number, self._max_field_size))

    def _parse_error(self, error: csv.Error, start: int) -> CsvFileError:
        """With ``strict=False`` the parser only complains about a cell over the size limit."""
        line = self._parser.line_num
        if str(error).startswith("field larger than field limit"):
            if line > start:  # a quoted cell ran on over several lines
                return CsvFileError(_runaway_quote_message(start, line, self._max_field_size))
            return CsvFileError(_long_cell_message(line, self._max_field_size))
        return CsvFileError(
            f"Line {line:,} cannot be read as CSV ({error}). "
            "Check the quotes and delimiters of that line and upload the file again."
        )

    def _decode_error(self, error: UnicodeDecodeError) -> _UndecodableText:
        """The text layer decodes ahead of the line being read: count the lines in between."""
        line = self._parser.line_num + 1 + _line_breaks_before(error)
        context = error.object[max(0, error.start - _DETECTION_CONTEXT) : error.start + _DETECTION_CONTEXT]
        return _UndecodableText(_undecodable_message(line, self.format.encoding), line, bytes(context))

    def _long_line_error(self, chunk: str, line: int) -> CsvFileError:
        """Name the real problem of an overlong line when its beginning shows it."""
        try:
            cells = next(csv.reader([chunk], **self._dialect), [])
        except csv.Error:
            return CsvFileError(_long_cell_message(line, self._max_field_size))
        if len(cells) > self._max_columns:
            return CsvFileError(_too_many_cells_message(line, self._max_columns))
        if cells and max(map(len, cells)) > self._max_field_size:
            return CsvFileError(_long_cell_message(line, self._max_field_size))
        return CsvFileError(
            f"Line {line:,} is longer than {len(chunk):,} characters, the most this service reads in one line. "
            "Check that the file is a CSV export with one contact per line and upload it again."
        )


# --------------------------------------------------------------------------- #
# Analysis pass
# --------------------------------------------------------------------------- #


def _analyze_pass(stream: BinaryIO, csv_format: CsvFormat, max_field_size: int, max_columns: int) -> CsvAnalysis:
    reader = CsvReader(stream, csv_format, max_field_size=max_field_size, max_columns=max_columns)
    constants: dict[str, dict[str, None]] = {key: {} for key in reader.headers if _may_hold_constants(key)}
    open_columns = list(constants)  # columns still collecting values
    samples: list[CsvRow] = []
    row_count = 0
    for row in reader:
        row_count += 1
        if row_count <= SAMPLE_ROW_COUNT:
            samples.append(row)
        if open_columns:
            open_columns = _collect_constants(row.values, constants, open_columns)
    return CsvAnalysis(
        format=csv_format,
        headers=reader.headers,
        constants={key: list(values) for key, values in constants.items()},
        samples=samples,
        row_count=row_count,
        header_line=reader.header_line_number,
    )


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


def summarize_rows(headers: dict[str, str], rows: Iterator[CsvRow]) -> tuple[dict[str, list[str]], list[CsvRow], int]:
    """(constants, samples, row count) of any stream of rows, by the rules above.

    The other tabular readers (xlsx, vCard) use it, so every format shows the
    same constants and samples.
    """
    constants: dict[str, dict[str, None]] = {key: {} for key in headers if _may_hold_constants(key)}
    open_columns = list(constants)
    samples: list[CsvRow] = []
    row_count = 0
    for row in rows:
        row_count += 1
        if row_count <= SAMPLE_ROW_COUNT:
            samples.append(row)
        if open_columns:
            open_columns = _collect_constants(row.values, constants, open_columns)
    return {key: list(values) for key, values in constants.items()}, samples, row_count


# --------------------------------------------------------------------------- #
# Bytes to lines
# --------------------------------------------------------------------------- #


class _TooManyCells(Exception):
    pass


class _NulByte(Exception):
    """A line holds a NUL character: binary data, which the csv module would accept."""


class _LineTooLong(Exception):
    def __init__(self, chunk: str) -> None:
        super().__init__()
        self.chunk = chunk


class _UndecodableText(CsvFileError):
    """Bytes that the encoding cannot decode; the analysis retries with another encoding."""

    def __init__(self, message: str, line_number: int, context: bytes) -> None:
        super().__init__(message)
        self.line_number = line_number
        self.context = context  # the bytes around the first undecodable one


class _Lines:
    """The physical lines of the text (ends CR, LF or CRLF kept), as the csv parser wants them.

    Reading with a length limit keeps a file without line breaks from being
    read whole into memory. ``at_end`` turns true once the text is exhausted:
    a record the parser still returns after that was left open by a quote.
    """

    def __init__(self, text: io.TextIOWrapper, max_line_length: int, delimiter: str, max_columns: int) -> None:
        self._text = text
        self._limit = max_line_length
        self._delimiter = delimiter
        self._max_columns = max_columns
        self.at_end = False

    def __iter__(self) -> Iterator[str]:
        readline, limit = self._text.readline, self._limit
        delimiter, max_columns = self._delimiter, self._max_columns
        while line := readline(limit):
            if len(line) >= limit:
                raise _LineTooLong(line)
            if "\0" in line:
                raise _NulByte
            # A very wide line without quotes is refused by counting, before the
            # parser splits it into a list of (maybe millions of) cells.
            if len(line) > max_columns and '"' not in line and line.count(delimiter) >= max_columns:
                raise _TooManyCells
            yield line
        self.at_end = True


class _RawReader(io.RawIOBase):
    """Lets ``io.BufferedReader`` read any binary file-like object with ``read``.

    Django files and storage (S3) files are not all real ``io`` objects, and
    closing the wrappers must not close the caller's stream.
    """

    def __init__(self, stream: BinaryIO) -> None:
        super().__init__()
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _ReplayedStream:
    """The already-read head followed by the rest of the stream: no seek for the first pass."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = memoryview(head)
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._stream.read(size)
        if size is None or size < 0 or size >= len(self._head):
            data, self._head = bytes(self._head), self._head[:0]
            return data
        data, self._head = bytes(self._head[:size]), self._head[size:]
        return data


def _rewound(stream: BinaryIO) -> BinaryIO:
    stream.seek(0)
    return stream


def _open_text(stream: BinaryIO, encoding: str) -> io.TextIOWrapper:
    buffered = io.BufferedReader(_RawReader(stream), buffer_size=_READ_BUFFER_SIZE)
    text = io.TextIOWrapper(buffered, encoding=encoding, errors="strict", newline="")
    text._CHUNK_SIZE = _DECODE_CHUNK_SIZE  # type: ignore[attr-defined]  # fewer decoder calls
    return text


def _read_head(stream: BinaryIO) -> bytes:
    """The first block of the file (less only when the file is shorter)."""
    parts, size = [], 0
    while size < _HEAD_SIZE:
        part = stream.read(_HEAD_SIZE - size)
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def _enforce_field_limit(max_field_size: int) -> bool:
    """Make the C parser accept cells up to ``max_field_size``; True if it enforces exactly that.

    ``csv.field_size_limit`` is process-wide: raise it when needed but never
    lower it under another reader. When it stays higher, rows are checked in
    Python instead (``CsvReader._check_size``).
    """
    current = csv.field_size_limit()
    if current < max_field_size:
        csv.field_size_limit(max_field_size)
        return True
    return current == max_field_size


def _line_breaks_before(error: UnicodeDecodeError) -> int:
    """Line breaks between the line being read and the undecodable byte."""
    data = bytes(error.object[: error.start])
    try:
        text = data.decode(error.encoding, "replace")
    except LookupError:
        text = data.decode("latin-1")
    return text.count("\n") + text.count("\r") - text.count("\r\n")


# --------------------------------------------------------------------------- #
# Encoding
# --------------------------------------------------------------------------- #


def _encoding_from_head(head: bytes) -> tuple[str, bool]:
    """Return (encoding, certain). Only a BOM makes it certain; binary data is refused here."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, True
    wide = bomless_wide_encoding(head)
    if wide is not None:
        return wide, True
    _refuse_binary(head)
    at_end = len(head) < _HEAD_SIZE
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=at_end)
    except UnicodeDecodeError as error:
        context = head[max(0, error.start - 4 * _DETECTION_CONTEXT) : error.start + 4 * _DETECTION_CONTEXT]
        return guess_legacy_encoding(context, set()), False
    return "utf-8", False


def guess_legacy_encoding(sample: bytes, tried: set[str]) -> str:
    """Detect a non-UTF-8 encoding, preferring cp1252 whenever a Western code page fits.

    charset-normalizer alone often names cp1250, a DOS or a Mac page for text
    with few accented letters; spreadsheet exports are far more often
    Windows-1252 (a superset of ISO-8859-1 for printable text). So any Western
    candidate means cp1252; other scripts (Cyrillic, Greek, Central European,
    CJK...) keep the detector's answer. latin-1 is the last resort: it decodes
    any byte.
    """
    matches = from_bytes(sample, cp_isolation=_LEGACY_ENCODINGS)
    candidates = {name for match in matches for name in (match.encoding, *match.could_be_from_charset)}
    best = matches.best()
    if best is not None and not candidates & _WESTERN_ENCODINGS:
        name = codecs.lookup(best.encoding).name
        if name not in tried:
            return name
    if "cp1252" not in tried and _decodes(sample, "cp1252"):
        return "cp1252"
    return "latin-1"


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _refuse_binary(head: bytes) -> None:
    """Refuse images, archives, workbooks and other binary files before reading them as text."""
    if head.startswith(_OLE2_MAGIC) or (
        head.startswith(b"PK\x03\x04") and any(marker in head for marker in _SPREADSHEET_ZIP_MARKERS)
    ):
        raise CsvFileError(
            "This file is a spreadsheet workbook, not a CSV file. Open it in your spreadsheet program, "
            'save it as "CSV UTF-8" (File > Save As) and upload that file.'
        )
    for magic, kind in _MAGIC_NUMBERS:
        if head.startswith(magic):
            raise CsvFileError(_binary_file_message(f": it looks like {kind}"))
    if _looks_binary(head):
        raise CsvFileError(_binary_file_message(""))


def _looks_binary(data: bytes) -> bool:
    """Text has next to no control bytes; binary data has many (or a NUL)."""
    if b"\0" in data:
        return True
    controls = len(data.translate(None, _NON_CONTROL_BYTES))
    return controls > max(3, len(data) // 100)


# --------------------------------------------------------------------------- #
# Delimiter
# --------------------------------------------------------------------------- #


def _sniff_delimiter(head: bytes, encoding: str) -> str:
    """The delimiter that splits the header into the most columns, consistently with the next rows.

    Each candidate is tried with the csv parser itself, so a quoted cell that
    contains another candidate does not count, and the header is found for
    each as the reader finds it (after a preamble). Consistency comes first,
    so that a semicolon inside a comma file's header cannot win; then the
    number of columns; ties go to the comma. A single-column file reads as
    comma.
    """
    text = _decode_head(head, encoding)
    best, best_score = ",", (-1.0, 1)
    for delimiter in _DELIMITERS:
        rows = _first_rows(text, delimiter)
        index = header_index([[cell.strip() for cell in cells] for cells in rows]) if rows else None
        if index is None or len(rows[index]) < 2:
            continue
        width = len(rows[index])
        score = (_consistency(rows[index + 1 :], width), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _decode_head(head: bytes, encoding: str) -> str:
    """The complete lines of the head, decoded leniently (only ASCII delimiters matter)."""
    at_end = len(head) < _HEAD_SIZE
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


# --------------------------------------------------------------------------- #
# Messages shown to the user
# --------------------------------------------------------------------------- #


def _binary_file_message(kind: str) -> str:
    return (
        f"This file is not a CSV text file (it contains binary data{kind}). "
        "Export your spreadsheet as CSV and upload that."
    )


def _binary_line_message(line: int) -> str:
    return (
        f"Line {line:,} contains binary data (a NUL byte), so this is not a CSV text file. "
        "Export your spreadsheet as CSV again and upload that."
    )


def _long_cell_message(line: int, limit: int) -> str:
    return (
        f"Line {line:,} has a cell longer than {limit:,} characters, the most this service reads. "
        "Shorten that cell (or close a quote left open before it) and upload the file again."
    )


def _too_many_cells_message(line: int, limit: int) -> str:
    return (
        f"Line {line:,} has more than {limit:,} cells, the most this service reads in one row. "
        "Check that every line uses the same delimiter, remove the extra cells and upload the file again."
    )


def _runaway_quote_message(start: int, line: int, limit: int) -> str:
    return (
        f"Line {start:,}: unbalanced quotes. A quoted cell that starts on this line is still open at line {line:,}, "
        f"after more than {limit:,} characters. Close that quote (write a quote inside a cell as two quotes "
        '"") and upload the file again.'
    )


def _unclosed_quote_message(start: int) -> str:
    return (
        f"Line {start:,}: unbalanced quotes. A quoted cell that starts on this line is never closed, "
        "so the rest of the file would be read as one cell. "
        'Close that quote (write a quote inside a cell as two quotes "") and upload the file again.'
    )


def _undecodable_message(line: int, encoding: str) -> str:
    name = {
        "utf-8": "UTF-8",
        "utf-8-sig": "UTF-8",
        "utf-16": "UTF-16",
        "utf-16-le": "UTF-16",
        "utf-16-be": "UTF-16",
        "utf-32": "UTF-32",
        "utf-32-le": "UTF-32",
        "utf-32-be": "UTF-32",
    }.get(encoding, encoding)
    return (
        f"Line {line:,} contains bytes that are not valid {name} text. "
        'Save the file as UTF-8 CSV ("CSV UTF-8" in Excel) and upload it again.'
    )
