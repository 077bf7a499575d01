"""The query parameters of a list: `filter[...]` through django-filter (only when a request has some), `sort`,
and the check that every parameter is one JSON:API knows.

A parameter at fault is named in its error as `source.parameter` (InvalidQueryParameters): a request
that reads has no document for a `source.pointer` to point into.
"""

from rest_framework.exceptions import ValidationError
from rest_framework_json_api import filters as jsonapi_filters
from rest_framework_json_api.django_filters import DjangoFilterBackend as JsonApiDjangoFilterBackend


class InvalidQueryParameters(ValidationError):
    """400: query parameter -> its messages; config.api_errors renders each as an error with source.parameter."""

    def __init__(self, messages: dict[str, list[str]]):
        super().__init__(messages)


def _named_in(refusal: ValidationError) -> InvalidQueryParameters:
    """The library's refusals name the parameter at their end ("invalid filter[x]", "invalid query
    parameter: x", "missing value for query parameter x"); django-filter's say filter -> messages."""
    if isinstance(refusal.detail, dict):
        return InvalidQueryParameters({f"filter[{name}]": messages for name, messages in refusal.detail.items()})
    messages = [str(message) for message in refusal.detail]
    return InvalidQueryParameters({message.rsplit(None, 1)[-1]: [message] for message in messages})


class QueryParameterValidationFilter(jsonapi_filters.QueryParameterValidationFilter):
    def filter_queryset(self, request, queryset, view):
        try:
            return super().filter_queryset(request, queryset, view)
        except ValidationError as refusal:
            raise _named_in(refusal) from None


class OrderingFilter(jsonapi_filters.OrderingFilter):
    def remove_invalid_fields(self, queryset, fields, view, request):
        try:
            return super().remove_invalid_fields(queryset, fields, view, request)
        except ValidationError as refusal:
            raise InvalidQueryParameters({"sort": [str(message) for message in refusal.detail]}) from None


class DjangoFilterBackend(JsonApiDjangoFilterBackend):
    """djangorestframework-jsonapi's django-filter backend, skipped when nothing is filtered.

    For every request, a detail included, the backend makes a FilterSet (for
    `filterset_fields`, a new FilterSet class first) and validates its form:
    about 0.4 ms. Without a parameter whose name starts with `filter`, and
    with no filter that is required, that work ends in the queryset it was
    given, so it is skipped. Any `filter...` parameter, valid or not, takes
    the library's own path, errors included.
    """

    def filter_queryset(self, request, queryset, view):
        if any(name.startswith("filter") for name in request.query_params) or _has_required_filter(view):
            try:
                return super().filter_queryset(request, queryset, view)
            except ValidationError as refusal:
                raise _named_in(refusal) from None
        return queryset


def _has_required_filter(view) -> bool:
    filterset_class = getattr(view, "filterset_class", None)
    return filterset_class is not None and any(
        flt.extra.get("required") for flt in filterset_class.base_filters.values()
    )
