"""Every API error as a JSON:API error object, with a pointer where an attribute is at fault.

Services raise Django's ValidationError with a dict of attribute -> messages;
each message becomes its own error object pointing at that attribute.
"""

import json

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from config.filters import InvalidQueryParameters
from config.middleware import json_too_large_message
from google_contacts.errors import (
    AuthorizationRefused,
    AuthorizationRevoked,
    GoogleError,
    GoogleNotConfigured,
)
from google_contacts.services import GoogleAccountNotFound

NON_FIELD_KEYS = {"non_field_errors", "__all__", "detail"}
UNSUPPORTED_MEDIA_TYPE_HINT = (
    "Send a JSON:API document as application/vnd.api+json, or multipart/form-data "
    "with the file as data[attributes][file]."
)
# How djangorestframework-jsonapi (and imports.api.documents, in its words) refuse an `include` path.
INCLUDE_REFUSAL = "This endpoint does not support the include parameter"


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_django_messages(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, PermissionDenied):
        # Someone else's record is reported as missing, never as forbidden.
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, SuspiciousOperation):
        exc = _suspicious_request(exc)
    elif isinstance(exc, GoogleAccountNotFound):
        exc = exceptions.NotFound(str(exc))
    elif isinstance(exc, GoogleError):
        exc = _google_error(exc)
    elif isinstance(exc, exceptions.ParseError) and str(exc.detail).startswith(INCLUDE_REFUSAL):
        exc = InvalidQueryParameters({"include": [str(exc.detail)]})
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        exc = exceptions.UnsupportedMediaType(
            getattr(exc, "media_type", ""), detail=f"{exc.detail} {UNSUPPORTED_MEDIA_TYPE_HINT}"
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = str(response.status_code)
    if isinstance(exc, InvalidQueryParameters):
        response.data = list(_parameter_errors(response.data, code))
    else:
        response.data = list(_error_objects(response.data, code, pointer="/data"))
    view = context.get("view")
    if view is not None:
        view.resource_name = "errors"
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


class BadGateway(exceptions.APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_code = "bad_gateway"


class NotConfigured(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "not_configured"


def _google_error(exc: GoogleError) -> exceptions.APIException:
    """Google's refusals are the request's fault (400); this server unconfigured is 503; Google failing is 502."""
    if isinstance(exc, (AuthorizationRefused, AuthorizationRevoked)):
        return exceptions.ValidationError(str(exc))
    if isinstance(exc, GoogleNotConfigured):
        return NotConfigured(str(exc))
    return BadGateway(str(exc))


def _suspicious_request(exc: SuspiciousOperation) -> exceptions.APIException:
    """Django's own request limits, said in words a person can act on (not an HTML 400 page)."""
    if isinstance(exc, TooManyFieldsSent):
        return exceptions.ParseError(
            f"The form has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} fields. Send a large mapping as "
            "JSON text in one field (data[attributes][file_headers_mappings]={...}) or as a JSON:API document."
        )
    if isinstance(exc, TooManyFilesSent):
        return exceptions.ParseError("The form holds too many files: send one file, as data[attributes][file].")
    if isinstance(exc, RequestDataTooBig):
        return RequestTooLarge()
    return exceptions.ParseError("The request was refused as malformed.")


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self):
        super().__init__(json_too_large_message())


def _django_messages(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
    return [str(m) for m in exc.messages]


def _error_objects(data, code: str, pointer: str | None):
    if isinstance(data, dict):
        for key, value in data.items():
            if key in NON_FIELD_KEYS:
                yield from _error_objects(value, code, pointer if code == "400" else None)
            else:
                yield from _error_objects(value, code, f"/data/attributes/{key}")
    elif isinstance(data, list):
        for item in data:
            yield from _error_objects(item, code, pointer)
    else:
        error = {"status": code, "detail": str(data)}
        if code in {"400", "409"} and pointer:
            error["source"] = {"pointer": pointer}
        yield error


def _parameter_errors(messages: dict, code: str):
    """An error per message of a query parameter, naming it: JSON:API's source.parameter."""
    for parameter, texts in messages.items():
        for text in texts:
            yield {"status": code, "detail": str(text), "source": {"parameter": parameter}}


# --- Django-level errors under /api/: JSON:API documents too, never an HTML page ----------
def _api_error_response(status_code: int, detail: str):
    body = {"errors": [{"status": str(status_code), "detail": detail}]}
    return HttpResponse(json.dumps(body), status=status_code, content_type="application/vnd.api+json")


def page_not_found(request, exception):
    """handler404: an unknown URL under /api/ (or an id that is not a UUID) is a JSON:API 404."""
    if request.path.startswith("/api/"):
        return _api_error_response(404, "Not found: no such endpoint. The endpoints are listed at /api/schema/.")
    return defaults.page_not_found(request, exception)


def bad_request(request, exception):
    """handler400: a request Django itself refused (a suspicious one) is a JSON:API 400 under /api/."""
    if request.path.startswith("/api/"):
        return _api_error_response(400, "The request was refused as malformed.")
    return defaults.bad_request(request, exception)


def server_error(request):
    """handler500: no stack trace, and JSON:API under /api/."""
    if request.path.startswith("/api/"):
        return _api_error_response(500, "Something went wrong on our side. Try again; if it persists, contact support.")
    return defaults.server_error(request)
