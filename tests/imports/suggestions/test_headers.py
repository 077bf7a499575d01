"""Which column is which field: header words, synonyms, misspellings, values, and one field per column."""

import pytest

from imports.suggestions import guess_column, header_fingerprint, header_words, suggest_header_mappings


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("Given Name", "first_name"),
        ("Family Name", "last_name"),
        ("E-mail 1 - Value", "email"),
        ("Phone 1 - Value", "phone"),
        ("Address 1 - Street", "street"),
        ("Address 1 - Region", "state"),
        ("First Name", "first_name"),
        ("E-mail Address", "email"),
        ("Business Phone", "phone"),
        ("Home Street", "street"),
        ("Home Country/Region", "country"),
        ("Email Address", "email"),
        ("TAGS", "tags"),
        ("fname", "first_name"),
        ("Spouse-fname", "spouse_first_name"),
        ("zip-code", "zip"),
        ("email-address", "email"),
        ("Mailing Street Address", "street"),
        ("SpouseEmail1", "spouse_email"),
        ("MPD Phase", "status"),
        ("Commitment Frequency", "pledge_frequency"),
        ("mailing-greeting", "envelope_greeting"),
        ("likely-giver", "likely_to_give"),
        ("Web Page", "website"),
        ("Adress", "street"),  # misspelt
        ("Frist Name", "first_name"),
        ("Emial", "email"),
        ("Tel. No.", "phone"),
        ("Vorname", "first_name"),
        ("REGION", "region"),
    ],
)
def test_headers_real_exports_use_name_their_field(header, target):
    guess = guess_column(header)
    assert guess is not None and guess.target == target


@pytest.mark.parametrize(
    "header",
    [
        "E-mail 1 - Type",
        "E-mail Display Name",
        "Phone 1 - Label",
        "Address 1 - PO Box",
        "Address 1 - Formatted",
        "Business Fax",
        "Assistant's Phone",
        "Home Street 2",
        "Address Line 2",
        "Middle Name",
        "Given Name Yomi",
        "Organization 1 - Name",
        "Marital Status",
        "Last Gift Amount",
        "Commitment Received",
        "Do Not Email",
        "Never Ask",
        "MEMBER_RATING",
        "Spouse Name",
        "Birthday",
        "skip",
    ],
)
def test_headers_that_name_something_else_are_left_out(header):
    assert guess_column(header) is None


def test_header_words_split_camel_case_join_e_mail_and_segment_run_together_words():
    assert header_words("HomePostalCode") == ["home", "postal", "code"]
    assert header_words("E-mail 2 Address") == ["email", "2", "address"]
    assert header_words("spousefirstname") == ["spouse", "first", "name"]


def test_a_field_gets_one_column_and_a_column_one_field():
    headers = {"first_name": "First Name", "fname": "fname", "email": "Email", "e_mail": "E-mail"}
    samples = [{"values": {"first_name": "Ann", "fname": "Ann", "email": "a@example.com", "e_mail": "b@example.com"}}]
    mappings = suggest_header_mappings(headers, {}, samples)
    assert mappings == {"email_1": "email", "email_2": "e_mail", "first_name": "first_name"}


def test_phones_fill_the_three_slots_in_a_sensible_order():
    headers = {
        "business_phone": "Business Phone",
        "home_phone": "Home Phone",
        "mobile_phone": "Mobile Phone",
        "other_phone": "Other Phone",
        "car_phone": "Car Phone",
    }
    samples = [{"values": {"business_phone": "555-0101", "home_phone": "555-0102", "mobile_phone": "555-0103"}}]
    mappings = suggest_header_mappings(headers, {}, samples)
    # More columns than slots: the ones holding numbers, mobile then home then business.
    assert mappings == {"phone_1": "mobile_phone", "phone_2": "home_phone", "phone_3": "business_phone"}


def test_one_address_is_taken_whole_from_the_best_group():
    headers = {
        "business_street": "Business Street",
        "business_city": "Business City",
        "home_street": "Home Street",
        "home_city": "Home City",
        "home_state": "Home State",
    }
    samples = [{"values": {"business_street": "1 Work Rd", "business_city": "Worktown", "home_street": "2 Home Ln"}}]
    mappings = suggest_header_mappings(headers, {}, samples)
    assert mappings == {"city": "home_city", "state": "home_state", "street": "home_street"}


def test_values_decide_for_headers_that_say_nothing():
    headers = {"contact": "Contact", "number": "Number", "category": "Category", "household": "Household"}
    constants = {"category": ["Prayer Partner", "Financial Partner", ""], "household": ["The Lees", "The Rays"]}
    samples = [
        {"values": {"contact": "ann@example.com", "number": "555-010-2233"}},
        {"values": {"contact": "bo@example.com", "number": "(555) 010-4455"}},
    ]
    mappings = suggest_header_mappings(headers, constants, samples)
    assert mappings == {"email_1": "contact", "phone_1": "number", "status": "category"}


def test_values_veto_a_header_that_promised_something_else():
    headers = {"email": "Email", "status": "Status", "salutation": "Salutation", "last_name": "Last Name"}
    constants = {"status": ["active", "inactive"], "salutation": ["Mr.", "Mrs.", "Dr."]}
    samples = [{"values": {"email": "yes", "last_name": "Lee"}}, {"values": {"email": "no", "last_name": "Ray"}}]
    assert suggest_header_mappings(headers, constants, samples) == {"last_name": "last_name"}


def test_a_column_known_to_be_blank_is_not_suggested():
    headers = {"last_name": "Last Name", "file_as": "File As"}
    assert suggest_header_mappings(headers, {"file_as": [""]}, []) == {"last_name": "last_name"}


def test_the_fingerprint_depends_on_the_set_of_headers_only():
    assert header_fingerprint({"a": "A", "b": "B"}) == header_fingerprint({"b": "b", "a": "a"})
    assert header_fingerprint({"a": "A"}) != header_fingerprint({"a": "A", "b": "B"})
    assert header_fingerprint({}) == ""
