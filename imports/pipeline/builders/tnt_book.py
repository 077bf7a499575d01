"""TntConnect rows beyond contacts -> drafts of tasks, appeals, pledges, donor accounts and gifts.

Pure and database-free, like the contact builder: a draft names the rows it
refers to by their TntConnect ids (a task's appeal, a gift's donor), and the
writer resolves those ids through the database, batch by batch, so no
dictionary of the whole file is ever held. Only the small settings tables
(Currency, User, Organization, Property) are read whole, into `TntLookups`.

The rules are the "The rest of the database" section of docs/imports-api.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from imports.pipeline.builders.drafts import DonorAccountDraft, RowError
from imports.pipeline.builders.tnt_lookups import TntLookups
from imports.pipeline.builders.tnt_tags import normalize_tag
from imports.pipeline.builders.tnt_values import Fields, boolean, integer, iso_date, money, positive_amount
from imports.pipeline.readers.tnt import TntRow

__all__ = [
    "DATA_CHANGE_TYPE",
    "AppealDraft",
    "DonationDraft",
    "GiftSplitDraft",
    "PledgeDraft",
    "SkipRow",
    "TaskDraft",
    "TntDonorAccountDraft",
    "build_appeal",
    "build_donation",
    "build_donor_account",
    "build_gift_split",
    "build_history",
    "build_pledge",
    "build_task",
    "designated_line",
    "missing_appeal",
    "DESIGNATED_LINE",
    "REFERRED_BY_LINE",
    "with_lines_of",
]

# TaskTypeID -> (activity type, the name TntConnect gave it when ours differs or is none).
TASK_TYPES: dict[int, tuple[str, str]] = {
    1: ("Appointment", ""),
    2: ("Thank", ""),
    3: ("To Do", ""),
    20: ("Call", ""),
    30: ("Reminder Letter", ""),
    40: ("Support Letter", ""),
    50: ("Letter", ""),
    60: ("Newsletter - Physical", ""),
    65: ("Newsletter - Email", ""),
    70: ("Pre Call Letter", ""),
    100: ("Email", ""),
    140: ("Facebook Message", ""),
    150: ("Text Message", ""),
    160: ("", "Present"),
    170: ("Email", "MailChimp"),
    180: ("Text Message", "WhatsApp"),
}
DATA_CHANGE_TYPE = 190  # TntConnect's own log of edits: not something that happened with a person
HISTORY_RESULTS = {1: "Done", 2: "Received", 3: "Attempted"}
COMPLETED_STATUS = 2
IMPORTED_MEMO = "This donation was imported from Tnt."
CURRENCY_SYMBOLS = {"USD": "$", "CAD": "$", "AUD": "$", "NZD": "$", "EUR": "\u20ac", "GBP": "\u00a3"}
# TntConnect writes its "no date" as the zero of its calendar.
NO_DATE = date(1899, 12, 30)
_TAG_SEPARATORS = re.compile(r"[,;]")


class SkipRow(Exception):
    """A row that is deliberately not imported (counted as skipped, not failed); str() says why."""


# ---------------------------------------------------------------- tasks and history


@dataclass
class TaskDraft:
    tnt_table: str  # "Task" or "History"
    tnt_id: str
    activity_type: str
    subject: str
    start_at: datetime | None
    completed: bool
    completed_at: datetime | None
    result: str
    tags: list[str]
    comments: list[str]
    appeal_tnt_id: str


def build_task(row: TntRow, lookups: TntLookups) -> TaskDraft:
    """A Task row: a to-do, completed when its Status is 2 (at its LastEdit)."""
    fields = Fields(row.fields)
    start = _row_datetime(row, fields, "TaskDate", time_of=fields["TaskTime"])
    completed = integer(fields["Status"]) == COMPLETED_STATUS
    completed_at = _datetime(fields["LastEdit"]) if completed else None
    return _task_draft(row, fields, lookups, start=start, completed=completed, completed_at=completed_at, result="")


def build_history(row: TntRow, lookups: TntLookups) -> TaskDraft:
    """A History row: something that happened, so a task completed when it started."""
    fields = Fields(row.fields)
    start = _row_datetime(row, fields, "HistoryDate")
    result = HISTORY_RESULTS.get(integer(fields["HistoryResultID"]) or 0, "")
    return _task_draft(row, fields, lookups, start=start, completed=True, completed_at=start, result=result)


def _task_draft(row, fields, lookups, *, start, completed, completed_at, result) -> TaskDraft:
    type_id = integer(fields["TaskTypeID"])
    if type_id == DATA_CHANGE_TYPE:
        raise SkipRow("a Data Change entry (TntConnect's log of edits)")
    activity_type, tnt_type_name = TASK_TYPES.get(type_id or 0, ("", ""))
    comments = [fields["Notes"]] if fields["Notes"] else []
    if tnt_type_name:
        comments.append(f'This task was given the type "{tnt_type_name}" in TntConnect.')
    if completed and (logged_by := lookups.user_name(fields["LoggedByUserID"])):
        comments.append(f"Completed By: {logged_by}")
    tags = [lookups.user_name(fields["AssignedToUserID"]), *_TAG_SEPARATORS.split(fields["Categories"])]
    subject = fields["Description"] or activity_type or tnt_type_name
    if not subject:
        raise RowError(
            f"{row.table} {row.tnt_id} has neither a description nor a known type ({fields['TaskTypeID']!r})."
        )
    return TaskDraft(
        tnt_table=row.table,
        tnt_id=row.tnt_id,
        activity_type=activity_type,
        subject=subject,
        start_at=start,
        completed=completed,
        completed_at=completed_at,
        result=result,
        tags=_unique_tags(tags),
        comments=comments,
        appeal_tnt_id=_reference(fields.first("AppealID", "CampaignID")),
    )


# ---------------------------------------------------------------- appeals and pledges


@dataclass
class AppealDraft:
    tnt_id: str
    name: str
    amount: Decimal | None
    monthly_amount: Decimal | None
    active: bool


def build_appeal(row: TntRow, lookups: TntLookups) -> AppealDraft:
    """An Appeal (before 3.2) or Campaign (from 3.2) row."""
    fields = Fields(row.fields)
    name = _required(fields["Description"], row, "has no description, which would be its name")
    active = fields["Active"]
    return AppealDraft(
        tnt_id=row.tnt_id,
        name=name,
        amount=positive_amount(fields["SpecialGoal"]),
        monthly_amount=positive_amount(fields["MonthlyGoal"]),
        active=boolean(active) is not False,
    )


@dataclass
class PledgeDraft:
    tnt_id: str
    contact_tnt_id: str
    appeal_tnt_id: str
    amount: Decimal
    currency: str  # "" -> the account list's currency
    expected_date: date | None


def build_pledge(row: TntRow, lookups: TntLookups) -> PledgeDraft:
    """A Promise row."""
    fields = Fields(row.fields)
    amount = _required(money(fields["Amount"]), row, f"has no readable amount ({fields['Amount']!r})")
    contact = _required(_reference(fields["ContactID"]), row, "names no contact")
    return PledgeDraft(
        tnt_id=row.tnt_id,
        contact_tnt_id=contact,
        appeal_tnt_id=_reference(fields.first("AppealID", "CampaignID")),
        amount=amount,
        currency=lookups.currency(fields["CurrencyID"]),
        expected_date=iso_date(fields["DateDue"]),
    )


# ---------------------------------------------------------------- donors and gifts


@dataclass
class TntDonorAccountDraft(DonorAccountDraft):
    """A Donor row: the account, and the TntConnect ids of its contact and organisation.

    Its name is the organisation's for the donor; the writer prefers the contact's.
    """

    tnt_id: str
    contact_tnt_id: str
    organization_tnt_id: str


def build_donor_account(row: TntRow, lookups: TntLookups) -> TntDonorAccountDraft:
    """A Donor row: the contact's account number at one organisation."""
    fields = Fields(row.fields)
    number = _required(fields["OrgDonorCode"], row, "has no OrgDonorCode (its account number at the organisation)")
    return TntDonorAccountDraft(
        tnt_id=row.tnt_id,
        contact_tnt_id=_reference(fields["ContactID"]),
        organization_tnt_id=_reference(fields["OrganizationID"]),
        account_number=number,
        name=fields["OrgDonorName"],
        street=fields["StreetAddress"],
        city=fields["City"],
        state=fields["State"],
        postal_code=fields["PostalCode"],
        country=fields["Country"],
    )


