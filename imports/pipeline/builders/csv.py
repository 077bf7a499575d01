"""One CSV row -> an unsaved contact graph, by the import's mappings.

Samples and the background job both call `CsvContactBuilder.build`, so the
preview shows exactly what the import will write.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from imports.fields import FIELDS_BY_KEY, SUPPORTED_FIELDS, Part, SupportedField, text
from imports.mappings import constant_lookup
from imports.pipeline.builders.drafts import (
    AddressDraft,
    ContactDraft,
    EmailDraft,
    PersonDraft,
    PhoneDraft,
    RowError,
)
from imports.pipeline.builders.names import contact_name, greeting_for, parse_full_name
from imports.pipeline.builders.values import merge_tags, split_emails, split_phones, split_tags


def _fields_of(*parts: Part) -> tuple[SupportedField, ...]:
    return tuple(field for field in SUPPORTED_FIELDS if field.part in parts)


def _slots(part: Part, attribute: str) -> tuple[SupportedField, ...]:
    return tuple(field for field in _fields_of(part) if field.attribute == attribute)


CONTACT_FIELDS = _fields_of(Part.CONTACT)
ADDRESS_FIELDS = _fields_of(Part.ADDRESS, Part.AREA)
ADDRESS_PARTS = _fields_of(Part.ADDRESS)
EMAIL_SLOTS, PHONE_SLOTS = _slots(Part.PERSON, "emails"), _slots(Part.PERSON, "phones")
SPOUSE_EMAIL_SLOTS, SPOUSE_PHONE_SLOTS = _slots(Part.SPOUSE, "emails"), _slots(Part.SPOUSE, "phones")


# (draft attribute, header key, cleaner) of a mapped field; the cleaner is None when the text is the value.
Plan = list[tuple[str, str, Callable[[str], Any] | None]]


class CsvContactBuilder:
    def __init__(
        self,
        *,
        file_headers_mappings: Mapping[str, str],
        file_constants_mappings: Mapping[str, list],
        tag_list: str = "",
    ) -> None:
        # Only supported fields are read; an unknown key is a validation error elsewhere.
        self.columns = {field: header for field, header in file_headers_mappings.items() if field in FIELDS_BY_KEY}
        self.constants = constant_lookup(file_constants_mappings)
        self.import_tags = split_tags(tag_list)
        # Worked out once per import, so that a row costs only its cells.
        self.contact_plan = self._plan(CONTACT_FIELDS)
        self.address_plan, self.address_parts_plan = self._plan(ADDRESS_FIELDS), self._plan(ADDRESS_PARTS)
        self.email_plan, self.phone_plan = self._plan(EMAIL_SLOTS), self._plan(PHONE_SLOTS)
        self.spouse_email_plan, self.spouse_phone_plan = self._plan(SPOUSE_EMAIL_SLOTS), self._plan(SPOUSE_PHONE_SLOTS)

    def _plan(self, fields: tuple[SupportedField, ...]) -> Plan:
        plan = []
        for field in fields:
            header = self.columns.get(field.key)
            if header is None:
                continue
            if field.is_constant:  # a cell is looked up in the import's constants mappings
                values = {
                    text: field.value_of(constant_id) for text, constant_id in self.constants.get(field.key, {}).items()
                }
                plan.append((field.attribute, header, values.get))
            else:
                plan.append(
                    (field.attribute, header, None if field.clean is text else partial(field.clean, label=field.label))
                )
        return plan

    def value(self, values: Mapping[str, str], field: str) -> str:
        header = self.columns.get(field)
        return values.get(header, "").strip() if header else ""

    @staticmethod
    def cleaned(values: Mapping[str, str], plan: Plan) -> list[tuple[str, Any]]:
        """(attribute, value) of each field of the plan whose cell is filled and (for a constant) mapped."""
        cleaned = []
        for attribute, header, clean in plan:
            cell = values.get(header, "").strip()
            if cell:
                value = cell if clean is None else clean(cell)
                if value is not None:
                    cleaned.append((attribute, value))
        return cleaned

    def build(self, values: Mapping[str, str]) -> ContactDraft:
        """Raises RowError with a message for the user when the row cannot become a contact."""
        primary, spouse = self._people(values)
        named = bool(primary.first_name or primary.last_name)
        if not named and not primary.emails:
            raise RowError(
                "The row has neither a name nor an email address: fill in a first name, last name, "
                "full name or email address."
            )
        attributes = dict(self.cleaned(values, self.contact_plan))
        draft = ContactDraft(
            # A newsletter list's subscriber may be known by the address alone: the contact is named after it.
            name=contact_name(
                primary.first_name,
                primary.last_name,
                spouse.first_name if spouse else "",
                spouse.last_name if spouse else "",
            )
            if named
            else primary.emails[0].email,
            people=[person for person in (primary, spouse) if person],
            addresses=self._addresses(values),
            **attributes,
        )
        if not draft.greeting:
            draft.greeting = greeting_for(primary.first_name, spouse.first_name if spouse else "")
            draft.greeting_from_names = True
        draft.tags = merge_tags(draft.tags, self.import_tags)
        return draft

    def _people(self, values: Mapping[str, str]) -> tuple[PersonDraft, PersonDraft | None]:
        first, last = self.value(values, "first_name"), self.value(values, "last_name")
        primary = PersonDraft(first_name=first, last_name=last)
        spouse = None
        if not (first or last):
            primary, parsed_spouse = parse_full_name(self.value(values, "full_name"))
            if parsed_spouse and parsed_spouse.first_name:
                spouse = PersonDraft(  # rebuilt, not reused: the spouse of a full name takes no title or suffix
                    first_name=parsed_spouse.first_name,
                    last_name=parsed_spouse.last_name or primary.last_name,
                    middle_name=parsed_spouse.middle_name,
                    is_spouse=True,
                )
        spouse_first = self.value(values, "spouse_first_name")
        spouse_last = self.value(values, "spouse_last_name")
        if spouse_first or spouse_last:
            spouse = PersonDraft(
                first_name=spouse_first,
                last_name=spouse_last or primary.last_name,
                is_spouse=True,
            )
        primary.emails = self._emails(values, self.email_plan)
        primary.phones = self._phones(values, self.phone_plan)
        spouse_emails = self._emails(values, self.spouse_email_plan)
        spouse_phones = self._phones(values, self.spouse_phone_plan)
        if spouse is None and (spouse_emails or spouse_phones):
            # A spouse email without a spouse name still belongs to someone other than the primary person.
            spouse = PersonDraft(last_name=primary.last_name, is_spouse=True)
        if spouse is not None:
            spouse.emails, spouse.phones = spouse_emails, spouse_phones
        return primary, spouse

    def _emails(self, values: Mapping[str, str], plan: Plan) -> list[EmailDraft]:
        addresses = self._contact_points(values, plan, split_emails, key=str.casefold)
        return [EmailDraft(email=address, primary=position == 0) for position, address in enumerate(addresses)]

    def _phones(self, values: Mapping[str, str], plan: Plan) -> list[PhoneDraft]:
        numbers = self._contact_points(values, plan, split_phones, key=str)
        return [PhoneDraft(number=number, primary=position == 0) for position, number in enumerate(numbers)]

    @staticmethod
    def _contact_points(
        values: Mapping[str, str], plan: Plan, split: Callable[[str], list[str]], key: Callable[[str], str]
    ) -> list:
        """Every address (or number) of the slots' cells in order, a cell holding several giving each; no repeats.

        A slot is a column, not a limit: Google's two home addresses in one cell are both the person's.
        """
        found: dict[str, Any] = {}
        for _, header, clean in plan:
            cell = values.get(header, "")
            if not cell:
                continue
            for part in split(cell):
                value = part if clean is None else clean(part)
                if value is not None:
                    found.setdefault(key(value), value)
        return list(found.values())

    def _addresses(self, values: Mapping[str, str]) -> list[AddressDraft]:
        if not any(values.get(header, "").strip() for _, header, _ in self.address_parts_plan):
            return []
        parts = {attribute: "" for attribute, _, _ in self.address_plan} | dict(self.cleaned(values, self.address_plan))
        return [AddressDraft(**parts, location="mailing", primary_mailing_address=True)]
