"""Who may call what: anonymous, a bad token, a revoked token, another list's user, a member."""

import uuid

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from imports.models import Import
from tests.conftest import JsonApiClient
from tests.imports.helpers import create_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def existing_import(api, account_list):
    return create_csv(api, account_list, "sample_csv_to_import.csv")


def endpoints(account_list_id, import_id):
    al = f"/api/v2/account_lists/{account_list_id}"
    return [
        ("get", "/api/v2/user"),
        ("get", "/api/v2/constants"),
        ("get", "/api/v2/account_lists"),
        ("get", al),
        ("get", f"{al}/imports"),
        ("post", f"{al}/imports"),
        ("get", f"{al}/imports/{import_id}"),
        ("put", f"{al}/imports/{import_id}"),
        ("patch", f"{al}/imports/{import_id}"),
        ("get", f"{al}/imports/{import_id}/failures"),
        ("get", f"{al}/imports/csv"),
        ("post", f"{al}/imports/csv"),
        ("get", f"{al}/imports/csv/{import_id}"),
        ("put", f"{al}/imports/csv/{import_id}"),
        ("get", f"{al}/imports/tnt"),
        ("post", f"{al}/imports/tnt"),
        ("get", f"{al}/contacts"),
    ]


def call(client: JsonApiClient, method: str, path: str):
    if method == "get":
        return client.client.get(path)
    document = {"data": {"type": "imports", "attributes": {"tag_list": "x"}}}
    if method in ("put", "patch") and path.rstrip("/").split("/")[-1] not in ("imports", "csv", "tnt"):
        document["data"]["id"] = path.rstrip("/").split("/")[-1]
    return client.put_json(path, document, method=method)


@pytest.mark.parametrize(
    "credentials",
    [None, "not-a-real-token", "Bearer", "Token abc"],
    ids=["anonymous", "bad-token", "empty-bearer", "other-scheme"],
)
def test_every_endpoint_needs_a_valid_token(credentials, account_list, existing_import):
    client = JsonApiClient()
    if credentials == "not-a-real-token":
        client = JsonApiClient("not-a-real-token")
    elif credentials:
        client.client.credentials(HTTP_AUTHORIZATION=credentials)
    for method, path in endpoints(account_list.id, existing_import["id"]):
        response = call(client, method, path)
        assert response.status_code == 401, (method, path, response.status_code)
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["errors"][0]["status"] == "401"


def test_a_revoked_or_expired_token_is_refused(member, account_list):
    token, raw = ApiToken.issue(user=member.user)
    client = JsonApiClient(raw)
    assert client.get("/api/v2/user").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert client.get("/api/v2/user").status_code == 401
    token, raw = ApiToken.issue(user=member.user)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert JsonApiClient(raw).get("/api/v2/user").status_code == 401


def test_a_user_of_another_account_list_gets_404_everywhere_never_403(stranger, account_list, existing_import):
    for method, path in endpoints(account_list.id, existing_import["id"]):
        if path in ("/api/v2/user", "/api/v2/constants", "/api/v2/account_lists"):
            continue
        response = call(stranger, method, path)
        assert response.status_code == 404, (method, path, response.status_code)
    assert Import.objects.get(pk=existing_import["id"]).tag_list == ""


def test_an_unknown_account_list_or_import_is_404(api, account_list):
    assert api.get(f"/api/v2/account_lists/{uuid.uuid4()}").status_code == 404
    assert api.get(f"/api/v2/account_lists/{account_list.id}/imports/{uuid.uuid4()}").status_code == 404


def test_an_import_is_not_reachable_through_another_account_list_of_the_same_user(api, member, account_list):
    from tests.factories import MembershipFactory

    other_list = MembershipFactory(user=member.user).account_list
    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    assert api.get(f"/api/v2/account_lists/{other_list.id}/imports/{created['id']}").status_code == 404


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

    from tests.conftest import fixture_path

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
