"""TntDataSync rows -> drafts: a [DONORS] row is a contact and its donor account, a [GIFTS] row a donation.

Pure and database-free, shared by the samples and the job. The rules are
"TntDataSync donor files" in docs/imports-api.md; the comments say where a
rule needed interpreting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from imports.pipeline.builders.drafts import (
    AddressDraft,
    ContactDraft,
    DonorAccountDraft,
    EmailDraft,
    PersonDraft,
    PhoneDraft,
    RowError,
)
from imports.pipeline.builders.names import contact_name, greeting_for
from imports.pipeline.builders.values import merge_tags, normalize_email, parse_amount, split_tags
from imports.pipeline.readers.header_row import too_wide_row
from imports.pipeline.readers.tnt_data_sync import DataSyncRow

__all__ = [
    "DataSyncGift",
    "DataSyncOptions",
    "DataSyncOrganization",
    "UNNAMED_ORGANIZATION",
    "build_donor",
    "build_gift",
    "donor_account_key",
    "gift_date_of",
    "parse_donor_account_key",
]

ORGANIZATION_PERSON_TYPE = "O"
# A date may be followed by its time ("8/1/2014 12:00:00 AM", "2014-08-01T00:00:00"): the day is the gift's.
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp][Mm])?\s*(?:Z|[+-]\d{2}:?\d{2})?)?\Z"
_SLASHED_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})" + _TIME)
_ISO_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})" + _TIME)
_CURRENCY = re.compile(r"[A-Za-z]{3}\Z")


UNNAMED_ORGANIZATION = "Giving organisation (Imported from TntDataSync)"


@dataclass(frozen=True)
class DataSyncOrganization:
    """The [ORGANIZATION] section: who keeps the donors' accounts, found by its code, else by its name."""

    code: str
    name: str
    currency: str  # DefaultCurrencyCode, "" when the file gives none

    @classmethod
    def from_section(cls, values: dict[str, str]) -> DataSyncOrganization:
        code = values.get("CODE", "")[:100]
        currency = values.get("DEFAULTCURRENCYCODE", "").upper()
        return cls(
            code=code,
            name=values.get("NAME", "") or code or UNNAMED_ORGANIZATION,
            currency=currency if _CURRENCY.match(currency) else "",
        )


@dataclass(frozen=True)
class DataSyncOptions:
    organization: DataSyncOrganization
    tag_list: str = ""  # comma separated, for every contact
    day_first: bool = False  # the file's gift dates are day/month/year (the reader's analysis found it)

    @property
    def currency(self) -> str:
        return self.organization.currency


@dataclass
class DataSyncGift:
    donation_id: str  # the organisation's id of the gift (Donation.remote_id)
    account_number: str  # PEOPLE_ID: the donor account
    donation_date: date
    amount: Decimal
    currency: str
    tendered_amount: Decimal
    tendered_currency: str
    designation: str  # the designation account's number
    memo: str
    motivation: str


def donor_account_key(organization: DataSyncOrganization, account_number: str) -> str:
    """What a contact is matched by first: the donor's account number at one organisation (code, name, number)."""
    return "\n".join((organization.code, organization.name, account_number)) if account_number else ""


def parse_donor_account_key(key: str) -> tuple[str, str, str]:
    code, name, number = key.split("\n", 2)
    return code, name, number


def build_donor(row: DataSyncRow, options: DataSyncOptions) -> tuple[ContactDraft, DonorAccountDraft]:
    """A [DONORS] row: the household (or organisation) and its donor account; RowError when it has no number."""
    _check_width(row)
    fields = row.fields
    number = fields.get("PEOPLE_ID", "")
    if not number:
        raise RowError("[DONORS] no PEOPLE_ID (the donor's account number).")
    is_organization = fields.get("PERSON_TYPE", "").upper() == ORGANIZATION_PERSON_TYPE
    account_name = fields.get("ACCT_NAME", "")
    address = _address(fields)
    people = _organization_people(fields, account_name) if is_organization else _household(fields)
    name = _contact_name(fields, people, account_name, is_organization=is_organization)
    if not name:
        raise RowError(f"[DONORS] donor {number} has no name (ACCT_NAME and the names are blank).")
    draft = ContactDraft(
        name=name,
        greeting=_greeting(people, is_organization=is_organization),
        greeting_from_names=True,  # a donor file has no greeting of its own
        envelope_greeting=account_name,
        tags=merge_tags(split_tags(options.tag_list)),
        people=people,
        addresses=[address] if address else [],
        notes=_notes(fields, people),
        is_organization=is_organization,
        donor_account_key=donor_account_key(options.organization, number),
    )
    donor = DonorAccountDraft(
        account_number=number,
        name=account_name or name,
        street=address.street if address else "",
        city=address.city if address else "",
        state=address.state if address else "",
        postal_code=address.postal_code if address else "",
        country=address.country if address else "",
    )
    return draft, donor


