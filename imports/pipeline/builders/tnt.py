"""One TntConnect Contact row -> one ContactDraft.

Pure and database-free: the same function builds the preview samples and,
once per row, the contacts of the background import.  The field rules are
the "TntConnect XML" section of docs/imports-api.md; the comments below say
where a rule needed interpreting. Where TntConnect keeps each field is in
`tnt_layout`, how its groups become tags in `tnt_tags`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from imports.fields import FIELDS_BY_KEY
from imports.pipeline.builders.drafts import (
    AddressDraft,
    ContactDraft,
    EmailDraft,
    PersonDraft,
    PhoneDraft,
    RowError,
)
from imports.pipeline.builders.tnt_layout import (
    ADDRESS_KINDS,
    COUNTRY_ALIASES,
    NAME_PARTS,
    NOTE_DATES,
    NOTE_FIELDS,
    PHONE_FIELDS,
)
from imports.pipeline.builders.tnt_tags import group_tag_names, split_tags, unique_tags
from imports.pipeline.readers.tnt import TntContactRow, TntGroup

__all__ = ["TntImportOptions", "build_tnt_contact"]


@dataclass(frozen=True)
class TntImportOptions:
    version: str
    groups_by_id: dict[str, TntGroup]
    group_members: dict[str, list[str]]
    group_tags: dict[str, str]  # group id -> comma separated extra tags
    tag_list: str  # comma separated, for every contact


MPD_PHASES = FIELDS_BY_KEY["status"].tnt_codes()  # MPDPhaseID -> status
LIKELY_TO_GIVE = FIELDS_BY_KEY["likely_to_give"].tnt_codes()  # LikelyToGiveID -> likely to give
_NEWSLETTER = FIELDS_BY_KEY["newsletter"]
NEWSLETTER_MEDIA = _NEWSLETTER.tnt_codes()  # NewsletterMediaPref -> newsletter
NO_NEWSLETTER, BOTH_NEWSLETTERS = _NEWSLETTER.constant("None").id, _NEWSLETTER.constant("Both").id

TRUE_VALUES = frozenset({"true", "1", "-1", "yes", "y"})
FALSE_VALUES = frozenset({"false", "0", "no", "n"})
# Bounded so that a hostile "1e999999" or a million digits cannot cost much.
_INTEGER = re.compile(r"[+-]?\d{1,18}")
_DECIMAL = re.compile(r"[+-]?\d{1,15}(?:\.\d{1,10})?")


def build_tnt_contact(row: TntContactRow, options: TntImportOptions) -> ContactDraft:
    """Make the draft of one contact; RowError when it cannot be imported."""
    fields = _Fields(row.fields)
    people = _people(fields)
    mailing_type = fields.first("MailingAddressType", "MailingAddresssType")
    return ContactDraft(
        name=_contact_name(fields, row),
        greeting=fields["Greeting"],
        envelope_greeting=_envelope_greeting(fields),
        status=MPD_PHASES.get(_integer(fields["MPDPhaseID"]) or 0, ""),
        pledge_amount=_pledge_amount(fields["PledgeAmount"]),
        pledge_frequency=_pledge_frequency(fields["PledgeFrequencyID"]),
        send_newsletter=_newsletter(fields),
        likely_to_give=LIKELY_TO_GIVE.get(_integer(fields["LikelyToGiveID"]) or 0, ""),
        no_appeals=_boolean(fields["NeverAsk"]),
        church_name=fields["ChurchName"],
        website=_website(fields),
        notes=_notes(fields),
        tags=_contact_tags(row.tnt_id, options),
        people=people,
        addresses=_addresses(fields, _integer(mailing_type)),
        referred_by=fields["ReferredBy"],
        tnt_id=row.tnt_id,
    )


class _Fields:
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


# ---------------------------------------------------------------- contact


def _contact_name(fields: _Fields, row: TntContactRow) -> str:
    """FileAs; when blank, "Last, First and Spouse" from the names, then FullName."""
    if name := fields["FileAs"]:
        return name
    first, last = fields["FirstName"], fields["LastName"]
    if spouse := fields["SpouseFirstName"]:
        first = f"{first} and {spouse}" if first else spouse
    name = ", ".join(part for part in (last, first) if part)
    if name := name or fields["FullName"]:
        return name
    raise RowError(
        f"TntConnect contact {row.tnt_id or f'#{row.position}'} has no name: its "
        "FileAs, FullName, first and last names are all blank. Give it a name in "
        "TntConnect and export again."
    )


def _envelope_greeting(fields: _Fields) -> str:
    for line in fields["MailingAddressBlock"].splitlines():
        if line.strip():
            return line.strip()
    return fields["FullName"]


def _pledge_amount(text: str) -> Decimal | None:
    """A positive amount, or None: 0 is how TntConnect writes "no commitment"."""
    amount = _decimal(text.replace(",", "").lstrip("$"))
    return amount if amount is not None and amount > 0 else None


def _pledge_frequency(text: str) -> Decimal | None:
    """Months between gifts; negative ids count days (weekly...) and are ignored."""
    frequency = _decimal(text)
    return frequency if frequency is not None and frequency > 0 else None


def _newsletter(fields: _Fields) -> str:
    sending = _boolean(fields["SendNewsletter"])
    if sending is None:
        return ""
    if not sending:
        return NO_NEWSLETTER
    preference = fields["NewsletterMediaPref"].replace(" ", "").upper()
    return NEWSLETTER_MEDIA.get(preference, BOTH_NEWSLETTERS)


def _website(fields: _Fields) -> str:
    """WebPage; later versions number it WebPage1 and WebPage2."""
    return fields.first("WebPage", "WebPage1", "WebPage2")


def _notes(fields: _Fields) -> str:
    """Notes, then a "Label: value" line for each extra field that is filled in."""
    website = _website(fields)
    lines = []
    for name, label in NOTE_FIELDS:
        value = _one_line(fields[name])
        if value and not (name == "WebPage2" and value == website):
            lines.append(f"{label}: {value}")
    lines += _note_dates(fields)
    if _boolean(fields["Deceased"]):
        lines.append("Deceased: yes")
    return "\n\n".join(part for part in (fields["Notes"], "\n".join(lines)) if part)


def _note_dates(fields: _Fields) -> list[str]:
    lines = []
    for label, prefix in NOTE_DATES:
        month = _integer(fields[f"{prefix}Month"]) or 0
        day = _integer(fields[f"{prefix}Day"]) or 0
        year = _integer(fields[f"{prefix}Year"]) or 0
        if 1 <= month <= 12 and 1 <= day <= 31:
            date = f"{calendar.month_name[month]} {day}"
            lines.append(f"{label}: {date}, {year}" if year > 0 else f"{label}: {date}")
    return lines


def _one_line(text: str) -> str:
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


# ---------------------------------------------------------------- people


def _people(fields: _Fields) -> list[PersonDraft]:
    """The primary person and, when any spouse name is given, the spouse.

    Without a spouse, the Spouse* emails and phones stay with the household
    on the primary person rather than being lost.
    """
    spouse = None
    if fields.any_of(f"Spouse{part}" for part in NAME_PARTS):
        spouse = _person(fields, prefix="Spouse", last_name_default=fields["LastName"])
        spouse.emails = _emails(fields, ["Spouse"])
    primary = _person(fields, prefix="", last_name_default="")
    primary.emails = _emails(fields, [""] if spouse else ["", "Spouse"])
    _add_phones(fields, primary, spouse)
    people = [spouse] if spouse else []
    if _has_name(primary) or primary.emails or primary.phones:
        if not _has_name(primary):
            # An organisation, or a contact known by FileAs only: the person
            # holding its emails and phones is named after the contact.
            primary.last_name = fields.first("OrganizationName", "FileAs", "FullName")
        people.insert(0, primary)
    return people


def _person(fields: _Fields, prefix: str, last_name_default: str) -> PersonDraft:
    return PersonDraft(
        first_name=fields[f"{prefix}FirstName"],
        last_name=fields[f"{prefix}LastName"] or last_name_default,
        middle_name=fields[f"{prefix}MiddleName"],
        title=fields[f"{prefix}Title"],
        suffix=fields[f"{prefix}Suffix"],
        is_spouse=bool(prefix),
    )


def _has_name(person: PersonDraft) -> bool:
    return bool(person.first_name or person.last_name)


def _emails(fields: _Fields, prefixes: list[str]) -> list[EmailDraft]:
    """Email1..3; "EmailNIsValid" false marks one historic; the first valid is primary.

    An address written twice (TntConnect allows it) is kept once.
    """
    emails: dict[str, EmailDraft] = {}
    for prefix in prefixes:
        for n in (1, 2, 3):
            address = fields[f"{prefix}Email{n}"]
            if not address:
                continue
            historic = _boolean(fields[f"{prefix}Email{n}IsValid"]) is False
            known = emails.setdefault(address.casefold(), EmailDraft(address, historic=historic))
            known.historic = known.historic and historic
    _mark_first_current_primary(list(emails.values()))
    return list(emails.values())


def _add_phones(fields: _Fields, primary: PersonDraft, spouse: PersonDraft | None) -> None:
    """The 19 phone fields, each on its person; PreferredPhoneType marks one primary.

    The shared home and other phones (and faxes) go on the primary person
    only: they belong to the household, and giving them to both people would
    show every household number twice on the contact.

    PhoneIsValidMask has one bit per field in the same order; a phone whose
    bit is clear was marked invalid in TntConnect and is imported as historic.
    """
    preferred = _integer(fields["PreferredPhoneType"])
    valid_mask = _integer(fields["PhoneIsValidMask"])
    for index, (name, location, of_spouse) in enumerate(PHONE_FIELDS):
        number = fields[name]
        if not number:
            continue
        person = spouse if of_spouse and spouse else primary
        historic = valid_mask is not None and not valid_mask >> index & 1
        phone = PhoneDraft(number, location=location, historic=historic)
        phone.primary = index == preferred
        _add_phone(person, phone)
    for person in (primary, spouse):
        if person and not any(phone.primary for phone in person.phones):
            _mark_first_current_primary(person.phones)


def _add_phone(person: PersonDraft, phone: PhoneDraft) -> None:
    """Add a phone unless the person has the same number already (then merge flags)."""
    digits = _digits(phone.number)
    for known in person.phones:
        if _digits(known.number) == digits:
            known.primary = known.primary or phone.primary
            known.historic = known.historic and phone.historic
            return
    person.phones.append(phone)


def _mark_first_current_primary(items: list[EmailDraft] | list[PhoneDraft]) -> None:
    for item in items:
        if not item.historic:
            item.primary = True
            return


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number) or number


# ---------------------------------------------------------------- addresses


def _addresses(fields: _Fields, mailing_type: int | None) -> list[AddressDraft]:
    """Home, business and other addresses; MailingAddressType picks the mailing one.

    An address exists when its street, city, state or postal code is filled
    in.  The country alone does not count: TntConnect writes its default
    country into every empty address of every contact.
    """
    addresses = []
    for prefix, location, type_id in ADDRESS_KINDS:
        address = _address(fields, prefix, location)
        if address:
            address.primary_mailing_address = type_id is not None and type_id == mailing_type
            addresses.append(address)
    if not addresses and (mailing := _address(fields, "Mailing", "mailing")):
        # Only the Mailing* copy is filled in (older or hand-edited files).
        mailing.primary_mailing_address = True
        addresses.append(mailing)
    return addresses


def _address(fields: _Fields, prefix: str, location: str) -> AddressDraft | None:
    parts = [fields[f"{prefix}{part}"] for part in ("City", "State", "PostalCode")]
    street = "\n".join(line.strip() for line in fields[f"{prefix}StreetAddress"].splitlines() if line.strip())
    if not street and not any(parts):
        return None
    city, state, postal_code = parts
    country = fields[f"{prefix}Country"]
    return AddressDraft(
        street=street,
        city=city,
        state=state,
        postal_code=postal_code,
        country=COUNTRY_ALIASES.get(country.casefold(), country),
        metro_area=fields.first("MetroArea", "Metro"),
        region=fields["Region"],
        location=location,
    )


# ---------------------------------------------------------------- tags


def _contact_tags(tnt_id: str, options: TntImportOptions) -> list[str]:
    """Tags of the contact's groups, then the groups' extra tags, then tag_list."""
    group_ids = options.group_members.get(tnt_id, [])
    groups = [options.groups_by_id[g] for g in group_ids if g in options.groups_by_id]
    tags = [tag for group in groups for tag in group_tag_names(group, options.version)]
    for group_id in group_ids:
        tags += split_tags(options.group_tags.get(group_id, ""))
    tags += split_tags(options.tag_list)
    return unique_tags(tags)


# ---------------------------------------------------------------- values


def _boolean(text: str) -> bool | None:
    value = text.strip().casefold()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    return None


def _integer(text: str) -> int | None:
    """A plain integer such as "80" or "-7"; anything else is None."""
    text = text.strip()
    return int(text) if _INTEGER.fullmatch(text) else None


def _decimal(text: str) -> Decimal | None:
    """A plain decimal such as "50" or "12.50" (no exponents); else None."""
    text = text.strip()
    return Decimal(text) if _DECIMAL.fullmatch(text) else None
