from django.conf import settings
from rest_framework.response import Response
from rest_framework.views import APIView

from imports.mapping import constants_document


class ConstantsView(APIView):
    """GET constants: supported fields, required fields, constants and limits for building mappings."""

    resource_name = False  # the document is built here whole

    def get(self, request):
        document = {
            "type": "constants",
            "id": "imports",
            "attributes": constants_document(max_file_size=settings.IMPORT_MAX_FILE_SIZE),
        }
        return Response({"data": document})
