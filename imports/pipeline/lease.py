"""Who holds a running import, and whether that holder is still alive.

A job that claims an import records itself as the lease holder ("host:pid")
and, while it works, a heartbeat thread moves `heartbeat_at` every
IMPORT_HEARTBEAT_SECONDS, even while one long batch is written or waits for
the account list's lock. A holder is gone when its heartbeat is older than
IMPORT_STALL_SECONDS, or at once when it ran on this machine and its process
no longer exists (a killed worker, a cluster stopped with SIGKILL). The lease
itself is `attempts`: a batch commits only while the import is still
"importing" under the attempt its job claimed, so a holder wrongly thought
dead can never write beside its successor.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_is_gone(holder: str) -> bool:
    """True when the holder ran on this machine and its process has ended; other machines are judged by heartbeat."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # a process of another user: alive
        return False
    return _is_zombie(int(pid))


def _is_zombie(pid: int) -> bool:
    """A killed worker whose parent died too stays a zombie until it is reaped: it is gone all the same."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def is_stale(heartbeat_at: datetime | None, now: datetime | None = None) -> bool:
    if heartbeat_at is None:
        return True
    return ((now or timezone.now()) - heartbeat_at).total_seconds() > settings.IMPORT_STALL_SECONDS


class Heartbeat:
    """A daemon thread that moves the import's heartbeat while its job runs.

    It writes on a connection of its own, so it sees only committed rows: a job
    running inside an outer transaction (the test suite's) has nothing it could
    beat, and none is started. It only beats while the job still holds the
    lease (the same attempt, still importing); losing the lease is detected by
    the job's next batch commit, which then rolls back.
    """

    def __init__(self, *, import_id, attempt: int, status: str = "importing"):
        self.import_id = import_id
        self.attempt = attempt
        self.status = status  # "undoing" for an undo's job, which holds the same lease
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Heartbeat:
        if not connection.in_atomic_block:
            self._thread = threading.Thread(target=self._run, name=f"heartbeat-{self.import_id}", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=settings.IMPORT_HEARTBEAT_SECONDS)

    def beat(self) -> bool:
        """Move the heartbeat; False once the job no longer holds the lease."""
        from imports.models import Import

        holding = Import.objects.filter(pk=self.import_id, attempts=self.attempt, status=self.status)
        return bool(holding.update(heartbeat_at=timezone.now()))

    def _run(self) -> None:
        try:
            while not self._stop.wait(settings.IMPORT_HEARTBEAT_SECONDS):
                try:
                    beating = self.beat()
                except Exception:  # a lost connection: try again at the next beat
                    logger.warning("Import %s: heartbeat failed", self.import_id, exc_info=True)
                    connection.close()
                    continue
                if not beating:
                    return
        finally:
            connection.close()