def _check_width(row: DataSyncRow) -> None:
    """A row with values beyond its header's columns has its cells shifted: none of them can be trusted."""
    if row.extra_cells:
        raise RowError(
            f"[{row.section}] line {row.line_number:,} "
            f"{too_wide_row(row.header_width + row.extra_cells, row.header_width, row.delimiter)} must be in quotes. "
            "Correct the line and import the file again."
        )


def _household(fields: dict[str, str]) -> list[PersonDraft]:
    """The donor and, when any SP_ name is given, the spouse (who shares the last name unless told otherwise)."""
    last = fields.get("LAST_NAME_ORG", "")
    primary = _person(fields, "", last_name=last)
    people = [primary] if primary.first_name or primary.last_name else []
    spouse = _person(fields, "SP_", last_name=fields.get("SP_LAST_NAME", "") or last)
    if spouse.first_name:
        spouse.is_spouse = True
        people.append(spouse)
    _add_contact_details(fields, people or [PersonDraft(last_name=fields.get("ACCT_NAME", ""))], people)
    return people


def _organization_people(fields: dict[str, str], account_name: str) -> list[PersonDraft]:
    """An organisation's phone and email belong to a person named after it (as TntConnect does)."""
    holder = PersonDraft(last_name=fields.get("LAST_NAME_ORG", "") or account_name)
    people: list[PersonDraft] = []
    _add_contact_details(fields, [holder], people)
    return people


def _add_contact_details(fields: dict[str, str], holders: list[PersonDraft], people: list[PersonDraft]) -> None:
    """PHONE and EMAIL on the first person; a person made only to hold them joins `people`."""
    holder = holders[0]
    if phone := fields.get("PHONE", ""):
        holder.phones.append(PhoneDraft(number=phone, location="home", primary=True))
    if email := _valid_email(fields):
        holder.emails.append(EmailDraft(email=email, primary=True))
    if (holder.phones or holder.emails) and holder not in people:
        people.insert(0, holder)


def _valid_email(fields: dict[str, str]) -> str:
    """The donor's EMAIL when it is an address; "" when it is blank or not one."""
    try:
        return normalize_email(fields.get("EMAIL", ""))
    except ValueError:
        return ""


def _notes(fields: dict[str, str], people: list[PersonDraft]) -> str:
    """What the donor system wrote that no field can hold: an email address that is not one, kept in words.

    A donor's row is their gifts' account, so it is not failed for an unusable address (as a CSV row is);
    the address is not lost either. EMAIL is a donor's only email: none on its people means it was not one."""
    email = fields.get("EMAIL", "").strip()
    kept = any(person.emails for person in people)
    return f"Not a valid email address: {email}" if email and not kept else ""


def _person(fields: dict[str, str], prefix: str, *, last_name: str) -> PersonDraft:
    return PersonDraft(
        first_name=fields.get(f"{prefix}FIRST_NAME", ""),
        last_name=last_name,
        middle_name=fields.get(f"{prefix}MIDDLE_NAME", ""),
        title=fields.get(f"{prefix}TITLE", ""),
        suffix=fields.get(f"{prefix}SUFFIX", ""),
    )


