"""Taking a finished import back: the change log the undo reads, and its working set.

The undo itself is imports/undo/; the pipeline writes the log (imports/pipeline/change_log.py).
"""

from django.db import models

from config.model_fields import JSONField
from imports.models.rows import part_of_import


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
    import_record = part_of_import(related_name="changes")  # change_by_import: an undo reads the log in order
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
    import_record = part_of_import(related_name="undo_records")
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
