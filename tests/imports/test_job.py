"""What a job leaves in its worker process: nothing. What it tunes for speed is given back, however it ends."""

import gc
import sys

import pytest
from django.db import connection

from imports.models import Import
from imports.pipeline.job import run_import
from tests.imports.helpers import make_import, named_rows

pytestmark = pytest.mark.django_db


def process_settings() -> dict:
    settings = {"gc_threshold": gc.get_threshold(), "switch_interval": sys.getswitchinterval()}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for pragma in ("cache_size", "wal_autocheckpoint"):
                settings[pragma] = cursor.execute(f"PRAGMA {pragma}").fetchone()[0]
    return settings


def test_a_completed_import_leaves_the_worker_process_as_it_found_it():
    queued = make_import(content=named_rows(30), mappings={"first_name": "fname", "last_name": "lname"}, until="queued")
    before = process_settings()
    assert run_import(str(queued.pk)).status == Import.Status.COMPLETE
    assert process_settings() == before


def test_a_failed_import_leaves_the_worker_process_as_it_found_it():
    queued = make_import(content=named_rows(30), mappings={"first_name": "fname", "last_name": "lname"}, until="queued")
    queued.file.storage.delete(queued.file.name)  # the stored file is gone: the job fails
    before = process_settings()
    assert run_import(str(queued.pk)).status == Import.Status.FAILED
    assert process_settings() == before
