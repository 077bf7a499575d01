"""One TntConnect Contact row -> one ContactDraft.

Pure and database-free: the same function builds the preview samples and,
once per row, the contacts of the background import.  The field rules are
the "TntConnect XML" section of docs/imports-api.md; the comments below say
where a rule needed interpreting. Where TntConnect keeps each field is in
`tnt_layout`, how its groups become tags in `tnt_tags`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from imports.fields import FIELDS_BY_KEY
from imports.pipeline.builders.drafts import AddressDraft, ContactDraft, RowError
from imports.pipeline.builders.tnt_layout import (
    ADDRESS_KINDS,
    CONTACT_AMOUNTS,
    CONTACT_DATES,
    CONTACT_FLAGS,
    COUNTRY_ALIASES,
    NOTE_FIELDS,
)
from imports.pipeline.builders.tnt_lookups import TntLookups
from imports.pipeline.builders.tnt_people import tnt_people
from imports.pipeline.builders.tnt_tags import group_tag_names, split_tags, unique_tags
from imports.pipeline.builders.tnt_values import Fields, boolean, decimal, integer, iso_date, positive_amount
from imports.pipeline.readers.tnt import TntContactRow, TntGroup

__all__ = ["TntImportOptions", "build_tnt_contact", "group_tags_for"]


@dataclass(frozen=True)
class TntImportOptions:
    version: str
    groups_by_id: dict[str, TntGroup]
    group_members: dict[str, list[str]]  # contact id -> group ids; the job's are resolved per batch instead
    group_tags: dict[str, str]  # group id -> comma separated extra tags
    tag_list: str  # comma separated, for every contact
    lookups: TntLookups = TntLookups()  # currencies, users and user-field labels of the file


MPD_PHASES = FIELDS_BY_KEY["status"].tnt_codes()  # MPDPhaseID -> status
LIKELY_TO_GIVE = FIELDS_BY_KEY["likely_to_give"].tnt_codes()  # LikelyToGiveID -> likely to give
_NEWSLETTER = FIELDS_BY_KEY["newsletter"]
NEWSLETTER_MEDIA = _NEWSLETTER.tnt_codes()  # NewsletterMediaPref -> newsletter
# Contact.pledge_frequency holds 20 digits, 14 after the point.
FREQUENCY_LIMIT, FREQUENCY_PLACES = Decimal("1e6"), Decimal("1e-14")
NO_NEWSLETTER, BOTH_NEWSLETTERS = _NEWSLETTER.constant("None").id, _NEWSLETTER.constant("Both").id


def build_tnt_contact(row: TntContactRow, options: TntImportOptions) -> ContactDraft:
    """Make the draft of one contact; RowError when it cannot be imported."""
    fields = Fields(row.fields)
    people = tnt_people(fields)
    mailing_type = fields.first("MailingAddressType", "MailingAddresssType")
    extras = {attr: iso_date(fields[name]) for attr, name in CONTACT_DATES}
    extras |= {attr: positive_amount(fields[name]) for attr, name in CONTACT_AMOUNTS}
    extras |= {attr: boolean(fields[name]) for attr, name in CONTACT_FLAGS}
    return ContactDraft(
        name=_contact_name(fields, row),
        greeting=fields["Greeting"],
        envelope_greeting=_envelope_greeting(fields),
        status=MPD_PHASES.get(integer(fields["MPDPhaseID"]) or 0, ""),
        pledge_amount=_pledge_amount(fields["PledgeAmount"]),
        pledge_frequency=_pledge_frequency(fields["PledgeFrequencyID"]),
        send_newsletter=_newsletter(fields),
        likely_to_give=LIKELY_TO_GIVE.get(integer(fields["LikelyToGiveID"]) or 0, ""),
        no_appeals=boolean(fields["NeverAsk"]),
        church_name=fields["ChurchName"],
        website=_website(fields),
        notes=_notes(fields),
        tags=unique_tags([*_contact_tags(row.tnt_id, options), *_extra_tags(fields, options.lookups)]),
        people=people,
        addresses=_addresses(fields, integer(mailing_type)),
        referred_by=fields["ReferredBy"],
        tnt_id=row.tnt_id,
        pledge_currency=options.lookups.currency(fields["PledgeCurrencyID"]),
        **extras,
    )


# ---------------------------------------------------------------- contact


def _contact_name(fields: Fields, row: TntContactRow) -> str:
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


def _envelope_greeting(fields: Fields) -> str:
    for line in fields["MailingAddressBlock"].splitlines():
        if line.strip():
            return line.strip()
    return fields["FullName"]


def _pledge_amount(text: str) -> Decimal | None:
    """A positive amount, or None: 0 is how TntConnect writes "no commitment"."""
    return positive_amount(text.lstrip("$"))


def _pledge_frequency(text: str) -> Decimal | None:
    """Months between gifts, as the column keeps them; negative ids count days (weekly...) and are ignored."""
    frequency = decimal(text)
    if frequency is None or not 0 < frequency < FREQUENCY_LIMIT:
        return None
    return frequency.quantize(FREQUENCY_PLACES)


def _newsletter(fields: Fields) -> str:
    sending = boolean(fields["SendNewsletter"])
    if sending is None:
        return ""
    if not sending:
        return NO_NEWSLETTER
    preference = fields["NewsletterMediaPref"].replace(" ", "").upper()
    return NEWSLETTER_MEDIA.get(preference, BOTH_NEWSLETTERS)


def _website(fields: Fields) -> str:
    """WebPage; later versions number it WebPage1 and WebPage2."""
    return fields.first("WebPage", "WebPage1", "WebPage2")


def _notes(fields: Fields) -> str:
    """Notes, then a "Label: value" line for each extra field that is filled in."""
    lines = []
    for name, label in NOTE_FIELDS:
        if value := _one_line(fields[name]):
            lines.append(f"{label}: {value}")
    return "\n\n".join(part for part in (fields["Notes"], "\n".join(lines)) if part)


def _one_line(text: str) -> str:
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


# ---------------------------------------------------------------- addresses


def _addresses(fields: Fields, mailing_type: int | None) -> list[AddressDraft]:
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


def _address(fields: Fields, prefix: str, location: str) -> AddressDraft | None:
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
    """Tags of the contact's groups (those `group_members` knows), then tag_list."""
    return unique_tags([*group_tags_for(options.group_members.get(tnt_id, []), options), *split_tags(options.tag_list)])


def group_tags_for(group_ids: list[str], options: TntImportOptions) -> list[str]:
    """The tags of these groups, then their extra tags (`group_tags`)."""
    groups = [options.groups_by_id[g] for g in group_ids if g in options.groups_by_id]
    tags = [tag for group in groups for tag in group_tag_names(group, options.version)]
    for group_id in group_ids:
        tags += split_tags(options.group_tags.get(group_id, ""))
    return tags


def _extra_tags(fields: Fields, lookups: TntLookups) -> list[str]:
    """User1..User8 as "LABEL - VALUE" (the Property table's labels), and "Fund Rep - USERNAME"."""
    tags = []
    for number in range(1, 9):
        if value := fields[f"User{number}"]:
            label = lookups.user_field_label(number)
            tags.append(f"{label} - {value}" if label else value)
    if fund_rep := lookups.user_name(fields["FundRepID"]):
        tags.append(f"Fund Rep - {fund_rep}")
    return tags
