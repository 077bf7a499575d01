"""Human names: parse a "Full Name" cell into people and compose a contact's name."""

from __future__ import annotations

import dataclasses
import re
from functools import cache

from nameparser import HumanName, Lexicon

from imports.pipeline.builders.drafts import PersonDraft

_COUPLE = re.compile(r"\s+(?:and|&|\+)\s+", re.IGNORECASE)
# A capitalised ASCII word ("Smith", "Smith-Jones"): the only shape the fast path reads.
_PLAIN_WORD = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)*\Z")
_ROMAN_NUMERAL = re.compile(r"[ivxlcdm]+\Z")


@cache
def _name_vocabulary() -> frozenset[str]:
    """Every word that nameparser's default vocabulary gives a role (title, suffix, particle, ...)."""
    lexicon = Lexicon.default()
    words = set()
    for field in dataclasses.fields(lexicon):
        entries = getattr(lexicon, field.name)
        if isinstance(entries, frozenset):
            for entry in entries:
                words.update(re.split(r"[\s.]+", entry.lower()))
    return frozenset(words)


def _is_plain_word(word: str) -> bool:
    """A capitalised word that nameparser can only read as a given name or a family name."""
    if not _PLAIN_WORD.match(word):
        return False
    vocabulary = _name_vocabulary()
    return not any(part in vocabulary or _ROMAN_NUMERAL.match(part) for part in word.lower().split("-"))


# The titles, suffixes and middle initials the fast path reads, as nameparser reads them when
# they stand around plain words: "Dr. John Q. Public Jr." -> title, first, middle, last, suffix.
_FAST_TITLES = frozenset({"Mr.", "Mrs.", "Ms.", "Dr.", "Rev.", "Mr", "Mrs", "Ms", "Dr", "Rev", "Miss"})
_FAST_SUFFIXES = frozenset({"Jr.", "Sr.", "Jr", "Sr", "II", "III", "IV"})
_INITIAL = re.compile(r"[A-Z]\.\Z")


def _parse_plain(text: str) -> PersonDraft | None:
    """Everyday names without asking nameparser, otherwise the costliest step of a row.

    Reads one or two plain words ("John", "John Smith"), optionally with a
    common title before, a middle initial between and a generational
    suffix after ("Mrs. Jane Q. Doe Jr."): there nameparser's answer is
    always the words in place. Anything else (a particle, an unusual case,
    a second middle name, a title of its vocabulary this does not know)
    returns None and goes to nameparser. A test compares the two on
    thousands of names.
    """
    words = text.split(" ")
    title = middle = suffix = ""
    if len(words) > 2 and words[0] in _FAST_TITLES:
        title = words.pop(0)
    if len(words) > 2 and words[-1] in _FAST_SUFFIXES:
        suffix = words.pop()
    if len(words) == 3 and _INITIAL.match(words[1]):
        middle = words.pop(1)
    if len(words) > 2 or not all(map(_is_plain_word, words)):
        return None
    if len(words) == 1 and (title or suffix or middle):
        return None
    last = words[1] if len(words) == 2 else ""
    return PersonDraft(first_name=words[0], last_name=last, middle_name=middle, title=title, suffix=suffix)


def _parse_one(text: str) -> PersonDraft:
    plain = _parse_plain(text)
    if plain is not None:
        return plain
    name = HumanName(text)
    return PersonDraft(
        first_name=name.first, last_name=name.last, middle_name=name.middle, title=name.title, suffix=name.suffix
    )


def parse_full_name(full_name: str) -> tuple[PersonDraft, PersonDraft | None]:
    """'John and Jane Doe', 'Doe, John and Jane', 'Dr. John Q. Public Jr.' -> (primary, spouse or None).

    The people come back with only their names filled (first, middle, last,
    title, suffix); the spouse is not marked as one, the builder decides that.

    A couple written with one last name ("John and Jane Doe") gives both
    people that last name; "John Doe and Jane Smith" keeps each one's own.
    """
    text = " ".join(full_name.split())
    if not text:
        return PersonDraft(), None
    if "," in text:
        last, _, firsts = text.partition(",")
        parts = _COUPLE.split(firsts.strip(), maxsplit=1)
        primary = _parse_one(f"{parts[0]} {last}") if parts[0] else PersonDraft(last_name=last.strip())
        spouse = _parse_one(f"{parts[1]} {last}") if len(parts) > 1 and parts[1] else None
        return primary, spouse
    parts = _COUPLE.split(text, maxsplit=1)
    if len(parts) == 1:
        return _parse_one(text), None
    spouse = _parse_one(parts[1])
    primary = _parse_one(parts[0])
    if primary.first_name and not primary.last_name or _is_lone_given_name(parts[0]):
        # "John and Jane Doe": the first part is only a given name.
        primary = _parse_one(f"{parts[0]} {spouse.last_name}")
    return primary, spouse


def _is_lone_given_name(text: str) -> bool:
    words = [w for w in text.split() if w.rstrip(".").lower() not in {"mr", "mrs", "ms", "dr", "rev", "miss"}]
    return len(words) == 1


def contact_name(first: str, last: str, spouse_first: str = "", spouse_last: str = "") -> str:
    """'Doe, John and Jane', or 'Park, Bob and Sara Kim' when the spouse's last name differs."""
    first_names = first
    if spouse_first:
        spouse = spouse_first if not spouse_last or spouse_last == last else f"{spouse_first} {spouse_last}"
        first_names = f"{first} and {spouse}" if first else spouse
    if last and first_names:
        return f"{last}, {first_names}"
    return last or first_names


def greeting_for(first: str, spouse_first: str = "") -> str:
    return f"{first} and {spouse_first}" if first and spouse_first else first or spouse_first


def as_contact_name(full_name: str) -> str:
    """'Bob and Dawn Doe' -> 'Doe, Bob and Dawn': how a referral written as a full name finds its contact."""
    primary, spouse = parse_full_name(full_name)
    if not (primary.first_name or primary.last_name):
        return ""
    return contact_name(
        primary.first_name,
        primary.last_name,
        spouse.first_name if spouse else "",
        spouse.last_name if spouse else "",
    )
