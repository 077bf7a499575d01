"""python -m benchmarks.undo --rows 100000: what the change log costs an import, and how fast an undo runs.

On the configured database (DATABASE_URL, or the benchmark's SQLite file),
recreated first, each step in a fresh process (so each peak RSS is its own):

- first imports of the same seeded CSV into new account lists, with the change
  log (IMPORT_CHANGE_LOG on, the default) and without it, alternating
  (`--rounds` pairs, the order of each pair swapped every round, so a machine
  getting busier or a database growing does not favour one side);
- then the undo of the last import made with the log (the job the worker runs,
  `imports.undo.job.run_undo`), timed from claim to finish: records taken back
  per second, the file's rows per second, and peak RSS.

It prints wall and CPU seconds, rows/s and peak RSS of each run, and the
median cost of the log in wall and CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.data import csv_path, write_csv
from benchmarks.imports import ROOT, line, say


def run_phase(phase: str, workdir: Path, *, change_log: bool = True, **arguments) -> dict:
    command = [sys.executable, "-m", "benchmarks.phases", phase, json.dumps({"workdir": str(workdir), **arguments})]
    env = {**os.environ, "IMPORT_CHANGE_LOG": "1" if change_log else "0"}
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout[-3000:] + completed.stderr[-5000:])
        raise SystemExit(f"benchmark phase {phase} failed (exit {completed.returncode})")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.undo", description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--rounds", type=int, default=2, help="pairs of imports, with and without the log")
    parser.add_argument("--skip-undo", action="store_true")
    parser.add_argument(
        "--workdir", default=os.environ.get("BENCHMARK_WORKDIR", str(Path(tempfile.gettempdir()) / "undo-benchmark"))
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    path = write_csv(csv_path(workdir, args.rows, args.seed), args.rows, seed=args.seed)
    setup = run_phase("setup", workdir, fresh=True)
    say(f"database: {setup['vendor']} ({setup['database']}), file: {path.name} ({path.stat().st_size / 1e6:.1f} MB)")

    runs: dict[bool, list[dict]] = {True: [], False: []}
    logged_import = None
    for number in range(args.rounds):
        for change_log in (True, False) if number % 2 == 0 else (False, True):
            figures = run_phase("import", workdir, change_log=change_log, path=str(path))
            runs[change_log].append(figures)
            if change_log:
                logged_import = figures
            say(line(f"import, change log {'on' if change_log else 'off'}", figures))
    results = {"database": setup["vendor"], "rows": args.rows, "with_log": runs[True], "without_log": runs[False]}
    for measure in ("seconds", "cpu_seconds"):
        on = statistics.median(run[measure] for run in runs[True])
        off = statistics.median(run[measure] for run in runs[False])
        results[f"log_cost_{measure}"] = round(100 * (on / off - 1), 1)
        say(
            f"change log cost, median {measure.replace('_', ' ')}: {on:.2f} vs {off:.2f} ({100 * (on / off - 1):+.1f}%)"
        )
    if not args.skip_undo and logged_import is not None:
        undo = run_phase("undo", workdir, import_id=logged_import["import_id"])
        results["undo"] = undo
        say(
            f"{'undo of the last logged import':<30} {undo['records']:>9,} records {undo['seconds']:>8.2f} s "
            f"(CPU {undo['cpu_seconds']:>7.2f} s) {undo['records_per_second']:>7,} records/s "
            f"{undo['rows_per_second']:>7,} rows/s  peak RSS {undo['peak_rss_mb']:>6.1f} MB"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
