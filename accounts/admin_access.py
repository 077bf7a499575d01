"""A staff member without the permissions a page needs is told whom to ask, not shown a bare 403."""

from __future__ import annotations

from django.contrib import admin
from django.shortcuts import render
from django.urls import reverse
from django.views import defaults

from accounts.models import User
from accounts.reviewers import REVIEWERS_GROUP

ADMINISTRATORS_SHOWN = 5


def administrators() -> list[str]:
    """Who can grant access: the active superusers, by email."""
    superusers = User.objects.filter(is_superuser=True, is_active=True).order_by("email")
    return list(superusers.values_list("email", flat=True)[:ADMINISTRATORS_SHOWN])


def access_help() -> dict:
    return {"administrators": administrators(), "reviewers_group": REVIEWERS_GROUP}


def permission_denied(request, exception):
    """handler403: in the admin, a signed-in staff member gets a page that says whom to ask."""
    user = getattr(request, "user", None)
    if request.path.startswith(reverse("admin:index")) and user is not None and user.is_active and user.is_staff:
        context = {**admin.site.each_context(request), **access_help(), "title": "You need access to this page"}
        return render(request, "admin/no_access.html", context, status=403)
    return defaults.permission_denied(request, exception)
