"""A ResourceRelatedField that works out its type once per field, not once per related object."""

from rest_framework_json_api.relations import ResourceRelatedField

_UNSET = object()


class RelatedResourceField(ResourceRelatedField):
    """The library inflects the field's name (singular and plural, by regexes) for every
    related object it renders, to look up the type of an included serializer: a third
    of the time of a list of imports with their samples. The answer depends only on
    the field and its parent serializer class, so it is kept after the first object.
    """

    def get_resource_type_from_included_serializer(self):
        cached = self.__dict__.get("_included_resource_type", _UNSET)
        if cached is _UNSET:
            cached = super().get_resource_type_from_included_serializer()
            self.__dict__["_included_resource_type"] = cached
        return cached
