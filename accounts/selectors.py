"""Reads that decide what a user may see."""

import functools

from django.db import connections
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import AccountList, AccountListMembership, User


def account_lists_for(*, user: User) -> QuerySet[AccountList]:
    return AccountList.objects.filter(memberships__user=user)


def account_list_for(*, user: User, account_list_id) -> AccountList:
    """The account list if the user is a member; 404 otherwise, never 403, so existence is not revealed.

    Every request under an account list asks this first. It is the query
    `account_lists_for(user=user).get(pk=account_list_id)` makes, written once
    per database vendor and run as a raw query: the ORM compiled the join for
    every request, at four times the cost of running it.
    """
    connection = connections[AccountList.objects.db]
    key = AccountList._meta.pk
    list_id, user_id = key.get_db_prep_value(account_list_id, connection), key.get_db_prep_value(user.pk, connection)
    found = list(AccountList.objects.raw(_member_list_statement(connection.vendor), [list_id, list_id, user_id]))
    if not found:
        raise Http404("No such account list.")
    return found[0]


@functools.cache
def _member_list_statement(vendor: str) -> str:
    quote = connections[AccountList.objects.db].ops.quote_name
    lists, memberships = quote(AccountList._meta.db_table), quote(AccountListMembership._meta.db_table)
    columns = ", ".join(quote(field.column) for field in AccountList._meta.concrete_fields)
    list_key = quote(AccountList._meta.pk.column)
    member_list, member = (
        quote(AccountListMembership._meta.get_field(name).column) for name in ("account_list", "user")
    )
    return (
        f"SELECT {columns} FROM {lists} WHERE {list_key} = %s AND EXISTS (SELECT 1 FROM {memberships}"
        f" WHERE {member_list} = %s AND {member} = %s)"
    )
