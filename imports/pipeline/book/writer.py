"""Writes batches of TntConnect's other tables: appeals, tasks and history, pledges, donor accounts, gifts.

The bulk writer of the book, as `writer.py` is of contacts: a batch costs a
fixed number of statements whatever its size (one lookup per kind of id it
refers to, one insert per table through `insert_new`, COPY on PostgreSQL,
one bulk update). Every reference to another row (a task's contacts, a
gift's donor) is a TntConnect id, resolved through the database by indexed
`tnt_id` columns, never through a dictionary of the whole file.

A record found by its TntConnect id is left as it is, unless the import has
`override`, and then only what changed is written: a second import of the
same file creates nothing and changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain

from django.db import models
from django.utils import timezone

from contacts.models import Contact
from fundraising.models import (
    Appeal,
    AppealContact,
    DesignationAccount,
    Pledge,
    Task,
    TaskComment,
    TaskContact,
)
from imports.pipeline.book import tnt_references
from imports.pipeline.builders.tnt_book import (
    AppealDraft,
    PledgeDraft,
    TaskDraft,
)
from imports.pipeline.builders.tnt_lookups import TntLookups
from imports.pipeline.builders.tnt_tags import normalize_tag
from imports.pipeline.bulk_insert import insert_new, loaded_instances, new_instance, rows_in, update_rows
from imports.pipeline.ids import time_ordered_id


@dataclass
class StepResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (TntConnect id, why)


@dataclass(frozen=True)
class BookContext:
    """What every batch of one import needs to know."""

    account_list_id: uuid.UUID
    import_id: uuid.UUID
    override: bool
    currency: str  # the account list's (or the file's base) currency, for rows that name none
    designation_name: str  # "USER NAME (Imported from TntConnect)"
    lookups: TntLookups
    # Keyword-only, so that a context with more fields (TntDataSync's) can follow with fields of its own.
    appeals_from_splits: bool = field(default=False, kw_only=True)  # from 3.2 a gift's appeals are its GiftSplit rows
    chosen_groups: tuple[str, ...] = field(default=(), kw_only=True)  # import_by_group: the groups imported


# ---------------------------------------------------------------- resolving ids


def with_ids(context: BookContext, model: type[models.Model], *, key: str = "tnt_id", **scope) -> models.QuerySet:
    """The account list's records of `model` that have an id in `key`, ready for a lookup by `<key>__in`.

    The unique index on a record's TntConnect id is partial (blank ids are
    not unique); PostgreSQL uses a partial index for an IN list only when it
    can prove the index's condition, and it proves it from the list itself
    only for lists of at most 100 values. The condition is spelled out here,
    so a batch's lookup of 2,000 ids is an index scan, not a scan of the
    account list's tasks (seen: 0.2 s a lookup at 200,000 history rows).
    """
    return model.objects.filter(account_list_id=context.account_list_id, **scope).exclude(**{key: ""})


def ids_by_tnt_id(context: BookContext, model: type[models.Model], tnt_ids: Iterable[str], **scope) -> dict:
    """TntConnect id -> our id, for the ones this account list has (the oldest when several)."""
    wanted = {tnt_id for tnt_id in tnt_ids if tnt_id}
    if not wanted:
        return {}
    queryset = with_ids(context, model, **scope).order_by("created_at")
    found: dict[str, uuid.UUID] = {}
    for tnt_id, pk in rows_in(queryset.values_list("tnt_id", "id"), "tnt_id__in", wanted):
        found.setdefault(tnt_id, pk)
    return found


def contacts_by_tnt_id(context: BookContext, tnt_ids: Iterable[str]) -> dict[str, uuid.UUID]:
    return ids_by_tnt_id(context, Contact, tnt_ids)


def appeals_by_tnt_id(context: BookContext, tnt_ids: Iterable[str]) -> dict[str, tuple[uuid.UUID, str]]:
    wanted = {tnt_id for tnt_id in tnt_ids if tnt_id}
    if not wanted:
        return {}
    appeals = with_ids(context, Appeal).values_list("tnt_id", "id", "name")
    return {tnt_id: (pk, name) for tnt_id, pk, name in rows_in(appeals, "tnt_id__in", wanted)}


def new_record(context: BookContext, model: type[models.Model], **values) -> models.Model:
    """A new, unsaved record of the account list, made by this import."""
    return new_instance(
        model,
        id=time_ordered_id(),
        account_list_id=context.account_list_id,
        import_record_id=context.import_id,
        **values,
    )


def without_left_out(context: BookContext, drafts: list) -> tuple[list, int]:
    """The drafts that an import by group keeps, and how many it leaves out.

    A row of a contact in none of the chosen groups (a pledge, a donor
    account, a gift, a task's link to it) is left out, even when that contact
    is in the account list from another import; a task or history entry is
    left out when every contact its link table names is.
    """
    if not context.chosen_groups or not drafts:
        return drafts, 0
    if isinstance(drafts[0], TaskDraft):
        named = tnt_references.contacts_of(context.import_id, drafts[0].tnt_table, [d.tnt_id for d in drafts])
        left = tnt_references.left_out(context.import_id, context.chosen_groups, chain(*named.values()))
        kept = [d for d in drafts if not named.get(d.tnt_id) or not left.issuperset(named[d.tnt_id])]
    elif hasattr(drafts[0], "contact_tnt_id"):
        left = tnt_references.left_out(context.import_id, context.chosen_groups, (d.contact_tnt_id for d in drafts))
        kept = [d for d in drafts if d.contact_tnt_id not in left]
    else:
        return drafts, 0
    return kept, len(drafts) - len(kept)


def not_imported(draft, table: str) -> tuple[str, str]:
    """The failure of a row whose contact was not imported (it failed, or `import_by_group` left it out)."""
    return draft.tnt_id, f"{table} {draft.tnt_id} is of contact {draft.contact_tnt_id}, who was not imported."


def unnumbered_designation_account(*, account_list_id, import_id, name: str, organization_id=None) -> uuid.UUID:
    """The account list's designation account of this name without a number, made when missing.

    Made by the bulk insert, so the change log lists it; callers run inside a
    batch, which holds the account list's lock (no two imports make it twice).
    """
    name = name[:255]
    found = DesignationAccount.objects.filter(account_list_id=account_list_id, designation_number="", name=name)
    existing = found.values_list("id", flat=True).first()
    if existing is not None:
        return existing
    record = new_instance(
        DesignationAccount,
        id=time_ordered_id(),
        account_list_id=account_list_id,
        import_record_id=import_id,
        organization_id=organization_id,
        designation_number="",
        name=name,
    )
    insert_new(DesignationAccount, [record], timezone.now())
    return record.id


# ---------------------------------------------------------------- create or update by TntConnect id


@dataclass
class Upserted:
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    skipped: int = 0
    by_tnt_id: dict = field(default_factory=dict)  # every record of the batch, new or found, by its id (`key`)


def upsert(
    context: BookContext,
    model: type[models.Model],
    rows: Sequence[tuple[str, dict]],
    *,
    scope: dict | None = None,
    within: dict | None = None,
    key: str = "tnt_id",
    now: datetime,
    merge: Callable[[models.Model, dict], dict] | None = None,
) -> Upserted:
    """Create the rows (id, values) not yet in the account list; with override, update what changed.

    The id is the row's `key` column: TntConnect's id, or what a TntDataSync
    file identifies its rows by (a donor's account number, a gift's
    DONATION_ID). `scope` narrows the lookup and is written into new records
    (a task's table, a donor account's organisation); `within` only narrows
    the lookup, through a relation (a gift's organisation is its donor
    account's), and is not written. The values' keys are
    the model's attribute names. `merge` gives, for a record found, the
    values the file means for it, when a later step adds to what this one
    writes (a 3.2 gift's splits add to its memo): what the later step added
    is then no change.
    """
    scope = scope or {}
    fields = sorted({name for _, values in rows for name in values})
    existing = loaded_instances(
        # Unordered: the model's ordering (a donation's newest first) would have SQLite walk the account
        # list's index of that order instead of the index on the key.
        with_ids(context, model, key=key, **scope, **(within or {})).order_by(),
        ("id", key, *fields),
        f"{key}__in",
        {row_id for row_id, _ in rows},
    )
    outcome = Upserted(by_tnt_id={getattr(record, key): record for record in existing})
    changed: dict[uuid.UUID, models.Model] = {}
    for row_id, values in rows:
        record = outcome.by_tnt_id.get(row_id)
        if record is None:
            record = new_record(context, model, **{key: row_id}, **scope, **values)
            outcome.by_tnt_id[row_id] = record
            outcome.new.append(record)
            continue
        if merge is not None:
            values = merge(record, values)
        differs = {name: value for name, value in values.items() if getattr(record, name) != value}
        if not context.override or record._state.adding or not differs:
            outcome.skipped += 1
            continue
        for name, value in differs.items():
            setattr(record, name, value)
        changed[record.id] = record
    insert_new(model, outcome.new, now)
    update_rows(model, changed.values(), fields, now)
    outcome.changed = list(changed.values())
    return outcome


def result_of(outcome: Upserted, failures: list[tuple[str, str]], skipped: int = 0) -> StepResult:
    return StepResult(
        created=len(outcome.new),
        updated=len(outcome.changed),
        skipped=outcome.skipped + skipped,
        failures=failures,
    )


# ---------------------------------------------------------------- appeals


def write_appeals(context: BookContext, drafts: list[AppealDraft]) -> StepResult:
    rows = [
        (d.tnt_id, {"name": d.name, "amount": d.amount, "monthly_amount": d.monthly_amount, "active": d.active})
        for d in drafts
    ]
    return result_of(upsert(context, Appeal, rows, now=timezone.now()), [])


# ---------------------------------------------------------------- tasks and history


def write_tasks(context: BookContext, drafts: list[TaskDraft]) -> StepResult:
    """Tasks or history entries (one table per batch), with their comments; the appeal's name is a tag."""
    if not drafts:
        return StepResult()
    now = timezone.now()
    appeals = appeals_by_tnt_id(context, (d.appeal_tnt_id for d in drafts))
    rows = []
    for draft in drafts:
        appeal_id, appeal_name = appeals.get(draft.appeal_tnt_id, (None, ""))
        tags = list(dict.fromkeys([*draft.tags, *filter(None, [normalize_tag(appeal_name)])]))
        values = {
            "activity_type": draft.activity_type,
            "subject": draft.subject,
            "start_at": draft.start_at,
            "completed": draft.completed,
            "completed_at": draft.completed_at,
            "result": draft.result,
            "tags": tags,
            "appeal_id": appeal_id,
        }
        rows.append((draft.tnt_id, values))
    outcome = upsert(context, Task, rows, scope={"tnt_table": drafts[0].tnt_table}, now=now)
    written = {record.tnt_id: record for record in [*outcome.new, *outcome.changed]}
    known = _comment_bodies([record.id for record in outcome.changed])
    comments = []
    for draft in drafts:
        record = written.pop(draft.tnt_id, None)
        if record is None:
            continue
        for body in draft.comments:
            if body not in known.get(record.id, ()):
                comments.append(new_instance(TaskComment, id=time_ordered_id(), task_id=record.id, body=body))
    insert_new(TaskComment, comments, now)
    return result_of(outcome, [])


def _comment_bodies(task_ids: list[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
    bodies: dict[uuid.UUID, set[str]] = {}
    for task_id, body in rows_in(TaskComment.objects.values_list("task_id", "body"), "task_id__in", task_ids):
        bodies.setdefault(task_id, set()).add(body)
    return bodies


@dataclass
class LinkDraft:
    """A TaskContact or HistoryContact row: one task (or history entry) and one of its contacts."""

    tnt_id: str
    task_tnt_id: str
    contact_tnt_id: str


def write_task_contacts(context: BookContext, drafts: list[LinkDraft], *, tnt_table: str) -> StepResult:
    """Link tasks to their contacts; a history entry's appeal gets the contact too.

    A link to a task or contact that is not in the account list (a Data
    Change entry, a contact left out by `import_by_group`) is skipped.
    """
    tasks = dict(
        (tnt_id, (pk, appeal_id))
        for tnt_id, pk, appeal_id in rows_in(
            with_ids(context, Task, tnt_table=tnt_table).values_list("tnt_id", "id", "appeal_id"),
            "tnt_id__in",
            {d.task_tnt_id for d in drafts},
        )
    )
    contacts = contacts_by_tnt_id(context, (d.contact_tnt_id for d in drafts))
    pairs = {
        (tasks[d.task_tnt_id][0], contacts[d.contact_tnt_id])
        for d in drafts
        if d.task_tnt_id in tasks and d.contact_tnt_id in contacts
    }
    existing = set(
        rows_in(TaskContact.objects.values_list("task_id", "contact_id"), "task_id__in", {t for t, _ in pairs})
    )
    links, appeal_links, result = [], [], StepResult()
    # An appeal's contacts are those of what happened (history), not of what is only planned (tasks).
    links_appeals = tnt_table == "History"
    seen = set(existing)
    for draft in drafts:
        task = tasks.get(draft.task_tnt_id)
        contact_id = contacts.get(draft.contact_tnt_id)
        if task is None or contact_id is None or (task[0], contact_id) in seen:
            result.skipped += 1
            continue
        seen.add((task[0], contact_id))
        links.append(new_instance(TaskContact, task_id=task[0], contact_id=contact_id))
        if links_appeals and task[1] is not None:
            appeal_links.append(new_instance(AppealContact, appeal_id=task[1], contact_id=contact_id))
    now = timezone.now()
    insert_new(TaskContact, links, now)
    insert_new(AppealContact, appeal_links, now, ignore_conflicts=True)
    result.created = len(links)
    return result


# ---------------------------------------------------------------- pledges


def write_pledges(context: BookContext, drafts: list[PledgeDraft]) -> StepResult:
    contacts = contacts_by_tnt_id(context, (d.contact_tnt_id for d in drafts))
    appeals = appeals_by_tnt_id(context, (d.appeal_tnt_id for d in drafts))
    rows, failures = [], []
    for draft in drafts:
        contact_id = contacts.get(draft.contact_tnt_id)
        if contact_id is None:
            failures.append(not_imported(draft, "Promise"))
            continue
        values = {
            "contact_id": contact_id,
            "appeal_id": appeals.get(draft.appeal_tnt_id, (None, ""))[0],
            "amount": draft.amount,
            "amount_currency": draft.currency or context.currency,
            "expected_date": draft.expected_date,
        }
        rows.append((draft.tnt_id, values))
    return result_of(upsert(context, Pledge, rows, now=timezone.now()), failures)
