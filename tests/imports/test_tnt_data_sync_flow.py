"""TntDataSync donor files end to end: HTTP upload, the real task, the stored contacts, donor accounts and gifts."""

from datetime import date
from decimal import Decimal

import pytest

from contacts.models import Contact
from fundraising.models import DesignationAccount, Donation, DonorAccount, Organization
from imports.models import Import, ImportFailure
from tests.imports.helpers import imports_path, upload

pytestmark = pytest.mark.django_db

FIXTURE = "tnt_data_sync_file.tntmpd"

DONOR_HEADER = (
    '"PEOPLE_ID","ACCT_NAME","PERSON_TYPE","LAST_NAME_ORG","FIRST_NAME","MIDDLE_NAME","TITLE","SUFFIX",'
    '"SP_LAST_NAME","SP_FIRST_NAME","SP_MIDDLE_NAME","SP_TITLE","SP_SUFFIX","ADDR1","ADDR2","ADDR3","ADDR4",'
    '"CITY","STATE","ZIP","COUNTRY","PHONE","EMAIL"'
)
GIFT_HEADER = (
    '"PEOPLE_ID","ACCT_NAME","DISPLAY_DATE","AMOUNT","DONATION_ID","DESIGNATION","MEMO","MOTIVATION",'
    '"TENDERED_AMOUNT","TENDERED_CURRENCY"'
)


def data_sync_file(donors: list[str], gifts: list[str], *, organization: str = "", newline: str = "\n") -> bytes:
    organization = organization or "Name=Wycliffe USA\nCode=WBT-USA\nDefaultCurrencyCode=USD"
    text = "\n".join(
        ["[ORGANIZATION]", organization, "", "[DONORS]", DONOR_HEADER, *donors, "", "[GIFTS]", GIFT_HEADER, *gifts]
    )
    return (text + "\n").replace("\n", newline).encode()


def post_data_sync(api, account_list, name: str = FIXTURE, content: bytes | None = None, **attributes):
    fields = {"data[type]": "imports", "data[attributes][file]": upload(name, kind="tnt", content=content)}
    fields.update({f"data[attributes][{key}]": value for key, value in attributes.items()})
    return api.post_multipart(imports_path(account_list, "/tnt_data_sync"), fields)


def run_data_sync(api, account_list, capture, name: str = FIXTURE, content: bytes | None = None, **attributes):
    with capture(execute=True):
        response = post_data_sync(api, account_list, name, content, **attributes)
    assert response.status_code == 201, response.content
    import_record = Import.objects.get(pk=response.json()["data"]["id"])
    assert import_record.status == Import.Status.COMPLETE, import_record.error
    return import_record


def test_the_fixture_is_imported_field_by_field(api, account_list, django_capture_on_commit_callbacks):
    import_record = run_data_sync(api, account_list, django_capture_on_commit_callbacks)
    assert import_record.source == Import.Source.TNT_DATA_SYNC
    assert import_record.in_preview is False  # the endpoint starts at once
    organization = Organization.objects.get(account_list=account_list)
    assert (organization.name, organization.code, organization.default_currency) == ("Wycliffe USA", "WBT-USA", "USD")
    contact = Contact.objects.get(account_list=account_list)
    assert contact.name == "Doe, Cliff"
    assert contact.greeting == "Cliff"
    assert contact.envelope_greeting == "Mr. and Mrs. Cliff A. Doe"
    (person,) = contact.people.all()
    assert (person.first_name, person.middle_name, person.last_name) == ("Cliff", "Andrew", "Doe")
    (address,) = contact.addresses.all()
    assert (address.street, address.city, address.state, address.postal_code) == (
        "34 Some Rd Apt 5",
        "Somewhere",
        "ME",
        "04212",
    )
    assert address.primary_mailing_address
    account = DonorAccount.objects.get(account_list=account_list)
    assert (account.account_number, account.name, account.organization_id) == (
        "11459",
        "Mr. and Mrs. Cliff A. Doe",
        organization.id,
    )
    assert list(account.contacts.all()) == [contact]
    donation = Donation.objects.get(account_list=account_list)
    assert donation.donor_account_id == account.id
    assert donation.remote_id == "15530034535367"
    assert donation.donation_date == date(2014, 8, 1)
    assert (donation.amount, donation.currency) == (Decimal("85.00"), "USD")
    assert (donation.tendered_amount, donation.tendered_currency) == (Decimal("85.00"), "USD")
    assert donation.designation_account.designation_number == "244402"
    assert donation.designation_account.organization_id == organization.id
    assert import_record.tnt_summary == {
        "contacts": {"created": 1, "updated": 0, "skipped": 0, "failed": 0},
        "donors": {"created": 1, "updated": 0, "skipped": 0, "failed": 0},
        "donations": {"created": 1, "updated": 0, "skipped": 0, "failed": 0},
    }


