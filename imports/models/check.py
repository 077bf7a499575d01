"""The check: what the import would do, found by reading the whole file before importing it.

On the import it keeps its answer (`CheckState`: the `check` attribute) and
its lease; while it reads the file, its failed rows and the contacts the
import would make.

A check (`imports.pipeline.check.job`) writes no contact. What the import
would have written it keeps here instead, only as much as matching needs:
each contact the import would create or change, as matching sees it
(`CheckContact`), and the keys under which the database would find it
(`CheckKey`: its name, its primary emails, its source ids). A later row of
the file that names such a contact is matched against it as the import
would match it against the contact written by an earlier batch, and memory
does not grow with the file. The rows of one check are deleted when it ends,
and with its generation (`Import.check_generation`) when a newer check or a
change of the import makes it stale.
"""

import datetime

from django.conf import settings
from django.db import models

from config.model_fields import JSONField
from imports.models.rows import FailedRow, part_of_import

CHECK_STATUSES = ("running", "complete", "failed")
CHECK_COUNTERS = ("rows", "would_create", "would_update", "would_fail", "possible_duplicates")
CHECK_KEYS = ("status", "started_at", "completed_at", *CHECK_COUNTERS, "tables", "error")


def api_time(moment) -> str:
    """A date-time as the API writes it (the check's times are kept so in its JSON)."""
    return moment.astimezone(datetime.UTC).strftime(settings.REST_FRAMEWORK["DATETIME_FORMAT"])


def check_ended(status: str, moment, error: str = "") -> dict:
    """What a check's end writes into its check_result: complete or failed, when, and why ("" unless failed)."""
    return {"status": status, "completed_at": api_time(moment), "error": error}


def check_of(check_result: dict) -> dict | None:
    """The `check` attribute from the stored check_result: every key present, None before any check."""
    if not check_result:
        return None
    defaults = {"status": "running", "started_at": None, "completed_at": None, "tables": {}, "error": ""}
    return {key: check_result.get(key, defaults.get(key, 0)) for key in CHECK_KEYS}


class CheckState(models.Model):
    """What an import keeps of its check (imports.pipeline.check.job): the answer, and the check job's lease."""

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

    class Meta:
        abstract = True

    @property
    def check_summary(self) -> dict | None:
        """The `check` attribute: None before any check."""
        return check_of(self.check_result)


class CheckFailure(FailedRow):
    """A row the import would fail."""

    import_record = part_of_import(related_name="check_failures")
    generation = models.PositiveIntegerField(help_text="The check (Import.check_generation) that found it")

    class Meta(FailedRow.Meta):
        indexes = [models.Index(fields=["import_record", "line_number"], name="check_failure_by_line")]


class CheckContact(models.Model):
    """A contact as it would be after the batches read so far: one the import would create, or an
    existing one it would change (then `contact_id` is that contact's)."""

    id = models.BigAutoField(primary_key=True)
    import_record = part_of_import()
    generation = models.PositiveIntegerField()
    contact_id = models.UUIDField()
    # Text written and read with orjson by the check itself: a JSONField's checks per value cost more than the rest.
    state = models.TextField(help_text="What matching reads of it, as JSON (imports.pipeline.check.writer)")

    class Meta:
        indexes = [models.Index(fields=["import_record", "generation", "contact_id"], name="check_contact_by_id")]

    def __str__(self) -> str:
        return f"contact {self.contact_id} of check {self.generation}"


class CheckKey(models.Model):
    """A key under which the database would find a contact of `CheckContact` (in the order written)."""

    id = models.BigAutoField(primary_key=True)
    import_record = part_of_import()
    generation = models.PositiveIntegerField()
    kind = models.CharField(max_length=20)  # a StrongKey's kind, "name" or "email"
    value = models.TextField()
    contact_id = models.UUIDField()

    class Meta:
        indexes = [models.Index(fields=["import_record", "generation", "kind", "value"], name="check_key_lookup")]

    def __str__(self) -> str:
        return f"{self.kind} {self.value}"
