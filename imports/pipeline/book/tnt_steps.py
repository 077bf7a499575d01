"""The steps of a TntConnect import after its contacts: referrals, appeals, tasks, history, pledges, gifts, settings.

Each step reads one table (TaskContact, Gift, ...) and writes its batches
through the book writer; each batch commits its records, its failed rows and
the step's counters together (`Import.tnt_steps`), so a job started again
after a crash skips exactly the rows its committed batches read, step by
step, as the contacts' batches do.

The file is read in as few streaming passes as the order of its tables
allows. A step needs the steps it depends on done (links need their tasks,
gifts need their donors): when its table comes later in the file than
theirs, it runs in the same pass; when earlier, in the next one. Real
exports list their tables alphabetically, which puts every step in one pass.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from accounts.models import AccountList
from fundraising.models import Donation, DonorAccount, Pledge, Task, TaskContact
from imports.models import SUMMARY_COUNTERS, Import, ImportFailure
from imports.pipeline.book import gifts_writer
from imports.pipeline.book import writer as book_writer
from imports.pipeline.book.tnt_referrals import build_referral, write_referrals
from imports.pipeline.book.tnt_settings import write_settings
from imports.pipeline.builders.drafts import RowError
from imports.pipeline.builders.tnt_book import (
    SkipRow,
    build_appeal,
    build_donation,
    build_donor_account,
    build_gift_split,
    build_history,
    build_pledge,
    build_task,
)
from imports.pipeline.builders.tnt_lookups import TntLookups
from imports.pipeline.builders.tnt_tags import version_tuple
from imports.pipeline.bulk_insert import ANALYZE_AFTER_BATCHES, refresh_planner_statistics
from imports.pipeline.columns import refuse_overlong, tnt_id_error
from imports.pipeline.readers.tnt import TntRow, iter_tnt_rows

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Step:
    name: str  # the key of its counters in tnt_summary
    tables: tuple[str, ...]  # the table it reads (Appeal was renamed Campaign in 3.2)
    build: Callable[[TntRow, TntLookups], Any]
    write: Callable[[book_writer.BookContext, list], book_writer.StepResult]
    after: tuple[str, ...] = ()
    # The tables its batches look up by TntConnect id as they grow, whose planner statistics are kept fresh.
    looked_up: tuple[type[Model], ...] = ()
    # Its records keep the row's id as their TNT id, which finds them again on a second import.
    stored_by_id: bool = True

    def draft(self, row: TntRow, lookups: TntLookups) -> Any:
        """The row's draft; RowError when it cannot be imported, SkipRow when it is deliberately not."""
        if self.stored_by_id and (error := tnt_id_error(row.table, row.tnt_id, row.position, required=True)):
            raise RowError(error)
        draft = self.build(row, lookups)
        refuse_overlong(draft, where=f"{row.table} {row.tnt_id}: ")
        return draft


def _link_step(name: str, table: str, *, parent: str, after: str) -> Step:
    """A TaskContact or HistoryContact step: links its parent table's records to their contacts."""

    def build(row: TntRow, lookups: TntLookups) -> book_writer.LinkDraft:
        task, contact = row.fields.get(f"{parent}ID", "").strip(), row.fields.get("ContactID", "").strip()
        if not task or not contact:
            raise RowError(f"{row.table} {row.tnt_id} does not name both a {parent.lower()} and a contact.")
        return book_writer.LinkDraft(row.tnt_id, task, contact)

    def write(context: book_writer.BookContext, drafts: list) -> book_writer.StepResult:
        return book_writer.write_task_contacts(context, drafts, tnt_table=parent)

    return Step(name, (table,), build, write, after=(after,), looked_up=(Task, TaskContact), stored_by_id=False)


