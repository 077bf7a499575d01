"""Staff made by `create_api_user --staff` review imports in the admin; staff without access are told whom to ask."""

import io
import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.reviewers import REVIEWERS_GROUP
from imports.models import Import
from tests.imports.helpers import CUSTOM, INVALID_ROWS, make_import

pytestmark = pytest.mark.django_db

PASSWORD = "a long review password 42"
CHANGELIST = "/admin/imports/import/"


def create_api_user(*args, password: str | None = None) -> dict:
    out = io.StringIO()
    stdin = io.StringIO(f"{password}\n") if password is not None else None
    extra = ("--password-stdin",) if password is not None else ()
    call_command("create_api_user", *args, *extra, stdout=out, stderr=io.StringIO(), stdin=stdin)
    return json.loads(out.getvalue())


def logged_in(email: str, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post(reverse("admin:login"), {"username": email, "password": password, "next": "/admin/"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    return client


def test_a_new_staff_user_opens_the_import_list_and_an_import(member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM
    )
    create_api_user("reviewer@example.com", "--staff", password=PASSWORD)
    client = logged_in("reviewer@example.com")

    listing = client.get(CHANGELIST)
    assert listing.status_code == 200
    assert [i.pk for i in listing.context["cl"].result_list] == [import_record.pk]
    detail = client.get(reverse("admin:imports_import_change", args=[import_record.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Download failures CSV" in html and "Re-import corrected file" in html
    assert 'name="_save"' not in html  # a reviewer reads and acts; the import's fields are not theirs to edit
    for page in ("/admin/contacts/contact/", "/admin/accounts/accountlist/", "/admin/accounts/user/"):
        assert client.get(page).status_code == 200, page
    assert client.get("/admin/accounts/apitoken/").status_code == 403


def test_the_reviewers_group_holds_view_and_action_permissions():
    codenames = set(Group.objects.get(name=REVIEWERS_GROUP).permissions.values_list("codename", flat=True))
    assert {"view_import", "view_contact", "view_accountlist", "view_user"} <= codenames
    assert {"start_import", "cancel_import", "reimport_import", "undo_import"} <= codenames
    assert not {c for c in codenames if c.startswith(("add_", "change_", "delete_"))}


def test_a_reviewer_starts_an_import_in_preview(member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM, until="preview"
    )
    create_api_user("reviewer@example.com", "--staff", password=PASSWORD)
    client = logged_in("reviewer@example.com")
    response = client.post(reverse("admin:imports_import_start", args=[import_record.pk]), follow=True)
    assert response.status_code == 200
    import_record.refresh_from_db()
    assert import_record.status != Import.Status.PREVIEW


def test_staff_without_the_group_are_told_whom_to_ask(member):
    create_api_user("boss@example.com", "--superuser", password=PASSWORD)
    user = User.objects.create_user("newcomer@example.com", password=PASSWORD, is_staff=True)
    client = logged_in(user.email)
    for page in (CHANGELIST, "/admin/"):
        response = client.get(page)
        html = response.content.decode()
        assert response.status_code == (403 if page == CHANGELIST else 200), page
        assert "Ask for access" in html and "boss@example.com" in html and REVIEWERS_GROUP in html, page
    assert client.post(CHANGELIST, {"action": "start_selected"}).status_code == 403


def test_a_superuser_is_a_full_administrator():
    result = create_api_user("boss@example.com", "--superuser", password=PASSWORD)
    user = User.objects.get(pk=result["user_id"])
    assert user.is_staff and user.is_superuser
    assert logged_in("boss@example.com").get("/admin/accounts/apitoken/").status_code == 200


def test_a_weak_password_is_refused_with_the_reason():
    with pytest.raises(CommandError, match="too common|too short"):
        create_api_user("ann@example.com", "--staff", password="password")
    assert not User.objects.filter(email="ann@example.com").exists()


def test_the_password_can_be_set_again_for_an_existing_user():
    create_api_user("ann@example.com", "--staff")
    assert not User.objects.get(email="ann@example.com").has_usable_password()
    create_api_user("ann@example.com", password=PASSWORD)
    assert logged_in("ann@example.com").get(CHANGELIST).status_code == 200
