"""The TntDataSync import of a generated donor file: records per second, CPU seconds and peak memory.

    python -m benchmarks.tnt_data_sync_import --donors 20000 --gifts 100000

It writes a realistic file (benchmarks/tnt_data_sync_file.py), runs
`import_file` on it in a fresh process against a throwaway database (SQLite
in a temporary folder, or DATABASE_URL's database: give it a throwaway one),
and prints the import's seconds (wall and CPU), records per second (the
[DONORS] and [GIFTS] rows) and the process's peak RSS, then its counters.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from benchmarks.import_run import run_import_file
from benchmarks.tnt_data_sync_file import DataSyncSize, write_data_sync_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--donors", type=int, default=20_000)
    parser.add_argument("--gifts", type=int, default=100_000)
    args = parser.parse_args()
    size = DataSyncSize(args.donors, args.gifts)
    with tempfile.TemporaryDirectory() as workdir:
        path = write_data_sync_file(Path(workdir) / "donors.tntmpd", size)
        result = run_import_file(path, source="tnt_data_sync", records=size.records, workdir=Path(workdir))
    print(json.dumps({key: value for key, value in result.items() if key != "tnt_summary"}))
    print(json.dumps(result["tnt_summary"]))


if __name__ == "__main__":
    main()
