"""The people of a TntConnect contact: names, birthdays and more, emails and the 19 phone fields."""

from __future__ import annotations

import calendar
import re

from imports.pipeline.builders.drafts import EmailDraft, PersonDraft, PhoneDraft
from imports.pipeline.builders.names import parse_full_name
from imports.pipeline.builders.tnt_layout import NAME_PARTS, PHONE_FIELDS, SHARED_PHONE_PREFIXES, WEBSITE_FIELDS
from imports.pipeline.builders.tnt_values import Fields, boolean, integer
from imports.pipeline.builders.values import split_emails


def tnt_people(fields: Fields) -> list[PersonDraft]:
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
    _add_summary_points(fields, primary, spouse)
    people = [spouse] if spouse else []
    is_organization = boolean(fields["IsOrganization"]) or not _has_name(primary)
    if is_organization and (contact_person := fields["OrgContactPerson"]):
        # The organisation's letters go to this person.
        parsed, _ = parse_full_name(contact_person)
        primary.first_name, primary.last_name = parsed.first_name, parsed.last_name
        primary.title, primary.suffix = parsed.title or primary.title, parsed.suffix or primary.suffix
        primary.middle_name = parsed.middle_name or primary.middle_name
    if _has_name(primary) or primary.emails or primary.phones:
        if not _has_name(primary):
            # An organisation, or a contact known by FileAs only: the person
            # holding its emails and phones is named after the contact.
            primary.last_name = fields.first("OrganizationName", "FileAs", "FullName")
        people.insert(0, primary)
    return people


def _person(fields: Fields, prefix: str, last_name_default: str) -> PersonDraft:
    birthday = _partial_date(fields, f"{prefix}Birthday")
    anniversary = _partial_date(fields, "Anniversary")  # one date for both people
    websites = [fields[f"{prefix}{name}"] for name in WEBSITE_FIELDS]
    return PersonDraft(
        first_name=fields[f"{prefix}FirstName"],
        last_name=fields[f"{prefix}LastName"] or last_name_default,
        middle_name=fields[f"{prefix}MiddleName"],
        title=fields[f"{prefix}Title"],
        suffix=fields[f"{prefix}Suffix"],
        is_spouse=bool(prefix),
        birthday_month=birthday[0],
        birthday_day=birthday[1],
        birthday_year=birthday[2],
        anniversary_month=anniversary[0],
        anniversary_day=anniversary[1],
        anniversary_year=anniversary[2],
        occupation=fields[f"{prefix}Profession"],
        employer=fields[f"{prefix}BusinessName"],
        deceased=bool(boolean(fields[f"{prefix}Deceased"])),
        websites="\n".join(dict.fromkeys(site for site in websites if site)),
    )


def _partial_date(fields: Fields, prefix: str) -> tuple[int | None, int | None, int | None]:
    """(month, day, year) of a date kept as three fields; a part that is unknown (0, blank) is None."""
    month = integer(fields[f"{prefix}Month"]) or 0
    day = integer(fields[f"{prefix}Day"]) or 0
    year = integer(fields[f"{prefix}Year"]) or 0
    if not 1 <= month <= 12:
        return None, None, None
    day_ok = 1 <= day <= calendar.monthrange(2000, month)[1]  # a leap year: 29 February is a birthday
    return month, day if day_ok else None, year if 1800 <= year <= 2200 else None


def _has_name(person: PersonDraft) -> bool:
    return bool(person.first_name or person.last_name)


def _emails(fields: Fields, prefixes: list[str]) -> list[EmailDraft]:
    """Email1..3; "EmailNIsValid" false marks one historic; the first valid is primary.

    An address written twice (TntConnect allows it) is kept once.
    """
    emails: dict[str, EmailDraft] = {}
    for prefix in prefixes:
        for n in (1, 2, 3):
            address = fields[f"{prefix}Email{n}"]
            if not address:
                continue
            historic = boolean(fields[f"{prefix}Email{n}IsValid"]) is False
            known = emails.setdefault(address.casefold(), EmailDraft(address, historic=historic))
            known.historic = known.historic and historic
    _mark_first_current_primary(list(emails.values()))
    return list(emails.values())


def _add_summary_points(fields: Fields, primary: PersonDraft, spouse: PersonDraft | None) -> None:
    """The contact's Email and Phone, when none of the numbered and typed fields holds one.

    TntConnect writes them as a summary of the preferred ones (Email1, HomePhone...); an export
    without those fields (an older version, a trimmed file) has only the summary, which is not lost.
    """
    people = [person for person in (primary, spouse) if person]
    if not any(person.emails for person in people):
        addresses = split_emails(fields["Email"])
        primary.emails = [EmailDraft(address, primary=index == 0) for index, address in enumerate(addresses)]
    if not any(person.phones for person in people):
        if number := fields["Phone"]:
            primary.phones = [PhoneDraft(number, primary=True)]


def _add_phones(fields: Fields, primary: PersonDraft, spouse: PersonDraft | None) -> None:
    """The 19 phone fields, each on its person; PreferredPhoneType marks one primary.

    The home and other phones (and faxes) belong to the household: both
    people get them.

    PhoneIsValidMask has one bit per field in the same order; a phone whose
    bit is clear was marked invalid in TntConnect and is imported as historic.
    """
    preferred = integer(fields["PreferredPhoneType"])
    valid_mask = integer(fields["PhoneIsValidMask"])
    household_numbers = []  # the spouse's copies, added after the spouse's own numbers
    for index, (name, location, of_spouse) in enumerate(PHONE_FIELDS):
        number = fields[name]
        if not number:
            continue
        historic = valid_mask is not None and not valid_mask >> index & 1
        phone = PhoneDraft(number, location=location, historic=historic)
        phone.primary = index == preferred
        _add_phone(spouse if of_spouse and spouse else primary, phone)
        if spouse and name.startswith(SHARED_PHONE_PREFIXES):
            household_numbers.append(PhoneDraft(number, location, primary=phone.primary, historic=historic))
    if spouse:
        # The spouse's own preferred number comes first; without one, the household's preferred one.
        has_own = bool(spouse.phones)
        for phone in household_numbers:
            phone.primary = phone.primary and not has_own
            _add_phone(spouse, phone)
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
