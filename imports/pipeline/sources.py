"""From an import's file to a stream of (row, draft or error): one pipeline per source.

The job and the samples both go through here, so a preview is built exactly
as the import will be.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from imports.models import Import
from imports.pipeline.analysis import csv_limits, data_sync_limits
from imports.pipeline.builders.csv import CsvContactBuilder
from imports.pipeline.builders.drafts import ContactDraft, DonorAccountDraft, RowError
from imports.pipeline.builders.google import GoogleImportOptions, build_google_contact
from imports.pipeline.builders.tnt import TntImportOptions, build_tnt_contact
from imports.pipeline.builders.tnt_data_sync import DataSyncOptions, DataSyncOrganization, build_donor
from imports.pipeline.builders.tnt_lookups import TntLookups
from imports.pipeline.columns import refuse_overlong, tnt_id_error
from imports.pipeline.readers.header_row import too_wide_row
from imports.pipeline.readers.tabular import read_tabular
from imports.pipeline.readers.tnt import TntContactRow, TntGroup, iter_tnt_contacts
from imports.pipeline.readers.tnt_data_sync import DONORS, DataSyncRow, iter_section


@dataclass
class BuiltRow:
    line_number: int
    cells: list[str]  # what the failures CSV writes back for this row
    draft: ContactDraft | None
    error: str = ""
    skipped: bool = False  # deliberately not imported (a TNT contact in none of the chosen groups)
    donor: DonorAccountDraft | None = None  # TntDataSync: the donor account written beside the contact


def failures_of(batch: list[BuiltRow], model, **fields) -> list:
    """Unsaved failure records (`ImportFailure`, `CheckFailure`) of the batch's rows that became no draft."""
    return [
        model(line_number=row.line_number, message=row.error, fields=row.cells, **fields)
        for row in batch
        if row.draft is None and not row.skipped
    ]


def csv_builder(import_record: Import) -> CsvContactBuilder:
    return CsvContactBuilder(
        file_headers_mappings=import_record.file_headers_mappings,
        file_constants_mappings=import_record.file_constants_mappings,
        tag_list=import_record.tag_list,
    )


def tnt_options(import_record: Import, *, group_members: dict[str, list[str]]) -> TntImportOptions:
    groups = {
        g["id"]: TntGroup(
            id=g["id"],
            description=g["description"],
            category=g["category"],
            path_name=g["path_name"],
        )
        for g in import_record.tnt_groups
    }
    return TntImportOptions(
        version=import_record.file_format.get("version", ""),
        groups_by_id=groups,
        group_members=group_members,
        group_tags=import_record.group_tags,
        tag_list=import_record.tag_list,
        lookups=TntLookups.from_json(import_record.file_format.get("lookups", {})),
    )


def google_options(import_record: Import) -> GoogleImportOptions:
    return GoogleImportOptions(
        group_names={group["resource_name"]: group["name"] for group in import_record.google_groups},
        group_tags=import_record.group_tags,
        tag_list=import_record.tag_list,
    )


def build(builder, values) -> tuple[ContactDraft | None, str]:
    """The draft of one row, or why the row cannot be imported: what the builder refuses, or a value too
    long for its column (`columns.refuse_overlong`). The job and the samples both build through here."""
    try:
        draft = builder(values)
        refuse_overlong(draft)
    except RowError as error:
        return None, str(error)
    return draft, ""


def csv_rows(import_record: Import, stream: BinaryIO) -> Iterator[BuiltRow]:
    # The CSV flow reads CSV, Excel and vCard files: read_tabular dispatches on file_format["kind"]
    # ("csv", "xlsx", "vcard"; a format stored without a kind is CSV).
    builder = csv_builder(import_record)
    delimiter = import_record.file_format.get("delimiter", ",")
    for row in read_tabular(stream, import_record.file_format, limits=csv_limits()):
        if row.values_beyond_header:
            draft, error = None, _shifted_row_message(len(row.values), row.values_beyond_header, delimiter)
        else:
            draft, error = build(builder.build, row.values)
        yield BuiltRow(line_number=row.line_number, cells=list(row.cells), draft=draft, error=error)


def _shifted_row_message(columns: int, beyond: int, delimiter: str) -> str:
    """Why a CSV row with values beyond the header's last column fails (see TabularRow.values_beyond_header)."""
    return (
        f"This row {too_wide_row(columns + beyond, columns, delimiter)} (the file's delimiter) must be in quotes. "
        "Correct the row and import it again."
    )


