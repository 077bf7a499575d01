"""Input fields that accept both JSON bodies and multipart text, as the contract says."""

import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanField(serializers.Field):
    """true/false/1/0 (any case) or a JSON boolean; anything else is refused."""

    default_error_messages = {"invalid": "Must be true or false (or 1 or 0), not {value!r}."}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        if isinstance(data, int) and data in (0, 1):
            return bool(data)
        if isinstance(data, str) and data.strip().lower() in {"true", "1"}:
            return True
        if isinstance(data, str) and data.strip().lower() in {"false", "0"}:
            return False
        self.fail("invalid", value=data)

    def to_representation(self, value):
        return bool(value)


@extend_schema_field({"type": "object", "additionalProperties": True})
class JSONObjectField(serializers.Field):
    """An object, or its JSON text (a multipart body can only send text). Shape is checked by the services."""

    default_error_messages = {"invalid": "Must be an object or its JSON text."}

    def to_internal_value(self, data):
        if isinstance(data, str):
            if not data.strip():
                return {}
            try:
                return json.loads(data)
            except ValueError:
                self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
class GroupTagsField(JSONObjectField):
    default_error_messages = {
        "invalid": "group_tags must be an object of group id -> comma-separated tags (or its JSON text)."
    }

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            self.fail("invalid")
        return {str(key): tags for key, tags in value.items()}


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class GroupsField(serializers.Field):
    """A list of group ids, or a comma-separated string of them, or the list's JSON text (as group_tags takes
    its object's): split at its commas, that text would give ids with brackets and quotes in them."""

    default_error_messages = {"invalid": "groups must be a list of group ids or a comma-separated string."}

    def to_internal_value(self, data):
        if isinstance(data, str) and data.lstrip().startswith("["):
            try:
                data = json.loads(data)
            except ValueError:
                self.fail("invalid")
        if isinstance(data, str):
            return [item.strip() for item in data.split(",") if item.strip()]
        if isinstance(data, list) and all(isinstance(item, (str, int)) for item in data):
            return [str(item).strip() for item in data if str(item).strip()]
        self.fail("invalid")

    def to_representation(self, value):
        return [str(item) for item in value]


class UploadField(serializers.FileField):
    """A multipart file, or in a JSON body a data URI: "data:text/csv;base64,...".

    The data URI lets a JSON:API client create an import in one JSON request;
    JSON bodies are capped (JSON_BODY_MAX_SIZE), so large files go multipart.
    """

    default_error_messages = {
        **serializers.FileField.default_error_messages,
        "data_uri": 'In a JSON body, file must be a base64 data URI ("data:text/csv;base64,..."); '
        "or upload it as multipart/form-data.",
    }

    def to_internal_value(self, data):
        if isinstance(data, str):
            return self._from_data_uri(data)
        return super().to_internal_value(data)

    def _from_data_uri(self, text: str):
        import base64
        import binascii

        from django.core.files.uploadedfile import SimpleUploadedFile

        header, _, payload = text.partition(",")
        if not header.startswith("data:") or not header.endswith(";base64"):
            self.fail("data_uri")
        try:
            content = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            self.fail("data_uri")
        media_type = header[5:-7] or "application/octet-stream"
        suffix = ".xml" if "xml" in media_type else ".csv"
        return SimpleUploadedFile(f"upload{suffix}", content, content_type=media_type)
