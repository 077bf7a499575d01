"""Every read endpoint costs a fixed number of queries, whatever the size of what it returns (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import JsonApiClient
from tests.factories import MembershipFactory
from tests.imports.helpers import GENERATED, make_import

pytestmark = pytest.mark.django_db

# What each endpoint costs: the token, its user (each by key, accounts/authentication.py), the account list
# check, then the endpoint's own reads.
# A list page that is not full is the last one and tells the count itself: no COUNT query
# (config/pagination.py); a full page costs one query more.
# The import resource (imports/api/documents.py) finds its keys with the ORM's filters, sorting and
# pagination, then fetches by key, with SQL written once (config/rows.py): the imports' rows, their
# samples (whole when included, else their ids), and the users and account lists they include.
DETAIL_QUERIES = 6  # + the import's key, its row, its samples
LIST_QUERIES = 6  # + the page's keys, their rows, their samples
INCLUDED_USERS = 1  # + the users of the page (one query, however many)
# A contact's book relationships: its tasks, appeals, pledges and donor accounts (and, when it has
# donor accounts, their donations: one query more; tests/fundraising/test_book_api.py covers that).
BOOK_RELATIONSHIPS = 4
CONTACTS_QUERIES = 9 + BOOK_RELATIONSHIPS  # + contacts, people, emails, phones, addresses, tags
CONTACT_QUERIES = 9 + BOOK_RELATIONSHIPS  # + the contact, people, emails, phones, addresses, tags
COUNT_QUERY = 1


def queries_of(api, path, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, **params)
    assert response.status_code == 200, response.content
    return len(queries.captured_queries)


@pytest.fixture
def two_lists(member):
    """Two account lists of the same user: one gets a little data, the other a lot."""
    api = JsonApiClient(member.token)
    api.get("/api/v2/user")  # the token's first use writes last_used_at; later requests do not
    return api, MembershipFactory(user=member.user).account_list, MembershipFactory(user=member.user).account_list


def test_import_detail_with_included_samples_and_user(two_lists, generated_csv):
    api, small, large = two_lists
    few = make_import(account_list=small, content=generated_csv(1), mappings=GENERATED)  # one sample
    many = make_import(account_list=large, content=generated_csv(20), mappings=GENERATED)  # four samples
    assert (few.sample_contacts.count(), many.sample_contacts.count()) == (1, 4)
    for include, expected in [
        ("sample_contacts,user", DETAIL_QUERIES + INCLUDED_USERS),
        ("sample_contacts", DETAIL_QUERIES),
    ]:
        one = queries_of(api, f"/api/v2/account_lists/{small.id}/imports/{few.id}", include=include)
        four = queries_of(api, f"/api/v2/account_lists/{large.id}/imports/{many.id}", include=include)
        assert one == four == expected


def test_an_import_list_costs_the_same_queries_for_one_import_or_six(two_lists, generated_csv):
    api, small, large = two_lists
    make_import(account_list=small, content=generated_csv(5), mappings=GENERATED)
    for seed in range(6):
        make_import(account_list=large, content=generated_csv(5, seed=seed), mappings=GENERATED)
    params = {"include": "sample_contacts", "page[size]": 50}
    one = queries_of(api, f"/api/v2/account_lists/{small.id}/imports", **params)
    six = queries_of(api, f"/api/v2/account_lists/{large.id}/imports", **params)
    assert one == six == LIST_QUERIES
    assert queries_of(api, f"/api/v2/account_lists/{large.id}/imports") == LIST_QUERIES
    params = {"include": "sample_contacts,user", "page[size]": 50}
    one = queries_of(api, f"/api/v2/account_lists/{small.id}/imports", **params)
    six = queries_of(api, f"/api/v2/account_lists/{large.id}/imports", **params)
    assert one == six == LIST_QUERIES + INCLUDED_USERS


def test_a_full_page_of_imports_also_counts_them(two_lists, generated_csv):
    api, _, large = two_lists
    for seed in range(3):
        make_import(account_list=large, content=generated_csv(5, seed=seed), mappings=GENERATED)
    path = f"/api/v2/account_lists/{large.id}/imports"
    assert queries_of(api, path, **{"page[size]": 3}) == LIST_QUERIES + COUNT_QUERY
    assert queries_of(api, path, **{"page[size]": 2}) == LIST_QUERIES + COUNT_QUERY
    assert queries_of(api, path, **{"page[size]": 2, "page[number]": 2}) == LIST_QUERIES


def test_contacts_list_with_people_emails_phones_addresses_and_tags(two_lists, generated_csv):
    api, small, large = two_lists
    make_import(account_list=small, content=generated_csv(2), mappings=GENERATED, tag_list="imported")
    make_import(account_list=large, content=generated_csv(60), mappings=GENERATED, tag_list="imported")
    path = "/api/v2/account_lists/{}/contacts"
    two = queries_of(api, path.format(small.id), **{"page[size]": 100})
    sixty = queries_of(api, path.format(large.id), **{"page[size]": 100})
    assert two == sixty == CONTACTS_QUERIES
    filtered = queries_of(api, path.format(large.id), **{"filter[tags]": "imported", "page[size]": 100})
    assert filtered == sixty


def test_a_contact_costs_a_fixed_number_of_queries(two_lists, generated_csv):
    from contacts.models import Contact

    api, small, _ = two_lists
    make_import(account_list=small, content=generated_csv(3), mappings=GENERATED)
    contact = Contact.objects.filter(account_list=small).first()
    assert queries_of(api, f"/api/v2/account_lists/{small.id}/contacts/{contact.id}") == CONTACT_QUERIES
