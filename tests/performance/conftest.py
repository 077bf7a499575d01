"""Fixtures of the performance tests: imports of generated files, run by the real job."""

import pytest
from django.core.files import File

from benchmarks.data import HEADERS_MAPPINGS, constants_mappings_for, write_csv
from imports import services
from imports.pipeline.job import run_import


@pytest.fixture
def generated_csv(tmp_path):
    """A seeded file of the benchmark's generator: generated_csv(rows, seed=...) -> path."""

    def make(rows: int, *, seed: int = 7):
        return write_csv(tmp_path / f"contacts-{rows}-{seed}.csv", rows, seed=seed)

    return make


@pytest.fixture
def run_csv_import(member):
    """Import a generated file into the member's account list through the real services and job.

    `queries` (a CaptureQueriesContext or None) captures the job alone, not the upload before it.
    """

    def run(path, *, account_list=None, queries=None, **attributes):
        with open(path, "rb") as handle:
            record = services.create_import(
                account_list=account_list or member.account_list,
                user=member.user,
                source="csv",
                file=File(handle, name=path.name),
                attributes={"file_headers_mappings": HEADERS_MAPPINGS, "in_preview": True, **attributes},
                in_preview_default=True,
            )
        record = services.update_import(
            import_record=record,
            attributes={"file_constants_mappings": constants_mappings_for(record.file_constants)},
            updated_in_db_at=None,
            overwrite=True,
        )
        services.start_import(import_record=record, enqueue=False)
        if queries is None:
            return run_import(str(record.pk))
        with queries:
            return run_import(str(record.pk))

    return run
