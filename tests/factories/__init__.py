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
from tests.factories.fundraising import (
    AppealContactFactory,
    AppealFactory,
    DesignationAccountFactory,
    DonationFactory,
    DonorAccountContactFactory,
    DonorAccountFactory,
    OrganizationFactory,
    PledgeFactory,
    TaskCommentFactory,
    TaskContactFactory,
    TaskFactory,
)
from tests.factories.google import GoogleAccountFactory
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
    "AppealContactFactory",
    "AppealFactory",
    "CheckContactFactory",
    "CheckFailureFactory",
    "CheckKeyFactory",
    "ContactFactory",
    "DesignationAccountFactory",
    "DonationFactory",
    "DonorAccountContactFactory",
    "DonorAccountFactory",
    "EmailAddressFactory",
    "GoogleAccountFactory",
    "ImportChangeFactory",
    "ImportFactory",
    "ImportFailureFactory",
    "ImportedContactFactory",
    "MembershipFactory",
    "OrganizationFactory",
    "PersonFactory",
    "PhoneNumberFactory",
    "PledgeFactory",
    "PossibleDuplicateFactory",
    "SampleContactFactory",
    "TagFactory",
    "TaskCommentFactory",
    "TaskContactFactory",
    "TaskFactory",
    "TntReferenceFactory",
    "UndoRecordFactory",
    "UserFactory",
    "issue_token",
]
