"""A real worker: `manage.py qcluster` takes a queued import from the broker and runs it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django_q.brokers import get_broker
from django_q.conf import Conf

from imports.models import Import
from tests.imports.helpers import create_csv, update

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


def start_worker(extra_env: dict[str, str] | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": django_settings.SECRET_KEY,  # django-q2 signs queued tasks with it
        "Q_SYNC": "0",
        "Q_WORKERS": "1",
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        **(extra_env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_worker(worker: subprocess.Popen) -> str:
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        output = worker.communicate(timeout=5)[0]
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        output = worker.communicate()[0]
    return output.decode(errors="replace")


def wait_for(predicate, timeout: float = 60, interval: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_qcluster_processes_a_queued_import(api, account_list):
    # CI runs this file twice: with the ORM broker, and with REDIS_URL set (the broker of a real deployment).
    assert type(get_broker()).__name__ == ("Redis" if django_settings.REDIS_URL else "ORM")
    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    Conf.SYNC = False  # enqueue in the ORM broker instead of running in this process
    try:
        response = update(
            api,
            account_list,
            created,
            {"file_headers_mappings": {"first_name": "first_name", "last_name": "last_name"}, "in_preview": False},
        )
        assert response.status_code == 200, response.content
        assert Import.objects.get(pk=created["id"]).status == Import.Status.QUEUED
        worker = start_worker()
        try:
            done = wait_for(lambda: Import.objects.get(pk=created["id"]).is_finished)
        finally:
            output = stop_worker(worker)
        assert done, output[-3000:]
    finally:
        Conf.SYNC = True
    import_record = Import.objects.get(pk=created["id"])
    assert import_record.status == Import.Status.COMPLETE, import_record.error
    assert import_record.rows_created == 1
