"""The background import: streams the file, writes contacts in batches, keeps counters.

Each batch commits its contacts, its failed rows and the counters together,
so `rows_processed` always says exactly how far the import got. A job that
starts again after a crash skips that many rows and goes on: nothing is lost
and nothing is written twice.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from functools import partial
from itertools import islice

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from contacts.models import Contact, EmailAddress, Person
from google_contacts.errors import GoogleError
from imports.google import people_api_for_import, refresh_groups
from imports.models import Import, ImportFailure
from imports.notifications import send_import_finished
from imports.pipeline import change_log
from imports.pipeline.book import data_sync_steps, tnt_references
from imports.pipeline.book.data_sync_writer import DataSyncContext
from imports.pipeline.book.tnt_steps import BookSteps, commit_steps
from imports.pipeline.builders.tnt_lookups import TntLookups
from imports.pipeline.bulk_insert import ANALYZE_AFTER_BATCHES, refresh_planner_statistics
from imports.pipeline.google_pages import google_pages
from imports.pipeline.lease import Heartbeat, holder_is_gone, is_stale, this_process
from imports.pipeline.read_ahead import read_ahead
from imports.pipeline.readers.tnt import analyze_tnt
from imports.pipeline.retries import retried
from imports.pipeline.sources import BuiltRow, failures_of, rows_of, tnt_options
from imports.pipeline.writer import BatchResult, ContactWriter

logger = logging.getLogger(__name__)

# Young-generation threshold of the cyclic garbage collector while a job runs (Python's default: 700).
JOB_GC_THRESHOLD = (50_000, 20, 100)
# Seconds between GIL hand-overs while a job runs (Python's default: 0.005).
JOB_SWITCH_INTERVAL = 0.001
# SQLite page cache of the job's connection, in KiB (SQLite's default: 2,000).
JOB_SQLITE_CACHE_KIB = 65_536
# ... while a TntConnect import writes the rest of the book (see _smaller_sqlite_cache).
BOOK_SQLITE_CACHE_KIB = 16_384
# Write-ahead log pages after which the job's SQLite connection checkpoints (SQLite's default: 1,000).
JOB_SQLITE_CHECKPOINT_PAGES = 10_000


class ImportCancelled(Exception):
    pass


class LostLease(Exception):
    """Another worker took this import over (this one was thought dead); stop without writing."""


# The tables the contacts' matching reads, whose statistics are refreshed as they grow.
ANALYZED_MODELS = (Contact, Person, EmailAddress)


def run_import(import_id: str, *, on_progress=None) -> Import:
    """Run (or resume) one import to its end. Safe to call again for the same import."""
    import_record = _claim(import_id)
    if import_record is None:
        return Import.objects.get(pk=import_id)
    try:
        with (
            Heartbeat(import_id=import_record.pk, attempt=import_record.attempts),
            tuned_for_a_job(),
            change_log.recording(import_record.pk),
        ):
            _import_rows(import_record, on_progress=on_progress)
    except LostLease:
        logger.warning("Import %s was taken over by another worker; this one stops", import_record.pk)
        import_record.refresh_from_db()
        return import_record
    except ImportCancelled:
        _finish(
            import_record,
            Import.Status.CANCELLED,
            error="Cancelled before it finished.",
        )
    except Exception as error:  # the import fails with a sentence; the trace goes to the log only
        logger.exception("Import %s failed", import_record.pk)
        _finish(import_record, Import.Status.FAILED, error=short_error(error, subject="The import"))
    else:
        _finish(import_record, Import.Status.COMPLETE)
    return import_record


def _claim(import_id: str) -> Import | None:
    """Mark the import as importing; None when there is nothing (more) to do.

    An import already "importing" is taken over only when its holder is gone
    (see imports/pipeline/lease.py). Each claim counts an attempt; a batch
    commits only while `attempts` is still the one its job claimed, so a
    worker wrongly thought dead cannot write alongside its successor.
    """
    now = timezone.now()
    with transaction.atomic():
        import_record = Import.objects.select_for_update().filter(pk=import_id).first()
        if import_record is None or import_record.status not in (
            Import.Status.QUEUED,
            Import.Status.IMPORTING,
        ):
            return None
        if import_record.status == Import.Status.IMPORTING and not _holder_is_gone(import_record, now):
            return None
        if import_record.cancel_requested:
            import_record.status = Import.Status.CANCELLED
            import_record.completed_at = now
            import_record.save(update_fields=["status", "completed_at", "updated_at"])
            return None
        import_record.status = Import.Status.IMPORTING
        import_record.started_at = import_record.started_at or now
        import_record.heartbeat_at = now
        import_record.lease_holder = this_process()
        # An undo needs the whole log: one run without it (IMPORT_CHANGE_LOG off) leaves the import unlogged.
        import_record.change_logged = settings.IMPORT_CHANGE_LOG and (
            import_record.attempts == 0 or import_record.change_logged
        )
        import_record.attempts += 1
        import_record.save(
            update_fields=[
                "status",
                "started_at",
                "heartbeat_at",
                "lease_holder",
                "change_logged",
                "attempts",
                "updated_at",
            ]
        )
    return import_record


def _holder_is_gone(import_record: Import, now) -> bool:
    return is_stale(import_record.heartbeat_at or import_record.started_at, now) or holder_is_gone(
        import_record.lease_holder
    )


@contextmanager
def tuned_for_a_job():
    """The process's and the connection's settings while a job (an import, a check) reads a whole file."""
    with _fewer_collections(), _shorter_thread_switches(), _larger_sqlite_cache():
        yield


@contextmanager
def _fewer_collections():
    """Run the cyclic garbage collector rarely while rows are imported.

    A batch allocates hundreds of thousands of short-lived objects; with the
    default threshold each 700 allocations start a collection, and the
    older generations' passes walk every object Django holds: about 15% of
    an import's time. Almost all of a batch is freed by reference counting
    anyway (rows, drafts and instances hold no cycles), so memory stays flat.
    """
    previous = gc.get_threshold()
    gc.set_threshold(*JOB_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


@contextmanager
def _shorter_thread_switches():
    """Hand the GIL between the job's threads every millisecond instead of every five.

    When the database answers, the writing thread must wait for the
    read-ahead thread to give up the GIL; a batch makes a dozen round
    trips, and with Python's default interval those waits cost more than
    reading ahead saves.
    """
    previous = sys.getswitchinterval()
    sys.setswitchinterval(JOB_SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


@contextmanager
def _larger_sqlite_cache():
    """Give the job's SQLite connection a 64 MiB page cache and rarer WAL checkpoints while it imports.

    Names and email addresses put each batch's inserts all over their
    indexes; with SQLite's 2 MB default those pages are read back for every
    batch. A batch writes more than the 1,000 pages after which SQLite
    copies the write-ahead log back into the database, so by default every
    commit did it, copying the same index pages again and again; here it is
    every 10,000 pages (40 MB of log). Both are given back at the end, so an
    idle worker keeps neither. PostgreSQL has its own. (The gains measured:
    benchmarks/README.md.)
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA cache_size = -{JOB_SQLITE_CACHE_KIB}")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {JOB_SQLITE_CHECKPOINT_PAGES}")
    try:
        yield
    finally:
        if connection.connection is not None:  # a retried batch may have closed it
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -2000")
                cursor.execute("PRAGMA wal_autocheckpoint = 1000")


