from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from imports.fields import constants_document

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
