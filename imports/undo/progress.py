"""The `undo` state of an import: what its undo removed, restored and kept, and where it got to.

It is a JSON object on the import (`Import.undo`), written with each batch
of the undo in the same transaction as the batch's deletes and restores, so
a resumed undo counts exactly. Counters are per table, named by the model's
plural (`contacts`, `email_addresses`, `donations`...). The records kept
are listed with their reasons up to KEPT_LISTED (the count says how many);
records kept only because they belong to a kept one (a kept contact's
people, emails...) are counted, not listed.
"""

from __future__ import annotations

import datetime

from django.db import models

KEPT_LISTED = 100
QUEUED, RUNNING, COMPLETE, FAILED = "queued", "running", "complete", "failed"
# What the API shows, in this order; the rest (where it got to, attempts) is the job's.
PUBLIC_KEYS = ("status", "requested_at", "started_at", "completed_at", "error")


def when(value: datetime.datetime | None) -> str | None:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z") if value else None


def table_name(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name_plural).replace(" ", "_")


def new_state(*, previous_status: str, requested_at: datetime.datetime, requested_by, attempts: int) -> dict:
    return {
        "status": QUEUED,
        "requested_at": when(requested_at),
        "requested_by": str(requested_by),
        "started_at": None,
        "completed_at": None,
        "error": "",
        "previous_status": previous_status,
        "attempts_before": attempts,
        "cursor": {"phase": "spread", "table": "", "after": 0},
        "tables": {},
        "kept_records": [],
        "kept_listed_over": 0,
    }


def restarted(state: dict, *, requested_by, attempts: int) -> dict:
    """An undo that failed, asked for again: it goes on from where it stopped, with its counters."""
    return {
        **state,
        "status": QUEUED,
        "error": "",
        "completed_at": None,
        "requested_by": str(requested_by),
        "attempts_before": attempts,
    }


def add(state: dict, model: type[models.Model], what: str, count: int = 1) -> None:
    if count:
        counters = state["tables"].setdefault(table_name(model), {"removed": 0, "restored": 0, "kept": 0})
        counters[what] += count


def keep(state: dict, model: type[models.Model], record: models.Model, reason: str, *, listed: bool = True) -> None:
    add(state, model, "kept")
    if not listed:
        return
    if len(state["kept_records"]) < KEPT_LISTED:
        state["kept_records"].append(
            {"type": table_name(model), "id": str(record.pk), "name": str(record)[:200], "reason": reason}
        )
    else:
        state["kept_listed_over"] += 1


def totals(state: dict) -> dict[str, int]:
    return {what: sum(c[what] for c in state.get("tables", {}).values()) for what in ("removed", "restored", "kept")}


def public(state: dict) -> dict:
    """The `undo` attribute: {} before any undo was asked for."""
    if not state:
        return {}
    return {
        **{key: state.get(key) for key in PUBLIC_KEYS},
        **totals(state),
        "tables": state.get("tables", {}),
        "kept_records": state.get("kept_records", []),
        "kept_records_not_listed": state.get("kept_listed_over", 0),
    }
