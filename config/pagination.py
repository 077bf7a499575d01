# drf-spectacular-jsonapi's subclass of the JSON:API page-number pagination documents its
# links and meta in the OpenAPI schema; the behaviour is djangorestframework-jsonapi's.
from drf_spectacular_jsonapi.schemas.pagination import JsonApiPageNumberPagination


class PageNumberPagination(JsonApiPageNumberPagination):
    page_size = 25
    max_page_size = 500
