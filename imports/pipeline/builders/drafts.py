"""Unsaved contact graphs and donor accounts: what a builder makes of one row and what the writer stores.

Plain dataclasses rather than model instances: builders run once per row of
files with a million rows, the samples are built from them too, and the
writer turns a whole batch of them into bulk inserts at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass
class EmailDraft:
    email: str
    primary: bool = False
    historic: bool = False


@dataclass
class PhoneDraft:
    number: str  # as written in the file
    location: str = ""  # "home", "mobile", "work", "fax", "other", ...
    primary: bool = False
    historic: bool = False


@dataclass
class PersonDraft:
    first_name: str = ""
    last_name: str = ""
    middle_name: str = ""
    title: str = ""
    suffix: str = ""
    is_spouse: bool = False
    # Birthdays and anniversaries are often known without the year: each part may be None.
    birthday_month: int | None = None
    birthday_day: int | None = None
    birthday_year: int | None = None
    anniversary_month: int | None = None
    anniversary_day: int | None = None
    anniversary_year: int | None = None
    occupation: str = ""
    employer: str = ""
    deceased: bool = False
    websites: str = ""  # web pages and social accounts, one per line
    emails: list[EmailDraft] = field(default_factory=list)
    phones: list[PhoneDraft] = field(default_factory=list)


@dataclass
class AddressDraft:
    street: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    metro_area: str = ""
    region: str = ""
    location: str = ""  # "home", "business", "other", "mailing"
    primary_mailing_address: bool = False


@dataclass
class ContactDraft:
    """One household or organisation, ready to be matched and written."""

    name: str
    greeting: str = ""
    envelope_greeting: str = ""
    status: str = ""
    pledge_amount: Decimal | None = None
    pledge_frequency: Decimal | None = None  # months between gifts
    pledge_currency: str = ""
    send_newsletter: str = ""  # "", "Physical", "Email", "Both", "None"
    likely_to_give: str = ""
    no_appeals: bool | None = None
    church_name: str = ""
    website: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    people: list[PersonDraft] = field(default_factory=list)
    addresses: list[AddressDraft] = field(default_factory=list)
    # The commitment's start and receipt, the next ask, and when each kind of contact last happened.
    pledge_start_date: date | None = None
    pledge_received: bool | None = None
    next_ask: date | None = None
    next_ask_amount: Decimal | None = None
    estimated_annual_capacity: Decimal | None = None
    direct_deposit: bool | None = None
    magazine: bool | None = None
    is_organization: bool | None = None
    last_activity: date | None = None
    last_appointment: date | None = None
    last_letter: date | None = None
    last_call: date | None = None
    last_pre_call: date | None = None
    last_thank: date | None = None
    referred_by: str = ""  # the name of the contact who referred this one
    tnt_id: str = ""  # TntConnect's own id, for matching re-imports
    google_resource_name: str = ""  # the People API's people/... of the person, for matching re-imports
    # TntDataSync: the donor's account at the organisation (see builders/tnt_data_sync.py), for matching
    donor_account_key: str = ""
    # The greeting was made from the first names because the source gave none: it names a new contact,
    # and fills a blank one, but never replaces a greeting someone wrote, even with `override`.
    greeting_from_names: bool = False

    @property
    def primary_email(self) -> str:
        for person in self.people:
            for email in person.emails:
                if email.primary:
                    return email.email
        return ""


@dataclass
class DonorAccountDraft:
    """A donor account as a file gives it: its number at the organisation, the name and address it knows it by."""

    account_number: str
    name: str
    street: str
    city: str
    state: str
    postal_code: str
    country: str


class RowError(ValueError):
    """A row that cannot become a contact; the message is shown to the user."""
