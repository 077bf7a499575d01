"""Connecting Google accounts through HTTP, against the stand-in: connect, list, groups, disconnect, errors."""

import pytest
import requests
from django.core.management import call_command

from google_contacts.models import GoogleAccount
from tests.conftest import JsonApiClient
from tests.factories import MembershipFactory, issue_token
from tests.google.helpers import ACCOUNTS, REDIRECT_URI, assert_no_token_in, connect, connect_document

pytestmark = pytest.mark.django_db


def test_connecting_exchanges_the_code_and_answers_201_with_the_email(api, member, google):
    response = api.post_json(ACCOUNTS, connect_document(google.issue_code(redirect_uri=REDIRECT_URI)))
    assert response.status_code == 201, response.content
    resource = response.json()["data"]
    assert resource["type"] == "google_accounts"
    assert resource["attributes"]["email"] == "ann.example@gmail.com"
    assert "https://www.googleapis.com/auth/contacts.readonly" in resource["attributes"]["scopes"]
    assert resource["attributes"]["needs_reconnect"] is False
    assert response["Location"].endswith(f"{ACCOUNTS}/{resource['id']}")
    assert_no_token_in(response.content, google)
    account = GoogleAccount.objects.get(pk=resource["id"])
    assert account.user == member.user and account.google_id == "people/100000000000000000001"
    (refresh_token,) = google.state.grants
    assert account.refresh_token == refresh_token
    assert refresh_token not in account.encrypted_refresh_token  # stored encrypted
    exchange = google.requests_of("/token")[0]
    assert exchange["grant_type"] == "authorization_code" and exchange["redirect_uri"] == REDIRECT_URI


def test_connecting_the_same_account_again_updates_it(api, google):
    first = connect(api, google)
    response = api.post_json(ACCOUNTS, connect_document(google.issue_code(redirect_uri=REDIRECT_URI)))
    assert response.status_code == 200
    assert response.json()["data"]["id"] == first["id"]
    assert GoogleAccount.objects.count() == 1
    assert GoogleAccount.objects.get().refresh_token == list(google.state.grants)[-1]


def test_a_refused_code_is_a_400_that_says_why(api, google):
    code = google.issue_code(redirect_uri=REDIRECT_URI)
    connect_once = api.post_json(ACCOUNTS, connect_document(code))
    assert connect_once.status_code == 201
    again = api.post_json(ACCOUNTS, connect_document(code))  # a code works once
    assert again.status_code == 400
    (error,) = again.json()["errors"]
    assert "Google refused the authorization code (Malformed auth code.)" in error["detail"]
    other_uri = api.post_json(
        ACCOUNTS, connect_document(google.issue_code(redirect_uri="https://elsewhere.example.com/cb"))
    )
    assert other_uri.status_code == 400
    assert "redirect_uri is not the one the consent screen was opened with" in other_uri.json()["errors"][0]["detail"]


def test_pkce_the_code_verifier_must_match_the_challenge(api, google):
    code = google.issue_code(redirect_uri=REDIRECT_URI, code_verifier="v" * 64)
    wrong = api.post_json(ACCOUNTS, connect_document(code, code_verifier="w" * 64))
    assert wrong.status_code == 400 and "Invalid code verifier" in wrong.json()["errors"][0]["detail"]
    code = google.issue_code(redirect_uri=REDIRECT_URI, code_verifier="v" * 64)
    right = api.post_json(ACCOUNTS, connect_document(code, code_verifier="v" * 64))
    assert right.status_code == 201
    assert google.requests_of("/token")[-1]["code_verifier"] == "v" * 64


def test_an_account_that_did_not_grant_the_contacts_scope_is_refused(api, google):
    code = google.issue_code(redirect_uri=REDIRECT_URI, scopes=["https://www.googleapis.com/auth/userinfo.email"])
    response = api.post_json(ACCOUNTS, connect_document(code))
    assert response.status_code == 400
    assert "did not allow reading its contacts" in response.json()["errors"][0]["detail"]
    assert not GoogleAccount.objects.exists()


def test_google_unreachable_is_a_502_with_a_sentence(api, google, settings):
    settings.GOOGLE_OAUTH_TOKEN_URL = "http://127.0.0.1:9/token"  # nothing listens on the discard port
    response = api.post_json(ACCOUNTS, connect_document("4/whatever"))
    assert response.status_code == 502
    assert (
        response.json()["errors"][0]["detail"] == "Google's token endpoint could not be reached. Try again in a minute."
    )


def test_a_people_api_failing_after_the_retries_is_a_502(api, google):
    google.fail("people/me", 503, 503, 503, 503, 503, 503)
    response = api.post_json(ACCOUNTS, connect_document(google.issue_code(redirect_uri=REDIRECT_URI)))
    assert response.status_code == 502
    assert (
        "People API answered HTTP 503 (The service is currently unavailable.)" in response.json()["errors"][0]["detail"]
    )


def test_without_a_client_id_every_endpoint_says_google_is_not_configured(api, settings):
    settings.GOOGLE_OAUTH_CLIENT_ID = ""
    for response in (api.get(ACCOUNTS), api.post_json(ACCOUNTS, connect_document("4/x"))):
        assert response.status_code == 503
        assert response.json()["errors"][0]["detail"].startswith(
            "Google Contacts is not configured on this server: set GOOGLE_OAUTH_CLIENT_ID"
        )


