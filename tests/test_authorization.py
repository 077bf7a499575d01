"""Who may call what: anonymous, a bad token, a revoked token, another list's user, a member."""

import json
import re
import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from fundraising.models import Appeal, DesignationAccount, Donation, DonorAccount, Organization, Pledge, Task
from google_contacts.standin import StandInAccount
from imports.models import Import
from tests.conftest import JsonApiClient, fixture_path
from tests.factories import ApiTokenFactory, ContactFactory, MembershipFactory, UserFactory
from tests.google.helpers import REDIRECT_URI, connect, connect_document
from tests.imports.helpers import create_csv, imports_path, make_import, upload

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- #
# The matrix: every endpoint and method, for every kind of caller
# --------------------------------------------------------------------------- #

TNT_EXPORT = (
    b'<?xml version="1.0"?><Database><Application>TntConnect</Application><Version>3.2</Version><Tables>'
    b'<Contact><row id="1"><FileAs>Lee, Ann</FileAs><FirstName>Ann</FirstName><LastName>Lee</LastName></row>'
    b"</Contact></Tables></Database>"
)
DATA_SYNC_FILE = (
    b"[ORGANIZATION]\nName=Cru\n[DONORS]\nPEOPLE_ID,FIRST_NAME,LAST_NAME_ORG\n1,Ann,Lee\n"
    b"[GIFTS]\nPEOPLE_ID,DONATION_ID\n"
)

# (method, path, what a member of the account list gets). {al} is the list, {csv}, {tnt}, {sync} (TntDataSync)
# and {google} imports of it, {contact} one of its contacts, {ga} the member's connected Google account.
BOOK_RESOURCES = ("tasks", "appeals", "pledges", "donations", "donor_accounts", "designation_accounts")
ENDPOINTS = [
    ("get", "/api/v2/user", 200),
    ("get", "/api/v2/constants", 200),
    ("get", "/api/v2/account_lists", 200),
    ("get", "{al}", 200),
    ("get", "{al}/imports", 200),
    ("post", "{al}/imports", 201),
    ("get", "{al}/imports/{csv}", 200),
    ("put", "{al}/imports/{csv}", 200),
    ("patch", "{al}/imports/{csv}", 200),
    ("get", "{al}/imports/{csv}/failures", 200),
    ("post", "{al}/imports/{csv}/check", 202),
    ("get", "{al}/imports/{csv}/check/failures", 200),
    ("get", "{al}/imports/{csv}/possible_duplicates", 200),
    ("post", "{al}/imports/{csv}/undo", 409),  # in preview: nothing to undo
    ("get", "{al}/imports/csv", 200),
    ("post", "{al}/imports/csv", 201),
    ("get", "{al}/imports/csv/{csv}", 200),
    ("put", "{al}/imports/csv/{csv}", 200),
    ("patch", "{al}/imports/csv/{csv}", 200),
    ("get", "{al}/imports/tnt", 200),
    ("post", "{al}/imports/tnt", 201),
    ("get", "{al}/imports/tnt/{tnt}", 200),
    ("put", "{al}/imports/tnt/{tnt}", 200),
    ("patch", "{al}/imports/tnt/{tnt}", 200),
    ("get", "{al}/imports/tnt_data_sync", 200),
    ("post", "{al}/imports/tnt_data_sync", 201),
    ("get", "{al}/imports/tnt_data_sync/{sync}", 200),
    ("put", "{al}/imports/tnt_data_sync/{sync}", 200),
    ("patch", "{al}/imports/tnt_data_sync/{sync}", 200),
    ("get", "{al}/imports/google", 200),
    ("post", "{al}/imports/google", 201),
    ("get", "{al}/imports/google/{google}", 200),
    ("put", "{al}/imports/google/{google}", 200),
    ("patch", "{al}/imports/google/{google}", 200),
    ("get", "{al}/contacts", 200),
    ("get", "{al}/contacts/{contact}", 200),
    *(
        endpoint
        for resource in BOOK_RESOURCES
        for endpoint in (("get", f"{{al}}/{resource}", 200), ("get", f"{{al}}/{resource}/{{{resource}}}", 200))
    ),
    ("get", "/api/v2/user/google_accounts", 200),
    ("post", "/api/v2/user/google_accounts", 201),
    ("get", "/api/v2/user/google_accounts/{ga}", 200),
    ("get", "/api/v2/user/google_accounts/{ga}/contact_groups", 200),
    ("delete", "/api/v2/user/google_accounts/{ga}", 204),  # last: it disconnects the account
]
# Endpoints about the caller rather than an account list: another list's user gets their own answer.
ABOUT_THE_CALLER = {"/api/v2/user", "/api/v2/constants", "/api/v2/account_lists", "/api/v2/user/google_accounts"}
CALLERS = ["anonymous", "bad token", "revoked token", "expired token", "other list's user", "member"]


