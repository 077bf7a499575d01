from rest_framework_json_api.pagination import JsonApiPageNumberPagination


class PageNumberPagination(JsonApiPageNumberPagination):
    page_size = 25
    max_page_size = 500
