"""An import's downloads: its stored file and its failed rows, and the links that open them.

On local storage the file's link points at our own download view and
carries a signature of (import, user) with an expiry; on S3 it is a
presigned URL. The API and the admin serve both downloads through
`file_response` and `failures_response`, so they serve the same bytes
under the same names and types.
"""

from __future__ import annotations

import functools
import time
import uuid

from django.conf import settings
from django.core import signing
from django.http import FileResponse, StreamingHttpResponse
from django.urls import get_script_prefix, reverse

from imports.failures import failure_lines, failures_filename
from imports.models import Import

SALT = "imports.file-download"


def file_url(*, import_id, file_name: str | None, user, origin: str) -> str | None:
    """The link to an import's stored file (by its id and storage name), or None when it has none.

    `origin` is where the request's links start (`origin_of`): a list works it out once for all its imports.
    """
    if not file_name:
        return None
    storage = Import._meta.get_field("file").storage
    if hasattr(storage, "bucket_name"):
        return storage.url(file_name)  # presigned, expires after FILE_URL_EXPIRY_SECONDS
    payload = {"i": str(import_id), "u": str(user.pk), "e": int(time.time()) + settings.FILE_URL_EXPIRY_SECONDS}
    token = signing.dumps(payload, salt=SALT)
    return origin + _path_template("import-file-download", "token").format(token=token)


def failures_url(*, account_list_id, import_id, origin: str, of_check: bool = False) -> str:
    """The link to an import's failed rows as a CSV (`ImportFailuresView`), or its check's (`of_check`)."""
    view_name = "import-check-failures" if of_check else "import-failures"
    path = _path_template(view_name, "account_list_pk", "pk")
    return origin + path.format(account_list_pk=account_list_id, pk=import_id)


# Stand-ins for a link's variable parts, each a valid value of its URL converter.
_PLACEHOLDERS = {"account_list_pk": uuid.UUID(int=1), "pk": uuid.UUID(int=2), "token": "TOKEN"}


@functools.cache
def _path_template(view_name: str, *names: str) -> str:
    """A view's path after the script prefix, with its variable parts (`names`) as format fields:
    `reverse()` once, not for every import of a list."""
    path = "/" + reverse(view_name, kwargs={name: _PLACEHOLDERS[name] for name in names}).removeprefix(
        get_script_prefix()
    )
    for name in names:
        path = path.replace(str(_PLACEHOLDERS[name]), "{" + name + "}")
    return path


def origin_of(request) -> str:
    """Where the request's links start: its scheme and host and the script prefix, as
    `build_absolute_uri(reverse(...))` writes them before a view's path.

    Worked out once per request: the script prefix is a thread-local read, which per link
    cost a list of 25 imports some 7% of its time."""
    return request.build_absolute_uri(get_script_prefix())[:-1]


def site_origin() -> str:
    """Where links start outside a request (an email): the site's URL and the script prefix."""
    return settings.SITE_URL + get_script_prefix()[:-1]


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


# What an uploaded file is served as: decided by what the service found it to be, never by its name.
DOWNLOAD_TYPES = {
    "csv": "text/csv",
    "tnt": "application/xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "vcard": "text/vcard",
    "tnt_data_sync": "text/plain",
}


def file_response(import_record: Import) -> FileResponse:
    """The uploaded file as an attachment, under the user's name for it (the import has a file)."""
    filename = import_record.original_filename or f"import-{import_record.pk}"
    # The type follows the source, never the uploaded name (which could say .html).
    kind = "tnt" if import_record.source == Import.Source.TNT else import_record.file_format.get("kind", "csv")
    content_type = DOWNLOAD_TYPES.get(kind, "application/octet-stream")
    return FileResponse(import_record.file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)


def failures_response(import_record: Import, *, of_check: bool = False) -> StreamingHttpResponse:
    """The failed rows as a CSV to fix and upload again: streamed, so a million failures do not fill memory.

    `of_check`: the rows the check found the import would fail.
    """
    lines = failure_lines(import_record, of_check=of_check)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    filename = failures_filename(import_record, of_check=of_check)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
