"""The measured steps of the benchmark; each runs in a fresh process so that its peak memory is its own.

`python -m benchmarks.phases PHASE '{json arguments}'` prints one JSON object as
its last line. The orchestrator (`benchmarks.imports`) runs these.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from benchmarks.data import HEADERS_MAPPINGS, constants_mappings_for

BENCH_USER = "benchmark@example.com"


def configure_environment(workdir: Path) -> None:
    """Production settings (DEBUG off: no query log), with a database and media of the benchmark's own."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("EMAIL_URL", "dummy://")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("MEDIA_ROOT", str(workdir / "media"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'benchmark.sqlite3'}")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


@contextmanager
def counted_queries():
    """Counts statements sent to the database (an executemany is one), without keeping them."""
    from django.db import connection

    counter = {"queries": 0}

    def wrapper(execute, sql, params, many, context):
        counter["queries"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield counter


# --------------------------------------------------------------------------- #
# Setup
# --------------------------------------------------------------------------- #


def phase_setup(*, fresh: bool) -> dict:
    """Create (or, with `fresh`, recreate) the benchmark database and migrate it."""
    url = os.environ["DATABASE_URL"]
    if fresh:
        _drop_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return {"vendor": connection.vendor, "database": str(connection.settings_dict["NAME"])}


def _drop_database(url: str) -> None:
    import dj_database_url

    config = dj_database_url.parse(url)
    name = str(config["NAME"])
    if "sqlite" in config["ENGINE"]:
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)
        return
    if "bench" not in name and "perf" not in name:
        raise SystemExit(f"Refusing to recreate {name!r}: only a database named *bench* or *perf* is recreated.")
    import psycopg

    dsn = {"host": config.get("HOST") or "127.0.0.1", "port": config.get("PORT") or 5432}
    with psycopg.connect(dbname="postgres", user=config.get("USER") or "postgres", autocommit=True, **dsn) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# --------------------------------------------------------------------------- #
# Imports
# --------------------------------------------------------------------------- #


def _setup_django():
    import django

    django.setup()


def _account_list(account_list_id: str | None):
    from accounts.models import AccountList, AccountListMembership, User

    user, _ = User.objects.get_or_create(email=BENCH_USER, defaults={"name": "Benchmark"})
    if account_list_id:
        return user, AccountList.objects.get(pk=account_list_id)
    account_list = AccountList.objects.create(name=f"Benchmark {time.time():.0f}")
    AccountListMembership.objects.create(user=user, account_list=account_list)
    return user, account_list


def _prepared_import(path: str, account_list_id: str | None, *, start: bool = True):
    """An import of `path`, analysed, mapped and queued: what the API has done before the job runs.

    `start=False`: left in preview, as a check finds it."""
    from django.core.files import File

    from imports import services

    user, account_list = _account_list(account_list_id)
    with open(path, "rb") as handle:
        record = services.create_import(
            account_list=account_list,
            user=user,
            source="csv",
            file=File(handle, name=Path(path).name),
            attributes={"file_headers_mappings": HEADERS_MAPPINGS, "in_preview": True},
            in_preview_default=True,
        )
    record = services.update_import(
        import_record=record,
        attributes={"file_constants_mappings": constants_mappings_for(record.file_constants)},
        updated_in_db_at=None,
        overwrite=True,
    )
    return services.start_import(import_record=record, enqueue=False) if start else record


def _figures(rows: int, seconds: float, queries: int, cpu_seconds: float | None = None) -> dict:
    return {
        "rows": rows,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 3) if cpu_seconds is not None else None,
        "rows_per_second": round(rows / seconds) if seconds else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "queries": queries,
        "queries_per_1000_rows": round(1000 * queries / rows, 2) if rows else None,
    }


def phase_import(*, path: str, account_list_id: str | None = None, profile: str | None = None) -> dict:
    """The real job (`imports.pipeline.job.run_import`, what the worker runs), timed from claim to finish."""
    _setup_django()
    from django.urls import get_resolver

    from imports.pipeline.job import run_import

    record = _prepared_import(path, account_list_id)
    # The finished email reverses the import's URL: a worker loads the URL configuration and builds its
    # reverse lookup once, with its first import (0.6 s of CPU). Done before the clock starts, as for
    # every later import of a worker.
    get_resolver().reverse_dict  # noqa: B018 - building it (and loading the patterns) is the point
    profiler = _start_profiler(profile)
    with counted_queries() as counter:
        started, cpu_started = time.perf_counter(), time.process_time()
        record = run_import(str(record.pk))
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    _stop_profiler(profiler, profile)
    if record.status != "complete":
        raise SystemExit(f"The import ended {record.status}: {record.error}")
    return {
        **_figures(record.rows_processed, seconds, counter["queries"], cpu_seconds),
        "created": record.rows_created,
        "updated": record.rows_updated,
        "failed": record.rows_failed,
        "account_list_id": str(record.account_list_id),
        "import_id": str(record.pk),
    }


def phase_undo(*, import_id: str) -> dict:
    """The undo job (`imports.undo.job.run_undo`, what the worker runs) of a finished import, claim to finish."""
    _setup_django()
    from imports.models import Import
    from imports.undo import progress
    from imports.undo.job import run_undo
    from imports.undo.services import undo_import

    record = Import.objects.get(pk=import_id)
    undo_import(import_record=record, user=record.user, enqueue=False)
    with counted_queries() as counter:
        started, cpu_started = time.perf_counter(), time.process_time()
        record = run_undo(import_id)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    if record.status != "undone":
        raise SystemExit(f"The undo ended {record.status}: {record.undo.get('error')}")
    totals = progress.totals(record.undo)
    records = sum(totals.values())
    return {
        **_figures(record.rows_processed, seconds, counter["queries"], cpu_seconds),
        **totals,
        "records": records,
        "records_per_second": round(records / seconds) if seconds else None,
    }


