import django_filters
from django.db.models import Exists, OuterRef
from rest_framework_json_api.views import ReadOnlyModelViewSet

from accounts.selectors import account_list_for
from contacts.api.prefetch import rendered_contacts
from contacts.api.serializers import ContactSerializer
from contacts.models import Contact, Tag
from imports.models import ImportedContact


class ContactFilter(django_filters.FilterSet):
    tags = django_filters.CharFilter(method="filter_tags", help_text="Comma-separated; contacts with any of them")

    class Meta:
        model = Contact
        fields = ["status"]

    def filter_tags(self, queryset, name, value):
        names = [tag.strip() for tag in value.split(",") if tag.strip()]
        return queryset.filter(Exists(Tag.objects.filter(contact=OuterRef("pk"), name__in=names)))

    def filter_import(self, queryset, name, value):
        return queryset.filter(Exists(ImportedContact.objects.filter(contact=OuterRef("pk"), import_record_id=value)))


# `import` is a Python keyword, so this filter cannot be declared as a class attribute.
ContactFilter.base_filters["import"] = django_filters.UUIDFilter(field_name="import", method="filter_import")


class ContactViewSet(ReadOnlyModelViewSet):
    """GET account_lists/{al}/contacts and /contacts/{id}."""

    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    ordering_fields = ["name", "created_at", "updated_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no account list
            return Contact.objects.none()
        account_list = account_list_for(user=self.request.user, account_list_id=self.kwargs["account_list_pk"])
        include = self.request.query_params.get("include", "").split(",")
        return rendered_contacts(Contact.objects.filter(account_list=account_list), include=include).order_by(
            "name", "id"
        )
