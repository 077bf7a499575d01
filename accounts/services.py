"""Writes about users, account lists and tokens."""

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from accounts.models import AccountList, AccountListMembership, ApiToken, User
from accounts.reviewers import REVIEWERS_GROUP


@transaction.atomic
def create_api_user(
    *,
    email: str,
    account_list_name: str | None = None,
    staff: bool = False,
    superuser: bool = False,
    password: str | None = None,
) -> tuple[User, AccountList, str]:
    """Make (or reuse) the user and the named account list, and issue a new token.

    `staff` lets the user review imports in the admin (the "Import reviewers"
    group); `superuser` makes a full administrator. A given password is checked
    by the password validators (Django's ValidationError says why it is refused)
    and set; without one a new user has no usable password.
    """
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email=email).first() or User(email=email)
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
    elif user._state.adding:
        user.set_unusable_password()
    user.is_staff = user.is_staff or staff or superuser
    user.is_superuser = user.is_superuser or superuser
    user.save()
    if staff:
        user.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    name = account_list_name or f"{email}'s contacts"
    account_list = AccountList.objects.filter(name=name, memberships__user=user).first()
    if account_list is None:
        account_list = AccountList.objects.create(name=name)
    AccountListMembership.objects.get_or_create(user=user, account_list=account_list)
    _, raw_token = ApiToken.issue(user=user, name="create_api_user")
    return user, account_list, raw_token
