"""python manage.py import_file PATH --account-list ID --user EMAIL ...: an import from the shell.

Goes through the same services as the API, runs the job in the foreground
(no worker needed) and ends with one JSON line that scripts can read.
`--check` runs the check instead: it reads the whole file and imports nothing.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress
from rich.text import Text

from accounts.models import User
from accounts.selectors import account_lists_for
from contacts.api.serializers import SampleContactSerializer
from imports import services
from imports.failures import failure_lines
from imports.models import Import
from imports.pipeline.check.job import run_check
from imports.pipeline.job import run_import
from imports.pipeline.progress import rows_read, rows_to_read
from imports.pipeline.readers.tnt_data_sync import looks_like_data_sync


class BadArguments(CommandError):
    """Exit status 2, as the contract says for bad arguments."""

    def __init__(self, message: str):
        super().__init__(message, returncode=2)


class Command(BaseCommand):
    help = "Import a CSV, TntConnect XML or TntDataSync file into an account list, in the foreground."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--account-list", required=True, dest="account_list", help="Account list id")
        parser.add_argument("--user", required=True, help="Email of a member of the account list")
        parser.add_argument(
            "--source",
            choices=[Import.Source.CSV, Import.Source.TNT, Import.Source.TNT_DATA_SYNC],
            help="Default: from the content (a TntDataSync file's sections), else the name (.xml is tnt)",
        )
        parser.add_argument(
            "--mapping", help='"auto", or a JSON file with file_headers_mappings and file_constants_mappings'
        )
        parser.add_argument("--sheet", default="", help="Excel files: the sheet to read (default: the first)")
        parser.add_argument("--tag-list", default="", dest="tag_list", help="Comma-separated tags for every contact")
        parser.add_argument("--override", action="store_true", help="File values replace stored ones")
        parser.add_argument("--preview", action="store_true", help="Print the analysis as JSON and import nothing")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Read the whole file as the import would and print what it would do; import nothing",
        )
        parser.add_argument(
            "--failures-csv",
            dest="failures_csv",
            type=Path,
            help="Where to write the failed rows (default: a new temporary file; the summary line gives its path)",
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise BadArguments(f"No such file: {path}")
        failures_csv = options["failures_csv"]
        if failures_csv is not None and not failures_csv.resolve().parent.is_dir():
            raise BadArguments(f"No such folder for --failures-csv: {failures_csv.resolve().parent}")
        user, account_list = self._user_and_list(options["user"], options["account_list"])
        source = options["source"] or _source_of(path)
        mapping = self._read_mapping(options["mapping"])
        with path.open("rb") as handle:
            try:
                import_record = services.create_import(
                    account_list=account_list,
                    user=user,
                    source=source,
                    file=File(handle, name=path.name),
                    attributes={
                        "tag_list": options["tag_list"],
                        "override": options["override"],
                        "in_preview": True,
                        "file_sheet": options["sheet"],
                    },
                    in_preview_default=True,
                )
            except ValidationError as error:
                raise BadArguments(_messages(error)) from None
        import_record = self._apply_mapping(import_record, mapping)
        if options["preview"]:
            self.stdout.write(json.dumps(self._analysis(import_record), indent=2, default=str))
            return
        if options["check"]:
            self._check(import_record, user, failures_csv)
            return
        try:
            services.start_import(import_record=import_record, enqueue=False)
        except ValidationError as error:
            raise BadArguments(_messages(error)) from None
        started = time.monotonic()
        progress = Progress(self.stderr, total=rows_to_read(import_record))
        import_record = run_import(str(import_record.pk), on_progress=progress.update)
        progress.update(import_record)  # the job's later steps report before each batch, not after the last
        progress.done(import_record)
        failures_path = self._write_failures(import_record, failures_csv)
        self.stdout.write(json.dumps(self._summary(import_record, time.monotonic() - started, failures_path)))
        if import_record.status != Import.Status.COMPLETE:
            sys.exit(1)

    def _check(self, import_record: Import, user: User, failures_csv: Path | None) -> None:
        """The check in the foreground: the summary the API's `check` attribute gives, and where its failures went."""
        try:
            services.check_import(import_record=import_record, user=user, enqueue=False)
        except ValidationError as error:
            raise BadArguments(_messages(error)) from None
        started = time.monotonic()
        progress = Progress(self.stderr, total=import_record.rows_total or 0)
        generation = import_record.check_generation
        import_record = run_check(str(import_record.pk), generation, on_progress=progress.advance)
        progress.done(import_record)
        check = import_record.check_summary
        failures_path = (
            self._write_failures(import_record, failures_csv, of_check=True) if check["would_fail"] else None
        )
        summary = {
            "import_id": str(import_record.pk),
            "check": check,
            "seconds": round(time.monotonic() - started, 3),
            "failures_csv": str(failures_path) if failures_path else None,
        }
        self.stdout.write(json.dumps(summary))
        if check["status"] != "complete":
            sys.exit(1)

    def _user_and_list(self, email: str, account_list_id: str):
        user = User.objects.filter(email=email.lower()).first()
        if user is None:
            raise BadArguments(f"No user with the email {email}")
        try:
            account_list = account_lists_for(user=user).filter(pk=account_list_id).first()
        except ValidationError:
            account_list = None
        if account_list is None:
            raise BadArguments(f"{email} is not a member of an account list with the id {account_list_id}")
        return user, account_list

    def _read_mapping(self, mapping: str | None):
        if mapping in (None, "auto"):
            return mapping
        try:
            document = json.loads(Path(mapping).read_text())
        except (OSError, ValueError) as error:
            raise BadArguments(f"Cannot read the mapping file {mapping}: {error}") from None
        if not isinstance(document, dict):
            raise BadArguments(
                "The mapping file must hold an object with file_headers_mappings and file_constants_mappings"
            )
        return document

    def _apply_mapping(self, import_record: Import, mapping) -> Import:
        if import_record.source != Import.Source.CSV or mapping is None:
            return import_record
        if mapping == "auto":  # the suggestions made at upload (remembered ones for headers imported before)
            mapping = {
                "file_headers_mappings": import_record.suggested_file_headers_mappings,
                "file_constants_mappings": import_record.suggested_file_constants_mappings,
            }
        attributes = {
            key: mapping[key] for key in ("file_headers_mappings", "file_constants_mappings") if key in mapping
        }
        try:
            return services.update_import(
                import_record=import_record, attributes=attributes, updated_in_db_at=None, overwrite=True
            )
        except ValidationError as error:
            raise BadArguments(_messages(error)) from None

    def _analysis(self, import_record: Import) -> dict:
        return {
            "import_id": str(import_record.pk),
            "source": import_record.source,
            "rows": import_record.rows_total,
            "file_headers": import_record.ordered_file_headers,
            "file_constants": import_record.file_constants,
            "file_headers_mappings": import_record.file_headers_mappings,
            "file_constants_mappings": import_record.file_constants_mappings,
            "suggested_file_headers_mappings": import_record.suggested_file_headers_mappings,
            "suggested_file_constants_mappings": import_record.suggested_file_constants_mappings,
            "suggested_mappings_origin": import_record.suggested_mappings_origin,
            "tnt_groups": import_record.tnt_groups,
            "sample_contacts": SampleContactSerializer(import_record.sample_contacts.all(), many=True).data,
        }

    def _write_failures(self, import_record: Import, path: Path | None, *, of_check: bool = False) -> Path | None:
        """The failed rows as the CSV the user gets, at `path` or in a new temporary file; None when none failed.

        `of_check`: the rows the check found would fail (the caller knows there are some).
        """
        failed = import_record.rows_failed or any(c["failed"] for c in import_record.tnt_summary.values())
        if not (of_check or failed):
            return None
        if path is None:
            kind = "check-failures" if of_check else "failures"
            descriptor, name = tempfile.mkstemp(prefix=f"import-{import_record.pk}-{kind}-", suffix=".csv")
            os.close(descriptor)
            path = Path(name)
        try:
            with path.open("w", encoding="utf-8", newline="") as handle:
                handle.writelines(failure_lines(import_record, of_check=of_check))
        except OSError as error:
            raise CommandError(f"Cannot write the failures CSV to {path}: {error}") from None
        return path

    def _summary(self, import_record: Import, seconds: float, failures_path: Path | None) -> dict:
        return {
            "import_id": str(import_record.pk),
            "status": import_record.status,
            "rows_processed": import_record.rows_processed,
            "rows_created": import_record.rows_created,
            "rows_updated": import_record.rows_updated,
            "rows_failed": import_record.rows_failed,
            "tnt_summary": import_record.tnt_summary,
            "seconds": round(seconds, 3),
            "failures_csv": str(failures_path) if failures_path else None,
            "error": import_record.error or None,
        }


