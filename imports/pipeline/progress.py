"""How far the job has read its file, for a progress bar: what it counts, out of what the upload counted.

The rows of an import are its contacts (CSV rows, TntConnect contacts,
Google people, a TntDataSync file's donors). The steps after them count the
rows they read too, each batch as it commits (`Import.tnt_steps`): a
TntDataSync file's gifts, a TntConnect export's other tables (its
referrals read the Contact table again; its settings are one). They count,
so that a bar does not stand full while they are written.
"""

from __future__ import annotations

from imports.models import Import
from imports.pipeline.book import data_sync_steps, tnt_steps


def rows_to_read(import_record: Import) -> int:
    file_format = import_record.file_format
    if import_record.source == Import.Source.TNT_DATA_SYNC:
        later = file_format.get("gifts", 0)
    elif import_record.source == Import.Source.TNT:
        counts = dict(file_format.get("tables", []))
        later = sum(counts.get(table, 0) for step in tnt_steps.STEPS for table in step.tables) + 1  # the settings
    else:
        later = 0
    return (import_record.rows_total or 0) + later


def rows_read(import_record: Import) -> int:
    if import_record.source == Import.Source.TNT_DATA_SYNC:
        steps = [data_sync_steps.DONATIONS_STEP]  # its donors step counts the import's rows again
    elif import_record.source == Import.Source.TNT:
        steps = [step.name for step in tnt_steps.STEPS] + [tnt_steps.SETTINGS_STEP]
    else:
        steps = []
    counters = import_record.tnt_steps
    return import_record.rows_processed + sum(counters.get(name, {}).get("processed", 0) for name in steps)
