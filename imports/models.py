"""An import: one uploaded file and everything about importing it.

Fields and small derived properties only; the lifecycle is driven by
`imports.services` and the job in `imports.pipeline.job`.
"""

import datetime
import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import AccountList
from config.model_fields import JSONField
from contacts.models import Contact


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


CHECK_STATUSES = ("running", "complete", "failed")
CHECK_COUNTERS = ("rows", "would_create", "would_update", "would_fail", "possible_duplicates")
CHECK_KEYS = ("status", "started_at", "completed_at", *CHECK_COUNTERS, "tables", "error")


def api_time(moment) -> str:
    """A date-time as the API writes it (the check's times are kept so in its JSON)."""
    return moment.astimezone(datetime.UTC).strftime(settings.REST_FRAMEWORK["DATETIME_FORMAT"])


def check_of(check_result: dict) -> dict | None:
    """The `check` attribute from the stored check_result: every key present, None before any check."""
    if not check_result:
        return None
    defaults = {"status": "running", "started_at": None, "completed_at": None, "tables": {}, "error": ""}
    return {key: check_result.get(key, defaults.get(key, 0)) for key in CHECK_KEYS}


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


class Import(models.Model):
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
    UNDOABLE_STATUSES = (Status.COMPLETE, Status.FAILED)
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
        max_length=255, blank=True, help_text="Excel files: the sheet to read (empty: the first)"
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
    source_account = models.ForeignKey(
        "google_contacts.GoogleAccount",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imports",
        help_text="The connected Google account imported from",
    )
    google_groups = JSONField(
        default=list, blank=True, help_text="The Google account's contact groups: resource name, name, member count"
    )
    source_cursor = JSONField(
        default=dict,
        blank=True,
        help_text="Google: the page token of the next page to read, committed with each page's contacts",
    )

    retry_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
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

    # The check (imports.pipeline.check_job): what the import would do, found by reading the whole file.
    check_result = JSONField(
        default=dict,
        blank=True,
        help_text="The last check: status, times, rows, would_create, would_update, would_fail, "
        "possible_duplicates, error; {} before any check (and once the file or an option changes)",
    )
    check_generation = models.PositiveIntegerField(
        default=0,
        help_text="Moves with every new check and every change that clears one: a check job writes its "
        "outcome only while it is still the generation it was started for",
    )
    check_heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="Last sign of life of the check")
    check_lease_holder = models.CharField(
        max_length=300, blank=True, default="", help_text='The process running the check, as "host:pid"'
    )
    check_attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times a worker started the current check"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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

    class JSONAPIMeta:
        resource_name = "imports"

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

    @property
    def check_summary(self) -> dict | None:
        """The `check` attribute: None before any check."""
        return check_of(self.check_result)


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


class ImportFailure(models.Model):
    """A row that could not be imported: its line, why, and its original cells."""

    id = models.BigAutoField(primary_key=True)
    # Indexed by failure_by_line (import_record, line_number).
    import_record = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="failures", db_index=False)
    line_number = models.PositiveIntegerField()
    message = models.TextField()
    fields = models.JSONField(default=list, help_text="The row's cells as read from the file")

    class Meta:
        ordering = ["line_number", "id"]
        indexes = [models.Index(fields=["import_record", "line_number"], name="failure_by_line")]

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.message}"


class ImportedContact(models.Model):
    """Which contacts an import created or updated (`filter[import]` on contacts)."""

    id = models.BigAutoField(primary_key=True)
    # Indexed by contact_once_per_import (import_record, contact).
    import_record = models.ForeignKey(
        Import, on_delete=models.CASCADE, related_name="imported_contacts", db_index=False
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="imports")
    created = models.BooleanField(help_text="True when the import created the contact, false when it updated it")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["import_record", "contact"], name="contact_once_per_import")]

    def __str__(self) -> str:
        return f"{'created' if self.created else 'updated'} by {self.import_record_id}"


