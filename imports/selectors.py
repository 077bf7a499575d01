"""Reads about imports that services need."""

from __future__ import annotations

from imports.models import Import


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
