"""One CSV row -> a contact draft, by the import's mappings: the rules of the CSV builder, without a database."""

from decimal import Decimal

import pytest

from imports.pipeline.builders.csv import CsvContactBuilder
from imports.pipeline.builders.drafts import ContactDraft, RowError

# Each supported field read from a column of the same name, so a row is written by field.
EVERY_FIELD = (
    "full_name first_name last_name spouse_first_name spouse_last_name greeting envelope_greeting church "
    "street city state zip country metro_area region status pledge_amount pledge_frequency pledge_currency "
    "newsletter likely_to_give send_appeals tags email_1 email_2 spouse_email phone_1 phone_2 phone_3 "
    "spouse_phone notes website referred_by"
).split()
CONSTANTS = {
    "status": [{"id": "Partner - Pray", "values": ["Praying"]}],
    "pledge_frequency": [{"id": "1.0", "values": ["Monthly"]}, {"id": "12.0", "values": ["Annual"]}],
    "newsletter": [{"id": "Both", "values": ["Both"]}],
    "send_appeals": [{"id": "true", "values": ["Yes"]}, {"id": "false", "values": ["No"]}],
    "likely_to_give": [{"id": "Most Likely", "values": ["Yes"]}],
    "pledge_currency": [{"id": "CAD", "values": ["Canadian dollars"]}],
}


def build(tag_list: str = "", **cells: str) -> ContactDraft:
    builder = CsvContactBuilder(
        file_headers_mappings={field: field for field in EVERY_FIELD},
        file_constants_mappings=CONSTANTS,
        tag_list=tag_list,
    )
    return builder.build(cells)


def names(draft: ContactDraft) -> list[tuple[str, str, bool]]:
    return [(person.first_name, person.last_name, person.is_spouse) for person in draft.people]


# --- names and people --------------------------------------------------------------------


def test_first_and_last_name_make_one_person_and_the_contact_name_last_comma_first():
    draft = build(first_name="John", last_name="Doe")
    assert draft.name == "Doe, John"
    assert names(draft) == [("John", "Doe", False)]


def test_a_spouse_first_name_adds_a_spouse_with_the_primary_last_name():
    draft = build(first_name="John", last_name="Doe", spouse_first_name="Jane")
    assert draft.name == "Doe, John and Jane"
    assert names(draft) == [("John", "Doe", False), ("Jane", "Doe", True)]


def test_a_spouse_with_another_last_name_keeps_it_and_the_contact_name_shows_both():
    draft = build(first_name="Bob", last_name="Park", spouse_first_name="Sara", spouse_last_name="Kim")
    assert names(draft) == [("Bob", "Park", False), ("Sara", "Kim", True)]
    assert draft.name == "Park, Bob and Sara Kim"


def test_a_full_name_is_parsed_into_the_people_when_no_name_column_is_filled():
    draft = build(full_name="John and Jane Doe")
    assert draft.name == "Doe, John and Jane"
    assert names(draft) == [("John", "Doe", False), ("Jane", "Doe", True)]


def test_name_columns_win_over_a_full_name():
    draft = build(full_name="Someone Else", first_name="John", last_name="Doe")
    assert names(draft) == [("John", "Doe", False)]


def test_a_row_with_neither_a_name_nor_an_email_is_refused_with_a_message_for_the_user():
    with pytest.raises(RowError, match="neither a name nor an email address"):
        build(city="Springfield")


def test_a_row_with_only_an_email_is_named_after_it():
    draft = build(email_1="john@example.com", city="Springfield")
    assert draft.name == "john@example.com"
    assert [email.email for email in draft.people[0].emails] == ["john@example.com"]


def test_cells_are_read_without_the_spaces_around_them():
    draft = build(first_name="  John ", last_name="\tDoe", church=" Westside ")
    assert (draft.name, draft.church_name) == ("Doe, John", "Westside")


def test_a_greeting_is_made_from_the_first_names_unless_the_file_has_one():
    assert build(first_name="John", last_name="Doe", spouse_first_name="Jane").greeting == "John and Jane"
    assert build(first_name="John", last_name="Doe", greeting="Dear Does").greeting == "Dear Does"


# --- emails and phones -------------------------------------------------------------------


def test_emails_keep_the_order_of_their_columns_and_only_the_first_is_primary():
    draft = build(first_name="John", last_name="Doe", email_1="john@example.com", email_2="jd@work.example.com")
    [john] = draft.people
    assert [(email.email, email.primary) for email in john.emails] == [
        ("john@example.com", True),
        ("jd@work.example.com", False),
    ]


def test_a_blank_first_email_column_makes_the_next_one_primary():
    [john] = build(first_name="John", last_name="Doe", email_2="jd@example.com").people
    assert [(email.email, email.primary) for email in john.emails] == [("jd@example.com", True)]


def test_an_invalid_email_refuses_the_row_naming_the_column_and_the_value():
    with pytest.raises(RowError, match=r"Email 1: 'not an email' is not a valid email address"):
        build(first_name="John", last_name="Doe", email_1="not an email")


