"""python -m benchmarks.clusters: six imports at once on PostgreSQL, Redis, gunicorn and qcluster processes.

The deployment of the README's "Scaling out", on one machine: two gunicorn
workers serve the API, one or two `qcluster` processes (each with
`--workers-per-cluster` worker processes) take the imports from Redis. Three
account lists each get two CSV files, and the six imports are started at once
through the API (multipart POSTs with `in_preview` false and the mappings).
Every import must complete with exact counts (rows, created, failed; no
contact doubled), checked through the API and in the database.

- `--clusters 1 2` (default) runs the six imports with one cluster, then with
  two, each on a fresh database, and prints the throughput of each.
- `--kill` (two clusters) kills one cluster with SIGKILL once a third of the
  rows are in; the other cluster finishes its imports. It prints the time from
  the kill to the next committed batch of an import the killed cluster held.
- `--ci`: `--clusters 2 --kill --rows 3000`, what `.ci/run` runs.

Needs DATABASE_URL (PostgreSQL; the runs use a database NAME_clusters beside
it, made and dropped here) and REDIS_URL (default redis://127.0.0.1:6379/5;
each run uses a queue of its own). Only loopback is addressed.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

from benchmarks.api_load import HOST, free_port, start_gunicorn, stop, wait_until_serving
from benchmarks.imports import ROOT, say

ACCOUNT_LISTS = 3
IMPORTS_PER_LIST = 2
FAILING_EVERY = 50  # every 50th row has no name and fails, so the failure counter is checked too
MAPPINGS = {"first_name": "first_name", "last_name": "last_name", "email_1": "email"}
FINISHED = {"complete", "failed", "cancelled"}


@dataclass
class Started:
    account_list_id: str
    token: str
    import_id: str
    rows: int

    @property
    def failing(self) -> int:
        return len(range(FAILING_EVERY - 1, self.rows, FAILING_EVERY))


def write_file(path: Path, rows: int, label: str) -> Path:
    """Distinct people per file (so every import's created count is exact), and now and then a row with
    neither a name nor an email address (only a note), which fails."""
    lines = ["First Name,Last Name,Email,Notes"]
    for n in range(rows):
        if n % FAILING_EVERY == FAILING_EVERY - 1:
            lines.append(f",,,A row that names nobody ({n}, {label})")
        else:
            lines.append(f"Person{n},{label.capitalize()},person{n}.{label}@example.com,")
    path.write_text("\n".join(lines) + "\n")
    return path


def database_beside(url: str, suffix: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_{suffix}"))


def recreate_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def start_cluster(env: dict, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env={**env, "Q_WORKERS": str(workers)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def start_import(base: str, user: dict, path: Path, rows: int) -> Started:
    fields = {"data[type]": "imports", "data[attributes][source]": "csv", "data[attributes][in_preview]": "false"}
    fields |= {f"data[attributes][file_headers_mappings][{field}]": key for field, key in MAPPINGS.items()}
    with path.open("rb") as file:
        response = requests.post(
            f"{base}/account_lists/{user['account_list_id']}/imports",
            data=fields,
            files={"data[attributes][file]": (path.name, file, "text/csv")},
            headers={"Authorization": f"Bearer {user['token']}"},
            timeout=120,
        )
    if response.status_code != 201:
        raise SystemExit(f"starting an import answered {response.status_code}: {response.text[:2000]}")
    return Started(user["account_list_id"], user["token"], response.json()["data"]["id"], rows)


def start_all_at_once(base: str, jobs: list[tuple[dict, Path, int]]) -> list[Started]:
    results: list[Started | None] = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(index: int) -> None:
        barrier.wait()
        results[index] = start_import(base, *jobs[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if None in results:
        raise SystemExit("an import could not be started")
    return results


def attributes(base: str, started: Started) -> dict:
    response = requests.get(
        f"{base}/account_lists/{started.account_list_id}/imports/{started.import_id}",
        headers={"Authorization": f"Bearer {started.token}"},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["data"]["attributes"]


def leases(database_url: str) -> dict[str, tuple[str, str, int]]:
    with psycopg.connect(database_url) as connection:
        rows = connection.execute("SELECT id::text, status, lease_holder, rows_processed FROM imports_import")
        return {row[0]: (row[1], row[2], row[3]) for row in rows}


def in_process_group(holder: str, group: int) -> bool:
    try:
        return os.getpgid(int(holder.rpartition(":")[2])) == group
    except (ValueError, ProcessLookupError):
        return False


def check_counts(base: str, database_url: str, imports: list[Started]) -> list[str]:
    """Every import complete with exact counters; every account list holds each person once."""
    problems = []
    for started in imports:
        found = attributes(base, started)
        want = {
            "status": "complete",
            "rows_processed": started.rows,
            "rows_created": started.rows - started.failing,
            "rows_updated": 0,
            "rows_failed": started.failing,
        }
        got = {key: found.get(key) for key in want}
        if got != want:
            problems.append(f"import {started.import_id}: {got}, expected {want}")
    expected_contacts: dict[str, int] = {}
    for started in imports:
        expected_contacts[started.account_list_id] = (
            expected_contacts.get(started.account_list_id, 0) + started.rows - started.failing
        )
    with psycopg.connect(database_url) as connection:
        for account_list_id, expected in expected_contacts.items():
            count, distinct = connection.execute(
                "SELECT count(*), count(DISTINCT lower(name)) FROM contacts_contact WHERE account_list_id = %s",
                [account_list_id],
            ).fetchone()
            if (count, distinct) != (expected, expected):
                problems.append(f"account list {account_list_id}: {count} contacts, {distinct} names; want {expected}")
    return problems


def run(*, base_url: str, redis_url: str, clusters: int, workers: int, rows: int, batch: int, kill_one: bool) -> dict:
    database_url = database_beside(base_url, "clusters")
    recreate_database(database_url)
    media = Path(tempfile.mkdtemp(prefix="imports-clusters-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "Q_CLUSTER_NAME": f"imports-scale-{os.getpid()}-{secrets.token_hex(3)}",  # a queue of this run's own
        "SECRET_KEY": secrets.token_urlsafe(40),  # the web and the workers sign and check tasks with it
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": HOST,
        "MEDIA_ROOT": str(media),
        "EMAIL_URL": "dummy://",
        "LOG_LEVEL": "WARNING",
        "IMPORT_BATCH_SIZE": str(batch),
    }
    processes: list[subprocess.Popen] = []
    try:
        manage(env, "migrate", "--verbosity=0")
        users = [
            json.loads(manage(env, "create_api_user", f"owner{n}@example.com", "--account-list", f"List {n}"))
            for n in range(ACCOUNT_LISTS)
        ]
        jobs = []
        for n, user in enumerate(users):
            for m in range(IMPORTS_PER_LIST):
                label = f"list{n}file{m}"
                jobs.append((user, write_file(media / f"{label}.csv", rows, label), rows))
        port = free_port()
        os.environ.update(env)  # gunicorn is started with this process's environment
        server = start_gunicorn(port, workers=2, threads=1)
        processes.append(server)
        wait_until_serving(port, server)
        base = f"http://{HOST}:{port}/api/v2"
        cluster_processes = [start_cluster(env, workers) for _ in range(clusters)]
        processes += cluster_processes
        time.sleep(2)  # the clusters connect to Redis and spawn their workers

        began = time.monotonic()
        imports = start_all_at_once(base, jobs)
        total = rows * len(imports)
        killed_at = recovery = None
        held_by_killed: dict[str, int] = {}
        while True:
            states = {s.import_id: attributes(base, s) for s in imports}
            done = sum(a["rows_processed"] for a in states.values())
            if kill_one and killed_at is None and done >= total // 3:
                victim = cluster_processes[0]
                held_by_killed = {
                    import_id: processed
                    for import_id, (status, holder, processed) in leases(database_url).items()
                    if status == "importing" and in_process_group(holder, victim.pid)
                }
                kill(victim)
                killed_at = time.monotonic()
                held_by_killed = {i: leases(database_url)[i][2] for i in held_by_killed}  # what was committed
                say(f"killed one cluster at {done:,} of {total:,} rows; it held {len(held_by_killed)} imports")
            if held_by_killed and recovery is None:
                now = leases(database_url)
                if any(now[i][2] > processed for i, processed in held_by_killed.items()):
                    recovery = time.monotonic() - killed_at
            if all(a["status"] in FINISHED for a in states.values()) and (recovery is not None or not held_by_killed):
                break
            if time.monotonic() - began > 1800:
                raise SystemExit("the imports did not finish within 30 minutes")
            time.sleep(0.2)
        seconds = time.monotonic() - began
        problems = check_counts(base, database_url, imports)
        return {
            "clusters": clusters,
            "workers": workers,
            "imports": len(imports),
            "rows": total,
            "seconds": round(seconds, 1),
            "rows_per_second": round(total / seconds),
            "killed_holding": len(held_by_killed) if kill_one else None,
            "recovery_seconds": None if recovery is None else round(recovery, 1),
            "problems": problems,
        }
    finally:
        for process in processes:
            if process.poll() is None:
                stop(process)
        drop_database(database_url)
        subprocess.run(["rm", "-rf", str(media)], check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows of each of the six files (default 20,000)")
    parser.add_argument("--clusters", type=int, nargs="+", default=[1, 2], help="cluster counts to run (default 1 2)")
    parser.add_argument("--workers-per-cluster", type=int, default=2, help="Q_WORKERS of each cluster (default 2)")
    parser.add_argument("--batch", type=int, default=1000, help="IMPORT_BATCH_SIZE (default 1,000)")
    parser.add_argument("--kill", action="store_true", help="kill one of two clusters a third of the way in")
    parser.add_argument("--ci", action="store_true", help="two clusters, one killed, 3,000 rows per file")
    args = parser.parse_args(argv)
    if args.ci:
        args.rows, args.clusters, args.kill = min(args.rows, 3000), [2], True
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (the runs use NAME_clusters beside it).")
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/5"
    failed = False
    results = []
    for clusters in args.clusters:
        kill_one = args.kill and clusters >= 2
        result = run(
            base_url=base_url,
            redis_url=redis_url,
            clusters=clusters,
            workers=args.workers_per_cluster,
            rows=args.rows,
            batch=args.batch,
            kill_one=kill_one,
        )
        results.append(result)
        killed = (
            f"; one cluster killed holding {result['killed_holding']} imports, "
            f"next batch of those {result['recovery_seconds']} s after the kill"
            if kill_one
            else ""
        )
        say(
            f"{clusters} cluster(s) x {args.workers_per_cluster} workers, 2 gunicorn workers: "
            f"{result['imports']} imports, {result['rows']:,} rows in {result['seconds']} s = "
            f"{result['rows_per_second']:,} rows/s{killed}"
        )
        for problem in result["problems"]:
            say(f"  WRONG: {problem}")
        failed = failed or bool(result["problems"])
        if kill_one and (result["recovery_seconds"] is None or result["recovery_seconds"] > 60):
            say("  WRONG: the killed cluster's imports did not move again within 60 s")
            failed = True
    print(json.dumps(results))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
