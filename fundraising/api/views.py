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
    """The account list's records of one kind; each resource declares only what differs.

    `contacts`: the path from a record to its contacts (`filter[contact]`);
    `ordering`: the default order; `select_related` / `prefetch_related`: what
    its document and included resources read, so a page costs the same
    number of queries whatever it holds.
    """

    contacts: str
    ordering: str
    select_related: tuple = ()
    prefetch_related: tuple = ()

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls.filterset_class = book_filters(cls.serializer_class.Meta.model, cls.contacts)

    def get_queryset(self) -> QuerySet:
        model = self.serializer_class.Meta.model
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no account list
            return model.objects.none()
        account_list = account_list_for(user=self.request.user, account_list_id=self.kwargs["account_list_pk"])
        records = model.objects.filter(account_list=account_list).order_by(self.ordering, "id")
        return records.select_related(*self.select_related).prefetch_related(*self.prefetch_related)


class TaskViewSet(BookViewSet):
    serializer_class = TaskSerializer
    contacts = "task_contacts__contact"
    ordering = "-start_at"
    ordering_fields = ["start_at", "completed_at", "created_at"]
    select_related = ("appeal",)
    prefetch_related = ("comments", _contacts(), APPEAL_CONTACTS)


class AppealViewSet(BookViewSet):
    serializer_class = AppealSerializer
    contacts = "appeal_contacts__contact"
    ordering = "name"
    ordering_fields = ["name", "created_at"]
    prefetch_related = (_contacts(),)


class PledgeViewSet(BookViewSet):
    serializer_class = PledgeSerializer
    contacts = "contact"
    ordering = "-expected_date"
    ordering_fields = ["expected_date", "amount", "created_at"]
    select_related = ("appeal", "donation")
    prefetch_related = (_contacts("contact"), APPEAL_CONTACTS)


class DonationViewSet(BookViewSet):
    serializer_class = DonationSerializer
    contacts = "donor_account__donor_account_contacts__contact"
    ordering = "-donation_date"
    ordering_fields = ["donation_date", "amount", "created_at"]
    select_related = ("donor_account__organization", "designation_account__organization", "appeal")
    prefetch_related = (Prefetch("donor_account__contacts", queryset=Contact.objects.only("id")), APPEAL_CONTACTS)


class DonorAccountViewSet(BookViewSet):
    serializer_class = DonorAccountSerializer
    contacts = "donor_account_contacts__contact"
    ordering = "account_number"
    ordering_fields = ["account_number", "name", "created_at"]
    select_related = ("organization",)
    prefetch_related = (_contacts(),)


class DesignationAccountViewSet(BookViewSet):
    serializer_class = DesignationAccountSerializer
    contacts = "donations__donor_account__donor_account_contacts__contact"
    ordering = "name"
    ordering_fields = ["name", "created_at"]
    select_related = ("organization",)


VIEWSETS = {
    "tasks": TaskViewSet,
    "appeals": AppealViewSet,
    "pledges": PledgeViewSet,
    "donations": DonationViewSet,
    "donor_accounts": DonorAccountViewSet,
    "designation_accounts": DesignationAccountViewSet,
}