def phase_check(*, path: str, account_list_id: str | None = None) -> dict:
    """The check (`imports.pipeline.check.job.run_check`, what the worker runs), timed from claim to end.

    It counts the contact-side rows before and after: a check that wrote a contact fails the benchmark.
    """
    _setup_django()
    from contacts.models import Contact, EmailAddress, Person
    from imports import services
    from imports.pipeline.check.job import run_check

    record = _prepared_import(path, account_list_id, start=False)
    services.check_import(import_record=record, user=record.user, enqueue=False)
    before = [model.objects.count() for model in (Contact, Person, EmailAddress)]
    with counted_queries() as counter:
        started, cpu_started = time.perf_counter(), time.process_time()
        record = run_check(str(record.pk), record.check_generation)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    check = record.check_summary
    if check["status"] != "complete":
        raise SystemExit(f"The check ended {check['status']}: {check['error']}")
    if [model.objects.count() for model in (Contact, Person, EmailAddress)] != before:
        raise SystemExit("The check wrote contacts")
    return {
        **_figures(check["rows"], seconds, counter["queries"], cpu_seconds),
        "created": check["would_create"],
        "updated": check["would_update"],
        "failed": check["would_fail"],
        "account_list_id": str(record.account_list_id),
    }


def _start_profiler(profile: str | None):
    if not profile:
        return None
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.002)
    profiler.start()
    return profiler


def _stop_profiler(profiler, profile: str | None) -> None:
    if profiler is None:
        return
    profiler.stop()
    Path(profile).write_text(profiler.output_text(unicode=False, color=False, show_all=False))


def phase_baseline(*, path: str, kind: str, limit: int | None = None) -> dict:
    """One of the baselines of `benchmarks.baselines` on the same file, into a new account list."""
    _setup_django()
    from benchmarks import baselines
    from imports.models import Import

    record = _prepared_import(path, None)
    Import.objects.filter(pk=record.pk).update(status=Import.Status.IMPORTING)
    run = {"per_row": baselines.per_row_import, "import_export": baselines.import_export_import}[kind]
    with counted_queries() as counter:
        started, cpu_started = time.perf_counter(), time.process_time()
        rows = run(record, limit=limit)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    return _figures(rows, seconds, counter["queries"], cpu_seconds)


def phase_floor(*, path: str) -> dict:
    """The same file's contact graphs written with no Django (`benchmarks.floor`), into a new account list."""
    _setup_django()
    from django.conf import settings

    from benchmarks.floor import write_floor
    from imports.models import Import

    record = _prepared_import(path, None)
    Import.objects.filter(pk=record.pk).update(status=Import.Status.IMPORTING)
    figures = write_floor(record, batch_size=settings.IMPORT_BATCH_SIZE)
    return {**figures, "peak_rss_mb": round(peak_rss_mb(), 1), "queries": "-", "queries_per_1000_rows": "-"}


def phase_preview(*, path: str) -> dict:
    """POST the file to the CSV endpoint, timed until the response with headers, constants and samples is back.

    The multipart body is encoded before the clock starts; the request then
    goes through the whole stack (middleware, upload handler, analysis,
    storage, samples, rendering) in this process.
    """
    _setup_django()
    from django.test import Client
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    from accounts.models import ApiToken

    user, account_list = _account_list(None)
    _, token = ApiToken.issue(user=user, name="benchmark")
    with open(path, "rb") as handle:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile(Path(path).name, handle.read(), content_type="text/csv")
    body = encode_multipart(BOUNDARY, {"data[type]": "imports", "data[attributes][file]": upload})
    size = upload.size
    del upload
    client = Client()
    started = time.perf_counter()
    response = client.generic(
        "POST",
        f"/api/v2/account_lists/{account_list.pk}/imports/csv?include=sample_contacts",
        body,
        content_type=MULTIPART_CONTENT,
        HTTP_AUTHORIZATION=f"Bearer {token}",
        SERVER_NAME="localhost",
    )
    seconds = time.perf_counter() - started
    if response.status_code != 201:
        raise SystemExit(f"Upload refused ({response.status_code}): {response.content[:500]!r}")
    document = response.json()
    attributes = document["data"]["attributes"]
    return {
        "megabytes": round(size / 1e6, 1),
        "rows": attributes["rows_total"],
        "seconds": round(seconds, 3),
        "headers": len(attributes["file_headers"]),
        "samples": len(document.get("included", [])),
    }


def phase_api_fixture(*, path: str, imports: int) -> dict:
    """An account list with `imports` finished imports of `path` (the first one created its contacts), and a token."""
    _setup_django()
    from accounts.models import ApiToken
    from imports.pipeline.job import run_import

    first = None
    for _ in range(imports):
        record = run_import(str(_prepared_import(path, first and str(first.account_list_id)).pk))
        first = first or record
    _, token = ApiToken.issue(user=first.user, name="api load")
    return {"account_list_id": str(first.account_list_id), "import_id": str(first.pk), "token": token}


PHASES = {
    "setup": phase_setup,
    "import": phase_import,
    "baseline": phase_baseline,
    "floor": phase_floor,
    "preview": phase_preview,
    "undo": phase_undo,
    "api_fixture": phase_api_fixture,
    "check": phase_check,
}


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    phase, arguments = sys.argv[1], json.loads(sys.argv[2])
    configure_environment(Path(arguments.pop("workdir")))
    result = PHASES[phase](**arguments)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