def expected_status(caller: str, path: str, member_status: int) -> int:
    if caller == "member":
        return member_status
    if caller == "other list's user":
        return member_status if path in ABOUT_THE_CALLER else 404  # 404, never 403: existence is not revealed
    return 401


@pytest.fixture
def records(api, account_list, google):
    """A CSV, a TNT and a Google import (all in preview), a contact of the member's list, a Google account."""
    csv_import = make_import(account_list=account_list, fixture="sample_csv_to_import.csv", until="preview")
    tnt = make_import(account_list=account_list, source=Import.Source.TNT, content=TNT_EXPORT, until="preview")
    sync = make_import(
        account_list=account_list, source=Import.Source.TNT_DATA_SYNC, content=DATA_SYNC_FILE, until="preview"
    )
    contact = ContactFactory(account_list=account_list, name="Lee, Ann")
    account = connect(api, google)
    google_import = api.post_json(
        imports_path(account_list, "/google"),
        {"data": {"type": "imports", "attributes": {"source_account_id": account["id"], "in_preview": True}}},
    )
    assert google_import.status_code == 201, google_import.content
    return {
        **book_records(account_list, contact),
        "al": f"/api/v2/account_lists/{account_list.id}",
        "csv": str(csv_import.pk),
        "tnt": str(tnt.pk),
        "sync": str(sync.pk),
        "google": google_import.json()["data"]["id"],
        "contact": str(contact.id),
        "ga": account["id"],
        "standin": google,
    }


def book_records(account_list, contact) -> dict[str, str]:
    """One record of each of the book's resources in the member's list."""
    appeal = Appeal.objects.create(account_list=account_list, name="CSU")
    task = Task.objects.create(account_list=account_list, subject="Call", appeal=appeal)
    organization = Organization.objects.create(account_list=account_list, name="Cru")
    donor_account = DonorAccount.objects.create(
        account_list=account_list, organization=organization, account_number="1"
    )
    designation = DesignationAccount.objects.create(account_list=account_list, name="Staff")
    donation = Donation.objects.create(
        account_list=account_list,
        donor_account=donor_account,
        designation_account=designation,
        amount=50,
        donation_date=date(2020, 1, 1),
    )
    pledge = Pledge.objects.create(account_list=account_list, contact=contact, amount=50)
    records = {"tasks": task, "appeals": appeal, "pledges": pledge, "donations": donation}
    records |= {"donor_accounts": donor_account, "designation_accounts": designation}
    return {name: str(record.pk) for name, record in records.items()}


def client_for(caller: str, member, stranger) -> JsonApiClient:
    if caller == "anonymous":
        return JsonApiClient()
    if caller == "bad token":
        return JsonApiClient("not-a-real-token")
    if caller in ("revoked token", "expired token"):
        change = {"revoked_at": timezone.now()} if caller == "revoked token" else {"expires_at": timezone.now()}
        return JsonApiClient(ApiTokenFactory(user=member.user, **change).raw)
    if caller == "other list's user":
        return stranger
    return JsonApiClient(member.token)


def call(client: JsonApiClient, method: str, path: str, records: dict):
    """The same request a member would send successfully; only the credentials differ between callers."""
    if method == "get":
        return client.client.get(path)
    if method == "delete":
        return client.client.delete(path)
    if method == "post" and path.endswith("/google_accounts"):
        other = StandInAccount(email="bob.example@gmail.com", profile_id="people/100000000000000000002")
        code = records["standin"].issue_code(redirect_uri=REDIRECT_URI, account=other)
        return client.post_json(path, connect_document(code))
    if method == "post" and path.endswith("/check"):
        return client.client.generic("POST", path, content_type=None)  # an action: no body
    if method == "post" and path.endswith("/imports/google"):
        attributes = {"source_account_id": records["ga"], "in_preview": True}
        return client.post_json(path, {"data": {"type": "imports", "attributes": attributes}})
    if method == "post":
        source = path.rsplit("/", 1)[-1] if path.endswith(("/tnt", "/tnt_data_sync")) else "csv"
        content, suffix = {"tnt": (TNT_EXPORT, "xml"), "tnt_data_sync": (DATA_SYNC_FILE, "tntmpd")}.get(
            source, (b"First Name,Last Name\nAnn,Lee\n", "csv")
        )
        fields = {
            "data[type]": "imports",
            "data[attributes][source]": source,
            "data[attributes][file]": upload(f"upload.{suffix}", "tnt" if source != "csv" else "csv", content),
            "data[attributes][in_preview]": "true",
        }
        return client.post_multipart(path, fields)
    import_id = path.rstrip("/").rsplit("/", 1)[-1]
    document = {"data": {"type": "imports", "id": import_id, "attributes": {"tag_list": "x", "overwrite": True}}}
    return client.put_json(path, document, method=method)


