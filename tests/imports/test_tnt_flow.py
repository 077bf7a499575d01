"""TntConnect XML imports end to end: HTTP upload, preview, the real task, the stored contacts."""

import pytest

from contacts.models import Contact
from imports.models import Import
from tests.conftest import FIXTURES
from tests.imports.helpers import imports_path, update, upload

pytestmark = pytest.mark.django_db

TNT_FILES = sorted(path.name for path in (FIXTURES / "tnt").glob("*.xml"))


def post_tnt(api, account_list, name: str, content: bytes | None = None, **attributes):
    fields = {"data[type]": "imports", "data[attributes][file]": upload(name, kind="tnt", content=content)}
    fields.update({f"data[attributes][{key}]": value for key, value in attributes.items()})
    return api.post_multipart(imports_path(account_list, "/tnt"), fields)


def run_tnt(api, account_list, name: str, capture, **attributes) -> Import:
    with capture(execute=True):
        response = post_tnt(api, account_list, name, **attributes)
    assert response.status_code == 201, response.content
    return Import.objects.get(pk=response.json()["data"]["id"])


@pytest.mark.parametrize("name", TNT_FILES)
def test_every_fixture_export_imports(name, api, account_list, django_capture_on_commit_callbacks):
    import_record = run_tnt(api, account_list, name, django_capture_on_commit_callbacks)
    assert import_record.status == Import.Status.COMPLETE, import_record.error
    assert import_record.rows_failed == 0
    assert import_record.rows_created == Contact.objects.filter(account_list=account_list).count() > 0


def test_tnt_export_is_stored_field_by_field(api, account_list, django_capture_on_commit_callbacks):
    import_record = run_tnt(api, account_list, "tnt_export.xml", django_capture_on_commit_callbacks)
    assert import_record.in_preview is False  # the tnt endpoint starts at once
    assert import_record.file_format["version"] == "3.0"
    smith = Contact.objects.get(account_list=account_list, name="Smith, John and Jane")
    assert smith.tnt_id == "1620699916"
    assert smith.greeting == "John and Jane"
    assert smith.envelope_greeting == "John and Jane Smith"
    assert smith.status == "Partner - Pray"
    assert smith.send_newsletter == "Physical"
    assert smith.no_appeals is True
    assert smith.church_name == "PLRBC"
    assert "Children: Mark and Robert" in smith.notes
    john, jane = smith.people.order_by("is_spouse")
    assert (john.first_name, john.last_name, jane.first_name, jane.last_name) == ("John", "Smith", "Jane", "Smith")
    assert john.email_addresses.filter(primary=True).exists()
    assert john.phone_numbers.filter(primary=True).count() == 1
    addresses = list(smith.addresses.all())
    assert [a.country for a in addresses if a.primary_mailing_address] == ["United States"]
    assert sum(a.primary_mailing_address for a in addresses) == 1
    doe = Contact.objects.get(account_list=account_list, name="Doe, Bob and Dawn")
    # "Bob and Dawn Doe" in ReferredBy names the contact filed as "Doe, Bob and Dawn".
    assert smith.referred_by_id == doe.id


def test_groups_become_tags(api, account_list, django_capture_on_commit_callbacks):
    run_tnt(api, account_list, "tnt_export_groups.xml", django_capture_on_commit_callbacks, tag_list="from-tnt")
    tags = {c.name: sorted(t.name for t in c.tags.all()) for c in Contact.objects.filter(account_list=account_list)}
    assert all("from-tnt" in names for names in tags.values())
    grouped = [names for names in tags.values() if len(names) > 1]
    assert grouped, tags


def test_preview_shows_samples_and_the_groups_found(api, account_list):
    response = post_tnt(api, account_list, "tnt_export_groups.xml", in_preview="true")
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["attributes"]["in_preview"] is True
    assert data["attributes"]["file_version"] == "3.0"
    groups = data["attributes"]["tnt_groups"]
    assert {g["description"] for g in groups} >= {"Nobody group"}
    assert all({"id", "description", "category", "path_name", "contacts"} <= set(g) for g in groups)
    assert len(data["relationships"]["sample_contacts"]["data"]) > 0
    assert Contact.objects.count() == 0


