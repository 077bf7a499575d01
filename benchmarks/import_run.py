"""`import_file` of one generated file in a fresh process: seconds (wall and CPU) and peak RSS.

Shared by the TntConnect and TntDataSync benchmarks. The database is a
throwaway SQLite file in `workdir`, or DATABASE_URL's database (give it a
throwaway one).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_import_file(path: Path, *, source: str, records: int, workdir: Path) -> dict:
    env = {**os.environ, "DEBUG": "1", "SECRET_KEY": "benchmark"}
    if not os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
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
    started = time.perf_counter()
    child = subprocess.Popen(
        [*manage, "import_file", str(path), "--account-list", account_list, "--user", "bench@example.com"]
        + ["--source", source],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
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
        "records_per_second": round(records / seconds),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "status": summary["status"],
        "tnt_summary": summary["tnt_summary"],
    }
