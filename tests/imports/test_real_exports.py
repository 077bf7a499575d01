"""What people really upload from other applications, through the API and the real job.

Each file is written here in the layout its application exports (fictitious
people): LinkedIn's preamble, a Mac Address Book vCard in UTF-16 without a
byte-order mark, Mailchimp's quoted tag lists, Outlook's semicolon
categories, Google's " ::: " labels, newsletter lists of bare addresses.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.models import ImportFailure
from tests.imports.helpers import create_csv, imports_path, update
from tests.imports.suggestions.helpers import contacts_by_name, emails, phones

pytestmark = pytest.mark.django_db


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def run(api, account_list, created: dict, capture, **attributes) -> dict:
    """Leave preview (with the suggestions unless mappings are given) and run the job."""
    with capture(execute=True):
        response = update(api, account_list, created, {**attributes, "in_preview": False})
    assert response.status_code == 200, response.content
    return api.get(imports_path(account_list, f"/{created['id']}")).json()["data"]["attributes"]


LINKEDIN_CONNECTIONS = (
    b"Notes:\r\n"
    b'"When exporting your connection data, you may notice that some of the email addresses are missing. '
    b"You will only see email addresses for connections who have allowed their connections to see or download "
    b'their email address using this setting https://www.linkedin.com/psettings/privacy/email."\r\n'
    b"\r\n"
    b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    b"Tomasz,Nowicki,https://www.linkedin.com/in/tomasz-nowicki-1a2b3c,,Vistula Freight,Logistics Lead,14 Feb 2024\r\n"
    b"Grace,Okafor,https://www.linkedin.com/in/graceokafor,grace.okafor@example.com,Lagos Health,Nurse,02 Jan 2023\r\n"
    b"Mei,Lin,https://www.linkedin.com/in/mei-lin-design,,Studio Nine,Designer,19 Nov 2022\r\n"
)


def test_linkedin_connections_are_read_below_the_notes_preamble_and_import(
    api, account_list, django_capture_on_commit_callbacks
):
    created = create_csv(api, account_list, "Connections.csv", file=upload("Connections.csv", LINKEDIN_CONNECTIONS))
    attributes = created["attributes"]
    assert list(attributes["file_headers"].values()) == [
        "First Name",
        "Last Name",
        "URL",
        "Email Address",
        "Company",
        "Position",
        "Connected On",
    ]
    assert attributes["header_line"] == 4
    assert attributes["rows_total"] == 3
    final = run(api, account_list, created, django_capture_on_commit_callbacks)
    assert final["status"] == "complete", final["error"]
    assert (final["rows_created"], final["rows_failed"]) == (3, 0)
    contacts = contacts_by_name(api, account_list)
    assert set(contacts) == {"Nowicki, Tomasz", "Okafor, Grace", "Lin, Mei"}
    assert emails(contacts["Okafor, Grace"]["people"][0]) == ["grace.okafor@example.com"]


def test_a_failed_row_below_a_preamble_is_reported_at_its_own_line(
    api, account_list, django_capture_on_commit_callbacks
):
    content = LINKEDIN_CONNECTIONS + b"Sam,Reed,,not-an-address,,,01 Mar 2021\r\n"
    created = create_csv(api, account_list, "Connections.csv", file=upload("Connections.csv", content))
    final = run(api, account_list, created, django_capture_on_commit_callbacks)
    assert final["rows_failed"] == 1
    assert ImportFailure.objects.get(import_record_id=created["id"]).line_number == 8


def test_a_file_in_which_nothing_looks_like_a_header_is_refused_saying_so(api, account_list):
    lines = [",".join(["x"] * width) for width in range(1, 40)]  # every row wider than the one before
    content = ("\n".join(lines) + "\n").encode()
    fields = {"data[type]": "imports", "data[attributes][file]": upload("odd.csv", content)}
    response = api.post_multipart(imports_path(account_list, "/csv"), fields)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["source"]["pointer"] == "/data/attributes/file"
    assert error["detail"].startswith("No header row found: none of the first 20 lines is followed by rows")


MAC_ADDRESS_BOOK = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Åberg;Sven;;;\r\nFN:Sven Åberg\r\n"
    "EMAIL;type=INTERNET;type=HOME;type=pref:sven.aberg@example.se\r\n"
    "item1.ADR;type=HOME;type=pref:Box 118;Lgh 1102;Storgatan 3;Uppsala;;753 20;Sverige\r\n"
    "END:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Iksiński;Jan;;;\r\nFN:Jan Iksiński\r\nTEL;type=CELL:+48 601 555 010\r\n"
    "END:VCARD\r\n"
)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_mac_address_book_vcard_in_utf16_without_a_byte_order_mark_imports(
    encoding, api, account_list, django_capture_on_commit_callbacks
):
    created = create_csv(api, account_list, "a.vcf", file=upload("a.vcf", MAC_ADDRESS_BOOK.encode(encoding)))
    final = run(api, account_list, created, django_capture_on_commit_callbacks)
    assert final["status"] == "complete", final["error"]
    assert (final["rows_created"], final["rows_failed"]) == (2, 0)
    contacts = contacts_by_name(api, account_list)
    assert set(contacts) == {"Åberg, Sven", "Iksiński, Jan"}
    (address,) = contacts["Åberg, Sven"]["addresses"]
    assert address["street"] == "Storgatan 3, Lgh 1102, Box 118"  # extended address and PO box kept


def test_a_vcard_21_quoted_printable_name_without_charset_is_read_as_utf8(
    api, account_list, django_capture_on_commit_callbacks
):
    content = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;ENCODING=QUOTED-PRINTABLE:Iksi=C5=84ski;Jan;;;\r\n"
        b"FN;QUOTED-PRINTABLE:Jan Iksi=C5=84ski\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen;;;\r\nEND:VCARD\r\n"
    )
    created = create_csv(api, account_list, "c.vcf", file=upload("c.vcf", content))
    run(api, account_list, created, django_capture_on_commit_callbacks)
    assert set(contacts_by_name(api, account_list)) == {"Iksiński, Jan", "Müller, Jürgen"}  # else the legacy page


MAILCHIMP_AUDIENCE = (
    b"Email Address,First Name,Last Name,Address,Phone Number,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,"
    b"CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS\n"
    b"lorem.ipsum@example.com,Lorem,Ipsum,,,2,2024-03-01 10:00:00,,,,,,,,,,,2024-03-01 10:00:00,1,a1,,"
    b'"""Lorem Editors"""\n'
    b"reader1@example.com,,,,,2,2024-03-02 10:00:00,,,,,,,,,,,2024-03-02 10:00:00,2,a2,,"
    b'"""Donors"",""Monthly, Updates"""\n'
    b"reader2@example.org,,,,,2,2024-03-03 10:00:00,,,,,,,,,,,2024-03-03 10:00:00,3,a3,,\n"
    b'reader3@example.net,,,,,1,2024-03-04 10:00:00,,,,,,,,,,,2024-03-04 10:00:00,4,a4,,"""Lorem Editors"""\n'
    b"reader4@example.com,,,,,1,2024-03-05 10:00:00,,,,,,,,,,,2024-03-05 10:00:00,5,a5,,\n"
)


def test_a_mailchimp_audience_imports_all_five_rows_with_clean_tags(
    api, account_list, django_capture_on_commit_callbacks
):
    created = create_csv(api, account_list, "audience.csv", file=upload("audience.csv", MAILCHIMP_AUDIENCE))
    final = run(api, account_list, created, django_capture_on_commit_callbacks)
    assert final["status"] == "complete", final["error"]
    assert (final["rows_created"], final["rows_failed"]) == (5, 0)
    contacts = contacts_by_name(api, account_list)
    assert set(contacts) == {
        "Ipsum, Lorem",
        "reader1@example.com",
        "reader2@example.org",
        "reader3@example.net",
        "reader4@example.com",
    }
    assert contacts["Ipsum, Lorem"]["tags"] == ["Lorem Editors"]
    assert sorted(contacts["reader1@example.com"]["tags"]) == ["Donors", "Monthly, Updates"]
    (person,) = contacts["reader3@example.net"]["people"]
    assert emails(person) == ["reader3@example.net"]


@pytest.mark.parametrize(
    ("cell", "tags"),
    [
        ("Family;VIP;Newsletter", ["Family", "Newsletter", "VIP"]),  # Outlook's categories
        ("* myContacts ::: Church ::: Board", ["* myContacts", "Board", "Church"]),  # Google's labels
        ('"Church","Board"', ["Board", "Church"]),  # Mailchimp's quoted list
        ("Church, Board", ["Board", "Church"]),
    ],
)
def test_tags_are_split_as_real_exports_write_them(cell, tags, api, account_list, django_capture_on_commit_callbacks):
    content = ("Name,E-mail,Tags\nAnn Lee,ann@example.com," + '"' + cell.replace('"', '""') + '"\n').encode()
    created = create_csv(api, account_list, "t.csv", file=upload("t.csv", content))
    mappings = {"full_name": "name", "email_1": "e_mail", "tags": "tags"}
    run(api, account_list, created, django_capture_on_commit_callbacks, file_headers_mappings=mappings)
    assert sorted(contacts_by_name(api, account_list)["Lee, Ann"]["tags"]) == tags


def test_only_a_row_with_neither_a_name_nor_an_email_fails(api, account_list, django_capture_on_commit_callbacks):
    content = b"First Name,Last Name,Email,Notes\nAnn,Lee,,\n,,bo@example.com,\n,,,a note and nothing else\n"
    created = create_csv(api, account_list, "n.csv", file=upload("n.csv", content))
    mappings = {"first_name": "first_name", "last_name": "last_name", "email_1": "email", "notes": "notes"}
    final = run(api, account_list, created, django_capture_on_commit_callbacks, file_headers_mappings=mappings)
    assert (final["rows_created"], final["rows_failed"]) == (2, 1)
    failure = ImportFailure.objects.get(import_record_id=created["id"])
    assert failure.line_number == 4 and "neither a name nor an email address" in failure.message


def test_an_email_column_alone_is_mapping_enough(api, account_list, django_capture_on_commit_callbacks):
    content = b"Subscriber\nann@example.com\nbo@example.com\n"
    created = create_csv(api, account_list, "s.csv", file=upload("s.csv", content))
    final = run(
        api, account_list, created, django_capture_on_commit_callbacks, file_headers_mappings={"email_1": "subscriber"}
    )
    assert final["status"] == "complete" and final["rows_created"] == 2


GOOGLE_CSV_SEVERAL_OF_ONE_TYPE = (
    "Name,Given Name,Family Name,Group Membership,E-mail 1 - Type,E-mail 1 - Value,E-mail 2 - Type,"
    "E-mail 2 - Value,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value\r\n"
    "Ann Lee,Ann,Lee,* myContacts,* Home,ann@example.com ::: ann.lee@example.org,Work,ann@work.example.com,"
    "Mobile,+1 555-0100 ::: +1 555-0101,Home,555-0102\r\n"
    "Bo Reed,Bo,Reed,* myContacts,* Other,bo@example.com,,,Mobile,+1 555-0200,,\r\n"
    "Cy Hart,Cy,Hart,* myContacts,* Home,cy@example.com ::: cy@example.net,,,Mobile,+1 555-0300 ::: 555-0301,,\r\n"
)


def test_google_csv_cells_holding_several_values_of_one_type_keep_each_of_them(
    api, account_list, django_capture_on_commit_callbacks
):
    """Google joins two home addresses (or two mobile numbers) in one cell with " ::: "."""
    content = GOOGLE_CSV_SEVERAL_OF_ONE_TYPE.encode()
    created = create_csv(api, account_list, "contacts.csv", file=upload("contacts.csv", content))
    suggested = created["attributes"]["suggested_file_headers_mappings"]
    assert (suggested["email_1"], suggested["phone_1"]) == ("e_mail_1_value", "phone_1_value")
    final = run(api, account_list, created, django_capture_on_commit_callbacks)
    assert (final["status"], final["rows_created"], final["rows_failed"]) == ("complete", 3, 0)
    (ann,) = contacts_by_name(api, account_list)["Lee, Ann"]["people"]
    assert emails(ann) == ["ann@example.com", "ann.lee@example.org", "ann@work.example.com"]
    assert phones(ann) == ["+1 555-0100", "+1 555-0101", "555-0102"]
    assert [email["primary"] for email in ann["email_addresses"]] == [True, False, False]


def test_a_cell_of_several_addresses_with_one_invalid_fails_its_row_naming_that_one(
    api, account_list, django_capture_on_commit_callbacks
):
    content = b'Name,Email\nAnn Lee,ann@example.com; not-an-address\nBo Reed,"bo@example.com, bo@example.org"\n'
    created = create_csv(api, account_list, "e.csv", file=upload("e.csv", content))
    final = run(
        api,
        account_list,
        created,
        django_capture_on_commit_callbacks,
        file_headers_mappings={"full_name": "name", "email_1": "email"},
    )
    assert (final["rows_created"], final["rows_failed"]) == (1, 1)
    failure = ImportFailure.objects.get(import_record_id=created["id"])
    assert failure.line_number == 2 and "'not-an-address' is not a valid email address" in failure.message
    (bo,) = contacts_by_name(api, account_list)["Reed, Bo"]["people"]
    assert emails(bo) == ["bo@example.com", "bo@example.org"]


def test_an_apostrophe_that_only_marks_text_is_not_part_of_the_value(
    api, account_list, django_capture_on_commit_callbacks
):
    """Exports guarding against spreadsheet formulas write '+1 555-0100; people type '02134 to keep the zero."""
    content = (
        b"Name,Phone,Zip,Email,Notes\n"
        b"Ann Lee,'+1 555-0100,'02134,ann@example.com,'=not a formula\n"
        b"Bo O'Neil,'555-0101,'07030,bo@example.com,'Tis the season\n"
    )
    created = create_csv(api, account_list, "guarded.csv", file=upload("guarded.csv", content))
    assert created["attributes"]["suggested_file_headers_mappings"]["phone_1"] == "phone"
    final = run(api, account_list, created, django_capture_on_commit_callbacks)
    assert (final["status"], final["rows_created"], final["rows_failed"]) == ("complete", 2, 0)
    contacts = contacts_by_name(api, account_list)
    assert phones(contacts["Lee, Ann"]["people"][0]) == ["+1 555-0100"]
    assert [contacts[name]["addresses"][0]["postal_code"] for name in ("Lee, Ann", "O'Neil, Bo")] == ["02134", "07030"]
    assert (contacts["Lee, Ann"]["notes"], contacts["O'Neil, Bo"]["notes"]) == ("=not a formula", "'Tis the season")


def test_a_list_without_column_names_keeps_its_first_line_as_a_contact(
    api, account_list, django_capture_on_commit_callbacks
):
    """A newsletter list of bare addresses (or a sheet of contacts) pasted without a header row."""
    content = b"ann@example.com\nbo@example.org\ncy@example.net\n"
    created = create_csv(api, account_list, "list.csv", file=upload("list.csv", content))
    attributes = created["attributes"]
    assert (attributes["file_headers"], attributes["header_line"], attributes["rows_total"]) == (
        {"column_1": ""},
        None,
        3,
    )
    assert attributes["suggested_file_headers_mappings"] == {"email_1": "column_1"}
    final = run(api, account_list, created, django_capture_on_commit_callbacks)
    assert (final["status"], final["rows_created"], final["rows_failed"]) == ("complete", 3, 0)
    assert set(contacts_by_name(api, account_list)) == {"ann@example.com", "bo@example.org", "cy@example.net"}


def test_rows_without_column_names_fail_at_their_own_lines(api, account_list, django_capture_on_commit_callbacks):
    content = b"Ann Lee,ann@example.com,555-0100\nBo Reed,not-an-address,555-0101\n"
    created = create_csv(api, account_list, "rows.csv", file=upload("rows.csv", content))
    assert created["attributes"]["file_headers"] == {"column_1": "", "column_2": "", "column_3": ""}
    mappings = {"full_name": "column_1", "email_1": "column_2", "phone_1": "column_3"}
    final = run(api, account_list, created, django_capture_on_commit_callbacks, file_headers_mappings=mappings)
    assert (final["rows_created"], final["rows_failed"]) == (1, 1)
    assert ImportFailure.objects.get(import_record_id=created["id"]).line_number == 2
    (ann,) = contacts_by_name(api, account_list)["Lee, Ann"]["people"]
    assert (emails(ann), phones(ann)) == (["ann@example.com"], ["555-0100"])


def test_zip_codes_and_phones_written_as_decimals_read_as_whole_numbers(
    api, account_list, django_capture_on_commit_callbacks
):
    """A program that took the columns for numbers (pandas, a database export) writes 60201.0."""
    content = b"Name,Zip,Phone,Spouse Phone\nAnn Lee,60201.0,5550100.0,5550101.00\nBo Reed,SW1A 1AA,+44 20 7946 0000,\n"
    created = create_csv(api, account_list, "export.csv", file=upload("export.csv", content))
    mappings = {"full_name": "name", "zip": "zip", "phone_1": "phone", "spouse_phone": "spouse_phone"}
    final = run(api, account_list, created, django_capture_on_commit_callbacks, file_headers_mappings=mappings)
    assert (final["status"], final["rows_created"]) == ("complete", 2)
    contacts = contacts_by_name(api, account_list)
    ann, spouse = sorted(contacts["Lee, Ann"]["people"], key=lambda person: person["first_name"] != "Ann")
    assert (contacts["Lee, Ann"]["addresses"][0]["postal_code"], phones(ann), phones(spouse)) == (
        "60201",
        ["5550100"],
        ["5550101"],
    )
    reed = contacts["Reed, Bo"]
    assert (reed["addresses"][0]["postal_code"], phones(reed["people"][0])) == ("SW1A 1AA", ["+44 20 7946 0000"])


def test_an_address_written_with_its_name_or_as_a_link_is_the_address(
    api, account_list, django_capture_on_commit_callbacks
):
    """Mail programs copy "Ann Lee <ann@example.com>"; web pages give mailto: links."""
    content = (
        b"Name,Email\nAnn Lee,Ann Lee <ann@example.com>\nBo Reed,mailto:bo@example.com\nCy Hart,<cy@example.net>\n"
    )
    created = create_csv(api, account_list, "mail.csv", file=upload("mail.csv", content))
    assert created["attributes"]["suggested_file_headers_mappings"]["email_1"] == "email"
    final = run(api, account_list, created, django_capture_on_commit_callbacks)
    assert (final["status"], final["rows_created"], final["rows_failed"]) == ("complete", 3, 0)
    contacts = contacts_by_name(api, account_list)
    assert [emails(contacts[name]["people"][0]) for name in ("Lee, Ann", "Reed, Bo", "Hart, Cy")] == [
        ["ann@example.com"],
        ["bo@example.com"],
        ["cy@example.net"],
    ]


def test_a_csv_for_macintosh_in_mac_roman_reads_its_accented_letters(
    api, account_list, django_capture_on_commit_callbacks
):
    """Excel for Mac's "CSV (Macintosh)": Mac Roman text with CR line ends, bytes cp1252 leaves undefined."""
    content = "First Name,Last Name,City\rAnn,Zürich,Genève\rBo,Ångström,Malmö\r".encode("mac_roman")
    created = create_csv(api, account_list, "mac.csv", file=upload("mac.csv", content))
    final = run(api, account_list, created, django_capture_on_commit_callbacks)
    assert (final["status"], final["rows_created"]) == ("complete", 2)
    contacts = contacts_by_name(api, account_list)
    assert set(contacts) == {"Zürich, Ann", "Ångström, Bo"}
    assert contacts["Ångström, Bo"]["addresses"][0]["city"] == "Malmö"


