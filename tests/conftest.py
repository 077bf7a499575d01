"""Shared fixtures: a member with a token and an API client speaking JSON:API."""

import json
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.factories import AccountListFactory, MembershipFactory, issue_token

FIXTURES = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures"
JSONAPI = "application/vnd.api+json"


def fixture_path(kind: str, name: str) -> Path:
    return FIXTURES / kind / name


class JsonApiClient:
    """Requests as a real client sends them: a bearer token, JSON:API bodies, multipart uploads."""

    def __init__(self, token: str | None = None):
        self.client = APIClient()
        if token:
            self.client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    def get(self, path, **params):
        return self.client.get(path, params)

    def post_json(self, path, document):
        return self.client.post(path, json.dumps(document), content_type=JSONAPI)

    def put_json(self, path, document, method="put"):
        return getattr(self.client, method)(path, json.dumps(document), content_type=JSONAPI)

    def post_multipart(self, path, fields):
        return self.client.post(path, fields, format="multipart")

    def put_multipart(self, path, fields):
        return self.client.generic("PUT", path, *_encode_multipart(fields))


def _encode_multipart(fields):
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return encode_multipart(BOUNDARY, fields), MULTIPART_CONTENT


@pytest.fixture
def member(db):
    membership = MembershipFactory()
    membership.token = issue_token(membership.user)
    return membership


@pytest.fixture
def api(member):
    return JsonApiClient(member.token)


@pytest.fixture
def account_list(member):
    return member.account_list


@pytest.fixture
def stranger(db):
    """A user with a valid token who belongs to another account list."""
    other = MembershipFactory(account_list=AccountListFactory())
    return JsonApiClient(issue_token(other.user))


@pytest.fixture(scope="session", autouse=True)
def _remove_uploaded_files():
    """Uploads go to a temporary MEDIA_ROOT made for this run (config/settings_test.py); remove it after."""
    yield
    import shutil

    from django.conf import settings

    if "imports-test-media-" in str(settings.MEDIA_ROOT):
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def google(settings):
    """A stand-in for Google's OAuth endpoints and People API on a loopback port, the service pointed at it:
    250 people over 3 pages (100 a page at most), two user groups and the system groups."""
    from google_contacts.standin import GoogleStandIn, demo_groups, demo_people

    groups = demo_groups()
    standin = GoogleStandIn(people=demo_people(250, groups), groups=groups, max_page_size=100)
    standin.serve()
    for name, value in standin.settings().items():
        setattr(settings, name, value)
    yield standin
    standin.stop()
