import json

import pytest
from django.core.management import call_command

from accounts.models import AccountList, User
from tests.conftest import JsonApiClient

pytestmark = pytest.mark.django_db


def run(*args) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("create_api_user", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_prints_one_json_line_whose_token_works():
    result = run("ann@example.com")
    assert set(result) == {"user_id", "account_list_id", "token"}
    account_list = AccountList.objects.get(pk=result["account_list_id"])
    assert account_list.name == "ann@example.com's contacts"
    body = JsonApiClient(result["token"]).get("/api/v2/account_lists").json()
    assert [item["id"] for item in body["data"]] == [result["account_list_id"]]


def test_reuses_the_user_and_the_named_list_and_can_make_staff():
    first = run("ann@example.com", "--account-list", "Ministry")
    second = run("ann@example.com", "--account-list", "Ministry", "--staff")
    assert first["user_id"] == second["user_id"]
    assert first["account_list_id"] == second["account_list_id"]
    assert first["token"] != second["token"]
    assert User.objects.get(pk=first["user_id"]).is_staff
    assert JsonApiClient(first["token"]).get("/api/v2/user").status_code == 200
