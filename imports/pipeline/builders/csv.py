"""One CSV row -> an unsaved contact graph, by the import's mappings.

Samples and the background job both call `CsvContactBuilder.build`, so the
preview shows exactly what the import will write.
"""

from __future__ import annotations

from collections.abc import Mapping

from imports.fields import FIELDS_BY_KEY, constant_lookup, constant_value
from imports.pipeline.builders.drafts import (
    AddressDraft,
    ContactDraft,
    EmailDraft,
    PersonDraft,
    PhoneDraft,
    RowError,
)
from imports.pipeline.builders.names import contact_name, greeting_for, parse_full_name
from imports.pipeline.builders.values import (
    merge_tags,
    normalize_email,
    parse_amount,
    split_tags,
)

ADDRESS_FIELDS = ("street", "city", "state", "zip", "country")


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

    def value(self, values: Mapping[str, str], field: str) -> str:
        header = self.columns.get(field)
        return values.get(header, "").strip() if header else ""

    def constant(self, values: Mapping[str, str], field: str):
        """The constant a cell maps to; a blank or an unmapped cell gives None."""
        text = self.value(values, field)
        constant_id = self.constants.get(field, {}).get(text) if text else None
        return constant_value(field, constant_id) if constant_id is not None else None

    def build(self, values: Mapping[str, str]) -> ContactDraft:
        """Raises RowError with a message for the user when the row cannot become a contact."""
        primary, spouse = self._people(values)
        named = bool(primary.first_name or primary.last_name)
        if not named and not primary.emails:
            raise RowError(
                "The row has neither a name nor an email address: fill in a first name, last name, "
                "full name or email address."
            )
        spouse_first = spouse.first_name if spouse else ""
        spouse_last = spouse.last_name if spouse else ""
        try:
            amount = parse_amount(self.value(values, "pledge_amount"))
        except ValueError:
            raise RowError(f"Commitment Amount {self.value(values, 'pledge_amount')!r} is not a number.") from None
        send_appeals = self.constant(values, "send_appeals")
        notes = self.value(values, "notes")
        draft = ContactDraft(
            # A newsletter list's subscriber may be known by the address alone: the contact is named after it.
            name=(
                contact_name(primary.first_name, primary.last_name, spouse_first, spouse_last)
                if named
                else primary.emails[0].email
            ),
            greeting=self.value(values, "greeting") or greeting_for(primary.first_name, spouse_first),
            envelope_greeting=self.value(values, "envelope_greeting"),
            status=self.constant(values, "status") or "",
            pledge_amount=amount,
            pledge_frequency=self.constant(values, "pledge_frequency"),
            pledge_currency=self.constant(values, "pledge_currency") or "",
            newsletter=self.constant(values, "newsletter") or "",
            likely_to_give=self.constant(values, "likely_to_give") or "",
            no_appeals=None if send_appeals is None else not send_appeals,
            church_name=self.value(values, "church"),
            website=self.value(values, "website"),
            notes=notes,
            tags=merge_tags(split_tags(self.value(values, "tags")), self.import_tags),
            people=[person for person in (primary, spouse) if person],
            addresses=self._addresses(values),
            referred_by=self.value(values, "referred_by"),
        )
        return draft

    def _people(self, values: Mapping[str, str]) -> tuple[PersonDraft, PersonDraft | None]:
        first, last = self.value(values, "first_name"), self.value(values, "last_name")
        primary = PersonDraft(first_name=first, last_name=last)
        spouse = None
        if not (first or last):
            parsed, parsed_spouse = parse_full_name(self.value(values, "full_name"))
            primary = PersonDraft(
                first_name=parsed.first,
                last_name=parsed.last,
                middle_name=parsed.middle,
                title=parsed.title,
                suffix=parsed.suffix,
            )
            if parsed_spouse and parsed_spouse.first:
                spouse = PersonDraft(
                    first_name=parsed_spouse.first,
                    last_name=parsed_spouse.last or primary.last_name,
                    middle_name=parsed_spouse.middle,
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
        primary.emails = self._emails(values, ("email_1", "email_2"))
        primary.phones = self._phones(values, ("phone_1", "phone_2", "phone_3"))
        spouse_emails = self._emails(values, ("spouse_email",))
        spouse_phones = self._phones(values, ("spouse_phone",))
        if spouse is None and (spouse_emails or spouse_phones):
            # A spouse email without a spouse name still belongs to someone other than the primary person.
            spouse = PersonDraft(last_name=primary.last_name, is_spouse=True)
        if spouse is not None:
            spouse.emails, spouse.phones = spouse_emails, spouse_phones
        return primary, spouse

    def _emails(self, values: Mapping[str, str], fields: tuple[str, ...]) -> list[EmailDraft]:
        emails = []
        for field in fields:
            text = self.value(values, field)
            if not text:
                continue
            try:
                address = normalize_email(text)
            except ValueError as error:
                raise RowError(f"{FIELDS_BY_KEY[field].label}: {error}.") from None
            emails.append(EmailDraft(email=address, primary=not emails))
        return emails

    def _phones(self, values: Mapping[str, str], fields: tuple[str, ...]) -> list[PhoneDraft]:
        phones = []
        for field in fields:
            text = self.value(values, field)
            if text:
                phones.append(PhoneDraft(number=text, primary=not phones))
        return phones

    def _addresses(self, values: Mapping[str, str]) -> list[AddressDraft]:
        if not any(self.value(values, field) for field in ADDRESS_FIELDS):
            return []
        return [
            AddressDraft(
                street=self.value(values, "street"),
                city=self.value(values, "city"),
                state=self.value(values, "state"),
                postal_code=self.value(values, "zip"),
                country=self.value(values, "country"),
                metro_area=self.value(values, "metro_area"),
                region=self.value(values, "region"),
                location="mailing",
                primary_mailing_address=True,
            )
        ]
