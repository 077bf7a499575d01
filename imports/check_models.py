"""What a check keeps while it reads a file: its failed rows, and the contacts the import would make.

A check (`imports.pipeline.check_job`) writes no contact. What the import
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

from django.db import models


class CheckFailure(models.Model):
    """A row the import would fail: its line, why, and its original cells (as `ImportFailure`)."""

    id = models.BigAutoField(primary_key=True)
    import_record = models.ForeignKey(
        "imports.Import", on_delete=models.CASCADE, related_name="check_failures", db_index=False
    )
    generation = models.PositiveIntegerField(help_text="The check (Import.check_generation) that found it")
    line_number = models.PositiveIntegerField()
    message = models.TextField()
    fields = models.JSONField(default=list, help_text="The row's cells as read from the file")

    class Meta:
        ordering = ["line_number", "id"]
        indexes = [models.Index(fields=["import_record", "line_number"], name="check_failure_by_line")]

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.message}"


class CheckContact(models.Model):
    """A contact as it would be after the batches read so far: one the import would create, or an
    existing one it would change (then `contact_id` is that contact's)."""

    id = models.BigAutoField(primary_key=True)
    import_record = models.ForeignKey("imports.Import", on_delete=models.CASCADE, related_name="+", db_index=False)
    generation = models.PositiveIntegerField()
    contact_id = models.UUIDField()
    # Text written and read with orjson by the check itself: a JSONField's checks per value cost more than the rest.
    state = models.TextField(help_text="What matching reads of it, as JSON (imports.pipeline.check_writer)")

    class Meta:
        indexes = [models.Index(fields=["import_record", "generation", "contact_id"], name="check_contact_by_id")]

    def __str__(self) -> str:
        return f"contact {self.contact_id} of check {self.generation}"


class CheckKey(models.Model):
    """A key under which the database would find a contact of `CheckContact` (in the order written)."""

    id = models.BigAutoField(primary_key=True)
    import_record = models.ForeignKey("imports.Import", on_delete=models.CASCADE, related_name="+", db_index=False)
    generation = models.PositiveIntegerField()
    kind = models.CharField(max_length=20)  # a StrongKey's kind, "name" or "email"
    value = models.TextField()
    contact_id = models.UUIDField()

    class Meta:
        indexes = [models.Index(fields=["import_record", "generation", "kind", "value"], name="check_key_lookup")]

    def __str__(self) -> str:
        return f"{self.kind} {self.value}"
