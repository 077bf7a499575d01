from django.apps import AppConfig


class FundraisingConfig(AppConfig):
    name = "fundraising"
    verbose_name = "Fundraising"
    default_auto_field = "django.db.models.BigAutoField"
