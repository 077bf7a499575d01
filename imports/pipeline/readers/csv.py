"""Read uploaded contact CSV files: find their format, analyse them, stream their rows.

Pure Python: nothing here knows about Django or the database, so the same code
serves the upload (``analyze_csv``: headers, constants, samples, row count) and
the background import (``read_csv``: every row, in file order).

Both are one streaming pass over the file through the C ``csv`` module over an
``io.TextIOWrapper(newline="")``, so memory is bounded by the width of a row,
never by the number of rows. Every way a file can be unreadable ends in a
``FileReadError`` whose text is shown to the user as it is. The encoding is
found by ``encodings``, the delimiter by ``dialect``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import BinaryIO

from imports.pipeline.readers import FileReadError
from imports.pipeline.readers.dialect import sniff_delimiter
from imports.pipeline.readers.encodings import (
    DETECTION_CONTEXT,
    encoding_from_head,
    guess_legacy_encoding,
    looks_binary,
)
from imports.pipeline.readers.header_row import Record, find_table
from imports.pipeline.readers.rows import (
    DEFAULT_LIMITS,
    ReadLimits,
    TabularAnalysis,
    TabularRow,
    stripped_cells,
    summarize_rows,
)
from imports.pipeline.readers.streams import ReplayedStream, open_text, read_head, rewound

__all__ = [
    "CsvFormat",
    "CsvReader",
    "analyze_csv",
    "read_csv",
    "unclosed_quote_message",
]


@dataclass(frozen=True)
class CsvFormat:
    """How to read a file: found by ``analyze_csv``, stored, reused by ``read_csv``."""

    encoding: str  # Python codec name: "utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"...
    delimiter: str  # ",", ";", "\t" or "|"

    @classmethod
    def from_file_format(cls, file_format: Mapping) -> CsvFormat:
        return cls(encoding=file_format["encoding"], delimiter=file_format["delimiter"])

    def as_file_format(self) -> dict:
        """As stored in ``Import.file_format``."""
        return {"kind": "csv", "encoding": self.encoding, "delimiter": self.delimiter}


def analyze_csv(stream: BinaryIO, *, limits: ReadLimits = DEFAULT_LIMITS) -> TabularAnalysis:
    """Find the file's format and read it once for headers, constants, samples and count.

    The encoding is decided from the first block (BOM, binary check, UTF-8
    check, detection). A UTF-8 guess can still meet an undecodable byte further
    on; then the pass is redone from the start with a detected legacy encoding
    (seeking the stream back to 0), ending at worst with latin-1, which decodes
    anything.
    """
    head = read_head(stream)
    encoding, certain = encoding_from_head(head)
    tried: set[str] = set()
    while True:
        csv_format = CsvFormat(encoding, sniff_delimiter(head, encoding))
        replay = ReplayedStream(head, stream) if not tried else rewound(stream)
        try:
            return _analyze_pass(replay, csv_format, limits)
        except _UndecodableText as failure:
            if certain or encoding == "latin-1":
                raise
            if looks_binary(failure.context):
                raise FileReadError(_binary_line_message(failure.line_number)) from None
            tried.add(encoding)
            encoding = guess_legacy_encoding(head[:DETECTION_CONTEXT] + b"\n" + failure.context, tried)


def read_csv(stream: BinaryIO, csv_format: CsvFormat, *, limits: ReadLimits = DEFAULT_LIMITS) -> CsvReader:
    """Open ``stream`` (positioned at 0) with a known format; the header row is read at once."""
    return CsvReader(stream, csv_format, limits=limits)


class CsvReader:
    """The rows of a CSV file, read lazily in one pass; iterate it once.

    ``headers`` (key -> header as written) is set by the constructor. Iterating
    yields a ``TabularRow`` for every non-empty data row in file order. Raises
    ``FileReadError`` (naming the line) for anything that makes the file
    unreadable, at the row where it is found.
    """

    def __init__(self, stream: BinaryIO, csv_format: CsvFormat, *, limits: ReadLimits = DEFAULT_LIMITS) -> None:
        self.format = csv_format
        self._max_field_size = limits.max_field_size
        self._max_columns = limits.max_columns
        self._dialect = {
            "delimiter": csv_format.delimiter,
            "quotechar": '"',
            "strict": False,
        }
        self._check_cell_lengths = not _enforce_field_limit(limits.max_field_size)
        text = open_text(stream, csv_format.encoding)
        self._lines = _Lines(
            text,
            max_line_length=max(4 * limits.max_field_size, 1 << 20),
            delimiter=csv_format.delimiter,
            max_columns=limits.max_columns,
        )
        self._parser = csv.reader(iter(self._lines), **self._dialect)
        self._table = find_table(
            _without_excel_separator_line(self._read_records()),
            empty_message="The file is empty: it has no header row. "
            "Upload a CSV file whose first line names the columns.",
        )
        self._table.count_values_beyond_header = True
        self.header_line_number, self.headers = self._table.header_line_number, self._table.headers

    def __iter__(self) -> Iterator[TabularRow]:
        return self._table.rows()

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
                    raise FileReadError(unclosed_quote_message(line_number))
                stripped = stripped_cells(cells)
                if not any(stripped):
                    continue
                self._check_size(line_number, cells)
                yield line_number, cells, stripped
        except csv.Error as error:
            raise self._parse_error(error, start) from None
        except UnicodeDecodeError as error:
            raise self._decode_error(error) from None
        except _NulByte:
            raise FileReadError(_binary_line_message(parser.line_num + 1)) from None
        except _TooManyCells:
            raise FileReadError(_too_many_cells_message(parser.line_num + 1, self._max_columns)) from None
        except _LineTooLong as error:
            raise self._long_line_error(error.chunk, parser.line_num + 1) from None

    def _check_size(self, line_number: int, cells: list[str]) -> None:
        if len(cells) > self._max_columns:
            raise FileReadError(_too_many_cells_message(line_number, self._max_columns))
        if self._check_cell_lengths and max(map(len, cells)) > self._max_field_size:
            raise FileReadError(_long_cell_message(line_number, self._max_field_size))

    def _parse_error(self, error: csv.Error, start: int) -> FileReadError:
        """With ``strict=False`` the parser only complains about a cell over the size limit."""
        line = self._parser.line_num
        if str(error).startswith("field larger than field limit"):
            if line > start:  # a quoted cell ran on over several lines
                return FileReadError(_runaway_quote_message(start, line, self._max_field_size))
            return FileReadError(_long_cell_message(line, self._max_field_size))
        return FileReadError(
            f"Line {line:,} cannot be read as CSV ({error}). "
            "Check the quotes and delimiters of that line and upload the file again."
        )

    def _decode_error(self, error: UnicodeDecodeError) -> _UndecodableText:
        """The text layer decodes ahead of the line being read: count the lines in between."""
        line = self._parser.line_num + 1 + _line_breaks_before(error)
        context = error.object[max(0, error.start - DETECTION_CONTEXT) : error.start + DETECTION_CONTEXT]
        return _UndecodableText(_undecodable_message(line, self.format.encoding), line, bytes(context))

    def _long_line_error(self, chunk: str, line: int) -> FileReadError:
        """Name the real problem of an overlong line when its beginning shows it."""
        try:
            cells = next(csv.reader([chunk], **self._dialect), [])
        except csv.Error:
            return FileReadError(_long_cell_message(line, self._max_field_size))
        if len(cells) > self._max_columns:
            return FileReadError(_too_many_cells_message(line, self._max_columns))
        if cells and max(map(len, cells)) > self._max_field_size:
            return FileReadError(_long_cell_message(line, self._max_field_size))
        return FileReadError(
            f"Line {line:,} is longer than {len(chunk):,} characters, the most this service reads in one line. "
            "Check that the file is a CSV export with one contact per line and upload it again."
        )


def _without_excel_separator_line(records: Iterator[Record]) -> Iterator[Record]:
    """The records without Excel's "sep=;" first line: it names the delimiter (see `dialect`), it is no row.

    Split by the delimiter it names, the line is the two cells "sep=" and "".
    """
    first = next(records, None)
    if first is not None and not (first[0] == 1 and [cell.lower() for cell in first[2]] == ["sep=", ""]):
        yield first
    yield from records


def _analyze_pass(stream: BinaryIO, csv_format: CsvFormat, limits: ReadLimits) -> TabularAnalysis:
    reader = CsvReader(stream, csv_format, limits=limits)
    file_format = {**csv_format.as_file_format(), "header_line": reader.header_line_number}
    return summarize_rows(file_format, reader.headers, reader)


class _TooManyCells(Exception):
    pass


class _NulByte(Exception):
    """A line holds a NUL character: binary data, which the csv module would accept."""


class _LineTooLong(Exception):
    def __init__(self, chunk: str) -> None:
        super().__init__()
        self.chunk = chunk


class _UndecodableText(FileReadError):
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
# Messages shown to the user
# --------------------------------------------------------------------------- #


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


def unclosed_quote_message(start: int) -> str:
    """Also the TntDataSync reader's: its sections are CSV, and a quote left open reads the same way."""
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
