"""The files of the CSV flow: CSV, Excel (.xlsx) and vCard (.vcf), told apart by their content.

Every kind yields the same things (header keys, constants, samples, a stream
of ``CsvRow``), so mappings, samples, validation and the job treat them
alike. The kind is stored in ``Import.file_format["kind"]``; a stored format
without one is CSV (imports made before the other kinds existed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import BinaryIO

from imports.pipeline.readers.csv import (
    DEFAULT_MAX_COLUMNS,
    DEFAULT_MAX_FIELD_SIZE,
    CsvFileError,
    CsvFormat,
    CsvRow,
    analyze_csv,
    read_csv,
)
from imports.pipeline.readers.vcard import analyze_vcard, looks_like_vcard, read_vcard
from imports.pipeline.readers.xlsx import analyze_xlsx, check_archive, read_xlsx

__all__ = ["KINDS", "TabularAnalysis", "analyze_tabular", "detect_kind", "read_tabular"]

KINDS = ("csv", "xlsx", "vcard")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass
class TabularAnalysis:
    file_format: dict  # {"kind": ..., and how to read it again}
    headers: dict[str, str]
    constants: dict[str, list[str]]
    samples: list[CsvRow]
    row_count: int


def detect_kind(stream: BinaryIO) -> str:
    """ "xlsx", "vcard" or "csv", from the first bytes; a ZIP that is no workbook is refused here."""
    stream.seek(0)
    head = stream.read(4096)
    stream.seek(0)
    if head.startswith(_ZIP_MAGIC):
        check_archive(stream)  # raises, naming what the archive is, unless it is a workbook
        return "xlsx"
    if looks_like_vcard(head):
        return "vcard"
    return "csv"


def analyze_tabular(
    stream: BinaryIO,
    *,
    sheet: str | None = None,
    max_field_size: int = DEFAULT_MAX_FIELD_SIZE,
    max_columns: int = DEFAULT_MAX_COLUMNS,
) -> TabularAnalysis:
    """Read the whole file once: its format, headers, constants, samples and row count."""
    kind = detect_kind(stream)
    if sheet and kind != "xlsx":
        raise SheetNotApplicable()
    limits = {"max_field_size": max_field_size, "max_columns": max_columns}
    if kind == "xlsx":
        xlsx = analyze_xlsx(stream, sheet=sheet, **limits)
        return TabularAnalysis(xlsx.file_format, xlsx.headers, xlsx.constants, xlsx.samples, xlsx.row_count)
    if kind == "vcard":
        vcard = analyze_vcard(stream, **limits)
        return TabularAnalysis(vcard.file_format, vcard.headers, vcard.constants, vcard.samples, vcard.row_count)
    csv = analyze_csv(stream, **limits)
    file_format = {
        "kind": "csv",
        "encoding": csv.format.encoding,
        "delimiter": csv.format.delimiter,
        "header_line": csv.header_line,
    }
    return TabularAnalysis(file_format, csv.headers, csv.constants, csv.samples, csv.row_count)


def read_tabular(
    stream: BinaryIO,
    file_format: Mapping,
    *,
    max_field_size: int = DEFAULT_MAX_FIELD_SIZE,
    max_columns: int = DEFAULT_MAX_COLUMNS,
) -> Iterable[CsvRow]:
    """The rows of a stored file, read as its analysis found it (``file_format``)."""
    kind = file_format.get("kind", "csv")
    limits = {"max_field_size": max_field_size, "max_columns": max_columns}
    if kind == "xlsx":
        return read_xlsx(stream, sheet=file_format.get("sheet"), **limits)
    if kind == "vcard":
        return read_vcard(stream, **limits)
    return read_csv(stream, CsvFormat(encoding=file_format["encoding"], delimiter=file_format["delimiter"]), **limits)


class SheetNotApplicable(CsvFileError):
    def __init__(self) -> None:
        super().__init__("file_sheet applies to Excel workbooks (.xlsx) only; this file is not one.")
