"""The CSV flow end to end, through HTTP and the real import task (django-q2 in sync mode)."""

import csv
import io

import pytest

from contacts.models import Contact
from imports.failures import neutralize
from imports.models import Import, ImportFailure
from tests.conftest import fixture_path
from tests.factories import AccountListFactory, MembershipFactory
from tests.imports.helpers import (
    CUSTOM_CONSTANTS_MAPPINGS,
    CUSTOM_HEADERS_MAPPINGS,
    STANDARD,
    Mappings,
    create_csv,
    csv_content,
    imports_path,
    make_import,
    update,
    upload,
)

pytestmark = pytest.mark.django_db


def contacts_of(api, account_list, **params) -> list[dict]:
    response = api.get(f"/api/v2/account_lists/{account_list.id}/contacts", **{"page[size]": 100, **params})
    assert response.status_code == 200, response.content
    return response.json()["data"]


def by_name(contacts: list[dict]) -> dict[str, dict]:
    return {contact["attributes"]["name"]: contact["attributes"] for contact in contacts}


def emails(person: dict) -> list[str]:
    return [email["email"] for email in person["email_addresses"]]


def phones(person: dict) -> list[str]:
    return [phone["number"] for phone in person["phone_numbers"]]


def test_a_csv_is_uploaded_mapped_previewed_and_started_over_http_and_every_field_is_written(
    api, account_list, django_capture_on_commit_callbacks
):
    # 1. Upload: the analysis is in the response at once.
    created = create_csv(api, account_list, "sample_csv_with_custom_headers.csv")
    attributes = created["attributes"]
    assert attributes["in_preview"] is True and attributes["status"] == "preview"
    assert attributes["file_headers"]["spouse_fname"] == "Spouse-fname"
    assert attributes["file_constants"]["status"] == ["Praying", "Praying and giving"]
    assert "email_address" not in attributes["file_constants"]
    assert attributes["rows_total"] == 3

    # 2. Map headers: three samples appear.
    response = update(
        api, account_list, created, {"file_headers_mappings": CUSTOM_HEADERS_MAPPINGS}, include="sample_contacts"
    )
    assert response.status_code == 200, response.content
    assert len(response.json()["data"]["relationships"]["sample_contacts"]["data"]) == 3

    # 3. Map constants; 4. the preview shows the converted values.
    response = update(
        api, account_list, created, {"file_constants_mappings": CUSTOM_CONSTANTS_MAPPINGS}, include="sample_contacts"
    )
    samples = {item["attributes"]["name"]: item["attributes"] for item in response.json()["included"]}
    assert set(samples) == {"Doe, John and Jane", "Park, Bob and Sara Kim", "Man, Joe"}
    doe = samples["Doe, John and Jane"]
    assert doe["status"] == "Partner - Pray" and doe["pledge_frequency"] == 1.0 and doe["pledge_currency"] == "CAD"
    assert doe["people"][0]["emails"][0]["email"] == "john@example.com"
    assert doe["addresses"][0]["street"] == "1 Example Ave, Apt 6"
    assert "missing-csv-referred-by" in doe["tags"]
    assert Contact.objects.count() == 0  # a preview writes nothing

    # 5. Start; the task runs and the contacts are there.
    with django_capture_on_commit_callbacks(execute=True):
        response = update(api, account_list, created, {"in_preview": False})
    assert response.status_code == 200, response.content
    final = api.get(imports_path(account_list, f"/{created['id']}")).json()["data"]["attributes"]
    assert final["status"] == "complete", final["error"]
    assert (final["rows_processed"], final["rows_created"], final["rows_updated"], final["rows_failed"]) == (3, 3, 0, 0)
    assert final["started_at"] and final["completed_at"]

    contacts = by_name(contacts_of(api, account_list))
    assert set(contacts) == {"Doe, John and Jane", "Park, Bob and Sara Kim", "Man, Joe"}
    doe = contacts["Doe, John and Jane"]
    assert doe["greeting"] == "Hi John and Jane"
    assert doe["envelope_greeting"] == "Doe family"
    assert doe["church_name"] == "Westside Baptist Church"
    assert doe["status"] == "Partner - Pray"
    assert doe["pledge_amount"] == 50.0 and doe["pledge_frequency"] == 1.0 and doe["pledge_currency"] == "CAD"
    assert doe["send_newsletter"] == "Both"
    assert doe["likely_to_give"] == "Most Likely"
    assert doe["no_appeals"] is False
    assert doe["website"] == "http://www.john.doe"
    assert doe["tags"] == ["christmas-card", "family", "missing-csv-referred-by"]
    assert doe["notes"] == "test notes\nReferred by: Mary Kim"
    john, jane = doe["people"]
    assert (john["first_name"], john["last_name"], john["is_spouse"]) == ("John", "Doe", False)
    assert (jane["first_name"], jane["last_name"], jane["is_spouse"]) == ("Jane", "Doe", True)
    assert emails(john) == ["john@example.com"] and emails(jane) == ["jane@example.com"]
    assert phones(john) == ["(213) 222-3333"] and phones(jane) == ["(407) 555-6666"]
    assert john["email_addresses"][0]["primary"] is True
    (address,) = doe["addresses"]
    assert address == {
        **address,
        "street": "1 Example Ave, Apt 6",
        "city": "Sample City",
        "state": "IL",
        "postal_code": "60201",
        "country": "USA",
        "metro_area": "metro",
        "region": "region",
        "primary_mailing_address": True,
    }
    park = contacts["Park, Bob and Sara Kim"]
    assert park["status"] == "Partner - Financial"
    assert park["no_appeals"] is True
    assert park["likely_to_give"] == "Least Likely"
    assert [p["last_name"] for p in park["people"]] == ["Park", "Kim"]
    assert park["addresses"][0]["postal_code"] == "L8D 3B9"  # padded values are trimmed
    joe = contacts["Man, Joe"]
    assert len(joe["people"]) == 1 and joe["pledge_amount"] is None


