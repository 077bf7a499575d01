"""What can go wrong talking to Google, each as a sentence a user can act on.

The API answers `AuthorizationRefused` with 400, `GoogleUnavailable` with
502 and `GoogleNotConfigured` with 503; the import job fails with the
sentence, and `AuthorizationRevoked` also tells the user how to reconnect.
"""


class GoogleError(Exception):
    """Base class; `str(error)` is the sentence to show."""


class GoogleNotConfigured(GoogleError):
    """This server has no OAuth client (or no key to encrypt tokens with)."""


class AuthorizationRefused(GoogleError):
    """Google refused an authorization code: expired, used, or sent with another redirect_uri or verifier."""


class AuthorizationRevoked(GoogleError):
    """A stored authorisation no longer works: the user revoked it, or Google expired it."""


class GoogleUnavailable(GoogleError):
    """Google could not be reached, or kept answering errors after the retries."""
