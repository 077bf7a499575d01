"""A worker killed with SIGKILL in the middle of an import: a new worker resumes it within a minute, exactly.

It prints the recovery time: from the SIGKILL to the next committed batch.

The short form runs in the suite (FAULT_TEST_ROWS, default 5,000 rows in
batches of 100); `scripts/fault_test` runs the long form (50,000 rows).
"""

import os
import signal
import time
from collections.abc import Callable

import pytest
from django_q.conf import Conf

from benchmarks.tnt_data_sync_file import DataSyncSize, data_sync_chunks
from benchmarks.tnt_export import ExportSize, export_bytes
from contacts.models import Contact
from fundraising.models import Donation, DonorAccount, Task, TaskContact
from imports import services
from imports.models import Import
from tests.imports.helpers import make_import, upload
from tests.imports.test_worker import start_worker, stop_worker, wait_for

ROWS = int(os.environ.get("FAULT_TEST_ROWS", "5000"))
BATCH = int(os.environ.get("FAULT_TEST_BATCH", "100"))
RECOVERY_LIMIT_SECONDS = 60


def generated_csv(rows: int) -> bytes:
    lines = ["First Name,Last Name,Email"]
    lines += [f"First{i},Last{i},person{i}@example.com" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_loses_and_duplicates_nothing_and_the_import_moves_again_within_a_minute():
    mappings = {"first_name": "first_name", "last_name": "last_name", "email_1": "email"}
    record = make_import(content=generated_csv(ROWS), mappings=mappings, until="preview")
    import_id = str(record.pk)
    worker_env = {"IMPORT_BATCH_SIZE": str(BATCH)}  # the default stall limit, heartbeat and watchdog
    Conf.SYNC = False
    try:
        services.start_import(import_record=record)  # queued for the worker once committed

        def progress() -> int:
            return Import.objects.get(pk=import_id).rows_processed

        first = start_worker(worker_env)
        try:
            assert wait_for(lambda: progress() >= ROWS // 5, timeout=120), "the first worker made no progress"
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
        killed = time.monotonic()
        killed_at = progress()
        assert 0 < killed_at < ROWS, killed_at
        assert Import.objects.get(pk=import_id).status == Import.Status.IMPORTING

        # No manual recovery: the new cluster sees that the import's holder is gone and resumes it.
        second = start_worker(worker_env)
        try:
            moved = wait_for(lambda: progress() > killed_at, timeout=RECOVERY_LIMIT_SECONDS, interval=0.05)
            recovery_seconds = time.monotonic() - killed
            finished = moved and wait_for(lambda: Import.objects.get(pk=import_id).is_finished, timeout=300)
        finally:
            output = stop_worker(second)
        assert moved, f"no batch committed within {RECOVERY_LIMIT_SECONDS} s of the kill\n" + output[-3000:]
        assert finished, output[-3000:]
    finally:
        Conf.SYNC = True

    import_record = Import.objects.get(pk=import_id)
    contacts = Contact.objects.filter(account_list=record.account_list)
    print(
        f"\nfault test: rows expected {ROWS}, killed at {killed_at}, contacts found {contacts.count()}, "
        f"duplicates {contacts.count() - contacts.values('name').distinct().count()}; "
        f"recovery {recovery_seconds:.1f} s from SIGKILL to the next committed batch"
    )
    assert import_record.status == Import.Status.COMPLETE, import_record.error
    assert import_record.attempts == 2
    assert (import_record.rows_processed, import_record.rows_created, import_record.rows_failed) == (ROWS, ROWS, 0)
    assert contacts.count() == ROWS
    assert contacts.values("name").distinct().count() == ROWS


def queued_import(api, account_list, endpoint: str, name: str, content: bytes) -> str:
    """Upload a file to an import endpoint that starts at once: its import waits in the queue for a worker."""
    response = api.post_multipart(
        f"/api/v2/account_lists/{account_list.id}/imports/{endpoint}",
        {"data[attributes][file]": upload(name, kind="tnt", content=content)},
    )
    assert response.status_code == 201, response.content
    return response.json()["data"]["id"]


def killed_and_resumed(import_id: str, progress: Callable[[], int], rows: int, worker_env: dict[str, str]) -> int:
    """A worker runs the import's queued job (an import, an undo) and is killed (SIGKILL) once `progress()`
    reaches a quarter of its `rows`; a new worker resumes it, with no manual recovery, to its end.
    The progress at the kill."""
    first = start_worker(worker_env)
    try:
        assert wait_for(lambda: progress() >= rows // 4, timeout=180, interval=0.02), "no progress before the kill"
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    killed_at = progress()
    assert 0 < killed_at < rows, killed_at
    # Still running as the killed worker left it.
    assert Import.objects.get(pk=import_id).status in (Import.Status.IMPORTING, Import.Status.UNDOING)
    # The new cluster sees that the job's holder is gone and resumes it.
    second = start_worker(worker_env)
    try:
        finished = wait_for(lambda: Import.objects.get(pk=import_id).is_finished, timeout=300)
    finally:
        output = stop_worker(second)
    assert finished, output[-3000:]
    return killed_at


def killed_in_a_step_and_resumed(import_id: str, step: str, rows: int, worker_env: dict[str, str]) -> Import:
    """`killed_and_resumed` in `step` of a TntConnect or TntDataSync import, which has `rows`. The finished
    import."""
    killed_and_resumed(import_id, step_reader(import_id, step), rows, worker_env)
    import_record = Import.objects.get(pk=import_id)
    assert import_record.status == Import.Status.COMPLETE, import_record.error
    assert import_record.attempts == 2 and import_record.failures.count() == 0
    return import_record


def step_reader(import_id: str, step: str) -> Callable[[], int]:
    return lambda: Import.objects.get(pk=import_id).tnt_steps.get(step, {}).get("processed", 0)


# Enough history rows, in small batches, that the step is still running when the kill lands on a quiet machine.
TNT_HISTORY = int(os.environ.get("FAULT_TEST_TNT_HISTORY", "12000"))
TNT_BATCH = int(os.environ.get("FAULT_TEST_TNT_BATCH", "50"))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_tnt_import_killed_in_its_history_step_resumes_with_exact_counts(api, account_list):
    size = ExportSize(contacts=60, tasks=30, history=TNT_HISTORY, gifts=40)
    worker_env = {"IMPORT_BATCH_SIZE": str(TNT_BATCH)}  # the default stall limit, heartbeat and watchdog
    Conf.SYNC = False
    try:
        import_id = queued_import(api, account_list, "tnt", "export.xml", export_bytes(size))
        import_record = killed_in_a_step_and_resumed(import_id, "history", TNT_HISTORY, worker_env)
    finally:
        Conf.SYNC = True

    summary = import_record.tnt_summary
    history = Task.objects.filter(account_list=account_list, tnt_table="History")
    # Every history row is either a task or a skipped Data Change entry, exactly once.
    assert summary["history"]["created"] == history.count()
    assert summary["history"]["created"] + summary["history"]["skipped"] == TNT_HISTORY
    assert history.values("tnt_id").distinct().count() == history.count()
    assert summary["history_contacts"]["created"] == TaskContact.objects.filter(task__in=history).count()
    assert summary["tasks"]["created"] == Task.objects.filter(tnt_table="Task").count() == size.tasks
    assert summary["donations"]["created"] == Donation.objects.filter(account_list=account_list).count() == size.gifts
    assert Contact.objects.filter(account_list=account_list).count() == size.contacts


# Enough gifts, in small batches, that the gifts step is still running when the kill lands on a quiet machine.
DATA_SYNC_GIFTS = int(os.environ.get("FAULT_TEST_DATA_SYNC_GIFTS", "12000"))
DATA_SYNC_BATCH = int(os.environ.get("FAULT_TEST_DATA_SYNC_BATCH", "50"))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_tnt_data_sync_import_killed_in_its_gifts_step_resumes_and_makes_every_donation_once(api, account_list):
    size = DataSyncSize(donors=80, gifts=DATA_SYNC_GIFTS)
    worker_env = {"IMPORT_BATCH_SIZE": str(DATA_SYNC_BATCH)}  # the default stall limit, heartbeat and watchdog
    Conf.SYNC = False
    try:
        content = "".join(data_sync_chunks(size)).encode()
        import_id = queued_import(api, account_list, "tnt_data_sync", "donors.tntmpd", content)
        import_record = killed_in_a_step_and_resumed(import_id, "donations", DATA_SYNC_GIFTS, worker_env)
    finally:
        Conf.SYNC = True

    donations = Donation.objects.filter(account_list=account_list)
    # Every gift of the file is one donation, made once: none lost with the killed batch, none made twice.
    assert donations.count() == DATA_SYNC_GIFTS
    assert donations.values("remote_id").distinct().count() == DATA_SYNC_GIFTS
    assert import_record.tnt_steps["donations"]["processed"] == DATA_SYNC_GIFTS
    assert import_record.tnt_summary["donations"] == {
        "created": DATA_SYNC_GIFTS,
        "updated": 0,
        "skipped": 0,
        "failed": 0,
    }
    assert import_record.tnt_summary["donors"]["created"] == size.donors
    assert DonorAccount.objects.filter(account_list=account_list).count() == size.donors
    assert (import_record.rows_processed, import_record.rows_created) == (size.donors, size.donors)
    assert Contact.objects.filter(account_list=account_list).count() == size.donors
