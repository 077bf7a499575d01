"""One column: which field its header names, whose, which slot and which kind.

A small set of rules says which *concept* the words of a header name (a first
name, an email, the city of an address...), whose it is (the spouse's?), which
slot (Phone 2) and which kind (home, business, mobile). The first rule that
fits decides; a header that fits none, or names something else, gives None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from imports.fields import ADDRESS_PARTS
from imports.suggestions.words import EXCLUDING_WORDS, NOISE_WORDS, QUALIFIERS, SPOUSE_WORDS, header_words

# Words that describe another column's value ("E-mail 1 - Label", "E-mail Display Name") name a
# field of their own when they are the whole header.
_STANDING_ALONE = {
    ("label",): ("tags", 90),  # Google's and Ghost's "Labels"
    ("display", "name"): ("full_name", 90),  # Thunderbird's, CiviCRM's, Outlook.com's "Display Name"
}


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
    standing_alone = _STANDING_ALONE.get(tuple(words))
    if standing_alone is not None:
        return ColumnGuess(target=standing_alone[0], score=standing_alone[1])
    if not words or any(word in EXCLUDING_WORDS for word in words):
        return None
    digits = [int(word) for word in words if word.isdigit()]
    words_set = {word for word in words if not word.isdigit() and word not in NOISE_WORDS}
    spouse = bool(words_set & SPOUSE_WORDS)
    words_set -= SPOUSE_WORDS
    qualifier = _qualifier(words)
    index = digits[0] if digits else None
    plain = words_set - set(QUALIFIERS)

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
        if word in QUALIFIERS:
            return QUALIFIERS[word]
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
    if not plain and _qualifier(words) in {"home", "work"}:
        # "Home", "Work" beside "Mobile" (church and donor systems): a phone, unless the values say otherwise.
        return ("spouse_phone" if spouse else "phone"), 70

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
        if plain & {"code", "link", "url", "source", "count"}:
            return None  # "Referral Code", "Referral Link": the newsletter's referral program, no person
        return "referred_by", 100
    if plain & {"tags"}:
        return "tags", 100
    if plain & {"categories"}:
        return "tags", 90
    if plain & {"groups", "group"} and not plain - {"groups", "group", "s", "contact", "constituent"}:
        return "tags", 80  # a contact's groups become tags, as TntConnect's do
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
    if plain & {"last", "contrib", "contribution", "paid"} and "amount" in plain:
        return None  # "Last Contrib Amt": a gift that was given, not a commitment
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
    if others == {"informal"} and not spouse:
        return "greeting", 85  # "Informal Name": the name to greet someone by
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
