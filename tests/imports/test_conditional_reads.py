"""Conditional reads of imports: ETag / If-None-Match and Last-Modified / If-Modified-Since -> 304."""

import datetime
import time

import pytest
from django.utils import timezone
from django.utils.http import http_date

from imports import services
from imports.models import Import
from tests.conftest import JsonApiClient
from tests.factories import MembershipFactory, issue_token
from tests.imports.helpers import create_csv, imports_path, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def settled(api, account_list):
    """A CSV import in preview, last changed a minute ago (Last-Modified needs a second that is over)."""
    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    a_minute_ago = timezone.now() - datetime.timedelta(minutes=1)
    Import.objects.filter(pk=created["id"]).update(updated_at=a_minute_ago)
    return Import.objects.get(pk=created["id"])


def detail(account_list, record) -> str:
    return imports_path(account_list, f"/{record.pk}")


def test_every_import_read_carries_an_etag_and_asks_to_be_revalidated(api, account_list, settled):
    for path in (detail(account_list, settled), imports_path(account_list), imports_path(account_list, "/csv")):
        response = api.get(path)
        assert response.status_code == 200
        assert response["ETag"].startswith('W/"') and response["Cache-Control"] == "private, no-cache"
    assert api.get(detail(account_list, settled))["Last-Modified"] == http_date(settled.updated_at.timestamp())
    assert not api.get(imports_path(account_list)).has_header("Last-Modified")  # a list has no one date


@pytest.mark.parametrize("method", ["get", "head"])
def test_the_same_etag_answers_304_without_a_body(api, account_list, settled, method):
    for path in (detail(account_list, settled), imports_path(account_list)):
        etag = api.get(path)["ETag"]
        response = getattr(api.client, method)(path, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304 and response.content == b""
        assert response["ETag"] == etag
        assert getattr(api.client, method)(path, HTTP_IF_NONE_MATCH=f'"other", {etag}').status_code == 304
        assert api.client.get(path, HTTP_IF_NONE_MATCH=etag.removeprefix("W/")).status_code == 304  # weak compare
        assert api.client.get(path, HTTP_IF_NONE_MATCH='W/"other"').status_code == 200
        assert api.client.get(path, HTTP_IF_NONE_MATCH="not an etag").status_code == 200


def test_every_change_of_what_a_read_shows_changes_its_etag(api, account_list, settled):
    path, include = detail(account_list, settled), {"include": "sample_contacts,user"}
    lists = imports_path(account_list)
    changes = [
        # a job's counters, written without updated_at
        lambda: Import.objects.filter(pk=settled.pk).update(rows_processed=3),
        # new mappings rebuild the samples
        lambda: services.update_import(
            import_record=settled,
            attributes={"file_headers_mappings": {"first_name": "first_name"}},
            updated_in_db_at=None,
            overwrite=True,
        ),
        lambda: Import.objects.filter(pk=settled.pk).update(status=Import.Status.FAILED, error="It broke."),
    ]
    for change in changes:
        etags = [api.get(path, **include)["ETag"], api.get(lists)["ETag"]]
        change()
        assert api.client.get(path, include, HTTP_IF_NONE_MATCH=etags[0]).status_code == 200
        assert api.client.get(lists, HTTP_IF_NONE_MATCH=etags[1]).status_code == 200
    etags = [api.get(path, **include)["ETag"], api.get(lists)["ETag"]]
    create_csv(api, account_list, "sample_csv_with_fullname.csv")  # a new import: in the list only
    assert api.client.get(path, include, HTTP_IF_NONE_MATCH=etags[0]).status_code == 304
    assert len(api.client.get(lists, HTTP_IF_NONE_MATCH=etags[1]).json()["data"]) == 2
    etags = [api.get(path, **include)["ETag"], api.get(lists)["ETag"]]
    type(settled.user).objects.filter(pk=settled.user_id).update(name="Someone Else")  # included, not listed
    assert api.client.get(path, include, HTTP_IF_NONE_MATCH=etags[0]).status_code == 200
    assert api.client.get(lists, HTTP_IF_NONE_MATCH=etags[1]).status_code == 304


def test_each_reader_and_each_query_has_its_own_etag(api, member, account_list, settled):
    path = detail(account_list, settled)
    other = MembershipFactory(account_list=account_list).user
    theirs = JsonApiClient(issue_token(other)).get(path)
    assert theirs.status_code == 200 and theirs["ETag"] != api.get(path)["ETag"]  # file_url is signed for each
    etags = {
        api.get(path, **params)["ETag"]
        for params in ({}, {"include": "sample_contacts"}, {"fields[imports]": "source"})
    }
    assert len(etags) == 3


def test_a_304_is_given_only_while_the_kept_file_link_has_half_its_life_left(
    api, account_list, settled, monkeypatch, settings
):
    clock = [2_000_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    path = detail(account_list, settled)
    response = api.get(path)
    clock[0] += settings.FILE_URL_EXPIRY_SECONDS / 2
    again = api.client.get(path, HTTP_IF_NONE_MATCH=response["ETag"])
    assert (
        again.status_code == 200
        and again.json()["data"]["attributes"]["file_url"] != (response.json()["data"]["attributes"]["file_url"])
    )


def test_if_modified_since_answers_304_when_the_import_has_not_changed_since(api, account_list, settled):
    path = detail(account_list, settled)
    last_modified = api.get(path)["Last-Modified"]
    assert api.client.get(path, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    later = http_date(settled.updated_at.timestamp() + 30)
    assert api.client.get(path, HTTP_IF_MODIFIED_SINCE=later).status_code == 304
    earlier = http_date(settled.updated_at.timestamp() - 30)
    assert api.client.get(path, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200
    # If-None-Match decides when both are sent
    assert api.client.get(path, HTTP_IF_MODIFIED_SINCE=later, HTTP_IF_NONE_MATCH='W/"old"').status_code == 200
    services.update_import(  # a write moves updated_at
        import_record=settled, attributes={"tag_list": "changed"}, updated_in_db_at=None, overwrite=True
    )
    assert api.client.get(path, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


def test_no_last_modified_where_it_cannot_tell(api, account_list, settled, monkeypatch):
    path = detail(account_list, settled)
    # The user and account list included do not move the import's updated_at.
    assert not api.get(path, include="user").has_header("Last-Modified")
    assert api.get(path, include="sample_contacts").has_header("Last-Modified")
    # Changed this second: another change within it would carry the same date. The clock is held
    # inside that second, so a slow request cannot step over its end.
    changed = timezone.now().replace(microsecond=100_000)
    Import.objects.filter(pk=settled.pk).update(updated_at=changed)
    monkeypatch.setattr(timezone, "now", lambda: changed.replace(microsecond=900_000))
    assert not api.get(path).has_header("Last-Modified")


def test_creates_and_updates_are_not_conditional(api, account_list):
    created = api.post_multipart(
        imports_path(account_list, "/csv"),
        {"data[type]": "imports", "data[attributes][file]": upload("sample_csv_to_import.csv")},
    )
    assert created.status_code == 201 and not created.has_header("ETag")
