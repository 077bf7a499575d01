"""Refresh tokens are stored encrypted with Fernet (AES-128-CBC and HMAC-SHA256, from `cryptography`).

GOOGLE_TOKEN_ENCRYPTION_KEYS is a comma-separated list of Fernet keys: the
first encrypts, all decrypt (`MultiFernet`), so a key is rotated by putting a
new one first, running `manage.py rotate_google_token_key` (which encrypts
every stored token again with the new key) and then removing the old one.
With DEBUG on and no key set, a key derived from SECRET_KEY is used, so a
laptop needs no setup; anywhere else a missing key is a configuration error.

A refusal of `cryptography` (a value that is no Fernet key, a token whose key
was removed) is raised as GoogleNotConfigured with a sentence, the error the
API and the admin show: the library's own exception and traceback would tell
an operator nothing more.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from google_contacts.errors import GoogleNotConfigured


def _keys() -> list[bytes]:
    keys = [key.strip() for key in settings.GOOGLE_TOKEN_ENCRYPTION_KEYS if key.strip()]
    if keys:
        return [key.encode() for key in keys]
    if settings.DEBUG:
        digest = hashlib.sha256(b"google-token-encryption:" + settings.SECRET_KEY.encode()).digest()
        return [base64.urlsafe_b64encode(digest)]
    raise GoogleNotConfigured(
        "Google Contacts is not configured on this server: GOOGLE_TOKEN_ENCRYPTION_KEYS is not set "
        "(a Fernet key; see the README)."
    )


def fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in _keys()])
    except ValueError:
        raise GoogleNotConfigured(
            "Google Contacts is not configured on this server: GOOGLE_TOKEN_ENCRYPTION_KEYS holds a value that is "
            "not a Fernet key (32 url-safe base64-encoded bytes)."
        ) from None


def encrypt(token: str) -> str:
    return fernet().encrypt(token.encode()).decode()


def decrypt(encrypted: str) -> str:
    try:
        return fernet().decrypt(encrypted.encode()).decode()
    except InvalidToken:
        raise GoogleNotConfigured(
            "A stored Google token cannot be decrypted with GOOGLE_TOKEN_ENCRYPTION_KEYS: the key that encrypted "
            "it was removed. Put it back (after the new key), or connect the account again."
        ) from None


def reencrypt(encrypted: str) -> str:
    """The same token encrypted with the first key (MultiFernet.rotate)."""
    return fernet().rotate(encrypted.encode()).decode()
