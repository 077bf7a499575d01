"""Google accounts a user connected (their refresh token stored encrypted, as the product stores it)."""

import datetime

import factory

from google_contacts.models import GoogleAccount
from tests.factories.accounts import UserFactory


class GoogleAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoogleAccount

    user = factory.SubFactory(UserFactory)
    google_id = factory.Sequence(lambda n: f"people/{100000000000000000000 + n}")
    email = factory.Sequence(lambda n: f"person{n}@gmail.com")
    scopes = factory.LazyFunction(
        lambda: ["https://www.googleapis.com/auth/contacts.readonly", "https://www.googleapis.com/auth/userinfo.email"]
    )
    refresh_token = factory.Sequence(lambda n: f"1//refresh-token-{n}")  # encrypted by the model's setter
    connected_at = factory.LazyFunction(lambda: datetime.datetime(2026, 11, 1, 12, 0, tzinfo=datetime.UTC))
