"""All columns at once: one field per column, one column per field.

Each column gets its best guess (from its header, else from its values);
then single fields go to their best column, emails and phones fill their
slots in order of kind, and one address is taken whole from the best group
of parts (mailing, then unqualified, then home...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from imports.fields import ADDRESS_PARTS, FIELDS_BY_KEY, SLOT_GROUPS
from imports.suggestions.columns import ColumnGuess, guess_column
from imports.suggestions.values import guess_from_values, share, vetoed
from imports.suggestions.words import EXCLUDING_WORDS, header_words

_EMAIL_RANK = {"primary": 0, None: 1, "home": 2, "mailing": 2, "mobile": 2, "work": 3, "other": 4}
_PHONE_RANK = {"primary": 0, None: 1, "mobile": 2, "home": 3, "mailing": 3, "work": 4, "other": 5}
_ADDRESS_RANK = {"mailing": 0, "primary": 0, None: 1, "home": 2, "work": 3, "mobile": 3, "other": 4}


@dataclass(frozen=True)
class _Candidate:
    key: str
    position: int
    guess: ColumnGuess
    has_values: bool  # some value was seen in the column


def column_values(file_constants: Mapping[str, Sequence[str]], sample_rows: Iterable[Mapping], key: str) -> list[str]:
    """Non-blank values known for a column: its distinct values when collected, else the sample rows'."""
    if key in file_constants:
        values = file_constants[key]
    else:
        values = [str(row.get("values", {}).get(key, "")) for row in sample_rows]
    return [value.strip() for value in values if value and value.strip()]


def suggest_header_mappings(
    file_headers: Mapping[str, str],
    file_constants: Mapping[str, Sequence[str]] | None = None,
    sample_rows: Sequence[Mapping] | None = None,
) -> dict[str, str]:
    """Supported field -> header key, for the columns that clearly hold one field."""
    file_constants = file_constants or {}
    sample_rows = sample_rows or []
    candidates: list[_Candidate] = []
    for position, (key, header) in enumerate(file_headers.items()):
        values = column_values(file_constants, sample_rows, key)
        if key in file_constants and not values:
            continue  # every cell of the column is blank: nothing to map
        guess = guess_column(header) or guess_column(key.replace("_", " "))
        if guess is None:
            if _words_exclude(header):
                continue
            guess = guess_from_values(values)
            if guess is None:
                continue
        elif vetoed(guess.target, values) or (guess.score < 100 and _whole_names(guess.target, values)):
            continue
        candidates.append(_Candidate(key, position, guess, bool(values)))

    mappings: dict[str, str] = {}
    _assign_single_fields(candidates, mappings)
    _assign_slots(candidates, mappings)
    _assign_address(candidates, mappings)
    return {field.key: mappings[field.key] for field in FIELDS_BY_KEY.values() if field.key in mappings}


def _whole_names(target: str, values: Sequence[str]) -> bool:
    """A bare "Spouse" column of whole names ("Jane Doe") is no first-name column."""
    return target == "spouse_first_name" and share(values, lambda v: " " in v) > 0.5


def _words_exclude(header: str) -> bool:
    return any(word in EXCLUDING_WORDS for word in header_words(header))


def _assign_single_fields(candidates: list[_Candidate], mappings: dict[str, str]) -> None:
    best: dict[str, _Candidate] = {}
    for candidate in candidates:
        target = candidate.guess.target
        if target not in FIELDS_BY_KEY or target in ADDRESS_PARTS:
            continue
        current = best.get(target)
        if current is None or _single_rank(candidate) < _single_rank(current):
            best[target] = candidate
    for target, candidate in best.items():
        mappings[target] = candidate.key


def _single_rank(candidate: _Candidate) -> tuple:
    return (-candidate.guess.score, not candidate.has_values, candidate.position)


def _assign_slots(candidates: list[_Candidate], mappings: dict[str, str]) -> None:
    """Emails, phones: the best columns in order fill Email 1, Email 2; Phone 1..3."""
    for group, slots in SLOT_GROUPS.items():
        ranks = _PHONE_RANK if "phone" in group else _EMAIL_RANK
        members = sorted(
            (c for c in candidates if c.guess.target == group),
            key=lambda c: (
                not c.has_values,
                c.guess.score < 70,  # guessed from the values only: after every named column
                ranks.get(c.guess.qualifier, 5),
                c.guess.index or 1,
                c.position,
            ),
        )
        if len(members) <= len(slots):
            chosen = members  # nothing competes: every column gets a slot
        else:  # more columns than slots (Outlook's nine phones): those with values in the first rows
            chosen = [c for c in members if c.has_values][: len(slots)] or members[:1]
        for slot, candidate in zip(slots, chosen, strict=False):
            mappings[slot] = candidate.key


def _assign_address(candidates: list[_Candidate], mappings: dict[str, str]) -> None:
    """One address: the parts of the best group (mailing, then unqualified, then home...)."""
    groups: dict[tuple, list[_Candidate]] = {}
    for candidate in candidates:
        if candidate.guess.target in ADDRESS_PARTS:
            group = (candidate.guess.qualifier, candidate.guess.index)
            groups.setdefault(group, []).append(candidate)
    if not groups:
        return

    def group_rank(item) -> tuple:
        (qualifier, index), members = item
        return (
            not any(member.has_values for member in members),
            _ADDRESS_RANK.get(qualifier, 5),
            index or 1,
            -len({member.guess.target for member in members}),
            min(member.position for member in members),
        )

    ordered = sorted(groups.items(), key=group_rank)
    (_, best_members), rest = ordered[0], ordered[1:]
    # Parts the best group lacks may come from an unqualified, unnumbered group ("Country" beside "Home City").
    sources = [best_members] + [members for (qualifier, index), members in rest if qualifier is None and not index]
    for members in sources:
        for candidate in sorted(members, key=_single_rank):
            target = candidate.guess.target
            if target not in mappings:
                mappings[target] = candidate.key
