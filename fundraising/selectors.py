"""Reads of the fundraising records that the importer and the API share."""

from __future__ import annotations

from django.db.models import Q

from fundraising.models import Organization


def organization_named(*, account_list_id, code: str, name: str) -> Organization | None:
    """The account list's organisation with this code (whoever made it), else one of this name without another
    code; the oldest when several."""
    organizations = Organization.objects.filter(account_list_id=account_list_id).order_by("created_at")
    if code:
        found = organizations.filter(code=code).first()
        if found is not None:
            return found
    return organizations.filter(Q(code="") | Q(code=code), name__iexact=name).first()
