"""The book's records in the admin: searchable lists, filters, and read-only pages for what an import wrote.

A record that came from a file (it has a TntConnect id or an import) is shown
read-only: the next import of the same file would find it by that id, and
the import's own pages and undo rely on it being what the file said.
"""

from __future__ import annotations

from django.contrib import admin

from contacts.admin import ImportFilter
from fundraising.models import (
    Appeal,
    AppealContact,
    DesignationAccount,
    Donation,
    DonorAccount,
    DonorAccountContact,
    Organization,
    Pledge,
    Task,
    TaskComment,
    TaskContact,
)


class CreatedByImportFilter(ImportFilter):
    lookup = "import_record_id"


class BookAdmin(admin.ModelAdmin):
    """Shared by every page of the book: imported records are read-only, links by raw id."""

    list_filter: tuple = (CreatedByImportFilter, ("account_list", admin.RelatedOnlyFieldListFilter))
    raw_id_fields: tuple = ("account_list", "import_record")
    always_read_only = ("id", "tnt_id", "import_record", "created_at", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_imported:
            return [field.name for field in self.model._meta.fields]
        return self.always_read_only

    def get_inline_instances(self, request, obj=None):
        instances = super().get_inline_instances(request, obj)
        if obj is not None and obj.is_imported:
            for inline in instances:
                inline.can_delete = False
                inline.max_num = 0
                inline.readonly_fields = [f.name for f in inline.model._meta.fields]
        return instances


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    raw_id_fields = ("contact",)


class TaskContactInline(ReadOnlyInline):
    model = TaskContact


class TaskCommentInline(admin.TabularInline):
    model = TaskComment
    extra = 0
    fields = ("body", "created_at")
    readonly_fields = ("created_at",)


class AppealContactInline(ReadOnlyInline):
    model = AppealContact


class DonorAccountContactInline(ReadOnlyInline):
    model = DonorAccountContact


@admin.register(Task)
class TaskAdmin(BookAdmin):
    list_display = ("subject", "activity_type", "start_at", "completed", "result", "account_list")
    list_select_related = ("account_list",)
    list_filter = ("activity_type", "completed", "result", "tnt_table", *BookAdmin.list_filter)
    search_fields = ("subject", "tnt_id", "comments__body")
    raw_id_fields = (*BookAdmin.raw_id_fields, "appeal")
    date_hierarchy = "start_at"
    inlines = (TaskContactInline, TaskCommentInline)


@admin.register(Appeal)
class AppealAdmin(BookAdmin):
    list_display = ("name", "amount", "monthly_amount", "active", "account_list")
    list_select_related = ("account_list",)
    list_filter = ("active", *BookAdmin.list_filter)
    search_fields = ("name", "tnt_id")
    inlines = (AppealContactInline,)


@admin.register(Pledge)
class PledgeAdmin(BookAdmin):
    list_display = ("contact", "amount", "amount_currency", "expected_date", "appeal")
    list_select_related = ("contact", "appeal")
    list_filter = ("amount_currency", *BookAdmin.list_filter)
    search_fields = ("contact__name", "appeal__name", "tnt_id")
    raw_id_fields = (*BookAdmin.raw_id_fields, "contact", "appeal", "donation")


@admin.register(Organization)
class OrganizationAdmin(BookAdmin):
    list_display = ("name", "code", "default_currency", "account_list")
    list_select_related = ("account_list",)
    search_fields = ("name", "code", "tnt_id")


@admin.register(DonorAccount)
class DonorAccountAdmin(BookAdmin):
    list_display = ("account_number", "name", "organization", "account_list")
    list_select_related = ("organization", "account_list")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter), *BookAdmin.list_filter)
    search_fields = ("account_number", "name", "tnt_id")
    raw_id_fields = (*BookAdmin.raw_id_fields, "organization")
    inlines = (DonorAccountContactInline,)


@admin.register(DesignationAccount)
class DesignationAccountAdmin(BookAdmin):
    list_display = ("name", "designation_number", "organization", "account_list")
    list_select_related = ("organization", "account_list")
    search_fields = ("name", "designation_number", "tnt_id")
    raw_id_fields = (*BookAdmin.raw_id_fields, "organization")


@admin.register(Donation)
class DonationAdmin(BookAdmin):
    list_display = ("donation_date", "amount", "currency", "donor_account", "designation_account", "appeal")
    list_select_related = ("donor_account", "designation_account", "appeal")
    list_filter = ("currency", *BookAdmin.list_filter)
    search_fields = ("donor_account__account_number", "donor_account__name", "memo", "remote_id", "tnt_id")
    raw_id_fields = (*BookAdmin.raw_id_fields, "donor_account", "designation_account", "appeal")
    date_hierarchy = "donation_date"
