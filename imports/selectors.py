"""Reads about imports that several faces share."""

from __future__ import annotations

from django.db.models import Func, IntegerField, Sum
from django.http import Http404

from accounts.models import User
from accounts.selectors import account_list_for, account_lists_for
from imports.downloads import read_download_token
from imports.models import Import


class FileNotAvailable(Exception):
    """No file to give for this link: the import, its file, the user or the user's membership is gone."""


def import_for_download(*, token: str) -> Import:
    """The import whose stored file a signed link opens.

    The link must be valid and unexpired (InvalidDownloadLink otherwise), and
    its user still active and still a member of the import's account list.
    Every other refusal is FileNotAvailable, never saying which, so that a
    link reveals nothing about imports its holder may no longer see.
    """
    import_id, user_id = read_download_token(token)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    import_record = Import.objects.filter(pk=import_id).first()
    allowed = (
        user is not None
        and import_record is not None
        and account_lists_for(user=user).filter(pk=import_record.account_list_id).exists()
    )
    if not allowed or not import_record.file:
        raise FileNotAvailable("No such file.")
    return import_record


def import_for(*, user: User, account_list_id, import_id) -> Import:
    """An import of one of the user's account lists; 404 otherwise (also for the list), never 403."""
    account_list = account_list_for(user=user, account_list_id=account_list_id)
    import_record = Import.objects.filter(account_list=account_list, pk=import_id).first()
    if import_record is None:
        raise Http404("No such import.")
    return import_record


def remembered_mappings(*, account_list_id, header_fingerprint: str, exclude_id=None) -> Import | None:
    """The newest import of the list that completed with a file of the same set of headers.

    Its mappings are the ones to offer again. One query, on the
    `import_remembered_mappings` index (account list, fingerprint, status,
    completion time).
    """
    if not header_fingerprint:
        return None
    found = Import.objects.filter(
        account_list_id=account_list_id,
        header_fingerprint=header_fingerprint,
        status=Import.Status.COMPLETE,
        source=Import.Source.CSV,
    ).exclude(file_headers_mappings={})
    if exclude_id is not None:
        found = found.exclude(pk=exclude_id)
    return (
        found.order_by("-completed_at")
        .only("id", "file_headers_mappings", "file_constants_mappings", "completed_at")
        .first()
    )


class _ArrayLength(Func):
    """The length of a JSON array column (SQLite's json_array_length, PostgreSQL's jsonb_array_length)."""

    function = "json_array_length"
    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="jsonb_array_length", **extra)


def change_log_summary(*, import_record: Import) -> list[dict]:
    """Per table, in the order an undo takes them back: how many records the import created and updated."""
    from imports.undo.progress import table_name
    from imports.undo.records import model_of, ordered_tables

    counts: dict[str, dict[str, int]] = {}
    rows = import_record.changes.values("table", "kind").annotate(records=Sum(_ArrayLength("records"))).order_by()
    for row in rows:
        counts.setdefault(row["table"], {"created": 0, "updated": 0})[row["kind"]] = row["records"]
    return [{"table": table_name(model_of(table)), **counts[table]} for table in ordered_tables(counts)]