def test_contacts_can_be_filtered_by_import_and_by_tag(api, member, account_list):
    final = make_import(
        account_list=account_list, user=member.user, fixture="sample_csv_to_import.csv", mappings=STANDARD
    )
    other = make_import(
        account_list=account_list,
        user=member.user,
        fixture="sample_csv_with_fullname.csv",
        mappings=STANDARD,
        tag_list="second",
    )
    assert len(contacts_of(api, account_list, **{"filter[import]": str(final.pk)})) == 1
    assert len(contacts_of(api, account_list, **{"filter[import]": str(other.pk)})) == 1
    assert len(contacts_of(api, account_list, **{"filter[tags]": "second"})) == 1
    assert len(contacts_of(api, account_list, **{"filter[tags]": "family,nothing"})) == 1
    assert api.get(f"/api/v2/account_lists/{account_list.id}/contacts", **{"filter[nope]": "x"}).status_code == 400


def test_full_name_column_is_parsed_into_people(api, member, account_list):
    final = make_import(
        account_list=account_list, user=member.user, fixture="sample_csv_with_fullname.csv", mappings=STANDARD
    )
    assert final.status == Import.Status.COMPLETE
    (contact,) = contacts_of(api, account_list)
    assert contact["attributes"]["name"] == "Doe, John and Jane"
    assert [(p["first_name"], p["last_name"]) for p in contact["attributes"]["people"]] == [
        ("John", "Doe"),
        ("Jane", "Doe"),
    ]


def test_newsletter_none_is_imported_as_none(api, member, account_list):
    make_import(account_list=account_list, user=member.user, fixture="sample_csv_with_none.csv", mappings=STANDARD)
    (contact,) = contacts_of(api, account_list)
    assert contact["attributes"]["send_newsletter"] == "None"


