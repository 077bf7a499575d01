"""The import app's models, a module per idea; Django, and the rest of the code, import them from here.

- `import_record`: `Import`, one file (or connected account) and everything about importing it, and the
  attributes a client sees of it.
- `rows`: the rows an import keeps beside it: the failures, the contacts it wrote, the look-alikes it kept
  apart, the TntConnect links it reads while it runs.
- `check`: what the import keeps of its check (a base of `Import`), and the check's own tables.
- `undo`: the change log an undo reads, and its working set.
"""

from imports.models.check import (
    CHECK_COUNTERS,
    CHECK_STATUSES,
    CheckContact,
    CheckFailure,
    CheckKey,
    api_time,
    check_ended,
    check_of,
)
from imports.models.import_record import (
    ATTRIBUTES,
    SUMMARY_COUNTERS,
    WRITABLE_ATTRIBUTES,
    Import,
    file_sheet_read_of,
    file_sheets_of,
    file_version_of,
    header_line_of,
    import_file_path,
    ordered_headers,
    tnt_summary_of,
)
from imports.models.rows import ImportedContact, ImportFailure, PossibleDuplicate, TntReference
from imports.models.undo import ImportChange, UndoRecord

__all__ = [
    "ATTRIBUTES",
    "CHECK_COUNTERS",
    "CHECK_STATUSES",
    "SUMMARY_COUNTERS",
    "WRITABLE_ATTRIBUTES",
    "CheckContact",
    "CheckFailure",
    "CheckKey",
    "Import",
    "ImportChange",
    "ImportFailure",
    "ImportedContact",
    "PossibleDuplicate",
    "TntReference",
    "UndoRecord",
    "api_time",
    "check_ended",
    "check_of",
    "file_sheet_read_of",
    "file_sheets_of",
    "file_version_of",
    "header_line_of",
    "import_file_path",
    "ordered_headers",
    "tnt_summary_of",
]
