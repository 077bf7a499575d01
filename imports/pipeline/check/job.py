"""The background check: the whole file through the import's reader, builder and matching, writing no contact.

It reads the rows as the job reads them (`sources.rows_of`, or a Google
account's pages), in the job's batches, and hands each batch to the
`CheckWriter`, which matches and merges it as the import would and keeps the
outcome in scratch tables instead of contacts. Each batch commits its failed
rows (`CheckFailure`) and the counters in `Import.check_result` together,
only while the check is still the import's current one (`check_generation`)
under the attempt that claimed it, and while the import is still in preview:
a mapping changed meanwhile clears the check, and the stale job then stops
without writing over the cleared state.

A check writes nothing but its own rows, so a check whose worker died starts
again from the first row (`imports.pipeline.recovery` hands it back).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import closing
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from imports.google import people_api_for_import, refresh_groups
from imports.models import CHECK_COUNTERS, CheckFailure, Import, api_time, check_ended
from imports.pipeline.book import tnt_references
from imports.pipeline.check.book import check_book
from imports.pipeline.check.writer import CheckWriter, discard_scratch
from imports.pipeline.google_pages import google_pages
from imports.pipeline.job import short_error, tuned_for_a_job
from imports.pipeline.lease import Heartbeat, holder_is_gone, is_stale, this_process
from imports.pipeline.read_ahead import read_ahead
from imports.pipeline.sources import BuiltRow, failures_of, rows_of, tnt_options

logger = logging.getLogger(__name__)

STARTED_AFTER_CHECK = "The import was started before the check ended; the check stopped."


class LostCheck(Exception):
    """The check is no longer the import's current one (cleared, replaced, or taken over): stop, write nothing."""


def run_check(import_id: str, generation: int, *, on_progress=None) -> Import:
    """Run one check to its end (from the first row). Safe to call again: a finished or stale check is left alone.

    `on_progress(rows)` is called after each batch with the rows read so far.
    """
    import_record = _claim(import_id, generation)
    if import_record is None:
        return Import.objects.get(pk=import_id)
    counters = dict.fromkeys(CHECK_COUNTERS, 0)
    writer = CheckWriter(import_record=import_record, generation=generation)
    try:
        attempt = import_record.check_attempts
        heartbeat = CheckHeartbeat(import_id=import_record.pk, generation=generation, attempt=attempt)
        with heartbeat, tuned_for_a_job():
            _check_rows(import_record, writer, counters, on_progress=on_progress)
    except LostCheck:
        _stop_if_started(import_record, generation)
    except Exception as error:  # the check fails with a sentence; the trace goes to the log only
        logger.exception("Check %s of import %s failed", generation, import_record.pk)
        _finish(import_record, generation, counters, status="failed", error=short_error(error, subject="The check"))
    else:
        _finish(import_record, generation, counters, status="complete")
    finally:
        writer.discard()
    import_record.refresh_from_db()
    return import_record


def _claim(import_id: str, generation: int) -> Import | None:
    """Take the check (a new attempt, from the first row); None when it is not this check's to run."""
    now = timezone.now()
    with transaction.atomic():
        import_record = Import.objects.select_for_update().filter(pk=import_id).first()
        if import_record is None or import_record.check_generation != generation:
            return None
        if import_record.check_result.get("status") != "running":
            return None
        if import_record.check_lease_holder and not _holder_is_gone(import_record, now):
            return None
        if import_record.status != Import.Status.PREVIEW:
            _write_outcome(import_record, generation, status="failed", error=STARTED_AFTER_CHECK)
            return None
        import_record.check_result = {
            **import_record.check_result,
            **dict.fromkeys(CHECK_COUNTERS, 0),
            "tables": {},
            "started_at": api_time(now),
        }
        import_record.check_lease_holder = this_process()
        import_record.check_heartbeat_at = now
        import_record.check_attempts += 1
        import_record.save(update_fields=["check_result", "check_lease_holder", "check_heartbeat_at", "check_attempts"])
        # An earlier attempt of this check may have left rows behind: it starts again from the first row.
        CheckFailure.objects.filter(import_record=import_record, generation=generation).delete()
    discard_scratch(import_id=import_record.pk, generation=generation)
    return import_record


def _holder_is_gone(import_record: Import, now) -> bool:
    return is_stale(import_record.check_heartbeat_at, now) or holder_is_gone(import_record.check_lease_holder)


class CheckHeartbeat(Heartbeat):
    """The check's heartbeat: moves `check_heartbeat_at` while this check still holds it."""

    def __init__(self, *, import_id, generation: int, attempt: int) -> None:
        super().__init__(import_id=import_id, attempt=attempt)
        self.generation = generation

    def beat(self) -> bool:
        return bool(_owned(self.import_id, self.generation, self.attempt).update(check_heartbeat_at=timezone.now()))


