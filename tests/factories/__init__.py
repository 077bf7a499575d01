"""factory-boy factories, one per model: rows with sensible defaults, for tests that need data to exist.

An import made the way the product makes one (a file analysed, mapped and run
by the real job) comes from `tests.imports.helpers.make_import`, not from a factory.
"""

from tests.factories.accounts import AccountListFactory, ApiTokenFactory, MembershipFactory, UserFactory, issue_token
from tests.factories.contacts import (
    AddressFactory,
    ContactFactory,
    EmailAddressFactory,
    PersonFactory,
    PhoneNumberFactory,
    SampleContactFactory,
    TagFactory,
)
from tests.factories.imports import (
    CheckContactFactory,
    CheckFailureFactory,
    CheckKeyFactory,
    ImportChangeFactory,
    ImportedContactFactory,
    ImportFactory,
    ImportFailureFactory,
    PossibleDuplicateFactory,
    TntReferenceFactory,
    UndoRecordFactory,
)

__all__ = [
    "AccountListFactory",
    "AddressFactory",
    "ApiTokenFactory",
    "CheckContactFactory",
    "CheckFailureFactory",
    "CheckKeyFactory",
    "ContactFactory",
    "EmailAddressFactory",
    "ImportChangeFactory",
    "ImportFactory",
    "ImportFailureFactory",
    "TntReferenceFactory",
    "ImportedContactFactory",
    "MembershipFactory",
    "PersonFactory",
    "PhoneNumberFactory",
    "PossibleDuplicateFactory",
    "SampleContactFactory",
    "TagFactory",
    "UndoRecordFactory",
    "UserFactory",
    "issue_token",
]
