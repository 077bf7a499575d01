"""The API's faster machinery answers, byte for byte, what the libraries' own machinery answers.

Each piece stands in for library code: fields built once per serializer class and UTC date-times
(config/serializers.py), field roles worked out once per serializer (config/renderers.py), no
COUNT for a page that is not full (config/pagination.py), no FilterSet without a filter
(config/filters.py), the token and its user read by SQL written once
(accounts/authentication.py). The tests below make the same requests with
the stock machinery and with ours, and compare status, headers and bodies. (The import resource
has one code path of its own, imports/api/documents.py, pinned by the golden documents of
tests/imports/test_import_documents.py.)
"""

import time
from contextlib import contextmanager
from types import SimpleNamespace

import django_filters
import pytest
from django.core.paginator import Paginator
from rest_framework import serializers as drf_serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView
from rest_framework_json_api import filters as jsonapi_filters
from rest_framework_json_api import renderers as jsonapi_renderers
from rest_framework_json_api.django_filters import DjangoFilterBackend

from benchmarks.api_patches import stock_variants
from config import serializers as our_serializers
from config.filters import DjangoFilterBackend as OurDjangoFilterBackend
from config.pagination import PageNumberPagination
from contacts.models import Contact
from imports.models import Import
from tests.conftest import JsonApiClient
from tests.factories import MembershipFactory, issue_token
from tests.imports.helpers import GENERATED, make_import

pytestmark = pytest.mark.django_db


@contextmanager
def stock_machinery():
    """Djangorestframework(-jsonapi)'s and Django's own classes, in place of ours, for the duration."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            our_serializers.FieldsBuiltOncePerClass,
            "get_fields",
            lambda self: super(our_serializers.FieldsBuiltOncePerClass, self).get_fields(),
        )
        stock_mapping = drf_serializers.ModelSerializer.serializer_field_mapping
        patch.setattr(our_serializers.ResourceSerializer, "serializer_field_mapping", stock_mapping)
        patch.setattr(our_serializers.NestedModelSerializer, "serializer_field_mapping", stock_mapping)
        stock_renderers = [jsonapi_renderers.JSONRenderer, jsonapi_renderers.BrowsableAPIRenderer]
        patch.setattr(APIView, "renderer_classes", stock_renderers)
        patch.setattr(
            GenericAPIView,
            "filter_backends",
            [jsonapi_filters.QueryParameterValidationFilter, jsonapi_filters.OrderingFilter, DjangoFilterBackend],
        )
        patch.setattr(PageNumberPagination, "django_paginator_class", Paginator)
        with stock_variants()["token by key, raw SQL"]():  # the ORM's queries for the token and its user
            yield


def answer(client: JsonApiClient, path: str, params: dict) -> tuple:
    response = client.get(path, **params)
    return response.status_code, sorted(response.items()), response.content


def assert_same_answers(client: JsonApiClient, requests: list[tuple[str, dict]]) -> None:
    for path, params in requests:
        with stock_machinery():
            stock = answer(client, path, params)
        ours = answer(client, path, params)
        assert ours == stock, (path, params)


@pytest.fixture
def imports_of_every_shape(member, generated_csv, monkeypatch):
    """A finished CSV import with samples, CSV and TNT imports in preview (with and without samples), a failed one."""
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)  # file_url links carry their expiry
    as_member = {"account_list": member.account_list, "user": member.user}
    finished = make_import(
        account_list=member.account_list,
        user=member.user,
        content=generated_csv(20),
        mappings=GENERATED,
        tag_list="first,batch",
    )
    make_import(
        account_list=member.account_list,
        user=member.user,
        content=generated_csv(6, seed=3),
        mappings=GENERATED,
        override=True,
    )
    preview = make_import(**as_member, fixture="sample_csv_with_custom_headers.csv", until="uploaded")
    tnt = make_import(**as_member, source="tnt", fixture="tnt_export_groups.xml", until="uploaded")
    failed = make_import(**as_member, fixture="sample_csv_with_fullname.csv", until="uploaded")
    Import.objects.filter(pk=failed.pk).update(status=Import.Status.FAILED, error="It broke.", in_preview=False)
    assert finished.sample_contacts.count() == 4 and not preview.sample_contacts.exists()
    assert tnt.sample_contacts.exists()
    return {"finished": finished, "preview": preview, "tnt": tnt, "failed": failed}


def test_contacts_the_user_and_account_lists_read_the_same(member, imports_of_every_shape):
    client = JsonApiClient(member.token)
    account_list = member.account_list
    contacts = f"/api/v2/account_lists/{account_list.id}/contacts"
    some = Contact.objects.filter(account_list=account_list).order_by("name")[:3]
    finished = imports_of_every_shape["finished"]
    requests = [
        ("/api/v2/user", {}),
        ("/api/v2/account_lists", {}),
        (f"/api/v2/account_lists/{account_list.id}", {}),
        (contacts, {}),
        (contacts, {"page[size]": "5"}),
        (contacts, {"page[size]": "5", "page[number]": "3"}),
        (contacts, {"filter[tags]": "first"}),
        (contacts, {"filter[import]": str(finished.pk), "page[size]": "4"}),
        (contacts, {"sort": "-name"}),
        *[(f"{contacts}/{contact.pk}", {}) for contact in some],
    ]
    assert_same_answers(client, requests)


def test_someone_elses_list_and_bad_tokens_read_the_same(member, imports_of_every_shape):
    stranger = MembershipFactory()
    finished = imports_of_every_shape["finished"]
    path = f"/api/v2/account_lists/{member.account_list.id}/imports"
    for client in (JsonApiClient(issue_token(stranger.user)), JsonApiClient("not-a-token"), JsonApiClient()):
        assert_same_answers(client, [(path, {}), (f"{path}/{finished.pk}", {"include": "sample_contacts"})])


@pytest.mark.parametrize("backend", [DjangoFilterBackend, OurDjangoFilterBackend])
def test_a_required_filter_is_asked_for_without_any_filter_parameter(backend, db):
    class RequiresSource(django_filters.FilterSet):
        source = django_filters.CharFilter(required=True)

        class Meta:
            model = Import
            fields = ["source"]

    request = Request(APIRequestFactory().get("/imports", {"page[size]": "2"}))
    with pytest.raises(ValidationError):
        backend().filter_queryset(request, Import.objects.all(), SimpleNamespace(filterset_class=RequiresSource))
