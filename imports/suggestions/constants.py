"""Which file value is which constant: "Montly" is Monthly, "US$" is USD.

A value matches a constant by its id, its label or one of its synonyms (all
from the field table), compared without case, accents, punctuation or word
order; failing that, a currency by its ISO code, a frequency by its number,
and a small misspelling when only one constant is that close.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from functools import cache

from rapidfuzz import fuzz, process

from imports.fields import CONSTANT_FIELDS, CURRENCY_CODES

_SYMBOLS_KEPT = "€£₹₩₱₦₽₺₴₪฿₫$"


def value_key(value: str) -> str:
    """Case, accents, punctuation and spacing ignored; currency symbols kept; "&" is "and"."""
    text = unicodedata.normalize("NFKC", value).casefold().replace("&", " and ").replace("'", "")
    text = "".join(ch if ch.isalnum() or ch in _SYMBOLS_KEPT else " " for ch in text)
    return " ".join(text.split())


def _sorted_key(key: str) -> str:
    return " ".join(sorted(key.split()))


@cache
def _names_of(field_key: str) -> dict[str, str]:
    """Every accepted spelling (as a key) of the field's constants -> id."""
    field = CONSTANT_FIELDS[field_key]
    names: dict[str, str] = {}
    for constant in field.constants:
        for text in (constant.id, constant.label):
            names.setdefault(value_key(text), constant.id)
    for constant in field.constants:
        for synonym in constant.synonyms:
            names.setdefault(value_key(synonym), constant.id)
    sorted_names: dict[str, str] = {}
    for name, constant_id in names.items():
        sorted_names.setdefault(_sorted_key(name), constant_id)
    return {**sorted_names, **names}


def match_constant(field_key: str, value: str) -> str | None:
    """The constant id a file value confidently means, or None."""
    key = value_key(value)
    if not key:
        return None
    names = _names_of(field_key)
    found = names.get(key) or names.get(_sorted_key(key))
    if found:
        return found
    if field_key == "pledge_currency":
        code = key.upper()
        return code if code in CURRENCY_CODES else None
    if field_key == "pledge_frequency":
        number = _number(value)
        if number is not None:
            for constant in CONSTANT_FIELDS[field_key].constants:
                if abs(float(constant.id) - number) < 1e-9:
                    return constant.id
            return None
    return _fuzzy_constant(names, key)


def _number(value: str) -> float | None:
    try:
        return float(value.strip())
    except ValueError:
        return None


def _fuzzy_constant(names: Mapping[str, str], key: str) -> str | None:
    """A small misspelling of a known name ("Montly", "Partner - Finacial"), when only one id is that close."""
    if len(key) < 5 or any(ch.isdigit() for ch in key):
        return None
    found = process.extract(key, list(names), scorer=fuzz.ratio, limit=5, score_cutoff=88)
    if not found:
        return None
    best_name, best_score, _ = found[0]
    best_id = names[best_name]
    for name, score, _ in found[1:]:
        if names[name] != best_id and score >= best_score - 6:
            return None
    return best_id


def suggest_constant_mappings(
    file_constants: Mapping[str, Sequence[str]], file_headers_mappings: Mapping[str, str]
) -> dict[str, list[dict]]:
    """Constant field -> [{"id", "values"}] for the values of its column that clearly mean one constant."""
    suggestions: dict[str, list[dict]] = {}
    for field_key, header_key in file_headers_mappings.items():
        if field_key not in CONSTANT_FIELDS or header_key not in file_constants:
            continue
        values_by_id: dict[str, list[str]] = {}
        for value in file_constants[header_key]:
            if not value.strip():
                continue
            constant_id = match_constant(field_key, value)
            if constant_id is not None:
                values_by_id.setdefault(constant_id, []).append(value)
        if values_by_id:
            suggestions[field_key] = [{"id": cid, "values": values} for cid, values in values_by_id.items()]
    return suggestions
