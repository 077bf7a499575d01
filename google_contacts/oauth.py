"""Google's OAuth 2.0 endpoints through Authlib: the consent URL, code exchange, refresh, revocation.

Authlib's requests session builds the requests (PKCE challenge, client
authentication in the body as Google documents it) and parses the answers;
this module turns its errors into ours, each with a sentence. No token is
ever logged or put in an error message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings

from google_contacts.errors import AuthorizationRefused, AuthorizationRevoked, GoogleNotConfigured, GoogleUnavailable

logger = logging.getLogger(__name__)

CONTACTS_SCOPE = "https://www.googleapis.com/auth/contacts.readonly"
# Reading people/me's email address needs it; it is non-sensitive and shown as "See your email address".
EMAIL_SCOPE = "https://www.googleapis.com/auth/userinfo.email"
SCOPES = (CONTACTS_SCOPE, EMAIL_SCOPE)
# Scopes that allow reading contacts: the read-only one, or the full one if a client asked for it.
CONTACT_READING_SCOPES = {CONTACTS_SCOPE, "https://www.googleapis.com/auth/contacts"}

REFUSED_CODE = {
    "invalid_grant": "Google refused the authorization code ({description}). A code works once and for a few "
    "minutes, and only with the redirect_uri (and code_verifier) used on the consent screen: run the consent "
    "screen again.",
    "redirect_uri_mismatch": "Google refused the authorization code: redirect_uri is not the one the consent "
    "screen was opened with ({description}).",
    "invalid_request": "Google refused the request ({description}): send authorization_code, redirect_uri and, "
    "if the consent screen was opened with a code_challenge, its code_verifier.",
    "access_denied": "The Google account did not grant access ({description}).",
}


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str  # "" when Google sent none (it does only on the first consent, or with prompt=consent)
    scopes: tuple[str, ...]


def require_configured() -> None:
    if not settings.GOOGLE_OAUTH_CLIENT_ID or not settings.GOOGLE_OAUTH_CLIENT_SECRET:
        raise GoogleNotConfigured(
            "Google Contacts is not configured on this server: set GOOGLE_OAUTH_CLIENT_ID and "
            "GOOGLE_OAUTH_CLIENT_SECRET (see the README)."
        )


def _session(**options) -> OAuth2Session:
    require_configured()
    return OAuth2Session(
        client_id=settings.GOOGLE_OAUTH_CLIENT_ID,
        client_secret=settings.GOOGLE_OAUTH_CLIENT_SECRET,
        token_endpoint_auth_method="client_secret_post",
        default_timeout=settings.GOOGLE_API_TIMEOUT_SECONDS,
        **options,
    )


def authorization_url(*, redirect_uri: str, state: str, code_verifier: str) -> str:
    """Google's consent screen: read-only contacts and the email address, offline (a refresh token)."""
    session = _session(scope=" ".join(SCOPES), redirect_uri=redirect_uri, code_challenge_method="S256")
    url, _ = session.create_authorization_url(
        settings.GOOGLE_OAUTH_AUTHORIZE_URL,
        state=state,
        code_verifier=code_verifier,
        access_type="offline",
        # Google gives a refresh token only on consent; asking each time makes a reconnect get one too.
        prompt="consent",
        include_granted_scopes="true",
    )
    return url


def exchange_code(*, code: str, redirect_uri: str, code_verifier: str = "") -> Tokens:
    """The authorization_code grant; a refused code raises AuthorizationRefused with Google's reason."""
    session = _session(redirect_uri=redirect_uri)
    extra = {"code_verifier": code_verifier} if code_verifier else {}
    try:
        token = session.fetch_token(
            settings.GOOGLE_OAUTH_TOKEN_URL,
            grant_type="authorization_code",
            code=code,
            redirect_uri=redirect_uri,
            **extra,
        )
    except OAuthError as error:
        template = REFUSED_CODE.get(error.error)
        if template is None:
            raise _unavailable_for(error) from None
        raise AuthorizationRefused(template.format(description=error.description or error.error)) from None
    except (requests.RequestException, ValueError) as error:
        raise _unreachable(error) from None
    return Tokens(
        access_token=token["access_token"],
        refresh_token=token.get("refresh_token") or "",
        scopes=tuple(str(token.get("scope", "")).split()),
    )


def refresh_access_token(*, refresh_token: str, email: str) -> str:
    """A new access token; a revoked or expired authorisation raises AuthorizationRevoked."""
    session = _session()
    try:
        token = session.refresh_token(settings.GOOGLE_OAUTH_TOKEN_URL, refresh_token=refresh_token)
    except OAuthError as error:
        if error.error == "invalid_grant":
            raise AuthorizationRevoked(
                f"Google no longer accepts this service's access to {email} ({error.description or error.error}): "
                "the access was removed in the Google account, the password was changed, or it was unused for "
                "six months. Connect the account again."
            ) from None
        raise _unavailable_for(error) from None
    except (requests.RequestException, ValueError) as error:
        raise _unreachable(error) from None
    return token["access_token"]


def revoke(*, token: str) -> bool:
    """Ask Google to forget the grant; False when it could not (unreachable, or already revoked)."""
    session = _session()
    try:
        response = session.revoke_token(settings.GOOGLE_OAUTH_REVOKE_URL, token=token)
    except requests.RequestException:
        logger.warning("Google's revocation endpoint could not be reached; the token is deleted here anyway")
        return False
    return response.status_code == 200


def _unavailable_for(error: OAuthError) -> GoogleUnavailable:
    if error.error in ("invalid_client", "unauthorized_client"):
        return GoogleUnavailable(
            f"Google refused this server's OAuth client ({error.description or error.error}): check "
            "GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET."
        )
    return GoogleUnavailable(f"Google's token endpoint answered an error ({error.error}). Try again in a minute.")


def _unreachable(error: Exception) -> GoogleUnavailable:
    logger.warning("Google's token endpoint failed: %s", error.__class__.__name__)
    status = getattr(getattr(error, "response", None), "status_code", None)
    said = f"answered HTTP {status}" if status else "could not be reached"
    return GoogleUnavailable(f"Google's token endpoint {said}. Try again in a minute.")
