import factory

from accounts.models import AccountList, AccountListMembership, ApiToken, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")


class AccountListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountList

    name = factory.Sequence(lambda n: f"Account list {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountListMembership

    user = factory.SubFactory(UserFactory)
    account_list = factory.SubFactory(AccountListFactory)


def issue_token(user: User) -> str:
    _, raw = ApiToken.issue(user=user, name="tests")
    return raw
