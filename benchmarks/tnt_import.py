"""The TntConnect import of a generated export: records per second and peak memory.

    python -m benchmarks.tnt_import --contacts 20000 --tasks 20000 --history 200000 --gifts 50000

It writes a realistic export (benchmarks/tnt_export.py), then runs `import_file`
on it in a fresh process against a throwaway database (SQLite in a temporary
folder, or DATABASE_URL's database: give it a throwaway one), and
prints the import's seconds (wall and CPU), records per second (the Contact, Task, History and
Gift rows of the file, the figure the targets name) and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from benchmarks.import_run import run_import_file
from benchmarks.tnt_export import ExportSize, write_export


def run(size: ExportSize, workdir: Path) -> dict:
    export = write_export(workdir / "export.xml", size)
    return run_import_file(export, source="tnt", records=size.records, workdir=workdir)


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
