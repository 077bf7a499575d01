"""A People API person (as people.connections.list gives it) -> a contact draft. No Django, no network.

Names, emails, phones (with their types), addresses, organisations
(employer and occupation), birthdays and anniversaries, websites,
biographies and nicknames are read from the fields the import asks for
(`google_contacts.people.PERSON_FIELDS`); every contact
group the person is in becomes a tag, except the system groups that every
contact or a mere star puts them in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from imports.pipeline.builders.drafts import AddressDraft, ContactDraft, EmailDraft, PersonDraft, PhoneDraft, RowError
from imports.pipeline.builders.names import contact_name, greeting_for, parse_full_name
from imports.pipeline.builders.values import merge_tags, normalize_email, split_tags

# System groups that say nothing about the person: every contact is in myContacts ("all" and
# "chatBuddies" are older spellings of it), "starred" is a star, "blocked" a block.
UNTAGGED_GROUPS = frozenset(
    f"contactGroups/{name}" for name in ("myContacts", "starred", "all", "chatBuddies", "blocked")
)
PHONE_LOCATIONS = {
    "mobile": "mobile",
    "home": "home",
    "work": "work",
    "homeFax": "fax",
    "workFax": "fax",
    "otherFax": "fax",
    "pager": "other",
    "workMobile": "mobile",
    "workPager": "other",
    "main": "other",
    "googleVoice": "mobile",
    "other": "other",
}
ADDRESS_LOCATIONS = {"home": "home", "work": "business", "other": "other"}


@dataclass(frozen=True)
class GoogleImportOptions:
    group_names: dict[str, str] = field(default_factory=dict)  # contact group resource name -> its name
    group_tags: dict[str, str] = field(default_factory=dict)  # resource name -> comma-separated tags
    tag_list: str = ""


def groups_of(person: dict) -> list[str]:
    """The resource names of the contact groups the person is in."""
    names = []
    for membership in person.get("memberships", []):
        group = membership.get("contactGroupMembership") or {}
        name = group.get("contactGroupResourceName") or (
            f"contactGroups/{group['contactGroupId']}" if group.get("contactGroupId") else ""
        )
        if name:
            names.append(name)
    return names


def display_name(person: dict) -> str:
    """A short label of the person for failure reports."""
    name = _primary(person.get("names"))
    return (
        name.get("displayName")
        or name.get("unstructuredName")
        or _primary(person.get("emailAddresses")).get("value", "")
    )


def build_google_contact(person: dict, options: GoogleImportOptions) -> ContactDraft:
    resource_name = person.get("resourceName", "")
    if not resource_name.startswith("people/"):
        raise RowError("The person has no People API resource name.")
    someone = _person(person)
    name = contact_name(someone.first_name, someone.last_name) or someone.employer
    if not name:
        email = someone.emails[0].email if someone.emails else ""
        name = email
    if not name:
        raise RowError("The contact has no name, organisation or email address.")
    return ContactDraft(
        name=name,
        greeting=greeting_for(someone.first_name),
        greeting_from_names=True,  # Google has no greeting of its own
        website=_website(person),
        notes=_notes(person),
        tags=_tags(person, options),
        people=[someone],
        addresses=_addresses(person),
        google_resource_name=resource_name,
    )


def _primary(items: list[dict] | None) -> dict:
    """The field Google marks primary (every non-empty field has exactly one), else the first."""
    items = items or []
    for item in items:
        if item.get("metadata", {}).get("primary"):
            return item
    return items[0] if items else {}


def _person(person: dict) -> PersonDraft:
    name = _primary(person.get("names"))
    first, last = (name.get("givenName") or "").strip(), (name.get("familyName") or "").strip()
    middle = (name.get("middleName") or "").strip()
    if not (first or last):
        parsed, _ = parse_full_name(name.get("unstructuredName") or name.get("displayName") or "")
        first, last, middle = parsed.first_name, parsed.last_name, middle or parsed.middle_name
    organization = _primary(person.get("organizations"))
    birthday = (_primary(person.get("birthdays")).get("date")) or {}
    anniversary = next((e.get("date") or {} for e in person.get("events", []) if e.get("type") == "anniversary"), {})
    return PersonDraft(
        first_name=first,
        last_name=last,
        middle_name=middle,
        title=(name.get("honorificPrefix") or "").strip(),
        suffix=(name.get("honorificSuffix") or "").strip(),
        birthday_month=birthday.get("month") or None,
        birthday_day=birthday.get("day") or None,
        birthday_year=birthday.get("year") or None,
        anniversary_month=anniversary.get("month") or None,
        anniversary_day=anniversary.get("day") or None,
        anniversary_year=anniversary.get("year") or None,
        occupation=(organization.get("title") or "").strip(),
        employer=(organization.get("name") or "").strip(),
        websites="\n".join(
            url for url in (u.get("value", "").strip() for u in _primary_first(person.get("urls"))) if url
        ),
        emails=_emails(person),
        phones=_phones(person),
    )


def _emails(person: dict) -> list[EmailDraft]:
    emails = []
    for address in _valid_emails(person)[0]:
        emails.append(EmailDraft(email=address, primary=not emails))
    return emails


def _valid_emails(person: dict) -> tuple[list[str], list[str]]:
    """(valid addresses, primary first; the others as written). Google keeps whatever was typed."""
    valid, invalid = [], []
    for entry in _primary_first(person.get("emailAddresses")):
        text = (entry.get("value") or "").strip()
        if not text:
            continue
        try:
            valid.append(normalize_email(text))
        except ValueError:
            invalid.append(text)
    return valid, invalid


def _phones(person: dict) -> list[PhoneDraft]:
    phones = []
    for entry in _primary_first(person.get("phoneNumbers")):
        number = (entry.get("value") or "").strip()
        if number:
            location = PHONE_LOCATIONS.get(entry.get("type") or "", "other")
            phones.append(PhoneDraft(number=number, location=location, primary=not phones))
    return phones


def _addresses(person: dict) -> list[AddressDraft]:
    addresses = []
    for entry in _primary_first(person.get("addresses")):
        street_lines = [entry.get(key) or "" for key in ("poBox", "streetAddress", "extendedAddress")]
        street = "\n".join(line.strip() for line in street_lines if line.strip())
        address = AddressDraft(
            street=street,
            city=(entry.get("city") or "").strip(),
            state=(entry.get("region") or "").strip(),
            postal_code=(entry.get("postalCode") or "").strip(),
            country=(entry.get("country") or entry.get("countryCode") or "").strip(),
            location=ADDRESS_LOCATIONS.get(entry.get("type") or "", "other"),
            primary_mailing_address=not addresses,
        )
        if not (address.street or address.city or address.postal_code) and entry.get("formattedValue"):
            address.street = entry["formattedValue"].strip()  # only the free text was given
        if address.street or address.city or address.state or address.postal_code or address.country:
            addresses.append(address)
    return addresses


def _primary_first(items: list[dict] | None) -> list[dict]:
    items = items or []
    return sorted(items, key=lambda item: not item.get("metadata", {}).get("primary"))


def _website(person: dict) -> str:
    return (_primary(person.get("urls")).get("value") or "").strip()


def _notes(person: dict) -> str:
    """The biography, then what has no field of its own: the nickname, a birthday Google has only as text."""
    lines = [(_primary(person.get("biographies")).get("value") or "").strip()]
    nickname = (_primary(person.get("nicknames")).get("value") or "").strip()
    if nickname:
        lines.append(f"Nickname: {nickname}")
    birthday = _primary(person.get("birthdays"))
    if not birthday.get("date") and (birthday.get("text") or "").strip():
        lines.append(f"Birthday: {birthday['text'].strip()}")
    invalid = _valid_emails(person)[1]
    if invalid:
        lines.append("Not valid email addresses: " + ", ".join(invalid))  # kept in words, not lost
    return "\n".join(line for line in lines if line)


def _tags(person: dict, options: GoogleImportOptions) -> list[str]:
    groups = groups_of(person)
    group_names = [options.group_names.get(group, "") for group in groups if group not in UNTAGGED_GROUPS]
    extra = [split_tags(options.group_tags.get(group, "")) for group in groups]
    return merge_tags(
        [" ".join(name.split()) for name in group_names if name.strip()], *extra, split_tags(options.tag_list)
    )