class PossibleDuplicate(models.Model):
    """A contact an import kept apart from another that looks alike, with the evidence.

    Nothing is merged on a guess: a row with the name of a contact whose
    emails, phones, streets and websites all differ, or with the email
    address of a differently named person, becomes a contact of its own, and
    the pair is recorded here for a person to review.
    """

    class Reason(models.TextChoices):
        SAME_NAME = "same_name", "Same name, but nothing else in common"
        SAME_EMAIL = "same_email", "Same email address, but another person"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    import_record = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="possible_duplicates")
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="+", help_text="The contact the import made of the row"
    )
    other_contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="+", help_text="The contact it looks like"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    evidence = JSONField(default=dict, help_text="What each side holds: names, emails, phones, streets, websites")
    line_number = models.PositiveIntegerField(null=True, blank=True, help_text="The row's line in the file")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["import_record", "created_at"], name="duplicate_by_import")]

    class JSONAPIMeta:
        resource_name = "possible_duplicates"

    def __str__(self) -> str:
        return f"{self.get_reason_display()} (line {self.line_number})"


class TntReference(models.Model):
    """A row of a TntConnect link table (GroupContact, TaskContact, HistoryContact), kept while its import runs.

    Which groups a contact is in, and which contacts a task names, are
    tables of their own that come after the rows they describe, so a first
    streaming pass copies them here; each batch then looks up its own rows'
    references through the indexes, and no dictionary of the whole file is
    kept (imports/pipeline/tnt_references.py).
    """

    id = models.BigAutoField(primary_key=True)
    # Indexed by tnt_reference_by_contact and tnt_reference_by_row (import_record, table, ...).
    import_record = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="+", db_index=False)
    table = models.CharField(max_length=20, help_text="GroupContact, TaskContact or HistoryContact")
    row_tnt_id = models.CharField(max_length=40, help_text="The group's, task's or history entry's TntConnect id")
    contact_tnt_id = models.CharField(max_length=40)

    class Meta:
        indexes = [
            models.Index(fields=["import_record", "table", "contact_tnt_id"], name="tnt_reference_by_contact"),
            models.Index(fields=["import_record", "table", "row_tnt_id"], name="tnt_reference_by_row"),
        ]

    def __str__(self) -> str:
        return f"{self.table}: {self.row_tnt_id} - {self.contact_tnt_id}"


class ImportChange(models.Model):
    """What one statement of an import's batch changed in one table: the records it created or updated.

    Written by the pipeline's change log (imports/pipeline/change_log.py), one
    row per table per batch, in the batch's transaction. `table` is the model
    (`contacts.contact`); `records` the keys of the records created (the
    primary key, or a link table's natural key), or, for an update,
    `[key, values before, values written]` per record.
    """

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"

    id = models.BigAutoField(primary_key=True)
    # Indexed by change_by_import (import_record, id): an undo reads the log in order.
    import_record = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="changes", db_index=False)
    table = models.CharField(max_length=100)
    kind = models.CharField(max_length=7, choices=Kind.choices)
    records = JSONField(default=list, help_text="Created: the keys; updated: [key, before, written] per record")

    class Meta:
        indexes = [models.Index(fields=["import_record", "id"], name="change_by_import")]

    def __str__(self) -> str:
        return f"{self.kind} {len(self.records)} in {self.table}"


class UndoRecord(models.Model):
    """One record of an import's change log, one row each: the working set of its undo, made when the undo starts.

    The log keeps a batch's records in one row (cheap to write while
    importing); an undo needs to ask of one record whether this import
    created it, and to page through them: this table, indexed for both.
    Emptied when the undo is complete.
    """

    id = models.BigAutoField(primary_key=True)
    # Indexed by undo_record_order and undo_record_key, both led by the import.
    import_record = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="undo_records", db_index=False)
    table = models.CharField(max_length=100)
    record_id = models.CharField(max_length=400)
    kind = models.CharField(max_length=7, choices=ImportChange.Kind.choices)
    previous = JSONField(null=True, blank=True, help_text="Updated: the values of the fields it changed, before")
    written = JSONField(null=True, blank=True, help_text="Updated: the values it wrote (and its updated_at)")

    class Meta:
        indexes = [
            models.Index(fields=["import_record", "table", "id"], name="undo_record_order"),
            models.Index(fields=["import_record", "table", "record_id"], name="undo_record_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.table} {self.record_id}"


# The check's own tables (a module of their own: they are the check's, not the import's lifecycle).
from imports.check_models import CheckContact, CheckFailure, CheckKey  # noqa: E402, F401
