"""The background undo: the import's change log, a page at a time, taken back under the import's lease.

The import is "undoing" while it runs. Each batch (UNDO_BATCH_SIZE log rows
of one table) commits its restores and deletes together with the `undo`
counters and the cursor (phase, table, last log row), and only while the
job still holds the lease (the import's `attempts`, as an import's batches
do; see imports/pipeline/lease.py). A job started again after a crash goes
on from the cursor: nothing is counted twice or missed. It ends "undone",
or, if it fails, back in the status it had, with the error in `undo`, so
that asking again resumes it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import AccountList
from imports.models import Import, UndoRecord
from imports.notifications import send_undo_finished
from imports.pipeline.job import LostLease, short_error
from imports.pipeline.lease import Heartbeat, holder_is_gone, is_stale, this_process
from imports.pipeline.retries import retried
from imports.undo import progress
from imports.undo.records import Judge, ordered_tables
from imports.undo.steps import PHASES, SPREAD, log_page, page, spread, take_back

logger = logging.getLogger(__name__)


def run_undo(import_id: str) -> Import:
    """Run (or resume) the undo of one import to its end. Safe to call again."""
    import_record = _claim(import_id)
    if import_record is None:
        return Import.objects.get(pk=import_id)
    try:
        with Heartbeat(import_id=import_record.pk, attempt=import_record.attempts, status=Import.Status.UNDOING):
            _take_back(import_record)
    except LostLease:
        logger.warning("The undo of import %s was taken over by another worker; this one stops", import_record.pk)
    except Exception as error:  # the undo fails with a sentence; the trace goes to the log only
        logger.exception("The undo of import %s failed", import_record.pk)
        _finish(import_record, failed=short_error(error, subject="The undo"))
    else:
        _finish(import_record)
    import_record.refresh_from_db()
    return import_record


def holder_gone(import_record: Import, now=None) -> bool:
    """An undo that is queued (no holder) or whose holder is gone may be claimed."""
    if not import_record.lease_holder:
        return True
    return is_stale(import_record.heartbeat_at, now) or holder_is_gone(import_record.lease_holder)


def _claim(import_id: str) -> Import | None:
    now = timezone.now()
    with transaction.atomic():
        import_record = Import.objects.select_for_update().filter(pk=import_id).first()
        if import_record is None or import_record.status != Import.Status.UNDOING:
            return None
        if not holder_gone(import_record, now):
            return None
        import_record.heartbeat_at = now
        import_record.lease_holder = this_process()
        import_record.attempts += 1
        import_record.undo = {
            **import_record.undo,
            "status": progress.RUNNING,
            "started_at": import_record.undo.get("started_at") or progress.when(now),
            "error": "",
        }
        import_record.save(update_fields=["heartbeat_at", "lease_holder", "attempts", "undo", "updated_at"])
    return import_record


def _take_back(import_record: Import) -> None:
    judge = Judge(import_record)
    state = import_record.undo
    if state["cursor"]["phase"] == SPREAD:
        after = state["cursor"]["after"]
        while changes := log_page(import_record.pk, after):
            state = _commit_with_retries(import_record, judge, "", SPREAD, changes)
            after = changes[-1].id
    tables = ordered_tables(
        UndoRecord.objects.filter(import_record_id=import_record.pk).values_list("table", flat=True).distinct()
    )
    for phase in PHASES[max(1, PHASES.index(state["cursor"]["phase"])) :]:
        for table in tables:
            cursor = state["cursor"]
            if cursor["phase"] == phase and cursor["table"] and tables.index(table) < tables.index(cursor["table"]):
                continue  # done before a restart
            after = cursor["after"] if (cursor["phase"], cursor["table"]) == (phase, table) else 0
            while changes := page(import_record.pk, table, phase, after, settings.UNDO_BATCH_SIZE):
                state = _commit_with_retries(import_record, judge, table, phase, changes)
                after = changes[-1].id


def _commit_with_retries(import_record: Import, judge: Judge, table: str, phase: str, changes) -> dict:
    return retried(lambda: _commit(import_record, judge, table, phase, changes), job=f"Undo of {import_record.pk}")


def _commit(import_record: Import, judge: Judge, table: str, phase: str, changes) -> dict:
    """One batch: its restores or deletes, the counters and the cursor, in one transaction under the lease."""
    state = {**import_record.undo, "tables": {k: dict(v) for k, v in import_record.undo["tables"].items()}}
    state["kept_records"] = list(state["kept_records"])
    with transaction.atomic():
        # Imports into the account list take turns with the undo, batch by batch (the writer takes this lock).
        AccountList.objects.select_for_update().filter(pk=import_record.account_list_id).first()
        if phase == SPREAD:
            spread(import_record.pk, changes)
        else:
            take_back(judge, state, table, phase, changes)
        state["cursor"] = {"phase": phase, "table": table, "after": changes[-1].id}
        now = timezone.now()
        if not _owned(import_record).update(undo=state, heartbeat_at=now, updated_at=now):
            raise LostLease()  # rolls the batch back
    import_record.undo = state
    return state


def _owned(import_record: Import):
    """The import, while this job still holds its lease."""
    return Import.objects.filter(pk=import_record.pk, attempts=import_record.attempts, status=Import.Status.UNDOING)


def _finish(import_record: Import, *, failed: str = "") -> None:
    now = timezone.now()
    state = {**import_record.undo, "completed_at": progress.when(now)}
    if failed:
        state.update(status=progress.FAILED, error=failed)
        status = state["previous_status"]
    else:
        state.update(status=progress.COMPLETE, error="")
        status = Import.Status.UNDONE
    with transaction.atomic():
        if not _owned(import_record).update(status=status, undo=state, lease_holder="", updated_at=now):
            return  # another worker holds it now
        if not failed:  # the working set is done with
            UndoRecord.objects.filter(import_record_id=import_record.pk).delete()
    import_record.refresh_from_db()
    try:
        send_undo_finished(import_record=import_record)
    except Exception:  # a mail server problem must not fail a finished undo
        logger.exception("Undo of %s: the notification email could not be sent", import_record.pk)