@dataclass
class DonationDraft:
    tnt_id: str
    contact_tnt_id: str
    donor_tnt_id: str
    organization_tnt_id: str
    amount: Decimal
    currency: str
    tendered_amount: Decimal
    tendered_currency: str
    donation_date: date
    remote_id: str
    motivation: str
    appeal_tnt_id: str  # the Gift row's own; a file with GiftSplit rows (3.2 on) names the campaigns there
    appeal_amount: Decimal | None
    memo: str = IMPORTED_MEMO


def build_donation(row: TntRow, lookups: TntLookups) -> DonationDraft:
    """A Gift row; its currency is the base currency, its tendered one what the donor gave in."""
    fields = Fields(row.fields)
    tendered = _required(money(fields["Amount"]), row, f"has no readable amount ({fields['Amount']!r})")
    gift_date = _required(iso_date(fields["GiftDate"]), row, f"has no readable date ({fields['GiftDate']!r})")
    tendered_currency = lookups.currency(fields["CurrencyID"], lookups.base_currency)
    currency = lookups.currency(fields["BaseCurrencyID"], tendered_currency)
    base = fields["BaseAmount"]  # in the base currency; without it the gift was given in that currency
    amount = _required(money(base), row, f"has no readable base amount ({base!r})") if base else tendered
    appeal = _reference(fields.first("AppealID", "CampaignID"))
    appeal_amount = positive_amount(fields.first("AppealAmount", "CampaignAmount"))
    return DonationDraft(
        tnt_id=row.tnt_id,
        contact_tnt_id=_reference(fields["ContactID"]),
        donor_tnt_id=_reference(fields["DonorID"]),
        organization_tnt_id=_reference(fields["OrganizationID"]),
        amount=amount,
        currency=currency,
        tendered_amount=tendered,
        tendered_currency=tendered_currency,
        donation_date=gift_date,
        remote_id=fields["OrgGiftCode"],
        motivation=fields["OrgMotivationCode"],
        appeal_tnt_id=appeal,
        appeal_amount=(appeal_amount or amount) if appeal else None,
    )


