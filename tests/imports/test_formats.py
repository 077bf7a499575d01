"""Excel (.xlsx) and vCard (.vcf) files go through the CSV flow: samples, suggestions, failures, counters."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from imports.models import Import, ImportFailure
from imports.pipeline.readers.tabular import analyze_tabular, read_tabular
from imports.pipeline.readers.vcard import analyze_vcard
from imports.pipeline.readers.xlsx import cell_text, format_digits
from tests.imports.helpers import create_csv, imports_path, update
from tests.imports.suggestions.helpers import EXPORTS, contacts_by_name, emails, export_upload, phones

pytestmark = pytest.mark.django_db


def post(api, account_list, file, **attributes):
    fields = {"data[type]": "imports", "data[attributes][file]": file}
    fields.update({f"data[attributes][{key}]": value for key, value in attributes.items()})
    return api.post_multipart(imports_path(account_list, "/csv"), fields)


def errors(response) -> list[tuple[str, str]]:
    return [(e.get("source", {}).get("pointer", ""), e["detail"]) for e in response.json()["errors"]]


def start(api, account_list, created, capture) -> dict:
    with capture(execute=True):
        response = update(api, account_list, created, {"in_preview": False})
    assert response.status_code == 200, response.content
    return api.get(imports_path(account_list, f"/{created['id']}")).json()["data"]["attributes"]


def workbook_bytes(rows_by_sheet: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in rows_by_sheet.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def failures_csv(api, account_list, import_id) -> list[list[str]]:
    response = api.client.get(imports_path(account_list, f"/{import_id}/failures"))
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


# --------------------------------------------------------------------------- #
# Excel
# --------------------------------------------------------------------------- #


def test_an_excel_workbook_uploads_with_its_sheets_samples_and_suggestions(api, account_list):
    response = post(api, account_list, export_upload("donor_tracking.xlsx"), file_sheet="Donors")
    assert response.status_code == 201, response.content
    attributes = response.json()["data"]["attributes"]
    assert attributes["source"] == "csv"
    assert attributes["file_sheets"] == ["Instructions", "Donors", "Gifts"] and attributes["file_sheet"] == "Donors"
    assert attributes["rows_total"] == 6
    assert attributes["file_headers"]["zip"] == "ZIP"
    assert attributes["file_constants"]["frequency"] == ["Monthly", "Annually", "per month", "", "Quarterly", "mo"]
    assert attributes["suggested_file_headers_mappings"]["pledge_amount"] == "amount"
    record = Import.objects.get(pk=response.json()["data"]["id"])
    assert record.file_format == {
        "kind": "xlsx",
        "sheet": "Donors",
        "sheets": ["Instructions", "Donors", "Gifts"],
        "header_line": 1,
    }
    assert record.file.name.endswith(".xlsx")
    # Numbers stored as numbers read as a person sees them; the blank row 5 is skipped, row numbers kept.
    assert [row["line_number"] for row in record.sample_rows] == [2, 3, 4, 6]
    assert record.sample_rows[0]["values"]["zip"] == "40204" and record.sample_rows[0]["values"]["amount"] == "75"


def test_an_excel_workbook_imports_with_the_suggestions_and_counts_its_rows(
    api, account_list, django_capture_on_commit_callbacks
):
    created = post(api, account_list, export_upload("donor_tracking.xlsx"), file_sheet="Donors").json()["data"]
    # "$" is left to the person, so leaving preview with nothing sent stops at rule 7, naming it.
    response = update(api, account_list, created, {"in_preview": False})
    assert response.status_code == 400 and "'pledge_currency': ['$']" in errors(response)[0][1]
    # The person decides "$" and sends only the constants; the suggested header mappings still apply.
    suggested = created["attributes"]["suggested_file_constants_mappings"]
    constants = {**suggested, "pledge_currency": [*suggested["pledge_currency"], {"id": "USD", "values": ["$"]}]}
    with django_capture_on_commit_callbacks(execute=True):
        response = update(api, account_list, created, {"file_constants_mappings": constants, "in_preview": False})
    assert response.status_code == 200, response.content
    final = api.get(imports_path(account_list, f"/{created['id']}")).json()["data"]["attributes"]
    assert final["status"] == "complete", final["error"]
    assert (final["rows_processed"], final["rows_created"], final["rows_failed"]) == (6, 6, 0)
    contacts = contacts_by_name(api, account_list)
    whitfield = contacts["Whitfield, Sarah and Tom"]
    assert whitfield["pledge_amount"] == 75.0 and whitfield["pledge_frequency"] == 1.0
    assert whitfield["status"] == "Partner - Financial" and whitfield["send_newsletter"] == "Email"
    assert whitfield["addresses"][0]["postal_code"] == "40204"
    assert contacts["Kowalczyk, Jan and Ewa"]["pledge_currency"] == "PLN"
    assert contacts["Osei, Kofi"]["status"] == "Partner - Pray"


def test_failed_excel_rows_are_reported_with_their_sheet_row_number(
    api, account_list, django_capture_on_commit_callbacks
):
    content = workbook_bytes(
        {
            "People": [
                ["Contacts exported 2024-05-01"],  # a title above the table
                [],
                ["First Name", "Last Name", "Email"],
                ["Ann", "Lee", "ann@example.com"],
                [],
                ["Bo", "Ray", "not an email"],
                [None, None, "nobody@example.com"],
                [None, None, None, "a note without a name or an address"],
            ]
        }
    )
    created = create_csv(api, account_list, "people.xlsx", file=SimpleUploadedFile("people.xlsx", content))
    # The header is the first row that the rows below agree with in width, not the title.
    assert list(created["attributes"]["file_headers"].values()) == ["First Name", "Last Name", "Email"]
    assert created["attributes"]["header_line"] == 3
    final = start(api, account_list, created, django_capture_on_commit_callbacks)
    assert (final["rows_processed"], final["rows_created"], final["rows_failed"]) == (4, 2, 2)
    failures = list(ImportFailure.objects.filter(import_record_id=created["id"]).order_by("line_number"))
    assert [f.line_number for f in failures] == [6, 8]
    assert "not an email" in failures[0].message and "neither a name nor an email" in failures[1].message
    rows = failures_csv(api, account_list, created["id"])
    assert rows[0] == ["Error Message", "First Name", "Last Name", "Email"]
    assert rows[1][0].startswith("Line 6: ") and rows[1][1:] == ["Bo", "Ray", "not an email"]


def test_the_first_sheet_with_rows_is_read_unless_another_is_chosen(api, account_list):
    response = post(api, account_list, export_upload("donor_tracking.xlsx"))
    assert response.status_code == 201, response.content  # the first sheet holds one line of instructions
    attributes = response.json()["data"]["attributes"]
    assert (attributes["file_sheet"], attributes["file_sheet_read"], attributes["rows_total"]) == ("", "Donors", 6)


def test_an_empty_first_sheet_is_passed_over_and_its_contacts_import(
    api, account_list, django_capture_on_commit_callbacks
):
    content = workbook_bytes({"Sheet1": [], "Contacts": [["Name", "Email"], ["Ann Lee", "ann@example.com"]]})
    created = create_csv(api, account_list, "book.xlsx", file=SimpleUploadedFile("book.xlsx", content))
    assert created["attributes"]["file_headers"] == {"name": "Name", "email": "Email"}
    final = start(api, account_list, created, django_capture_on_commit_callbacks)
    assert (final["status"], final["rows_created"]) == ("complete", 1)
    assert emails(contacts_by_name(api, account_list)["Lee, Ann"]["people"][0]) == ["ann@example.com"]


def test_a_workbook_of_empty_sheets_is_refused_naming_them(api, account_list):
    response = post(api, account_list, SimpleUploadedFile("book.xlsx", workbook_bytes({"Sheet1": [], "Sheet2": []})))
    assert response.status_code == 400
    ((pointer, detail),) = errors(response)
    assert pointer == "/data/attributes/file" and detail.startswith(
        "Every sheet of the workbook (Sheet1, Sheet2) is empty"
    )


def test_whole_numbers_in_a_digits_format_keep_the_zeros_the_sheet_shows(
    api, account_list, django_capture_on_commit_callbacks
):
    """Excel's Zip Code format shows 02134 for the number 2134; its Phone Number format shows (617) 555-0101."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["First Name", "Last Name", "Zip", "Phone", "Amount"])
    sheet.append(["Ann", "Lee", 2134, 6175550101, 1250])
    sheet.append(["Bo", "Reed", 21340001.0, 5550100, 12.5])
    for cell in ("C2", "C3", "D2", "D3", "E2", "E3"):
        sheet[cell].number_format = {"C": "00000", "D": "[<=9999999]###-####;(###) ###-####", "E": "#,##0.00"}[cell[0]]
    sheet["C3"].number_format = "00000\\-0000"  # Zip Code + 4, stored as Excel writes it
    buffer = io.BytesIO()
    workbook.save(buffer)
    created = create_csv(api, account_list, "zips.xlsx", file=SimpleUploadedFile("zips.xlsx", buffer.getvalue()))
    mappings = {"first_name": "first_name", "last_name": "last_name", "zip": "zip", "phone_1": "phone"}
    created = update(api, account_list, created, {"file_headers_mappings": {**mappings, "pledge_amount": "amount"}})
    final = start(api, account_list, created.json()["data"], django_capture_on_commit_callbacks)
    assert (final["status"], final["rows_created"]) == ("complete", 2)
    contacts = contacts_by_name(api, account_list)
    assert [contacts[name]["addresses"][0]["postal_code"] for name in ("Lee, Ann", "Reed, Bo")] == [
        "02134",
        "02134-0001",
    ]
    assert [phones(contacts[name]["people"][0])[0] for name in ("Lee, Ann", "Reed, Bo")] == [
        "(617) 555-0101",
        "555-0100",
    ]
    assert [contacts[name]["pledge_amount"] for name in ("Lee, Ann", "Reed, Bo")] == [1250, 12.5]