def _import_rows(import_record: Import, *, on_progress=None) -> None:
    writer = ContactWriter(
        import_record=import_record,
        defer_referrals=import_record.source == Import.Source.TNT,
    )
    if import_record.source == Import.Source.GOOGLE:
        _import_google_pages(import_record, writer, on_progress=on_progress)
        return
    data_sync = None
    if import_record.source == Import.Source.TNT_DATA_SYNC:
        data_sync = data_sync_steps.prepare(import_record)
        _commit_with_retries(import_record, lambda: data_sync_steps.initial_steps(import_record))
    with import_record.file.open("rb") as stream:
        if not _contacts_done(import_record):
            if import_record.source == Import.Source.TNT:
                _stage_references(import_record, stream)
            _import_contacts(import_record, writer, stream, on_progress=on_progress, data_sync=data_sync)
        if import_record.source == Import.Source.TNT:
            _import_book(import_record, stream, on_progress=on_progress)
            tnt_references.discard(import_record)
        if data_sync is not None:
            data_sync_steps.import_gifts(
                import_record,
                data_sync,
                stream,
                before_batch=_before_batch(import_record, on_progress),
                commit=lambda write: _commit_with_retries(import_record, write),
            )
    # TntConnect's referrals are linked by a step of their own (imports/pipeline/book/tnt_referrals.py).


