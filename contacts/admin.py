"""Contacts in the admin: people, emails, phones, addresses and tags, and which import wrote them.

The tag and import filters take typed text instead of listing every choice:
an account list can hold thousands of tags and imports. The import page
links here with `?import=<id>`.
"""

from __future__ import annotations

import uuid

from django.contrib import admin
from django.utils.html import format_html_join

from accounts.admin_filters import AutocompleteFilter, AutocompleteFilterMedia
from contacts.models import Address, Contact, EmailAddress, Person, PhoneNumber, Tag


class TextInputFilter(admin.SimpleListFilter):
    """A filter with a text box (see templates/admin/text_filter.html) rather than a list of links."""

    template = "admin/text_filter.html"
    placeholder = ""

    def lookups(self, request, model_admin):
        return ()

    def has_output(self) -> bool:
        return True

    def choices(self, changelist):
        """One entry: the current value, the query to clear it, and the other parameters to keep."""
        kept = {key: values for key, values in changelist.filter_params.items() if key != self.parameter_name}
        yield {
            "value": self.value() or "",
            "parameter_name": self.parameter_name,
            "placeholder": self.placeholder,
            "kept": [(key, item) for key, values in kept.items() for item in values],
            "clear_query_string": changelist.get_query_string(remove=[self.parameter_name]),
        }


class TagFilter(TextInputFilter):
    title = "tag"
    parameter_name = "tag"
    placeholder = "tag name"

    def queryset(self, request, queryset):
        tag = (self.value() or "").strip()
        return queryset.filter(tags__name=tag) if tag else queryset


class ImportFilter(TextInputFilter):
    """The records an import brought (`lookup`: the path from the record to the import's id)."""

    title = "import"
    parameter_name = "import"
    placeholder = "import id"
    lookup = "imports__import_record_id"

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            import_id = uuid.UUID(self.value().strip())
        except ValueError:
            return queryset.none()
        return queryset.filter(**{self.lookup: import_id})


class PersonInline(admin.StackedInline):
    model = Person
    extra = 0
    verbose_name_plural = "people"
    fields = (("first_name", "middle_name", "last_name"), ("title", "suffix", "is_spouse"), "emails_and_phones")
    readonly_fields = ("emails_and_phones",)
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("email_addresses", "phone_numbers")

    @admin.display(description="emails and phones")
    def emails_and_phones(self, person: Person) -> str:
        """Edited on the person's own page (Django admin inlines do not nest)."""
        entries = [(email.email, " (primary)" if email.primary else "") for email in person.email_addresses.all()]
        entries += [(phone.number, " (primary)" if phone.primary else "") for phone in person.phone_numbers.all()]
        return format_html_join(", ", "{}{}", entries) or "-"


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0
    fields = (
        "street",
        ("city", "state", "postal_code", "country"),
        ("metro_area", "region", "location", "primary_mailing_address"),
    )


class TagInline(admin.TabularInline):
    model = Tag
    extra = 0


@admin.register(Contact)
class ContactAdmin(AutocompleteFilterMedia, admin.ModelAdmin):
    list_display = ("name", "account_list", "status", "pledge_amount", "pledge_currency", "updated_at")
    list_select_related = ("account_list",)
    list_filter = (
        TagFilter,
        ImportFilter,
        "status",
        "send_newsletter",
        ("account_list", AutocompleteFilter),
    )
    search_fields = ("name", "people__email_addresses__email")
    raw_id_fields = ("account_list", "referred_by")
    readonly_fields = ("id", "tnt_id", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("id", "account_list", "name", "greeting", "envelope_greeting", "status")}),
        (
            "Giving",
            {"fields": (("pledge_amount", "pledge_currency", "pledge_frequency"), "likely_to_give", "no_appeals")},
        ),
        ("More", {"fields": ("send_newsletter", "church_name", "website", "referred_by", "notes", "tnt_id")}),
        ("Dates", {"fields": ("created_at", "updated_at")}),
    )
    inlines = (PersonInline, AddressInline, TagInline)


class EmailAddressInline(admin.TabularInline):
    model = EmailAddress
    extra = 0


class PhoneNumberInline(admin.TabularInline):
    model = PhoneNumber
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("__str__", "contact", "is_spouse", "updated_at")
    list_select_related = ("contact",)
    search_fields = ("first_name", "last_name", "email_addresses__email")
    raw_id_fields = ("contact",)
    inlines = (EmailAddressInline, PhoneNumberInline)
