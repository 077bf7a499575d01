"""A worker killed with SIGKILL in the middle of an undo: a new worker resumes it, and every count is exact."""

import os

import pytest
from django_q.conf import Conf

from contacts.models import Contact, EmailAddress, Person
from imports.models import Import
from imports.undo.services import undo_import
from tests.imports.helpers import make_import
from tests.reliability.test_worker_crash import generated_csv, killed_and_resumed

ROWS = int(os.environ.get("FAULT_TEST_UNDO_ROWS", "3000"))
BATCH = int(os.environ.get("FAULT_TEST_UNDO_BATCH", "20"))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_undo_killed_in_the_middle_resumes_and_removes_everything_exactly_once():
    mappings = {"first_name": "first_name", "last_name": "last_name", "email_1": "email"}
    record = make_import(content=generated_csv(ROWS), mappings=mappings)
    assert record.status == Import.Status.COMPLETE and record.rows_created == ROWS
    import_id = str(record.pk)
    worker_env = {"UNDO_BATCH_SIZE": str(BATCH)}  # the default stall limit, heartbeat and watchdog

    def removed() -> int:
        return Import.objects.get(pk=import_id).undo.get("tables", {}).get("contacts", {}).get("removed", 0)

    Conf.SYNC = False
    try:
        undo_import(import_record=record, user=record.user)  # queued for the worker once committed
        killed_at = killed_and_resumed(import_id, removed, ROWS, worker_env)
    finally:
        Conf.SYNC = True

    undone = Import.objects.get(pk=import_id)
    print(f"\nundo fault test: {ROWS} contacts, killed after {killed_at} were removed")
    assert undone.status == Import.Status.UNDONE, undone.undo
    assert undone.attempts - undone.undo["attempts_before"] == 2  # the killed job and the one that finished
    tables = undone.undo["tables"]
    assert (tables["contacts"]["removed"], tables["people"]["removed"], tables["email_addresses"]["removed"]) == (
        ROWS,
        ROWS,
        ROWS,
    )
    assert sum(counters["kept"] for counters in tables.values()) == 0
    scope = record.account_list
    assert Contact.objects.filter(account_list=scope).count() == 0
    assert Person.objects.filter(contact__account_list=scope).count() == 0
    assert EmailAddress.objects.filter(person__contact__account_list=scope).count() == 0
