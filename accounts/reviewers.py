"""The "Import reviewers" group: what a staff member needs to review imports in the admin.

View permission on every model of the reviewed apps (imports, contacts, account
lists and users), and the import actions: start, cancel, re-import, undo and check. A
migration makes the group; after every `migrate` its permissions are brought up
to date, so a model added later is viewable by reviewers too.
"""

from __future__ import annotations

REVIEWERS_GROUP = "Import reviewers"
REVIEWED_APPS = ("imports", "contacts", "accounts")
IMPORT_ACTIONS = ("start_import", "cancel_import", "reimport_import", "undo_import", "check_import")
# Nobody reviews through a token's hash: tokens stay with their owners and administrators.
NOT_REVIEWED = ("view_apitoken",)


def grant_reviewer_permissions(apps) -> None:
    """Make the group (if missing) and give it its permissions; `apps` is a migration's or the live registry."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=REVIEWERS_GROUP)
    views = permission_model.objects.filter(
        content_type__app_label__in=REVIEWED_APPS, codename__startswith="view_"
    ).exclude(codename__in=NOT_REVIEWED)
    actions = permission_model.objects.filter(content_type__app_label="imports", codename__in=IMPORT_ACTIONS)
    group.permissions.add(*views, *actions)


def grant_in_migration(apps) -> None:
    """`grant_reviewer_permissions` inside a migration: the permissions are made first (normally they
    are made after `migrate` ends, and the group needs them now)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_reviewer_permissions(apps)


def ensure_reviewers_group(**kwargs) -> None:
    """post_migrate: keep the group's permissions complete (idempotent)."""
    from django.apps import apps

    grant_reviewer_permissions(apps)