def _owned(import_id, generation: int, attempt: int):
    """The import while this check (generation, attempt) is its current, running one and it is in preview."""
    return Import.objects.filter(
        pk=import_id,
        check_generation=generation,
        check_attempts=attempt,
        check_result__status="running",
        status=Import.Status.PREVIEW,
    )


def _check_rows(import_record: Import, writer: CheckWriter, counters: dict, *, on_progress=None) -> None:
    if import_record.source == Import.Source.GOOGLE:
        api = people_api_for_import(import_record)
        refresh_groups(import_record, api)  # the groups' current names, as the import's tags would have them
        for page in google_pages(import_record, api):
            _check_batch(import_record, writer, page.rows, counters)
            if on_progress:
                on_progress(counters["rows"])
        return
    with import_record.file.open("rb") as stream:
        groups = None
        if import_record.source == Import.Source.TNT:  # the groups' members, as the job reads them ahead
            tnt_references.stage(import_record, stream, tnt_references.staged_tables(import_record))
            stream.seek(0)
            groups = tnt_options(import_record, group_members={})
        # The next batch is read and built while this one is matched (imports/pipeline/read_ahead.py).
        batches = read_ahead(_in_batches(rows_of(import_record, stream), settings.IMPORT_BATCH_SIZE))
        with closing(batches):
            for batch in batches:
                if groups is not None:
                    batch = tnt_references.with_groups(import_record, groups, batch)
                _check_batch(import_record, writer, batch, counters)
                if on_progress:
                    on_progress(counters["rows"])
        if import_record.source == Import.Source.TNT:
            check_book(import_record, stream, generation=writer.generation, commit=_book_commit(import_record, writer))
            tnt_references.discard(import_record)


def _book_commit(import_record: Import, writer: CheckWriter):
    """How the TntConnect tables' batches are kept: their failed rows and figures, while the check is current."""

    def commit(failures: list[CheckFailure], tables: dict) -> None:
        check_result = {**import_record.check_result, "tables": tables}
        with transaction.atomic():
            CheckFailure.objects.bulk_create(failures)
            owned = _owned(import_record.pk, writer.generation, import_record.check_attempts)
            if not owned.update(check_result=check_result, check_heartbeat_at=timezone.now()):
                raise LostCheck()
        import_record.check_result = check_result

    return commit


def _in_batches(rows: Iterator[BuiltRow], size: int) -> Iterator[list[BuiltRow]]:
    while batch := list(islice(rows, size)):
        yield batch


def _check_batch(import_record: Import, writer: CheckWriter, batch: list[BuiltRow], counters: dict) -> None:
    """What the import would do with one batch, its failed rows and the counters, in one transaction."""
    generation, attempt = writer.generation, import_record.check_attempts
    good = [row for row in batch if row.draft is not None]
    failed = failures_of(batch, CheckFailure, import_record_id=import_record.pk, generation=generation)
    with transaction.atomic():
        result = writer.check([row.draft for row in good], [row.line_number for row in good]) if good else None
        CheckFailure.objects.bulk_create(failed)
        new_counters = {
            "rows": counters["rows"] + len(batch),
            "would_create": counters["would_create"] + (result.created if result else 0),
            "would_update": counters["would_update"] + (result.updated if result else 0),
            "would_fail": counters["would_fail"] + len(failed),
            "possible_duplicates": counters["possible_duplicates"] + (result.possible_duplicates if result else 0),
        }
        check_result = {**import_record.check_result, **new_counters}
        if not _owned(import_record.pk, generation, attempt).update(
            check_result=check_result, check_heartbeat_at=timezone.now()
        ):
            raise LostCheck()  # rolls the batch back
    counters.update(new_counters)
    import_record.check_result = check_result


def _finish(import_record: Import, generation: int, counters: dict, *, status: str, error: str = "") -> None:
    """The outcome, with the counters (and the tables' figures, in check_result already)."""
    now = timezone.now()
    check_result = {**import_record.check_result, **counters, **check_ended(status, now, error)}
    _owned(import_record.pk, generation, import_record.check_attempts).update(
        check_result=check_result, check_heartbeat_at=now, check_lease_holder=""
    )


def _stop_if_started(import_record: Import, generation: int) -> None:
    """A check that lost its hold because the import started (not because it was cleared) says so."""
    with transaction.atomic():
        current = Import.objects.select_for_update().get(pk=import_record.pk)
        still_ours = current.check_generation == generation and current.check_attempts == import_record.check_attempts
        if still_ours and current.check_result.get("status") == "running" and current.status != Import.Status.PREVIEW:
            _write_outcome(current, generation, status="failed", error=STARTED_AFTER_CHECK)


def _write_outcome(import_record: Import, generation: int, *, status: str, error: str = "") -> None:
    now = timezone.now()
    import_record.check_result = {**import_record.check_result, **check_ended(status, now, error)}
    Import.objects.filter(pk=import_record.pk, check_generation=generation).update(
        check_result=import_record.check_result, check_heartbeat_at=now, check_lease_holder=""
    )
