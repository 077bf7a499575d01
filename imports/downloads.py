"""Links to an import's file that only an authorised caller can use.

On local storage the link points at our own download view and carries a
signature of (import, user) with an expiry; on S3 it is a presigned URL.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing
from django.urls import reverse

from imports.models import Import

SALT = "imports.file-download"


def file_url(*, import_id, file_name: str | None, user, origin: str) -> str | None:
    """The link to an import's stored file (by its id and storage name), or None when it has none.

    `origin` is the request's scheme and host (`origin_of`): a list works it out once for all its imports.
    """
    if not file_name:
        return None
    storage = Import._meta.get_field("file").storage
    if hasattr(storage, "bucket_name"):
        return storage.url(file_name)  # presigned, expires after FILE_URL_EXPIRY_SECONDS
    payload = {"i": str(import_id), "u": str(user.pk), "e": int(time.time()) + settings.FILE_URL_EXPIRY_SECONDS}
    return origin + reverse("import-file-download", kwargs={"token": signing.dumps(payload, salt=SALT)})


def failures_url(*, account_list_id, import_id, origin: str) -> str:
    """The link to an import's failed rows as a CSV (`ImportFailuresView`)."""
    return f"{origin}/api/v2/account_lists/{account_list_id}/imports/{import_id}/failures"


def origin_of(request) -> str:
    """The scheme and host of the request, as `build_absolute_uri` writes them before a path."""
    return request.build_absolute_uri("/")[:-1]


class InvalidDownloadLink(Exception):
    pass


def read_download_token(token: str) -> tuple[str, str]:
    """(import id, user id) of a valid link; InvalidDownloadLink says why otherwise."""
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise InvalidDownloadLink("This download link is not valid.") from None
    if payload.get("e", 0) < time.time():
        raise InvalidDownloadLink("This download link has expired. Read the import again for a fresh file_url.")
    return payload["i"], payload["u"]
