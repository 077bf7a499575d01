"""Serializer fields worked out once per class (config/serializers.py): every serializer still owns its fields."""

import pytest
from django.test import RequestFactory
from rest_framework import serializers as drf_serializers
from rest_framework.request import Request

from config.serializers import PROTOTYPES
from contacts.api.serializers import ContactSerializer, SampleContactSerializer
from imports.api.serializers import ImportSerializer
from imports.downloads import read_download_token
from tests.conftest import JsonApiClient
from tests.factories import MembershipFactory, UserFactory, issue_token
from tests.imports.helpers import GENERATED, make_import


def request_of(user) -> Request:
    request = Request(RequestFactory().get("/api/v2/user", HTTP_HOST="127.0.0.1"))
    request.user = user
    return request


@pytest.mark.django_db
def test_each_serializer_gets_fields_of_its_own_bound_to_it():
    first_request, second_request = request_of(UserFactory()), request_of(UserFactory())
    first = ImportSerializer(context={"request": first_request})
    second = ImportSerializer(context={"request": second_request})
    relationships = ["user", "account_list", "sample_contacts"]
    assert list(first.fields) == list(second.fields) == [*ImportSerializer.Meta.fields, *relationships]
    for name in first.fields:
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first and second.fields[name].parent is second
        assert first.fields[name].context["request"] is first_request
        assert second.fields[name].context["request"] is second_request


def test_nested_serializers_and_their_children_are_copies_too():
    first, second = ContactSerializer(), ContactSerializer()
    first_people, second_people = first.fields["people"], second.fields["people"]
    assert first_people is not second_people and first_people.child is not second_people.child
    assert first_people.root is first and second_people.root is second
    emails = first_people.child.fields["email_addresses"]
    assert emails.root is first and emails is not second_people.child.fields["email_addresses"]


def test_the_model_is_read_once_per_class(monkeypatch):
    calls = []
    build_field = drf_serializers.ModelSerializer.build_field

    def counting(self, *args, **kwargs):
        calls.append(type(self))
        return build_field(self, *args, **kwargs)

    monkeypatch.setattr(drf_serializers.ModelSerializer, "build_field", counting)
    monkeypatch.delattr(SampleContactSerializer, PROTOTYPES, raising=False)
    for _ in range(3):
        assert "people" in SampleContactSerializer().fields
    declared = len(SampleContactSerializer._declared_fields)
    assert calls.count(SampleContactSerializer) == len(SampleContactSerializer().fields) - declared


def test_changing_one_serializers_fields_changes_no_other():
    changed = ImportSerializer()
    changed.fields["source"].error_messages["invalid_choice"] = "changed"
    changed.fields["tag_list"].validators.append(lambda value: None)
    changed.fields["status"].read_only = False
    del changed.fields["error"]
    fresh = ImportSerializer()
    assert fresh.fields["source"].error_messages["invalid_choice"] != "changed"
    assert len(fresh.fields["tag_list"].validators) == len(changed.fields["tag_list"].validators) - 1
    assert fresh.fields["status"].read_only is True
    assert "error" in fresh.fields


def test_a_subclass_keeps_fields_of_its_own():
    class WithExtra(ImportSerializer):
        extra = drf_serializers.CharField(source="source", read_only=True)

        class Meta(ImportSerializer.Meta):
            fields = [*ImportSerializer.Meta.fields, "extra"]

    assert "extra" in WithExtra().fields
    assert "extra" not in ImportSerializer().fields
    assert WithExtra.__dict__[PROTOTYPES] is not ImportSerializer.__dict__[PROTOTYPES]


@pytest.mark.django_db
def test_each_user_gets_a_file_link_of_their_own(member, generated_csv):
    record = make_import(
        account_list=member.account_list, user=member.user, content=generated_csv(5), mappings=GENERATED
    )
    other = MembershipFactory(account_list=member.account_list).user
    path = f"/api/v2/account_lists/{member.account_list.id}/imports/{record.pk}"
    for user, token in [(member.user, member.token), (other, issue_token(other)), (member.user, member.token)]:
        link = JsonApiClient(token).get(path).json()["data"]["attributes"]["file_url"]
        assert read_download_token(link.rstrip("/").rsplit("/", 1)[-1]) == (str(record.pk), str(user.pk))


def test_the_base_classes_lend_no_description_to_the_schema():
    """drf-spectacular describes a serializer by the first docstring among its class and bases."""
    from drf_spectacular.plumbing import get_doc
    from rest_framework_json_api import serializers as jsonapi_serializers

    from accounts.api.serializers import UserSerializer
    from contacts.api.serializers import AddressSerializer, EmailAddressSerializer

    assert get_doc(UserSerializer) == get_doc(jsonapi_serializers.ModelSerializer)
    assert get_doc(EmailAddressSerializer) == get_doc(AddressSerializer) == ""
