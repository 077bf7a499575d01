"""Read Excel workbooks (.xlsx) as the CSV flow reads CSV files: header keys, constants, samples, rows.

One sheet (the first, or the one chosen) is read in openpyxl's read-only mode,
which streams the sheet's XML: memory does not grow with the number of rows.
Rows come out as ``TabularRow`` with the sheet's own row number as their line
number, header keys are made by ``header_keys`` and constants and samples by
``summarize_rows``, exactly as for CSV.

A workbook is a ZIP archive, so its declared sizes are checked before
anything is decompressed: a small file that would inflate to gigabytes (a
"zip bomb") is refused. openpyxl parses its XML with defusedxml, which is
installed, so entity tricks are refused too. Nothing here knows Django.
"""

from __future__ import annotations

import datetime
import operator
import re
import warnings
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from itertools import islice
from typing import BinaryIO

from imports.pipeline.readers import FileReadError
from imports.pipeline.readers.header_row import find_table
from imports.pipeline.readers.rows import (
    DEFAULT_LIMITS,
    ReadLimits,
    TabularAnalysis,
    TabularRow,
    stripped_cells,
    summarize_rows,
)

__all__ = [
    "XlsxFileError",
    "XlsxReader",
    "XlsxSheetError",
    "analyze_xlsx",
    "cell_text",
    "check_archive",
    "format_digits",
    "read_xlsx",
]

WORKBOOK_PART = "xl/workbook.xml"
MAX_UNCOMPRESSED_SIZE = 4 * 1024**3  # all parts together
MAX_SHARED_STRINGS_SIZE = 256 * 1024**2  # held in memory by openpyxl
MAX_COMPRESSION_RATIO = 200  # real sheets compress 5 to 30 times
MAX_PARTS = 10_000
_RATIO_CHECK_FROM = 1024**2  # small parts may compress extremely well


class XlsxFileError(FileReadError):
    """The workbook cannot be read; ``str(error)`` is shown to the user."""


class XlsxSheetError(XlsxFileError):
    """The chosen sheet is not in the workbook."""

    def __init__(self, sheet: str, sheets: list[str]) -> None:
        self.sheet = sheet
        self.sheets = sheets
        super().__init__(f"The workbook has no sheet named {sheet!r}. Its sheets are: {', '.join(sheets)}.")


def analyze_xlsx(stream: BinaryIO, *, sheet: str | None = None, limits: ReadLimits = DEFAULT_LIMITS) -> TabularAnalysis:
    """Headers, constants, samples and row count of one sheet (the first unless ``sheet`` names one)."""
    reader = read_xlsx(stream, sheet=sheet, limits=limits)
    file_format = {
        "kind": "xlsx",
        "sheet": reader.sheet,
        "sheets": reader.sheets,
        "header_line": reader.header_line_number,
    }
    return summarize_rows(file_format, reader.headers, reader)


def read_xlsx(stream: BinaryIO, *, sheet: str | None = None, limits: ReadLimits = DEFAULT_LIMITS) -> XlsxReader:
    """Open the workbook (the stream must be seekable); the header row is read at once."""
    return XlsxReader(stream, sheet=sheet, limits=limits)


