"""Users, account lists and API tokens in the admin; django-q2's pages stay reachable."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccountList, AccountListMembership, ApiToken, User
from contacts.models import Contact
from tests.conftest import JsonApiClient
from tests.factories import MembershipFactory, issue_token
from tests.imports.helpers import CUSTOM, INVALID_ROWS, make_import

pytestmark = pytest.mark.django_db


def test_a_user_page_lists_their_account_lists_and_tokens(admin_client, member):
    html = admin_client.get(reverse("admin:accounts_user_change", args=[member.user.pk])).content.decode()
    assert member.account_list.name in html
    assert ApiToken.objects.get(user=member.user).prefix in html


def test_a_user_added_in_the_admin_gets_a_lower_case_email_and_a_password(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@Example.com",
            "usable_password": "true",
            "password1": "a-long-pass-42",
            "password2": "a-long-pass-42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.com")
    assert user.check_password("a-long-pass-42")


def test_account_lists_show_member_contact_and_import_counts_in_a_fixed_number_of_queries(admin_client, member):
    MembershipFactory(account_list=member.account_list)
    make_import(account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM)
    with CaptureQueriesContext(connection) as one_list:
        admin_client.get(reverse("admin:accounts_accountlist_changelist"))
    for n in range(20):
        AccountList.objects.create(name=f"Empty list {n}")
    with CaptureQueriesContext(connection) as many_lists:
        response = admin_client.get(reverse("admin:accounts_accountlist_changelist"))
    assert len(many_lists) == len(one_list)
    counted = next(a for a in response.context["cl"].result_list if a.pk == member.account_list.pk)
    assert (counted.member_count, counted.contact_count, counted.import_count) == (2, 2, 1)
    assert Contact.objects.filter(account_list=member.account_list).count() == 2


def test_an_account_list_page_links_its_members_recent_imports_and_contacts(admin_client, member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM
    )
    html = admin_client.get(
        reverse("admin:accounts_accountlist_change", args=[member.account_list.pk])
    ).content.decode()
    assert member.user.email in html
    assert reverse("admin:imports_import_change", args=[import_record.pk]) in html
    assert f"?account_list__id__exact={member.account_list.pk}" in html
    assert "2 contacts" in html


def test_a_token_issued_in_the_admin_is_shown_once_and_works(admin_client, member):
    response = admin_client.post(
        reverse("admin:accounts_apitoken_add"), {"user": str(member.user.pk), "name": "laptop"}
    )
    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request) if "The new token is" in str(m)]
    raw = shown[0].split("The new token is ")[1].split(" ")[0]
    token = ApiToken.objects.get(user=member.user, name="laptop")
    assert raw.startswith(token.prefix) and raw not in token.key_hash
    assert JsonApiClient(raw).get("/api/v2/user").status_code == 200


def test_revoked_tokens_stop_working(admin_client, member):
    admin_client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [str(t.pk) for t in ApiToken.objects.filter(user=member.user)]},
    )
    assert JsonApiClient(member.token).get("/api/v2/user").status_code == 401


def test_memberships_can_be_edited_on_the_user_page(admin_client, member):
    other = AccountList.objects.create(name="Second list")
    membership = AccountListMembership.objects.get(user=member.user)
    url = reverse("admin:accounts_user_change", args=[member.user.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("groups", "user_permissions", "password")
    }
    data.update(
        {
            "last_login": "",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": str(membership.pk),
            "memberships-0-user": str(member.user.pk),
            "memberships-0-account_list": str(member.account_list.pk),
            "memberships-1-user": str(member.user.pk),
            "memberships-1-account_list": str(other.pk),
            "api_tokens-TOTAL_FORMS": "0",
            "api_tokens-INITIAL_FORMS": "0",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(member.user.account_lists.values_list("name", flat=True)) == {member.account_list.name, "Second list"}


def test_django_q_admin_pages_stay_reachable(admin_client):
    for url in ("/admin/django_q/", "/admin/django_q/success/", "/admin/django_q/failure/", "/admin/django_q/ormq/"):
        assert admin_client.get(url).status_code == 200, url


def test_a_plain_member_cannot_open_the_admin(client, member):
    client.force_login(member.user)
    assert client.get("/admin/").status_code == 302
    assert issue_token(member.user)
