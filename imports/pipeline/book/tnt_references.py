"""TntConnect's link tables resolved through the database: a contact's groups, a task's contacts.

`GroupContact` says which groups a contact is in, but comes after the
Contact table; `TaskContact` and `HistoryContact` say whose a task is, after
the Task and History tables. A first streaming pass copies those rows into
`TntReference` rows of the import, a batch at a time, and the batches of
contacts and tasks then look up their own references, one query a batch:

- a contact gets the tags of its groups (and their `group_tags`);
- with `import_by_group`, a contact in none of the chosen `groups` is left
  out, and so is every task, history entry, pledge, donor account and gift
  of contacts left out only: a record that names some contacts that are in
  is linked to those alone.

Memory stays flat whatever the file holds. The references are deleted
when the import's steps are done.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import BinaryIO

from django.conf import settings
from django.utils import timezone

from imports.models import Import, TntReference
from imports.pipeline.builders.tnt import TntImportOptions, group_tags_for
from imports.pipeline.builders.tnt_tags import unique_tags
from imports.pipeline.bulk_insert import insert_new, new_instance, rows_in
from imports.pipeline.readers.tnt import iter_tnt_rows
from imports.pipeline.sources import BuiltRow

GROUP_TABLE = "GroupContact"
TASK_TABLES = {"TaskContact": "Task", "HistoryContact": "History"}  # link table -> the table it links
_PARENT_FIELDS = {GROUP_TABLE: "GroupID", "TaskContact": "TaskID", "HistoryContact": "HistoryID"}


def staged_tables(import_record: Import) -> set[str]:
    """The link tables the import reads ahead: the groups always, the tasks' links when it imports by group."""
    tables = {GROUP_TABLE}
    if import_record.import_by_group:
        tables |= set(TASK_TABLES)
    in_file = {name for name, count in import_record.file_format.get("tables") or [] if count}
    return tables & in_file if import_record.file_format.get("tables") is not None else tables


def stage(import_record: Import, stream: BinaryIO, tables: set[str]) -> None:
    """Copy the rows of `tables` into TntReference rows, replacing any a stopped attempt left."""
    TntReference.objects.filter(import_record_id=import_record.pk).delete()
    if not tables:  # the file has no rows in them: no pass
        return
    in_file = [name for name, count in import_record.file_format.get("tables") or [] if count]
    last = max(tables, key=in_file.index) if tables <= set(in_file) else None
    stream.seek(0)
    batch: list[TntReference] = []
    for row in iter_tnt_rows(stream, tables, stop_after=last):
        parent = row.fields.get(_PARENT_FIELDS[row.table], "").strip()
        contact = row.fields.get("ContactID", "").strip()
        if parent and contact:
            batch.append(_reference(import_record.pk, row.table, parent, contact))
        if len(batch) >= settings.IMPORT_BATCH_SIZE:
            _insert(batch)
            batch = []
    _insert(batch)


def _reference(import_id: uuid.UUID, table: str, parent: str, contact: str) -> TntReference:
    return new_instance(
        TntReference, import_record_id=import_id, table=table, row_tnt_id=parent[:40], contact_tnt_id=contact[:40]
    )


def _insert(batch: list[TntReference]) -> None:
    insert_new(TntReference, batch, timezone.now())


def groups_of(import_id: uuid.UUID, contact_tnt_ids: Iterable[str]) -> dict[str, list[str]]:
    """Contact TntConnect id -> the ids of its groups, in file order."""
    rows = TntReference.objects.filter(import_record_id=import_id, table=GROUP_TABLE).order_by("id")
    pairs = rows.values_list("contact_tnt_id", "row_tnt_id")
    groups: dict[str, list[str]] = {}
    for contact, group in rows_in(pairs, "contact_tnt_id__in", contact_tnt_ids):
        members = groups.setdefault(contact, [])
        if group not in members:
            members.append(group)
    return groups


def with_groups(import_record: Import, options: TntImportOptions, batch: list[BuiltRow]) -> list[BuiltRow]:
    """The batch's contacts with the tags of their groups; with import_by_group, the others skipped."""
    drafts = [row for row in batch if row.draft is not None]
    groups = groups_of(import_record.pk, {row.cells[1] for row in drafts}) if drafts else {}
    chosen = set(import_record.groups)
    for row in drafts:
        group_ids = groups.get(row.cells[1], [])
        if import_record.import_by_group and not chosen & set(group_ids):
            row.draft, row.skipped = None, True
            continue
        row.draft.tags = unique_tags([*group_tags_for(group_ids, options), *row.draft.tags])
    return batch


def left_out(import_record_id: uuid.UUID, groups: tuple[str, ...], contact_tnt_ids: Iterable[str]) -> set[str]:
    """Of these contacts, those in none of `groups` (the contacts an import by group leaves out)."""
    wanted = {tnt_id for tnt_id in contact_tnt_ids if tnt_id}
    rows = TntReference.objects.filter(import_record_id=import_record_id, table=GROUP_TABLE, row_tnt_id__in=groups)
    return wanted - set(rows_in(rows.values_list("contact_tnt_id", flat=True), "contact_tnt_id__in", wanted))


def contacts_of(import_record_id: uuid.UUID, tnt_table: str, task_tnt_ids: Iterable[str]) -> dict[str, list[str]]:
    """Task (or history entry) TntConnect id -> the TntConnect ids of the contacts its link table names."""
    table = next(link for link, parent in TASK_TABLES.items() if parent == tnt_table)
    rows = TntReference.objects.filter(import_record_id=import_record_id, table=table)
    contacts: dict[str, list[str]] = {}
    for task, contact in rows_in(rows.values_list("row_tnt_id", "contact_tnt_id"), "row_tnt_id__in", task_tnt_ids):
        contacts.setdefault(task, []).append(contact)
    return contacts


def discard(import_record: Import) -> None:
    TntReference.objects.filter(import_record_id=import_record.pk).delete()
