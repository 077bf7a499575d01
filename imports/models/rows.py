"""The rows an import keeps beside it: the file's rows it could not import, the contacts it made or
changed, the look-alikes it kept apart, and the TntConnect link rows it reads while it runs."""

import uuid

from django.db import models

from config.model_fields import ApiResource, JSONField
from contacts.models import Contact


def part_of_import(*, related_name: str = "+") -> models.ForeignKey:
    """The import a row belongs to, deleted with it.

    Not indexed on its own: each of these tables has an index (or a unique
    constraint) led by the import, which serves the same lookups.
    """
    return models.ForeignKey("imports.Import", on_delete=models.CASCADE, related_name=related_name, db_index=False)


class FailedRow(models.Model):
    """A row that could not be imported (or, in a check, would not be): its line, why, and its original cells."""

    id = models.BigAutoField(primary_key=True)
    line_number = models.PositiveIntegerField()
    message = models.TextField()
    fields = models.JSONField(default=list, help_text="The row's cells as read from the file")

    class Meta:
        abstract = True
        ordering = ["line_number", "id"]

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.message}"


class ImportFailure(FailedRow):
    """A row of the file that the import could not import."""

    import_record = part_of_import(related_name="failures")

    class Meta(FailedRow.Meta):
        indexes = [models.Index(fields=["import_record", "line_number"], name="failure_by_line")]


class ImportedContact(models.Model):
    """Which contacts an import created or updated (`filter[import]` on contacts)."""

    id = models.BigAutoField(primary_key=True)
    import_record = part_of_import(related_name="imported_contacts")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="imports")
    created = models.BooleanField(help_text="True when the import created the contact, false when it updated it")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["import_record", "contact"], name="contact_once_per_import")]

    def __str__(self) -> str:
        return f"{'created' if self.created else 'updated'} by {self.import_record_id}"


class PossibleDuplicate(ApiResource, models.Model):
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
    import_record = models.ForeignKey("imports.Import", on_delete=models.CASCADE, related_name="possible_duplicates")
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

    def __str__(self) -> str:
        return f"{self.get_reason_display()} (line {self.line_number})"


class TntReference(models.Model):
    """A row of a TntConnect link table (GroupContact, TaskContact, HistoryContact), kept while its import runs.

    Which groups a contact is in, and which contacts a task names, are
    tables of their own that come after the rows they describe, so a first
    streaming pass copies them here; each batch then looks up its own rows'
    references through the indexes, and no dictionary of the whole file is
    kept (imports/pipeline/book/tnt_references.py).
    """

    id = models.BigAutoField(primary_key=True)
    import_record = part_of_import()
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
