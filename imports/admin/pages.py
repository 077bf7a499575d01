"""Imports in the admin: what was uploaded, by whom, how it was mapped, what failed and why.

Staff read here and act through `imports.services`, as the API does: start,
cancel and re-import are actions and buttons (see `imports.admin.views`),
and the only fields that can be typed in are the options of an import that
is still in preview, saved with `services.update_import`. Counters, status,
times and the file analysis belong to the job and are read-only.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.admin_filters import AutocompleteFilter, AutocompleteFilterMedia
from imports import services
from imports.admin import display as admin_display
from imports.admin import views as admin_views
from imports.mappings import check_mapping_shapes
from imports.models import WRITABLE_ATTRIBUTES, Import
from imports.undo import progress as undo_progress

# What staff may change while an import is in preview: what a client may set, but leaving preview
# (the start action does that) and the sheet of a workbook (read again from the file, by the API).
EDITABLE_IN_PREVIEW = tuple(name for name in WRITABLE_ATTRIBUTES if name not in ("in_preview", "file_sheet"))

CSV_OPTIONS = ("tag_list", "override")
TNT_OPTIONS = ("tag_list", "override", "import_by_group", "groups", "group_tags")
OPTIONS = {
    Import.Source.CSV: CSV_OPTIONS,
    Import.Source.TNT_DATA_SYNC: CSV_OPTIONS,
}  # TntConnect and Google: TNT_OPTIONS
CSV_MAPPINGS = ("file_headers_mappings", "file_constants_mappings")
LIFECYCLE_FIELDSETS = (
    (None, {"fields": ("account_list", "user", "source", "status", "file_link", "retry_of", "retries_links")}),
    ("Check of the whole file", {"fields": ("check_figures",)}),
    (
        "Progress",
        {
            "fields": (
                ("rows_total", "rows_processed", "rows_failed"),
                ("rows_created", "rows_updated", "possible_duplicates_count"),
                "error",
            )
        },
    ),
    (
        "Times",
        {
            "fields": (
                ("created_at", "queued_at"),
                ("started_at", "completed_at"),
                ("heartbeat_at", "attempts", "cancel_requested"),
            )
        },
    ),
)


class ImportAdminForm(forms.ModelForm):
    """Checks what the API checks on every write; the seven mapping rules are checked at start."""

    class Meta:
        model = Import
        fields = EDITABLE_IN_PREVIEW
        widgets = {
            "tag_list": forms.TextInput(attrs={"size": 80}),
            "file_headers_mappings": forms.Textarea(attrs={"cols": 100, "rows": 8}),
            "file_constants_mappings": forms.Textarea(attrs={"cols": 100, "rows": 8}),
        }

    def clean_file_headers_mappings(self):
        return _or_empty(self.cleaned_data["file_headers_mappings"], {})

    def clean_file_constants_mappings(self):
        return _or_empty(self.cleaned_data["file_constants_mappings"], {})

    def clean_groups(self):
        groups = _or_empty(self.cleaned_data["groups"], [])
        if not _is_list_of_text(groups):
            raise ValidationError("groups must be a list of TntConnect group ids (text).")
        return groups

    def clean_group_tags(self):
        group_tags = _or_empty(self.cleaned_data["group_tags"], {})
        if not (isinstance(group_tags, dict) and _is_list_of_text(list(group_tags.values()))):
            raise ValidationError("group_tags must be an object of group id -> comma-separated tags.")
        return group_tags

    def clean(self):
        cleaned = super().clean()
        if self.fields and self.instance.status != Import.Status.PREVIEW:
            raise ValidationError("The import has left preview; its options can no longer be changed.")
        if "file_headers_mappings" in self.fields:
            try:
                check_mapping_shapes(
                    file_headers_mappings=cleaned.get("file_headers_mappings"),
                    file_constants_mappings=cleaned.get("file_constants_mappings"),
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


def _or_empty(value, empty):
    """A cleared JSON box means "nothing", as the API's empty object or list does."""
    return empty if value is None else value