@pytest.mark.parametrize("caller", CALLERS)
def test_each_kind_of_caller_gets_the_status_listed_for_every_endpoint_and_method(
    caller, member, stranger, account_list, records
):
    client = client_for(caller, member, stranger)
    imports_before = Import.objects.count()
    got, want = {}, {}
    for method, template, member_status in ENDPOINTS:
        path = template.format(**records)
        response = call(client, method, path, records)
        got[f"{method.upper()} {template}"] = response.status_code
        want[f"{method.upper()} {template}"] = expected_status(caller, template, member_status)
        if response.status_code >= 400:
            assert response["Content-Type"].startswith("application/vnd.api+json"), (method, template)
            assert response.json()["errors"][0]["status"] == str(response.status_code)
        if response.status_code == 401:
            assert response["WWW-Authenticate"].startswith("Bearer")
    assert got == want
    if caller != "member":  # a refused write changed nothing
        assert Import.objects.count() == imports_before
        assert set(Import.objects.values_list("tag_list", flat=True)) == {""}
        assert set(Import.objects.values_list("check_generation", flat=True)) == {0}


@pytest.mark.parametrize("header", ["Bearer", "Token abc", "Basic dXNlcjpwYXNz", "Bearer a b"])
def test_a_malformed_authorization_header_is_401(header, account_list):
    client = JsonApiClient()
    client.client.credentials(HTTP_AUTHORIZATION=header)
    response = client.client.get(f"/api/v2/account_lists/{account_list.id}/imports")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_or_expired_token_is_refused(member, account_list):
    token, raw = ApiToken.issue(user=member.user)
    client = JsonApiClient(raw)
    assert client.get("/api/v2/user").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert client.get("/api/v2/user").status_code == 401
    token, raw = ApiToken.issue(user=member.user)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert JsonApiClient(raw).get("/api/v2/user").status_code == 401


def test_a_token_that_expires_later_is_accepted_until_then(member):
    token, raw = ApiToken.issue(user=member.user)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(minutes=1))
    response = JsonApiClient(raw).get("/api/v2/user")
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["email"] == member.user.email
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert JsonApiClient(raw).get("/api/v2/user").status_code == 401


def test_a_deactivated_users_token_is_refused(member):
    member.user.is_active = False
    member.user.save()
    assert JsonApiClient(member.token).get("/api/v2/user").status_code == 401


def test_an_unknown_account_list_or_import_is_404(api, account_list):
    assert api.get(f"/api/v2/account_lists/{uuid.uuid4()}").status_code == 404
    assert api.get(f"/api/v2/account_lists/{account_list.id}/imports/{uuid.uuid4()}").status_code == 404


def test_an_import_is_not_reachable_through_another_account_list_of_the_same_user(api, member, account_list):

    other_list = MembershipFactory(user=member.user).account_list
    created = make_import(account_list=account_list, user=member.user, fixture="sample_csv_to_import.csv")
    assert api.get(f"/api/v2/account_lists/{other_list.id}/imports/{created.pk}").status_code == 404


def test_account_lists_shows_only_the_users_lists(api, stranger, account_list):
    body = api.get("/api/v2/account_lists").json()
    assert [item["id"] for item in body["data"]] == [str(account_list.id)]
    assert api.get(f"/api/v2/account_lists/{account_list.id}").json()["data"]["attributes"]["name"] == account_list.name


def test_user_endpoint_says_who_i_am(api, member):
    data = api.get("/api/v2/user").json()["data"]
    assert data == {
        "type": "users",
        "id": str(member.user.id),
        "attributes": {
            "email": member.user.email,
            "name": member.user.name,
            "locale": "en",
            "created_at": data["attributes"]["created_at"],
        },
    }