def test_the_list_shows_only_the_users_own_accounts(api, google):
    mine = connect(api, google)
    stranger = JsonApiClient(issue_token(MembershipFactory().user))
    theirs = connect(stranger, google)
    response = api.get(ACCOUNTS)
    assert response.status_code == 200
    assert [resource["id"] for resource in response.json()["data"]] == [mine["id"]]
    assert_no_token_in(response.content, google)
    for path in (f"{ACCOUNTS}/{theirs['id']}", f"{ACCOUNTS}/{theirs['id']}/contact_groups"):
        assert api.get(path).status_code == 404
    assert api.client.delete(f"{ACCOUNTS}/{theirs['id']}").status_code == 404
    assert GoogleAccount.objects.filter(pk=theirs["id"]).exists()


def test_contact_groups_are_listed_with_member_counts(api, google):
    account = connect(api, google)
    response = api.get(f"{ACCOUNTS}/{account['id']}/contact_groups")
    assert response.status_code == 200, response.content
    groups = {g["id"]: g["attributes"] for g in response.json()["data"]}
    church = groups["contactGroups/3c1a2b4d5e6f7a8b"]
    assert church == {
        "resource_name": "contactGroups/3c1a2b4d5e6f7a8b",
        "name": "Church",
        "group_type": "USER_CONTACT_GROUP",
        "member_count": 84,  # every third of 250
    }
    assert groups["contactGroups/myContacts"]["member_count"] == 250
    assert groups["contactGroups/myContacts"]["name"] == "My Contacts"  # the formatted name
    assert_no_token_in(response.content, google)
    asked = google.requests_of("contactGroups")[0]
    assert asked["pageSize"] == "1000"


def test_disconnecting_revokes_at_google_and_deletes_the_token(api, google):
    account = connect(api, google)
    (grant,) = google.state.grants.values()
    response = api.client.delete(f"{ACCOUNTS}/{account['id']}")
    assert response.status_code == 204
    assert grant.revoked
    assert not GoogleAccount.objects.exists()


def test_disconnecting_works_when_google_cannot_be_reached(api, google, settings):
    account = connect(api, google)
    settings.GOOGLE_OAUTH_REVOKE_URL = "http://127.0.0.1:9/revoke"
    assert api.client.delete(f"{ACCOUNTS}/{account['id']}").status_code == 204
    assert not GoogleAccount.objects.exists()


def test_the_browser_flow_connects_through_the_consent_screen(client, member, google):
    client.force_login(member.user)
    start = client.get("/google/connect", {"next": "/api/v2/user/google_accounts"})
    assert start.status_code == 302
    consent = start["Location"]
    assert consent.startswith(google.settings()["GOOGLE_OAUTH_AUTHORIZE_URL"])
    assert "code_challenge=" in consent and "access_type=offline" in consent and "state=" in consent
    back = requests.get(consent, allow_redirects=False, timeout=5)  # the stand-in consents at once
    assert back.status_code == 302
    callback = back.headers["Location"]
    assert callback.startswith("http://testserver/google/callback?")
    done = client.get(callback.removeprefix("http://testserver"))
    account = GoogleAccount.objects.get(user=member.user)
    assert done.status_code == 302
    assert done["Location"] == f"/api/v2/user/google_accounts?google_account_id={account.pk}"
    assert google.requests_of("/token")[-1]["code_verifier"]  # PKCE all the way


def test_the_browser_flow_refuses_a_state_it_did_not_sign(client, member, google):
    client.force_login(member.user)
    client.get("/google/connect")
    code = google.issue_code(redirect_uri="http://testserver/google/callback")
    response = client.get("/google/callback", {"code": code, "state": "forged"})
    assert response.status_code == 400
    assert b"does not belong to a connection started here" in response.content
    assert not GoogleAccount.objects.exists()


def test_the_admin_shows_accounts_without_the_token(client, api, google):
    from tests.factories import UserFactory

    account = connect(api, google)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    for path in (
        "/admin/google_contacts/googleaccount/",
        f"/admin/google_contacts/googleaccount/{account['id']}/change/",
    ):
        page = client.get(path)
        assert page.status_code == 200
        assert b"ann.example@gmail.com" in page.content
        assert_no_token_in(page.content, google)
        assert GoogleAccount.objects.get().encrypted_refresh_token.encode() not in page.content


def test_rotating_the_key_reencrypts_every_token(api, google, settings):
    from cryptography.fernet import Fernet

    connect(api, google)
    old_key = settings.GOOGLE_TOKEN_ENCRYPTION_KEYS[0]
    token = GoogleAccount.objects.get().refresh_token
    settings.GOOGLE_TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]
    call_command("rotate_google_token_key")
    settings.GOOGLE_TOKEN_ENCRYPTION_KEYS = settings.GOOGLE_TOKEN_ENCRYPTION_KEYS[:1]  # the old key removed
    assert GoogleAccount.objects.get().refresh_token == token


def test_a_key_that_is_not_a_fernet_key_is_a_503_that_says_so(api, google, settings):
    settings.GOOGLE_TOKEN_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    response = api.get(ACCOUNTS)
    assert response.status_code == 503
    assert "holds a value that is not a Fernet key" in response.json()["errors"][0]["detail"]


def test_a_token_whose_key_was_removed_is_a_503_that_says_to_put_it_back(api, google, settings):
    from cryptography.fernet import Fernet

    account = connect(api, google)
    settings.GOOGLE_TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the key that encrypted it is gone
    response = api.get(f"{ACCOUNTS}/{account['id']}/contact_groups")
    assert response.status_code == 503
    assert "the key that encrypted it was removed. Put it back" in response.json()["errors"][0]["detail"]
    assert_no_token_in(response.content, google)


def test_disconnecting_needs_no_content_type(api, google):
    """curl -X DELETE sends none, and runserver reports that as text/plain."""
    account = connect(api, google)
    response = api.client.generic("DELETE", f"{ACCOUNTS}/{account['id']}", b"", content_type="text/plain")
    assert response.status_code == 204
    assert not GoogleAccount.objects.exists()
