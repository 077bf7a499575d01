"""Field access and values shared by the TntConnect builders: booleans, numbers and dates as TntConnect writes them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal

TRUE_VALUES = frozenset({"true", "1", "-1", "yes", "y"})
FALSE_VALUES = frozenset({"false", "0", "no", "n"})
NO_DATE = "1899-12-30"  # TntConnect's zero date: no date
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# Bounded so that a hostile "1e999999" or a million digits cannot cost much.
_INTEGER = re.compile(r"[+-]?\d{1,18}")
# Decimals are not bounded as tightly: an amount converted at an exchange rate is written as
# "41.6666666666667", and it is an amount to the cent.
_DECIMAL = re.compile(r"[+-]?\d{1,15}(?:\.\d{1,30})?")
# What the amount columns hold (14 digits, 2 after the point), as parse_amount keeps a CSV's amounts.
CENT = Decimal("0.01")
MONEY_LIMIT = Decimal("1e12")


class Fields:
    """Read access to a row's fields: stripped text, "" when absent."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self._fields = fields

    def __getitem__(self, name: str) -> str:
        return self._fields.get(name, "").strip()

    def first(self, *names: str) -> str:
        """The first non-blank of several fields (e.g. a renamed one)."""
        for name in names:
            if value := self[name]:
                return value
        return ""

    def any_of(self, names: Iterable[str]) -> bool:
        return any(self[name] for name in names)


def boolean(text: str) -> bool | None:
    value = text.strip().casefold()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    return None


def integer(text: str) -> int | None:
    """A plain integer such as "80" or "-7"; anything else is None."""
    text = text.strip()
    return int(text) if _INTEGER.fullmatch(text) else None


def iso_date(text: str) -> date | None:
    """An ISO date ("2004-08-26", or a date and time); TntConnect's zero date and anything else are None."""
    match = _ISO_DATE.match(text.strip())
    if not match or text.startswith(NO_DATE):
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def money(text: str) -> Decimal | None:
    """An amount such as "1,250.50" to the cent; None when unreadable or beyond what an amount column holds."""
    amount = decimal(text.replace(",", ""))
    if amount is None:
        return None
    amount = amount.quantize(CENT)
    return amount if abs(amount) < MONEY_LIMIT else None


def positive_amount(text: str) -> Decimal | None:
    amount = money(text)
    return amount if amount is not None and amount > 0 else None


def decimal(text: str) -> Decimal | None:
    """A plain decimal such as "50" or "12.50" (no exponents); else None."""
    text = text.strip()
    return Decimal(text) if _DECIMAL.fullmatch(text) else None
