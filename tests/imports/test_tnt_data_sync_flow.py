"""TntDataSync donor files end to end: HTTP upload, the real task, the stored contacts, donor accounts and gifts."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from contacts.models import Contact
from fundraising.models import DesignationAccount, Donation, DonorAccount, Organization
from imports.models import Import, ImportFailure
from tests.factories import ContactFactory, EmailAddressFactory, ImportFactory, PersonFactory
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
    assert failures[12] == "[GIFTS] gift G1 has no readable date ('13/45/2020'; expected month/day/year)."
    assert failures[13] == "[GIFTS] gift G2 has no readable amount ('ten')."
    assert failures[14] == (
        "[GIFTS] gift G3 is of donor 999, who is neither in the [DONORS] section nor known from an earlier import."
    )
    cells = ImportFailure.objects.get(import_record=import_record, line_number=14).fields
    assert cells == ["GIFTS", "G3", "Nobody"]
    assert import_record.tnt_summary["donations"] == {"created": 1, "updated": 0, "skipped": 0, "failed": 3}


def test_the_generic_create_takes_source_tnt_data_sync(api, account_list, django_capture_on_commit_callbacks):
    fields = {
        "data[type]": "imports",
        "data[attributes][source]": "tnt_data_sync",
        "data[attributes][file]": upload(FIXTURE, kind="tnt"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post_multipart(imports_path(account_list), fields)
    assert response.status_code == 201, response.content
    attributes = response.json()["data"]["attributes"]
    assert attributes["source"] == "tnt_data_sync"
    assert attributes["in_preview"] is False
    assert Donation.objects.filter(account_list=account_list).count() == 1
    listed = api.get(imports_path(account_list, "/tnt_data_sync")).json()["data"]
    assert [item["id"] for item in listed] == [response.json()["data"]["id"]]
    detail = api.get(imports_path(account_list, f"/tnt_data_sync/{listed[0]['id']}")).json()["data"]
    assert detail["attributes"]["tnt_summary"]["donations"]["created"] == 1
    assert detail["attributes"]["status"] == "complete"


def test_preview_shows_the_donors_as_samples_and_imports_nothing_until_started(
    api, account_list, django_capture_on_commit_callbacks
):
    response = post_data_sync(api, account_list, in_preview="true")
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["attributes"]["in_preview"] is True
    assert data["attributes"]["rows_total"] == 1
    (sample,) = data["relationships"]["sample_contacts"]["data"]
    samples = api.get(imports_path(account_list, f"/{data['id']}"), include="sample_contacts").json()["included"]
    assert [s["attributes"]["name"] for s in samples] == ["Doe, Cliff"]
    assert not Contact.objects.exists() and not Donation.objects.exists()
    document = {
        "data": {
            "type": "imports",
            "id": data["id"],
            "attributes": {"in_preview": False, "updated_in_db_at": data["attributes"]["updated_at"]},
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        started = api.put_json(imports_path(account_list, f"/tnt_data_sync/{data['id']}"), document)
    assert started.status_code == 200, started.content
    assert Import.objects.get(pk=data["id"]).status == Import.Status.COMPLETE
    assert Donation.objects.filter(account_list=account_list).count() == 1


def test_override_updates_what_changed_and_only_then(api, account_list, django_capture_on_commit_callbacks):
    donor = '"5","The Lees","P","Lee","Ann","","","","","","","","","1 Main St","","","","Town","OR","97000",""'
    moved = '"5","Ann Lee","P","Lee","Ann","","","","","","","","","9 Elm St","","","","City","WA","98000",""'
    gift = '"5","The Lees","03/04/2021","40.00","G-5","D5","first memo"'
    changed_gift = '"5","The Lees","03/05/2021","45.00","G-5","D5","second memo"'
    run_data_sync(api, account_list, django_capture_on_commit_callbacks, "a.tntmpd", data_sync_file([donor], [gift]))
    changed = data_sync_file([moved], [changed_gift])
    kept = run_data_sync(api, account_list, django_capture_on_commit_callbacks, "b.tntmpd", changed)
    donation = Donation.objects.get(account_list=account_list)
    assert (donation.amount, donation.memo) == (Decimal("40.00"), "first memo")
    assert DonorAccount.objects.get(account_list=account_list).name == "The Lees"
    assert kept.tnt_summary["donations"]["skipped"] == 1
    overridden = run_data_sync(
        api, account_list, django_capture_on_commit_callbacks, "c.tntmpd", changed, override="true"
    )
    donation.refresh_from_db()
    assert (donation.amount, donation.memo, donation.donation_date) == (
        Decimal("45.00"),
        "second memo",
        date(2021, 3, 5),
    )
    account = DonorAccount.objects.get(account_list=account_list)
    assert (account.name, account.street, account.city) == ("Ann Lee", "9 Elm St", "City")
    assert overridden.tnt_summary["donations"] == {"created": 0, "updated": 1, "skipped": 0, "failed": 0}
    assert overridden.tnt_summary["donors"] == {"created": 0, "updated": 1, "skipped": 0, "failed": 0}
    assert Contact.objects.filter(account_list=account_list).count() == 1
    assert Donation.objects.filter(account_list=account_list).count() == 1


def test_a_contact_is_found_by_its_donor_account_number_first(api, account_list, django_capture_on_commit_callbacks):
    donor = '"5","The Lees","P","Lee","Ann"'
    run_data_sync(api, account_list, django_capture_on_commit_callbacks, "a.tntmpd", data_sync_file([donor], []))
    contact = Contact.objects.get(account_list=account_list)
    Contact.objects.filter(pk=contact.pk).update(name="Ann Lee (renamed by hand)", name_key="ann lee renamed by hand")
    # The contact's name no longer says who it is (and no email did): the donor's number still does.
    renamed = '"5","The Lees","P","Lee","Ann","","","","","","","","","","","","","","","","","","ann@example.com"'
    second = run_data_sync(
        api, account_list, django_capture_on_commit_callbacks, "b.tntmpd", data_sync_file([renamed], [])
    )
    assert list(Contact.objects.filter(account_list=account_list)) == [contact]
    assert second.rows_updated == 1 and second.rows_created == 0
    assert contact.people.get().email_addresses.get().email == "ann@example.com"


def test_without_a_donor_account_the_existing_contact_rules_match(
    api, account_list, django_capture_on_commit_callbacks
):
    same = ContactFactory(account_list=account_list, name="Lee, Ann")
    other = ContactFactory(account_list=account_list, name="Park, Bob")
    bob = PersonFactory(contact=other, first_name="Bob", last_name="Park")
    EmailAddressFactory(person=bob, email="bob@example.com", primary=True)
    donors = [
        '"5","Ann Lee","P","Lee","Ann"',
        # The same name as a contact whose email differs: someone else, kept apart.
        '"6","Bob Park","P","Park","Bob","","","","","","","","","","","","","","","","","","robert@example.org"',
    ]
    import_record = run_data_sync(
        api, account_list, django_capture_on_commit_callbacks, "a.tntmpd", data_sync_file(donors, [])
    )
    assert DonorAccount.objects.get(account_number="5").contacts.get() == same
    kept_apart = DonorAccount.objects.get(account_number="6").contacts.get()
    assert kept_apart != other and kept_apart.name == "Park, Bob"
    assert import_record.possible_duplicates_count == 1
    assert Contact.objects.filter(account_list=account_list).count() == 3


def test_two_donors_of_one_name_are_two_contacts_when_their_details_differ(
    api, account_list, django_capture_on_commit_callbacks
):
    donors = [
        '"1","","P","Lee","Ann","","","","","","","","","","","","","","","","","","ann@one.example.com"',
        '"2","","P","Lee","Ann","","","","","","","","","","","","","","","","","","ann@two.example.com"',
    ]
    run_data_sync(api, account_list, django_capture_on_commit_callbacks, "a.tntmpd", data_sync_file(donors, []))
    accounts = DonorAccount.objects.filter(account_list=account_list)
    assert len({account.contacts.get().pk for account in accounts}) == 2


def test_a_person_type_o_donor_is_an_organisation(api, account_list, django_capture_on_commit_callbacks):
    donor = (
        '"900","First Baptist Church","O","First Baptist Church","","","","","","","","","","PO Box 1","","","",'
        '"Springfield","IL","62701","USA","555-123-4567","office@fbc.example.com"'
    )
    gift = '"900","First Baptist Church","1/15/2022","500","G-900","D1"'
    run_data_sync(api, account_list, django_capture_on_commit_callbacks, "o.tntmpd", data_sync_file([donor], [gift]))
    contact = Contact.objects.get(account_list=account_list)
    assert contact.name == "First Baptist Church"
    assert contact.is_organization is True
    assert contact.greeting == ""
    (holder,) = contact.people.all()
    assert (holder.first_name, holder.last_name) == ("", "First Baptist Church")
    assert holder.phone_numbers.get().number == "555-123-4567"
    assert holder.email_addresses.get().email == "office@fbc.example.com"
    assert contact.addresses.get().country == "USA"
    assert Donation.objects.get().amount == Decimal("500.00")


def test_a_spouse_with_another_last_name_and_titles(api, account_list, django_capture_on_commit_callbacks):
    donor = '"7","Dr. and Mrs. Park","P","Park","Bob","J","Dr.","Jr.","Kim","Sara","L","Mrs.",""'
    run_data_sync(api, account_list, django_capture_on_commit_callbacks, "s.tntmpd", data_sync_file([donor], []))
    contact = Contact.objects.get(account_list=account_list)
    assert contact.name == "Park, Bob and Sara Kim"
    assert contact.greeting == "Bob and Sara"
    bob, sara = contact.people.order_by("is_spouse")
    assert (bob.title, bob.first_name, bob.middle_name, bob.last_name, bob.suffix) == ("Dr.", "Bob", "J", "Park", "Jr.")
    assert (sara.title, sara.first_name, sara.middle_name, sara.last_name, sara.is_spouse) == (
        "Mrs.",
        "Sara",
        "L",
        "Kim",
        True,
    )


def test_donations_read_back_through_the_api_by_import(api, account_list, django_capture_on_commit_callbacks):
    import_record = run_data_sync(api, account_list, django_capture_on_commit_callbacks)
    base = f"/api/v2/account_lists/{account_list.id}"
    by_import = {"filter[import]": str(import_record.pk)}
    (donation,) = api.get(f"{base}/donations", **by_import).json()["data"]
    assert donation["attributes"]["amount"] in ("85.00", 85.0, "85")
    assert donation["attributes"]["currency"] == "USD"
    assert donation["attributes"]["donation_date"] == "2014-08-01"
    (account,) = api.get(f"{base}/donor_accounts", **by_import).json()["data"]
    assert account["attributes"]["account_number"] == "11459"
    (designation,) = api.get(f"{base}/designation_accounts", **by_import).json()["data"]
    assert designation["attributes"]["designation_number"] == "244402"
    other = ImportFactory(account_list=account_list)
    assert api.get(f"{base}/donations", **{"filter[import]": str(other.pk)}).json()["data"] == []


def test_the_completion_email_lists_donors_and_donations(api, account_list, django_capture_on_commit_callbacks):
    run_data_sync(api, account_list, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert "Donors" in message.body and "Donations" in message.body


def test_a_file_whose_donors_lack_people_id_is_refused(api, account_list):
    content = b"[DONORS]\nACCT_NAME,FIRST_NAME\nAnn,Ann\n[GIFTS]\nPEOPLE_ID,DONATION_ID\n"
    response = post_data_sync(api, account_list, "x.tntmpd", content)
    assert response.status_code == 400
    assert "PEOPLE_ID" in response.json()["errors"][0]["detail"]
    assert not Import.objects.exists()


def test_a_tntconnect_export_sent_here_is_refused(api, account_list):
    response = post_data_sync(api, account_list, "tnt_export.xml")
    assert response.status_code == 400
    assert "not a TntDataSync file" in response.json()["errors"][0]["detail"]


def test_donors_import_when_the_gifts_section_is_empty(api, account_list, django_capture_on_commit_callbacks):
    content = (
        b"[ORGANIZATION]\nName=Org\n\n[DONORS]\nPEOPLE_ID,ACCT_NAME,LAST_NAME_ORG,FIRST_NAME\n1,Ann Lee,Lee,Ann\n"
        b"[GIFTS]\n"
    )
    import_record = run_data_sync(api, account_list, django_capture_on_commit_callbacks, "e.tntmpd", content)
    assert list(Contact.objects.filter(account_list=account_list).values_list("name", flat=True)) == ["Lee, Ann"]
    assert import_record.tnt_summary["donations"] == {"created": 0, "updated": 0, "skipped": 0, "failed": 0}


def test_a_file_of_only_section_lines_is_refused_as_holding_no_rows(api, account_list):
    response = post_data_sync(api, account_list, "x.tntmpd", b"[ORGANIZATION]\r\n[DONORS]\r\n[GIFTS]\r\n")
    assert response.status_code == 400
    assert response.json()["errors"][0]["detail"] == (
        "The TntDataSync file's [DONORS] and [GIFTS] sections hold no rows: there is nothing to import."
    )
    assert not Import.objects.exists()


@pytest.mark.parametrize("batch_size", [100, 2])
def test_a_donation_id_given_twice_in_one_file_fails_the_later_row(
    batch_size, api, account_list, django_capture_on_commit_callbacks, settings
):
    settings.IMPORT_BATCH_SIZE = batch_size  # the repeat in the same batch, and in a later one
    content = data_sync_file(
        ['"1","Ann Lee","P","Lee","Ann"'],
        [
            '"1","Ann Lee","01/02/2020","10.00","G1","D1"',
            '"1","Ann Lee","01/03/2020","20.00","G2","D1"',
            '"1","Ann Lee","01/04/2020","30.00","G1","D1"',
            '"1","Ann Lee","01/05/2020","40.00","G3","D1"',
        ],
    )
    import_record = run_data_sync(api, account_list, django_capture_on_commit_callbacks, "dup.tntmpd", content)
    donations = Donation.objects.filter(account_list=account_list)
    assert sorted(donations.values_list("remote_id", "amount")) == [
        ("G1", Decimal("10.00")),
        ("G2", Decimal("20.00")),
        ("G3", Decimal("40.00")),
    ]
    (failure,) = ImportFailure.objects.filter(import_record=import_record)
    assert failure.line_number == 14
    assert failure.message.startswith("[GIFTS] gift G1 has the DONATION_ID of an earlier gift of this file")
    assert failure.fields == ["GIFTS", "G1", "Ann Lee"]
    assert import_record.tnt_summary["donations"] == {"created": 3, "updated": 0, "skipped": 0, "failed": 1}


def test_a_row_with_more_values_than_its_header_fails_and_the_others_import(
    api, account_list, django_capture_on_commit_callbacks
):
    # An unquoted comma inside a value ("Lee, Ann") shifts every later cell: never import that silently.
    content = data_sync_file(
        ['"1","Ann Lee","P","Lee","Ann"', "2,Park, Bo,P,Park,Bo" + "," * 17 + ",bo@example.com"],
        ['"1","Ann Lee","01/02/2020","10.00","G1","D1"', "1,Lee, Ann,01/03/2020,20.00,G2,D1,memo,gift,20.00,USD"],
    )
    import_record = run_data_sync(api, account_list, django_capture_on_commit_callbacks, "shift.tntmpd", content)
    assert list(Contact.objects.filter(account_list=account_list).values_list("name", flat=True)) == ["Lee, Ann"]
    assert list(Donation.objects.values_list("remote_id", flat=True)) == ["G1"]
    failures = {f.line_number: f.message for f in ImportFailure.objects.filter(import_record=import_record)}
    assert failures == {
        9: "[DONORS] line 9 has 24 values but the header row names 23 columns: a value that holds a comma "
        "must be in quotes. Correct the line and import the file again.",
        14: "[GIFTS] line 14 has 11 values but the header row names 10 columns: a value that holds a comma "
        "must be in quotes. Correct the line and import the file again.",
    }


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(
            b"[ORGANIZATION]\rName=Org\r[DONORS]\rPEOPLE_ID\tACCT_NAME\tLAST_NAME_ORG\tFIRST_NAME\r"
            b"1\tLee, Ann\tLee\tAnn\r[GIFTS]\rPEOPLE_ID\tDISPLAY_DATE\tAMOUNT\tDONATION_ID\r"
            b"1\t1/2/2020\t1,250.00\tG1\r",
            id="tab-delimited, CR line ends",
        ),
        pytest.param(
            b'[ORGANIZATION]\nName=Org\n[DONORS]\n"People ID","Acct Name","Last Name Org","First Name"\n'
            b'1,"Lee, Ann",Lee,Ann\n[GIFTS]\nPeople ID,Display Date,Amount,Donation ID\n1,1/2/2020,"1,250.00",G1\n',
            id="header names with spaces",
        ),
    ],
)
def test_a_file_written_another_way_imports_the_same(content, api, account_list, django_capture_on_commit_callbacks):
    run_data_sync(api, account_list, django_capture_on_commit_callbacks, "other.tntmpd", content)
    assert Contact.objects.get(account_list=account_list).name == "Lee, Ann"
    assert DonorAccount.objects.get(account_list=account_list).name == "Lee, Ann"
    assert Donation.objects.filter(account_list=account_list).values_list("remote_id", "amount").get() == (
        "G1",
        Decimal("1250.00"),
    )


def test_a_large_contacts_csv_sent_as_a_donor_file_is_refused_and_nothing_is_stored(api, account_list, settings):
    stored_before = _stored_files(settings)
    content = b"First Name,Last Name,Email\n" + b"Ann,Lee,ann@example.com\n" * 100_000
    response = post_data_sync(api, account_list, "contacts.tntmpd", content)
    assert response.status_code == 400
    assert (
        "its first 200 lines open no [ORGANIZATION], [DONORS] or [GIFTS] section"
        in (response.json()["errors"][0]["detail"])
    )
    assert not Import.objects.exists()
    assert _stored_files(settings) == stored_before


def test_a_file_whose_dates_are_day_first_reads_every_gift_day_first(
    api, account_list, django_capture_on_commit_callbacks
):
    # A donor system outside the US writing 31/12/2020: reading 05/03/2020 as May 3 would be silently wrong.
    content = data_sync_file(
        ['"1","Ann Lee","P","Lee","Ann"'],
        ['"1","Ann Lee","05/03/2020","10.00","G1","D1"', '"1","Ann Lee","31/12/2020","20.00","G2","D1"'],
    )
    run_data_sync(api, account_list, django_capture_on_commit_callbacks, "dmy.tntmpd", content)
    assert dict(Donation.objects.values_list("remote_id", "donation_date")) == {
        "G1": date(2020, 3, 5),
        "G2": date(2020, 12, 31),
    }


def test_a_donor_whose_email_is_not_an_address_imports_with_it_in_the_notes(
    api, account_list, django_capture_on_commit_callbacks
):
    donor = '"7001","Lee, Ann","P","Lee","Ann","","","","","","","","","","","","","","","","","","ann at example"'
    gift = '"7001","Lee, Ann","1/5/2026","25.00","G-1","100","","","",""'
    run_data_sync(
        api, account_list, django_capture_on_commit_callbacks, "donors.tntmpd", data_sync_file([donor], [gift])
    )
    contact = Contact.objects.get(account_list=account_list)
    assert contact.notes == "Not a valid email address: ann at example"
    assert not contact.people.filter(email_addresses__isnull=False).exists()
    assert Donation.objects.filter(donor_account__account_number="7001").count() == 1