def test_import_by_group_imports_only_those_groups_with_their_group_tags(
    api, account_list, django_capture_on_commit_callbacks
):
    preview = post_tnt(api, account_list, "tnt_export_groups.xml", in_preview="true").json()["data"]
    group = max(preview["attributes"]["tnt_groups"], key=lambda g: g["contacts"])
    assert group["contacts"] > 0
    with django_capture_on_commit_callbacks(execute=True):
        response = update(
            api,
            account_list,
            preview,
            {
                "import_by_group": True,
                "groups": [group["id"]],
                "group_tags": {group["id"]: "chosen, vip"},
                "in_preview": False,
            },
            path_suffix="/tnt",
        )
    assert response.status_code == 200, response.content
    contacts = Contact.objects.filter(account_list=account_list)
    assert contacts.count() == group["contacts"]
    for contact in contacts:
        assert {"chosen", "vip"} <= {t.name for t in contact.tags.all()}


def test_import_by_group_without_groups_is_refused(api, account_list):
    preview = post_tnt(api, account_list, "tnt_export_groups.xml", in_preview="true").json()["data"]
    response = update(api, account_list, preview, {"import_by_group": True, "in_preview": False}, path_suffix="/tnt")
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"]["pointer"] == "/data/attributes/groups"


def test_reimporting_the_same_export_creates_no_duplicates(api, account_list, django_capture_on_commit_callbacks):
    first = run_tnt(api, account_list, "tnt_export.xml", django_capture_on_commit_callbacks)
    count = Contact.objects.count()
    people = sum(c.people.count() for c in Contact.objects.all())
    second = run_tnt(api, account_list, "tnt_export.xml", django_capture_on_commit_callbacks)
    assert (second.rows_created, second.rows_updated) == (0, first.rows_created)
    assert Contact.objects.count() == count
    assert sum(c.people.count() for c in Contact.objects.all()) == people


def test_a_matched_tnt_id_wins_over_a_renamed_contact(api, account_list, django_capture_on_commit_callbacks):
    run_tnt(api, account_list, "tnt_export.xml", django_capture_on_commit_callbacks)
    Contact.objects.filter(tnt_id="1620699916").update(name="Renamed", name_key="renamed")
    second = run_tnt(api, account_list, "tnt_export.xml", django_capture_on_commit_callbacks)
    assert second.rows_created == 0
    assert not Contact.objects.filter(name="Smith, John and Jane").exists()


