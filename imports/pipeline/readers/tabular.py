"""The files of the CSV flow: CSV, Excel (.xlsx) and vCard (.vcf), told apart by their content.

Every kind yields the same things (header keys, constants, samples, a stream
of ``TabularRow``), so mappings, samples, validation and the job treat them
alike. The kind is stored in ``Import.file_format["kind"]``; a stored format
without one is CSV (imports made before the other kinds existed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import BinaryIO

from imports.pipeline.readers import FileReadError
from imports.pipeline.readers.csv import CsvFormat, analyze_csv, read_csv
from imports.pipeline.readers.rows import DEFAULT_LIMITS, ReadLimits, TabularAnalysis, TabularRow
from imports.pipeline.readers.vcard import analyze_vcard, looks_like_vcard, read_vcard
from imports.pipeline.readers.xlsx import analyze_xlsx, check_archive, read_xlsx

__all__ = ["SheetNotApplicable", "analyze_tabular", "detect_kind", "read_tabular"]

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


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
    stream: BinaryIO, *, sheet: str | None = None, limits: ReadLimits = DEFAULT_LIMITS
) -> TabularAnalysis:
    """Read the whole file once: its format, headers, constants, samples and row count."""
    kind = detect_kind(stream)
    if sheet and kind != "xlsx":
        raise SheetNotApplicable()
    if kind == "xlsx":
        return analyze_xlsx(stream, sheet=sheet, limits=limits)
    if kind == "vcard":
        return analyze_vcard(stream, limits=limits)
    return analyze_csv(stream, limits=limits)


def read_tabular(
    stream: BinaryIO, file_format: Mapping, *, limits: ReadLimits = DEFAULT_LIMITS
) -> Iterable[TabularRow]:
    """The rows of a stored file, read as its analysis found it (``file_format``)."""
    kind = file_format.get("kind", "csv")
    if kind == "xlsx":
        return read_xlsx(stream, sheet=file_format.get("sheet"), limits=limits)
    if kind == "vcard":
        return read_vcard(stream, limits=limits)
    return read_csv(stream, CsvFormat.from_file_format(file_format), limits=limits)


class SheetNotApplicable(FileReadError):
    def __init__(self) -> None:
        super().__init__("file_sheet applies to Excel workbooks (.xlsx) only; this file is not one.")