def _source_of(path: Path) -> str:
    """A TntDataSync file is known by its sections, whatever its name; then .xml is TntConnect, the rest CSV."""
    with path.open("rb") as handle:
        if looks_like_data_sync(handle.read(8192)):
            return Import.Source.TNT_DATA_SYNC
    return Import.Source.TNT if path.suffix.lower() == ".xml" else Import.Source.CSV


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {m}" for field, errors in error.error_dict.items() for e in errors for m in e.messages
        )
    return "; ".join(error.messages)


class RowRate(ProgressColumn):
    """Rows a second since the start, as the summary line counts them."""

    def render(self, task) -> Text:
        rate = task.completed / task.elapsed if task.elapsed else 0
        return Text(f"{rate:,.0f} rows/s")


class Progress:
    """A progress bar on a terminal (rows, rows/s, time left); a plain line every 10% otherwise, for logs."""

    def __init__(self, stream, *, total: int):
        self.stream = stream
        self.total = total
        self.started = time.monotonic()
        self.next_report = 0.1
        self.bar = None
        if hasattr(stream, "isatty") and stream.isatty():
            # The bar writes to the terminal itself: Django's wrapper would end every redraw with a newline.
            console = Console(file=getattr(stream, "_out", stream))
            columns = (BarColumn(), MofNCompleteColumn(), TextColumn("rows"), RowRate(), TimeRemainingColumn())
            self.bar = RichProgress(*columns, console=console, auto_refresh=False)
            self.task = self.bar.add_task("import", total=total or None)
            self.bar.start()

    def update(self, import_record: Import) -> None:
        self.advance(rows_read(import_record))

    def advance(self, done: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done, refresh=True)
            return
        fraction = done / self.total if self.total else 1.0
        if fraction >= self.next_report:
            rate = done / max(time.monotonic() - self.started, 1e-6)
            left = (self.total - done) / rate if rate and self.total else 0
            self.stream.write(f"{done:,}/{self.total:,} rows ({fraction:.0%}), {rate:,.0f} rows/s, {left:,.0f}s left")
            while self.next_report <= fraction:
                self.next_report += 0.1

    def done(self, import_record: Import) -> None:
        if self.bar is not None:
            self.bar.stop()
