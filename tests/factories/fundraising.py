"""The book: organisations, appeals, tasks with their comments, donor and designation accounts, gifts, pledges.

Every record of the book belongs to an account list; a record made from others (a gift from its donor
account, a link from its contact) takes its account list from them, so that one factory call never
mixes two account lists.
"""

import datetime
from decimal import Decimal

import factory

from fundraising.models import (
    Appeal,
    AppealContact,
    DesignationAccount,
    Donation,
    DonorAccount,
    DonorAccountContact,
    Organization,
    Pledge,
    Task,
    TaskComment,
    TaskContact,
)
from tests.factories.accounts import AccountListFactory
from tests.factories.contacts import ContactFactory


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    account_list = factory.SubFactory(AccountListFactory)
    name = factory.Sequence(lambda n: f"Mission Agency {n}")
    code = factory.Sequence(lambda n: f"AGENCY-{n}")
    default_currency = "USD"


class AppealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appeal

    account_list = factory.SubFactory(AccountListFactory)
    name = factory.Sequence(lambda n: f"Year-end appeal {n}")
    amount = Decimal("5000.00")


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    account_list = factory.SubFactory(AccountListFactory)
    activity_type = "Call"
    subject = factory.Sequence(lambda n: f"Call about the newsletter {n}")
    start_at = factory.LazyFunction(lambda: datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC))


class TaskCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskComment

    task = factory.SubFactory(TaskFactory)
    body = "Left a message."


class DonorAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DonorAccount

    account_list = factory.SubFactory(AccountListFactory)
    organization = factory.SubFactory(OrganizationFactory, account_list=factory.SelfAttribute("..account_list"))
    account_number = factory.Sequence(lambda n: f"{100000 + n}")
    name = factory.Sequence(lambda n: f"Doe{n}, John")


class DesignationAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DesignationAccount

    account_list = factory.SubFactory(AccountListFactory)
    organization = factory.SubFactory(OrganizationFactory, account_list=factory.SelfAttribute("..account_list"))
    designation_number = factory.Sequence(lambda n: f"{500000 + n}")
    name = factory.Sequence(lambda n: f"Missionary fund {n}")


class DonationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donation

    account_list = factory.SubFactory(AccountListFactory)
    donor_account = factory.SubFactory(DonorAccountFactory, account_list=factory.SelfAttribute("..account_list"))
    designation_account = factory.SubFactory(
        DesignationAccountFactory, account_list=factory.SelfAttribute("..account_list")
    )
    amount = Decimal("50.00")
    currency = "USD"
    donation_date = datetime.date(2026, 1, 15)
    remote_id = factory.Sequence(lambda n: f"GIFT-{n}")


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pledge

    account_list = factory.SubFactory(AccountListFactory)
    contact = factory.SubFactory(ContactFactory, account_list=factory.SelfAttribute("..account_list"))
    amount = Decimal("100.00")
    amount_currency = "USD"
    expected_date = datetime.date(2026, 6, 1)


class AppealContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppealContact

    appeal = factory.SubFactory(AppealFactory)
    contact = factory.SubFactory(ContactFactory, account_list=factory.SelfAttribute("..appeal.account_list"))


class TaskContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskContact

    task = factory.SubFactory(TaskFactory)
    contact = factory.SubFactory(ContactFactory, account_list=factory.SelfAttribute("..task.account_list"))


class DonorAccountContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DonorAccountContact

    donor_account = factory.SubFactory(DonorAccountFactory)
    contact = factory.SubFactory(ContactFactory, account_list=factory.SelfAttribute("..donor_account.account_list"))