def tnt_rows(import_record: Import, stream: BinaryIO) -> Iterator[BuiltRow]:
    # Group membership is a table of its own: the job resolves it per batch (imports/pipeline/book/tnt_references.py).
    options = tnt_options(import_record, group_members={})
    for row in iter_tnt_contacts(stream):
        # A contact without an id is still matched by its name; one with an id too long to keep, not at all.
        if error := tnt_id_error("Contact", row.tnt_id, row.position, required=False):
            draft = None
        else:
            draft, error = build(lambda r: build_tnt_contact(r, options), row)
        cells = ["Contact", row.tnt_id, row.fields.get("FileAs", "")]
        yield BuiltRow(line_number=row.position, cells=cells, draft=draft, error=error)


def data_sync_options(import_record: Import) -> DataSyncOptions:
    return DataSyncOptions(
        organization=DataSyncOrganization.from_section(import_record.file_format.get("organization", {})),
        day_first=import_record.file_format.get("day_first", False),
        tag_list=import_record.tag_list,
    )


def data_sync_cells(row: DataSyncRow, id_column: str) -> list[str]:
    """A TntDataSync row in the failures CSV: its section, id and account name."""
    return [row.section, row.fields.get(id_column, ""), row.fields.get("ACCT_NAME", "")]


def data_sync_rows(import_record: Import, stream: BinaryIO) -> Iterator[BuiltRow]:
    """The [DONORS] section (one pass over the file): each row a contact and its donor account."""
    options = data_sync_options(import_record)
    for row in iter_section(stream, DONORS, encoding=import_record.file_format["encoding"], **data_sync_limits()):
        cells = data_sync_cells(row, "PEOPLE_ID")
        try:
            draft, donor = donor_row(row, options)
        except RowError as error:
            yield BuiltRow(line_number=row.line_number, cells=cells, draft=None, error=str(error))
            continue
        yield BuiltRow(line_number=row.line_number, cells=cells, draft=draft, donor=donor)


def donor_row(row: DataSyncRow, options: DataSyncOptions) -> tuple[ContactDraft, DonorAccountDraft]:
    """A [DONORS] row's contact and donor account; RowError when the builder refuses it or a value of
    either is too long for its column (as `build` refuses a contact's)."""
    draft, donor = build_donor(row, options)
    refuse_overlong(draft, donor, where="[DONORS] ")
    return draft, donor


def rows_of(import_record: Import, stream: BinaryIO) -> Iterator[BuiltRow]:
    if import_record.source == Import.Source.TNT:
        return tnt_rows(import_record, stream)
    if import_record.source == Import.Source.TNT_DATA_SYNC:
        return data_sync_rows(import_record, stream)
    return csv_rows(import_record, stream)


def failure_headers(import_record: Import) -> list[str]:
    """Column names of the failures CSV after "Error Message": the file's own headers."""
    if import_record.source == Import.Source.TNT:
        return ["Table", "TntConnect ID", "Name"]
    if import_record.source == Import.Source.TNT_DATA_SYNC:
        return ["Section", "PEOPLE_ID or DONATION_ID", "ACCT_NAME"]
    if import_record.source == Import.Source.GOOGLE:
        return ["Google Resource Name", "Name"]
    return list(import_record.ordered_file_headers.values())


def sample_drafts(import_record: Import) -> Iterator[tuple[int, ContactDraft]]:
    """Drafts of the stored first rows; rows that cannot become contacts are left out."""
    build_sample = sample_builder(import_record)
    for stored in import_record.sample_rows:
        draft, _ = build(build_sample, stored)
        if draft is not None:
            yield stored["line_number"], draft


def sample_builder(import_record: Import) -> Callable[[dict], ContactDraft]:
    """The source's builder, applied to a stored sample row (``Import.sample_rows``) as to a row of its file."""
    if import_record.source == Import.Source.TNT:
        members = {}
        options = tnt_options(import_record, group_members=members)

        def build_tnt_sample(stored: dict) -> ContactDraft:
            members[stored["tnt_id"]] = stored.get("groups", [])
            row = TntContactRow(tnt_id=stored["tnt_id"], fields=stored["values"], position=stored["line_number"])
            return build_tnt_contact(row, options)

        return build_tnt_sample
    if import_record.source == Import.Source.TNT_DATA_SYNC:
        options = data_sync_options(import_record)
        return lambda stored: donor_row(DataSyncRow(DONORS, stored["line_number"], stored["values"], ()), options)[0]
    if import_record.source == Import.Source.GOOGLE:
        options = google_options(import_record)
        return lambda stored: build_google_contact(stored["person"], options)
    builder = csv_builder(import_record)
    return lambda stored: builder.build(stored["values"])
