"""The TntConnect import of a generated export: records per second and peak memory.

    python -m benchmarks.tnt_import --contacts 20000 --tasks 20000 --history 200000 --gifts 50000

It writes a realistic export (benchmarks/tnt_export.py), then runs `import_file`
on it in a fresh process against a throwaway database (SQLite in a temporary
folder, or DATABASE_URL's database: give it a throwaway one), and
prints the import's seconds, records per second (the Contact, Task, History and
Gift rows of the file, the figure the targets name) and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.tnt_export import ExportSize, write_export

ROOT = Path(__file__).resolve().parent.parent


def run(size: ExportSize, workdir: Path) -> dict:
    export = write_export(workdir / "export.xml", size)
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
        [
            *manage,
            "import_file",
            str(export),
            "--account-list",
            account_list,
            "--user",
            "bench@example.com",
            "--source",
            "tnt",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    out, _ = child.communicate()
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary = json.loads(out.strip().splitlines()[-1])
    return {
        "database": "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite",
        "file_mb": round(export.stat().st_size / 1e6, 1),
        "records": size.records,
        "seconds": round(seconds, 1),
        "records_per_second": round(size.records / seconds),
        "peak_rss_mb": round(peak_kib / 1024),
        "status": summary["status"],
        "tnt_summary": summary["tnt_summary"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--history", type=int, default=200_000)
    parser.add_argument("--gifts", type=int, default=50_000)
    args = parser.parse_args()
    size = ExportSize(args.contacts, args.tasks, args.history, args.gifts)
    with tempfile.TemporaryDirectory() as workdir:
        result = run(size, Path(workdir))
    print(json.dumps({key: value for key, value in result.items() if key != "tnt_summary"}))
    print(json.dumps(result["tnt_summary"]))


if __name__ == "__main__":
    main()
