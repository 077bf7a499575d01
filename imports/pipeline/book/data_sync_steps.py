"""The steps of a TntDataSync import: the donors (contacts and donor accounts), then the gifts.

The donors are the import's rows: each batch of the [DONORS] section
commits its contacts (through the contact writer), their donor accounts and
the `donors` counters together. The gifts are read in a second pass over
the stored file; each batch commits its donations, its failed rows and the
`donations` counters (`Import.tnt_steps`) together, so a job started again
after a crash skips exactly the gifts its committed batches read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import islice
from typing import BinaryIO

from django.conf import settings

from imports.models import SUMMARY_COUNTERS, Import, ImportFailure
from imports.pipeline.analysis import data_sync_limits
from imports.pipeline.book.data_sync_writer import (
    DataSyncContext,
    data_sync_context,
    organization_for,
    repeated_gift_message,
    write_donations,
    write_donor_accounts,
)
from imports.pipeline.book.writer import StepResult
from imports.pipeline.builders.drafts import RowError
from imports.pipeline.builders.tnt_data_sync import build_gift
from imports.pipeline.columns import refuse_overlong
from imports.pipeline.readers.tnt_data_sync import GIFTS, DataSyncRow, iter_section
from imports.pipeline.sources import BuiltRow, data_sync_cells, data_sync_options
from imports.pipeline.writer import BatchResult

DONORS_STEP, DONATIONS_STEP = "donors", "donations"
STEPS = (DONORS_STEP, DONATIONS_STEP)


def prepare(import_record: Import) -> DataSyncContext:
    """The organisation the file is from (found or made) and, once, the steps' counters in summary order."""
    options = data_sync_options(import_record)
    organization = organization_for(
        account_list_id=import_record.account_list_id, import_id=import_record.pk, organization=options.organization
    )
    return data_sync_context(import_record, organization)


def initial_steps(import_record: Import) -> dict:
    steps = dict(import_record.tnt_steps)
    for name in STEPS:
        steps.setdefault(name, _zeros())
    return steps


def write_donors(import_record: Import, context: DataSyncContext, batch: list[BuiltRow], written: BatchResult) -> dict:
    """The donor accounts of a batch whose contacts `written` holds; returns the import's new tnt_steps."""
    donors = [row.donor for row in batch if row.draft is not None]
    result = write_donor_accounts(context, list(zip(donors, written.contact_ids, strict=True))) if donors else None
    return _add(import_record, DONORS_STEP, processed=len(batch), result=result or StepResult(), failed=0)


def import_gifts(
    import_record: Import,
    context: DataSyncContext,
    stream: BinaryIO,
    *,
    before_batch: Callable[[], None],
    commit: Callable[[Callable[[], dict]], None],
) -> None:
    """The [GIFTS] section, batch by batch, from where the committed batches stopped."""
    counters = import_record.tnt_steps.get(DONATIONS_STEP, {})
    if counters.get("done"):
        return
    rows = iter_section(stream, GIFTS, encoding=import_record.file_format["encoding"], **data_sync_limits())
    rows = islice(rows, counters.get("processed", 0), None)
    for batch in _batches(rows, settings.IMPORT_BATCH_SIZE):
        before_batch()
        commit(lambda batch=batch: _write_gifts(import_record, context, batch))
    commit(lambda: {**import_record.tnt_steps, DONATIONS_STEP: {**_zeros(), **_counters(import_record), "done": True}})


def _write_gifts(import_record: Import, context: DataSyncContext, rows: list[DataSyncRow]) -> dict:
    options = data_sync_options(import_record)
    gifts, failures = [], []
    by_id: dict[str, DataSyncRow] = {}  # DONATION_ID -> the batch's row that gives it first
    for row in rows:
        try:
            gift = build_gift(row, options)
            refuse_overlong(gift, where="[GIFTS] ")
        except RowError as error:
            failures.append(_failure(import_record, row, str(error)))
            continue
        if first := by_id.get(gift.donation_id):
            message = repeated_gift_message(gift.donation_id, first.line_number)
            failures.append(_failure(import_record, row, f"[GIFTS] {message}"))
            continue
        by_id[gift.donation_id] = row
        gifts.append(gift)
    result = write_donations(context, gifts) if gifts else StepResult()
    failures += [
        _failure(import_record, by_id[donation_id], f"[GIFTS] {message}") for donation_id, message in result.failures
    ]
    ImportFailure.objects.bulk_create(failures)
    return _add(import_record, DONATIONS_STEP, processed=len(rows), result=result, failed=len(failures))


def _failure(import_record: Import, row: DataSyncRow, message: str) -> ImportFailure:
    return ImportFailure(
        import_record_id=import_record.pk,
        line_number=row.line_number,
        message=message,
        fields=data_sync_cells(row, "DONATION_ID"),
    )


def _add(import_record: Import, step: str, *, processed: int, result: StepResult, failed: int) -> dict:
    counters = dict(import_record.tnt_steps.get(step) or _zeros())
    for key, value in (
        ("processed", processed),
        ("created", result.created),
        ("updated", result.updated),
        ("skipped", result.skipped),
        ("failed", failed),
    ):
        counters[key] = counters.get(key, 0) + value
    return {**import_record.tnt_steps, step: counters}


def _counters(import_record: Import) -> dict:
    return import_record.tnt_steps.get(DONATIONS_STEP, {})


def _zeros() -> dict:
    return {"processed": 0, **dict.fromkeys(SUMMARY_COUNTERS, 0)}


def _batches(rows: Iterator[DataSyncRow], size: int) -> Iterator[list[DataSyncRow]]:
    while batch := list(islice(rows, size)):
        yield batch
