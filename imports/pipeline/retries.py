"""A batch retried after a lost connection or a lock timeout: its transaction was rolled back, so
running it again is exact. Shared by the import's and the undo's jobs."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

BATCH_RETRIES = 3
RETRYABLE_ERRORS = (OperationalError, InterfaceError)

T = TypeVar("T")


def retried(run: Callable[[], T], *, job: str) -> T:
    """`run()`, tried up to BATCH_RETRIES times, backing off; `job` names it in the log ("Import <id>")."""
    for attempt in range(1, BATCH_RETRIES + 1):
        try:
            return run()
        except RETRYABLE_ERRORS:
            if attempt == BATCH_RETRIES:
                raise
            logger.warning("%s: batch failed (attempt %s), retrying", job, attempt, exc_info=True)
            time.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")
