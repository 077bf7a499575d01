"""The resource serializer base (config/serializers.py): read-only, relationships after the attributes, by model."""

import pytest
from django.core.exceptions import ImproperlyConfigured

import config.urls  # noqa: F401  (every resource serializer, as the API loads them)
from config.serializers import ResourceSerializer, relationship
from contacts.api.serializers import ContactSerializer
from contacts.models import Contact
from fundraising.api.serializers import DonationSerializer, TaskSerializer
from fundraising.models import Task


def resource_serializers(base=ResourceSerializer) -> list[type]:
    found = []
    for subclass in base.__subclasses__():
        found += [subclass, *resource_serializers(subclass)]
    return [serializer for serializer in found if hasattr(serializer, "Meta")]


@pytest.mark.parametrize("serializer", resource_serializers(), ids=lambda serializer: serializer.__name__)
def test_every_field_of_a_resource_is_read_only(serializer):
    assert all(field.read_only for field in serializer().fields.values())


def test_the_relationships_follow_the_attributes_in_the_order_declared():
    fields = list(ContactSerializer().fields)
    assert fields == [*ContactSerializer.Meta.fields, "tasks", "appeals", "pledges", "donor_accounts", "donations"]
    assert list(DonationSerializer().fields)[-3:] == ["donor_account", "designation_account", "appeal"]


@pytest.mark.parametrize("serializer", resource_serializers(), ids=lambda serializer: serializer.__name__)
def test_a_relationship_is_rendered_by_its_models_resource_serializer(serializer):
    for name in getattr(serializer, "included_serializers", {}):
        field = serializer._declared_fields[name]
        model = getattr(field, "child_relation", field).model
        assert serializer.included_serializers[name].Meta.model is model


def test_a_contact_and_its_tasks_name_each_other():
    assert TaskSerializer.included_serializers["contacts"] is ContactSerializer
    assert ContactSerializer.included_serializers["tasks"] is TaskSerializer


def test_meta_fields_naming_a_relationship_is_refused():
    class TwiceNamed(ResourceSerializer):
        contacts = relationship(Contact, many=True)

        class Meta:
            model = Task
            fields = ["subject", "contacts"]

    with pytest.raises(ImproperlyConfigured, match=r"TwiceNamed.Meta.fields names relationships \['contacts'\]"):
        TwiceNamed().get_fields()
