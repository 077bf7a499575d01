from django.db import migrations

from accounts.reviewers import REVIEWERS_GROUP, grant_in_migration


def make_reviewers_group(apps, schema_editor):
    grant_in_migration(apps)


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