@pytest.mark.parametrize(
    ("number", "number_format", "text"),
    [
        (2134, "00000", "02134"),
        (123456789, "000\\-00\\-0000", "123-45-6789"),
        (1067, "0", "1067"),
        (1067, "General", None),
        (12, "0.00", None),  # a decimal format is no digits format: the number is read as it is
        (1234, "#,##0", None),
    ],
)
def test_only_a_digits_format_changes_how_a_whole_number_reads(number, number_format, text):
    assert format_digits(number, number_format) == text


def test_a_header_of_two_rows_under_merged_cells_names_every_column(
    api, account_list, django_capture_on_commit_callbacks
):
    """Name and Email merged down over two rows; Address and Phone titles merged across their columns."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Email", "Address", None, None, "Phone", None])
    sheet.append([None, None, "Street", "City", "Zip", "Home", "Mobile"])
    sheet.append(["Ann Lee", "ann@example.com", "12 Oak St", "Springfield", "62701", "555-0101", "555-0100"])
    for cells in ("A1:A2", "B1:B2", "C1:E1", "F1:G1"):
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    created = create_csv(api, account_list, "book.xlsx", file=SimpleUploadedFile("book.xlsx", buffer.getvalue()))
    assert list(created["attributes"]["file_headers"].values()) == [
        "Name",
        "Email",
        "Address Street",
        "Address City",
        "Address Zip",
        "Phone Home",
        "Phone Mobile",
    ]
    final = start(api, account_list, created, django_capture_on_commit_callbacks)
    assert (final["status"], final["rows_created"], final["rows_failed"]) == ("complete", 1, 0)
    ann = contacts_by_name(api, account_list)["Lee, Ann"]
    assert (emails(ann["people"][0]), sorted(phones(ann["people"][0]))) == (
        ["ann@example.com"],
        ["555-0100", "555-0101"],
    )
    assert [(a["street"], a["city"], a["postal_code"]) for a in ann["addresses"]] == [
        ("12 Oak St", "Springfield", "62701")
    ]


def test_a_title_row_above_the_header_is_not_part_of_its_names(api, account_list):
    content = workbook_bytes(
        {"Donors": [["Donor report", "2024"], ["Name", "Email", "City"], ["Ann Lee", "a@x.org", "Rome"]]}
    )
    created = create_csv(api, account_list, "book.xlsx", file=SimpleUploadedFile("book.xlsx", content))
    assert created["attributes"]["file_headers"] == {"name": "Name", "email": "Email", "city": "City"}


def test_an_unknown_sheet_is_refused_naming_the_sheets(api, account_list):
    response = post(api, account_list, export_upload("donor_tracking.xlsx"), file_sheet="Givers")
    assert response.status_code == 400
    ((pointer, detail),) = errors(response)
    assert pointer == "/data/attributes/file_sheet"
    assert "'Givers'" in detail and "Instructions, Donors, Gifts" in detail
    assert Import.objects.count() == 0


def test_choosing_another_sheet_reads_the_stored_workbook_again(api, account_list):
    content = workbook_bytes(
        {"Friends": [["Name"], ["Ann Lee"]], "Family": [["First Name", "Email"], ["Bo", "b@x.org"]]}
    )
    created = create_csv(api, account_list, "book.xlsx", file=SimpleUploadedFile("book.xlsx", content))
    assert created["attributes"]["file_headers"] == {"name": "Name"}
    update(api, account_list, created, {"file_headers_mappings": {"full_name": "name"}})
    response = update(api, account_list, created, {"file_sheet": "Family"})
    assert response.status_code == 200, response.content
    attributes = response.json()["data"]["attributes"]
    assert attributes["file_headers"] == {"first_name": "First Name", "email": "Email"}
    assert attributes["file_headers_mappings"] == {}  # they described the other sheet
    assert attributes["suggested_file_headers_mappings"] == {"email_1": "email", "first_name": "first_name"}
    assert update(api, account_list, created, {"file_sheet": "Nope"}).status_code == 400


def test_a_sheet_cannot_be_chosen_for_a_csv_file(api, account_list):
    response = post(api, account_list, export_upload("google_contacts.csv"), file_sheet="Sheet1")
    assert response.status_code == 400
    assert errors(response)[0][0] == "/data/attributes/file_sheet"


def test_a_zip_that_is_not_a_workbook_is_refused_clearly(api, account_list):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("contacts.csv", "First Name\nAnn\n")
    response = post(api, account_list, SimpleUploadedFile("contacts.zip", buffer.getvalue()))
    assert response.status_code == 400
    ((pointer, detail),) = errors(response)
    assert pointer == "/data/attributes/file" and "not an Excel workbook" in detail and "ZIP archive" in detail


def test_an_apple_numbers_file_is_refused_saying_how_to_export_it(api, account_list):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Index/Document.iwa", b"\x00\x01")
        archive.writestr("Metadata/Properties.plist", "<plist/>")
    response = post(api, account_list, SimpleUploadedFile("contacts.numbers", buffer.getvalue()))
    assert response.status_code == 400
    ((pointer, detail),) = errors(response)
    assert pointer == "/data/attributes/file" and "Apple Numbers" in detail and "Export To > Excel or CSV" in detail


def test_a_workbook_that_would_inflate_beyond_reason_is_refused_unopened(api, account_list):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 1024 * 1024))  # 64 MB of zeros, ~64 KB packed
    response = post(api, account_list, SimpleUploadedFile("bomb.xlsx", buffer.getvalue()))
    assert response.status_code == 400
    assert "far more space unpacked" in errors(response)[0][1]


def test_a_damaged_workbook_is_refused_with_a_message(api, account_list):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "this is not xml")
    response = post(api, account_list, SimpleUploadedFile("broken.xlsx", buffer.getvalue()))
    assert response.status_code == 400
    assert "cannot be read" in errors(response)[0][1]


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (60201.0, "60201"), (12.5, "12.5"), (True, "TRUE"), (7, "7"), ("  x ", "  x ")],
)
def test_excel_cells_read_as_a_person_sees_them(value, text):
    assert cell_text(value) == text


# --------------------------------------------------------------------------- #
# vCard
# --------------------------------------------------------------------------- #


def test_a_vcard_file_uploads_with_readable_headers_samples_and_suggestions(api, account_list):
    response = api.post_multipart(
        imports_path(account_list, "/csv") + "?include=sample_contacts",
        {"data[type]": "imports", "data[attributes][file]": export_upload("apple_contacts.vcf")},
    )
    assert response.status_code == 201, response.content
    attributes = response.json()["data"]["attributes"]
    assert attributes["rows_total"] == 5
    assert list(attributes["file_headers"].values())[:4] == ["Full Name", "First Name", "Middle Name", "Last Name"]
    assert attributes["suggested_file_headers_mappings"]["zip"] == "postal_code"
    assert Import.objects.get().file_format == {"kind": "vcard"}
    assert Import.objects.get().file.name.endswith(".vcf")


@pytest.mark.parametrize(
    "name", ["apple_contacts.vcf", "google_contacts.vcf", "outlook_contacts.vcf", "contacts_v4.vcf"]
)
def test_vcard_exports_import_with_no_mapping_sent(name, api, account_list, django_capture_on_commit_callbacks):
    created = create_csv(api, account_list, name, file=export_upload(name))
    final = start(api, account_list, created, django_capture_on_commit_callbacks)
    assert final["status"] == "complete", final["error"]
    assert final["rows_processed"] == final["rows_created"] == created["attributes"]["rows_total"]
    assert final["rows_failed"] == 0


def test_vcard_21_from_outlook_is_decoded(api, account_list, django_capture_on_commit_callbacks):
    created = create_csv(api, account_list, "o.vcf", file=export_upload("outlook_contacts.vcf"))
    start(api, account_list, created, django_capture_on_commit_callbacks)
    contacts = contacts_by_name(api, account_list)
    fischer = contacts["Fischer, Margarethe"]
    (person,) = fischer["people"]
    assert emails(person) == ["m.fischer@example.de", "margarethe@stadtwerke.example"]
    assert phones(person) == ["+49 171 555 0122", "+49 221 555 0111", "+49 221 555 0100"]  # cell, home, work; no fax
    (address,) = fischer["addresses"]
    assert (address["street"], address["city"], address["country"]) == ("Domstraße 12, 3. Stock", "Köln", "Deutschland")
    assert fischer["notes"] == "Spricht Deutsch und Englisch.\nBitte per E-Mail kontaktieren."
    assert "Müller, Jürgen" in contacts  # raw Windows-1252 without a CHARSET parameter
    assert contacts["Müller, Jürgen"]["tags"] == ["Unterstützer"]


def test_vcard_30_and_40_values_are_unfolded_unescaped_and_ordered_by_preference():
    with (EXPORTS / "apple_contacts.vcf").open("rb") as stream:
        apple = analyze_vcard(stream)
    first = apple.samples[0].values
    assert first["email_1"] == "dan@whitaker.example" and first["phone_1"] == "(319) 555-0142"
    assert first["street"] == "4410 County Rd 12, Unit B"
    assert first["notes"] == "Met at the harvest fair.\nLikes tractors, and coffee."
    assert first["categories"] == "Supporters, Harvest 2023"
    assert apple.samples[1].values["notes"].endswith("in the summer.")  # a folded line
    with (EXPORTS / "contacts_v4.vcf").open("rb") as stream:
        v4 = analyze_vcard(stream)
    elodie = v4.samples[0].values
    assert elodie["email_1"] == "elodie@example.fr"  # PREF=1 first
    assert elodie["phone_1"] == "+33-6-55-55-01-01"  # tel: URIs
    assert elodie["city"] == "Lyon"


def test_failed_vcard_contacts_are_reported_at_the_line_where_they_start(
    api, account_list, django_capture_on_commit_callbacks
):
    content = (
        b"BEGIN:VCARD\nVERSION:3.0\nN:Lee;Ann;;;\nFN:Ann Lee\nEMAIL:ann@example.com\nEND:VCARD\n"
        b"BEGIN:VCARD\nVERSION:3.0\nN:Ray;Bo;;;\nFN:Bo Ray\nEMAIL:bo at example\nEND:VCARD\n"
        b"\n"
        b"BEGIN:VCARD\nVERSION:3.0\nNOTE:nobody\nEND:VCARD\n"
    )
    created = create_csv(api, account_list, "c.vcf", file=SimpleUploadedFile("c.vcf", content))
    final = start(api, account_list, created, django_capture_on_commit_callbacks)
    assert (final["rows_processed"], final["rows_created"], final["rows_failed"]) == (3, 1, 2)
    failures = list(ImportFailure.objects.filter(import_record_id=created["id"]).order_by("line_number"))
    assert [f.line_number for f in failures] == [7, 14]
    assert "bo at example" in failures[0].message and "neither a name nor an email" in failures[1].message
    rows = failures_csv(api, account_list, created["id"])
    assert rows[0][:5] == ["Error Message", "Full Name", "First Name", "Middle Name", "Last Name"]
    assert rows[1][0].startswith("Line 7: ") and rows[1][1] == "Bo Ray"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\n", "Line 1: the contact that starts here never ends"),
        (b"BEGIN:VCARD\nFN:A\nBEGIN:VCARD\nFN:B\nEND:VCARD\n", "Line 3: a contact starts before"),
        (b"BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n", "no contacts"),
    ],
)
def test_a_broken_vcard_file_is_refused_naming_the_line(content, message, api, account_list):
    response = post(api, account_list, SimpleUploadedFile("broken.vcf", content))
    assert response.status_code == 400
    assert message in errors(response)[0][1]


def test_a_utf16_vcard_with_a_byte_order_mark_is_read():
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Åberg;Sven;;;\r\nFN:Sven Åberg\r\nEND:VCARD\r\n"
    analysis = analyze_tabular(io.BytesIO(text.encode("utf-16")))
    assert analysis.file_format == {"kind": "vcard"}
    assert analysis.samples[0].values["last_name"] == "Åberg"


def test_a_csv_stored_before_the_other_kinds_is_still_read():
    rows = list(read_tabular(io.BytesIO(b"First Name\nAnn\n"), {"encoding": "utf-8", "delimiter": ","}))
    assert [row.values for row in rows] == [{"first_name": "Ann"}]
