"""Every API error as a JSON:API error object, with a pointer where an attribute is at fault.

Services raise Django's ValidationError with a dict of attribute -> messages;
each message becomes its own error object pointing at that attribute.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD_KEYS = {"non_field_errors", "__all__", "detail"}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_django_messages(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, PermissionDenied):
        # Someone else's record is reported as missing, never as forbidden.
        exc = exceptions.NotFound("Not found.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = str(response.status_code)
    response.data = list(_error_objects(response.data, code, pointer="/data"))
    view = context.get("view")
    if view is not None:
        view.resource_name = "errors"
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


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
