from django.apps import AppConfig


class GoogleContactsConfig(AppConfig):
    name = "google_contacts"
    verbose_name = "Google Contacts"
    default_auto_field = "django.db.models.BigAutoField"
