"""Reads that decide what a user may see."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import AccountList, User


def account_lists_for(*, user: User) -> QuerySet[AccountList]:
    return AccountList.objects.filter(memberships__user=user)


def account_list_for(*, user: User, account_list_id) -> AccountList:
    """The account list if the user is a member; 404 otherwise, never 403, so existence is not revealed."""
    try:
        return account_lists_for(user=user).get(pk=account_list_id)
    except AccountList.DoesNotExist:
        raise Http404("No such account list.") from None
