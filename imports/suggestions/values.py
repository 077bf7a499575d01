"""What a column's values say: an "Email" column without an "@" in most values is no email column.

The values confirm or veto what a header names, and a column whose header says
nothing is taken as email, phone or status when its values plainly are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from imports.pipeline.builders.values import split_emails, split_phones
from imports.suggestions.columns import ColumnGuess
from imports.suggestions.constants import match_constant, value_key

_EMAIL_VALUE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_VALUE = re.compile(r"^\+?[\d\s\-.()/]+(?:\s*(?:x|ext\.?|extension)\s*\d+)?$", re.IGNORECASE)
# Dates and times have a phone number's digits and dashes: "2023-01-04", "03/14/1985", "2024-02-10 09:12".
_DATE_VALUE = re.compile(r"^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})(?:[ T]\d{1,2}:\d{2}.*)?$")


def is_email_value(value: str) -> bool:
    """An address, or several as the import reads them from one cell ("a@x.org ::: b@y.org")."""
    parts = split_emails(value)
    return bool(parts) and all(_EMAIL_VALUE.match(part) for part in parts)


def is_phone_value(value: str) -> bool:
    """A number, or several as the import reads them from one cell ("+1 555-0100 ::: 555-0101")."""
    parts = split_phones(value)
    return bool(parts) and all(_is_one_phone(part) for part in parts)


def _is_one_phone(value: str) -> bool:
    digits = sum(ch.isdigit() for ch in value)
    return 7 <= digits <= 15 and bool(_PHONE_VALUE.match(value)) and not _DATE_VALUE.match(value)


def share(values: Sequence[str], test) -> float:
    return sum(1 for value in values if test(value)) / len(values) if values else 0.0


def _status_word(value: str) -> bool:
    return match_constant("status", value) is not None


def guess_from_values(values: Sequence[str]) -> ColumnGuess | None:
    """A column whose header says nothing: an @ in most values means email, and so on."""
    if len(values) < 2:
        return None
    if share(values, is_email_value) >= 0.6:
        return ColumnGuess("email", 60, qualifier="other")
    if share(values, is_phone_value) >= 0.6:
        return ColumnGuess("phone", 60, qualifier="other")
    if share(values, _status_word) >= 0.6:
        return ColumnGuess("status", 60)
    return None


_TITLES = {"mr", "mrs", "ms", "miss", "dr", "rev", "mr and mrs", "prof", "sir", "mx", "pastor", "fr", "sr"}


def vetoed(target: str, values: Sequence[str]) -> bool:
    """The header says one thing and the values plainly another."""
    if not values:
        return False
    if target == "status":  # "Status" of a membership (active, inactive) is not a donor's status
        return len(set(values)) >= 2 and not any(_status_word(value) for value in values)
    if target == "greeting":  # Salesforce's "Salutation" holds Mr., Mrs., Dr.
        return share(values, lambda v: value_key(v) in _TITLES) > 0.5
    if target in {"email", "spouse_email"}:
        return share(values, is_email_value) < 0.5
    if target in {"phone", "spouse_phone"}:
        return share(values, is_phone_value) < 0.5
    if target in {"first_name", "last_name", "full_name", "spouse_first_name", "spouse_last_name"}:
        return share(values, lambda v: is_email_value(v) or is_phone_value(v)) > 0.5
    return False
