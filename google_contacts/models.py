"""A user's connected Google accounts. The refresh token is stored encrypted and never shown."""

import uuid

from django.conf import settings
from django.db import models

from config.model_fields import JSONField, Timestamped
from google_contacts import token_encryption


class GoogleAccount(Timestamped):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="google_accounts")
    google_id = models.CharField(
        max_length=255, editable=False, help_text="The account's own People API resource name (people/...)"
    )
    email = models.EmailField(max_length=254)
    scopes = JSONField(default=list, blank=True, help_text="The OAuth scopes the account granted")
    encrypted_refresh_token = models.TextField(editable=False)
    connected_at = models.DateTimeField(help_text="When the account was (last) connected")
    last_used_at = models.DateTimeField(null=True, blank=True, help_text="When the service last read from it")
    authorization_error = models.CharField(
        max_length=500, blank=True, help_text="Why Google last refused the stored authorisation (empty: it works)"
    )

    class Meta:
        ordering = ["email", "created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "google_id"], name="google_account_once_per_user")]

    def __str__(self) -> str:
        return self.email

    def __repr__(self) -> str:  # the default would not show the token either; say so explicitly
        return f"<GoogleAccount {self.pk} {self.email}>"

    @property
    def refresh_token(self) -> str:
        return token_encryption.decrypt(self.encrypted_refresh_token)

    @refresh_token.setter
    def refresh_token(self, raw: str) -> None:
        self.encrypted_refresh_token = token_encryption.encrypt(raw)

    @property
    def needs_reconnect(self) -> bool:
        return bool(self.authorization_error)
