"""The words of a header: split, rejoined and spelt as the rules know them.

"E-mail 2 Address", "SpouseEmail1" and "Spouse-email-address" are split,
rejoined ("e mail" -> "email") and corrected (a misspelt word is matched to a
known one with rapidfuzz). The words that name each field and their other
spellings come from the field table (`imports.fields`); the words here are
those that name no field: whose a column is, which kind, and what makes it
describe something else.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from imports.fields import SUPPORTED_FIELDS

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_NON_WORD = re.compile(r"[^0-9a-z]+")

# One word written as another, or as several: the fields' own spellings, and these.
_REWRITES: dict[str, tuple[str, ...]] = {
    **{spelling: words for field in SUPPORTED_FIELDS for spelling, words in field.spellings.items()},
    **dict.fromkeys(("wife", "husband", "spouses", "hubby", "partner"), ("spouse",)),
    "site": ("site",),
    "organisation": ("organization",),
    "nick": ("nickname",),
    "dob": ("birthday",),
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
SPOUSE_WORDS = {"spouse"}
# Which kind of email, phone or address a word says: "Cell" is mobile, "Office" work.
_KINDS = {
    "primary": "primary main preferred",
    "mailing": "mailing",
    "home": "home personal private",
    "mobile": "mobile cell",
    "work": "work business office",
    "other": "other alternate alt secondary shipping car",
}
QUALIFIERS = {word: kind for kind, words in _KINDS.items() for word in words.split()}
# Words that name a field (from the table), for segmenting and spelling.
_CONCEPT_WORDS = {word for field in SUPPORTED_FIELDS for word in field.header_words}
_VOCABULARY = frozenset(
    _CONCEPT_WORDS
    | set(QUALIFIERS)
    | EXCLUDING_WORDS
    | {w for words in _REWRITES.values() for w in words}
    | {"value", "number", "to", "of", "the", "and", "or", "s", "group", "groups", "membership", "category", "mpd"}
)
NOISE_WORDS = {"value", "of", "the", "to", "s", "a", "number"}
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