def _contacts_done(import_record: Import) -> bool:
    return bool(import_record.tnt_steps.get("contacts", {}).get("done"))


def _stage_references(import_record: Import, stream) -> None:
    """TntConnect: copy the groups' members (and, by group, the tasks' contacts) for the batches to look up."""
    contacts = import_record.tnt_steps.get("contacts", {})
    if contacts.get("staged"):
        return

    def stage() -> dict:
        tnt_references.stage(import_record, stream, tnt_references.staged_tables(import_record))
        return {**import_record.tnt_steps, "contacts": {**contacts, "staged": True}}

    _commit_with_retries(import_record, stage)
    stream.seek(0)


def _import_contacts(
    import_record: Import, writer: ContactWriter, stream, *, on_progress=None, data_sync: DataSyncContext | None = None
) -> None:
    groups = tnt_options(import_record, group_members={}) if import_record.source == Import.Source.TNT else None
    rows = rows_of(import_record, stream)
    # Resume: the rows of committed batches are done already.
    rows = islice(rows, import_record.rows_processed, None)
    # The next batch is read and built while this one is written (see imports/read_ahead.py);
    # closing() stops that reading before the file closes, whatever ends the loop.
    with closing(read_ahead(_batches(rows, settings.IMPORT_BATCH_SIZE))) as batches:
        for number, batch in enumerate(batches, start=1):
            _check_not_cancelled(import_record)
            if groups is not None:
                batch = tnt_references.with_groups(import_record, groups, batch)
            retried(
                partial(_write_batch, import_record, writer, batch, data_sync=data_sync),
                job=f"Import {import_record.pk}",
            )
            if number in ANALYZE_AFTER_BATCHES:
                _refresh_planner_statistics()
            if on_progress:
                on_progress(import_record)
    if import_record.source in Import.TNT_SOURCES:
        contacts = import_record.tnt_steps.get("contacts", {})
        _commit_with_retries(import_record, lambda: {**import_record.tnt_steps, "contacts": {**contacts, "done": True}})


def _import_book(import_record: Import, stream, *, on_progress=None) -> None:
    """TntConnect: the tables after the contacts (referrals, tasks, history, appeals, gifts, settings)."""
    tables = import_record.file_format.get("tables")
    if tables is None:  # uploaded before the file's tables were noted at upload
        stream.seek(0)
        tables = list(analyze_tnt(stream).tables.items())

    with _smaller_sqlite_cache():
        BookSteps(
            import_record=import_record,
            lookups=TntLookups.from_json(import_record.file_format.get("lookups", {})),
            before_batch=_before_batch(import_record, on_progress),
            commit=lambda write: _commit_with_retries(import_record, write),
        ).run(stream, tables)


def _before_batch(import_record: Import, on_progress):
    """What the steps after the contacts do before each batch: stop when cancelled, show progress."""

    def before_batch() -> None:
        _check_not_cancelled(import_record)
        if on_progress:
            on_progress(import_record)

    return before_batch


@contextmanager
def _smaller_sqlite_cache():
    """A 16 MiB SQLite page cache while the book's steps run, instead of the contacts' 64 MiB.

    Tasks, history, gifts and their links are appended in the order of
    their time-ordered keys, and each batch looks up a few thousand indexed
    TntConnect ids, so the pages it needs again are few; a 64 MiB cache
    only fills up with pages written once (200,000 history rows filled it
    and raised the peak RSS by 60 MB). SQLite gives back the pages beyond
    the new size at once.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA cache_size = -{BOOK_SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        if connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = -{JOB_SQLITE_CACHE_KIB}")


def _commit_with_retries(import_record: Import, write) -> None:
    """Run `write` (it returns the new tnt_steps) and store its counters in one transaction, under the lease."""
    owned = Import.objects.filter(pk=import_record.pk, attempts=import_record.attempts, status=Import.Status.IMPORTING)

    def owned_update(**fields) -> None:
        if not owned.update(**fields):
            raise LostLease()  # rolls the batch back

    commit = commit_steps(import_record, owned_update)
    retried(lambda: commit(write), job=f"Import {import_record.pk}")


def _import_google_pages(import_record: Import, writer: ContactWriter, *, on_progress=None) -> None:
    """A Google account's people, a page per batch; the page token commits with it (google_pages.py)."""
    api = people_api_for_import(import_record)
    refresh_groups(import_record, api)  # the groups' current names, for the tags
    Import.objects.filter(pk=import_record.pk).update(google_groups=import_record.google_groups)
    for number, page in enumerate(google_pages(import_record, api), start=1):
        _check_not_cancelled(import_record)
        write = partial(_write_batch, import_record, writer, page.rows, source_cursor=page.cursor)
        retried(write, job=f"Import {import_record.pk}")
        if number in ANALYZE_AFTER_BATCHES:
            _refresh_planner_statistics()
        if on_progress:
            on_progress(import_record)