def _contact_name(
    fields: dict[str, str], people: list[PersonDraft], account_name: str, *, is_organization: bool
) -> str:
    """TntConnect's (and MPDX's) "Last, First and Spouse"; an organisation by its name."""
    if is_organization:
        return fields.get("LAST_NAME_ORG", "") or account_name
    primary = next((p for p in people if not p.is_spouse), None)
    spouse = next((p for p in people if p.is_spouse), None)
    name = contact_name(
        primary.first_name if primary else "",
        primary.last_name if primary else (spouse.last_name if spouse else ""),
        spouse.first_name if spouse else "",
        spouse.last_name if spouse else "",
    )
    return name or account_name


def _greeting(people: list[PersonDraft], *, is_organization: bool) -> str:
    if is_organization:
        return ""
    primary = next((p.first_name for p in people if not p.is_spouse), "")
    spouse = next((p.first_name for p in people if p.is_spouse), "")
    return greeting_for(primary, spouse)


def _address(fields: dict[str, str]) -> AddressDraft | None:
    street = "\n".join(line for line in (fields.get(f"ADDR{n}", "") for n in range(1, 5)) if line)
    city, state, postal_code = fields.get("CITY", ""), fields.get("STATE", ""), fields.get("ZIP", "")
    # Some donor systems leave COUNTRY blank and write the country's name in CNTRY_DESCR.
    country = fields.get("COUNTRY", "") or fields.get("CNTRY_DESCR", "")
    if not (street or city or state or postal_code or country):
        return None
    return AddressDraft(
        street=street,
        city=city,
        state=state,
        postal_code=postal_code,
        country=country,
        location="home",
        primary_mailing_address=True,
    )


# ---------------------------------------------------------------- gifts


def build_gift(row: DataSyncRow, options: DataSyncOptions) -> DataSyncGift:
    """A [GIFTS] row; RowError (with the section and line) for a row that cannot be a donation."""
    _check_width(row)
    fields = row.fields
    where = "[GIFTS]"  # the failure keeps the line
    donation_id = fields.get("DONATION_ID", "")
    if not donation_id:
        raise RowError(f"{where} no DONATION_ID (the organisation's id of the gift).")
    number = fields.get("PEOPLE_ID", "")
    if not number:
        raise RowError(f"{where} gift {donation_id} names no donor (PEOPLE_ID is blank).")
    gift_date = gift_date_of(fields.get("DISPLAY_DATE", ""), day_first=options.day_first)
    if gift_date is None:
        order = "day/month/year" if options.day_first else "month/day/year"
        raise RowError(
            f"{where} gift {donation_id} has no readable date ({fields.get('DISPLAY_DATE', '')!r}; expected {order})."
        )
    amount = _amount(fields.get("AMOUNT", ""))
    if amount is None:
        raise RowError(f"{where} gift {donation_id} has no readable amount ({fields.get('AMOUNT', '')!r}).")
    tendered = _amount(fields.get("TENDERED_AMOUNT", ""))
    tendered_currency = fields.get("TENDERED_CURRENCY", "").upper()
    if not _CURRENCY.match(tendered_currency):
        tendered_currency = ""
    return DataSyncGift(
        donation_id=donation_id,
        account_number=number,
        donation_date=gift_date,
        amount=amount,
        currency=options.currency,
        tendered_amount=tendered if tendered is not None else amount,
        tendered_currency=tendered_currency or options.currency,
        designation=fields.get("DESIGNATION", ""),
        memo=fields.get("MEMO", ""),
        motivation=fields.get("MOTIVATION", ""),
    )


def gift_date_of(text: str, *, day_first: bool = False) -> date | None:
    """DISPLAY_DATE is month/day/year ("08/01/2014"; "12/31/99" is 1999), or day/month/year in a file whose
    dates say so (`day_first`); year-first dates ("2014-08-01", "2014/08/01") are read too, and so is either
    with a time after it."""
    text = text.strip()
    if found := _SLASHED_DATE.match(text):
        month, day, year = (int(part) for part in found.groups())
        if day_first:
            month, day = day, month
        if len(found.group(3)) == 2:  # the latest such year not after this one: a gift is never in the future
            year += 2000 if 2000 + year <= date.today().year else 1900
    elif found := _ISO_DATE.match(text):
        year, month, day = (int(part) for part in found.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _amount(text: str) -> Decimal | None:
    try:
        return parse_amount(text)
    except ValueError:
        return None
