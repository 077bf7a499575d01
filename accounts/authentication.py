"""`Authorization: Bearer <token>` authentication for the API."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions

from accounts.models import ApiToken, User, hash_token
from config.rows import RowsByKey

# Every request reads its token, then the token's user, by key with SQL written once (config/rows.py):
# the ORM's query of the token joined to its user cost a third of a request for an import.
TOKENS = RowsByKey(ApiToken, ("id", "key_hash", "user_id", "last_used_at", "expires_at", "revoked_at"), key="key_hash")
USERS = RowsByKey(User, tuple(field.attname for field in User._meta.concrete_fields))

# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("The Authorization header must be 'Bearer <token>'.")
        try:
            raw = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        now = timezone.now()
        token = _usable_token(hash_token(raw), now)
        user = _active_user(token.user_id) if token else None
        if user is None:
            raise exceptions.AuthenticationFailed("The token is not valid, has expired or was revoked.")
        token.user = user
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


def _usable_token(key_hash: str, now) -> ApiToken | None:
    tokens = TOKENS.instances_in_order([key_hash])
    return tokens[0] if tokens and tokens[0].is_usable(now) else None


def _active_user(user_id) -> User | None:
    users = USERS.instances_in_order([user_id])
    return users[0] if users and users[0].is_active else None
