"""Suggested mappings: which column is which field, and which file value is which constant.

Computed once at upload from what the readers found (header names, the
distinct values of constant columns, the first rows) and stored on the
import. Nothing here touches the database: the same functions serve the
upload, `import_file --mapping auto` and the quality measurement
(`python -m benchmarks.mapping_quality`).

Headers are read as words, not as strings: "E-mail 2 Address", "SpouseEmail1"
and "Spouse-email-address" are split, rejoined ("e mail" -> "email") and
corrected (a misspelt word is matched to a known one with rapidfuzz), then a
small set of rules says which *concept* the words name (a first name, an
email, the city of an address...), whose it is (the spouse's?), which slot
(Phone 2) and which kind (home, business, mobile). The column's values
confirm or veto a guess: an "Email" column without an "@" in most values is
not an email column, and a column whose name says nothing is taken as email,
phone or status when its values plainly are.

The rule is precision first: a column that fits nothing, a value with no
confident match, is left for the person to map.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from imports.fields import CONSTANT_FIELDS, CURRENCY_CODES, FIELDS_BY_KEY

__all__ = [
    "ColumnGuess",
    "guess_column",
    "header_fingerprint",
    "header_words",
    "match_constant",
    "suggest_constant_mappings",
    "suggest_header_mappings",
    "suggest_mappings",
]

# --------------------------------------------------------------------------- #
# Words of a header
# --------------------------------------------------------------------------- #

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_NON_WORD = re.compile(r"[^0-9a-z]+")

# One word written as another, or as several.
_REWRITES: dict[str, tuple[str, ...]] = {
    "fname": ("first", "name"),
    "firstname": ("first", "name"),
    "forename": ("first", "name"),
    "lname": ("last", "name"),
    "lastname": ("last", "name"),
    "surname": ("last", "name"),
    "fullname": ("full", "name"),
    "givenname": ("given", "name"),
    "familyname": ("family", "name"),
    "emailaddress": ("email", "address"),
    "mail": ("mail",),
    "emails": ("email",),
    "zipcode": ("zip", "code"),
    "postcode": ("postal", "code"),
    "postalcode": ("postal", "code"),
    "tel": ("phone",),
    "telephone": ("phone",),
    "ph": ("phone",),
    "phones": ("phone",),
    "cellphone": ("cell", "phone"),
    "cellular": ("cell",),
    "addr": ("address",),
    "webpage": ("website",),
    "homepage": ("website",),
    "url": ("website",),
    "site": ("site",),
    "note": ("notes",),
    "comment": ("notes",),
    "comments": ("notes",),
    "memo": ("notes",),
    "remarks": ("notes",),
    "tag": ("tags",),
    "newsletters": ("newsletter",),
    "freq": ("frequency",),
    "amt": ("amount",),
    "ccy": ("currency",),
    "wife": ("spouse",),
    "husband": ("spouse",),
    "spouses": ("spouse",),
    "organisation": ("organization",),
    "nick": ("nickname",),
    "dob": ("birthday",),
    "appeal": ("appeals",),
    "referral": ("referred",),
    "prov": ("province",),
    "hubby": ("spouse",),
    "partner": ("spouse",),
    # Other languages' exports (German, French, Spanish, Dutch)
    "vorname": ("first", "name"),
    "nachname": ("last", "name"),
    "strasse": ("street",),
    "plz": ("zip",),
    "ort": ("city",),
    "telefon": ("phone",),
    "handy": ("mobile",),
    "prenom": ("first", "name"),
    "adresse": ("address",),
    "ville": ("city",),
    "pays": ("country",),
    "courriel": ("email",),
    "nombre": ("first", "name"),
    "apellido": ("last", "name"),
    "apellidos": ("last", "name"),
    "correo": ("email",),
    "ciudad": ("city",),
    "direccion": ("address",),
    "pais": ("country",),
    "voornaam": ("first", "name"),
    "achternaam": ("last", "name"),
    "woonplaats": ("city",),
    "referrer": ("referred",),
    "refered": ("referred",),
    "zip": ("zip",),
}

# Words that make a column describe something else: the type of a phone, a
# yomi reading of a name, a fax number, an opt-out...
EXCLUDING_WORDS = frozenset(
    """type label display yomi phonetic kana prefix suffix middle additional maiden nickname initials short
    formatted extended po box fax pager telex isdn tty tdd radio callback assistant manager company organization
    department job title birthday anniversary gender id rating optin opt confirm latitude longitude timezone
    date time ip changed county block received start never no not do dont unsubscribe subscribed count total
    gift gifts donation donations largest average ytd lifetime first_gift last_gift language photo profession
    occupation children hobby mileage sensitivity priority directory server account keywords internet government
    subject billing location member euid leid gmtoff dstoff cc information im relation event service user
    marital membership household medical""".split()
)
_SPOUSE_WORDS = {"spouse"}
_QUALIFIERS = {
    "primary": "primary",
    "main": "primary",
    "preferred": "primary",
    "mailing": "mailing",
    "home": "home",
    "personal": "home",
    "private": "home",
    "mobile": "mobile",
    "cell": "mobile",
    "work": "work",
    "business": "work",
    "office": "work",
    "other": "other",
    "alternate": "other",
    "alt": "other",
    "secondary": "other",
    "shipping": "other",
    "car": "other",
}
_CONCEPT_WORDS = set(
    """first last full given family name contact email phone street address city town locality state province
    region zip postal code country church website web page notes referred tags categories greeting salutation
    dear envelope addressee status phase stage stage amount pledge commitment pledged frequency currency
    newsletter send likely give giver appeals metro area file as spouse mail e""".split()
)
_VOCABULARY = frozenset(
    _CONCEPT_WORDS
    | set(_QUALIFIERS)
    | EXCLUDING_WORDS
    | {w for words in _REWRITES.values() for w in words}
    | {"value", "number", "to", "of", "the", "and", "or", "s", "group", "groups", "membership", "category", "mpd"}
)
_NOISE = {"value", "of", "the", "to", "s", "a", "number"}
_SEGMENT_WORDS = sorted(
    (w for w in _VOCABULARY | set(_REWRITES) if len(w) >= 2 and w not in {"s", "e", "a", "no", "do", "po", "id"}),
    key=len,
    reverse=True,
)


def header_words(header: str) -> list[str]:
    """The words of a header, split, rejoined and spelt as the rules know them."""
    text = unicodedata.normalize("NFKD", header)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['’]s\b", "", text)
    text = _CAMEL.sub(" ", text).lower()
    raw = [word for word in _NON_WORD.split(text) if word]
    words: list[str] = []
    for word in raw:
        if words and words[-1] == "e" and word == "mail":
            words[-1] = "email"
            continue
        words.extend(_known(word))
    # "web page", "web site" -> website; "Tel. No." is a number, not a "no"
    joined: list[str] = []
    for word in words:
        if joined and joined[-1] in {"phone", "mobile", "cell"} and word in {"no", "nr", "num"}:
            joined.append("number")
        elif joined and joined[-1] == "web" and word in {"page", "site"}:
            joined[-1] = "website"
        elif joined and joined[-1] == "news" and word == "letter":
            joined[-1] = "newsletter"
        else:
            joined.append(word)
    return joined


@lru_cache(maxsize=4096)
def _known(word: str) -> tuple[str, ...]:
    if word in _REWRITES:
        return _REWRITES[word]
    if word.isdigit() or word in _VOCABULARY:
        return (word,)
    if word.startswith("email") and word[5:].isdigit():
        return ("email", word[5:])
    parts = _segment(word)
    if parts:
        return tuple(w for part in parts for w in _REWRITES.get(part, (part,)))
    corrected = _corrected(word)
    if corrected:
        return _REWRITES.get(corrected, (corrected,))
    return (word,)


def _segment(word: str) -> list[str] | None:
    """ "spousefirstname" -> ["spouse", "first", "name"], when known words make it up exactly."""
    if len(word) < 6:
        return None
    best: dict[int, list[str]] = {0: []}
    for end in range(1, len(word) + 1):
        for known in _SEGMENT_WORDS:
            start = end - len(known)
            if start >= 0 and start in best and word[start:end] == known:
                candidate = [*best[start], known]
                if end not in best or len(candidate) < len(best[end]):
                    best[end] = candidate
    parts = best.get(len(word))
    return parts if parts and len(parts) > 1 else None


def _corrected(word: str) -> str | None:
    """A misspelt known word ("adress", "emial", "frequncy"), when one is clearly meant."""
    if len(word) < 5 or not word.isalpha():
        return None
    limit = 2 if len(word) >= 9 else 1
    found = process.extract(word, _VOCABULARY, scorer=OSA.distance, limit=2, score_cutoff=limit)
    if not found:
        return None
    if len(found) > 1 and found[1][1] == found[0][1]:
        return None  # two words equally close: no guess
    return found[0][0]


# --------------------------------------------------------------------------- #
# One column: what it names
# --------------------------------------------------------------------------- #

SLOT_GROUPS = {
    "email": ("email_1", "email_2"),
    "phone": ("phone_1", "phone_2", "phone_3"),
    "spouse_email": ("spouse_email",),
    "spouse_phone": ("spouse_phone",),
}
ADDRESS_PARTS = ("street", "city", "state", "zip", "country")

_EMAIL_RANK = {"primary": 0, None: 1, "home": 2, "mailing": 2, "mobile": 2, "work": 3, "other": 4}
_PHONE_RANK = {"primary": 0, None: 1, "mobile": 2, "home": 3, "mailing": 3, "work": 4, "other": 5}
_ADDRESS_RANK = {"mailing": 0, "primary": 0, None: 1, "home": 2, "work": 3, "mobile": 3, "other": 4}


@dataclass(frozen=True)
class ColumnGuess:
    """What a header names: a field (or a slot group, or an address part) and how sure."""

    target: str  # a field key, a slot group of SLOT_GROUPS, or an address part
    score: int  # 100 sure ... 60 a guess from the values alone
    qualifier: str | None = None  # home, work, mobile, mailing, primary, other
    index: int | None = None  # "Phone 2" -> 2; "Address 2 - City" -> 2


def guess_column(header: str) -> ColumnGuess | None:
    """The field a header names, from its words alone; None when it names none (or something else)."""
    words = header_words(header)
    if not words or any(word in EXCLUDING_WORDS for word in words):
        return None
    digits = [int(word) for word in words if word.isdigit()]
    words_set = {word for word in words if not word.isdigit() and word not in _NOISE}
    spouse = bool(words_set & _SPOUSE_WORDS)
    words_set -= _SPOUSE_WORDS
    qualifier = _qualifier(words)
    index = digits[0] if digits else None
    plain = words_set - set(_QUALIFIERS)

    guess = _concept(plain, words, spouse)
    if guess is None:
        return None
    target, score = guess
    if target in ADDRESS_PARTS:
        index = _address_index(words)
    if spouse and target not in {"spouse_email", "spouse_phone", "spouse_first_name", "spouse_last_name"}:
        return None  # the spouse's greeting, church...: no field for it
    return ColumnGuess(target=target, score=score, qualifier=qualifier, index=index)


def _qualifier(words: Sequence[str]) -> str | None:
    for word in words:
        if word in _QUALIFIERS:
            return _QUALIFIERS[word]
    return None


def _address_index(words: Sequence[str]) -> int | None:
    """The address group's number ("Address 2 - City"); "Address 2" alone is a street's second line."""
    for position, word in enumerate(words[:-2]):
        if word == "address" and words[position + 1].isdigit():
            return int(words[position + 1])
    return None


def _concept(plain: set[str], words: Sequence[str], spouse: bool) -> tuple[str, int] | None:  # noqa: C901
    """(target, score) for the words of a header, by the first rule that fits."""
    if "email" in plain:
        return ("spouse_email" if spouse else "email"), 100
    if "phone" in plain:
        return ("spouse_phone" if spouse else "phone"), 100
    if not plain and _qualifier(words) == "mobile":  # "Mobile", "Cell"
        return ("spouse_phone" if spouse else "phone"), 90

    # Names come before the address words: "Mailing Name" is an envelope greeting, not an address.
    if "name" in plain or plain in ({"first"}, {"last"}):
        qualifier = _qualifier(words)  # "Mailing Name" is an envelope name, "Business Name" no person's
        return _name_concept(plain | ({qualifier} if qualifier not in (None, "primary") else set()), spouse)
    if plain & {"church"}:
        return "church", 100
    if plain & {"website"}:
        return "website", 100
    if "notes" in plain:
        return "notes", 100
    if plain == {"description"}:
        return "notes", 85  # Salesforce's free-text field
    if "referred" in plain:
        return "referred_by", 100
    if plain & {"tags"}:
        return "tags", 100
    if plain & {"categories"}:
        return "tags", 90
    if "greeting" in plain or "salutation" in plain or plain == {"dear"}:
        if plain & {"envelope", "mailing", "address", "formal"} or _qualifier(words) == "mailing":
            return "envelope_greeting", 100
        return "greeting", 100 if "greeting" in plain else 90
    if plain & {"envelope", "addressee"}:
        return "envelope_greeting", 90
    if plain & {"status", "phase", "stage"}:
        if plain - {"status", "phase", "stage", "mpd", "contact", "giving", "donor", "ministry", "relationship"}:
            return None  # "Marital Status", "Membership Status": something else's status
        return "status", 100 if "status" in plain else 95
    if "frequency" in plain:
        return "pledge_frequency", 100
    if "currency" in plain:
        return "pledge_currency", 100
    if "amount" in plain or plain & {"pledge", "commitment", "pledged"}:
        return "pledge_amount", 100 if plain & {"pledge", "commitment", "pledged"} else 95
    if "newsletter" in plain:
        return "newsletter", 100
    if "likely" in plain:
        return "likely_to_give", 100
    if "appeals" in plain:
        return "send_appeals", 100
    if "metro" in plain:
        return "metro_area", 100
    if spouse and not plain:
        return "spouse_first_name", 80  # Outlook's "Spouse": a first name, unless the values say otherwise
    return _address_concept(plain, words)


def _name_concept(plain: set[str], spouse: bool) -> tuple[str, int] | None:
    others = plain - {"name", "first", "last", "given", "family", "full", "contact"}
    if others:
        if others <= {"mailing", "envelope", "address", "addressee"} and not spouse:
            return "envelope_greeting", 90  # "Mailing Name", "Envelope Name"
        if others == {"church"}:
            return "church", 100
        return None
    if plain & {"first", "given"} and not plain & {"last", "family"}:
        # Beside a "First Name", a "Given Name" is the legal name (Planning Center): the first name wins.
        return ("spouse_first_name" if spouse else "first_name"), 100 if "first" in plain else 95
    if plain & {"last", "family"} and not plain & {"first", "given"}:
        return ("spouse_last_name" if spouse else "last_name"), 100
    if spouse and plain == {"name"}:
        return None  # "Spouse Name": a whole name, not one of our fields
    if spouse or plain & {"first", "last", "given", "family"}:
        return None  # "Spouse Name", "First Last Name": not one of our fields
    if "full" in plain:
        return "full_name", 100
    return "full_name", 95  # "Name", "Contact Name"


def _address_concept(plain: set[str], words: Sequence[str]) -> tuple[str, int] | None:
    if plain == {"file", "as"}:
        return "full_name", 85
    if "country" in plain:
        return "country", 100
    if plain & {"zip", "postal"} and not plain & {"city", "state"}:
        return "zip", 100
    if plain & {"state", "province"}:
        return "state", 100
    address_context = bool(plain & {"address", "mailing"}) or _address_index(words) is not None
    if "region" in plain:
        if address_context or _qualifier(words) in {"home", "work", "mailing", "other"}:
            return "state", 95
        return ("region", 100) if plain == {"region"} else None
    if plain & {"city", "town", "locality"}:
        return "city", 100
    if "street" in plain or plain == {"address"} or plain == {"address", "line"} or plain == {"mailing", "address"}:
        if _street_line(words) not in (None, 1):
            return None  # "Street 2", "Address Line 2": no field for a second line
        return "street", 100 if "street" in plain else 90
    return None


def _street_line(words: Sequence[str]) -> int | None:
    """ "Street 2", "Address Line 2", "Address 2" (nothing after): the line of a street address."""
    for position, word in enumerate(words[:-1]):
        if words[position + 1].isdigit() and (
            word in {"street", "line"} or (word == "address" and position + 2 == len(words))
        ):
            return int(words[position + 1])
    return None


# --------------------------------------------------------------------------- #
# What the values say
# --------------------------------------------------------------------------- #

_EMAIL_VALUE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_VALUE = re.compile(r"^\+?[\d\s\-.()/]+(?:\s*(?:x|ext\.?|extension)\s*\d+)?$", re.IGNORECASE)


def is_email_value(value: str) -> bool:
    return bool(_EMAIL_VALUE.match(value.strip()))


def is_phone_value(value: str) -> bool:
    value = value.strip()
    digits = sum(ch.isdigit() for ch in value)
    return 7 <= digits <= 15 and bool(_PHONE_VALUE.match(value))


def _share(values: Sequence[str], test) -> float:
    return sum(1 for value in values if test(value)) / len(values) if values else 0.0


def _status_word(value: str) -> bool:
    return match_constant("status", value) is not None


def _guess_from_values(values: Sequence[str]) -> ColumnGuess | None:
    """A column whose header says nothing: an @ in most values means email, and so on."""
    if len(values) < 2:
        return None
    if _share(values, is_email_value) >= 0.6:
        return ColumnGuess("email", 60, qualifier="other")
    if _share(values, is_phone_value) >= 0.6:
        return ColumnGuess("phone", 60, qualifier="other")
    if _share(values, _status_word) >= 0.6:
        return ColumnGuess("status", 60)
    return None


_TITLES = {"mr", "mrs", "ms", "miss", "dr", "rev", "mr and mrs", "prof", "sir", "mx", "pastor", "fr", "sr"}


def _vetoed(target: str, values: Sequence[str]) -> bool:
    """The header says one thing and the values plainly another."""
    if not values:
        return False
    if target == "status":  # "Status" of a membership (active, inactive) is not a donor's status
        return len(set(values)) >= 2 and not any(_status_word(value) for value in values)
    if target == "greeting":  # Salesforce's "Salutation" holds Mr., Mrs., Dr.
        return _share(values, lambda v: _value_key(v) in _TITLES) > 0.5
    if target in {"email", "spouse_email"}:
        return _share(values, is_email_value) < 0.5
    if target in {"phone", "spouse_phone"}:
        return _share(values, is_phone_value) < 0.5
    if target in {"first_name", "last_name", "full_name", "spouse_first_name", "spouse_last_name"}:
        return _share(values, lambda v: is_email_value(v) or is_phone_value(v)) > 0.5
    return False


# --------------------------------------------------------------------------- #
# All columns: one field per column, one column per field
# --------------------------------------------------------------------------- #


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
            guess = _guess_from_values(values)
            if guess is None:
                continue
        elif _vetoed(guess.target, values) or (guess.score < 100 and _whole_names(guess.target, values)):
            continue
        candidates.append(_Candidate(key, position, guess, bool(values)))

    mappings: dict[str, str] = {}
    _assign_single_fields(candidates, mappings)
    _assign_slots(candidates, mappings)
    _assign_address(candidates, mappings)
    return {field.key: mappings[field.key] for field in FIELDS_BY_KEY.values() if field.key in mappings}


def _whole_names(target: str, values: Sequence[str]) -> bool:
    """A bare "Spouse" column of whole names ("Jane Doe") is no first-name column."""
    return target == "spouse_first_name" and _share(values, lambda v: " " in v) > 0.5


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


# --------------------------------------------------------------------------- #
# Constants
# --------------------------------------------------------------------------- #

_CONSTANT_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "pledge_frequency": {
        "0.23076923076923": ("weekly", "week", "every week", "per week", "each week", "wk", "wkly", "1 week"),
        "0.46153846153846": (
            "every 2 weeks",
            "every two weeks",
            "every other week",
            "biweekly",
            "bi weekly",
            "fortnightly",
            "2 weeks",
        ),
        "1.0": (
            "monthly",
            "month",
            "per month",
            "a month",
            "mo",
            "mos",
            "mth",
            "mthly",
            "mnthly",
            "every month",
            "each month",
            "1 month",
            "once a month",
        ),
        "2.0": ("every 2 months", "every two months", "every other month", "2 months"),
        "3.0": (
            "quarterly",
            "quarter",
            "per quarter",
            "qtr",
            "qtrly",
            "every 3 months",
            "every three months",
            "3 months",
        ),
        "4.0": ("every 4 months", "every four months", "three times a year", "3 times a year", "4 months"),
        "6.0": (
            "every 6 months",
            "every six months",
            "semi annual",
            "semi annually",
            "semiannual",
            "semiannually",
            "twice a year",
            "half yearly",
            "6 months",
        ),
        "12.0": (
            "annual",
            "annually",
            "yearly",
            "year",
            "per year",
            "a year",
            "every year",
            "once a year",
            "yr",
            "12 months",
            "every 12 months",
            "per annum",
            "1 year",
        ),
        "24.0": ("every 2 years", "every two years", "every other year", "biennial", "biennially", "2 years"),
    },
    "send_appeals": {
        "true": ("yes", "y", "true", "t", "1", "ok"),
        "false": ("no", "n", "false", "f", "0"),
    },
    "newsletter": {
        "Email": ("email", "email only", "e newsletter", "enewsletter", "electronic", "digital", "online"),
        "Physical": (
            "physical",
            "physical only",
            "paper",
            "paper only",
            "print",
            "printed",
            "mail",
            "postal",
            "post",
            "snail mail",
            "hard copy",
            "mailed",
        ),
        "Both": (
            "both",
            "email and physical",
            "email and paper",
            "email and mail",
            "email and print",
            "email and post",
            "all",
        ),
        "None": ("none", "no", "no newsletter", "do not send", "dont send"),
    },
    "likely_to_give": {
        "Least Likely": ("least likely", "unlikely", "not likely", "low", "1"),
        "Likely": ("likely", "medium", "2"),
        "Most Likely": ("most likely", "very likely", "high", "3"),
    },
    "status": {
        "Never Contacted": ("not contacted", "never contacted", "not yet contacted"),
        "Ask in Future": ("ask in future", "ask later", "future ask", "ask in the future"),
        "Cultivate Relationship": ("cultivate", "cultivating", "cultivate relationship"),
        "Contact for Appointment": ("contact for appointment", "contact for appt", "call for appointment"),
        "Appointment Scheduled": ("appointment scheduled", "appt scheduled", "appointment set"),
        "Call for Decision": ("call for decision", "decision pending"),
        "Partner - Financial": ("financial partner", "partner financial", "financial"),
        "Partner - Special": ("special partner", "partner special", "special gift partner"),
        "Partner - Pray": ("prayer partner", "partner pray", "partner prayer", "praying", "prayer", "pray"),
        "Not Interested": ("not interested", "no interest", "declined"),
        "Unresponsive": ("unresponsive", "no response", "non responsive"),
        "Never Ask": ("never ask", "do not ask", "dont ask"),
        "Research Abandoned": ("research abandoned",),
        "Expired Referral": ("expired referral",),
    },
    "pledge_currency": {
        "USD": ("us$", "usd$", "u$s", "us dollar", "us dollars", "american dollar", "american dollars"),
        "CAD": ("c$", "ca$", "can$", "cad$", "canadian dollar", "canadian dollars"),
        "AUD": ("a$", "au$", "aud$", "australian dollar", "australian dollars"),
        "NZD": ("nz$", "new zealand dollar", "new zealand dollars"),
        "HKD": ("hk$", "hong kong dollar", "hong kong dollars"),
        "SGD": ("s$", "singapore dollar", "singapore dollars"),
        "BRL": ("r$", "brazilian real", "reais"),
        "MXN": ("mx$", "mexican peso", "mexican pesos"),
        "EUR": ("€", "euro", "euros"),
        "GBP": ("£", "pound sterling", "pounds sterling", "british pound", "british pounds", "sterling"),
        "JPY": ("japanese yen", "yen"),
        "CHF": ("swiss franc", "swiss francs"),
        "INR": ("₹", "indian rupee", "indian rupees"),
        "KRW": ("₩", "korean won", "won"),
        "PHP": ("₱", "philippine peso", "philippine pesos"),
        "NGN": ("₦", "naira"),
        "RUB": ("₽", "rouble", "roubles", "ruble", "rubles"),
        "TRY": ("₺", "turkish lira"),
        "UAH": ("₴", "hryvnia"),
        "ILS": ("₪", "shekel", "shekels"),
        "THB": ("฿", "baht"),
        "VND": ("₫", "dong"),
        "PLN": ("zł", "zloty"),
        "KES": ("kenyan shilling", "kenyan shillings", "ksh"),
        "ZAR": ("south african rand", "rand"),
    },
}
_SYMBOLS_KEPT = "€£₹₩₱₦₽₺₴₪฿₫$"


def _value_key(value: str) -> str:
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
            names.setdefault(_value_key(text), constant.id)
    for constant_id, synonyms in _CONSTANT_SYNONYMS.get(field_key, {}).items():
        for synonym in synonyms:
            names.setdefault(_value_key(synonym), constant_id)
    sorted_names: dict[str, str] = {}
    for name, constant_id in names.items():
        sorted_names.setdefault(_sorted_key(name), constant_id)
    return {**sorted_names, **names}


def match_constant(field_key: str, value: str) -> str | None:
    """The constant id a file value confidently means, or None."""
    key = _value_key(value)
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


def suggest_mappings(
    *,
    file_headers: Mapping[str, str],
    file_constants: Mapping[str, Sequence[str]],
    sample_rows: Sequence[Mapping] = (),
) -> tuple[dict[str, str], dict[str, list[dict]]]:
    """(file_headers_mappings, file_constants_mappings) suggested for a file."""
    headers = suggest_header_mappings(file_headers, file_constants, sample_rows)
    return headers, suggest_constant_mappings(file_constants, headers)


def merge_remembered(
    *,
    remembered_headers: Mapping[str, str],
    remembered_constants: Mapping[str, list],
    file_headers: Mapping[str, str],
    file_constants: Mapping[str, Sequence[str]],
) -> tuple[dict[str, str], dict[str, list[dict]]]:
    """Mappings that imported a file with the same headers, fitted to this file.

    Header mappings are kept where the header is in the file. Constant
    mappings keep the values found in this file; values the earlier file did
    not have get the usual suggestions.
    """
    headers = {
        field: key for field, key in remembered_headers.items() if field in FIELDS_BY_KEY and key in file_headers
    }
    constants: dict[str, list[dict]] = {}
    fresh = suggest_constant_mappings(file_constants, headers)
    for field_key, header_key in headers.items():
        if field_key not in CONSTANT_FIELDS or header_key not in file_constants:
            continue
        found = set(file_constants[header_key])
        by_id: dict[str, list[str]] = {}
        covered: set[str] = set()
        for entry in remembered_constants.get(field_key, []):
            values = [value for value in entry.get("values", []) if value in found and value not in covered]
            if values:
                by_id.setdefault(entry["id"], []).extend(values)
                covered.update(values)
        for entry in fresh.get(field_key, []):
            values = [value for value in entry["values"] if value not in covered]
            if values:
                by_id.setdefault(entry["id"], []).extend(values)
        if by_id:
            constants[field_key] = [{"id": cid, "values": values} for cid, values in by_id.items()]
    return headers, constants


def header_fingerprint(file_headers: Mapping[str, str]) -> str:
    """The same for every file with the same set of header keys, whatever their order."""
    if not file_headers:
        return ""
    return hashlib.sha256("\n".join(sorted(file_headers)).encode()).hexdigest()
