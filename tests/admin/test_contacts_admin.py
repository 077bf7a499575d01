"""Contacts in the admin: filters by tag and by import, and people, emails, phones and addresses inline."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact, Person
from tests.imports.helpers import CUSTOM, INVALID_ROWS, make_import, named_rows

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/contacts/contact/"


def names(response) -> set[str]:
    return {contact.name for contact in response.context["cl"].result_list}


def test_contacts_filter_by_tag(admin_client, member):
    make_import(
        account_list=member.account_list,
        user=member.user,
        content=named_rows(2),
        filename="a.csv",
        mappings=CUSTOM,
        tag_list="first",
    )
    make_import(
        account_list=member.account_list,
        user=member.user,
        content=b"fname,lname\nBo,Ray\n",
        filename="b.csv",
        mappings=CUSTOM,
    )
    assert names(admin_client.get(CHANGELIST + "?tag=first")) == {"Lee, Ann0", "Lee, Ann1"}
    assert names(admin_client.get(CHANGELIST + "?tag=nothing")) == set()
    page = admin_client.get(CHANGELIST + "?tag=first").content.decode()
    assert 'name="tag" value="first"' in page


def test_contacts_filter_by_the_import_that_wrote_them(admin_client, member):
    first = make_import(
        account_list=member.account_list, user=member.user, content=named_rows(2), filename="a.csv", mappings=CUSTOM
    )
    second = make_import(
        account_list=member.account_list,
        user=member.user,
        content=b"fname,lname\nBo,Ray\n",
        filename="b.csv",
        mappings=CUSTOM,
    )
    assert names(admin_client.get(CHANGELIST + f"?import={first.pk}")) == {"Lee, Ann0", "Lee, Ann1"}
    assert names(admin_client.get(CHANGELIST + f"?import={second.pk}")) == {"Ray, Bo"}
    assert names(admin_client.get(CHANGELIST + f"?import={uuid.uuid4()}")) == set()
    assert names(admin_client.get(CHANGELIST + "?import=not-an-id")) == set()
    assert (
        f"?import={first.pk}"
        in admin_client.get(reverse("admin:imports_import_change", args=[first.pk])).content.decode()
    )


def test_the_contact_list_costs_a_fixed_number_of_queries(admin_client, member):
    make_import(
        account_list=member.account_list, user=member.user, content=named_rows(2), filename="a.csv", mappings=CUSTOM
    )
    with CaptureQueriesContext(connection) as few:
        admin_client.get(CHANGELIST)
    make_import(
        account_list=member.account_list, user=member.user, content=named_rows(40), filename="b.csv", mappings=CUSTOM
    )
    with CaptureQueriesContext(connection) as many:
        admin_client.get(CHANGELIST)
    assert len(many) == len(few)


def test_a_contact_page_shows_people_with_emails_and_phones_addresses_and_tags(admin_client, member):
    make_import(account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM)
    contact = Contact.objects.get(name="Doe, John and Jane")
    html = admin_client.get(reverse("admin:contacts_contact_change", args=[contact.pk])).content.decode()
    for text in (
        "john@example.com (primary)",
        "(213) 222-3333",
        "jane@example.com",
        "1 Example Ave, Apt 6",
        "christmas-card",
    ):
        assert text in html, text
    person = Person.objects.get(contact=contact, is_spouse=False)
    person_page = admin_client.get(reverse("admin:contacts_person_change", args=[person.pk])).content.decode()
    assert 'value="john@example.com"' in person_page and 'value="(213) 222-3333"' in person_page