@dataclass
class GiftSplitDraft:
    tnt_id: str
    gift_tnt_id: str
    appeal_tnt_id: str
    amount: Decimal
    currency: str


def build_gift_split(row: TntRow, lookups: TntLookups) -> GiftSplitDraft:
    """A GiftSplit row (3.2): the part of a gift that went to one campaign."""
    fields = Fields(row.fields)
    amount = money(fields.first("BaseAmount", "Amount"))
    gift = _reference(fields["GiftID"])
    if amount is None or not gift:
        raise RowError(f"GiftSplit {row.tnt_id} has no readable gift or amount.")
    currency = lookups.currency(fields.first("BaseCurrencyID", "CurrencyID"), lookups.base_currency)
    return GiftSplitDraft(row.tnt_id, gift, _reference(fields["CampaignID"]), amount, currency)


def designated_line(amount: Decimal, currency: str, appeal_name: str) -> str:
    """The memo line of a split that is not the donation's own appeal: '$25.00 is designated to the "X" appeal.'"""
    symbol = CURRENCY_SYMBOLS.get(currency)
    money = f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {currency}".strip()
    return f'{money} is designated to the "{appeal_name}" appeal.'


def missing_appeal(tnt_id: str) -> str:
    """The name told for an appeal or campaign a row names but the file does not hold."""
    return f"TntConnect campaign {tnt_id} (not in the file)"


DESIGNATED_LINE = re.compile(r'.+ is designated to the ".*" appeal\.')
REFERRED_BY_LINE = re.compile(r"Referred by: .+")  # the referrals step's note of a referrer found nowhere


def with_lines_of(text: str, *, of: str, pattern: re.Pattern) -> str:
    """`text` followed by the lines of `of` that match `pattern`: what a later step of the import added to `of`.

    With `override` a re-import replaces a gift's memo or a contact's notes
    with the file's; the lines a later step added (a split's designation, a
    missing referrer) are kept, so the later step finds them and changes nothing.
    """
    lines = [line for line in of.splitlines() if pattern.fullmatch(line) and line not in text.splitlines()]
    return "\n".join([text, *lines]) if text else "\n".join(lines)


# ---------------------------------------------------------------- values


def _required(value, row: TntRow, why: str):
    """The value, unless it is missing (None or ""): then the row fails, and `why` says so after its table and id."""
    if value is None or value == "":
        raise RowError(f"{row.table} {row.tnt_id} {why}.")
    return value


def _reference(text: str) -> str:
    """A TntConnect row id naming another row; "0" and blank name none."""
    text = text.strip()
    return "" if text in ("", "0") else text


def _row_datetime(row: TntRow, fields: Fields, name: str, *, time_of: str = "") -> datetime | None:
    """The date and time in the field `name`: none when blank or TntConnect's zero date.

    A date written in a form this cannot read (e.g. "9/9/2006", whose day and month order depends on
    the locale it was typed in) fails the row with what it holds, rather than storing the task undated.
    """
    text = fields[name]
    when = _datetime(text, time_of=time_of)
    if when is None and text and not _is_zero_date(text):
        raise RowError(f"{row.table} {row.tnt_id} has a {name} that is not a date TntConnect writes ({text!r}).")
    return when


def _is_zero_date(text: str) -> bool:
    try:
        return datetime.fromisoformat(text).date() == NO_DATE
    except ValueError:
        return False


def _datetime(text: str, *, time_of: str = "") -> datetime | None:
    """TntConnect's "2006-09-09" or "2004-08-26 19:00:00" (local time, kept as UTC); its zero date is none.

    `time_of` is a TaskTime: a time on TntConnect's zero date ("1899-12-30 16:30:00") or a time
    alone ("16:30"). A time that states its offset is converted to UTC.
    """
    text = text.strip()
    try:
        parsed = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    if parsed is None or parsed.date() == NO_DATE:
        return None
    if time_of:
        parsed = datetime.combine(parsed.date(), _clock(time_of.strip()))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _clock(text: str) -> time:
    """The time of day of a date and time, or of a time alone; midnight when it is neither."""
    try:
        return datetime.fromisoformat(text).timetz()
    except ValueError:
        pass
    try:
        return time.fromisoformat(text)
    except ValueError:
        return time()


def _unique_tags(names) -> list[str]:
    tags = (normalize_tag(name) for name in names if name)
    return list(dict.fromkeys(tag for tag in tags if tag))
