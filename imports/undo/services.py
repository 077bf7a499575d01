"""Asking for the undo of a finished import: the rules, and the job queued exactly once (`job` runs it)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_q.tasks import async_task

from accounts.models import User
from imports.models import Import
from imports.services import ImportInWrongStatus, ImportRefused
from imports.undo.progress import new_state, restarted


class ImportNotUndoable(ImportInWrongStatus):
    """Only a complete, failed or cancelled import can be undone."""

    allowed = "only complete, failed or cancelled imports can be undone"


class ImportHasNoChangeLog(ImportRefused):
    """The import ran without its change log (IMPORT_CHANGE_LOG off, or before the log existed)."""

    def __init__(self) -> None:
        super().__init__("it ran without a change log, so what it changed is not known; it cannot be undone")


def undo_import(*, import_record: Import, user: User, enqueue: bool = True) -> bool:
    """Queue the undo of a finished import, once: a second call (while it runs, or after) changes nothing.

    The import's row is locked while its status is judged and changed, so of
    two requests only one queues the job, and only that one returns True (the
    API's 202; the other's 200). An undo that failed left the import in its
    old status, so asking again resumes it where it stopped. With
    `enqueue=False` the caller runs the job itself (the undo_import command).
    Either way `import_record` is refreshed to its status as the call left it.
    """
    with transaction.atomic():
        current = Import.objects.select_for_update().get(pk=import_record.pk)
        if current.status in (Import.Status.UNDOING, Import.Status.UNDONE):
            import_record.refresh_from_db()
            return False
        if current.status not in Import.UNDOABLE_STATUSES:
            raise ImportNotUndoable(current)
        if not current.undo and not _change_log_known(current):
            raise ImportHasNoChangeLog()
        now = timezone.now()
        asked = {"requested_by": user.pk, "attempts": current.attempts}
        state = (
            restarted(current.undo, **asked)
            if current.undo
            else new_state(previous_status=current.status, requested_at=now, **asked)
        )
        Import.objects.filter(pk=current.pk).update(
            status=Import.Status.UNDOING, undo=state, lease_holder="", heartbeat_at=now, updated_at=now
        )
        if enqueue:
            transaction.on_commit(lambda: enqueue_undo(current.pk))
    import_record.refresh_from_db()
    return True


def _change_log_known(import_record: Import) -> bool:
    """Whether the log tells what the import changed.

    A job that ran with its log says so (`change_logged`): then an empty log
    is an import that changed nothing (a second import of the same file,
    whose contacts were found and left as they were), and its undo takes
    nothing back. An import made before that mark existed is judged by its
    log: one that counted rows but logged none ran without it.
    """
    counted = import_record.rows_created or import_record.rows_updated
    return import_record.change_logged or not counted or import_record.changes.exists()


def enqueue_undo(import_id) -> None:
    async_task("imports.tasks.run_undo", str(import_id), task_name=f"undo-{import_id}", group="imports")
