"""The JSON:API renderer, looking at each serializer's fields once instead of once per resource object."""

import json
from decimal import Decimal

import orjson
from django.db.models import Manager
from rest_framework import renderers as drf_renderers
from rest_framework.relations import ManyRelatedField
from rest_framework_json_api import renderers
from rest_framework_json_api.utils import (
    format_field_name,
    get_resource_type_from_instance,
    get_resource_type_from_serializer,
    get_serializer_fields,
    is_relationship_field,
)

from config.serializers import FieldsBuiltOncePerClass


class FieldRoles:
    """Which fields of a serializer are attributes (with their names as rendered) and which are relationships."""

    def __init__(self, fields):
        self.attribute_names = {
            name: format_field_name(name)
            for name, field in fields.items()
            if name != "id" and not is_relationship_field(field)
        }
        self.relationship_fields = RelationshipFields(
            {name: field for name, field in fields.items() if is_relationship_field(field)},
            serializer=getattr(fields, "serializer", None),
        )


class RelationshipFields(dict):
    """A serializer's relationship fields; `serializer` as on the BindingDict of all its fields."""

    def __init__(self, fields: dict, *, serializer):
        super().__init__(fields)
        self.serializer = serializer


def roles_of(fields) -> FieldRoles:
    """The roles of these fields, worked out once per fields object.

    The library looks at every field of the serializer for every resource
    object it renders, twice (attributes, relationships) and once more for
    includes: a list of ten imports of some forty fields each made twelve
    hundred checks of each kind. A serializer's fields (its BindingDict) are
    the same object for every row of a list, and live as long as that
    serializer, so their roles are kept on them. A sparse fieldset gives a new
    plain dict for every row, whose roles are worked out each time, as before.
    """
    roles = getattr(fields, "_jsonapi_roles", None)
    if roles is None:
        roles = FieldRoles(fields)
        try:
            fields._jsonapi_roles = roles
        except AttributeError:  # a plain dict
            pass
    return roles


class Document(dict):
    """A whole JSON:API document built by a view (`imports.api.documents`): the renderer writes it as it is."""


def encode_document(document: Document) -> bytes:
    """The compact JSON that Django REST framework's renderer writes, by orjson, five times faster.

    The same bytes: UTF-8 unescaped, the same string escapes, U+2028 and U+2029
    escaped as DRF escapes them, and a Decimal as DRF's encoder writes it (a
    float, by Python's float repr, which orjson's differs from below 1e-4).
    Anything orjson cannot write (an integer beyond 64 bits) is written by DRF.
    """
    try:
        encoded = orjson.dumps(document, default=_as_drf_writes_it)
    except orjson.JSONEncodeError:
        return drf_renderers.JSONRenderer().render(document)
    return encoded.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")


def _as_drf_writes_it(value):
    if isinstance(value, Decimal):
        return orjson.Fragment(json.dumps(float(value)))
    raise TypeError


class JSONRenderer(renderers.JSONRenderer):
    """djangorestframework-jsonapi's renderer; each step is the library's own, given only the fields it looks at.

    One step is done here: including the resources of a to-many relationship
    (`?include=sample_contacts`). The library makes one serializer for all of
    them, to render them, then one more for each of them only to read its
    fields, and building a serializer's fields is most of what making one
    costs: four samples built five sets of fields, a list of ten imports with
    their samples fifty. When the included serializer's fields depend on its
    class alone (`config.serializers`), the fields of the serializer that
    rendered them are the same as each of those, so they are used for all.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if not isinstance(data, Document):
            return super().render(data, accepted_media_type, renderer_context)
        if self.get_indent(accepted_media_type, renderer_context or {}) is None:
            return encode_document(data)
        # Pretty-printed (the browsable API): by DRF.
        return drf_renderers.JSONRenderer().render(data, accepted_media_type, renderer_context)

    @classmethod
    def extract_attributes(cls, fields, resource):
        names = roles_of(fields).attribute_names
        return {names[name]: value for name, value in resource.items() if name in names}

    @classmethod
    def extract_relationships(cls, fields, resource, resource_instance):
        return super().extract_relationships(roles_of(fields).relationship_fields, resource, resource_instance)

    @classmethod
    def extract_included(cls, fields, resource, resource_instance, included_resources, included_cache):
        relationships = roles_of(fields).relationship_fields
        if not resource_instance:
            return
        for name, field in relationships.items():  # one at a time, in the library's order
            if _included_with_fields_of_its_class(field):
                cls._include_many(field, resource_instance, included_resources, included_cache)
            else:
                one = RelationshipFields({name: field}, serializer=relationships.serializer)
                super().extract_included(one, resource, resource_instance, included_resources, included_cache)

    @classmethod
    def _include_many(cls, field, resource_instance, included_resources, included_cache):
        """The library's way for a to-many relationship, with one set of fields for all its resources."""
        name, parent = field.field_name, field.parent
        paths = list(included_resources)
        if name in paths:
            paths.remove(name)
        elif name not in [path.split(".")[0] for path in paths]:
            return  # not included
        related = cls.extract_relation_instance(field, resource_instance)
        if isinstance(related, Manager):
            related = related.all()
        many = parent.included_serializers[name](related, many=True, context=parent.context)
        data = many.data
        nested_paths = [path.replace(f"{name}.", "", 1) for path in paths if name == path.split(".")[0]]
        if not data:
            return
        child = many.child
        child_fields = get_serializer_fields(child)
        relation_type = get_resource_type_from_serializer(child)
        force_type = getattr(child, "_poly_force_type_resolution", False)
        for item_data, item in zip(data, list(related), strict=True):
            item_type = relation_type or get_resource_type_from_instance(item)
            new_item = cls.build_json_resource_obj(child_fields, item_data, item, item_type, child, force_type)
            included_cache[new_item["type"]][new_item["id"]] = new_item
            cls.extract_included(child_fields, item_data, item, nested_paths, included_cache)


def _included_with_fields_of_its_class(field) -> bool:
    """A to-many relationship whose included serializer's fields depend on its class alone."""
    if not isinstance(field, ManyRelatedField):
        return False
    serializer_class = getattr(field.parent, "included_serializers", {}).get(field.field_name)
    return serializer_class is not None and issubclass(serializer_class, FieldsBuiltOncePerClass)
