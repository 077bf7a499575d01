"""The settings step of a TntConnect import: the account list's monthly goal and currency.

`Property` MonthlySupportGoal is the monthly goal and the `Currency` marked
as the base is the default currency: each is taken when the account list
has none yet, or when the import has `override`.
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from accounts.models import AccountList
from imports.pipeline.book.writer import BookContext, StepResult
from imports.pipeline.bulk_insert import update_rows


def write_settings(context: BookContext, account_list_id: uuid.UUID) -> StepResult:
    account_list = AccountList.objects.select_for_update().get(pk=account_list_id)
    changed = []
    goal = context.lookups.monthly_goal()
    if (
        goal is not None
        and account_list.monthly_goal != goal
        and (context.override or account_list.monthly_goal is None)
    ):
        account_list.monthly_goal = goal
        changed.append("monthly_goal")
    currency = context.lookups.base_currency
    if (
        currency
        and account_list.default_currency != currency
        and (context.override or not account_list.default_currency)
    ):
        account_list.default_currency = currency
        changed.append("default_currency")
    update_rows(AccountList, [account_list] if changed else [], changed, timezone.now())
    return StepResult(updated=int(bool(changed)), skipped=int(not changed))
