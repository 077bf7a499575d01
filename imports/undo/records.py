"""Which records an undo may take back, and why it keeps the others.

A record the import created is removed only when nothing but this import
has touched it since:

- its `updated_at` is still what this import wrote (for a record it only
  created: its `created_at`, which the bulk insert stamps alike); a
  person's edit, or another import's update, moves it (an undo that puts
  values back puts `updated_at` back too, so an undone import leaves no
  trace);
- every row that refers to it (a contact's people, emails, tasks' links,
  pledges, a donor account's donations...) is one this import created and
  may remove too (the same rules, down the tree). A row someone else added
  keeps it, and so the delete never reaches a row this import did not create.

A record kept for its own reason is listed; what belongs to it (`PARTS`: a
kept contact's people, emails, phones, addresses and tags, a kept task's
comments and links) is kept with it. The importer's own bookkeeping (links of
imports to contacts, look-alikes) goes with the record.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.db import models

from contacts.models import Contact
from imports.models import Import, ImportChange, ImportedContact, UndoRecord
from imports.pipeline.bulk_insert import rows_in
from imports.pipeline.change_log import is_logged, is_stamped, key_fields, key_text, key_values, read_value, table_of

# The order tables are taken back in, by the labels the log names them with. What the undo needs of it: a record
# before what belongs to it (`PARTS`), so that a kept record is known when its parts come. The rest is the order
# the undo's counters, its kept records and the change log summary show, which is why it is declared and not
# derived from the foreign keys: donations and pledges come before the appeal they may name (an emptied link,
# either way round), and the account list, which every table points at and an import only updates (its
# settings), comes last. Tables a later writer logs and this list lacks come last.
UNDO_ORDER: tuple[str, ...] = (
    "contacts.contact",
    "contacts.person",
    "contacts.emailaddress",
    "contacts.phonenumber",
    "contacts.address",
    "contacts.tag",
    "fundraising.organization",
    "fundraising.designationaccount",
    "fundraising.donoraccount",
    "fundraising.donoraccountcontact",
    "fundraising.donation",
    "fundraising.pledge",
    "fundraising.appeal",
    "fundraising.appealcontact",
    "fundraising.task",
    "fundraising.taskcontact",
    "fundraising.taskcomment",
    "accounts.accountlist",
)
# What is kept with a kept record: the table of a part, and the foreign key that names its owner.
PARTS: dict[str, str] = {
    "contacts.person": "contact",
    "contacts.emailaddress": "person",
    "contacts.phonenumber": "person",
    "contacts.address": "contact",
    "contacts.tag": "contact",
    "fundraising.taskcontact": "task",
    "fundraising.taskcomment": "task",
}


def model_of(table: str) -> type[models.Model]:
    return apps.get_model(table)


def ordered_tables(tables: Iterable[str]) -> list[str]:
    order = {table: position for position, table in enumerate(UNDO_ORDER)}
    return sorted(set(tables), key=lambda table: (order.get(table, len(order)), table))


def referring_relations(model: type[models.Model]) -> list:
    """The foreign keys of other tables (hidden ones too) that point at the model and hold records."""
    return [
        relation
        for relation in model._meta.get_fields(include_hidden=True)
        if relation.auto_created
        and not relation.concrete
        and (relation.one_to_many or relation.one_to_one)
        and is_logged(relation.related_model)
    ]


def key_of(model: type[models.Model], record: models.Model) -> str:
    return key_text([getattr(record, field.attname) for field in key_fields(model)])


def records_by_key(model: type[models.Model], keys: Iterable[str]) -> dict[str, models.Model]:
    """The stored records with these logged keys (a key whose record is gone is missing)."""
    keys = set(keys)
    # Looked up by the key's first field (the whole key of most tables); the full key sorts the rows found.
    first = key_fields(model)[0]
    found = rows_in(model.objects.all(), f"{first.attname}__in", {key_values(model, key)[0] for key in keys})
    records = {}
    for record in found:
        key = key_of(model, record)
        if key in keys:
            records[key] = record
    return records


class Judge:
    """Decides, for the records one import created, which an undo may remove; says why it keeps the others."""

    def __init__(self, import_record: Import) -> None:
        self.import_record = import_record
        self._names: dict = {}

    def own_changes(self, table: str, keys: Iterable[str]) -> dict[str, list[UndoRecord]]:
        """This import's entries of these records, oldest first."""
        found: dict[str, list[UndoRecord]] = defaultdict(list)
        rows = UndoRecord.objects.filter(import_record_id=self.import_record.pk, table=table).order_by("id")
        for entry in rows_in(rows, "record_id__in", list(keys)):
            found[entry.record_id].append(entry)
        return found

    def created_keys(self, table: str, keys: Iterable[str]) -> set[str]:
        rows = UndoRecord.objects.filter(
            import_record_id=self.import_record.pk, table=table, kind=ImportChange.Kind.CREATED
        ).values_list("record_id", flat=True)
        return set(rows_in(rows, "record_id__in", list(keys)))

    def by_whom(self, model: type[models.Model], records: Iterable[models.Model]) -> dict:
        """For contacts: the later import (not undone) that touched each, to name it in the reason."""
        if model is not Contact:
            return {}
        later = (
            ImportedContact.objects.filter(import_record__created_at__gt=self.import_record.created_at)
            .exclude(import_record_id=self.import_record.pk)
            .exclude(import_record__status=Import.Status.UNDONE)
            .order_by("id")
            .values_list("contact_id", "import_record_id")
        )
        found: dict = {}
        for contact_id, import_id in rows_in(later, "contact_id__in", [record.pk for record in records]):
            found.setdefault(contact_id, import_id)
        return found

    def import_name(self, import_id) -> str:
        if import_id not in self._names:
            other = Import.objects.filter(pk=import_id).only("original_filename", "source").first()
            label = f"{other.get_source_display()} import {other.original_filename}".strip() if other else "an import"
            self._names[import_id] = f"{label} ({import_id})"
        return self._names[import_id]

    def since(self, whom: dict, record: models.Model) -> str:
        """'by <the later import that touched it>' where known, else 'the import'."""
        by = whom.get(record.pk)
        return f"by {self.import_name(by)}" if by else "the import"

    def blocked(self, model: type[models.Model], records: dict[str, models.Model]) -> dict[str, str]:
        """Key -> why the record (created by this import) must stay; the others may be removed."""
        whom = self.by_whom(model, records.values())
        reasons = self.changed(model, records, whom)
        open_records = {key: record for key, record in records.items() if key not in reasons}
        for key, reason in self._blocked_by_referrers(model, open_records, whom).items():
            reasons.setdefault(key, reason)
        return reasons

    def changed(self, model: type[models.Model], records: dict[str, models.Model], whom=None) -> dict[str, str]:
        """Key -> "changed since ..." for the records whose updated_at is not what this import last wrote."""
        if not is_stamped(model) or not records:
            return {}
        whom = self.by_whom(model, records.values()) if whom is None else whom
        own = self.own_changes(table_of(model), records)
        return {
            key: f"changed since {self.since(whom, record)} ({_when(record.updated_at)})"
            for key, record in records.items()
            if _changed_since(model, record, own.get(key, []))
        }

    def _owners_kept(self, part: type[models.Model], rows: dict[str, models.Model]) -> dict[str, str]:
        """Key of a part (a task's contact link...) -> why its owner, made by this import, stays (changed since)."""
        owner_field = PARTS.get(table_of(part))
        if owner_field is None or not rows:
            return {}
        field = part._meta.get_field(owner_field)
        owner = field.related_model
        owner_keys = {key: key_text([getattr(row, field.attname)]) for key, row in rows.items()}
        owners = records_by_key(owner, self.created_keys(table_of(owner), set(owner_keys.values())))
        changed = self.changed(owner, owners)
        noun = str(owner._meta.verbose_name)
        return {
            key: f"its {noun} {str(owners[owner_key])[:80]!r} is kept: {changed[owner_key]}"
            for key, owner_key in owner_keys.items()
            if owner_key in changed
        }

    def _blocked_by_referrers(
        self, model: type[models.Model], records: dict[str, models.Model], whom
    ) -> dict[str, str]:
        if not records:
            return {}
        by_pk = {record.pk: (key, record) for key, record in records.items()}
        reasons: dict[str, str] = {}
        for relation in referring_relations(model):
            child = relation.related_model
            attname = relation.field.attname
            referring = list(rows_in(child.objects.all(), f"{attname}__in", list(by_pk)))
            if not referring:
                continue
            child_keys = {key_of(child, row): row for row in referring}
            created_here = self.created_keys(table_of(child), child_keys)
            noun = str(child._meta.verbose_name)
            for key, row in child_keys.items():
                if key not in created_here:
                    parent_key, parent = by_pk[getattr(row, attname)]
                    reasons.setdefault(parent_key, f"has a {noun} added since {self.since(whom, parent)}")
            mine = {key: row for key, row in child_keys.items() if key in created_here}
            for key, why in self._owners_kept(child, mine).items():  # a link of a kept task keeps its contact
                reasons.setdefault(by_pk[getattr(mine[key], attname)][0], why)
            for key, why in self.blocked(child, mine).items():
                row = mine[key]
                reasons.setdefault(by_pk[getattr(row, attname)][0], f"its {noun} {str(row)[:80]!r} is kept: {why}")
        return reasons

    def owner_kept(self, model: type[models.Model], records: dict[str, models.Model]) -> set[str]:
        """The records that belong to a record this import created and the undo keeps (it came first)."""
        owner_field = PARTS.get(table_of(model))
        if owner_field is None or not records:
            return set()
        field = model._meta.get_field(owner_field)
        owner = field.related_model
        owner_keys = {key: key_text([getattr(record, field.attname)]) for key, record in records.items()}
        created = self.created_keys(table_of(owner), set(owner_keys.values()))
        still_there = set(records_by_key(owner, created)) if created else set()
        return {key for key, owner_key in owner_keys.items() if owner_key in still_there}


def _changed_since(model: type[models.Model], record: models.Model, own: list[UndoRecord]) -> bool:
    """Whether the record's updated_at is later than this import's last write of it."""
    written = [change.written["updated_at"] for change in own if change.written and "updated_at" in change.written]
    if written:
        last = read_value(model._meta.get_field("updated_at"), written[-1])
        return record.updated_at != last
    return record.updated_at != record.created_at  # the bulk insert stamps both alike


def _when(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
