"""`filter[...]` query parameters, through django-filter, only when a request has some."""

from rest_framework_json_api.django_filters import DjangoFilterBackend as JsonApiDjangoFilterBackend


class DjangoFilterBackend(JsonApiDjangoFilterBackend):
    """djangorestframework-jsonapi's django-filter backend, skipped when nothing is filtered.

    The backend makes a FilterSet, and for `filterset_fields` a new FilterSet
    class, and validates a form for every request, a detail included: about
    half a millisecond. Without a parameter whose name starts with `filter`,
    that work ends in the queryset it was given (every filter is optional), so
    it is skipped. Any `filter...` parameter, valid or not, takes the library's
    own path, errors included.
    """

    def filter_queryset(self, request, queryset, view):
        if not any(name.startswith("filter") for name in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)
