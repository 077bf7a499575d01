# drf-spectacular-jsonapi's subclass of the JSON:API page-number pagination documents its
# links and meta in the OpenAPI schema; the behaviour is djangorestframework-jsonapi's.
from django.core.paginator import Paginator
from drf_spectacular_jsonapi.schemas.pagination import JsonApiPageNumberPagination

from config.filters import InvalidQueryParameters

MAX_OFFSET = 2**62  # under the 64-bit integers databases take for OFFSET


class CountWhenNeededPaginator(Paginator):
    """Django's paginator, reading the page first and counting only when the page does not tell.

    Django counts the rows, then reads the page. A page with fewer rows than a
    full one is the last one, so it gives the count itself: for the usual list
    that fits on one page, one query less. A full page still needs the count
    (for the number of pages); an empty page past the first and a page number
    that is not a positive integer take Django's own way, with its errors.
    """

    def page(self, number):
        if self.orphans or "count" in self.__dict__ or not _is_positive_integer(number):
            return super().page(number)
        number = int(number)
        bottom = (number - 1) * self.per_page
        if bottom > MAX_OFFSET:  # no database takes such an OFFSET; Django's way counts first and says "no page"
            return super().page(number)
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if not rows and number > 1:
            return super().page(number)
        if len(rows) < self.per_page:
            self.count = bottom + len(rows)  # fills the cached_property: no COUNT query
        self.validate_number(number)  # the same errors as Django's (an empty first page that is not allowed)
        return self._get_page(rows, number, self)


def _is_positive_integer(number) -> bool:
    if isinstance(number, float) and not number.is_integer():
        return False
    try:
        return int(number) >= 1
    except (TypeError, ValueError):
        return False


class PageNumberPagination(JsonApiPageNumberPagination):
    django_paginator_class = CountWhenNeededPaginator
    page_size = 25
    max_page_size = 500

    def get_page_number(self, request, paginator):
        """A page number that is not a whole number from 1 is the request's fault (400 naming the parameter);
        one past the last page is a page that does not exist (404)."""
        number = super().get_page_number(request, paginator)
        if not _is_positive_integer(number):
            name = self.page_query_param
            raise InvalidQueryParameters(
                {name: [f"{name} must be a whole number from 1 (the first page), not {number!r}."]}
            )
        return number