def test_a_second_import_of_the_same_file_creates_nothing(api, account_list, django_capture_on_commit_callbacks):
    run_data_sync(api, account_list, django_capture_on_commit_callbacks)
    second = run_data_sync(api, account_list, django_capture_on_commit_callbacks)
    assert Contact.objects.filter(account_list=account_list).count() == 1
    assert DonorAccount.objects.filter(account_list=account_list).count() == 1
    assert Donation.objects.filter(account_list=account_list).count() == 1
    assert DesignationAccount.objects.filter(account_list=account_list).count() == 1
    assert Organization.objects.filter(account_list=account_list).count() == 1
    assert second.tnt_summary["contacts"]["created"] == 0
    assert second.tnt_summary["donors"] == {"created": 0, "updated": 0, "skipped": 1, "failed": 0}
    assert second.tnt_summary["donations"] == {"created": 0, "updated": 0, "skipped": 1, "failed": 0}


def test_a_file_that_is_not_a_tnt_data_sync_file_is_refused_and_nothing_is_stored(api, account_list, settings):
    stored_before = _stored_files(settings)
    response = post_data_sync(api, account_list, "tnt_data_sync_invalid.tntmpd")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["source"]["pointer"] == "/data/attributes/file"
    assert "[DONORS]" in error["detail"] and "[GIFTS]" in error["detail"]
    assert "not a TntDataSync file" in error["detail"]
    assert not Import.objects.exists()
    assert _stored_files(settings) == stored_before


def _stored_files(settings) -> set:
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def test_lower_case_and_unquoted_sections_and_headers(api, account_list, django_capture_on_commit_callbacks):
    content = (
        b"\xef\xbb\xbf[organization]\r\nname=Mission Org\r\ncode=MO\r\ndefaultcurrencycode=cad\r\n\r\n"
        b'"[donors]"\r\npeople_id,acct_name,person_type,last_name_org,first_name,sp_first_name,email,unknown_col\r\n'
        b"77,The Smiths,P,Smith,John,Jane,john@example.com,x\r\n\r\n"
        b"[Gifts]\r\npeople_id,display_date,amount,donation_id,designation,memo\r\n"
        b'77,12/31/2020,"1,250.50",G-1,D1,Thanks\r\n'
        b"[EXTRA]\r\nwhatever,else\r\n1,2\r\n"
    )
    run_data_sync(api, account_list, django_capture_on_commit_callbacks, "lower.tntdatasync", content)
    contact = Contact.objects.get(account_list=account_list)
    assert contact.name == "Smith, John and Jane"
    assert sorted(p.first_name for p in contact.people.all()) == ["Jane", "John"]
    assert contact.people.get(first_name="John").email_addresses.get().email == "john@example.com"
    donation = Donation.objects.get(account_list=account_list)
    assert (donation.amount, donation.currency, donation.memo) == (Decimal("1250.50"), "CAD", "Thanks")
    assert donation.donation_date == date(2020, 12, 31)


def test_bad_gift_rows_fail_with_their_section_and_line(api, account_list, django_capture_on_commit_callbacks):
    content = data_sync_file(
        ['"1","Ann Lee","P","Lee","Ann"'],
        [
            '"1","Ann Lee","13/45/2020","10.00","G1","D1"',
            '"1","Ann Lee","01/02/2020","ten","G2","D1"',
            '"999","Nobody","01/02/2020","10.00","G3","D1"',
            '"1","Ann Lee","01/03/2020","20.00","G4","D1"',
        ],
    )
    import_record = run_data_sync(api, account_list, django_capture_on_commit_callbacks, "bad.tntmpd", content)
    assert list(Donation.objects.values_list("remote_id", flat=True)) == ["G4"]
    failures = {f.line_number: f.message for f in ImportFailure.objects.filter(import_record=import_record)}
    # [ORGANIZATION] (4 lines), a blank line, [DONORS] (3 lines), a blank line, [GIFTS] and its header: line 12 on.
    assert set(failures) == {12, 13, 14}
    assert failures[12].startswith("[GIFTS] line 12:") and "date" in failures[12]
    assert failures[13].startswith("[GIFTS] line 13:") and "amount" in failures[13]
    assert failures[14].startswith("[GIFTS] line 14:") and "999" in failures[14]
    assert import_record.tnt_summary["donations"] == {"created": 1, "updated": 0, "skipped": 0, "failed": 3}