STEPS: tuple[Step, ...] = (
    Step("referrals", ("Contact",), build_referral, write_referrals, stored_by_id=False),
    Step("appeals", ("Appeal", "Campaign"), build_appeal, book_writer.write_appeals),
    Step("tasks", ("Task",), build_task, book_writer.write_tasks, after=("appeals",), looked_up=(Task,)),
    _link_step("task_contacts", "TaskContact", parent="Task", after="tasks"),
    Step("history", ("History",), build_history, book_writer.write_tasks, after=("appeals",), looked_up=(Task,)),
    _link_step("history_contacts", "HistoryContact", parent="History", after="history"),
    Step("pledges", ("Promise",), build_pledge, book_writer.write_pledges, after=("appeals",), looked_up=(Pledge,)),
    Step(
        "donor_accounts",
        ("Donor",),
        build_donor_account,
        gifts_writer.write_donor_accounts,
        looked_up=(DonorAccount,),
    ),
    Step(
        "donations",
        ("Gift",),
        build_donation,
        gifts_writer.write_donations,
        after=("donor_accounts", "appeals"),
        looked_up=(Donation, DonorAccount, Pledge),
    ),
    Step(
        "gift_splits",
        ("GiftSplit",),
        build_gift_split,
        gifts_writer.write_gift_splits,
        after=("donations",),
        looked_up=(Donation, Pledge),
        stored_by_id=False,  # a split is applied to its gift's donation, idempotently without an id
    ),
)
STEPS_BY_NAME = {step.name: step for step in STEPS}
SETTINGS_STEP = "settings"
FALLBACK_CURRENCY = "USD"
SPLITS_VERSION = (3, 2)  # from TntConnect 3.2 a gift's appeals (campaigns) are its GiftSplit rows


def plan_passes(tables: list[tuple[str, int]]) -> dict[str, int]:
    """Step name -> the pass (1, 2, ...) that reads it; 0 for a step whose table has no rows."""
    order = {name: index for index, (name, count) in enumerate(tables) if count}
    pass_of: dict[str, int] = {}
    for step in STEPS:  # listed after the steps they depend on
        positions = [order[table] for table in step.tables if table in order]
        if not positions:
            pass_of[step.name] = 0
            continue
        number = 1
        for dependency in step.after:
            dependency_pass = pass_of[dependency]
            if dependency_pass:
                ends = max(order[t] for t in STEPS_BY_NAME[dependency].tables if t in order)
                number = max(number, dependency_pass if ends < min(positions) else dependency_pass + 1)
        pass_of[step.name] = number
    return pass_of


class BookSteps:
    """Runs the steps of one import to their end, resuming from the counters its batches committed.

    `before_batch` raises to stop (a cancelled import); `commit` runs a
    batch's writes in a transaction that checks the job still owns the
    import (its lease), retrying lost connections.
    """

    def __init__(
        self,
        *,
        import_record: Import,
        lookups: TntLookups,
        before_batch: Callable[[], None],
        commit: Callable[[Callable[[], dict]], None],
    ) -> None:
        self.import_record = import_record
        self.lookups = lookups
        self.before_batch = before_batch
        self.commit = commit
        self.context = _context(import_record, lookups)

    @property
    def steps(self) -> dict[str, dict]:
        return self.import_record.tnt_steps

    def run(self, stream: BinaryIO, tables: list[tuple[str, int]]) -> None:
        pass_of = plan_passes(tables)
        names = [step.name for step in STEPS] + [SETTINGS_STEP]
        if any(name not in self.steps for name in names):  # the summary lists the steps in this order
            self.commit(lambda: {**self.steps, **{n: self.steps.get(n) or _zeros() for n in names}})
        for number in sorted(set(pass_of.values())):
            due = [STEPS_BY_NAME[name] for name, p in pass_of.items() if p == number]
            due = [step for step in due if not self._counters(step.name).get("done")]
            if due and number:
                stream.seek(0)
                self._read_pass(stream, due, tables)
            self._mark_done([step.name for step in due])
        if not self._counters(SETTINGS_STEP).get("done"):
            self._write_settings()

    def _counters(self, name: str) -> dict:
        return self.steps.get(name, {})

    def _read_pass(self, stream: BinaryIO, due: list[Step], tables: list[tuple[str, int]]) -> None:
        step_of = {table: step for step in due for table in step.tables}
        in_file = [name for name, count in tables if count]
        last_table = max((t for t in step_of if t in in_file), key=in_file.index)
        rows = iter_tnt_rows(stream, set(step_of), stop_after=last_table)
        for step, step_rows in groupby(self._unread(rows, step_of), key=lambda item: item[0]):
            batches = _batches((row for _, row in step_rows), settings.IMPORT_BATCH_SIZE)
            for number, batch in enumerate(batches, start=1):
                self.before_batch()
                self._write_batch(step, batch)
                if number in ANALYZE_AFTER_BATCHES and step.looked_up:
                    refresh_planner_statistics(step.looked_up)

    def _unread(self, rows: Iterator[TntRow], step_of: dict[str, Step]) -> Iterator[tuple[Step, TntRow]]:
        """The rows that no committed batch has read yet (a resumed job skips the others)."""
        seen: dict[str, int] = {}
        for row in rows:
            step = step_of[row.table]
            seen[step.name] = seen.get(step.name, 0) + 1
            if seen[step.name] > self._counters(step.name).get("processed", 0):
                yield step, row

    def _write_batch(self, step: Step, rows: list[TntRow]) -> None:
        drafts, failures, skipped = [], [], 0
        for row in rows:
            try:
                drafts.append(step.draft(row, self.lookups))
            except SkipRow:
                skipped += 1
            except RowError as error:
                failures.append(failure_of(ImportFailure, self.import_record, row, str(error)))
        drafts, left_out = book_writer.without_left_out(self.context, drafts)
        skipped += left_out
        by_id = {row.tnt_id: row for row in rows}

        def write() -> dict:
            result = step.write(self.context, drafts) if drafts else book_writer.StepResult()
            failed = failures + [
                failure_of(ImportFailure, self.import_record, by_id[i], message) for i, message in result.failures
            ]
            ImportFailure.objects.bulk_create(failed)
            counters = dict(self._counters(step.name))
            for key, value in (
                ("processed", len(rows)),
                ("created", result.created),
                ("updated", result.updated),
                ("skipped", result.skipped + skipped),
                ("failed", len(failed)),
            ):
                counters[key] = counters.get(key, 0) + value
            return {**self.steps, step.name: counters}

        self.commit(write)

    def _mark_done(self, names: list[str]) -> None:
        if names:
            self.commit(lambda: {**self.steps, **{n: {**_zeros(), **self._counters(n), "done": True} for n in names}})

    def _write_settings(self) -> None:
        def write() -> dict:
            result = write_settings(self.context, self.import_record.account_list_id)
            counters = {**_zeros(), "processed": 1, "updated": result.updated, "skipped": result.skipped, "done": True}
            return {**self.steps, SETTINGS_STEP: counters}

        self.commit(write)


