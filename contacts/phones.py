"""Phone numbers as numbers: the key two ways of writing one number share.

"+1 213 222 3333", "(213) 222-3333" and "213.222.3333" are one number in the
United States; "+49 171 5550122" and "0171 5550122" are one in Germany. The
key is the number's E.164 digits (country code, then the national
significant number), found by `phonenumbers` (Google's libphonenumber) with
the account list's country for numbers written without a country code.

Speed: `phonenumbers.parse` costs some 0.1-0.4 ms a number, longer than
everything else a row of a million-row import needs. Two shapes that make up
most real files are read here directly, with the same answer (checked
against the library on many thousands of numbers in the tests): a number
written with its "+" country code and only digits and separators, and a
ten-digit North American number (or eleven digits with its leading 1) in a
NANP country. Everything else goes to the library.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import phonenumbers

__all__ = ["phone_key"]

_NOT_DIGIT = re.compile(r"\D")
# "+" then digits and the usual separators; no "(0)" trunk prefix, no extension, no letters.
_INTERNATIONAL = re.compile(r"\+[\d\s.\-/]*(?:\(\d+\)[\d\s.\-/]*)*\Z")
_TRUNK_IN_PARENTHESES = re.compile(r"\(0+\)")
# A NANP number: area code and exchange start with 2-9.
_NANP_DIGITS = re.compile(r"1?([2-9]\d\d[2-9]\d{6})\Z")
_NANP_WRITTEN = re.compile(r"[\d\s.\-()/]+\Z")
_NANP_COUNTRIES = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1])
# E.164 allows at most 15 digits; shorter than 8 with a country code is no complete number.
_E164_DIGITS = range(8, 16)


def phone_key(number: str, country: str = "") -> str:
    """The number's E.164 digits; its plain digits when it does not parse as a phone number.

    `country` (ISO 3166 alpha-2) is where a number written without a country
    code is from; blank: such numbers keep their digits.
    """
    text = number.strip()
    digits = _NOT_DIGIT.sub("", text)
    if not digits:
        return ""
    country = country.upper()
    if text.startswith("+"):
        if _INTERNATIONAL.match(text) and not _TRUNK_IN_PARENTHESES.search(text) and len(digits) in _E164_DIGITS:
            if digits[0] == "1":
                if _NANP_DIGITS.match(digits[1:]) is not None and len(digits) == 11:
                    return digits
            elif _plain_after_country_code(digits):
                return digits
    elif country in _NANP_COUNTRIES and _NANP_WRITTEN.match(text):
        nanp = _NANP_DIGITS.match(digits)
        if nanp:
            return "1" + nanp.group(1)
    return _library_key(text, country) or digits


def _plain_after_country_code(digits: str) -> bool:
    """The digits start with exactly one assigned country code whose numbers the library keeps as
    written: no national prefix to strip (or "0", and none follows), no parsing rule of its own."""
    codes = [int(digits[:length]) for length in (1, 2, 3)]
    assigned = [code for code in codes if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE]
    if len(assigned) != 1:
        return False
    code = assigned[0]
    return _keeps_numbers_as_written(code) and digits[len(str(code))] != "0"


@cache
def _keeps_numbers_as_written(country_code: int) -> bool:
    for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[country_code]:
        metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
        if metadata is None or metadata.national_prefix not in (None, "0"):
            return False
        if metadata.national_prefix_for_parsing not in (None, "0"):
            return False
    return True


@lru_cache(maxsize=65_536)
def _library_key(text: str, country: str) -> str:
    try:
        parsed = phonenumbers.parse(text, country or None)
    except phonenumbers.NumberParseException:
        return ""
    return f"{parsed.country_code}{phonenumbers.national_significant_number(parsed)}"
