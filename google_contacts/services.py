"""Connecting, using and disconnecting a user's Google accounts. Views, the admin and the import job call these."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from google_contacts import oauth, token_encryption
from google_contacts.errors import AuthorizationRefused, AuthorizationRevoked
from google_contacts.models import GoogleAccount
from google_contacts.people import ContactGroup, PeopleApi, primary_email

logger = logging.getLogger(__name__)


class GoogleAccountNotFound(LookupError):
    """No such connected account among the user's own."""


def require_configured() -> None:
    """Raise GoogleNotConfigured unless an OAuth client and a token encryption key are set."""
    oauth.require_configured()
    token_encryption.fernet()


def accounts_of(*, user: User) -> QuerySet[GoogleAccount]:
    return GoogleAccount.objects.filter(user=user)


def account_of(*, user: User, account_id) -> GoogleAccount:
    """The user's own connected account; another user's is as missing as one that does not exist."""
    account = accounts_of(user=user).filter(pk=account_id).first()
    if account is None:
        raise GoogleAccountNotFound("No such Google account among yours.")
    return account


def connect_account(
    *, user: User, authorization_code: str, redirect_uri: str, code_verifier: str = ""
) -> tuple[GoogleAccount, bool]:
    """Exchange the code, learn the account from people/me, store it (again); returns (account, created)."""
    require_configured()
    tokens = oauth.exchange_code(code=authorization_code, redirect_uri=redirect_uri, code_verifier=code_verifier)
    if not oauth.CONTACT_READING_SCOPES & set(tokens.scopes):
        raise AuthorizationRefused(
            "The Google account did not allow reading its contacts: connect it again and leave "
            f"“See and download your contacts” ({oauth.CONTACTS_SCOPE}) ticked on the consent screen."
        )

    def refresh() -> str:
        if not tokens.refresh_token:
            raise AuthorizationRevoked("Google's access token expired at once. Connect the account again.")
        return oauth.refresh_access_token(refresh_token=tokens.refresh_token, email="the account")

    me = PeopleApi(access_token=tokens.access_token, refresh=refresh, email="the account").me()
    email = primary_email(me)
    if not email:
        raise AuthorizationRefused(
            "Google did not say which account this is: the consent screen must also grant the email address "
            f"({oauth.EMAIL_SCOPE})."
        )
    now = timezone.now()
    with transaction.atomic():
        account = accounts_of(user=user).select_for_update().filter(google_id=me["resourceName"]).first()
        created = account is None
        if created:
            if not tokens.refresh_token:
                raise AuthorizationRefused(
                    "Google sent no refresh token, so the contacts could not be read later: open the consent "
                    "screen with access_type=offline and prompt=consent, then connect again."
                )
            account = GoogleAccount(user=user, google_id=me["resourceName"])
        if tokens.refresh_token:  # a reconnect without consent keeps the stored one, still valid
            account.refresh_token = tokens.refresh_token
        account.email = email
        account.scopes = sorted(tokens.scopes)
        account.connected_at = now
        account.last_used_at = now
        account.authorization_error = ""
        account.save()
    logger.info("Google account %s %s for user %s", account.pk, "connected" if created else "reconnected", user.pk)
    return account, created


def people_api_for(*, account: GoogleAccount) -> PeopleApi:
    """The account's People API with a fresh access token; a revoked grant is recorded on the account."""
    require_configured()

    def refresh() -> str:
        try:
            access_token = oauth.refresh_access_token(refresh_token=account.refresh_token, email=account.email)
        except AuthorizationRevoked as revoked:
            GoogleAccount.objects.filter(pk=account.pk).update(authorization_error=str(revoked)[:500])
            raise
        GoogleAccount.objects.filter(pk=account.pk).update(last_used_at=timezone.now(), authorization_error="")
        return access_token

    return PeopleApi(access_token=refresh(), refresh=refresh, email=account.email)


def contact_groups_of(*, account: GoogleAccount) -> list[ContactGroup]:
    return people_api_for(account=account).contact_groups()


def disconnect_account(*, account: GoogleAccount) -> bool:
    """Forget the account; revoke the grant at Google first when it can. True when Google confirmed."""
    revoked = False
    try:
        oauth.require_configured()
        revoked = oauth.revoke(token=account.refresh_token)
    except Exception:  # disconnecting must work even when Google or the key cannot be used
        logger.warning("Google account %s: the grant could not be revoked at Google", account.pk)
    account.delete()
    return revoked


def reencrypt_tokens() -> int:
    """Encrypt every stored refresh token again with the first key; returns how many."""
    count = 0
    for account in GoogleAccount.objects.only("id", "encrypted_refresh_token").iterator():
        GoogleAccount.objects.filter(pk=account.pk).update(
            encrypted_refresh_token=token_encryption.reencrypt(account.encrypted_refresh_token)
        )
        count += 1
    return count
