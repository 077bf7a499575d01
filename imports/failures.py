"""The failures CSV: "Error Message", then the file's own columns, one line per failed row.

Ready to fix in a spreadsheet and upload again. Cells that a spreadsheet
would run as a formula are neutralised (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from imports.models import CheckFailure, Import, ImportFailure
from imports.pipeline.sources import failure_headers

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(cell: str) -> str:
    """Prefix a cell that a spreadsheet would evaluate with a single quote."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


class _Echo:
    def write(self, value: str) -> str:
        return value


def failure_lines(import_record: Import, *, of_check: bool = False) -> Iterator[str]:
    """The CSV, line by line, reading the failures in chunks so memory stays flat.

    `of_check`: the rows the import's check found it would fail (its current check's), in the same format.
    """
    writer = csv.writer(_Echo())
    yield writer.writerow([neutralize(h) for h in ["Error Message", *failure_headers(import_record)]])
    if of_check:
        failures = CheckFailure.objects.filter(import_record=import_record, generation=import_record.check_generation)
    else:
        failures = ImportFailure.objects.filter(import_record=import_record)
    failures = failures.order_by("line_number", "id")
    for failure in failures.only("line_number", "message", "fields").iterator(chunk_size=2000):
        message = f"Line {failure.line_number}: {failure.message}"
        yield writer.writerow([neutralize(str(cell)) for cell in [message, *failure.fields]])


def failures_csv_text(import_record: Import) -> str:
    buffer = io.StringIO()
    for line in failure_lines(import_record):
        buffer.write(line)
    return buffer.getvalue()


def failures_filename(import_record: Import, *, of_check: bool = False) -> str:
    return f"import-{import_record.pk}-{'check-' if of_check else ''}failures.csv"
