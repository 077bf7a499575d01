"""Our serializer bases: fields worked out once per serializer class, and relationships declared once.

A ModelSerializer works out its fields from the model every time one is made:
it reads the model's field list, builds keyword arguments and validators for
each model field and makes the field. The JSON:API renderer makes a new
serializer for every included resource, so the import detail with its four
samples did that six times a request (a quarter of its time). The outcome
depends only on the serializer class, so it is kept on the class, and each
serializer gets a deep copy: the same copy Django REST framework itself makes
of declared fields, so no field object, and nothing bound to one serializer's
request, is ever shared.

Every resource of the API is read-only (what a client sends is read by input
serializers of their own), so a resource serializer (`ResourceSerializer`)
makes all its fields read-only, and its `Meta.fields` lists the attributes
only: the relationships follow them. A relationship (`relationship()`) is
declared from the related model alone: the model's resource serializer, found
by name, renders its included resources.
"""

from __future__ import annotations

import copy
import datetime

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from rest_framework import serializers as drf_serializers
from rest_framework.relations import ManyRelatedField
from rest_framework_json_api import serializers as jsonapi_serializers
from rest_framework_json_api.relations import ResourceRelatedField

PROTOTYPES = "_field_prototypes"
# A declared relationship: a ResourceRelatedField, or with many=True the ManyRelatedField holding one.
RELATIONSHIPS = (ResourceRelatedField, ManyRelatedField)

# The classes a serializer derives from below carry comments, not docstrings: drf-spectacular
# describes a serializer in the OpenAPI schema by the first docstring of its class or its bases.


# Keeps the first `get_fields()` of each class (unbound) and hands out deep copies of it. Only for
# serializers whose fields depend on the class alone (its Meta and declared fields), never on the
# instance, the data or the request: sparse fieldsets and includes are applied later, on the copies.
# The JSON:API renderer relies on that too (config/renderers.py): it renders the included resources
# of a to-many relationship with the fields of one serializer of the class, so methods of such a
# serializer read the object they are given, never `self.instance`.
class FieldsBuiltOncePerClass:
    def get_fields(self):
        cls = type(self)
        prototypes = cls.__dict__.get(PROTOTYPES)  # this class's own, never a parent's
        if prototypes is None:
            prototypes = super().get_fields()
            setattr(cls, PROTOTYPES, prototypes)
        return copy.deepcopy(prototypes)


class UTCDateTimeField(drf_serializers.DateTimeField):
    """A date and time rendered in UTC, which the format's literal Z (settings.REST_FRAMEWORK) says it is.

    Without a time zone of its own, the field asks Django for the active one for
    every value it renders, a context-local read that cost more than the
    formatting itself: about 0.4 ms of a list of ten imports. Nothing activates
    another time zone (TIME_ZONE is UTC), so the output is the same.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default_timezone", datetime.UTC)
        super().__init__(*args, **kwargs)


FIELD_MAPPING = {**drf_serializers.ModelSerializer.serializer_field_mapping, models.DateTimeField: UTCDateTimeField}


def money(**options) -> drf_serializers.DecimalField:
    """An amount, read-only, rendered as a JSON number with its two decimals (not as a string)."""
    return drf_serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, read_only=True, **options
    )


INCLUDED_BY = "_included_serializer"


def relationship(model: type[models.Model], **options) -> drf_serializers.Field:
    """A read-only relationship to `model`'s resources that `include` may add. They are rendered by
    the model's resource serializer, `<Model>Serializer` in its app's `api.serializers` module, named
    by dotted path and imported when first needed (the serializers of two apps name each other).
    `options` are ResourceRelatedField's."""
    field = ResourceRelatedField(read_only=True, model=model, **options)
    included = f"{model._meta.app_config.name}.api.serializers.{model.__name__}Serializer"
    setattr(field, INCLUDED_BY, included)  # on the declared field only: read once, by the metaclass below
    return field


# djangorestframework-jsonapi's metaclass, which reads a class's own `included_serializers` (lazily
# imported by dotted path): here that mapping is made from the class's relationships first. Named as
# the library's is (itself named as Django REST framework's): drf-spectacular-jsonapi names the schema
# of a response given as a serializer class after that class's metaclass (SerializerMetaclassResponse,
# the connected Google account's), and the published schema keeps that name.
class SerializerMetaclass(type(jsonapi_serializers.ModelSerializer)):
    def __new__(cls, name, bases, attrs):
        included = {key: getattr(value, INCLUDED_BY) for key, value in attrs.items() if hasattr(value, INCLUDED_BY)}
        if included:
            attrs["included_serializers"] = {**attrs.get("included_serializers", {}), **included}
        return super().__new__(cls, name, bases, attrs)


# A read-only JSON:API resource serializer (djangorestframework-jsonapi) with fields built once per
# class. `Meta.fields` names the resource's attributes, model fields and declared ones, in the order
# rendered; the relationships declared on the class follow them, in the order declared. Every field is
# read-only: the model's by `get_extra_kwargs` (what `Meta.read_only_fields` would say), the declared
# ones as they are declared (`relationship()` and `money()` are read-only themselves).
class ResourceSerializer(FieldsBuiltOncePerClass, jsonapi_serializers.ModelSerializer, metaclass=SerializerMetaclass):
    serializer_field_mapping = FIELD_MAPPING

    def get_field_names(self, declared_fields, info) -> list[str]:
        relationships = [name for name, field in declared_fields.items() if isinstance(field, RELATIONSHIPS)]
        if listed := [name for name in relationships if name in self.Meta.fields]:
            raise ImproperlyConfigured(f"{type(self).__name__}.Meta.fields names relationships {listed}")
        attributes = {name: field for name, field in declared_fields.items() if name not in relationships}
        return [*super().get_field_names(attributes, info), *relationships]

    def get_extra_kwargs(self) -> dict:
        extra_kwargs = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra_kwargs.setdefault(name, {})["read_only"] = True
        return extra_kwargs


# A plain serializer of objects nested in a resource's attributes, with fields built once per class.
class NestedModelSerializer(FieldsBuiltOncePerClass, drf_serializers.ModelSerializer):
    serializer_field_mapping = FIELD_MAPPING
