"""The TntConnect import of a generated export: records per second, CPU seconds and peak memory.

    python -m benchmarks.tnt_import --contacts 20000 --tasks 20000 --history 200000 --gifts 50000

It writes a realistic export (benchmarks/tnt_export.py; `--export FILE` reuses
one written before with the same sizes), then runs `import_file` on it in a
fresh process (benchmarks/import_run.py: production settings, a throwaway
database) and prints the import's wall and CPU seconds (and, on PostgreSQL,
the server's), records per second (the Contact, Task, History and Gift rows of
the file, the figure the targets name) and the import process's peak RSS.
`--repeat N` imports the file N times, each into a new account list.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from benchmarks.import_run import run_import_file
from benchmarks.tnt_export import ExportSize, write_export


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ExportSize.add_arguments(parser, ExportSize(contacts=20_000, tasks=20_000, history=200_000, gifts=50_000))
    parser.add_argument("--export", type=Path, help="an export written before with the same sizes (not rewritten)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    size = ExportSize.from_arguments(args)
    with tempfile.TemporaryDirectory() as workdir:
        export = args.export or write_export(Path(workdir) / "export.xml", size)
        for _ in range(args.repeat):
            result = run_import_file(export, source="tnt", records=size.records, workdir=Path(workdir))
            print(json.dumps({key: value for key, value in result.items() if key != "tnt_summary"}), flush=True)
        print(json.dumps(result["tnt_summary"]))


if __name__ == "__main__":
    main()
