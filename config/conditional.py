"""Conditional GETs: `If-None-Match` against an ETag, `If-Modified-Since` against a Last-Modified -> 304.

Clients poll imports for their progress; a 304 tells them nothing changed without a body. As
RFC 9110 says, `If-Modified-Since` is only looked at when the request has no `If-None-Match`, and
ETags are compared weakly. `Cache-Control: private, no-cache` keeps shared caches out (documents
carry links signed for their reader) and makes a browser ask again each time instead of guessing
a freshness from Last-Modified.
"""

from __future__ import annotations

import datetime

from django.http import HttpResponseNotModified
from django.utils.http import http_date, parse_etags, parse_http_date_safe

CACHE_CONTROL = "private, no-cache"


def validator_headers(*, etag: str, last_modified: datetime.datetime | None, now: datetime.datetime) -> dict:
    """ETag, Cache-Control and, when it can tell, Last-Modified.

    Last-Modified has whole seconds: a change later in the same second as the last one would carry
    the same date, so it is only given once that second is over.
    """
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if last_modified is not None and int(last_modified.timestamp()) < int(now.timestamp()):
        headers["Last-Modified"] = http_date(last_modified.timestamp())
    return headers


def is_not_modified(request, headers: dict) -> bool:
    """Whether the client's copy, named by its conditional headers, is the one `headers` describe."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        etags = parse_etags(if_none_match)
        return "*" in etags or _weak(headers["ETag"]) in {_weak(etag) for etag in etags}
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    last_modified = parse_http_date_safe(headers.get("Last-Modified", ""))
    return since is not None and last_modified is not None and last_modified <= since


def not_modified(headers: dict) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    for name, value in headers.items():
        response[name] = value
    return response


def _weak(etag: str) -> str:
    return etag.removeprefix("W/")