class XlsxReader:
    """The rows of one sheet, read lazily in one pass; iterate it once.

    ``headers``, ``sheet`` and ``sheets`` are set by the constructor.
    Iterating yields a ``TabularRow`` for every non-empty row under the header
    row, with its sheet row number.
    """

    def __init__(self, stream: BinaryIO, *, sheet: str | None = None, limits: ReadLimits = DEFAULT_LIMITS) -> None:
        self._max_field_size = limits.max_field_size
        self._max_columns = limits.max_columns
        check_archive(stream)
        self._workbook = _open_workbook(stream)
        self.sheets = [ws.title for ws in self._workbook.worksheets]
        if not self.sheets:
            raise XlsxFileError("The workbook has no worksheets. Save the sheet with your contacts and upload it.")
        if sheet and sheet not in self.sheets:
            raise XlsxSheetError(sheet, self.sheets)
        try:
            self.sheet = sheet or self._first_sheet_with_rows()
            worksheet = self._workbook[self.sheet]
            worksheet.reset_dimensions()  # some writers store wrong dimensions; read what is there
            self._table = find_table(
                self._non_empty_rows(worksheet.iter_rows()),
                empty_message=f"The sheet {self.sheet!r} is empty: it has no header row. "
                "Put the column names in the first row of the sheet and upload it again.",
                error=XlsxFileError,
            )
        except XlsxFileError:
            self.close()
            raise
        self.header_line_number, self.headers = self._table.header_line_number, self._table.headers

    def _first_sheet_with_rows(self) -> str:
        """The first sheet with a row under its first (the contacts), else the first sheet holding anything.

        Workbooks often open with an empty "Sheet1" or a sheet of instructions before the one with data.
        """
        first_filled = None
        for title in self.sheets:
            worksheet = self._workbook[title]
            worksheet.reset_dimensions()
            self.sheet = title  # named by a damaged sheet's message
            filled = sum(1 for _ in islice(self._non_empty_rows(worksheet.iter_rows()), 2))
            if filled == 2:
                return title
            if filled and first_filled is None:
                first_filled = title
        if first_filled is not None or len(self.sheets) == 1:
            return first_filled or self.sheets[0]  # its own message: no rows, or empty
        raise XlsxFileError(
            f"Every sheet of the workbook ({', '.join(self.sheets)}) is empty: there is nothing to import. "
            "Check that you saved the workbook that holds your contacts."
        )

    def __iter__(self) -> Iterator[TabularRow]:
        try:
            yield from self._table.rows()
        finally:
            self.close()

    def close(self) -> None:
        self._workbook.close()

    def _non_empty_rows(self, rows) -> Iterator[tuple[int, list[str], list[str]]]:
        try:
            for row_number, row in enumerate(rows, start=1):
                cells = [_shown_text(cell) for cell in row]
                while cells and not cells[-1].strip():
                    cells.pop()  # styled but empty cells at the end of a row
                if not cells:
                    continue
                stripped = stripped_cells(cells)
                if not any(stripped):
                    continue
                if len(cells) > self._max_columns:
                    raise XlsxFileError(
                        f"Row {row_number:,} of the sheet has more than {self._max_columns:,} cells, "
                        "the most this service reads in one row. Remove the extra cells and upload it again."
                    )
                if max(map(len, cells)) > self._max_field_size:
                    raise XlsxFileError(
                        f"Row {row_number:,} of the sheet has a cell longer than {self._max_field_size:,} "
                        "characters, the most this service reads. Shorten it and upload the file again."
                    )
                yield row_number, cells, stripped
        except XlsxFileError:
            raise
        except Exception as error:  # openpyxl raises many kinds for a damaged sheet
            raise XlsxFileError(
                f"The sheet {self.sheet!r} cannot be read ({type(error).__name__}). "
                "Open the file in Excel, save it again as .xlsx (or as CSV UTF-8) and upload that."
            ) from None


