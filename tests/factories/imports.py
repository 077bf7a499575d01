"""Import rows, their failures and the contacts they wrote.

`ImportFactory` makes a bare row (no file, no analysis): enough for lists,
filters and counts. An import with a real file, mappings and a job run comes
from `tests.imports.helpers.make_import`.
"""

import json
import uuid

import factory

from accounts.models import AccountListMembership
from imports.models import (
    CheckContact,
    CheckFailure,
    CheckKey,
    Import,
    ImportChange,
    ImportedContact,
    ImportFailure,
    PossibleDuplicate,
    TntReference,
    UndoRecord,
)
from tests.factories.accounts import AccountListFactory, UserFactory
from tests.factories.contacts import ContactFactory


class ImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Import
        skip_postgeneration_save = True  # the hook below writes a membership, not the import

    account_list = factory.SubFactory(AccountListFactory)
    user = factory.SubFactory(UserFactory)
    source = Import.Source.CSV
    original_filename = factory.Sequence(lambda n: f"contacts-{n}.csv")

    @factory.post_generation
    def membership(import_record, create, extracted, **kwargs):
        """The user of an import is a member of its account list, as every import the product makes."""
        if create:
            AccountListMembership.objects.get_or_create(
                user=import_record.user, account_list=import_record.account_list
            )


class ImportFailureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportFailure

    import_record = factory.SubFactory(ImportFactory)
    line_number = factory.Sequence(lambda n: n + 2)
    message = (
        "The row has neither a name nor an email address: fill in a first name, last name, full name or email address."
    )
    fields = factory.LazyFunction(lambda: ["", "", "someone@example.com"])


class ImportedContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportedContact

    import_record = factory.SubFactory(ImportFactory)
    contact = factory.SubFactory(ContactFactory, account_list=factory.SelfAttribute("..import_record.account_list"))
    created = True


class PossibleDuplicateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PossibleDuplicate

    import_record = factory.SubFactory(ImportFactory)
    contact = factory.SubFactory(ContactFactory, account_list=factory.SelfAttribute("..import_record.account_list"))
    other_contact = factory.SubFactory(
        ContactFactory, account_list=factory.SelfAttribute("..import_record.account_list")
    )
    reason = PossibleDuplicate.Reason.SAME_EMAIL
    evidence = factory.LazyFunction(
        lambda: {"email": "office@example.com", "this_row": "Lee, Bo", "existing": "Lee, Ann"}
    )
    line_number = factory.Sequence(lambda n: n + 2)


class ImportChangeFactory(factory.django.DjangoModelFactory):
    """A line of an import's change log: the contacts one statement of a batch created."""

    class Meta:
        model = ImportChange

    import_record = factory.SubFactory(ImportFactory)
    table = "contacts.contact"
    kind = ImportChange.Kind.CREATED
    records = factory.LazyFunction(lambda: [uuid.uuid4().hex])


class UndoRecordFactory(factory.django.DjangoModelFactory):
    """One record of an undo's working set."""

    class Meta:
        model = UndoRecord

    import_record = factory.SubFactory(ImportFactory)
    table = "contacts.contact"
    record_id = factory.LazyFunction(lambda: uuid.uuid4().hex)
    kind = ImportChange.Kind.CREATED


class CheckFailureFactory(ImportFailureFactory):
    """A row a check found the import would fail (of the import's current check)."""

    class Meta:
        model = CheckFailure

    generation = factory.SelfAttribute("import_record.check_generation")


class CheckContactFactory(factory.django.DjangoModelFactory):
    """A contact a running check keeps as the import would have written it (imports.pipeline.check.writer)."""

    class Meta:
        model = CheckContact

    import_record = factory.SubFactory(ImportFactory)
    generation = 1
    contact_id = factory.LazyFunction(uuid.uuid4)
    state = factory.LazyFunction(
        lambda: json.dumps(
            {
                "fields": {"name": "Lee, Ann", "name_key": "lee, ann", "website": ""},
                "people": [],
                "email_keys": [],
                "phone_keys": [],
                "address_keys": [],
                "street_keys": [],
                "tag_keys": [],
                "primary_addresses": 0,
            }
        )
    )


class CheckKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckKey

    import_record = factory.SubFactory(ImportFactory)
    generation = 1
    kind = "name"
    value = factory.Sequence(lambda n: f"lee, ann{n}")
    contact_id = factory.LazyFunction(uuid.uuid4)


class TntReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TntReference

    import_record = factory.SubFactory(ImportFactory, source=Import.Source.TNT)
    table = "GroupContact"
    row_tnt_id = "372261379"
    contact_tnt_id = factory.Sequence(lambda n: str(1620699916 + n))
