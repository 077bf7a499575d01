"""Content negotiation that also holds every write to the parsers' media types.

Django REST framework only looks at a request's Content-Type when it parses a
body, so an empty body with `Content-Type: text/plain` (or a body sent with no
Content-Type at all) would slip through to the view and get a misleading 400.
This check runs in every API view's `initial()`, before any view code: a write
whose Content-Type none of the view's parsers takes is refused with 415, and
so is a body with no Content-Type. An empty write without a Content-Type is
accepted, and so is a DELETE without a body, or an empty POST to an action that
reads no attributes (one of its viewset's `bodiless_actions`, such as `check`
and `undo`), whatever its Content-Type says: nothing is parsed, and servers
such as runserver (wsgiref) report a missing Content-Type as text/plain.
"""

from __future__ import annotations

from rest_framework.exceptions import UnsupportedMediaType
from rest_framework.negotiation import DefaultContentNegotiation

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class WritesOfParsableMediaTypes(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        if request.method in WRITE_METHODS:
            self._check_request_media_type(request)
        return super().select_renderer(request, renderers, format_suffix)

    def _check_request_media_type(self, request) -> None:
        if request.method == "DELETE" and not _has_body(request):
            return
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if is_bodiless_action(view) and not _has_body(request):
            return  # nothing is parsed, whatever the Content-Type says
        content_type = request.content_type.strip()
        if not content_type:
            if _has_body(request):
                raise UnsupportedMediaType("", detail="The request has a body but no Content-Type.")
            return
        if self.select_parser(request, request.parsers) is None:
            raise UnsupportedMediaType(content_type.split(";")[0].strip())


def is_bodiless_action(view) -> bool:
    """A viewset's action that reads no attributes (listed in its `bodiless_actions`): no request body."""
    return getattr(view, "action", None) in getattr(view, "bodiless_actions", ())


def _has_body(request) -> bool:
    meta = request.META
    try:
        length = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return length > 0 or "chunked" in meta.get("HTTP_TRANSFER_ENCODING", "").lower()
