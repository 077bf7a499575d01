"""Requests and imports at the same time: exactly one job, one winner, no duplicate contacts."""

import threading

import pytest
from django.db import connection
from django_q.brokers import get_broker
from django_q.conf import Conf

from contacts.models import Contact
from imports.models import Import
from imports.pipeline.job import run_import
from tests.imports.helpers import imports_path, make_import

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MAPPINGS = {"first_name": "first_name", "last_name": "last_name", "email_1": "email"}


def at_once(*calls):
    """Run the calls in threads released together; returns their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def put(api, account_list, import_id, attributes):
    document = {"data": {"type": "imports", "id": import_id, "attributes": attributes}}
    return lambda: api.put_json(imports_path(account_list, f"/csv/{import_id}"), document).status_code


def csv_of(names: list[tuple[str, str]]) -> bytes:
    rows = ["First Name,Last Name,Email"]
    rows += [f"{first},{last},{first}.{last}@example.com".lower() for first, last in names]
    return ("\n".join(rows) + "\n").encode()


def test_two_requests_leaving_preview_at_once_start_exactly_one_job(api, account_list):
    import_id = str(make_import(account_list=account_list, content=csv_of([("Ann", "Lee")]), until="preview").pk)
    attributes = {"overwrite": True, "file_headers_mappings": MAPPINGS, "in_preview": False}
    # Counted through the broker, so the test holds on the ORM broker and on Redis alike.
    broker = get_broker()
    broker.purge_queue()
    Conf.SYNC = False
    try:
        statuses = at_once(*[put(api, account_list, import_id, attributes)] * 2)
    finally:
        Conf.SYNC = True
    assert statuses == [200, 200]
    assert broker.queue_size() == 1
    assert Import.objects.get(pk=import_id).status == Import.Status.QUEUED


def test_two_updates_from_the_same_version_give_one_success_and_one_409(api, account_list):
    import_id = str(make_import(account_list=account_list, content=csv_of([("Ann", "Lee")]), until="preview").pk)
    seen = api.get(imports_path(account_list, f"/{import_id}")).json()["data"]["attributes"]["updated_at"]
    statuses = at_once(
        put(api, account_list, import_id, {"updated_in_db_at": seen, "tag_list": "first"}),
        put(api, account_list, import_id, {"updated_in_db_at": seen, "tag_list": "second"}),
    )
    assert sorted(statuses) == [200, 409]
    winner = "first" if statuses[0] == 200 else "second"
    assert Import.objects.get(pk=import_id).tag_list == winner


def test_two_imports_of_overlapping_people_at_once_create_no_duplicates(api, account_list, settings):
    settings.IMPORT_BATCH_SIZE = 25
    people = [(f"First{i}", f"Last{i}") for i in range(300)]
    files = [csv_of(people[:200]), csv_of(people[100:])]  # 100 people in both
    imports = [
        make_import(account_list=account_list, content=content, mappings=MAPPINGS, until="queued") for content in files
    ]
    at_once(*[lambda pk=record.pk: run_import(str(pk)) for record in imports])
    for record in imports:
        record.refresh_from_db()
        assert record.status == Import.Status.COMPLETE, record.error
    contacts = Contact.objects.filter(account_list=account_list)
    assert contacts.count() == 300
    assert contacts.values("name").distinct().count() == 300
    assert sum(r.rows_created for r in imports) == 300
    assert sum(r.rows_updated for r in imports) == 100
