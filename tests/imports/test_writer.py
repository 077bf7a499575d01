"""The writer's merge rules, batch by batch against the real database, without a file or a job.

A draft matching no contact creates one; a draft matching a contact fills its
blanks (or, with `override`, replaces its values) and adds the emails,
phones, addresses, people and tags it lacks, never twice.
"""

from decimal import Decimal

import pytest

from contacts.models import Address, Contact, EmailAddress, Person, PhoneNumber, Tag
from imports.models import ImportedContact, PossibleDuplicate
from imports.pipeline.builders.drafts import AddressDraft, ContactDraft, EmailDraft, PersonDraft, PhoneDraft
from imports.pipeline.writer import ContactWriter
from tests.factories import (
    AccountListFactory,
    AddressFactory,
    ContactFactory,
    EmailAddressFactory,
    ImportFactory,
    PersonFactory,
    PhoneNumberFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def account_list():
    return AccountListFactory()


def write(account_list, *drafts: ContactDraft, override: bool = False, line_numbers: list[int] | None = None):
    """One batch of one import into the account list."""
    import_record = ImportFactory(account_list=account_list, override=override)
    return ContactWriter(import_record=import_record).write(list(drafts), line_numbers), import_record


def john(**attributes) -> ContactDraft:
    """John Doe as a row of a file writes him; `attributes` replace the draft's own."""
    person = PersonDraft(
        first_name="John",
        last_name="Doe",
        emails=attributes.pop("emails", [EmailDraft("john@example.com", primary=True)]),
        phones=attributes.pop("phones", [PhoneDraft("(213) 222-3333", primary=True)]),
    )
    attributes.setdefault("name", "Doe, John")
    return ContactDraft(people=attributes.pop("people", [person]), **attributes)


def stored_john(account_list, **attributes) -> Contact:
    """The John Doe already in the account list: one person, email, phone, mailing address and tag."""
    contact = ContactFactory(account_list=account_list, name="Doe, John", **attributes)
    person = PersonFactory(contact=contact, first_name="John", last_name="Doe")
    EmailAddressFactory(person=person, email="john@example.com", primary=True)
    PhoneNumberFactory(person=person, number="(213) 222-3333", primary=True)
    AddressFactory(
        contact=contact, street="1 Old Road", city="Springfield", postal_code="62701", primary_mailing_address=True
    )
    TagFactory(contact=contact, name="family")
    return contact


# --- creating --------------------------------------------------------------------------


def test_a_draft_that_matches_nothing_creates_the_contact_with_everything_it_holds(account_list):
    draft = john(
        status="Partner - Pray",
        pledge_amount=Decimal("50.00"),
        tags=["family"],
        addresses=[AddressDraft(street="1 Main St", city="Springfield", primary_mailing_address=True)],
    )
    result, import_record = write(account_list, draft)
    assert (result.created, result.updated) == (1, 0)
    contact = Contact.objects.get(account_list=account_list)
    assert (contact.name, contact.status, contact.pledge_amount) == ("Doe, John", "Partner - Pray", Decimal("50.00"))
    person = contact.people.get()
    assert [(e.email, e.primary) for e in person.email_addresses.all()] == [("john@example.com", True)]
    assert [(p.number, p.primary) for p in person.phone_numbers.all()] == [("(213) 222-3333", True)]
    assert [(a.street, a.primary_mailing_address) for a in contact.addresses.all()] == [("1 Main St", True)]
    assert list(contact.tags.values_list("name", flat=True)) == ["family"]
    assert list(ImportedContact.objects.filter(import_record=import_record).values_list("created", flat=True)) == [True]


def test_two_drafts_of_one_batch_with_the_same_name_make_one_contact(account_list):
    # The second shares John's phone, written another way: nothing says they are two people.
    second = john(emails=[EmailDraft("jd@work.example.com", primary=True)], phones=[PhoneDraft("+1 213 222 3333")])
    result, _ = write(account_list, john(), second)
    assert (result.created, result.updated) == (1, 1)
    contact = Contact.objects.get(account_list=account_list)
    assert sorted(EmailAddress.objects.filter(person__contact=contact).values_list("email", flat=True)) == [
        "jd@work.example.com",
        "john@example.com",
    ]


def test_two_drafts_of_one_name_with_nothing_in_common_stay_two_and_are_recorded(account_list):
    second = john(emails=[EmailDraft("jd@work.example.com", primary=True)], phones=[])
    result, import_record = write(account_list, john(), second, line_numbers=[2, 3])
    assert (result.created, result.updated, result.possible_duplicates) == (2, 0, 1)
    (pair,) = PossibleDuplicate.objects.filter(import_record=import_record)
    assert (pair.reason, pair.line_number) == ("same_name", 3)
    assert pair.evidence["existing"] == {"emails": ["john@example.com"], "phones": ["12132223333"]}


# --- matching --------------------------------------------------------------------------


def test_a_draft_matches_a_contact_by_name_ignoring_case_and_spacing(account_list):
    stored = stored_john(account_list)
    result, import_record = write(account_list, john(name="doe,   JOHN"))
    assert (result.created, result.updated) == (0, 1)
    assert list(Contact.objects.filter(account_list=account_list)) == [stored]
    assert ImportedContact.objects.get(import_record=import_record).created is False


def test_a_draft_matches_a_contact_by_its_primary_email_when_the_name_differs(account_list):
    stored = stored_john(account_list)
    renamed = john(name="Doe, Johnny", emails=[EmailDraft(" JOHN@example.com", primary=True)])
    result, _ = write(account_list, renamed)
    assert result.updated == 1
    assert list(Contact.objects.filter(account_list=account_list)) == [stored]


def test_a_draft_matches_a_contact_by_its_tntconnect_id_before_its_name(account_list):
    by_id = ContactFactory(account_list=account_list, name="Smith, Ann", tnt_id="42")
    ContactFactory(account_list=account_list, name="Doe, John")
    write(account_list, john(tnt_id="42", church_name="Westside"))
    by_id.refresh_from_db()
    assert by_id.church_name == "Westside"
    assert Contact.objects.filter(account_list=account_list).count() == 2


def test_a_contact_of_another_account_list_is_never_matched(account_list):
    stored_john(AccountListFactory())
    result, _ = write(account_list, john())
    assert result.created == 1
    assert Contact.objects.filter(account_list=account_list).count() == 1


# --- contact attributes: fill or replace -------------------------------------------------


@pytest.mark.parametrize("override", [False, True])
def test_a_blank_attribute_of_the_contact_is_filled_either_way(account_list, override):
    stored = stored_john(account_list, church_name="")
    write(account_list, john(church_name="Westside"), override=override)
    stored.refresh_from_db()
    assert stored.church_name == "Westside"


@pytest.mark.parametrize(("override", "kept"), [(False, "Partner - Pray"), (True, "Partner - Financial")])
def test_a_filled_attribute_is_kept_unless_override_replaces_it(account_list, override, kept):
    stored = stored_john(account_list, status="Partner - Pray", pledge_amount=Decimal("50"))
    write(account_list, john(status="Partner - Financial", pledge_amount=Decimal("75")), override=override)
    stored.refresh_from_db()
    assert stored.status == kept
    assert stored.pledge_amount == (Decimal("75") if override else Decimal("50"))


def test_a_blank_in_the_file_never_erases_a_value_even_with_override(account_list):
    stored = stored_john(account_list, status="Partner - Pray", greeting="Dear John", no_appeals=True)
    write(account_list, john(status="", greeting="", no_appeals=None), override=True)
    stored.refresh_from_db()
    assert (stored.status, stored.greeting, stored.no_appeals) == ("Partner - Pray", "Dear John", True)


@pytest.mark.parametrize(("override", "title"), [(False, "Dr."), (True, "Rev.")])
def test_a_persons_middle_name_title_and_suffix_are_filled_or_with_override_replaced(account_list, override, title):
    stored = stored_john(account_list)
    Person.objects.filter(contact=stored).update(title="Dr.")
    person = PersonDraft(first_name="John", last_name="Doe", middle_name="Q", title="Rev.")
    write(account_list, john(people=[person]), override=override)
    john_person = Person.objects.get(contact=stored)
    assert (john_person.middle_name, john_person.title) == ("Q", title)


# --- people, emails, phones, addresses, tags: added, never twice ------------------------


def test_a_person_with_a_new_name_is_added_to_the_matched_contact(account_list):
    stored = stored_john(account_list)
    jane = PersonDraft(first_name="Jane", last_name="Doe", is_spouse=True)
    write(account_list, john(people=[PersonDraft(first_name="John", last_name="Doe"), jane]))
    assert list(stored.people.values_list("first_name", "is_spouse")) == [("John", False), ("Jane", True)]


def test_an_email_already_on_the_contact_is_not_added_again_whatever_its_case(account_list):
    stored = stored_john(account_list)
    write(account_list, john(emails=[EmailDraft("John@Example.COM", primary=True)]))
    assert EmailAddress.objects.filter(person__contact=stored).count() == 1


def test_a_new_email_is_added_without_taking_the_primary_from_the_stored_one(account_list):
    stored = stored_john(account_list)
    write(account_list, john(emails=[EmailDraft("jd@work.example.com", primary=True)]), override=True)
    emails = EmailAddress.objects.filter(person__contact=stored)
    assert sorted(emails.values_list("email", "primary")) == [
        ("jd@work.example.com", False),
        ("john@example.com", True),
    ]


def test_a_phone_already_on_the_contact_written_another_way_is_not_added_again(account_list):
    stored = stored_john(account_list)
    write(account_list, john(phones=[PhoneDraft("213.222.3333", primary=True), PhoneDraft("(407) 555-6666")]))
    numbers = PhoneNumber.objects.filter(person__contact=stored)
    assert sorted(numbers.values_list("number", "primary")) == [("(213) 222-3333", True), ("(407) 555-6666", False)]


def test_an_address_already_on_the_contact_is_not_added_again_whatever_its_spacing_and_case(account_list):
    stored = stored_john(account_list)
    same = AddressDraft(street="1  old road", city="SPRINGFIELD ", postal_code="627 01", primary_mailing_address=True)
    write(account_list, john(addresses=[same]), override=True)
    assert [(a.street, a.primary_mailing_address) for a in Address.objects.filter(contact=stored)] == [
        ("1 Old Road", True)
    ]


@pytest.mark.parametrize("override", [False, True])
def test_a_new_mailing_address_is_added_and_becomes_the_primary_only_with_override(account_list, override):
    stored = stored_john(account_list)
    new = AddressDraft(street="2 New Street", city="Springfield", primary_mailing_address=True)
    write(account_list, john(addresses=[new]), override=override)
    primaries = dict(Address.objects.filter(contact=stored).values_list("street", "primary_mailing_address"))
    assert primaries == {"1 Old Road": not override, "2 New Street": override}


def test_a_tag_already_on_the_contact_is_not_added_again_whatever_its_case(account_list):
    stored = stored_john(account_list)
    write(account_list, john(tags=["Family", "board"]))
    assert sorted(Tag.objects.filter(contact=stored).values_list("name", flat=True)) == ["board", "family"]


# --- a second import --------------------------------------------------------------------


@pytest.mark.parametrize("override", [False, True])
def test_writing_the_same_drafts_again_creates_nothing_new(account_list, override):
    def drafts() -> list[ContactDraft]:
        spouse = PersonDraft(
            first_name="Jane", last_name="Doe", is_spouse=True, emails=[EmailDraft("jane@example.com", primary=True)]
        )
        household = john(
            name="Doe, John and Jane",
            tags=["family", "christmas-card"],
            addresses=[AddressDraft(street="1 Main St", city="Springfield", primary_mailing_address=True)],
        )
        household.people.append(spouse)
        return [household, ContactDraft(name="Kim, Mary", people=[PersonDraft(first_name="Mary", last_name="Kim")])]

    def counts() -> tuple[int, ...]:
        return tuple(model.objects.count() for model in (Contact, Person, EmailAddress, PhoneNumber, Address, Tag))

    first, _ = write(account_list, *drafts())
    before = counts()
    again, second_import = write(account_list, *drafts(), override=override)
    assert (first.created, again.created, again.updated) == (2, 0, 2)
    assert counts() == before == (2, 3, 2, 1, 1, 2)
    assert not ImportedContact.objects.filter(import_record=second_import, created=True).exists()


# --- referrals --------------------------------------------------------------------------


def test_a_referrer_who_is_a_contact_is_linked(account_list):
    referrer = ContactFactory(account_list=account_list, name="Kim, Mary")
    write(account_list, john(referred_by="Mary Kim"))
    assert Contact.objects.get(name="Doe, John").referred_by == referrer


def test_a_referrer_who_is_not_a_contact_is_kept_as_a_tag_and_a_note(account_list):
    write(account_list, john(referred_by="Nobody Known", notes="Met at church"))
    contact = Contact.objects.get(name="Doe, John")
    assert contact.referred_by is None
    assert contact.notes == "Met at church\nReferred by: Nobody Known"
    assert list(contact.tags.values_list("name", flat=True)) == ["missing-csv-referred-by"]
