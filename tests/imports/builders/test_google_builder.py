"""A People API person -> a contact draft: each rule of imports/pipeline/builders/google.py."""

import pytest

from imports.pipeline.builders.drafts import RowError
from imports.pipeline.builders.google import GoogleImportOptions, build_google_contact, groups_of

OPTIONS = GoogleImportOptions(
    group_names={
        "contactGroups/abc": "Bible Study",
        "contactGroups/myContacts": "My Contacts",
        "contactGroups/starred": "Starred",
        "contactGroups/friends": "Friends",
    },
    group_tags={"contactGroups/abc": "tuesday, small-group"},
    tag_list="from-google",
)


def person(**fields) -> dict:
    return {"resourceName": "people/c1", "etag": "e", **fields}


def membership(group_id: str) -> dict:
    return {
        "contactGroupMembership": {"contactGroupId": group_id, "contactGroupResourceName": f"contactGroups/{group_id}"}
    }


def test_structured_names_make_the_contact_name_and_the_person():
    draft = build_google_contact(
        person(names=[{"givenName": "Ann", "familyName": "Lee", "middleName": "Q", "honorificPrefix": "Dr."}]), OPTIONS
    )
    assert (draft.name, draft.greeting, draft.google_resource_name) == ("Lee, Ann", "Ann", "people/c1")
    (someone,) = draft.people
    assert (someone.first_name, someone.middle_name, someone.last_name, someone.title) == ("Ann", "Q", "Lee", "Dr.")


def test_the_primary_name_wins_and_an_unstructured_one_is_parsed():
    names = [
        {"givenName": "Other", "familyName": "Name"},
        {"metadata": {"primary": True}, "givenName": "Bo", "familyName": "Ek"},
    ]
    assert build_google_contact(person(names=names), OPTIONS).name == "Ek, Bo"
    assert build_google_contact(person(names=[{"unstructuredName": "Jane Smith"}]), OPTIONS).name == "Smith, Jane"


def test_without_a_name_the_organisation_then_the_email_names_the_contact():
    organisation = build_google_contact(person(organizations=[{"name": "Acme Corp", "title": "Buyer"}]), OPTIONS)
    assert organisation.name == "Acme Corp"
    assert (organisation.people[0].employer, organisation.people[0].occupation) == ("Acme Corp", "Buyer")
    email_only = build_google_contact(person(emailAddresses=[{"value": "x@example.com"}]), OPTIONS)
    assert email_only.name == "x@example.com"
    assert email_only.people[0].emails[0].email == "x@example.com"


def test_a_person_with_nothing_to_name_it_is_refused():
    with pytest.raises(RowError, match="no name, organisation or email address"):
        build_google_contact(person(phoneNumbers=[{"value": "555-0100"}]), OPTIONS)
    with pytest.raises(RowError, match="no People API resource name"):
        build_google_contact({"names": [{"givenName": "Ann"}]}, OPTIONS)


def test_phones_keep_their_types_and_the_primary_comes_first():
    phones = [
        {"value": "111", "type": "workFax"},
        {"value": "222", "type": "mobile", "metadata": {"primary": True}},
        {"value": "333", "type": "somethingNew"},
    ]
    draft = build_google_contact(person(names=[{"givenName": "A", "familyName": "B"}], phoneNumbers=phones), OPTIONS)
    assert [(p.number, p.location, p.primary) for p in draft.people[0].phones] == [
        ("222", "mobile", True),
        ("111", "fax", False),
        ("333", "other", False),
    ]


def test_addresses_keep_po_box_and_extended_lines_and_free_text():
    addresses = [
        {
            "type": "work",
            "poBox": "PO Box 7",
            "streetAddress": "1 Main St",
            "extendedAddress": "Suite 2",
            "city": "Oslo",
            "countryCode": "NO",
        },
        {"formattedValue": "Somewhere 5, Bergen"},
    ]
    draft = build_google_contact(person(names=[{"givenName": "A", "familyName": "B"}], addresses=addresses), OPTIONS)
    work, free = draft.addresses
    assert (work.street, work.city, work.country, work.location) == (
        "PO Box 7\n1 Main St\nSuite 2",
        "Oslo",
        "NO",
        "business",
    )
    assert work.primary_mailing_address and not free.primary_mailing_address
    assert free.street == "Somewhere 5, Bergen"


def test_birthdays_anniversaries_and_websites_have_fields_of_their_own():
    events = [
        {"type": "other", "date": {"month": 1, "day": 1}},
        {"type": "anniversary", "date": {"year": 2001, "month": 5, "day": 4}},
    ]
    draft = build_google_contact(
        person(
            names=[{"givenName": "A", "familyName": "B"}],
            birthdays=[{"date": {"month": 2, "day": 29}}],
            events=events,
            urls=[{"value": "https://a.example"}, {"value": "https://b.example", "metadata": {"primary": True}}],
        ),
        OPTIONS,
    )
    (someone,) = draft.people
    assert (someone.birthday_year, someone.birthday_month, someone.birthday_day) == (None, 2, 29)
    assert (someone.anniversary_year, someone.anniversary_month, someone.anniversary_day) == (2001, 5, 4)
    assert draft.website == "https://b.example"
    assert someone.websites == "https://b.example\nhttps://a.example"


def test_what_has_no_field_goes_to_the_notes_and_an_invalid_email_is_kept_there():
    draft = build_google_contact(
        person(
            names=[{"givenName": "A", "familyName": "B"}],
            biographies=[{"value": "Likes tea."}],
            nicknames=[{"value": "Al"}],
            birthdays=[{"text": "spring 1970"}],
            emailAddresses=[{"value": "not an email"}, {"value": "a@example.com"}],
        ),
        OPTIONS,
    )
    assert draft.notes.splitlines() == [
        "Likes tea.",
        "Nickname: Al",
        "Birthday: spring 1970",
        "Not valid email addresses: not an email",
    ]
    assert [e.email for e in draft.people[0].emails] == ["a@example.com"]


def test_groups_become_tags_except_the_system_groups_that_say_nothing():
    memberships = [membership(g) for g in ("myContacts", "starred", "abc", "friends")]
    draft = build_google_contact(
        person(names=[{"givenName": "A", "familyName": "B"}], memberships=memberships), OPTIONS
    )
    assert draft.tags == ["Bible Study", "Friends", "tuesday", "small-group", "from-google"]
    assert groups_of(person(memberships=memberships)) == [
        "contactGroups/myContacts",
        "contactGroups/starred",
        "contactGroups/abc",
        "contactGroups/friends",
    ]
