"""The TntDataSync builder: a [DONORS] row's contact and donor account, a [GIFTS] row's donation."""

from datetime import date
from decimal import Decimal

import pytest

from imports.pipeline.builders.drafts import RowError
from imports.pipeline.builders.tnt_data_sync import (
    UNNAMED_ORGANIZATION,
    DataSyncOptions,
    DataSyncOrganization,
    build_donor,
    build_gift,
    gift_date_of,
)
from imports.pipeline.readers.tnt_data_sync import DONORS, GIFTS, DataSyncRow

ORGANIZATION = DataSyncOrganization(code="WBT-USA", name="Wycliffe USA", currency="USD")
OPTIONS = DataSyncOptions(organization=ORGANIZATION, tag_list="from-sync, donors")


def donor(**fields) -> DataSyncRow:
    return DataSyncRow(DONORS, 9, {"PEOPLE_ID": "1", **fields}, ())


def gift(**fields) -> DataSyncRow:
    values = {"PEOPLE_ID": "1", "DONATION_ID": "G1", "DISPLAY_DATE": "08/01/2014", "AMOUNT": "85.00", **fields}
    return DataSyncRow(GIFTS, 13, values, ())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08/01/2014", date(2014, 8, 1)),
        ("8/1/2014", date(2014, 8, 1)),
        # A two-digit year is the latest such year not after this one: a gift is never in the future.
        ("12/31/99", date(1999, 12, 31)),
        ("1/2/20", date(2020, 1, 2)),
        (f"1/2/{date.today().year % 100:02d}", date(date.today().year, 1, 2)),
        ("2014-08-01", date(2014, 8, 1)),
        ("2014-08-01 00:00:00", date(2014, 8, 1)),
        # Donor systems that export a date-time column write the time after the date.
        ("8/1/2014 12:00:00 AM", date(2014, 8, 1)),
        ("08/01/2014 00:00", date(2014, 8, 1)),
        ("2014-08-01T09:30:00Z", date(2014, 8, 1)),
        ("2014/08/01", date(2014, 8, 1)),  # year first is never month/day/year
        ("8/1/2014 garbage", None),
        ("13/01/2014", None),  # month/day/year: there is no 13th month
        ("02/30/2020", None),
        ("yesterday", None),
        ("", None),
    ],
)
def test_display_date_is_month_day_year(text, expected):
    assert gift_date_of(text) == expected


def test_a_day_first_file_reads_day_month_year_and_says_so_when_it_cannot():
    day_first = DataSyncOptions(organization=ORGANIZATION, day_first=True)
    assert build_gift(gift(DISPLAY_DATE="05/03/2020"), day_first).donation_date == date(2020, 3, 5)
    assert build_gift(gift(DISPLAY_DATE="2020-05-03"), day_first).donation_date == date(2020, 5, 3)
    with pytest.raises(RowError, match=r"'12/31/2020'; expected day/month/year"):
        build_gift(gift(DISPLAY_DATE="12/31/2020"), day_first)


def test_a_gift_in_the_organisations_currency_with_its_tendered_amount():
    built = build_gift(
        gift(AMOUNT="$1,250.50", TENDERED_AMOUNT="1000", TENDERED_CURRENCY="eur", DESIGNATION="244402", MEMO="Hi"),
        OPTIONS,
    )
    assert (built.amount, built.currency) == (Decimal("1250.50"), "USD")
    assert (built.tendered_amount, built.tendered_currency) == (Decimal("1000.00"), "EUR")
    assert (built.designation, built.memo, built.donation_id, built.account_number) == ("244402", "Hi", "G1", "1")


def test_without_a_tendered_amount_the_gift_was_given_as_received():
    built = build_gift(gift(), OPTIONS)
    assert (built.tendered_amount, built.tendered_currency) == (Decimal("85.00"), "USD")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-25.00", Decimal("-25.00")),
        # Accounting exports write a refund in parentheses or with a trailing minus: never a gift of +25.
        ("(25.00)", Decimal("-25.00")),
        ("$(1,250.00)", Decimal("-1250.00")),
        ("25.00-", Decimal("-25.00")),
        ("0", Decimal("0.00")),
        ("$1,250.50", Decimal("1250.50")),
    ],
)
def test_refunds_and_zero_gifts_keep_their_sign(text, expected):
    assert build_gift(gift(AMOUNT=text), OPTIONS).amount == expected