def test_the_generic_endpoint_takes_source_tnt(api, account_list, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post_multipart(
            imports_path(account_list),
            {"data[attributes][source]": "tnt", "data[attributes][file]": upload("tnt_export.xml", kind="tnt")},
        )
    assert response.status_code == 201, response.content
    assert Import.objects.get().status == Import.Status.COMPLETE


@pytest.mark.parametrize(
    "encoding, declaration",
    [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16BE"), ("utf-16-le", ""), ("utf-32", "UTF-32")],
    ids=["utf-16-with-bom", "utf-16-be-without-bom", "utf-16-le-undeclared", "utf-32-with-bom"],
)
def test_an_export_saved_again_as_utf_16_or_32_imports_with_its_forbidden_characters_stripped(
    encoding, declaration, api, account_list, django_capture_on_commit_callbacks
):
    # Notepad's "Unicode" is UTF-16; real exports hold NUL and other controls XML forbids.
    text = (FIXTURES / "tnt" / "tnt_export.xml").read_text(encoding="utf-8")
    text = text.replace("Smith, John and Jane", "Sm\u00efth, J\u00f6hn\x00 and \u674e\x0c&#0;")
    if declaration:
        text = f'<?xml version="1.0" encoding="{declaration}"?>\r\n{text}'
    with django_capture_on_commit_callbacks(execute=True):
        response = post_tnt(api, account_list, "export.xml", content=text.encode(encoding))
    assert response.status_code == 201, response.content
    import_record = Import.objects.get()
    assert (import_record.status, import_record.rows_created) == (Import.Status.COMPLETE, 2), import_record.error
    assert Contact.objects.get(tnt_id="1620699916").name == "Sm\u00efth, J\u00f6hn and \u674e"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Database><Tables><Contact><row id="1"><FileAs>&lol3;</FileAs></row></Contact></Tables></Database>"""


@pytest.mark.parametrize(
    "content, expected",
    [
        (BILLION_LAUGHS, "DTD"),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<Database><Tables><Contact><row id="1"><FileAs>&x;</FileAs></row></Contact></Tables></Database>',
            "DTD",
        ),
        (b"<html><body>hello</body></html>", "TntConnect"),
        (b"First Name,Last Name\nAnn,Lee\n", "TntConnect"),
        (b"", "empty"),
        (b"<Database><Tables><Contact><row id='1'><FileAs>Cut", "TntConnect"),
    ],
    ids=["billion-laughs", "external-entity", "other-xml", "csv-renamed", "empty", "truncated"],
)
def test_files_that_are_not_tntconnect_exports_are_refused_with_400(content, expected, api, account_list):
    response = post_tnt(api, account_list, "export.xml", content=content)
    assert response.status_code == 400, response.content
    error = response.json()["errors"][0]
    assert error["source"]["pointer"] == "/data/attributes/file"
    assert expected.lower() in error["detail"].lower()
    assert "root:" not in error["detail"]  # nothing of /etc/passwd was read
    assert Import.objects.count() == 0


SUMMARY_ONLY_EXPORT = b"""<?xml version="1.0" encoding="utf-8"?>
<Database><Application>TntConnect</Application><Version>4.0.12</Version><Tables>
<Group/>
<Contact>
<row id="1001"><FileAs>Lee, Ann</FileAs><FirstName>Ann</FirstName><LastName>Lee</LastName>
<Phone>(555) 010-0100</Phone><Email>ann@example.com</Email><IsOrganization>False</IsOrganization>
<NeverAsk>True</NeverAsk><LastGiftDate>2024-03-01T00:00:00-05:00</LastGiftDate><NewField>kept aside</NewField></row>
<row id="1002"><FileAs>Reed, Bo</FileAs><FirstName>Bo</FirstName><LastName>Reed</LastName>
<Phone>(555) 010-0199</Phone><Email>bo@example.com</Email><Email1>bo.reed@example.org</Email1>
<MobilePhone>555-0200</MobilePhone></row>
</Contact>
<Login><row id="1"><Name>x</Name></row></Login>
</Tables></Database>"""


def test_an_export_with_only_the_summary_email_and_phone_keeps_them(
    api, account_list, django_capture_on_commit_callbacks
):
    """Email and Phone summarise the numbered and typed fields; without those fields they are all there is."""
    with django_capture_on_commit_callbacks(execute=True):
        response = post_tnt(api, account_list, "export.xml", content=SUMMARY_ONLY_EXPORT)
    assert response.status_code == 201, response.content
    import_record = Import.objects.get(pk=response.json()["data"]["id"])
    assert (import_record.status, import_record.rows_created) == (Import.Status.COMPLETE, 2), import_record.error
    ann = Contact.objects.get(account_list=account_list, name="Lee, Ann").people.get()
    assert [(e.email, e.primary) for e in ann.email_addresses.all()] == [("ann@example.com", True)]
    assert [(p.number, p.primary) for p in ann.phone_numbers.all()] == [("(555) 010-0100", True)]
    bo = Contact.objects.get(account_list=account_list, name="Reed, Bo").people.get()
    assert [e.email for e in bo.email_addresses.all()] == ["bo.reed@example.org"]  # the summary of these
    assert [p.number for p in bo.phone_numbers.all()] == ["555-0200"]
