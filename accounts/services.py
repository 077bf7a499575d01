"""Writes about users, account lists and tokens."""

from django.db import transaction

from accounts.models import AccountList, AccountListMembership, ApiToken, User


@transaction.atomic
def create_api_user(
    *, email: str, account_list_name: str | None = None, staff: bool = False
) -> tuple[User, AccountList, str]:
    """Make (or reuse) the user and the named account list, and issue a new token."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, is_staff=staff)
    elif staff and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    name = account_list_name or f"{email}'s contacts"
    account_list = AccountList.objects.filter(name=name, memberships__user=user).first()
    if account_list is None:
        account_list = AccountList.objects.create(name=name)
    AccountListMembership.objects.get_or_create(user=user, account_list=account_list)
    _, raw_token = ApiToken.issue(user=user, name="create_api_user")
    return user, account_list, raw_token
