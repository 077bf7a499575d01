"""The resource serializer base (config/serializers.py): each relationship is rendered by its model's serializer."""

import pytest

import config.urls  # noqa: F401  (every resource serializer, as the API loads them)
from config.serializers import ModelSerializer
from contacts.api.serializers import ContactSerializer
from fundraising.api.serializers import TaskSerializer


def resource_serializers(base=ModelSerializer) -> list[type]:
    found = []
    for subclass in base.__subclasses__():
        found += [subclass, *resource_serializers(subclass)]
    return [serializer for serializer in found if hasattr(serializer, "Meta")]


@pytest.mark.parametrize("serializer", resource_serializers(), ids=lambda serializer: serializer.__name__)
def test_a_relationship_is_rendered_by_its_models_resource_serializer(serializer):
    for name in getattr(serializer, "included_serializers", {}):
        field = serializer._declared_fields[name]
        model = getattr(field, "child_relation", field).model
        assert serializer.included_serializers[name].Meta.model is model


def test_a_contact_and_its_tasks_name_each_other():
    assert TaskSerializer.included_serializers["contacts"] is ContactSerializer
    assert ContactSerializer.included_serializers["tasks"] is TaskSerializer
