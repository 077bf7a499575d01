"""python manage.py undo_import ID: take a finished import back, in the foreground, for operators.

The same service and job as `POST .../imports/{id}/undo` (the import's user
gets the same email); the job runs here, no worker needed. It prints the
outcome as one JSON line: the import's id and status and its `undo`
attribute (removed, restored, kept, per table, the kept records with their
reasons). An import being undone or undone already is left as it is and
its outcome printed. Exit status 0 when the import is undone, 1 when the
undo failed (ask again to resume it), 2 for an import that is not found or
cannot be undone.
"""

from __future__ import annotations

import json
import uuid

from django.core.management.base import BaseCommand, CommandError

from imports.models import Import
from imports.services import ImportRefused
from imports.undo import progress
from imports.undo.job import run_undo
from imports.undo.services import undo_import


class Command(BaseCommand):
    help = "Undo a complete, failed or cancelled import in the foreground and print the outcome as JSON."

    def add_arguments(self, parser):
        parser.add_argument("import_id", help="The import's id")

    def handle(self, *args, import_id: str, **options):
        try:
            import_record = Import.objects.get(pk=uuid.UUID(import_id))
        except (ValueError, Import.DoesNotExist):
            raise CommandError(f"No import has the id {import_id!r}.", returncode=2) from None
        try:
            undo_import(import_record=import_record, user=import_record.user, enqueue=False)
        except ImportRefused as refused:
            raise CommandError(f"Import {import_record.pk} cannot be undone: {refused}.", returncode=2) from None
        if import_record.status == Import.Status.UNDOING:
            import_record = run_undo(str(import_record.pk))
        outcome = {"import_id": str(import_record.pk), "status": import_record.status}
        self.stdout.write(json.dumps({**outcome, "undo": progress.public(import_record.undo)}))
        if import_record.status != Import.Status.UNDONE:
            raise CommandError(import_record.undo.get("error") or "The undo did not finish.", returncode=1)