def test_phones_keep_the_order_of_their_columns_as_written_and_only_the_first_is_primary():
    [john] = build(first_name="John", phone_1="(213) 222-3333", phone_3="555 0101").people
    assert [(phone.number, phone.primary) for phone in john.phones] == [("(213) 222-3333", True), ("555 0101", False)]


def test_the_spouse_email_and_phone_belong_to_the_spouse():
    draft = build(
        first_name="John", spouse_first_name="Jane", spouse_email="jane@example.com", spouse_phone="(407) 555-6666"
    )
    john, jane = draft.people
    assert (john.emails, john.phones) == ([], [])
    assert [email.email for email in jane.emails] == ["jane@example.com"]
    assert [phone.number for phone in jane.phones] == ["(407) 555-6666"]


def test_a_spouse_email_without_a_spouse_name_still_makes_a_spouse_rather_than_a_second_email():
    draft = build(full_name="Doe, John", spouse_email="spouse@example.com")
    john, spouse = draft.people
    assert john.emails == []
    assert (spouse.first_name, spouse.last_name, spouse.is_spouse) == ("", "Doe", True)
    assert [email.email for email in spouse.emails] == ["spouse@example.com"]


# --- address -----------------------------------------------------------------------------


def test_any_address_part_makes_one_primary_mailing_address_with_its_area():
    draft = build(first_name="John", city="Springfield", metro_area="Metro", region="North")
    [address] = draft.addresses
    assert (address.street, address.city, address.metro_area, address.region) == ("", "Springfield", "Metro", "North")
    assert (address.location, address.primary_mailing_address) == ("mailing", True)


def test_a_metro_area_or_region_alone_makes_no_address():
    assert build(first_name="John", metro_area="Metro", region="North").addresses == []


def test_the_zip_column_fills_the_postal_code():
    [address] = build(first_name="John", street="1 Main St", zip=" 60201 ").addresses
    assert (address.street, address.postal_code) == ("1 Main St", "60201")


# --- constants and values ----------------------------------------------------------------


def test_mapped_constant_values_become_their_constants():
    draft = build(
        first_name="John",
        status="Praying",
        pledge_frequency="Annual",
        newsletter="Both",
        likely_to_give="Yes",
        pledge_currency="Canadian dollars",
    )
    assert (draft.status, draft.pledge_frequency, draft.send_newsletter) == ("Partner - Pray", Decimal("12.0"), "Both")
    assert (draft.likely_to_give, draft.pledge_currency) == ("Most Likely", "CAD")


@pytest.mark.parametrize(("cell", "no_appeals"), [("Yes", False), ("No", True), ("", None)])
def test_send_appeals_is_stored_as_its_opposite_no_appeals_and_a_blank_is_unknown(cell, no_appeals):
    assert build(first_name="John", send_appeals=cell).no_appeals is no_appeals


def test_a_constant_value_no_mapping_covers_is_left_blank():
    draft = build(first_name="John", status="Something else", pledge_frequency="Fortnightly")
    assert (draft.status, draft.pledge_frequency) == ("", None)


def test_an_amount_is_read_with_its_currency_sign_and_thousands_separator():
    assert build(first_name="John", pledge_amount="$1,250.50").pledge_amount == Decimal("1250.50")


def test_an_amount_that_is_not_a_number_refuses_the_row_naming_the_column():
    with pytest.raises(RowError, match=r"Commitment Amount 'lots' is not a number"):
        build(first_name="John", pledge_amount="lots")


def test_tags_of_the_row_and_of_the_import_are_merged_without_duplicates():
    draft = build(first_name="John", tags="family, church", tag_list="imported, family")
    assert draft.tags == ["family", "church", "imported"]


def test_text_fields_are_copied_as_written():
    draft = build(
        first_name="John",
        envelope_greeting="The Doe family",
        website="http://www.john.doe",
        notes="Met at church",
        referred_by="Kim, Mary",
    )
    assert (draft.envelope_greeting, draft.website, draft.notes) == (
        "The Doe family",
        "http://www.john.doe",
        "Met at church",
    )
    assert draft.referred_by == "Kim, Mary"


# --- mappings ----------------------------------------------------------------------------


def test_only_mapped_columns_are_read():
    builder = CsvContactBuilder(
        file_headers_mappings={"first_name": "fname", "last_name": "lname"}, file_constants_mappings={}
    )
    draft = builder.build({"fname": "John", "lname": "Doe", "email_1": "john@example.com", "church": "Westside"})
    assert (draft.people[0].emails, draft.church_name) == ([], "")


def test_a_mapping_of_an_unknown_field_is_ignored():
    builder = CsvContactBuilder(
        file_headers_mappings={"first_name": "fname", "favourite_colour": "colour"}, file_constants_mappings={}
    )
    assert builder.build({"fname": "John", "colour": "blue"}).name == "John"
