"""The supported fields of a tabular import (CSV, Excel, vCard), declared once.

Like a django-import-export Resource, `SUPPORTED_FIELDS` is the one place that
says what a column mapped to a field becomes: the field's key (as used in
`file_headers_mappings`) and label, the part of the contact draft it fills and
the attribute there, the cleaner that turns a cell into that attribute's value
(the widget), its constants, and the words and spellings by which headers and
file values name it (a TntConnect database by its codes). The constants
endpoint, the mapping rules (`imports.mappings`), the suggestions, the CSV and
TNT builders and the contact model's newsletter choices all read it; address
parts and email and phone slots are derived from it.

Nothing here knows Django: the builders that read it do not either.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from imports.pipeline.builders.drafts import RowError
from imports.pipeline.builders.values import normalize_email, parse_amount, split_tags


class Part(enum.Enum):
    """Which part of a contact draft a field fills."""

    CONTACT = "contact"  # the household itself (ContactDraft)
    PERSON = "person"  # its primary person (PersonDraft)
    SPOUSE = "spouse"  # the spouse (PersonDraft, is_spouse)
    ADDRESS = "address"  # a part of its postal address: any one of them makes the address
    AREA = "area"  # where the address lies: kept on the address, but makes none on its own


@dataclass(frozen=True)
class Constant:
    id: str
    label: str
    synonyms: tuple[str, ...] = ()  # other ways a file writes it, for the suggestions
    tnt_codes: tuple[int | str, ...] = ()  # how a TntConnect database writes it


# --- Cleaners: a non-blank cell (stripped) -> the draft value; RowError says what is wrong --


def text(cell: str, label: str) -> str:
    return cell


def amount(cell: str, label: str) -> Decimal | None:
    try:
        return parse_amount(cell)
    except ValueError:
        raise RowError(f"{label} {cell!r} is not a number.") from None


def email(cell: str, label: str) -> str:
    try:
        return normalize_email(cell)
    except ValueError as error:
        raise RowError(f"{label}: {error}.") from None


# A whole number written as a decimal: what a program that read the column as numbers writes (pandas,
# a database export) for a zip code or a phone number: 60201.0, 5550100.0.
_WHOLE_NUMBER_AS_DECIMAL = re.compile(r"(\d+)\.0+")


def number_text(cell: str, label: str) -> str:
    """A zip code or a phone number as written, without the ".0" of one that was taken for a number."""
    whole = _WHOLE_NUMBER_AS_DECIMAL.fullmatch(cell) if "." in cell else None
    return whole.group(1) if whole else cell


def tags(cell: str, label: str) -> list[str]:
    return split_tags(cell)


@dataclass(frozen=True)
class SupportedField:
    key: str
    label: str
    part: Part
    attribute: str  # of the part's draft; "emails"/"phones" for a slot, "" when the builder composes it
    clean: Callable[[str, str], Any] = text  # (cell, label) -> value; constant fields are looked up instead
    constants: tuple[Constant, ...] = ()
    open_constants: bool = False  # currency: any ISO 4217 code is an id
    value_of: Callable[[str], Any] = str  # a constant's id -> the draft value
    # Words that name the field in a header, and other spellings of them ("surname" -> "last name").
    header_words: frozenset[str] = frozenset()
    spellings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def is_constant(self) -> bool:
        return bool(self.constants) or self.open_constants

    def constant_ids(self) -> set[str]:
        return {constant.id for constant in self.constants}

    def constant(self, label: str) -> Constant:
        """The constant with this label; KeyError when there is none (a renamed constant fails at import)."""
        for constant in self.constants:
            if constant.label == label:
                return constant
        raise KeyError(f"{self.key} has no constant {label!r}")

    def tnt_codes(self) -> dict:
        """TntConnect's code -> constant id."""
        return {code: constant.id for constant in self.constants for code in constant.tnt_codes}

    @property
    def slot_group(self) -> str | None:
        """Fields that fill one list in order share a group: "email" for Email 1 and Email 2."""
        if self.attribute not in ("emails", "phones"):
            return None
        return self.key.rstrip("0123456789").rstrip("_")


def _listed(synonyms: str) -> tuple[str, ...]:
    return tuple(synonym.strip() for synonym in synonyms.split(",")) if synonyms else ()


