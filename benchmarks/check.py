"""python -m benchmarks.check --rows 100000: the check of a file beside the import of the same file.

On the imports benchmark's generated file and database (`benchmarks.imports`: DATABASE_URL, or a
SQLite file of the benchmark's own), each step in a fresh process, alternating so that a busy
machine slows both alike:

1. a check into an empty account list (every row would create a contact), then the import of
   the same file into another empty list;
2. a check of the same file into the list just imported (every row would update), then the
   re-import into that list.

Each prints seconds, CPU seconds, rows per second, peak RSS and queries per 1,000 rows; the check
must say what the import then does (the counts are compared) and write no contact.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks.data import csv_path, write_csv
from benchmarks.imports import line, run_phase, say


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.check", description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--workdir", default="/tmp/imports-benchmark")
    parser.add_argument("--keep-database", action="store_true", help="do not recreate the benchmark database first")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE as JSON")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    path = write_csv(csv_path(workdir, args.rows, args.seed), args.rows, seed=args.seed)
    setup = run_phase("setup", workdir, fresh=not args.keep_database)
    say(f"database: {setup['vendor']} ({setup['database']}), file: {path.name} ({path.stat().st_size / 1e6:.1f} MB)")
    results: dict = {"rows": args.rows, "database": setup["vendor"]}

    results["check"] = run_phase("check", workdir, path=str(path))
    say(line("check (first)", results["check"]))
    results["import"] = run_phase("import", workdir, path=str(path))
    say(line("import (first)", results["import"]))
    imported = results["import"]["account_list_id"]
    results["check_again"] = run_phase("check", workdir, path=str(path), account_list_id=imported)
    say(line("check (all match)", results["check_again"]))
    results["reimport"] = run_phase("import", workdir, path=str(path), account_list_id=imported)
    say(line("re-import (all match)", results["reimport"]))

    for check, done in (("check", "import"), ("check_again", "reimport")):
        said = [results[check][key] for key in ("created", "updated", "failed")]
        did = [results[done][key] for key in ("created", "updated", "failed")]
        if said != did:
            raise SystemExit(f"the {check} said {said} (created, updated, failed); the {done} did {did}")
        ratio = results[check]["rows_per_second"] / results[done]["rows_per_second"]
        say(f"{check}: {ratio:.2f}x the speed of the {done}; the counts are the same: {said}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
