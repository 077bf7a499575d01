from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ImportsConfig(AppConfig):
    name = "imports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts.reviewers import ensure_reviewers_group
        from imports.pipeline.recovery import ensure_recovery_schedule

        post_migrate.connect(ensure_recovery_schedule, sender=self)
        # The last of the reviewed apps: every permission the group takes exists by now.
        post_migrate.connect(ensure_reviewers_group, sender=self)
