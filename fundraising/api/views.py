"""GET account_lists/{al}/tasks, appeals, pledges, donations, donor_accounts, designation_accounts (list and detail).

Read-only: these records come from TntConnect and TntDataSync imports. The
same authorisation as contacts: a 404 for an account list the caller is not
a member of. `filter[contact]` and `filter[import]` narrow a list;
relationships are prefetched, so a page costs the same number of queries
whatever it holds.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, QuerySet
from rest_framework_json_api.views import ReadOnlyModelViewSet

from accounts.selectors import account_list_for
from contacts.api.prefetch import rendered_contacts
from contacts.models import Contact
from fundraising.api.serializers import (
    AppealSerializer,
    DesignationAccountSerializer,
    DonationSerializer,
    DonorAccountSerializer,
    PledgeSerializer,
    TaskSerializer,
)
from fundraising.models import Appeal, DesignationAccount, Donation, DonorAccount, Pledge, Task


def book_filters(model, contact_path: str) -> type[django_filters.FilterSet]:
    """A FilterSet with `filter[contact]` (through `contact_path`) and `filter[import]` (the creating import)."""

    def by_contact(queryset, name, value):
        return queryset.filter(**{contact_path: value}).distinct()

    filterset = type(
        f"{model.__name__}Filter",
        (django_filters.FilterSet,),
        {
            "contact": django_filters.UUIDFilter(method=by_contact, help_text="Records of this contact"),
            "Meta": type("Meta", (), {"model": model, "fields": []}),
        },
    )
    # `import` is a Python keyword, so this filter cannot be declared as a class attribute.
    filterset.base_filters["import"] = django_filters.UUIDFilter(
        field_name="import_record_id", help_text="Records this import created"
    )
    return filterset


def _contacts(lookup: str = "contacts") -> Prefetch:
    """A record's contacts, as included resources render them (contacts/api/prefetch.py)."""
    return Prefetch(lookup, queryset=rendered_contacts())


# An included appeal lists its contacts (ids only).
APPEAL_CONTACTS = Prefetch("appeal__contacts", queryset=Contact.objects.only("id"))


class BookViewSet(ReadOnlyModelViewSet):
    model = None
    ordering: tuple[str, ...] = ()

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no account list
            return self.model.objects.none()
        account_list = account_list_for(user=self.request.user, account_list_id=self.kwargs["account_list_pk"])
        return self.related(self.model.objects.filter(account_list=account_list)).order_by(*self.ordering, "id")

    def related(self, queryset: QuerySet) -> QuerySet:
        return queryset


class TaskViewSet(BookViewSet):
    model = Task
    serializer_class = TaskSerializer
    filterset_class = book_filters(Task, "task_contacts__contact")
    ordering_fields = ["start_at", "completed_at", "created_at"]
    ordering = ("-start_at",)

    def related(self, queryset):
        return queryset.select_related("appeal").prefetch_related("comments", _contacts(), APPEAL_CONTACTS)


class AppealViewSet(BookViewSet):
    model = Appeal
    serializer_class = AppealSerializer
    filterset_class = book_filters(Appeal, "appeal_contacts__contact")
    ordering_fields = ["name", "created_at"]
    ordering = ("name",)

    def related(self, queryset):
        return queryset.prefetch_related(_contacts())


class PledgeViewSet(BookViewSet):
    model = Pledge
    serializer_class = PledgeSerializer
    filterset_class = book_filters(Pledge, "contact")
    ordering_fields = ["expected_date", "amount", "created_at"]
    ordering = ("-expected_date",)

    def related(self, queryset):
        return queryset.select_related("appeal", "donation").prefetch_related(_contacts("contact"), APPEAL_CONTACTS)


class DonationViewSet(BookViewSet):
    model = Donation
    serializer_class = DonationSerializer
    filterset_class = book_filters(Donation, "donor_account__donor_account_contacts__contact")
    ordering_fields = ["donation_date", "amount", "created_at"]
    ordering = ("-donation_date",)

    def related(self, queryset):
        return queryset.select_related(
            "donor_account__organization", "designation_account__organization", "appeal"
        ).prefetch_related(Prefetch("donor_account__contacts", queryset=Contact.objects.only("id")), APPEAL_CONTACTS)


class DonorAccountViewSet(BookViewSet):
    model = DonorAccount
    serializer_class = DonorAccountSerializer
    filterset_class = book_filters(DonorAccount, "donor_account_contacts__contact")
    ordering_fields = ["account_number", "name", "created_at"]
    ordering = ("account_number",)

    def related(self, queryset):
        return queryset.select_related("organization").prefetch_related(_contacts())


class DesignationAccountViewSet(BookViewSet):
    model = DesignationAccount
    serializer_class = DesignationAccountSerializer
    filterset_class = book_filters(DesignationAccount, "donations__donor_account__donor_account_contacts__contact")
    ordering_fields = ["name", "created_at"]
    ordering = ("name",)

    def related(self, queryset):
        return queryset.select_related("organization")


VIEWSETS = {
    "tasks": TaskViewSet,
    "appeals": AppealViewSet,
    "pledges": PledgeViewSet,
    "donations": DonationViewSet,
    "donor_accounts": DonorAccountViewSet,
    "designation_accounts": DesignationAccountViewSet,
}