@pytest.mark.parametrize("text", ["(-25.00)", "-25.00-", "(25.00", "2-5"])
def test_an_amount_with_a_sign_that_makes_no_sense_fails_the_row(text):
    with pytest.raises(RowError, match="no readable amount"):
        build_gift(gift(AMOUNT=text), OPTIONS)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"DONATION_ID": ""}, "no DONATION_ID"),
        ({"PEOPLE_ID": ""}, "names no donor"),
        ({"DISPLAY_DATE": "31/12/2020"}, "no readable date"),
        ({"AMOUNT": ""}, "no readable amount"),
        ({"AMOUNT": "lots"}, "no readable amount"),
    ],
)
def test_a_gift_that_cannot_be_a_donation_says_why_in_its_section(fields, reason):
    with pytest.raises(RowError, match=reason) as refused:
        build_gift(gift(**fields), OPTIONS)
    assert str(refused.value).startswith("[GIFTS] ")


def test_a_household_with_spouse_address_phone_email_and_the_import_tags():
    draft, account = build_donor(
        donor(
            ACCT_NAME="Mr. and Mrs. Cliff A. Doe",
            PERSON_TYPE="P",
            LAST_NAME_ORG="Doe",
            FIRST_NAME="Cliff",
            MIDDLE_NAME="Andrew",
            SP_FIRST_NAME="Jane",
            ADDR1="34 Some Rd",
            ADDR2="Apt 5",
            CITY="Somewhere",
            STATE="ME",
            ZIP="04212",
            CNTRY_DESCR="United States",
            PHONE="207-555-0100",
            EMAIL="cliff@example.com",
        ),
        OPTIONS,
    )
    assert (draft.name, draft.greeting, draft.envelope_greeting) == (
        "Doe, Cliff and Jane",
        "Cliff and Jane",
        "Mr. and Mrs. Cliff A. Doe",
    )
    assert draft.tags == ["from-sync", "donors"]
    cliff, jane = draft.people
    assert (cliff.first_name, cliff.middle_name, cliff.last_name, cliff.is_spouse) == ("Cliff", "Andrew", "Doe", False)
    assert (jane.first_name, jane.last_name, jane.is_spouse) == ("Jane", "Doe", True)
    assert [p.number for p in cliff.phones] == ["207-555-0100"] and [e.email for e in cliff.emails] == [
        "cliff@example.com"
    ]
    (address,) = draft.addresses
    assert (address.street, address.country, address.primary_mailing_address) == (
        "34 Some Rd\nApt 5",
        "United States",
        True,
    )
    assert draft.donor_account_key == "WBT-USA\nWycliffe USA\n1"
    assert (account.account_number, account.name, account.street) == (
        "1",
        "Mr. and Mrs. Cliff A. Doe",
        "34 Some Rd\nApt 5",
    )


def test_an_invalid_email_is_kept_in_the_notes_and_the_donor_still_imports():
    draft, _ = build_donor(donor(LAST_NAME_ORG="Lee", FIRST_NAME="Ann", EMAIL="ann at example dot com"), OPTIONS)
    assert draft.people[0].emails == []
    assert draft.notes == "Not a valid email address: ann at example dot com"

    valid, _ = build_donor(donor(LAST_NAME_ORG="Lee", FIRST_NAME="Ann", EMAIL=" ann@example.com "), OPTIONS)
    assert [email.email for email in valid.people[0].emails] == ["ann@example.com"] and valid.notes == ""


def test_a_donor_without_a_number_or_a_name_is_refused():
    with pytest.raises(RowError, match=r"^\[DONORS\] no PEOPLE_ID"):
        build_donor(donor(PEOPLE_ID="", LAST_NAME_ORG="Lee"), OPTIONS)
    with pytest.raises(RowError, match="has no name"):
        build_donor(donor(), OPTIONS)


def test_the_organization_section_with_missing_values():
    assert DataSyncOrganization.from_section({}) == DataSyncOrganization("", UNNAMED_ORGANIZATION, "")
    assert DataSyncOrganization.from_section({"CODE": "CCC", "DEFAULTCURRENCYCODE": "dollars"}) == (
        DataSyncOrganization("CCC", "CCC", "")
    )


@pytest.mark.parametrize(("delimiter", "named"), [(",", "a comma"), ("\t", "a tab"), (";", "a semicolon")])
def test_a_shifted_row_names_the_delimiter_its_section_uses(delimiter, named):
    values = {"PEOPLE_ID": "1", "DONATION_ID": "G1", "DISPLAY_DATE": "08/01/2014", "AMOUNT": "85.00"}
    row = DataSyncRow(GIFTS, 13, values, (), extra_cells=1, header_width=10, delimiter=delimiter)
    with pytest.raises(RowError) as raised:
        build_gift(row, OPTIONS)
    assert str(raised.value) == (
        f"[GIFTS] line 13 has 11 values but the header row names 10 columns: a value that holds {named} "
        "must be in quotes. Correct the line and import the file again."
    )
