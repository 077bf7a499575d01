"""An import: one uploaded file and everything about importing it.

Fields and small derived properties only; the lifecycle is driven by
`imports.services` and the job in `imports.pipeline.job`.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import AccountList
from config.model_fields import ApiResource, JSONField, Timestamped, optional_link
from imports.models.check import CheckState


def ordered_headers(headers: dict[str, str], order: list[str]) -> dict[str, str]:
    """The headers in the file's column order (imports made before the order was stored: as stored)."""
    keys = [key for key in order if key in headers]
    listed = set(keys)
    keys += [key for key in headers if key not in listed]
    return {key: headers[key] for key in keys}


def file_version_of(source: str, file_format: dict) -> str | None:
    """The TntConnect version a file was written by (None for other sources)."""
    return file_format.get("version") if source == Import.Source.TNT else None


def file_sheets_of(source: str, file_format: dict) -> list[str]:
    """The sheets of an Excel file uploaded as a CSV import (empty for other files and sources)."""
    return list(file_format.get("sheets", [])) if source == Import.Source.CSV else []


def file_sheet_read_of(source: str, file_format: dict) -> str | None:
    """The sheet of an Excel file that was read (the one chosen, else the first with rows); None for other files."""
    return file_format.get("sheet") if source == Import.Source.CSV else None


def header_line_of(source: str, file_format: dict) -> int | None:
    """The line (sheet row) of a CSV or Excel file that holds its column names; None for other files."""
    return file_format.get("header_line") if source == Import.Source.CSV else None


SUMMARY_COUNTERS = ("created", "updated", "skipped", "failed")


def tnt_summary_of(row: dict) -> dict[str, dict[str, int]]:
    """The counters of a TntConnect import (or TntDataSync file) per table: the contacts' from the import's rows,
    the rest per step (a TntDataSync file's donor accounts and donations).

    `row` holds the import's source, rows_created, rows_updated, rows_failed and tnt_steps.
    """
    if row["source"] not in Import.TNT_SOURCES:
        return {}
    steps = row["tnt_steps"] or {}
    contacts = {
        "created": row["rows_created"],
        "updated": row["rows_updated"],
        "skipped": steps.get("contacts", {}).get("skipped", 0),  # in none of the chosen groups
        "failed": row["rows_failed"],
    }
    return {
        "contacts": contacts,
        **{
            name: {key: counters.get(key, 0) for key in SUMMARY_COUNTERS}
            for name, counters in steps.items()
            if name != "contacts"  # its counters are the import's rows_* (above); the step only notes it is done
        },
    }