def test_a_vcard_with_more_addresses_and_numbers_than_columns_keeps_them_all(
    api, account_list, django_capture_on_commit_callbacks
):
    content = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Baker;Tom;;;\r\nFN:Tom Baker\r\n"
        b"EMAIL;TYPE=INTERNET;TYPE=HOME:tom@example.com\r\nEMAIL;TYPE=INTERNET;TYPE=WORK:tom@work.example.com\r\n"
        b"EMAIL;TYPE=INTERNET:tom.baker@example.org\r\n"
        b"TEL;TYPE=CELL:555-0100\r\nTEL;TYPE=HOME:555-0101\r\nTEL;TYPE=WORK:555-0102\r\nTEL:555-0103\r\n"
        b"END:VCARD\r\n"
    )
    created = create_csv(api, account_list, "tom.vcf", file=upload("tom.vcf", content))
    final = run(api, account_list, created, django_capture_on_commit_callbacks)
    assert (final["status"], final["rows_created"]) == ("complete", 1)
    (tom,) = contacts_by_name(api, account_list)["Baker, Tom"]["people"]
    assert emails(tom) == ["tom@example.com", "tom@work.example.com", "tom.baker@example.org"]
    assert phones(tom) == ["555-0100", "555-0101", "555-0102", "555-0103"]