def short_time(moment) -> str:
    """Minutes are enough in a list, and a narrow column leaves room for the others."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


def _is_list_of_text(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


@admin.register(Import)
class ImportAdmin(AutocompleteFilterMedia, admin.ModelAdmin):
    form = ImportAdminForm
    change_form_template = "admin/imports/import/change_form.html"
    list_display = (
        "file_name",
        "account_list",
        "user",
        "source",
        "status",
        "progress",
        "created",
        "started",
        "completed",
    )
    list_select_related = ("account_list", "user")
    list_filter = (
        "source",
        "status",
        ("created_at", admin.DateFieldListFilter),
        ("account_list", AutocompleteFilter),
    )
    search_fields = ("user__email", "account_list__name", "original_filename")
    search_help_text = "User email, account list name or file name; or paste an import id."
    ordering = ("-created_at",)
    actions = ("check_selected", "start_selected", "cancel_selected")

    # --- list -------------------------------------------------------------------------

    @admin.display(description="file", ordering="original_filename")
    def file_name(self, import_record: Import) -> str:
        return import_record.original_filename or str(import_record.pk)

    @admin.display(description="progress")
    def progress(self, import_record: Import) -> str:
        """Rows processed of rows in the file, and how many failed; from counters, no query."""
        total = "?" if import_record.rows_total is None else f"{import_record.rows_total:,}"
        text = f"{import_record.rows_processed:,} of {total}"
        return f"{text}, {import_record.rows_failed:,} failed" if import_record.rows_failed else text

    @admin.display(description="created", ordering="created_at")
    def created(self, import_record: Import) -> str:
        return short_time(import_record.created_at)

    @admin.display(description="started", ordering="started_at")
    def started(self, import_record: Import) -> str:
        return short_time(import_record.started_at)

    @admin.display(description="completed", ordering="completed_at")
    def completed(self, import_record: Import) -> str:
        return short_time(import_record.completed_at)

    def get_search_results(self, request, queryset, search_term):
        """A pasted import id finds that import (users quote it from their email)."""
        try:
            return queryset.filter(pk=uuid.UUID(search_term.strip())), False
        except ValueError:
            return super().get_search_results(request, queryset, search_term)

    @admin.action(description="Check the whole file of the selected imports (in preview)", permissions=["check"])
    def check_selected(self, request, queryset):
        for import_record in queryset:
            admin_views.check_and_report(self, request, import_record)

    @admin.action(description="Start the selected imports (in preview)", permissions=["start"])
    def start_selected(self, request, queryset):
        for import_record in queryset:
            admin_views.start_and_report(self, request, import_record)

    @admin.action(description="Cancel the selected imports (queued or running)", permissions=["cancel"])
    def cancel_selected(self, request, queryset):
        for import_record in queryset:
            admin_views.cancel_and_report(self, request, import_record)

    # The actions' own permissions (Import.Meta.permissions), granted to the "Import reviewers" group.
    def has_start_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("imports.start_import")

    def has_cancel_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("imports.cancel_import")

    def has_reimport_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("imports.reimport_import")

    def has_undo_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("imports.undo_import")

    def has_check_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("imports.check_import")

    # --- detail -----------------------------------------------------------------------

    def has_add_permission(self, request) -> bool:
        return False  # an import needs a file and its analysis: the API, import_file, or "re-import" here

    def get_fieldsets(self, request, obj=None):
        csv = obj is None or obj.source == Import.Source.CSV
        options = CSV_OPTIONS if obj is None else OPTIONS.get(obj.source, TNT_OPTIONS)
        fieldsets = [*LIFECYCLE_FIELDSETS, ("Options", {"fields": options})]
        if csv:
            in_preview = obj is not None and obj.status == Import.Status.PREVIEW
            classes = () if in_preview else ("collapse",)
            fieldsets.append(("Mappings as JSON", {"classes": classes, "fields": CSV_MAPPINGS}))
        if obj is not None and obj.source == Import.Source.GOOGLE:
            google = ("source_account", "google_groups", "source_cursor")
            fieldsets.append(("Google account", {"fields": google}))
            return fieldsets
        analysis = ("file_format", "file_headers", "file_constants") if csv else ("file_format", "tnt_groups")
        fieldsets.append(("File analysis", {"classes": ("collapse",), "fields": analysis}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        editable = EDITABLE_IN_PREVIEW if obj is not None and obj.status == Import.Status.PREVIEW else ()
        return [name for name in flatten_fieldsets(self.get_fieldsets(request, obj)) if name not in editable]

    @admin.display(description="file")
    def file_link(self, import_record: Import) -> str:
        if not import_record.file:
            return "-"
        url = reverse("admin:imports_import_file", args=[import_record.pk])
        size = filesizeformat(import_record.file_size) if import_record.file_size is not None else "size unknown"
        return format_html('<a href="{}">{}</a> ({})', url, import_record.original_filename or "download", size)

    @admin.display(description="what the import would do")
    def check_figures(self, import_record: Import) -> str:
        """The last check's figures and a link to the rows it found would fail; "-" before any check."""
        check = import_record.check_summary
        if check is None:
            return "-"
        figures = format_html(
            "{}: {} rows read, {} to create, {} to update, {} to fail, {} possible duplicates",
            check["status"],
            f"{check['rows']:,}",
            f"{check['would_create']:,}",
            f"{check['would_update']:,}",
            f"{check['would_fail']:,}",
            f"{check['possible_duplicates']:,}",
        )
        if check["error"]:
            figures = format_html("{} ({})", figures, check["error"])
        if not check["would_fail"]:
            return figures
        url = reverse("admin:imports_import_check_failures", args=[import_record.pk])
        return format_html(
            '{} <a href="{}" id="download-check-failures">Download the rows that would fail</a>', figures, url
        )

    @admin.display(description="re-imported as")
    def retries_links(self, import_record: Import) -> str:
        retries = [(reverse("admin:imports_import_change", args=[r.pk]), str(r)) for r in import_record.retries.all()]
        return format_html_join(", ", '<a href="{}">{}</a>', retries) or "-"

    def save_model(self, request, obj, form, change):
        """Options typed in while in preview are saved by the service, which also rebuilds the samples.

        Only the fields staff changed are sent, so a client's concurrent change to another field stands;
        the client's next update then gets the usual 409 and rereads.
        """
        attributes = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_IN_PREVIEW}
        if attributes:
            services.update_import(import_record=obj, attributes=attributes, updated_in_db_at=None, overwrite=True)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        import_record = self.get_object(request, unquote(object_id))
        extra_context = {**(extra_context or {}), **self._detail_context(request, import_record)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _detail_context(self, request, import_record: Import | None) -> dict:
        if import_record is None:
            return {}
        editable = import_record.status == Import.Status.PREVIEW
        return {
            "show_save": editable,
            "show_save_and_continue": editable,
            "show_save_and_add_another": False,
            "can_start_import": self.has_start_permission(request, import_record),
            "can_cancel_import": self.has_cancel_permission(request, import_record),
            "can_reimport_import": self.has_reimport_permission(request, import_record),
            "can_undo_import": self.has_undo_permission(request, import_record)
            and import_record.status in Import.UNDOABLE_STATUSES,
            "undo": undo_progress.public(import_record.undo),
            "undo_tables": sorted(import_record.undo.get("tables", {}).items()),
            "can_check_import": self.has_check_permission(request, import_record),
            "start_problems": admin_display.start_problems(import_record),
            "header_rows": admin_display.header_rows(import_record),
            "constant_rows": admin_display.constant_rows(import_record),
            "sample_contacts": import_record.sample_contacts.all(),
            "failures": admin_display.failures_page(
                import_record, after=request.GET.get("failures_after"), before=request.GET.get("failures_before")
            ),
            "possible_duplicates": admin_display.possible_duplicate_rows(import_record),
            "contacts_url": reverse("admin:contacts_contact_changelist") + f"?import={import_record.pk}",
        }

    def get_urls(self):
        def wrap(view):
            def as_admin_view(request, object_id):
                return view(self, request, object_id)

            return self.admin_site.admin_view(as_admin_view)

        own = [
            ("file/", admin_views.download_file, "file"),
            ("failures.csv", admin_views.download_failures, "failures"),
            ("check-failures.csv", admin_views.download_check_failures, "check_failures"),
            ("check/", admin_views.check, "check"),
            ("start/", admin_views.start, "start"),
            ("cancel/", admin_views.cancel, "cancel"),
            ("reimport/", admin_views.reimport, "reimport"),
            ("undo/", admin_views.undo, "undo"),
        ]
        urls = [
            path(f"<path:object_id>/{suffix}", wrap(view), name=f"imports_import_{name}") for suffix, view, name in own
        ]
        return urls + super().get_urls()
