"""Imports from a connected Google account through HTTP and the real task, against the stand-in."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from contacts.models import Contact, Tag
from google_contacts.models import GoogleAccount
from google_contacts.people import PERSON_FIELDS
from imports.models import Import
from imports.pipeline.job import run_import
from tests.conftest import JsonApiClient
from tests.factories import MembershipFactory, issue_token
from tests.google.helpers import ACCOUNTS, assert_no_token_in, connect
from tests.imports.helpers import imports_path, update

pytestmark = pytest.mark.django_db

CHURCH = "contactGroups/3c1a2b4d5e6f7a8b"
NEWSLETTER = "contactGroups/7f8e9d0c1b2a3f4e"


def google_document(account_id: str, **attributes) -> dict:
    return {"data": {"type": "imports", "attributes": {"source_account_id": account_id, **attributes}}}


def start_google_import(api, account_list, google, capture, account_id: str, path="/google", **attributes) -> Import:
    with capture(execute=True):
        response = api.post_json(imports_path(account_list, path), google_document(account_id, **attributes))
    assert response.status_code == 201, response.content
    assert_no_token_in(response.content, google)
    return Import.objects.get(pk=response.json()["data"]["id"])


def contacts_of(account_list):
    return Contact.objects.filter(account_list=account_list)


def test_preview_fetches_the_groups_and_sample_contacts_and_imports_nothing(api, account_list, google):
    account = connect(api, google)
    response = api.post_json(
        imports_path(account_list, "/google?include=sample_contacts"), google_document(account["id"], in_preview=True)
    )
    assert response.status_code == 201, response.content
    assert_no_token_in(response.content, google)
    document = response.json()
    attributes = document["data"]["attributes"]
    assert attributes["source"] == "google" and attributes["source_account_id"] == account["id"]
    assert attributes["in_preview"] is True and attributes["status"] == "preview"
    groups = {group["resource_name"]: group for group in attributes["google_groups"]}
    assert groups[CHURCH] == {"resource_name": CHURCH, "name": "Church", "member_count": 84}
    assert groups[NEWSLETTER]["member_count"] == 50
    assert attributes["rows_total"] == 250
    samples = {resource["attributes"]["name"]: resource["attributes"] for resource in document["included"]}
    assert set(samples) == {"Smith, James", "Smith, Mary", "Smith, Robert", "Smith, Patricia"}  # the first four
    assert samples["Smith, James"]["tags"] == ["Church", "Newsletter"]  # the first person is in both user groups
    assert not contacts_of(account_list).exists()
    detail = api.get(imports_path(account_list, f"/google/{document['data']['id']}"))
    assert (
        detail.status_code == 200
        and detail.json()["data"]["attributes"]["google_groups"] == attributes["google_groups"]
    )
    assert_no_token_in(detail.content, google)


def test_leaving_preview_starts_the_import(api, account_list, google, django_capture_on_commit_callbacks):
    account = connect(api, google)
    created = api.post_json(imports_path(account_list, "/google"), google_document(account["id"], in_preview=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = update(api, account_list, created.json()["data"], {"in_preview": False}, path_suffix="/google")
    assert response.status_code == 200, response.content
    import_record = Import.objects.get(pk=created.json()["data"]["id"])
    assert import_record.status == Import.Status.COMPLETE, import_record.error
    assert import_record.rows_created == 250


def test_importing_250_people_over_3_pages_with_their_groups_as_tags(
    api, account_list, google, django_capture_on_commit_callbacks
):
    google.state.people.append({"resourceName": "people/c999", "etag": "x", "phoneNumbers": [{"value": "555-0100"}]})
    account = connect(api, google)
    import_record = start_google_import(api, account_list, google, django_capture_on_commit_callbacks, account["id"])
    assert import_record.status == Import.Status.COMPLETE, import_record.error
    assert (import_record.rows_processed, import_record.rows_created, import_record.rows_failed) == (251, 250, 1)
    assert import_record.source_cursor == {"page_token": "", "people_read": 251, "done": True}
    pages = google.requests_of("people/me/connections")
    assert len(pages) == 3
    assert all(page["pageSize"] == "1000" and page["personFields"] == ",".join(PERSON_FIELDS) for page in pages)
    assert [bool(page.get("pageToken")) for page in pages] == [False, True, True]

    first = contacts_of(account_list).get(google_resource_name=google.state.people[0]["resourceName"])
    assert first.name == "Smith, James"
    assert set(first.tags.values_list("name", flat=True)) == {"Church", "Newsletter"}  # not My Contacts, not Starred
    assert not Tag.objects.filter(contact__account_list=account_list, name__in=["My Contacts", "Starred"]).exists()
    person = first.people.get()
    assert person.email_addresses.get(primary=True).email == "james.smith.0@example.com"
    phone = person.phone_numbers.get()
    assert (phone.number, phone.location, phone.primary) == ("(213) 555-0000", "mobile", True)
    address = first.addresses.get()
    assert (address.street, address.city, address.state, address.postal_code) == (
        "100 Main St",
        "Springfield",
        "IL",
        "62701",
    )
    assert address.primary_mailing_address
    assert first.notes == "Met at the 0th picnic.\nNickname: Jam"
    assert (person.occupation, person.employer) == ("Engineer", "Acme Corp")
    assert (person.anniversary_year, person.anniversary_month, person.anniversary_day) == (2005, 6, 18)
    assert first.website == person.websites == "https://example.com/james0"
    second = contacts_of(account_list).get(google_resource_name=google.state.people[1]["resourceName"]).people.get()
    assert (second.birthday_year, second.birthday_month, second.birthday_day) == (1981, 2, 2)
    assert Tag.objects.filter(contact__account_list=account_list, name="Church").count() == 84

    failure = import_record.failures.get()
    assert failure.line_number == 251
    assert failure.fields == ["people/c999", ""]
    assert failure.message == "The contact has no name, organisation or email address."
    response = api.get(imports_path(account_list, f"/{import_record.pk}/failures"))
    failures_csv = b"".join(response.streaming_content).decode()
    assert failures_csv.splitlines()[:2] == [
        "Error Message,Google Resource Name,Name",
        '"Line 251: The contact has no name, organisation or email address.",people/c999,',
    ]
    assert GoogleAccount.objects.get(pk=account["id"]).last_used_at is not None


def test_a_second_import_of_the_same_account_creates_nothing(
    api, account_list, google, django_capture_on_commit_callbacks
):
    account = connect(api, google)
    start_google_import(api, account_list, google, django_capture_on_commit_callbacks, account["id"])
    before = (contacts_of(account_list).count(), Tag.objects.count())
    again = start_google_import(api, account_list, google, django_capture_on_commit_callbacks, account["id"])
    assert again.status == Import.Status.COMPLETE, again.error
    assert (again.rows_created, again.rows_updated) == (0, 250)
    assert (contacts_of(account_list).count(), Tag.objects.count()) == before


def test_import_by_group_with_group_tags(api, account_list, google, django_capture_on_commit_callbacks):
    account = connect(api, google)
    import_record = start_google_import(
        api,
        account_list,
        google,
        django_capture_on_commit_callbacks,
        account["id"],
        groups=[CHURCH],
        import_by_group=True,
        group_tags={CHURCH: "church-2024, sunday"},
        tag_list="from-google",
    )
    assert import_record.status == Import.Status.COMPLETE, import_record.error
    assert import_record.rows_created == 84 == contacts_of(account_list).count()
    for contact in contacts_of(account_list).prefetch_related("tags"):
        assert {"Church", "church-2024", "sunday", "from-google"} <= {tag.name for tag in contact.tags.all()}


def test_groups_not_of_the_account_are_refused(api, account_list, google):
    account = connect(api, google)
    document = google_document(account["id"], in_preview=True, groups=["contactGroups/nope"], import_by_group=True)
    response = api.post_json(imports_path(account_list, "/google"), document)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["source"]["pointer"] == "/data/attributes/groups" and "contactGroups/nope" in error["detail"]


def test_the_generic_endpoint_takes_google_imports_too(api, account_list, google, django_capture_on_commit_callbacks):
    account = connect(api, google)
    import_record = start_google_import(
        api, account_list, google, django_capture_on_commit_callbacks, account["id"], path="", source="google"
    )
    assert import_record.status == Import.Status.COMPLETE and import_record.rows_created == 250


def test_another_users_account_and_a_missing_one_are_refused(api, account_list, google):
    stranger = JsonApiClient(issue_token(MembershipFactory().user))
    theirs = connect(stranger, google)
    refused = api.post_json(imports_path(account_list, "/google"), google_document(theirs["id"]))
    assert refused.status_code == 404
    missing = api.post_json(imports_path(account_list, "/google"), {"data": {"type": "imports", "attributes": {}}})
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["source"]["pointer"] == "/data/attributes/source_account_id"
    assert not Import.objects.exists()


def test_a_revoked_authorisation_fails_the_import_with_an_email_saying_how_to_reconnect(
    api, member, account_list, google, django_capture_on_commit_callbacks
):
    account = connect(api, google)
    google.revoke_all()  # the user removed the access in their Google account
    import_record = start_google_import(api, account_list, google, django_capture_on_commit_callbacks, account["id"])
    assert import_record.status == Import.Status.FAILED
    assert import_record.error.startswith("Google no longer accepts this service's access to ann.example@gmail.com")
    assert import_record.error.endswith("Connect the account again.")
    (email,) = mail.outbox
    assert email.to == [member.user.email]
    assert "How to reconnect your Google account" in email.body
    assert "http://localhost:8000/google/connect" in email.body
    accounts = api.get(ACCOUNTS).json()["data"]
    assert accounts[0]["attributes"]["needs_reconnect"] is True
    assert not contacts_of(account_list).exists()


def test_an_expired_access_token_is_refreshed_once(api, account_list, google, django_capture_on_commit_callbacks):
    account = connect(api, google)
    google.fail("people/me/connections", 401)  # the access token expired between two pages
    import_record = start_google_import(api, account_list, google, django_capture_on_commit_callbacks, account["id"])
    assert import_record.status == Import.Status.COMPLETE, import_record.error
    assert import_record.rows_created == 250
    refreshes = [asked for asked in google.requests_of("/token") if asked["grant_type"] == "refresh_token"]
    assert len(refreshes) == 2  # one at the start of the job, one after the 401


def test_a_401_after_refreshing_fails_the_import(api, account_list, google, django_capture_on_commit_callbacks):
    account = connect(api, google)
    google.fail("people/me/connections", 401, 401)
    import_record = start_google_import(api, account_list, google, django_capture_on_commit_callbacks, account["id"])
    assert import_record.status == Import.Status.FAILED
    assert "Google refused access to the contacts of ann.example@gmail.com" in import_record.error


def test_rate_limits_and_server_errors_are_retried_with_backoff(
    api, account_list, google, django_capture_on_commit_callbacks
):
    account = connect(api, google)
    google.fail("people/me/connections", 429, 503, 500)
    import_record = start_google_import(api, account_list, google, django_capture_on_commit_callbacks, account["id"])
    assert import_record.status == Import.Status.COMPLETE, import_record.error
    assert import_record.rows_created == 250
    assert len(google.requests_of("people/me/connections")) == 3 + 3


def test_a_google_that_keeps_failing_fails_the_import_with_a_sentence(
    api, account_list, google, django_capture_on_commit_callbacks
):
    account = connect(api, google)
    google.fail("people/me/connections", *[503] * 6)
    import_record = start_google_import(api, account_list, google, django_capture_on_commit_callbacks, account["id"])
    assert import_record.status == Import.Status.FAILED
    assert import_record.error == (
        "Google's People API answered HTTP 503 (The service is currently unavailable.) after 5 retries. "
        "Try again later."
    )


def test_a_job_resumes_after_a_crash_from_the_last_committed_page(
    api, account_list, google, django_capture_on_commit_callbacks
):
    account = connect(api, google)
    # The first page commits; then Google fails for good and the job stops, as a killed worker would.
    google.fail("people/me/connections", *[503] * 6, after=1)
    import_record = start_google_import(api, account_list, google, django_capture_on_commit_callbacks, account["id"])
    assert (import_record.rows_processed, import_record.rows_created) == (100, 100)
    committed = dict(import_record.source_cursor)
    assert committed["people_read"] == 100 and committed["page_token"] and not committed["done"]

    # The worker is thought dead: the import is "importing" with an old heartbeat; a new worker takes it over.
    Import.objects.filter(pk=import_record.pk).update(
        status=Import.Status.IMPORTING, heartbeat_at=timezone.now() - timedelta(hours=1), error="", completed_at=None
    )
    resumed = run_import(str(import_record.pk))
    assert resumed.status == Import.Status.COMPLETE, resumed.error
    assert (resumed.rows_processed, resumed.rows_created, resumed.rows_updated) == (250, 250, 0)
    assert contacts_of(account_list).count() == 250
    tokens = [page.get("pageToken", "") for page in google.requests_of("people/me/connections")]
    assert tokens.count(committed["page_token"]) >= 2 and tokens.count("") == 1  # page 1 was not read again


def test_without_google_configured_a_google_import_is_a_503(api, account_list, settings):
    settings.GOOGLE_OAUTH_CLIENT_ID = ""
    response = api.post_json(
        imports_path(account_list, "/google"), google_document("0" * 8 + "-0000-0000-0000-" + "0" * 12)
    )
    assert response.status_code == 503
    assert "Google Contacts is not configured" in response.json()["errors"][0]["detail"]


def test_a_google_import_refuses_a_file(api, account_list, google):
    account = connect(api, google)
    document = google_document(account["id"], file="data:text/csv;base64,QQ==")
    response = api.post_json(imports_path(account_list, "/google"), document)
    assert response.status_code == 400
    assert "not a file" in json.dumps(response.json())


def test_the_admin_shows_a_google_import_with_its_account_and_groups(
    client, api, account_list, google, django_capture_on_commit_callbacks
):
    from tests.factories import UserFactory

    account = connect(api, google)
    import_record = start_google_import(api, account_list, google, django_capture_on_commit_callbacks, account["id"])
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for path in ("/admin/imports/import/", f"/admin/imports/import/{import_record.pk}/change/"):
        page = client.get(path)
        assert page.status_code == 200
        assert b"ann.example@gmail.com" in page.content
        assert_no_token_in(page.content, google)
    assert b"contactGroups/3c1a2b4d5e6f7a8b" in page.content
