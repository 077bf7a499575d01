"""python -m benchmarks.imports --rows 100000: the import path against its baselines.

Generates a seeded CSV, then on the configured database (DATABASE_URL, or a
SQLite file of the benchmark's own) measures, each step in a fresh process:

- the real job on a first import: rows/s, peak RSS, queries per 1,000 rows;
- a re-import of the same file into the same account list (every row matches);
- the floor: the same contact graphs written with no Django (`benchmarks/floor.py`),
  and the importer's time as a multiple of its time;
- the per-row ORM baseline and the django-import-export baseline, and the ratios;
- upload to preview of a large file (``--preview-mb``);
- peak memory of the job at other sizes (``--memory-rows 100000,1000000``).

``--ci`` runs the small version for CI and exits 1 when the importer is less
than ``--min-ratio`` times as fast as the per-row baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.data import csv_path, write_csv

ROOT = Path(__file__).resolve().parent.parent


def run_phase(phase: str, workdir: Path, **arguments) -> dict:
    """Run one phase in a new Python process and return its JSON result."""
    command = [sys.executable, "-m", "benchmarks.phases", phase, json.dumps({"workdir": str(workdir), **arguments})]
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout[-3000:] + completed.stderr[-5000:])
        raise SystemExit(f"benchmark phase {phase} failed (exit {completed.returncode})")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def preview_rows(workdir: Path, megabytes: float, seed: int) -> int:
    """How many rows make a file of about `megabytes` (measured on a small file of the same generator)."""
    probe = write_csv(csv_path(workdir, 2000, seed), 2000, seed=seed)
    per_row = probe.stat().st_size / 2000
    return int(megabytes * 1e6 / per_row) + 1


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.imports", description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the main file (default 100000)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--baseline-rows",
        type=int,
        default=20_000,
        help="rows the per-row baseline imports (the first N of the same file; default 20000): "
        "its rate is flat, and the whole file would take many minutes",
    )
    parser.add_argument("--skip", default="", help="comma-separated steps to leave out: "
                        "floor,reimport,per_row,import_export,preview,memory")  # fmt: skip
    parser.add_argument("--preview-mb", type=float, default=100, help="size of the upload-to-preview file in MB")
    parser.add_argument("--memory-rows", default="", help="e.g. 100000,1000000: peak RSS of the job at these sizes")
    parser.add_argument(
        "--workdir", default=os.environ.get("BENCHMARK_WORKDIR", str(Path(tempfile.gettempdir()) / "imports-benchmark"))
    )
    parser.add_argument("--keep-database", action="store_true", help="do not recreate the benchmark database first")
    parser.add_argument("--profile", metavar="FILE", help="write a pyinstrument profile of the main import to FILE")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    parser.add_argument("--ci", action="store_true", help="small CI run: --rows 5000, importer vs per-row only")
    parser.add_argument("--min-ratio", type=float, default=5.0, help="with --ci: fail below this ratio to per-row")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    skip = set(filter(None, args.skip.split(",")))
    if args.ci:
        skip |= {"import_export", "preview", "memory"}
        args.rows = min(args.rows, 5_000) if "--rows" not in (argv or sys.argv) else args.rows
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict = {"rows": args.rows, "seed": args.seed}

    path = write_csv(csv_path(workdir, args.rows, args.seed), args.rows, seed=args.seed)
    setup = run_phase("setup", workdir, fresh=not args.keep_database)
    results["database"] = setup["vendor"]
    say(f"database: {setup['vendor']} ({setup['database']}), file: {path.name} ({path.stat().st_size / 1e6:.1f} MB)")

    first = run_phase("import", workdir, path=str(path), profile=args.profile)
    results["import"] = first
    say(line("import (first)", first))
    if "floor" not in skip:
        floor = run_phase("floor", workdir, path=str(path))
        floor["importer_multiple"] = round(first["seconds"] / floor["seconds"], 2)
        floor["importer_cpu_multiple"] = round(first["cpu_seconds"] / floor["cpu_seconds"], 2)
        floor["importer_to_writes_multiple"] = round(first["seconds"] / floor["write_seconds"], 2)
        results["floor"] = floor
        say(
            line("floor: no Django", floor)
            + f"  -> importer takes {floor['importer_multiple']}x its time, {floor['importer_cpu_multiple']}x its CPU,"
            + f" {floor['importer_to_writes_multiple']}x its writes alone ({floor['write_seconds']:.2f} s)"
        )
    if "reimport" not in skip:
        again = run_phase("import", workdir, path=str(path), account_list_id=first["account_list_id"])
        results["reimport"] = again
        say(line("re-import (all match)", again))
    for kind, label in (("per_row", "baseline: per-row ORM"), ("import_export", "baseline: django-import-export")):
        if kind in skip:
            continue
        limit = min(args.baseline_rows, args.rows) if kind == "per_row" else None
        baseline = run_phase("baseline", workdir, path=str(path), kind=kind, limit=limit)
        baseline["ratio"] = round(first["rows_per_second"] / baseline["rows_per_second"], 1)
        results[kind] = baseline
        say(line(label, baseline) + f"  -> importer is {baseline['ratio']}x")
    if "preview" not in skip:
        rows = preview_rows(workdir, args.preview_mb, args.seed)
        big = write_csv(csv_path(workdir, rows, args.seed), rows, seed=args.seed)
        preview = run_phase("preview", workdir, path=str(big))
        results["preview"] = preview
        say(f"upload to preview: {preview['megabytes']} MB, {preview['rows']:,} rows in {preview['seconds']:.2f} s")
    if args.memory_rows and "memory" not in skip:
        results["memory"] = {}
        for rows in [int(r) for r in args.memory_rows.split(",") if r]:
            file = write_csv(csv_path(workdir, rows, args.seed), rows, seed=args.seed)
            measured = run_phase("import", workdir, path=str(file))
            results["memory"][rows] = measured
            say(line(f"memory run, {rows:,} rows", measured))
        sizes = sorted(results["memory"])
        if len(sizes) >= 2:
            low, high = results["memory"][sizes[0]]["peak_rss_mb"], results["memory"][sizes[-1]]["peak_rss_mb"]
            say(f"peak RSS {sizes[-1]:,} rows vs {sizes[0]:,} rows: {100 * (high / low - 1):+.1f}%")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    if args.ci:
        return check_ratio(results, args.min_ratio)
    return 0


def line(label: str, figures: dict) -> str:
    return (
        f"{label:<30} {figures['rows']:>9,} rows {figures['seconds']:>8.2f} s (CPU {figures['cpu_seconds']:>7.2f} s)"
        f" {figures['rows_per_second']:>7,} rows/s  peak RSS {figures['peak_rss_mb']:>6.1f} MB"
        f"  {figures['queries_per_1000_rows']:>7} queries/1,000 rows"
    )


def check_ratio(results: dict, minimum: float) -> int:
    ratio = results.get("per_row", {}).get("ratio")
    if ratio is None:
        say("CI check skipped: no per-row baseline was run")
        return 0
    if ratio < minimum:
        say(f"FAIL: the importer is only {ratio}x the per-row baseline (at least {minimum}x expected)")
        return 1
    say(f"OK: the importer is {ratio}x the per-row baseline (at least {minimum}x expected)")
    return 0


def say(text: str) -> None:
    print(text, flush=True)


if __name__ == "__main__":
    sys.exit(main())