def _constant(constant_id: str, label: str, synonyms: str = "", tnt_codes: tuple = ()) -> Constant:
    return Constant(constant_id, label, _listed(synonyms), tnt_codes)


def _same(*rows: tuple) -> tuple[Constant, ...]:
    """Constants whose label is their id, each as (id, "synonym, synonym"[, TntConnect codes])."""
    return tuple(_constant(row[0], row[0], *row[1:]) for row in rows)


def _field(key, label, part, attribute, clean=text, *, words="", spellings="", **options) -> SupportedField:
    """A field whose header words are one string and spellings "meant words = spelling spelling; ..."."""
    read_as = {}
    for rule in filter(None, spellings.split(";")):
        meant, _, written = rule.partition("=")
        read_as.update({spelling: tuple(meant.split()) for spelling in written.split()})
    return SupportedField(
        key, label, part, attribute, clean, header_words=frozenset(words.split()), spellings=read_as, **options
    )


# --- Constants: synonyms are listed comma-separated; codes are TntConnect's ----------

STATUSES = _same(  # TntConnect's MPDPhaseID; it has no phase for "Cultivate Relationship"
    ("Never Contacted", "not contacted, never contacted, not yet contacted", (10,)),
    ("Ask in Future", "ask in future, ask later, future ask, ask in the future", (20,)),
    ("Cultivate Relationship", "cultivate, cultivating, cultivate relationship"),
    ("Contact for Appointment", "contact for appointment, contact for appt, call for appointment", (30,)),
    ("Appointment Scheduled", "appointment scheduled, appt scheduled, appointment set", (40,)),
    ("Call for Decision", "call for decision, decision pending", (50,)),
    ("Partner - Financial", "financial partner, partner financial, financial", (60,)),
    ("Partner - Special", "special partner, partner special, special gift partner", (70,)),
    ("Partner - Pray", "prayer partner, partner pray, partner prayer, praying, prayer, pray", (80,)),
    ("Not Interested", "not interested, no interest, declined", (90,)),
    ("Unresponsive", "unresponsive, no response, non responsive", (95,)),
    ("Never Ask", "never ask, do not ask, dont ask", (100,)),
    ("Research Abandoned", "research abandoned", (110,)),
    ("Expired Referral", "expired referral", (130,)),
)
PLEDGE_FREQUENCIES = (
    _constant("0.23076923076923", "Weekly", "weekly, week, every week, per week, each week, wk, wkly, 1 week"),
    _constant("0.46153846153846", "Every 2 Weeks", "every 2 weeks, every two weeks, every other week, biweekly, "
              "bi weekly, fortnightly, 2 weeks"),
    _constant("1.0", "Monthly", "monthly, month, per month, a month, mo, mos, mth, mthly, mnthly, every month, "
              "each month, 1 month, once a month"),
    _constant("2.0", "Every 2 Months", "every 2 months, every two months, every other month, 2 months"),
    _constant("3.0", "Quarterly", "quarterly, quarter, per quarter, qtr, qtrly, every 3 months, every three months, "
              "3 months"),
    _constant("4.0", "Every 4 Months", "every 4 months, every four months, three times a year, 3 times a year, "
              "4 months"),
    _constant("6.0", "Every 6 Months", "every 6 months, every six months, semi annual, semi annually, semiannual, "
              "semiannually, twice a year, half yearly, 6 months"),
    _constant("12.0", "Annual", "annual, annually, yearly, year, per year, a year, every year, once a year, yr, "
              "12 months, every 12 months, per annum, 1 year"),
    _constant("24.0", "Every 2 Years", "every 2 years, every two years, every other year, biennial, biennially, "
              "2 years"),
)  # fmt: skip
LIKELY_TO_GIVE = _same(  # TntConnect's LikelyToGiveID
    ("Least Likely", "least likely, unlikely, not likely, low, 1", (1,)),
    ("Likely", "likely, medium, 2", (2,)),
    ("Most Likely", "most likely, very likely, high, 3", (3,)),
)
NEWSLETTER = _same(  # TntConnect's NewsletterMediaPref, spaces removed; its "None" and "Both" are the builder's
    ("Physical", "physical, physical only, paper, paper only, print, printed, mail, postal, post, snail mail, "
     "hard copy, mailed", ("+P", "+P-E")),
    ("Email", "email, email only, e newsletter, enewsletter, electronic, digital, online", ("+E", "+E-P")),
    ("Both", "both, email and physical, email and paper, email and mail, email and print, email and post, all"),
    ("None", "none, no, no newsletter, do not send, dont send"),
)  # fmt: skip
SEND_APPEALS = (_constant("true", "Yes", "yes, y, true, t, 1, ok"), _constant("false", "No", "no, n, false, f, 0"))
# ISO 4217 codes in use (https://www.iso.org/iso-4217-currency-codes.html).
CURRENCY_CODES = tuple(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL
    GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW
    KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN
    NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK
    SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU
    UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL""".split()
)
_CURRENCY_SYNONYMS = {
    "USD": "us$, usd$, u$s, us dollar, us dollars, american dollar, american dollars",
    "CAD": "c$, ca$, can$, cad$, canadian dollar, canadian dollars",
    "AUD": "a$, au$, aud$, australian dollar, australian dollars",
    "NZD": "nz$, new zealand dollar, new zealand dollars",
    "HKD": "hk$, hong kong dollar, hong kong dollars",
    "SGD": "s$, singapore dollar, singapore dollars",
    "BRL": "r$, brazilian real, reais",
    "MXN": "mx$, mexican peso, mexican pesos",
    "EUR": "€, euro, euros",
    "GBP": "£, pound sterling, pounds sterling, british pound, british pounds, sterling",
    "JPY": "japanese yen, yen",
    "CHF": "swiss franc, swiss francs",
    "INR": "₹, indian rupee, indian rupees",
    "KRW": "₩, korean won, won",
    "PHP": "₱, philippine peso, philippine pesos",
    "NGN": "₦, naira",
    "RUB": "₽, rouble, roubles, ruble, rubles",
    "TRY": "₺, turkish lira",
    "UAH": "₴, hryvnia",
    "ILS": "₪, shekel, shekels",
    "THB": "฿, baht",
    "VND": "₫, dong",
    "PLN": "zł, zloty",
    "KES": "kenyan shilling, kenyan shillings, ksh",
    "ZAR": "south african rand, rand",
}
CURRENCIES = _same(*((code, _CURRENCY_SYNONYMS.get(code, "")) for code in CURRENCY_CODES))

# --- Header words shared by several fields (the slots, the spouse's names) ------------
# `words` name the field in a header; `spellings` are other ways of writing them:
# "first name = fname vorname" reads "fname" and "vorname" as the words "first name".

_EMAIL = {
    "words": "email mail e",
    "spellings": "email address = emailaddress; mail = mail; email = emails courriel correo",
}
_PHONE = {
    "clean": number_text,
    "words": "phone",
    "spellings": "phone = tel telephone ph phones telefon; cell phone = cellphone; cell = cellular; mobile = handy",
}
_FIRST = {
    "words": "first given name",
    "spellings": "first name = fname firstname forename vorname prenom nombre voornaam; given name = givenname",
}
_LAST = {
    "words": "last family name",
    "spellings": "last name = lname lastname surname nachname apellido apellidos achternaam; family name = familyname",
}


def _spouse(words: dict) -> dict:
    return {**words, "words": f"spouse {words['words']}"}


def _send_appeals_value(constant_id: str) -> bool:
    """Send Appeals? fills no_appeals: "Yes" is False."""
    return constant_id != "true"


C, P, S, A = Part.CONTACT, Part.PERSON, Part.SPOUSE, Part.ADDRESS

# In label order: the constants endpoint lists them so.
SUPPORTED_FIELDS: tuple[SupportedField, ...] = (
    _field("church", "Church", C, "church_name", words="church"),
    _field("city", "City", A, "city", words="city town locality", spellings="city = ort ville ciudad woonplaats"),
    _field("pledge_amount", "Commitment Amount", C, "pledge_amount", amount, words="amount pledge commitment pledged",
           spellings="amount = amt"),
    _field("pledge_currency", "Commitment Currency", C, "pledge_currency", constants=CURRENCIES, open_constants=True,
           words="currency", spellings="currency = ccy"),
    _field("pledge_frequency", "Commitment Frequency", C, "pledge_frequency", constants=PLEDGE_FREQUENCIES,
           value_of=Decimal, words="frequency", spellings="frequency = freq"),
    _field("country", "Country", A, "country", words="country", spellings="country = pays pais"),
    _field("email_1", "Email 1", P, "emails", email, **_EMAIL),
    _field("email_2", "Email 2", P, "emails", email, **_EMAIL),
    _field("envelope_greeting", "Envelope Greeting", C, "envelope_greeting", words="envelope addressee"),
    _field("first_name", "First Name", P, "first_name", **_FIRST),
    _field("full_name", "Full Name", P, "", words="full name contact file as", spellings="full name = fullname"),
    _field("greeting", "Greeting", C, "greeting", words="greeting salutation dear"),
    _field("last_name", "Last Name", P, "last_name", **_LAST),
    _field("likely_to_give", "Likely To Give", C, "likely_to_give", constants=LIKELY_TO_GIVE,
           words="likely give giver"),
    _field("metro_area", "Metro Area", Part.AREA, "metro_area", words="metro area"),
    _field("newsletter", "Newsletter", C, "send_newsletter", constants=NEWSLETTER, words="newsletter send",
           spellings="newsletter = newsletters"),
    _field("notes", "Notes", C, "notes", words="notes", spellings="notes = note comment comments memo remarks"),
    _field("phone_1", "Phone 1", P, "phones", **_PHONE),
    _field("phone_2", "Phone 2", P, "phones", **_PHONE),
    _field("phone_3", "Phone 3", P, "phones", **_PHONE),
    _field("referred_by", "Referred By", C, "referred_by", words="referred",
           spellings="referred = referral referrer refered"),
    _field("region", "Region", Part.AREA, "region", words="region"),
    _field("send_appeals", "Send Appeals?", C, "no_appeals", constants=SEND_APPEALS, value_of=_send_appeals_value,
           words="appeals send", spellings="appeals = appeal"),
    _field("spouse_email", "Spouse Email", S, "emails", email, **_spouse(_EMAIL)),
    _field("spouse_first_name", "Spouse First Name", S, "first_name", **_spouse(_FIRST)),
    _field("spouse_last_name", "Spouse Last Name", S, "last_name", **_spouse(_LAST)),
    _field("spouse_phone", "Spouse Phone", S, "phones", **_spouse(_PHONE)),
    _field("state", "State", A, "state", words="state province region", spellings="province = prov"),
    _field("status", "Status", C, "status", constants=STATUSES, words="status phase stage"),
    _field("street", "Street", A, "street", words="street address",
           spellings="address = addr adresse direccion; street = strasse"),
    _field("tags", "Tags", C, "tags", tags, words="tags categories", spellings="tags = tag"),
    _field("website", "Website", C, "website", words="website web page", spellings="website = webpage homepage url"),
    _field("zip", "Zip", A, "postal_code", number_text, words="zip postal code",
           spellings="zip code = zipcode; postal code = postcode postalcode; zip = plz zip"),
)  # fmt: skip
del C, P, S, A

FIELDS_BY_KEY: dict[str, SupportedField] = {field.key: field for field in SUPPORTED_FIELDS}
CONSTANT_FIELDS: dict[str, SupportedField] = {f.key: f for f in SUPPORTED_FIELDS if f.is_constant}
NAME_FIELDS = ("full_name", "first_name", "last_name")
# Rule 3: a row is someone when it has a name or, failing that, an email address to be named after.
IDENTIFYING_FIELDS = (*NAME_FIELDS, "email_1")
ADDRESS_PARTS = tuple(field.key for field in SUPPORTED_FIELDS if field.part is Part.ADDRESS)
# Slot group -> its fields in order: "email" -> ("email_1", "email_2"), "spouse_phone" -> ("spouse_phone",).
SLOT_GROUPS: dict[str, tuple[str, ...]] = {
    group: tuple(field.key for field in SUPPORTED_FIELDS if field.slot_group == group)
    for group in dict.fromkeys(field.slot_group for field in SUPPORTED_FIELDS if field.slot_group)
}


def choices(field_key: str) -> list[tuple[str, str]]:
    """A constant field's (id, label) pairs, for a model field's choices."""
    return [(constant.id, constant.label) for constant in FIELDS_BY_KEY[field_key].constants]