def check_archive(stream: BinaryIO) -> None:
    """Refuse a ZIP that is not a workbook, or whose parts would inflate beyond reason."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise XlsxFileError(
            "This file is damaged or not an Excel workbook (.xlsx). Save it again from your spreadsheet program "
            "and upload it, or save it as CSV UTF-8."
        ) from None
    finally:
        stream.seek(0)
    names = {part.filename for part in parts}
    if WORKBOOK_PART not in names:
        raise XlsxFileError(not_a_workbook_message(names))
    if len(parts) > MAX_PARTS:
        raise XlsxFileError(_bomb_message())
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > _RATIO_CHECK_FROM and part.file_size > MAX_COMPRESSION_RATIO * max(part.compress_size, 1):
            raise XlsxFileError(_bomb_message())
        if part.filename == "xl/sharedStrings.xml" and part.file_size > MAX_SHARED_STRINGS_SIZE:
            raise XlsxFileError(
                "This workbook holds more text than this service reads from an Excel file. "
                "Save the sheet as CSV UTF-8 and upload that instead."
            )
    if total > MAX_UNCOMPRESSED_SIZE:
        raise XlsxFileError(_bomb_message())


def not_a_workbook_message(names: set[str]) -> str:
    if "mimetype" in names or "content.xml" in names:
        kind = "an OpenDocument file (LibreOffice, Numbers or Google Sheets' .ods)"
    elif any(name.endswith(".iwa") for name in names):  # Apple's iWork archives
        kind = "an Apple Numbers file (in Numbers: File > Export To > Excel or CSV)"
    elif "word/document.xml" in names:
        kind = "a Word document"
    else:
        kind = "a ZIP archive"
    return (
        f"This file is {kind}, not an Excel workbook (.xlsx) or a CSV file. Save your contacts as .xlsx or as "
        "CSV UTF-8 and upload that file."
    )


def _bomb_message() -> str:
    return (
        "This workbook would take far more space unpacked than a contact list needs, so it was not opened. "
        "Save the sheet as CSV UTF-8 and upload that instead."
    )


def _open_workbook(stream: BinaryIO):
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no default style", unsupported extensions...
            return load_workbook(stream, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # InvalidFileException, KeyError, XML errors...
        raise XlsxFileError(
            f"This Excel file cannot be read ({type(error).__name__}). It may be damaged or protected by a "
            "password. Open it in Excel, save it again as .xlsx (or as CSV UTF-8) and upload that."
        ) from None


def _shown_text(cell) -> str:
    """A sheet cell as text; a whole number in a digits format as the sheet shows it (zip 02134, not 2134)."""
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        shown = format_digits(int(value), cell.number_format)
        if shown is not None:
            return shown
    return cell_text(value)


# A digits format: placeholders 0 (a digit, zero when missing) and # (a digit if any) among literal
# punctuation, as Excel's Zip Code (00000), Zip Code + 4 (00000-0000) and Phone Number formats are.
_DIGITS_SECTION = re.compile(r"(?:\[(<=|>=|<>|<|>|=)(\d+)\])?((?:[0#\- ]|\\?[()\- ])*[0#](?:[0#\- ]|\\?[()\- ])*)")
_COMPARISONS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "=": operator.eq}
_COMPARISONS["<>"] = operator.ne


def format_digits(number: int, number_format: str) -> str | None:
    """``number`` written in a digits format, or None when the format is not one (General, dates, money...).

    Only such a format changes what a whole number means: the leading zeros it adds are part of a zip
    code or an id, and Excel stores the number without them.
    """
    if number < 0 or number >= 10**15:
        return None
    for section in number_format.split(";"):
        match = _DIGITS_SECTION.fullmatch(section)
        if match is None:
            return None
        comparison, limit, pattern = match.groups()
        if comparison is None or _COMPARISONS[comparison](number, int(limit)):
            return _fill(str(number), pattern.replace("\\", ""))
    return None


def _fill(digits: str, pattern: str) -> str:
    """Digits into the placeholders from the right, as Excel shows them; digits beyond go before the first."""
    chars = list(pattern)
    slots = [position for position, ch in enumerate(pattern) if ch in "0#"]
    remaining = list(digits)
    for position in reversed(slots):
        chars[position] = remaining.pop() if remaining else ("0" if pattern[position] == "0" else "")
    chars[slots[0]] = "".join(remaining) + chars[slots[0]]
    return "".join(chars)


def cell_text(value) -> str:
    """A cell as text, as a person sees it: 60201 not 60201.0, dates as YYYY-MM-DD, booleans as TRUE/FALSE."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)
