"""The every-minute recovery on django-q2's scheduler is gone (the workers' watchdog recovers): drop its schedule."""

from django.db import migrations

SCHEDULE = "recover stalled imports"


def drop_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=SCHEDULE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0009_tnt_data_sync_source"),
        ("django_q", "0018_task_success_index"),
    ]

    operations = [migrations.RunPython(drop_schedule, migrations.RunPython.noop)]
