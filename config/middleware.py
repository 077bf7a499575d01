"""The upload size limit, enforced before a request body is read."""

import json

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpResponse
from rest_framework import exceptions, status

# Room for the multipart envelope and the other form fields around the file.
ENVELOPE_ALLOWANCE = 1024 * 1024


def too_large_message() -> str:
    limit_mb = settings.IMPORT_MAX_FILE_SIZE / (1024 * 1024)
    return f"The file is larger than the limit of {limit_mb:,.0f} MB. Split it into smaller files and import each."


def json_too_large_message() -> str:
    limit_mb = settings.JSON_BODY_MAX_SIZE / (1024 * 1024)
    return f"The request body is larger than {limit_mb:,.0f} MB. Upload large files as multipart/form-data."


class UploadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "upload_too_large"

    def __init__(self):
        super().__init__(too_large_message())


class UploadSizeLimitMiddleware:
    """Refuse a declared Content-Length over the limit at once, without reading the body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        is_multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        limit = settings.IMPORT_MAX_FILE_SIZE + ENVELOPE_ALLOWANCE if is_multipart else settings.JSON_BODY_MAX_SIZE
        if length > limit:
            message = too_large_message() if is_multipart else json_too_large_message()
            body = {"errors": [{"status": "413", "detail": message}]}
            response = HttpResponse(json.dumps(body), status=413, content_type="application/vnd.api+json")
            response["Connection"] = "close"
            return response
        return self.get_response(request)


class SizeLimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams uploads to a temporary file and stops once the file passes the limit.

    This covers bodies without a Content-Length (chunked transfer encoding),
    which the middleware cannot judge up front.
    """

    def new_file(self, *args, **kwargs):
        self.received = 0
        return super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.IMPORT_MAX_FILE_SIZE:
            raise UploadTooLarge()
        return super().receive_data_chunk(raw_data, start)