def import_file_path(instance: "Import", filename: str) -> str:
    """A generated storage name; the uploaded name is only kept as display text.

    Nothing of the user's file name reaches the storage path, so path
    traversal, control characters and huge names cannot hurt.
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix not in {".csv", ".txt", ".tsv", ".xml", ".xlsx", ".vcf", ".tntmpd", ".tntdatasync"}:
        suffix = ""
    now = timezone.now()
    return f"imports/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Import(ApiResource, Timestamped, CheckState):
    class Source(models.TextChoices):
        CSV = "csv", "CSV"
        TNT = "tnt", "TntConnect XML"
        TNT_DATA_SYNC = "tnt_data_sync", "TntDataSync donor file"
        GOOGLE = "google", "Google Contacts"

    class Status(models.TextChoices):
        PREVIEW = "preview", "In preview"
        QUEUED = "queued", "Queued"
        IMPORTING = "importing", "Importing"
        COMPLETE = "complete", "Complete"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        UNDOING = "undoing", "Being undone"
        UNDONE = "undone", "Undone"

    class SuggestionsOrigin(models.TextChoices):
        NONE = "", "None"
        FILE = "file", "From the file's headers and values"
        REMEMBERED = "remembered", "Remembered from an earlier import of the same headers"

    FINISHED_STATUSES = (Status.COMPLETE, Status.FAILED, Status.CANCELLED, Status.UNDONE)
    # A cancelled import kept the batches it wrote before it stopped: they are undone like any other's.
    UNDOABLE_STATUSES = (Status.COMPLETE, Status.FAILED, Status.CANCELLED)
    # The sources whose job runs steps after the contacts, with counters per table (tnt_steps, tnt_summary).
    TNT_SOURCES = (Source.TNT, Source.TNT_DATA_SYNC)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account_list = models.ForeignKey(AccountList, on_delete=models.CASCADE, related_name="imports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="imports")
    source = models.CharField(max_length=20, choices=Source.choices)

    file = models.FileField(upload_to=import_file_path, max_length=255, blank=True)
    original_filename = models.CharField(max_length=255, blank=True, help_text="As uploaded; display only")
    file_size = models.BigIntegerField(null=True, blank=True)
    file_format = JSONField(
        default=dict,
        blank=True,
        help_text="How the file is read: encoding, delimiter, version",
    )
    sample_rows = JSONField(
        default=list,
        blank=True,
        help_text="The first rows of the file, kept to rebuild samples when mappings change",
    )

    # CSV analysis and mappings
    file_headers = JSONField(default=dict, blank=True)
    file_header_order = JSONField(
        default=list,
        blank=True,
        help_text="The header keys in file order: PostgreSQL's jsonb does not keep the order of file_headers",
    )
    file_constants = JSONField(default=dict, blank=True)
    file_headers_mappings = JSONField(default=dict, blank=True)
    file_constants_mappings = JSONField(default=dict, blank=True)
    file_sheet = models.CharField(
        max_length=255, blank=True, help_text="Excel files: the sheet to read (empty: the first with rows)"
    )

    # Suggested mappings (imports.suggestions), computed at upload
    suggested_file_headers_mappings = JSONField(default=dict, blank=True)
    suggested_file_constants_mappings = JSONField(default=dict, blank=True)
    suggested_mappings_origin = models.CharField(
        max_length=20, choices=SuggestionsOrigin.choices, blank=True, default=SuggestionsOrigin.NONE
    )
    header_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        help_text="The same for files with the same set of headers: finds the mappings to remember",
    )

    # TntConnect options and analysis
    groups = JSONField(default=list, blank=True)
    group_tags = JSONField(default=dict, blank=True)
    import_by_group = models.BooleanField(default=False)
    tnt_groups = JSONField(default=list, blank=True, help_text="Groups found in the TntConnect file")

    # Google Contacts: the connected account read, its groups, and how far the job got through its pages
    source_account = optional_link(
        "google_contacts.GoogleAccount", related_name="imports", help_text="The connected Google account imported from"
    )
    google_groups = JSONField(
        default=list, blank=True, help_text="The Google account's contact groups: resource name, name, member count"
    )
    source_cursor = JSONField(
        default=dict,
        blank=True,
        help_text="Google: the page token of the next page to read, committed with each page's contacts",
    )

    retry_of = optional_link(
        "self",
        related_name="retries",
        help_text="The import whose failed rows this one re-imports from a corrected file",
    )

    tag_list = models.TextField(blank=True)
    in_preview = models.BooleanField(default=False)
    override = models.BooleanField(default=False)

    # Lifecycle
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    error = models.CharField(max_length=1000, blank=True, help_text="Why the import failed, in a sentence")
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the job (a beat every few seconds while it runs)"
    )
    lease_holder = models.CharField(
        max_length=300, blank=True, default="", help_text='The process running the job, as "host:pid"'
    )
    rows_total = models.PositiveIntegerField(null=True, blank=True, help_text="Data rows found at upload")
    rows_processed = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_failed = models.PositiveIntegerField(default=0)
    possible_duplicates_count = models.PositiveIntegerField(
        default=0, help_text="Rows kept apart from a contact that looks alike (see possible duplicates)"
    )
    tnt_steps = JSONField(
        default=dict,
        blank=True,
        help_text="TntConnect: per step after the contacts (tasks, history, gifts...), rows processed, "
        "created, updated, skipped and failed, and whether the step is done",
    )
    undo = JSONField(
        default=dict,
        blank=True,
        help_text="The undo of a finished import: status, what it removed, restored and kept (and why), "
        "and how far it got (committed with each of its batches)",
    )
    cancel_requested = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times a worker started the job")
    change_logged = models.BooleanField(
        default=False,
        help_text="Every run of the job wrote the change log (IMPORT_CHANGE_LOG on), so an empty log means "
        "the import changed nothing, and it can be undone",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["account_list", "-created_at"], name="import_list_newest"),
            models.Index(fields=["status"], name="import_status"),
            models.Index(
                fields=["account_list", "header_fingerprint", "status", "-completed_at"],
                name="import_remembered_mappings",
            ),
        ]
        # The admin's import actions, each granted on its own (see the "Import reviewers" group).
        permissions = [
            ("start_import", "Can start an import that is in preview"),
            ("cancel_import", "Can cancel a queued or running import"),
            ("reimport_import", "Can re-import the failed rows of an import from a corrected file"),
            ("undo_import", "Can undo a finished import"),
            ("check_import", "Can check the whole file of an import in preview"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} import {self.original_filename or self.id}"

    @property
    def ordered_file_headers(self) -> dict[str, str]:
        """file_headers in the file's column order (imports made before the order was stored: as stored)."""
        return ordered_headers(self.file_headers, self.file_header_order)

    @property
    def tnt_summary(self) -> dict[str, dict[str, int]]:
        """TntConnect imports: what each table gave (contacts, referrals, tasks, history, ...); {} otherwise."""
        return tnt_summary_of(
            {
                name: getattr(self, name)
                for name in ("source", "rows_created", "rows_updated", "rows_failed", "tnt_steps")
            }
        )

    @property
    def tnt_summary_rows(self) -> list[tuple[str, dict[str, int]]]:
        """tnt_summary for people to read (the emails, the admin): ("Task contacts", counters), ..."""
        return [(name.replace("_", " ").capitalize(), counters) for name, counters in self.tnt_summary.items()]

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES


READ, WRITE = False, True

# The import as clients see it, in the order the API writes its attributes, and whether a client may
# set each one (through the API, or staff in the admin while the import is in preview). The API's
# representation, input and schema, the services and the admin all read this table.
ATTRIBUTES: dict[str, bool] = {
    "account_list_id": READ,
    "source": READ,  # set on create, never changed (services and the API's input check it)
    "source_account_id": READ,  # google: the connected account, given on create only
    "file_url": READ,
    "file_headers": READ,
    "file_constants": READ,
    "file_headers_mappings": WRITE,
    "file_constants_mappings": WRITE,
    # suggested mappings (applied when leaving preview with none), Excel sheets
    "suggested_file_headers_mappings": READ,
    "suggested_file_constants_mappings": READ,
    "suggested_mappings_origin": READ,
    "file_sheet": WRITE,
    "file_sheets": READ,
    "file_sheet_read": READ,  # the sheet read when file_sheet names none: the first with rows under a header
    "header_line": READ,  # where the column names are (after a preamble, not always line 1)
    "tag_list": WRITE,
    "groups": WRITE,
    "group_tags": WRITE,
    "import_by_group": WRITE,
    "in_preview": WRITE,
    "override": WRITE,
    "created_at": READ,
    "updated_at": READ,
    "updated_in_db_at": READ,  # updated_at again: what a client sends back to lock on
    # lifecycle
    "status": READ,
    "error": READ,
    "original_filename": READ,
    "file_size": READ,
    "file_version": READ,
    "tnt_groups": READ,
    "google_groups": READ,
    "rows_total": READ,
    "rows_processed": READ,
    "rows_created": READ,
    "rows_updated": READ,
    "rows_failed": READ,
    "tnt_summary": READ,  # TntConnect and TntDataSync: created, updated, skipped and failed per table
    "possible_duplicates_count": READ,
    "queued_at": READ,
    "started_at": READ,
    "completed_at": READ,
    "failures_url": READ,
    "undo": READ,  # after POST .../undo: status, removed, restored, kept, and the kept records with reasons
    "check": READ,  # what the import would do (POST .../check): status, times and counters; null before
}
WRITABLE_ATTRIBUTES = tuple(name for name, writable in ATTRIBUTES.items() if writable)
