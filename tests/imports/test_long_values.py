"""Long values: text people write is imported whole; a value too long for what it is fails its row, and says so."""

import csv
import io

import pytest

from contacts.models import Contact, Person
from fundraising.models import Appeal, Donation, DonorAccount, Task
from imports.models import Import, ImportFailure
from tests.conftest import FIXTURES
from tests.imports.helpers import csv_content, imports_path, make_import, update, upload
from tests.imports.test_tnt_data_sync_flow import data_sync_file, run_data_sync

pytestmark = pytest.mark.django_db

GREETING = ("Dear " + "friend and fellow worker, " * 15).strip()  # 394 characters
CHURCH = ("First Church of the Long Name, " * 10).strip()  # 309 characters


def contacts_of(api, account_list) -> dict[str, dict]:
    response = api.get(f"/api/v2/account_lists/{account_list.id}/contacts", **{"page[size]": 100})
    assert response.status_code == 200, response.content
    return {contact["attributes"]["name"]: contact["attributes"] for contact in response.json()["data"]}


def samples_of(api, account_list, import_id) -> list[dict]:
    response = api.get(imports_path(account_list, f"/{import_id}"), include="sample_contacts")
    assert response.status_code == 200, response.content
    return [item["attributes"] for item in response.json().get("included", []) if item["type"] == "sample_contacts"]


def failures_csv(api, account_list, import_id) -> list[list[str]]:
    response = api.client.get(imports_path(account_list, f"/{import_id}/failures"))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_a_long_greeting_church_name_and_city_are_imported_whole_and_samples_say_so(api, member, account_list):
    first_name, city = "Maximiliana-" * 25, "Llanfairpwllgwyngyll " * 15
    content = csv_content(
        ["First Name", "Last Name", "Greeting", "Church", "City"],
        [[first_name, "Lee", GREETING, CHURCH, city], ["Bo", "Ray", "Hi Bo", "Grace", "Ames"]],
    )
    mappings = {
        "first_name": "first_name",
        "last_name": "last_name",
        "greeting": "greeting",
        "church": "church",
        "city": "city",
    }
    preview = make_import(
        account_list=account_list, user=member.user, content=content, mappings=mappings, until="preview"
    )
    samples = {sample["people"][0]["first_name"]: sample for sample in samples_of(api, account_list, preview.pk)}
    assert sorted(samples) == ["Bo", first_name]
    long_sample = samples[first_name]
    assert (long_sample["greeting"], long_sample["church_name"]) == (GREETING, CHURCH)

    final = make_import(account_list=account_list, user=member.user, content=content, mappings=mappings)
    assert (final.status, final.rows_created, final.rows_failed) == (Import.Status.COMPLETE, 2, 0)
    (long_one,) = [c for name, c in contacts_of(api, account_list).items() if name.startswith("Lee")]
    assert (long_one["greeting"], long_one["church_name"]) == (GREETING, CHURCH)
    assert len(GREETING) > 255 and len(CHURCH) > 255
    assert [person["first_name"] for person in long_one["people"]] == [first_name]
    assert long_one["addresses"][0]["city"] == city.strip()


def test_a_value_too_long_for_what_it_is_fails_its_row_with_line_and_reason(api, member, account_list):
    long_email = "x" * 60 + "@" + ".".join(["d" * 60] * 4) + ".com"  # 308 characters: no address is so long
    long_phone = ("555-0100 " * 15).strip()  # 134 characters
    content = csv_content(
        ["First Name", "Last Name", "Email", "Phone", "Zip"],
        [
            ["Ann", "Lee", "ann@example.com", "555-0101", "50010"],
            ["Bo", "Ray", long_email, "", ""],
            ["Cy", "Orr", "", long_phone, ""],
            ["Di", "Fay", "", "", "5" * 60],
            ["Ed", "Gray", "ed@example.com", "", ""],
        ],
    )
    mappings = {
        "first_name": "first_name",
        "last_name": "last_name",
        "email_1": "email",
        "phone_1": "phone",
        "zip": "zip",
    }
    preview = make_import(
        account_list=account_list, user=member.user, content=content, mappings=mappings, until="preview"
    )
    # The samples are the first rows of the file: the ones that fail are left out.
    assert [s["name"] for s in samples_of(api, account_list, preview.pk)] == ["Lee, Ann"]

    final = make_import(account_list=account_list, user=member.user, content=content, mappings=mappings)
    assert (final.status, final.rows_created, final.rows_failed) == (Import.Status.COMPLETE, 2, 3)
    assert sorted(contacts_of(api, account_list)) == ["Gray, Ed", "Lee, Ann"]
    failures = {f.line_number: f.message for f in ImportFailure.objects.filter(import_record=final)}
    assert sorted(failures) == [3, 4, 5]
    assert "is too long" in failures[3]
    assert "phone number beginning '555-0100" in failures[4] and "134 characters long" in failures[4]
    assert "100 characters at most" in failures[4]
    assert "postal code beginning '5555" in failures[5] and "50 characters at most" in failures[5]
    rows = failures_csv(api, account_list, final.pk)
    assert [row[0].split(":")[0] for row in rows[1:]] == ["Line 3", "Line 4", "Line 5"]
    assert rows[2][1:] == ["Cy", "Orr", "", long_phone, ""]


