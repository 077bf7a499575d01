"""No import stays "importing" forever: stalled imports are resumed or failed.

A worker that dies (killed, out of memory, machine lost) leaves its import
"importing" with a heartbeat that stops moving. `recover_stalled_imports`
runs every minute on the worker's scheduler (and as `manage.py
recover_imports`): it queues such an import again, and the job resumes after
the last committed batch. After IMPORT_MAX_ATTEMPTS starts it gives up and
fails the import with a message.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from imports.models import Import
from imports.notifications import send_import_finished
from imports.services import enqueue_import

logger = logging.getLogger(__name__)

GAVE_UP = (
    "The import stopped responding {attempts} times and was given up. "
    "Rows up to {processed} were imported; start a new import of the remaining rows, or contact support."
)


def stalled_imports(*, stall_seconds: int | None = None):
    cutoff = timezone.now() - timedelta(seconds=stall_seconds or settings.IMPORT_STALL_SECONDS)
    importing = Q(status=Import.Status.IMPORTING, heartbeat_at__lt=cutoff)
    # A queued import whose task was lost by the broker is picked up too.
    lost_in_queue = Q(status=Import.Status.QUEUED, queued_at__lt=cutoff)
    return Import.objects.filter(importing | lost_in_queue)


def recover_stalled_imports(*, stall_seconds: int | None = None) -> dict[str, list[str]]:
    """Resume or fail every stalled import; returns the ids of each."""
    resumed, failed = [], []
    for import_record in stalled_imports(stall_seconds=stall_seconds):
        if import_record.attempts >= settings.IMPORT_MAX_ATTEMPTS:
            _give_up(import_record)
            failed.append(str(import_record.pk))
        else:
            logger.warning("Import %s stalled at row %s; queued again", import_record.pk, import_record.rows_processed)
            enqueue_import(import_record.pk)
            resumed.append(str(import_record.pk))
    return {"resumed": resumed, "failed": failed}


def _give_up(import_record: Import) -> None:
    now = timezone.now()
    error = GAVE_UP.format(attempts=import_record.attempts, processed=import_record.rows_processed)
    changed = Import.objects.filter(pk=import_record.pk, status=import_record.status).update(
        status=Import.Status.FAILED, error=error, completed_at=now, updated_at=now
    )
    if changed:
        import_record.refresh_from_db()
        logger.error("Import %s failed after %s attempts", import_record.pk, import_record.attempts)
        send_import_finished(import_record=import_record)


def ensure_recovery_schedule(**kwargs) -> None:
    """Register the every-minute recovery on django-q2's scheduler (after migrate; idempotent)."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name="recover stalled imports",
        defaults={
            "func": "imports.tasks.recover_stalled_imports",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
    )
