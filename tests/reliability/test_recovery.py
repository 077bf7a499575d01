"""Database errors mid-batch are retried; stalled imports are resumed or failed, never left importing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import OperationalError
from django.db.models import F
from django.utils import timezone

from contacts.models import Contact
from imports.models import Import
from imports.pipeline.job import run_import
from imports.pipeline.recovery import recover_stalled_imports
from imports.pipeline.writer import ContactWriter
from tests.imports.helpers import csv_content, make_import

pytestmark = pytest.mark.django_db

MAPPINGS = {"first_name": "first_name", "last_name": "last_name"}


def queued_import(rows: int = 120) -> Import:
    content = csv_content(["First Name", "Last Name"], [[f"F{i}", f"L{i}"] for i in range(rows)])
    return make_import(content=content, mappings=MAPPINGS, until="queued")


def test_a_database_error_in_a_batch_is_retried_and_the_import_continues(monkeypatch):
    import_record = queued_import()
    real_write = ContactWriter.write
    calls = {"n": 0}

    def flaky_write(self, drafts, line_numbers=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OperationalError("database is locked")
        return real_write(self, drafts, line_numbers)

    monkeypatch.setattr(ContactWriter, "write", flaky_write)
    monkeypatch.setattr("imports.pipeline.retries.time.sleep", lambda seconds: None)
    run_import(str(import_record.pk))
    import_record.refresh_from_db()
    assert import_record.status == Import.Status.COMPLETE
    assert (import_record.rows_processed, import_record.rows_created) == (120, 120)
    assert Contact.objects.count() == 120


def test_a_database_error_that_persists_fails_the_import_with_a_sentence(monkeypatch):
    import_record = queued_import()
    monkeypatch.setattr(ContactWriter, "write", lambda self, drafts: (_ for _ in ()).throw(OperationalError("gone")))
    monkeypatch.setattr("imports.pipeline.retries.time.sleep", lambda seconds: None)
    run_import(str(import_record.pk))
    import_record.refresh_from_db()
    assert import_record.status == Import.Status.FAILED
    assert "Traceback" not in import_record.error and import_record.error
    assert import_record.rows_processed == 0


def test_a_stalled_import_is_queued_again_and_resumes_after_its_last_batch(settings):
    import_record = queued_import()
    run_import(str(import_record.pk))  # all 120 rows
    Contact.objects.all().delete()
    # Make it look as if the worker died after the first 50 rows.
    Import.objects.filter(pk=import_record.pk).update(
        status=Import.Status.IMPORTING, rows_processed=50, heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    result = recover_stalled_imports()  # Q_SYNC: the queued job runs at once
    assert result == {"resumed": [str(import_record.pk)], "failed": []}
    import_record.refresh_from_db()
    assert import_record.status == Import.Status.COMPLETE
    assert import_record.rows_processed == 120
    assert Contact.objects.count() == 70  # only the rows after the last committed batch


def test_an_import_that_keeps_stalling_is_failed_with_a_message(settings):
    import_record = queued_import()
    Import.objects.filter(pk=import_record.pk).update(
        status=Import.Status.IMPORTING,
        attempts=settings.IMPORT_MAX_ATTEMPTS,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )
    assert recover_stalled_imports() == {"resumed": [], "failed": [str(import_record.pk)]}
    import_record.refresh_from_db()
    assert import_record.status == Import.Status.FAILED
    assert "stopped responding" in import_record.error
    assert mail.outbox and "failed" in mail.outbox[-1].subject


def test_a_busy_import_is_left_alone():
    import_record = queued_import()
    Import.objects.filter(pk=import_record.pk).update(status=Import.Status.IMPORTING, heartbeat_at=timezone.now())
    assert recover_stalled_imports() == {"resumed": [], "failed": []}


def test_no_scheduled_recovery_is_left_beside_the_watchdog():
    from django_q.models import Schedule

    assert not Schedule.objects.filter(name="recover stalled imports").exists()


def test_a_worker_wrongly_thought_dead_cannot_write_beside_its_successor(monkeypatch):
    import_record = queued_import()
    real_write = ContactWriter.write

    def write_then_lose_the_import(self, drafts, line_numbers=None):
        result = real_write(self, drafts, line_numbers)
        # Meanwhile the recovery handed the import to another worker, which claimed it.
        Import.objects.filter(pk=import_record.pk).update(attempts=F("attempts") + 1)
        return result

    monkeypatch.setattr(ContactWriter, "write", write_then_lose_the_import)
    run_import(str(import_record.pk))
    import_record.refresh_from_db()
    assert import_record.status == Import.Status.IMPORTING  # left to the worker that owns it now
    assert import_record.rows_processed == 0
    assert Contact.objects.count() == 0  # the batch it was writing was rolled back


def test_a_live_import_is_not_claimed_twice():
    import_record = queued_import()
    Import.objects.filter(pk=import_record.pk).update(status=Import.Status.IMPORTING, heartbeat_at=timezone.now())
    run_import(str(import_record.pk))  # e.g. the broker handing the same task out again
    import_record.refresh_from_db()
    assert (import_record.status, import_record.attempts, import_record.rows_processed) == (
        Import.Status.IMPORTING,
        0,
        0,
    )


def dead_process_holder() -> str:
    """The lease holder of a process of this machine that has ended."""
    import socket
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return f"{socket.gethostname()}:{process.pid}"


def test_an_import_whose_worker_on_this_machine_is_gone_is_resumed_at_once(monkeypatch):
    import_record = queued_import()
    Import.objects.filter(pk=import_record.pk).update(
        status=Import.Status.IMPORTING, attempts=1, heartbeat_at=timezone.now(), lease_holder=dead_process_holder()
    )
    queued = []
    monkeypatch.setattr("imports.pipeline.recovery.enqueue_import", queued.append)
    assert recover_stalled_imports() == {"resumed": [str(import_record.pk)], "failed": []}
    assert queued == [import_record.pk]
    import_record.refresh_from_db()
    assert (import_record.status, import_record.lease_holder) == (Import.Status.QUEUED, "")


def test_a_live_holder_on_this_machine_or_another_keeps_its_import():
    import os
    import socket

    import_record = queued_import()
    for holder in (f"{socket.gethostname()}:{os.getppid()}", "elsewhere:1"):
        Import.objects.filter(pk=import_record.pk).update(
            status=Import.Status.IMPORTING, heartbeat_at=timezone.now(), lease_holder=holder
        )
        assert recover_stalled_imports() == {"resumed": [], "failed": []}, holder


def test_many_watchdogs_seeing_one_stalled_import_queue_it_once(monkeypatch):
    import_record = queued_import()
    Import.objects.filter(pk=import_record.pk).update(
        status=Import.Status.IMPORTING, attempts=1, heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    seen_by_both = [Import.objects.get(pk=import_record.pk)] * 2
    monkeypatch.setattr("imports.pipeline.recovery.stalled_imports", lambda **kwargs: list(seen_by_both))
    queued = []
    monkeypatch.setattr("imports.pipeline.recovery.enqueue_import", queued.append)
    assert recover_stalled_imports()["resumed"] == [str(import_record.pk)]
    assert queued == [import_record.pk]


def test_a_slow_job_whose_import_was_handed_back_commits_nothing(monkeypatch):
    import_record = queued_import()
    real_write = ContactWriter.write

    def write_then_be_handed_back(self, drafts):
        result = real_write(self, drafts)
        # A watchdog judged this job gone (no beat for too long) and queued the import again.
        Import.objects.filter(pk=import_record.pk).update(status=Import.Status.QUEUED)
        return result

    monkeypatch.setattr(ContactWriter, "write", write_then_be_handed_back)
    run_import(str(import_record.pk))
    import_record.refresh_from_db()
    assert import_record.rows_processed == 0  # (the simulated hand-back was rolled back with the batch)
    assert Contact.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_beats_while_the_job_holds_its_lease_and_stops_when_it_does_not(api, account_list, settings):
    import time

    from imports.pipeline.lease import Heartbeat

    settings.IMPORT_HEARTBEAT_SECONDS = 0.2
    import_record = queued_import()
    long_ago = timezone.now() - timedelta(hours=1)
    Import.objects.filter(pk=import_record.pk).update(status=Import.Status.IMPORTING, attempts=1, heartbeat_at=long_ago)
    with Heartbeat(import_id=import_record.pk, attempt=1):
        time.sleep(1)
    import_record.refresh_from_db()
    assert import_record.heartbeat_at > long_ago

    Import.objects.filter(pk=import_record.pk).update(attempts=2, heartbeat_at=long_ago)  # another job holds it
    with Heartbeat(import_id=import_record.pk, attempt=1):
        time.sleep(1)
    import_record.refresh_from_db()
    assert import_record.heartbeat_at == long_ago
