"""Imports made the way the API makes them (services, then the real job), for admin, email and browser tests."""

from __future__ import annotations

from imports import services
from imports.models import Import
from imports.pipeline.job import run_import
from tests.imports.helpers import CUSTOM_CONSTANTS_MAPPINGS, CUSTOM_HEADERS_MAPPINGS, upload

INVALID_ROWS = "sample_csv_with_some_invalid_rows.csv"


def csv_import(
    *, account_list, user, name: str = INVALID_ROWS, content: bytes | None = None, run: bool = True, **attributes
) -> Import:
    """Upload, map with the custom mappings (only the columns the file has), and run the job unless run=False."""
    import_record = services.create_import(
        account_list=account_list,
        user=user,
        source=Import.Source.CSV,
        file=upload(name, content=content),
        attributes={"in_preview": True, **attributes},
        in_preview_default=True,
    )
    headers = {field: key for field, key in CUSTOM_HEADERS_MAPPINGS.items() if key in import_record.file_headers}
    constants = {field: entries for field, entries in CUSTOM_CONSTANTS_MAPPINGS.items() if field in headers}
    import_record = services.update_import(
        import_record=import_record,
        attributes={"file_headers_mappings": headers, "file_constants_mappings": constants},
        updated_in_db_at=None,
        overwrite=True,
    )
    if run:
        services.start_import(import_record=import_record, enqueue=False)
        import_record = run_import(str(import_record.pk))
    return import_record


def nameless_rows(count: int) -> bytes:
    """A file whose every row fails (neither a name nor an email): `count` failures, one per line."""
    lines = ["fname,lname,email-address,extra-notes"] + [f",,,note {n}" for n in range(count)]
    return ("\n".join(lines) + "\n").encode()


def named_rows(count: int) -> bytes:
    lines = ["fname,lname,email-address"] + [f"Ann{n},Lee,ann{n}@example.com" for n in range(count)]
    return ("\n".join(lines) + "\n").encode()
