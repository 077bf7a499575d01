"""Users, account lists, memberships and API tokens."""

import factory
from django.contrib.auth.hashers import make_password

from accounts.models import AccountList, AccountListMembership, ApiToken, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    password = factory.LazyFunction(lambda: make_password(None))  # unusable, as create_user without one


class AccountListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountList

    name = factory.Sequence(lambda n: f"Account list {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountListMembership

    user = factory.SubFactory(UserFactory)
    account_list = factory.SubFactory(AccountListFactory)


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token issued as the product issues one (`ApiToken.issue`); its raw value, never stored, is on `.raw`."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = "tests"

    @classmethod
    def _create(cls, model_class, *, user, name, **attributes):
        token, raw = model_class.issue(user=user, name=name)
        if attributes:  # expires_at, revoked_at ...
            for key, value in attributes.items():
                setattr(token, key, value)
            token.save(update_fields=list(attributes))
        token.raw = raw
        return token


def issue_token(user: User) -> str:
    """The raw value of a new token of `user`, as a client sends it."""
    return ApiTokenFactory(user=user).raw
