"""What the import admin page shows, as plain rows for its templates.

A support person should understand an import without reading JSON: each
column of the file next to the field it feeds, each constant next to the
values written in the file, each failed row next to its cells. These
functions only read the import; the failed rows are read one page at a time
from the database, never all at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q

from contacts.models import Contact
from imports.fields import CONSTANT_FIELDS, FIELDS_BY_KEY
from imports.mappings import uncovered_values
from imports.models import Import, ImportFailure, PossibleDuplicate
from imports.pipeline.sources import failure_headers
from imports.services import validate_for_start

FAILURES_PER_PAGE = 25


@dataclass
class HeaderRow:
    header: str  # as written in the file; "" when the mapping names a column the file lacks
    header_key: str
    fields: list[str] = field(default_factory=list)  # labels of the fields this column feeds
    missing_from_file: bool = False


@dataclass
class ConstantRow:
    field: str
    constant: str  # "Label (id)", or "" for values that no mapping covers
    values: list[str]


@dataclass
class FailureRow:
    line_number: int
    message: str
    cells: list[tuple[str, str]]  # (column header, cell) for every non-blank cell


def field_label(field_key: str) -> str:
    supported = FIELDS_BY_KEY.get(field_key)
    return supported.label if supported else f"{field_key} (not a supported field)"


def header_rows(import_record: Import) -> list[HeaderRow]:
    """Every column of the file in file order, then mappings that name columns the file does not have."""
    fields_by_header: dict[str, list[str]] = {}
    for field_key, header_key in import_record.file_headers_mappings.items():
        fields_by_header.setdefault(header_key, []).append(field_label(field_key))
    rows = [
        HeaderRow(header=header, header_key=key, fields=fields_by_header.pop(key, []))
        for key, header in import_record.ordered_file_headers.items()
    ]
    rows += [
        HeaderRow(header="", header_key=key, fields=labels, missing_from_file=True)
        for key, labels in fields_by_header.items()
    ]
    return rows


def constant_label(field_key: str, constant_id: str) -> str:
    supported = CONSTANT_FIELDS.get(field_key)
    labels = {constant.id: constant.label for constant in supported.constants} if supported else {}
    label = labels.get(constant_id)
    if label is None:
        return f"{constant_id} (not a valid id)" if supported and not supported.open_constants else constant_id
    return label if label == constant_id else f"{label} ({constant_id})"


def constant_rows(import_record: Import) -> list[ConstantRow]:
    """Each mapped constant with the file's values for it; values found but not mapped come last."""
    rows = []
    for field_key, entries in import_record.file_constants_mappings.items():
        for entry in entries:
            rows.append(ConstantRow(field_label(field_key), constant_label(field_key, entry["id"]), entry["values"]))
    uncovered = uncovered_values(
        file_constants=import_record.file_constants,
        file_headers_mappings=import_record.file_headers_mappings,
        file_constants_mappings=import_record.file_constants_mappings,
    )
    rows += [ConstantRow(field_label(field_key), "", left) for field_key, left in uncovered.items()]
    return rows


def start_problems(import_record: Import) -> list[str]:
    """Why an import in preview cannot start yet; empty when it can (or when it is not in preview)."""
    if import_record.status != Import.Status.PREVIEW:
        return []
    try:
        validate_for_start(import_record)
    except ValidationError as error:
        return validation_messages(error)
    return []


def validation_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for errors in error.error_dict.values() for e in errors for message in e.messages]
    return list(error.messages)


@dataclass
class FailuresPage:
    """A page of failed rows read by key: after (or before) the (line, id) of a row, never by OFFSET.

    A million failed rows page as fast at the end as at the start; the links
    carry the key of the page's last (or first) row.
    """

    rows: list[FailureRow]
    next_after: str | None  # cursor of the last row, when more follow
    previous_before: str | None  # cursor of the first row, when rows come before it

    @property
    def is_first(self) -> bool:
        return self.previous_before is None


def failures_page(import_record: Import, *, after: str | None = None, before: str | None = None) -> FailuresPage:
    """One page of failed rows in line order, read by key on the (import, line) index."""
    failures = ImportFailure.objects.filter(import_record=import_record).only("line_number", "message", "fields")
    before_key, after_key = _failure_key(before), _failure_key(after)
    if before_key is not None:
        line, pk = before_key
        earlier = failures.filter(Q(line_number__lt=line) | Q(line_number=line, id__lt=pk))
        found = list(earlier.order_by("-line_number", "-id")[: FAILURES_PER_PAGE + 1])
        more_before = len(found) > FAILURES_PER_PAGE
        page = found[:FAILURES_PER_PAGE][::-1]
        more_after = True
    else:
        if after_key is not None:
            line, pk = after_key
            failures = failures.filter(Q(line_number__gt=line) | Q(line_number=line, id__gt=pk))
        found = list(failures.order_by("line_number", "id")[: FAILURES_PER_PAGE + 1])
        more_after = len(found) > FAILURES_PER_PAGE
        page = found[:FAILURES_PER_PAGE]
        more_before = after_key is not None
    headers = failure_headers(import_record)
    return FailuresPage(
        rows=[FailureRow(f.line_number, f.message, labelled_cells(headers, f.fields)) for f in page],
        next_after=_cursor(page[-1]) if page and more_after else None,
        previous_before=_cursor(page[0]) if page and more_before else None,
    )


def _cursor(failure: ImportFailure) -> str:
    return f"{failure.line_number}.{failure.pk}"


def _failure_key(cursor: str | None) -> tuple[int, int] | None:
    """ "52.1234" -> (52, 1234); anything else means the first page."""
    line, _, pk = (cursor or "").partition(".")
    return (int(line), int(pk)) if line.isdigit() and pk.isdigit() else None


def labelled_cells(headers: list[str], cells: list) -> list[tuple[str, str]]:
    labelled = []
    for position, cell in enumerate(cells):
        text = str(cell)
        if text.strip():
            header = headers[position] if position < len(headers) else f"Column {position + 1}"
            labelled.append((header, text))
    return labelled


@dataclass
class DuplicateRow:
    line_number: int | None
    reason: str
    contact: Contact
    other_contact: Contact
    evidence: list[tuple[str, str]]  # (label, what was found)


#: The pairs shown on the import's page; the API lists them all (GET .../possible_duplicates).
POSSIBLE_DUPLICATES_SHOWN = 50


def possible_duplicate_rows(import_record: Import) -> list[DuplicateRow]:
    """The first pairs the import kept apart though they look alike, with their evidence (one query)."""
    pairs = (
        PossibleDuplicate.objects.filter(import_record=import_record)
        .select_related("contact", "other_contact")
        .order_by("created_at", "id")[:POSSIBLE_DUPLICATES_SHOWN]
    )
    return [
        DuplicateRow(pair.line_number, pair.get_reason_display(), pair.contact, pair.other_contact, _evidence(pair))
        for pair in pairs
    ]


def _evidence(pair: PossibleDuplicate) -> list[tuple[str, str]]:
    evidence = pair.evidence or {}
    found = []
    if "email" in evidence:
        found.append(("email", evidence["email"]))
    for side, label in (("this_row", "this row"), ("existing", "existing")):
        value = evidence.get(side)
        if isinstance(value, dict):
            text = "; ".join(f"{kind}: {', '.join(values)}" for kind, values in value.items())
        else:
            text = str(value or "")
        if text:
            found.append((label, text))
    for kind, ids in (evidence.get("different_ids") or {}).items():
        found.append((f"{kind} ids", " / ".join(ids)))
    return found
