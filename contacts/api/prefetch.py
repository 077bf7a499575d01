"""What a page of contacts needs prefetched to be rendered in a fixed number of queries.

`ContactSerializer` renders a contact's people (with emails and phones),
addresses and tags, and its relationships to the records of the book
(tasks, appeals, pledges, donor accounts and their donations). Every view
that renders contacts, as its data or as included resources, takes its
queryset from here, so none of them costs a query per contact.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from contacts.models import Contact, Person
from fundraising.models import Appeal, Donation, DonorAccount, Pledge, Task


def rendered_contacts(queryset: QuerySet | None = None, *, include: Iterable[str] = ()) -> QuerySet:
    """`queryset` (default: every contact) with what ContactSerializer renders; whole records for `include`d ones."""
    queryset = Contact.objects.all() if queryset is None else queryset
    people = Person.objects.prefetch_related("email_addresses", "phone_numbers")
    return queryset.prefetch_related(
        Prefetch("people", queryset=people), "addresses", "tags", *book_prefetches(include=include)
    )


def book_prefetches(*, include: Iterable[str] = ()) -> list[Prefetch]:
    """The contact's book relationships: their ids, or for an included one the records with what they render."""
    included = set(include)
    contacts = Prefetch("contacts", queryset=Contact.objects.only("id"))

    def records(name: str, queryset: QuerySet, *, ids=("id",), related=(), joined=()) -> QuerySet:
        if name in included:
            return queryset.select_related(*joined).prefetch_related(*related)
        return queryset.only(*ids)

    tasks = records("tasks", Task.objects.order_by("-start_at", "id"), related=["comments", contacts])
    appeals = records("appeals", Appeal.objects.order_by("name", "id"), related=[contacts])
    pledges = records("pledges", Pledge.objects.order_by("-expected_date", "id"), ids=("id", "contact_id"))
    donations = records(
        "donations", Donation.objects.order_by("-donation_date", "id"), ids=("id", "donor_account_id", "donation_date")
    )
    accounts = DonorAccount.objects.order_by("account_number", "id")
    donor_accounts = records("donor_accounts", accounts, related=[contacts], joined=["organization"])
    donor_accounts = donor_accounts.prefetch_related(Prefetch("donations", queryset=donations))
    return [
        Prefetch("tasks", queryset=tasks),
        Prefetch("appeals", queryset=appeals),
        Prefetch("pledges", queryset=pledges),
        Prefetch("donor_accounts", queryset=donor_accounts),
    ]
