"""python manage.py import_status [ID]: recent imports as a table, or one import in detail.

For operators on a server without the admin at hand: what is running, what
failed and why. `--json` prints the same facts for scripts.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from imports.fields import FIELDS_BY_KEY
from imports.models import Import, ImportFailure

COLUMNS = ("id", "created", "source", "status", "progress", "account list", "user", "file")


class BadArguments(CommandError):
    def __init__(self, message: str):
        super().__init__(message, returncode=2)


def when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def progress(import_record: Import) -> str:
    total = "?" if import_record.rows_total is None else import_record.rows_total
    failed = f", {import_record.rows_failed} failed" if import_record.rows_failed else ""
    return f"{import_record.rows_processed}/{total}{failed}"


def facts(import_record: Import) -> dict:
    return {
        "import_id": str(import_record.pk),
        "status": import_record.status,
        "source": import_record.source,
        "file": import_record.original_filename,
        "account_list": import_record.account_list.name,
        "account_list_id": str(import_record.account_list_id),
        "user": import_record.user.email,
        "retry_of": str(import_record.retry_of_id) if import_record.retry_of_id else None,
        "rows_total": import_record.rows_total,
        "rows_processed": import_record.rows_processed,
        "rows_created": import_record.rows_created,
        "rows_updated": import_record.rows_updated,
        "rows_failed": import_record.rows_failed,
        "tnt_summary": import_record.tnt_summary,
        "error": import_record.error or None,
        "cancel_requested": import_record.cancel_requested,
        "attempts": import_record.attempts,
        "created_at": import_record.created_at,
        "queued_at": import_record.queued_at,
        "started_at": import_record.started_at,
        "completed_at": import_record.completed_at,
        "heartbeat_at": import_record.heartbeat_at,
    }


class Command(BaseCommand):
    help = "Show recent imports as a table, or one import (with its first failed rows) in detail."

    def add_arguments(self, parser):
        parser.add_argument("import_id", nargs="?", help="Show this import in detail")
        parser.add_argument("--limit", type=int, default=20, help="How many recent imports to list (default 20)")
        parser.add_argument("--status", choices=Import.Status.values, help="Only imports in this status")
        parser.add_argument("--account-list", dest="account_list", help="Only imports of this account list id")
        parser.add_argument("--failures", type=int, default=10, help="Failed rows to show in detail (default 10)")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of text")

    def handle(self, *args, import_id=None, **options):
        if import_id:
            self._show_one(self._find(import_id), failures=options["failures"], as_json=options["json"])
        else:
            self._show_recent(options)

    def _find(self, import_id: str) -> Import:
        try:
            pk = uuid.UUID(import_id)
        except ValueError:
            raise BadArguments(f"Not an import id: {import_id!r}") from None
        import_record = Import.objects.select_related("account_list", "user").filter(pk=pk).first()
        if import_record is None:
            raise BadArguments(f"No import with the id {import_id}")
        return import_record

    def _show_recent(self, options) -> None:
        imports = Import.objects.select_related("account_list", "user").order_by("-created_at")
        if options["status"]:
            imports = imports.filter(status=options["status"])
        if options["account_list"]:
            try:
                imports = imports.filter(account_list_id=uuid.UUID(options["account_list"]))
            except ValueError:
                raise BadArguments(f"Not an account list id: {options['account_list']!r}") from None
        imports = list(imports[: max(options["limit"], 0)])
        if options["json"]:
            self.stdout.write(json.dumps([facts(i) for i in imports], default=str))
            return
        if not imports:
            self.stdout.write("No imports.")
            return
        rows = [
            (
                str(i.pk),
                when(i.created_at),
                i.source,
                i.status,
                progress(i),
                i.account_list.name,
                i.user.email,
                i.original_filename,
            )
            for i in imports
        ]
        widths = [max(len(str(row[n])) for row in [COLUMNS, *rows]) for n in range(len(COLUMNS))]
        for row in [COLUMNS, tuple("-" * w for w in widths), *rows]:
            self.stdout.write(
                "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )

    def _show_one(self, import_record: Import, *, failures: int, as_json: bool) -> None:
        first_failures = list(
            ImportFailure.objects.filter(import_record=import_record).order_by("line_number", "id")[: max(failures, 0)]
        )
        if as_json:
            document = {
                **facts(import_record),
                "file_headers_mappings": import_record.file_headers_mappings,
                "file_constants_mappings": import_record.file_constants_mappings,
                "failures": [{"line_number": f.line_number, "message": f.message} for f in first_failures],
            }
            self.stdout.write(json.dumps(document, default=str))
            return
        for label, value in facts(import_record).items():
            text = when(value) if isinstance(value, datetime) else "-" if value is None else value
            self.stdout.write(f"{label.replace('_', ' '):<17} {text}")
        if import_record.file_headers_mappings:
            self.stdout.write("\nColumns imported:")
            for field_key, header_key in import_record.file_headers_mappings.items():
                label = FIELDS_BY_KEY[field_key].label if field_key in FIELDS_BY_KEY else field_key
                header = import_record.file_headers.get(header_key, f"{header_key} (not in the file)")
                self.stdout.write(f"  {header} -> {label}")
        if first_failures:
            shown = f"first {len(first_failures)} of {import_record.rows_failed}"
            self.stdout.write(f"\nFailed rows ({shown}):")
            for failure in first_failures:
                self.stdout.write(f"  line {failure.line_number}: {failure.message}")
