"""`import_file` of one generated file in a fresh process: seconds (wall and CPU), peak RSS, database CPU.

Shared by the TntConnect and TntDataSync benchmarks. The import runs with
production settings (DEBUG off, as a worker runs: no query log), against a
throwaway SQLite file in `workdir`, or DATABASE_URL's database (give it a
throwaway one). The figures are the import's own process: the migration and
the user's creation run in processes of their own and are not counted. On
PostgreSQL the CPU seconds of the server's backends for the database are
given too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def environment(workdir: Path) -> dict:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-secret-key",
        "SECURE_SSL_REDIRECT": "0",
        "EMAIL_URL": "dummy://",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(workdir / "media"),
    }
    if not os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    return env


def run_import_file(path: Path, *, source: str, records: int, workdir: Path) -> dict:
    env = environment(workdir)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    made = subprocess.run(
        [*manage, "create_api_user", "bench@example.com", "--account-list", f"bench {time.time_ns()}"],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    account_list = json.loads(made.stdout.strip().splitlines()[-1])["account_list_id"]
    command = [*manage, "import_file", str(path), "--account-list", account_list, "--user", "bench@example.com"]
    command += ["--source", source]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    with DatabaseCpu(env["DATABASE_URL"]) as database:
        out = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)  # the import's own CPU time and peak memory, not the setup's
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    summary = json.loads(out.strip().splitlines()[-1])
    return {
        "database": "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite",
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "records": records,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "database_cpu_seconds": database.seconds,
        "records_per_second": round(records / seconds),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "status": summary["status"],
        "tnt_summary": summary["tnt_summary"],
    }


class DatabaseCpu:
    """The CPU seconds of the PostgreSQL server processes that serve the benchmark's database (None on SQLite).

    On a loaded machine wall time says little: the import's own CPU time
    and its database's together say what the work costs. The server runs
    on this machine (loopback), so its backends' times are read from /proc
    once a second while the import runs, keeping each backend's last figure.
    """

    def __init__(self, url: str) -> None:
        self.url = url if url.startswith("postgres") else ""
        self.by_pid: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    @property
    def seconds(self) -> float | None:
        return round(sum(self.by_pid.values()), 1) if self.url else None

    def __enter__(self) -> DatabaseCpu:
        if self.url:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self.url:
            self._thread.join()

    def _poll(self) -> None:
        import psycopg

        name = urlsplit(self.url).path.lstrip("/")
        admin = self.url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            while not self._stop.wait(1):
                pids = connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,)).fetchall()
                for (pid,) in pids:
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    self.by_pid[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