def test_a_company_card_is_named_after_the_company_not_parsed_as_a_person(
    api, account_list, django_capture_on_commit_callbacks
):
    content = (
        # Apple's Contacts: a company's card, with N empty and X-ABShowAs:COMPANY.
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;\r\nFN:Acme Widgets\r\nORG:Acme Widgets;\r\n"
        b"X-ABShowAs:COMPANY\r\nEMAIL;type=INTERNET;type=WORK:info@acme.example\r\nEND:VCARD\r\n"
        # Another program's company card: the organisation alone.
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:First Baptist Church\r\nORG:First Baptist Church\r\n"
        b"TEL;TYPE=WORK:555-0199\r\nEND:VCARD\r\n"
        # A person who works somewhere stays a person.
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lee;Ann;;;\r\nFN:Ann Lee\r\nORG:Acme Widgets;Sales\r\nEND:VCARD\r\n"
    )
    created = create_csv(api, account_list, "cards.vcf", file=upload("cards.vcf", content))
    final = run(api, account_list, created, django_capture_on_commit_callbacks)
    assert (final["status"], final["rows_created"]) == ("complete", 3)
    contacts = contacts_by_name(api, account_list)
    assert set(contacts) == {"Acme Widgets", "First Baptist Church", "Lee, Ann"}
    (acme,) = contacts["Acme Widgets"]["people"]
    assert (acme["first_name"], acme["last_name"]) == ("", "Acme Widgets")
    assert emails(acme) == ["info@acme.example"]
    (church,) = contacts["First Baptist Church"]["people"]
    assert phones(church) == ["555-0199"]
