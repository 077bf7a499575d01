"""One batch of an undo: a page of the import's change log, taken back.

Three phases. First the log (a row per table per batch) is spread into one
row per record (`UndoRecord`), a log row at a time. Then, over the tables
(`records.ordered_tables`), the values the import overwrote are restored (so
that a contact it pointed at a new referrer no longer refers to a record
about to go), and last the records it created are removed. Each batch is a
page in id order, and the caller commits it with the undo's counters and its
cursor.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import models
from django.utils import timezone

from imports.models import ImportChange, UndoRecord
from imports.pipeline import change_log
from imports.pipeline.bulk_insert import insert_new, new_instance
from imports.pipeline.change_log import read_value
from imports.undo import progress
from imports.undo.records import Judge, model_of, records_by_key

SPREAD, RESTORE, REMOVE = "spread", "restore", "remove"
PHASES = (SPREAD, RESTORE, REMOVE)


def log_page(import_id, after: int) -> list[ImportChange]:
    """The next row of the log (one statement's records: at most a batch of the import)."""
    return list(ImportChange.objects.filter(import_record_id=import_id, id__gt=after).order_by("id")[:1])


def spread(import_id, changes: list[ImportChange]) -> None:
    rows = []
    for change in changes:
        if change.kind == ImportChange.Kind.CREATED:
            rows += [
                new_instance(
                    UndoRecord, import_record_id=import_id, table=change.table, record_id=key, kind=change.kind
                )
                for key in change.records
            ]
        else:
            rows += [
                new_instance(
                    UndoRecord,
                    import_record_id=import_id,
                    table=change.table,
                    record_id=key,
                    kind=change.kind,
                    previous=previous,
                    written=written,
                )
                for key, previous, written in change.records
            ]
    insert_new(UndoRecord, rows, timezone.now())


def page(import_id, table: str, phase: str, after: int, size: int) -> list[UndoRecord]:
    kind = ImportChange.Kind.UPDATED if phase == RESTORE else ImportChange.Kind.CREATED
    rows = UndoRecord.objects.filter(import_record_id=import_id, table=table, kind=kind, id__gt=after)
    return list(rows.order_by("id")[:size])


def take_back(judge: Judge, state: dict, table: str, phase: str, changes: list[UndoRecord]) -> None:
    model = model_of(table)
    if phase == RESTORE:
        restore(judge, state, model, table, changes)
    else:
        remove(judge, state, model, changes)


# ---------------------------------------------------------------- restoring overwritten values


def restore(judge: Judge, state: dict, model: type[models.Model], table: str, changes: list[UndoRecord]) -> None:
    """Put back what the import overwrote, field by field, where it is still what the import wrote.

    A record the import also created is left to the removal; a record it
    updated in several batches is handled at its first update (earliest
    values before, latest written).
    """
    keys = {change.record_id for change in changes}
    own = judge.own_changes(table, keys)
    first_id = changes[0].id
    keys = {
        key for key in keys if own[key][0].id >= first_id and all(c.kind == ImportChange.Kind.UPDATED for c in own[key])
    }
    records = records_by_key(model, keys)
    whom = judge.by_whom(model, records.values())
    fields_of = {field.attname: field for field in model._meta.concrete_fields}
    updates: dict[tuple[str, ...], list[models.Model]] = defaultdict(list)
    for key, record in records.items():
        before, written = {}, {}
        for change in own[key]:
            for name, value in change.previous.items():
                before.setdefault(name, value)
            written.update(change.written)
        restored, kept = [], []
        for name, value in written.items():
            if name == "updated_at" or name not in fields_of:
                continue
            field = fields_of[name]
            if getattr(record, name) != read_value(field, value):
                kept.append(f"{field.verbose_name}: changed since {judge.since(whom, record)}")
            else:
                setattr(record, name, read_value(field, before[name]))
                restored.append(name)
        if restored:
            if change_log.is_stamped(model):
                stamp = fields_of["updated_at"]
                untouched = not kept and record.updated_at == read_value(stamp, written.get("updated_at"))
                record.updated_at = read_value(stamp, before["updated_at"]) if untouched else record.updated_at
                restored.append("updated_at")
            updates[tuple(restored)].append(record)
            progress.add(state, model, "restored")
        if kept:
            progress.keep(state, model, record, "; ".join(kept))
    for names, group in updates.items():
        model.objects.bulk_update(group, list(names))


# ---------------------------------------------------------------- removing created records


def remove(judge: Judge, state: dict, model: type[models.Model], changes: list[UndoRecord]) -> None:
    """Delete the created records nothing else has touched since; list the others with the reason.

    A record already gone (deleted with its owner earlier in the undo, or
    by someone since) is passed over.
    """
    records = records_by_key(model, {change.record_id for change in changes})
    parts_of_kept = judge.owner_kept(model, records)
    for key in parts_of_kept:
        progress.keep(state, model, records.pop(key), "belongs to a record the undo keeps", listed=False)
    blocked = judge.blocked(model, records)
    for key, reason in blocked.items():
        progress.keep(state, model, records.pop(key), reason)
    if not records:
        return
    _, deleted = model.objects.filter(pk__in=[record.pk for record in records.values()]).delete()
    for label, count in deleted.items():
        removed = model_of(label)
        if change_log.is_logged(removed):  # the importer's bookkeeping goes with its records, uncounted
            progress.add(state, removed, "removed", count)
