"""The check of a TntConnect file's other tables (tasks, history, appeals, pledges, donors, gifts...).

Each row is read and built as the import's step drafts it (`tnt_steps.STEPS`), in one streaming
pass, and counted per step: the rows it would read, skip (as the builder skips them) and fail, with
the failing rows kept like the contacts' (`CheckFailure`). Whether a built row would create or
update a record, and the failures only a write finds (a gift of an unknown donor), depend on the
records the import writes before it: the contacts' figures are the check's exact ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from django.conf import settings

from imports.models import CheckFailure, Import
from imports.pipeline.book.tnt_steps import STEPS, failure_of
from imports.pipeline.builders.drafts import RowError
from imports.pipeline.builders.tnt_book import SkipRow
from imports.pipeline.builders.tnt_lookups import TntLookups
from imports.pipeline.readers.tnt import iter_tnt_rows


def check_book(
    import_record: Import,
    stream: BinaryIO,
    *,
    generation: int,
    commit: Callable[[list[CheckFailure], dict], None],
) -> dict[str, dict[str, int]]:
    """Step name -> {"rows", "skipped", "failed"}; `commit(failures, tables)` keeps each batch's outcome."""
    lookups = TntLookups.from_json(import_record.file_format.get("lookups", {}))
    step_of = {table: step for step in STEPS for table in step.tables}
    tables = {step.name: {"rows": 0, "skipped": 0, "failed": 0} for step in STEPS}
    failures: list[CheckFailure] = []
    stream.seek(0)
    for number, row in enumerate(iter_tnt_rows(stream, set(step_of)), start=1):
        step = step_of[row.table]
        figures = tables[step.name]
        figures["rows"] += 1
        try:
            step.draft(row, lookups)
        except SkipRow:
            figures["skipped"] += 1
        except RowError as error:
            figures["failed"] += 1
            failures.append(failure_of(CheckFailure, import_record, row, str(error), generation=generation))
        if number % settings.IMPORT_BATCH_SIZE == 0:
            commit(failures, tables)
            failures = []
    commit(failures, tables)
    return tables
