from django.contrib.auth.management import create_permissions
from django.db import migrations

from accounts.reviewers import REVIEWERS_GROUP, grant_reviewer_permissions


def make_reviewers_group(apps, schema_editor):
    # Permissions are normally made after `migrate` ends; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_reviewer_permissions(apps)


def remove_reviewers_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=REVIEWERS_GROUP).delete()


class Migration(migrations.Migration):
    """The import actions as permissions of their own, and the "Import reviewers" group that holds them."""

    dependencies = [
        ("imports", "0003_fewer_indexes"),
        ("accounts", "0002_alter_apitoken_options"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contacts", "0004_fewer_indexes"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="import",
            options={
                "ordering": ["-created_at"],
                "permissions": [
                    ("start_import", "Can start an import that is in preview"),
                    ("cancel_import", "Can cancel a queued or running import"),
                    ("reimport_import", "Can re-import the failed rows of an import from a corrected file"),
                    ("undo_import", "Can undo a finished import"),
                ],
            },
        ),
        migrations.RunPython(make_reviewers_group, remove_reviewers_group),
    ]
