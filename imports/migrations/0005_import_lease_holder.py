from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0004_import_reviewers"),
    ]

    operations = [
        migrations.AddField(
            model_name="import",
            name="lease_holder",
            field=models.CharField(
                blank=True, default="", help_text='The process running the job, as "host:pid"', max_length=300
            ),
        ),
        migrations.AlterField(
            model_name="import",
            name="heartbeat_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Last sign of life of the job (a beat every few seconds while it runs)",
                null=True,
            ),
        ),
    ]