def test_invalid_rows_are_reported_with_line_and_reason_while_good_rows_import(
    api, account_list, django_capture_on_commit_callbacks, stranger
):
    created = create_csv(api, account_list, "sample_csv_with_some_invalid_rows.csv")
    header_mappings = {k: v for k, v in CUSTOM_HEADERS_MAPPINGS.items() if v in created["attributes"]["file_headers"]}
    mappings = {"file_headers_mappings": header_mappings, "file_constants_mappings": CUSTOM_CONSTANTS_MAPPINGS}
    with django_capture_on_commit_callbacks(execute=True):
        assert update(api, account_list, created, {**mappings, "in_preview": False}).status_code == 200
    final = api.get(imports_path(account_list, f"/{created['id']}")).json()["data"]
    attributes = final["attributes"]
    assert attributes["status"] == "complete"
    assert (attributes["rows_processed"], attributes["rows_created"], attributes["rows_failed"]) == (3, 2, 1)
    # The row without a name has an email address: it imports, named after it.
    assert sorted(by_name(contacts_of(api, account_list))) == ["Doe, John and Jane", "joe@inter.net"]
    failures = list(ImportFailure.objects.filter(import_record_id=final["id"]).order_by("line_number"))
    assert [f.line_number for f in failures] == [3]
    assert "'this is not a valid email' is not a valid email address" in failures[0].message

    response = api.client.get(imports_path(account_list, f"/{final['id']}/failures"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    original = list(csv.reader(fixture_path("csv", "sample_csv_with_some_invalid_rows.csv").open()))
    assert rows[0] == ["Error Message", *original[0]]
    # Cells a spreadsheet would run as formulas ("+1234...") are written with a leading quote.
    assert rows[1][0].startswith("Line 3: ") and rows[1][1:] == [neutralize(cell) for cell in original[2]]
    assert "'+12345678901" in rows[1]
    assert len(rows) == 2
    assert stranger.client.get(imports_path(account_list, f"/{final['id']}/failures")).status_code == 404


def test_an_invalid_email_fails_the_row_and_names_the_address(member, account_list):
    final = make_import(account_list=account_list, user=member.user, fixture="csv_invalid.csv", mappings=STANDARD)
    assert (final.rows_failed, final.rows_created) == (1, 0)
    assert "invalidemail!" in ImportFailure.objects.get(import_record=final).message


def test_an_amount_that_is_not_a_number_fails_the_row(member, account_list):
    content = b'First Name,Last Name,Commitment Amount\nAnn,Lee,"$1,250.50"\nBo,Ray,lots\n'
    mappings = {"first_name": "first_name", "last_name": "last_name", "pledge_amount": "commitment_amount"}
    make_import(account_list=account_list, user=member.user, content=content, mappings=mappings)
    assert Contact.objects.get().pledge_amount == pytest.approx(1250.50)
    assert "Commitment Amount 'lots' is not a number" in ImportFailure.objects.get().message


@pytest.mark.parametrize(
    "name", ["sample_csv_with_bom.csv", "sample_csv_iso_8950_1.csv", "sample_csv_inconsistent_newlines.csv"]
)
def test_bom_latin1_and_mixed_newlines_import_like_clean_utf8(name, api, account_list, member):
    raw = fixture_path("csv", name).read_bytes()
    encoding = (
        "utf-8-sig"
        if raw.startswith(b"\xef\xbb\xbf")
        else "utf-8"
        if name != "sample_csv_iso_8950_1.csv"
        else "latin-1"
    )
    clean = raw.decode(encoding).replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    make_import(account_list=account_list, user=member.user, fixture=name, mappings=STANDARD)
    clean_list = MembershipFactory(user=member.user, account_list=AccountListFactory()).account_list
    make_import(account_list=clean_list, user=member.user, content=clean, mappings=STANDARD)

    def comparable(account) -> list[dict]:
        rows = []
        for contact in contacts_of(api, account):
            attributes = dict(contact["attributes"])
            for key in ("created_at", "updated_at"):
                attributes.pop(key)
            for person in attributes["people"]:
                person.pop("id")
                for item in person["email_addresses"] + person["phone_numbers"]:
                    item.pop("id")
            for address in attributes["addresses"]:
                address.pop("id")
            rows.append(attributes)
        return rows

    assert comparable(account_list) == comparable(clean_list)
    if name == "sample_csv_iso_8950_1.csv":
        assert comparable(account_list)[0]["name"] == "Lané, John"


def test_a_file_with_a_header_and_only_blank_rows_is_refused_with_a_message(api, account_list):
    response = api.post_multipart(
        imports_path(account_list, "/csv"), {"data[attributes][file]": upload("sample_csv_blank.csv")}
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["source"]["pointer"] == "/data/attributes/file"
    assert "no data rows" in error["detail"]
    assert Import.objects.count() == 0


def test_importing_the_same_file_twice_creates_no_duplicates(api, member, account_list):
    first = make_import(
        account_list=account_list, user=member.user, fixture="sample_csv_to_import.csv", mappings=STANDARD
    )
    second = make_import(
        account_list=account_list, user=member.user, fixture="sample_csv_to_import.csv", mappings=STANDARD
    )
    assert first.rows_created == 1
    assert (second.rows_created, second.rows_updated) == (0, 1)
    (contact,) = contacts_of(api, account_list)
    attributes = contact["attributes"]
    assert len(attributes["people"]) == 2
    assert [len(p["email_addresses"]) for p in attributes["people"]] == [1, 1]
    assert [len(p["phone_numbers"]) for p in attributes["people"]] == [1, 1]
    assert len(attributes["addresses"]) == 1
    assert attributes["tags"] == ["christmas-card", "family"]


def _changed_copy() -> bytes:
    text = fixture_path("csv", "sample_csv_to_import.csv").read_text()
    return (
        text.replace("Hi John and Jane", "Dear Does")
        .replace("john@example.com", "john.doe@example.org")
        .replace("Partner - Pray", "Partner - Financial")
        .encode()
    )


@pytest.mark.parametrize("override", [False, True])
def test_a_matching_row_fills_blanks_or_with_override_replaces_values(override, api, member, account_list):
    make_import(account_list=account_list, user=member.user, fixture="sample_csv_to_import.csv", mappings=STANDARD)
    Contact.objects.update(church_name="")
    mappings = STANDARD.headers | {"church": "envelope_greeting"}  # a value for the blanked field
    make_import(
        account_list=account_list,
        user=member.user,
        content=_changed_copy(),
        mappings=Mappings(mappings),
        override=override,
    )
    (contact,) = contacts_of(api, account_list)
    attributes = contact["attributes"]
    assert attributes["church_name"] == "Doe family"  # a blank is filled either way
    assert attributes["greeting"] == ("Dear Does" if override else "Hi John and Jane")
    assert attributes["status"] == ("Partner - Financial" if override else "Partner - Pray")
    # Matched by name; the new address is added once, the old one kept.
    assert sorted(emails(attributes["people"][0])) == ["john.doe@example.org", "john@example.com"]


GREETED = {"first_name": "first_name", "last_name": "last_name", "greeting": "greeting"}


@pytest.mark.parametrize("override", [False, True])
def test_a_greeting_made_from_the_names_never_replaces_a_written_one(override, api, member, account_list):
    header = ["First Name", "Last Name", "Greeting"]
    written = csv_content(header, [["Ann", "Lee", "Dear Ann"]])
    make_import(account_list=account_list, user=member.user, content=written, mappings=GREETED)
    # The file has no greeting for her: the one made from her first name ("Ann") must not replace the written one.
    blank = csv_content(header, [["Ann", "Lee", ""]])
    again = make_import(account_list=account_list, user=member.user, content=blank, mappings=GREETED, override=override)
    assert (again.rows_created, again.rows_updated) == (0, 1)
    (contact,) = contacts_of(api, account_list)
    assert contact["attributes"]["greeting"] == "Dear Ann"


def test_with_override_a_greeting_of_the_file_replaces_the_stored_one(api, member, account_list):
    header = ["First Name", "Last Name", "Greeting"]
    make_import(
        account_list=account_list, user=member.user, content=csv_content(header, [["Ann", "Lee", ""]]), mappings=GREETED
    )
    assert contacts_of(api, account_list)[0]["attributes"]["greeting"] == "Ann"  # made from her name
    written = csv_content(header, [["Ann", "Lee", "Dear Ann"]])
    make_import(account_list=account_list, user=member.user, content=written, mappings=GREETED, override=True)
    assert contacts_of(api, account_list)[0]["attributes"]["greeting"] == "Dear Ann"


def test_a_row_matches_an_existing_contact_by_primary_email_and_person(api, member, account_list):
    make_import(account_list=account_list, user=member.user, fixture="sample_csv_to_import.csv", mappings=STANDARD)
    # "Doe, John" is not the contact's name ("Doe, John and Jane"), but John Doe is one of its people.
    content = b"Full Name,Primary Email,Tags\nJohn Doe,JOHN@example.com ,renamed\n"
    mappings = {"full_name": "full_name", "email_1": "primary_email", "tags": "tags"}
    make_import(account_list=account_list, user=member.user, content=content, mappings=mappings)
    (contact,) = contacts_of(api, account_list)
    assert contact["attributes"]["tags"] == ["christmas-card", "family", "renamed"]


def test_referred_by_links_to_an_existing_contact(member, account_list):
    make_import(account_list=account_list, user=member.user, fixture="sample_csv_to_import.csv", mappings=STANDARD)
    content = b'First Name,Last Name,Referred By\nMary,Kim,"doe,  john AND jane"\n'
    mappings = {"first_name": "first_name", "last_name": "last_name", "referred_by": "referred_by"}
    make_import(account_list=account_list, user=member.user, content=content, mappings=mappings)
    mary = Contact.objects.get(name="Kim, Mary")
    assert mary.referred_by.name == "Doe, John and Jane"
    assert not mary.tags.filter(name="missing-csv-referred-by").exists()


def test_replacing_the_file_recomputes_the_analysis_and_clears_mappings(api, account_list):
    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    update(api, account_list, created, {"file_headers_mappings": {"first_name": "first_name"}})
    current = api.get(imports_path(account_list, f"/{created['id']}")).json()["data"]["attributes"]["updated_at"]
    response = api.put_multipart(
        imports_path(account_list, f"/csv/{created['id']}"),
        {
            "data[type]": "imports",
            "data[id]": created["id"],
            "data[attributes][updated_in_db_at]": current,
            "data[attributes][file]": upload("sample_csv_with_custom_headers.csv"),
        },
    )
    assert response.status_code == 200, response.content
    attributes = response.json()["data"]["attributes"]
    assert "spouse_fname" in attributes["file_headers"]
    assert attributes["file_headers_mappings"] == {}
    assert attributes["rows_total"] == 3
    assert response.json()["data"]["relationships"]["sample_contacts"]["data"] == []


def test_a_started_import_can_no_longer_be_changed(api, member, account_list):
    final = make_import(
        account_list=account_list, user=member.user, fixture="sample_csv_to_import.csv", mappings=STANDARD
    )
    response = update(api, account_list, {"id": str(final.pk)}, {"file_headers_mappings": {"last_name": "last_name"}})
    assert response.status_code == 400
    assert "can no longer be changed" in response.json()["errors"][0]["detail"]


def test_constants_endpoint_serves_fields_constants_and_the_size_limit(api, settings):
    attributes = api.get("/api/v2/constants").json()["data"]["attributes"]
    csv_import = attributes["csv_import"]
    assert csv_import["supported_headers"]["pledge_amount"] == "Commitment Amount"
    assert len(csv_import["supported_headers"]) == 33
    assert {"id": "1.0", "value": "Monthly"} in csv_import["constants"]["pledge_frequency"]
    assert {"id": "true", "value": "Yes"} in csv_import["constants"]["send_appeals"]
    assert csv_import["max_file_size_in_bytes"] == settings.IMPORT_MAX_FILE_SIZE
    assert attributes["tnt_import"]["max_file_size_in_bytes"] == settings.IMPORT_MAX_FILE_SIZE


@pytest.mark.parametrize("override", [False, True])
def test_a_new_mailing_address_becomes_primary_only_with_override(override, api, member, account_list):
    mappings = {"first_name": "first_name", "last_name": "last_name", "street": "street", "city": "city"}
    mappings["email_1"] = "email"  # the same person at a new address (the address alone would say otherwise)
    for street in ["1 Old Road", "2 New Street"]:
        content = f"First Name,Last Name,Street,City,Email\nAnn,Lee,{street},Springfield,ann@example.com\n".encode()
        record = make_import(
            account_list=account_list, user=member.user, content=content, mappings=mappings, override=override
        )
        assert record.status == Import.Status.COMPLETE, record.error
    (contact,) = contacts_of(api, account_list)
    addresses = {a["street"]: a["primary_mailing_address"] for a in contact["attributes"]["addresses"]}
    assert addresses == {"1 Old Road": not override, "2 New Street": override}


def test_a_row_with_more_values_than_the_header_fails_and_the_others_import(member, account_list):
    # An unquoted comma inside a value shifts the cells after it: "Lee, Ann" would be a contact "Lee" in "Ann".
    content = b"Full Name,City\nBo Park,Paris\nLee, Ann,Lyon\nEve Ray,Nice,,\n"
    mappings = {"full_name": "full_name", "city": "city"}
    final = make_import(account_list=account_list, user=member.user, content=content, mappings=mappings)
    assert (final.rows_created, final.rows_failed) == (2, 1)
    assert sorted(Contact.objects.values_list("name", flat=True)) == ["Park, Bo", "Ray, Eve"]
    (failure,) = ImportFailure.objects.filter(import_record=final)
    assert failure.line_number == 3
    assert failure.message == (
        "This row has 3 values but the header row names 2 columns: a value that holds a comma (the file's "
        "delimiter) must be in quotes. Correct the row and import it again."
    )