def _refresh_planner_statistics() -> None:
    refresh_planner_statistics(ANALYZED_MODELS)


def _batches(rows: Iterator[BuiltRow], size: int) -> Iterator[list[BuiltRow]]:
    while batch := list(islice(rows, size)):
        yield batch


def _check_not_cancelled(import_record: Import) -> None:
    if Import.objects.filter(pk=import_record.pk, cancel_requested=True).exists():
        raise ImportCancelled()


def _write_batch(
    import_record: Import,
    writer: ContactWriter,
    batch: list[BuiltRow],
    *,
    source_cursor: dict | None = None,
    data_sync: DataSyncContext | None = None,
) -> None:
    """The batch's contacts, failures and counters (and a Google page's cursor, a TntDataSync file's donor
    accounts) in one transaction, which a retry (`retried`) runs again whole."""
    good = [row.draft for row in batch if row.draft is not None]
    lines = [row.line_number for row in batch if row.draft is not None]
    failed = failures_of(batch, ImportFailure, import_record_id=import_record.pk)
    skipped = sum(row.skipped for row in batch)
    with transaction.atomic():
        result = writer.write(good, lines) if good else None
        ImportFailure.objects.bulk_create(failed)
        counters = {
            "rows_processed": F("rows_processed") + len(batch),
            "rows_created": F("rows_created") + (result.created if result else 0),
            "rows_updated": F("rows_updated") + (result.updated if result else 0),
            "rows_failed": F("rows_failed") + len(failed),
            "possible_duplicates_count": F("possible_duplicates_count") + (result.possible_duplicates if result else 0),
        }
        if source_cursor is not None:
            counters["source_cursor"] = source_cursor
        if skipped:  # TntConnect contacts in none of the chosen groups: the contacts' "skipped"
            contacts = import_record.tnt_steps.get("contacts", {})
            counters["tnt_steps"] = {
                **import_record.tnt_steps,
                "contacts": {**contacts, "skipped": contacts.get("skipped", 0) + skipped},
            }
        if data_sync is not None:
            counters["tnt_steps"] = data_sync_steps.write_donors(
                import_record, data_sync, batch, result or BatchResult()
            )
        now = timezone.now()
        owned = Import.objects.filter(
            pk=import_record.pk, attempts=import_record.attempts, status=Import.Status.IMPORTING
        )
        if not owned.update(**counters, heartbeat_at=now, updated_at=now):
            raise LostLease()  # rolls the batch back
    import_record.refresh_from_db(
        fields=[
            "rows_processed",
            "rows_created",
            "rows_updated",
            "rows_failed",
            "possible_duplicates_count",
            "heartbeat_at",
            "updated_at",
            "source_cursor",
            "tnt_steps",
        ]
    )


def _finish(import_record: Import, status: str, *, error: str = "") -> None:
    now = timezone.now()
    Import.objects.filter(pk=import_record.pk).update(status=status, error=error, completed_at=now, updated_at=now)
    import_record.refresh_from_db()
    if status != Import.Status.CANCELLED:
        try:
            send_import_finished(import_record=import_record)
        except Exception:  # a mail server problem must not undo a finished import
            logger.exception("Import %s: the notification email could not be sent", import_record.pk)


def short_error(error: Exception, *, subject: str) -> str:
    """Why a job stopped, in a sentence a person can act on (never a trace); `subject` names the job as the
    sentence begins: "The import", "The check", "The undo"."""
    if isinstance(error, GoogleError):
        return str(error)[:1000]  # already a sentence that says what to do
    if isinstance(error, DatabaseError):
        job = subject[0].lower() + subject[1:]  # "the import"
        return f"The database refused {job}'s data; our team has been told. Try again later."
    if isinstance(error, (OSError, FileNotFoundError)):
        return "The uploaded file could not be read from storage. Upload it again."
    text = str(error).strip() or error.__class__.__name__
    return f"{subject} stopped: {text}"[:1000]
