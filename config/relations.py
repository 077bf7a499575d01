"""A ResourceRelatedField that works out its included type once per serializer class and field."""

from rest_framework_json_api.relations import ResourceRelatedField

# (serializer class, field name) -> the resource type of its included serializer, or None.
_included_types: dict[tuple[type, str], str | None] = {}


class RelatedResourceField(ResourceRelatedField):
    """The library inflects the field's name (singular and plural, by regexes) for every
    related object it renders, to look up the type of an included serializer: a third
    of the time of a list of imports with their samples. The answer depends only on
    the serializer class and the field's name (the class's `included_serializers`),
    so it is kept for the process: fields are new for every serializer
    (`config.serializers`), and a cache on the field would only last one request.
    """

    def get_resource_type_from_included_serializer(self):
        parent = self.get_parent_serializer()
        if parent is None:
            return super().get_resource_type_from_included_serializer()
        key = (type(parent), self.field_name or self.parent.field_name)
        if key not in _included_types:
            _included_types[key] = super().get_resource_type_from_included_serializer()
        return _included_types[key]
