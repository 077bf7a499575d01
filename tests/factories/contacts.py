"""Contacts with their people, emails, phones, addresses and tags, and the samples of an import."""

import factory

from contacts.models import Address, Contact, EmailAddress, Person, PhoneNumber, SampleContact, Tag
from tests.factories.accounts import AccountListFactory


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    account_list = factory.SubFactory(AccountListFactory)
    name = factory.Sequence(lambda n: f"Doe{n}, John")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    contact = factory.SubFactory(ContactFactory)
    first_name = "John"
    last_name = factory.Sequence(lambda n: f"Doe{n}")


class EmailAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailAddress

    person = factory.SubFactory(PersonFactory)
    email = factory.Sequence(lambda n: f"person{n}@example.com")


class PhoneNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhoneNumber

    person = factory.SubFactory(PersonFactory)
    number = factory.Sequence(lambda n: f"(213) 555-{n % 10_000:04d}")


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    contact = factory.SubFactory(ContactFactory)
    street = factory.Sequence(lambda n: f"{n + 1} Example Ave")
    city = "Sample City"
    state = "IL"
    postal_code = "60201"
    country = "USA"


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    contact = factory.SubFactory(ContactFactory)
    name = factory.Sequence(lambda n: f"tag-{n}")


class SampleContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SampleContact

    import_record = factory.SubFactory("tests.factories.imports.ImportFactory")
    position = factory.Sequence(lambda n: n)
    line_number = factory.LazyAttribute(lambda sample: sample.position + 2)
    name = factory.Sequence(lambda n: f"Doe{n}, John")
