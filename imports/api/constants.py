from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from imports.fields import CONSTANT_FIELDS, SUPPORTED_FIELDS

_LABELS = {"type": "object", "additionalProperties": {"type": "string"}}
_SIZE = {"type": "integer", "description": "The largest file accepted, in bytes."}
CONSTANTS_DOCUMENT_SCHEMA = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "data": {
            "type": "object",
            "required": ["type", "id", "attributes"],
            "properties": {
                "type": {"type": "string", "enum": ["constants"]},
                "id": {"type": "string", "enum": ["imports"]},
                "attributes": {
                    "type": "object",
                    "properties": {
                        "csv_import": {
                            "type": "object",
                            "properties": {
                                "supported_headers": {**_LABELS, "description": "Supported field -> label."},
                                "required_headers": {**_LABELS, "description": "Which fields must be mapped."},
                                "constants": {
                                    "type": "object",
                                    "description": "Constant field -> its constants, each with an id and a label.",
                                    "additionalProperties": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {"id": {"type": "string"}, "value": {"type": "string"}},
                                        },
                                    },
                                },
                                "max_file_size_in_bytes": _SIZE,
                            },
                        },
                        "tnt_import": {"type": "object", "properties": {"max_file_size_in_bytes": _SIZE}},
                    },
                },
            },
        }
    },
}


def constants_document(*, max_file_size: int) -> dict:
    """What `GET constants` serves, from the field table: everything a client needs to build mappings."""
    return {
        "csv_import": {
            "supported_headers": {field.key: field.label for field in SUPPORTED_FIELDS},
            "required_headers": {
                "full_name | first_name | last_name | email_1": "At least one name column, or an email column"
            },
            "constants": {
                field.key: [{"id": c.id, "value": c.label} for c in field.constants]
                for field in CONSTANT_FIELDS.values()
            },
            "max_file_size_in_bytes": max_file_size,
        },
        "tnt_import": {"max_file_size_in_bytes": max_file_size},
    }


class ConstantsView(APIView):
    """GET constants: supported fields, required fields, constants and limits for building mappings."""

    resource_name = False  # the document is built here whole

    @extend_schema(responses={200: CONSTANTS_DOCUMENT_SCHEMA})
    def get(self, request):
        document = {
            "type": "constants",
            "id": "imports",
            "attributes": constants_document(max_file_size=settings.IMPORT_MAX_FILE_SIZE),
        }
        return Response({"data": document})
