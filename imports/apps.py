from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ImportsConfig(AppConfig):
    name = "imports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_q.signals import post_spawn

        from accounts.reviewers import ensure_reviewers_group
        from imports.pipeline.recovery import start_watchdog

        # The last of the reviewed apps: every permission the group takes exists by now.
        post_migrate.connect(ensure_reviewers_group, sender=self)
        # Each new worker process resumes the imports of workers that are gone, then keeps watching.
        post_spawn.connect(start_watchdog, dispatch_uid="imports-watchdog")
