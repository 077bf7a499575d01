"""Reading an uploaded file at upload time: what the import will be made of.

The file is analysed before it is stored, so a file that cannot be read is
refused with a message and never kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError

from imports.models import Import
from imports.pipeline.builders.tnt_lookups import LOOKUP_TABLES, TntLookups
from imports.pipeline.readers import FileReadError
from imports.pipeline.readers.rows import ReadLimits
from imports.pipeline.readers.tabular import SheetNotApplicable, analyze_tabular
from imports.pipeline.readers.tnt import analyze_tnt
from imports.pipeline.readers.tnt_data_sync import DONORS, GIFTS, analyze_data_sync
from imports.pipeline.readers.xlsx import XlsxSheetError


@dataclass
class FileAnalysis:
    """The attributes of an Import that come from its file."""

    file_format: dict
    rows_total: int
    sample_rows: list[dict]
    file_headers: dict = field(default_factory=dict)
    file_constants: dict = field(default_factory=dict)
    tnt_groups: list[dict] = field(default_factory=list)


def csv_limits() -> ReadLimits:
    return ReadLimits(max_field_size=settings.IMPORT_CSV_MAX_FIELD_SIZE, max_columns=settings.IMPORT_CSV_MAX_COLUMNS)


def data_sync_limits() -> dict:
    """A TntDataSync line is read up to the CSV cell limit: its rows are a few hundred characters."""
    return {
        "max_line_length": settings.IMPORT_CSV_MAX_FIELD_SIZE,
        "max_columns": settings.IMPORT_CSV_MAX_COLUMNS,
    }


def analyze_file(*, source: str, stream: BinaryIO, sheet: str | None = None) -> FileAnalysis:
    """Raise ValidationError on `file` with the reader's explanation when the file is unusable.

    The CSV flow also reads Excel workbooks (`sheet`: which one, default the
    first) and vCard files; the kind is found from the content.
    """
    stream.seek(0)
    try:
        analysis = ANALYZERS[source](stream, sheet)
    except (XlsxSheetError, SheetNotApplicable) as error:
        raise ValidationError({"file_sheet": [str(error)]}) from None
    except FileReadError as error:
        raise ValidationError({"file": [str(error)]}) from None
    finally:
        stream.seek(0)
    if analysis.rows_total == 0 and not analysis.file_format.get("gifts"):
        raise ValidationError({"file": [NOTHING_TO_IMPORT[source]]})
    return analysis


NOTHING_TO_IMPORT = {
    Import.Source.CSV: "The file has a header row but no data rows: there is nothing to import. "
    "Check that you exported the sheet that holds your contacts.",
    Import.Source.TNT: "The TntConnect export holds no contacts: there is nothing to import.",
    Import.Source.TNT_DATA_SYNC: "The TntDataSync file's [DONORS] and [GIFTS] sections hold no rows: "
    "there is nothing to import.",
}


def _analyze_csv(stream: BinaryIO, sheet: str | None = None) -> FileAnalysis:
    _refuse_markup(stream)
    analysis = analyze_tabular(stream, sheet=sheet, limits=csv_limits())
    return FileAnalysis(
        file_format=analysis.file_format,
        rows_total=analysis.row_count,
        sample_rows=[{"line_number": row.line_number, "values": row.values} for row in analysis.samples],
        file_headers=analysis.headers,
        file_constants=analysis.constants,
    )


XML_AS_CSV_MESSAGE = (
    "This file is XML, not CSV. If it is a TntConnect export, upload it as a TntConnect import "
    "(POST .../imports/tnt); otherwise export your contacts as CSV and upload that."
)
HTML_AS_CSV_MESSAGE = "This file is a web page (HTML), not CSV. Export your contacts as CSV and upload that."


def _refuse_markup(stream: BinaryIO) -> None:
    """An XML export or a web page saved under a .csv name would read as one odd column: refuse it.

    Whatever the upload's name or declared content type says, the content decides.
    """
    head = stream.read(1024)
    stream.seek(0)
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith((b"<?xml", b"<database")):
        raise FileReadError(XML_AS_CSV_MESSAGE)
    if text.startswith((b"<!doctype html", b"<html")):
        raise FileReadError(HTML_AS_CSV_MESSAGE)


def _analyze_data_sync(stream: BinaryIO, sheet: str | None = None) -> FileAnalysis:
    """A TntDataSync file: its organisation and sections; the donors are the rows (the gifts follow them)."""
    analysis = analyze_data_sync(stream, **data_sync_limits())
    return FileAnalysis(
        file_format={
            "kind": "tnt_data_sync",
            "encoding": analysis.encoding,
            "organization": analysis.organization,
            "donors": analysis.counts.get(DONORS, 0),
            "gifts": analysis.counts.get(GIFTS, 0),
            "day_first": analysis.day_first,
        },
        rows_total=analysis.counts.get(DONORS, 0),
        sample_rows=[{"line_number": row.line_number, "values": row.fields} for row in analysis.samples],
    )


def _analyze_tnt(stream: BinaryIO, sheet: str | None = None) -> FileAnalysis:
    analysis = analyze_tnt(stream, extra_tables=LOOKUP_TABLES)
    return FileAnalysis(
        file_format={
            "application": analysis.application,
            "version": analysis.version,
            # Which tables the file holds, in file order, with their row counts: the job plans its passes on it.
            "tables": list(analysis.tables.items()),
            "lookups": TntLookups.from_rows(analysis.extra_rows).as_json(),
        },
        rows_total=analysis.contact_count,
        sample_rows=[
            {
                "line_number": row.position,
                "tnt_id": row.tnt_id,
                "values": row.fields,
                "groups": analysis.sample_groups.get(row.tnt_id, []),
            }
            for row in analysis.samples
        ],
        tnt_groups=[
            {
                "id": group.id,
                "description": group.description,
                "category": group.category,
                "path_name": group.path_name,
                "contacts": analysis.group_sizes.get(group.id, 0),
            }
            for group in analysis.groups
        ],
    )


ANALYZERS = {
    Import.Source.CSV: _analyze_csv,
    Import.Source.TNT: _analyze_tnt,
    Import.Source.TNT_DATA_SYNC: _analyze_data_sync,
}