def _zeros() -> dict:
    return {"processed": 0, **dict.fromkeys(SUMMARY_COUNTERS, 0)}


def _batches(rows: Iterator[TntRow], size: int) -> Iterator[list[TntRow]]:
    batch: list[TntRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def failure_of(model, import_record: Import, row: TntRow, message: str, **extra):
    """An unsaved failure (`ImportFailure`, or the check's `CheckFailure`) of one row of the file's tables."""
    name = row.fields.get("Description", "") or row.fields.get("FileAs", "")
    return model(
        import_record_id=import_record.pk,
        line_number=row.position,
        message=message,
        fields=[row.table, row.tnt_id, name.strip()],
        **extra,
    )


def _context(import_record: Import, lookups: TntLookups) -> book_writer.BookContext:
    account_list = AccountList.objects.get(pk=import_record.account_list_id)
    user = import_record.user
    return book_writer.BookContext(
        account_list_id=import_record.account_list_id,
        import_id=import_record.pk,
        override=import_record.override,
        # MPDX's rule when neither the account list nor the file says: TntConnect's home currency.
        currency=account_list.default_currency or lookups.base_currency or FALLBACK_CURRENCY,
        designation_name=f"{user.name or user.email} (Imported from TntConnect)",
        lookups=lookups,
        appeals_from_splits=_appeals_from_splits(import_record.file_format),
        chosen_groups=tuple(import_record.groups) if import_record.import_by_group else (),
    )


def _appeals_from_splits(file_format: dict) -> bool:
    """A gift's appeals are its GiftSplit rows when the file has any (TntConnect 3.2 on), else the Gift row's own.

    Where the file keeps them decides, not its Version, which may be missing or say a version not known here.
    """
    tables = file_format.get("tables")
    if tables is None:  # analysed before the tables were counted
        return version_tuple(file_format.get("version", "")) >= SPLITS_VERSION
    return dict(tables).get("GiftSplit", 0) > 0


def commit_steps(import_record: Import, owned_update: Callable[..., int]) -> Callable[[Callable[[], dict]], None]:
    """A `commit` for BookSteps: the batch's writes and its counters in one transaction, under the lease."""

    def commit(write: Callable[[], dict]) -> None:
        with transaction.atomic():
            AccountList.objects.select_for_update().filter(pk=import_record.account_list_id).first()
            steps = write()
            now = timezone.now()
            owned_update(tnt_steps=steps, heartbeat_at=now, updated_at=now)
        import_record.tnt_steps = steps
        import_record.heartbeat_at = now

    return commit
