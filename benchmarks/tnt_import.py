"""The TntConnect import of a generated export: records per second, CPU seconds and peak memory.

    python -m benchmarks.tnt_import --contacts 20000 --tasks 20000 --history 200000 --gifts 50000

It writes a realistic export (benchmarks/tnt_export.py; `--export FILE` reuses
one already written), then runs `import_file` on it in a fresh process with
production settings (DEBUG off, as a worker runs: no query log) against a
throwaway database (SQLite in a temporary folder, or DATABASE_URL's database:
give it a throwaway one), and prints the import's wall and CPU seconds,
records per second (the Contact, Task, History and Gift rows of the file, the
figure the targets name), the peak RSS of the import's own process (the
migration and the user's creation run in processes of their own, not counted)
and, on PostgreSQL, the CPU seconds of the server's backends for the database.
`--repeat N` imports the file N times, each into a new account list.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.tnt_export import ExportSize, write_export

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


def run(export: Path, records: int, workdir: Path) -> dict:
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
    command = [*manage, "import_file", str(export), "--account-list", account_list]
    command += ["--user", "bench@example.com", "--source", "tnt"]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    with DatabaseCpu(env["DATABASE_URL"]) as database:
        out = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)  # this process's own CPU time and peak RSS
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    summary = json.loads(out.strip().splitlines()[-1])
    return {
        "database": "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite",
        "file_mb": round(export.stat().st_size / 1e6, 1),
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--history", type=int, default=200_000)
    parser.add_argument("--gifts", type=int, default=50_000)
    parser.add_argument("--export", type=Path, help="an export written before with the same sizes (not rewritten)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    size = ExportSize(args.contacts, args.tasks, args.history, args.gifts)
    with tempfile.TemporaryDirectory() as workdir:
        export = args.export or write_export(Path(workdir) / "export.xml", size)
        for _ in range(args.repeat):
            result = run(export, size.records, Path(workdir))
            print(json.dumps({key: value for key, value in result.items() if key != "tnt_summary"}), flush=True)
        print(json.dumps(result["tnt_summary"]))


if __name__ == "__main__":
    main()
