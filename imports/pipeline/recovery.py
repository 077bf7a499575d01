"""No import stays "importing" forever: an import whose worker is gone moves again within seconds.

A worker that dies (killed, out of memory, machine lost) leaves its import
"importing" under a lease whose holder is gone (see imports/pipeline/lease.py):
its heartbeat stops, or, on the same machine, its process no longer exists.
`recover_stalled_imports` hands such an import back to the queue, and the job
resumes after the last committed batch. It runs when a worker process starts
(so a cluster started after a crash resumes the imports of the one that died at
once), every IMPORT_WATCHDOG_SECONDS in every worker process, and as
`manage.py recover_imports`. Each hand-over is a conditional UPDATE, so
however many watchdogs see a stalled import, it is queued once. After
IMPORT_MAX_ATTEMPTS starts the import is failed with a message.

The watchdog is the one mechanism: it needs nothing but a worker process
(no scheduler, no row written at migrate), and it looks every few seconds,
where django-q2's scheduler can at best look every minute. Where no worker
runs, nothing could run a recovered import either.

An undo holds the same lease while the import is "undoing" (imports/undo/job.py):
one whose holder is gone (or that no worker took from the queue) is queued
again the same way and resumes from its cursor; after IMPORT_MAX_ATTEMPTS
starts of the undo it is given up, and the import goes back to the status it
had, with the error in `undo`.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from imports.models import Import, check_ended
from imports.notifications import send_import_finished
from imports.pipeline.lease import holder_is_gone
from imports.services import enqueue_check, enqueue_import
from imports.undo.services import enqueue_undo

logger = logging.getLogger(__name__)

GAVE_UP = (
    "The import stopped responding {attempts} times and was given up. "
    "Rows up to {processed} were imported; start a new import of the remaining rows, or contact support."
)


def stalled_imports(*, stall_seconds: int | None = None) -> list[Import]:
    """Imports whose holder is gone, and queued imports whose task the broker may have lost."""
    cutoff = timezone.now() - timedelta(seconds=stall_seconds or settings.IMPORT_STALL_SECONDS)
    silent = Q(status=Import.Status.IMPORTING, heartbeat_at__lt=cutoff)
    # The broker hands a queued task to one cluster; a cluster killed before running it loses it.
    lost_in_queue = Q(status=Import.Status.QUEUED, queued_at__lt=cutoff)
    here = Q(status=Import.Status.IMPORTING, lease_holder__startswith=f"{socket.gethostname()}:")
    # An undo: queued (no holder) for a while, silent, or held by a process of this machine.
    undoing = Q(status=Import.Status.UNDOING) & (
        Q(heartbeat_at__lt=cutoff) | Q(lease_holder__startswith=f"{socket.gethostname()}:")
    )
    found = Import.objects.filter(silent | lost_in_queue | here | undoing)
    return [
        record
        for record in found
        if record.status == Import.Status.QUEUED
        or (record.heartbeat_at is not None and record.heartbeat_at < cutoff)
        or holder_is_gone(record.lease_holder)
    ]


def recover_stalled_imports(*, stall_seconds: int | None = None) -> dict[str, list[str]]:
    """Queue again (or fail) every stalled import; returns the ids of each."""
    resumed, failed = [], []
    for import_record in stalled_imports(stall_seconds=stall_seconds):
        if import_record.status == Import.Status.UNDOING:
            _recover_undo(import_record, resumed, failed)
        elif import_record.attempts >= settings.IMPORT_MAX_ATTEMPTS:
            if _give_up(import_record):
                failed.append(str(import_record.pk))
        elif _hand_back(import_record):
            logger.warning("Import %s stalled at row %s; queued again", import_record.pk, import_record.rows_processed)
            enqueue_import(import_record.pk)
            resumed.append(str(import_record.pk))
    return {"resumed": resumed, "failed": failed}


def _hand_back(import_record: Import) -> bool:
    """Queue the import again unless someone else did first (or its job beat meanwhile).

    An import taken from a dead holder becomes "queued": from then on its old
    job, if it was only slow, can commit nothing (a batch commits only while
    the import is "importing" under its attempt).
    """
    now = timezone.now()
    seen = Import.objects.filter(pk=import_record.pk, status=import_record.status)
    if import_record.status == Import.Status.QUEUED:
        return bool(seen.filter(queued_at=import_record.queued_at).update(queued_at=now))
    return bool(
        seen.filter(attempts=import_record.attempts, heartbeat_at=import_record.heartbeat_at).update(
            status=Import.Status.QUEUED, queued_at=now, lease_holder="", updated_at=now
        )
    )


def _recover_undo(import_record: Import, resumed: list[str], failed: list[str]) -> None:
    """Queue a stalled undo again (its holder cleared, so the next job may claim it), or give it up."""
    now = timezone.now()
    seen = Import.objects.filter(
        pk=import_record.pk,
        status=Import.Status.UNDOING,
        attempts=import_record.attempts,
        heartbeat_at=import_record.heartbeat_at,
    )
    undo_attempts = import_record.attempts - import_record.undo.get("attempts_before", 0)
    if undo_attempts >= settings.IMPORT_MAX_ATTEMPTS:
        state = {
            **import_record.undo,
            "status": "failed",
            "error": f"The undo stopped responding {undo_attempts} times and was given up; ask for it again.",
        }
        if seen.update(status=import_record.undo["previous_status"], undo=state, lease_holder="", updated_at=now):
            logger.error("The undo of import %s failed after %s attempts", import_record.pk, undo_attempts)
            failed.append(str(import_record.pk))
        return
    if seen.update(lease_holder="", heartbeat_at=now, updated_at=now):
        logger.warning("The undo of import %s stalled; queued again", import_record.pk)
        enqueue_undo(import_record.pk)
        resumed.append(str(import_record.pk))


def _give_up(import_record: Import) -> bool:
    now = timezone.now()
    error = GAVE_UP.format(attempts=import_record.attempts, processed=import_record.rows_processed)
    changed = Import.objects.filter(pk=import_record.pk, status=import_record.status).update(
        status=Import.Status.FAILED, error=error, completed_at=now, updated_at=now
    )
    if changed:
        import_record.refresh_from_db()
        logger.error("Import %s failed after %s attempts", import_record.pk, import_record.attempts)
        send_import_finished(import_record=import_record)
    return bool(changed)


_watchdog_started = threading.Event()


def start_watchdog(**kwargs) -> None:
    """django-q2's post_spawn, in each new worker process: recover at once, then every few seconds.

    In sync mode (tasks run in the caller's process, as in the tests) django-q2
    "spawns" a worker for every task: no watchdog is started there.
    """
    from django_q.conf import Conf

    if Conf.SYNC or _watchdog_started.is_set():
        return
    _watchdog_started.set()
    threading.Thread(target=_watch, name="import-watchdog", daemon=True).start()


def _watch() -> None:
    while True:
        try:
            recover_stalled_imports()
            recover_stalled_checks()
        except Exception:  # the database may be away for a while; the next round tries again
            logger.warning("The import watchdog could not check for stalled imports", exc_info=True)
            connection.close()
        time.sleep(settings.IMPORT_WATCHDOG_SECONDS)


# --- checks ------------------------------------------------------------------------------------

CHECK_GAVE_UP = "The check stopped responding {attempts} times and was given up; check again, or contact support."


def stalled_checks(*, stall_seconds: int | None = None) -> list[Import]:
    """Running checks whose holder is gone, and queued ones (no holder yet) whose task the broker may have lost.

    A check's heartbeat is set when it is asked for, and moves while a worker reads the file.
    """
    cutoff = timezone.now() - timedelta(seconds=stall_seconds or settings.IMPORT_STALL_SECONDS)
    running = Import.objects.filter(check_result__status="running")
    silent = Q(check_heartbeat_at__lt=cutoff) | Q(check_heartbeat_at__isnull=True)
    here = Q(check_lease_holder__startswith=f"{socket.gethostname()}:")
    return [
        record
        for record in running.filter(silent | here)
        if record.check_heartbeat_at is None
        or record.check_heartbeat_at < cutoff
        or holder_is_gone(record.check_lease_holder)
    ]


def recover_stalled_checks(*, stall_seconds: int | None = None) -> dict[str, list[str]]:
    """Start again (or fail) every stalled check; a check writes nothing, so it starts from the first row."""
    restarted, failed = [], []
    for import_record in stalled_checks(stall_seconds=stall_seconds):
        seen = Import.objects.filter(
            pk=import_record.pk,
            check_generation=import_record.check_generation,
            check_attempts=import_record.check_attempts,
            check_heartbeat_at=import_record.check_heartbeat_at,
            check_result__status="running",
        )
        now = timezone.now()
        if import_record.check_attempts >= settings.IMPORT_MAX_ATTEMPTS:
            error = CHECK_GAVE_UP.format(attempts=import_record.check_attempts)
            outcome = {**import_record.check_result, **check_ended("failed", now, error)}
            if seen.update(check_result=outcome, check_lease_holder="", check_heartbeat_at=now):
                logger.error(
                    "Check of import %s failed after %s attempts", import_record.pk, import_record.check_attempts
                )
                failed.append(str(import_record.pk))
        elif seen.update(check_lease_holder="", check_heartbeat_at=now):
            logger.warning("Check of import %s stalled; queued again", import_record.pk)
            enqueue_check(import_record.pk, import_record.check_generation)
            restarted.append(str(import_record.pk))
    return {"restarted": restarted, "failed": failed}