def long_tnt_export() -> str:
    """The fixture export with long text on the Smiths, an email no address can be on the Does, a long
    appeal name and a long history description."""
    return (
        (FIXTURES / "tnt" / "tnt_export.xml")
        .read_text(encoding="utf-8")
        .replace("<Greeting>John and Jane</Greeting>", f"<Greeting>{GREETING}</Greeting>")
        .replace("<HomeCity>Nowhere</HomeCity>", "<HomeCity>" + "Nowhere Junction " * 20 + "</HomeCity>")
        .replace(
            "<FirstName>John</FirstName>",
            "<FirstName>John</FirstName><Title>The Right Reverend Doctor Professor Emeritus of Theology</Title>"
            f"<BusinessName>{CHURCH}</BusinessName>",
            1,
        )
        .replace("<Email1>fake@example.com</Email1>", "<Email1>" + "bob.doe" * 40 + "@example.com</Email1>")
        .replace("<Description>CSU</Description>", "<Description>" + "Campus " * 40 + "</Description>")
        .replace(
            "<TaskTypeID>1</TaskTypeID>", "<TaskTypeID>1</TaskTypeID><Description>" + "Met. " * 500 + "</Description>"
        )
    )


def test_a_tnt_export_keeps_long_text_whole_and_fails_the_rows_whose_values_cannot_be(
    api, account_list, django_capture_on_commit_callbacks
):
    fields = {
        "data[type]": "imports",
        "data[attributes][file]": upload("export.xml", kind="tnt", content=long_tnt_export().encode()),
        "data[attributes][in_preview]": "true",
    }
    response = api.post_multipart(imports_path(account_list, "/tnt"), fields)
    assert response.status_code == 201, response.content
    preview = response.json()["data"]
    (sample,) = samples_of(api, account_list, preview["id"])  # the Does' row fails: no sample
    assert sample["greeting"] == GREETING
    with django_capture_on_commit_callbacks(execute=True):
        response = update(api, account_list, preview, {"in_preview": False}, path_suffix="/tnt")
    assert response.status_code == 200, response.content
    import_record = Import.objects.get()
    assert import_record.status == Import.Status.COMPLETE, import_record.error
    assert (import_record.rows_created, import_record.rows_failed) == (1, 1)

    (smith,) = contacts_of(api, account_list).values()
    assert smith["greeting"] == GREETING
    john = next(person for person in smith["people"] if person["first_name"] == "John")
    assert john["title"] == "The Right Reverend Doctor Professor Emeritus of Theology"
    assert {address["city"] for address in smith["addresses"]} >= {("Nowhere Junction " * 20).strip()}
    # The person's employer is not in the contact's API resource.
    assert Person.objects.get(contact__tnt_id="1620699916", first_name="John").employer == CHURCH
    assert not Contact.objects.filter(tnt_id="-861693757").exists()
    assert Task.objects.get(tnt_id="620575700").subject == ("Met. " * 500).strip()
    assert not Appeal.objects.exists()

    failures = {(f.fields[0], f.fields[1]): f for f in ImportFailure.objects.filter(import_record=import_record)}
    doe = failures[("Contact", "-861693757")]
    assert doe.line_number == 2
    assert "email address beginning 'bob.doebob.doe" in doe.message and "254 characters at most" in doe.message
    appeal = failures[("Appeal", "-723622290")]
    assert appeal.message.startswith("Appeal -723622290: The name beginning 'Campus Campus")
    assert "255 characters at most" in appeal.message
    assert import_record.tnt_steps["appeals"]["failed"] == 1


def test_a_tnt_data_sync_file_keeps_long_names_whole_and_fails_an_account_number_or_code_that_cannot_be(
    api, account_list, django_capture_on_commit_callbacks
):
    account_name = "The " + "Lee and Orr Family Charitable Remainder Trust " * 6 + "Fund"
    long_number = "4" * 150
    content = data_sync_file(
        [f'"1","{account_name}","P","Lee","Ann"', f'"{long_number}","Bo Ray","P","Ray","Bo"'],
        [
            '"1","Ann Lee","01/02/2020","10.00","G1","D1","memo","' + "M" * 300 + '"',
            '"1","Ann Lee","01/03/2020","20.00","G2","D1"',
        ],
    )
    import_record = run_data_sync(api, account_list, django_capture_on_commit_callbacks, "long.tntmpd", content)
    (lee,) = contacts_of(api, account_list).values()
    assert lee["envelope_greeting"] == account_name
    assert DonorAccount.objects.get().name == account_name
    assert list(Donation.objects.values_list("remote_id", flat=True)) == ["G2"]
    failures = {f.line_number: f.message for f in ImportFailure.objects.filter(import_record=import_record)}
    # [ORGANIZATION] (4 lines), a blank line, [DONORS] and its header, two donors, a blank line, [GIFTS] and its header.
    assert sorted(failures) == [9, 13]
    assert failures[9].startswith("[DONORS] The account number beginning '4444")
    assert "150 characters long" in failures[9] and "100 characters at most" in failures[9]
    assert failures[13].startswith("[GIFTS] The motivation beginning 'MMMM")
    assert "255 characters at most" in failures[13]