def test_file_url_downloads_the_file_for_its_holder_only_until_it_expires(api, account_list, settings, monkeypatch):
    import time

    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    url = created["attributes"]["file_url"]
    assert "/media" not in url and created["id"] not in url  # not a public, guessable path
    anonymous = JsonApiClient()
    response = anonymous.client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == fixture_path("csv", "sample_csv_to_import.csv").read_bytes()
    tampered = url[:-3] + ("aaa" if not url.endswith("aaa") else "bbb")
    assert anonymous.client.get(tampered).status_code == 403
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + settings.FILE_URL_EXPIRY_SECONDS + 5)
    response = anonymous.client.get(url)
    assert response.status_code == 403
    assert "expired" in response.json()["errors"][0]["detail"]


def test_file_url_stops_working_when_its_user_leaves_the_account_list(api, member, account_list):
    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    member.delete()
    assert JsonApiClient().client.get(created["attributes"]["file_url"]).status_code == 404


def test_a_file_url_is_bound_to_its_import_and_user(api, member, stranger, account_list):
    """A link signed for someone who may not see the import, or signed with another key, fetches nothing."""
    import time

    from django.core import signing
    from django.urls import reverse

    from imports.downloads import SALT

    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    outsider = UserFactory()
    expires = int(time.time()) + 60
    for_outsider = signing.dumps({"i": created["id"], "u": str(outsider.id), "e": expires}, salt=SALT, compress=True)
    response = JsonApiClient().client.get(reverse("import-file-download", kwargs={"token": for_outsider}))
    assert response.status_code == 404
    forged = signing.dumps({"i": created["id"], "u": str(member.user.id), "e": expires}, salt="guess", compress=True)
    response = JsonApiClient().client.get(reverse("import-file-download", kwargs={"token": forged}))
    assert response.status_code == 403
    assert response.json()["errors"][0]["detail"] == "This download link is not valid."


def test_file_url_stops_working_when_its_user_is_deactivated(api, member, account_list):
    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    member.user.is_active = False
    member.user.save()
    assert JsonApiClient().client.get(created["attributes"]["file_url"]).status_code == 404


def test_the_failures_download_is_refused_to_others(api, stranger, member, account_list):
    created = make_import(account_list=account_list, user=member.user, fixture="sample_csv_to_import.csv")
    path = f"/api/v2/account_lists/{account_list.id}/imports/{created.pk}/failures"
    assert api.client.get(path).status_code == 200
    assert stranger.client.get(path).status_code == 404
    assert JsonApiClient().client.get(path).status_code == 401
    expired = ApiTokenFactory(user=member.user, expires_at=timezone.now())
    assert JsonApiClient(expired.raw).client.get(path).status_code == 401
    # Whatever the client accepts, an error stays a JSON:API document.
    response = stranger.client.get(path, HTTP_ACCEPT="text/csv")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/vnd.api+json")


# --------------------------------------------------------------------------- #
# The admin: staff sessions only
# --------------------------------------------------------------------------- #

ADMIN_PAGES = ["/admin/", "/admin/imports/import/"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_an_admin_page_sends_a_non_staff_session_to_the_login(path, client, member):
    client.force_login(member.user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_an_admin_page_sends_an_anonymous_visitor_or_an_api_token_to_the_login(path, client, member):
    assert client.get(path).status_code == 302
    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {member.token}")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_an_admin_page_opens_for_a_staff_session(path, client):
    staff = UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get(path).status_code == 200


def openapi_path(template: str) -> str:
    """The matrix's path template as the schema writes it."""
    if template == "{al}":
        return "/api/v2/account_lists/{id}"
    path = template.replace("{al}", "/api/v2/account_lists/{account_list_pk}")
    return re.sub(r"\{(csv|tnt|sync|google|contact|ga|" + "|".join(BOOK_RESOURCES) + r")\}", "{id}", path)


def test_the_matrix_covers_every_endpoint_and_method_of_the_published_schema(client):
    """A new endpoint (or method) must join the matrix: the schema at /api/schema/ lists them all."""
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    published = {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if not path.startswith("/api/v2/files/")  # the signed download: its own tests above
    }
    covered = {(method, openapi_path(template)) for method, template, _status in ENDPOINTS}
    assert covered == published
