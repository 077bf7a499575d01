"""Users, their account lists and API tokens in the admin.

Counts of members, contacts and imports come from subqueries, so a list page
costs the same few queries however many lists and contacts there are. An
account list's imports and contacts are linked, not inlined: a list may hold
a million contacts.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.models import AccountList, AccountListMembership, ApiToken, User
from contacts.models import Contact
from imports.models import Import

RECENT_IMPORTS = 10


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()


class MembershipInline(admin.TabularInline):
    """Memberships on a user's page (their account lists) or on an account list's (its members)."""

    model = AccountListMembership
    extra = 0


class MembershipOfUserInline(MembershipInline):
    fk_name, raw_id_fields = "user", ("account_list",)
    verbose_name, verbose_name_plural = "account list", "account lists"


class ApiTokenInline(admin.TabularInline):
    """Tokens are issued on the token page (the raw value is shown once); here they can be revoked."""

    model = ApiToken
    extra = 0
    fields = ("prefix", "name", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "name", "is_staff", "is_superuser", "is_active", "created_at", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "name")
    readonly_fields = ("created_at", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name", "locale")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("created_at", "last_login")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),)
    inlines = (MembershipOfUserInline, ApiTokenInline)

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []  # first email and password


def _count_of(model, fk: str) -> Coalesce:
    """A correlated COUNT subquery: no join, so several counts do not multiply each other."""
    counts = model.objects.filter(**{fk: OuterRef("pk")}).order_by().values(fk).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


class MembershipOfListInline(MembershipInline):
    fk_name, raw_id_fields = "account_list", ("user",)
    verbose_name, verbose_name_plural = "member", "members"


@admin.register(AccountList)
class AccountListAdmin(admin.ModelAdmin):
    list_display = ("name", "members", "contacts", "imports", "created_at")
    search_fields = ("name", "memberships__user__email")
    ordering = ("name",)
    readonly_fields = ("id", "created_at", "updated_at", "contacts_link", "recent_imports")
    fields = ("id", "name", "default_country", "created_at", "updated_at", "contacts_link", "recent_imports")
    inlines = (MembershipOfListInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_count=_count_of(AccountListMembership, "account_list"),
                contact_count=_count_of(Contact, "account_list"),
                import_count=_count_of(Import, "account_list"),
            )
        )

    @admin.display(description="members", ordering="member_count")
    def members(self, account_list: AccountList) -> int:
        return account_list.member_count

    @admin.display(description="contacts", ordering="contact_count")
    def contacts(self, account_list: AccountList) -> int:
        return account_list.contact_count

    @admin.display(description="imports", ordering="import_count")
    def imports(self, account_list: AccountList) -> int:
        return account_list.import_count

    @admin.display(description="contacts")
    def contacts_link(self, account_list: AccountList) -> str:
        url = reverse("admin:contacts_contact_changelist") + f"?account_list__id__exact={account_list.pk}"
        return format_html('<a href="{}">{} contacts</a>', url, account_list.contact_count)

    @admin.display(description="imports")
    def recent_imports(self, account_list: AccountList) -> str:
        recent = account_list.imports.select_related("user").order_by("-created_at")[:RECENT_IMPORTS]
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({}, {}, {})</li>',
            (
                (
                    reverse("admin:imports_import_change", args=[i.pk]),
                    i,
                    i.get_status_display(),
                    i.user,
                    f"{timezone.localtime(i.created_at):%Y-%m-%d %H:%M}",
                )
                for i in recent
            ),
        )
        url = reverse("admin:imports_import_changelist") + f"?account_list__id__exact={account_list.pk}"
        return format_html('<ul>{}</ul><a href="{}">All {} imports</a>', rows, url, account_list.import_count)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Issuing a token here shows its raw value once, in a message; only its hash is stored."""

    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "expires_at", "revoked_at")
    list_select_related = ("user",)
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("user__email", "name", "prefix")
    raw_id_fields = ("user",)
    readonly_fields = ("prefix", "created_at", "last_used_at")
    actions = ("revoke",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "name", "expires_at")
        return ("user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields + (("user",) if obj is not None else ())

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        issued, raw = ApiToken.issue(user=obj.user, name=obj.name)
        if obj.expires_at:
            ApiToken.objects.filter(pk=issued.pk).update(expires_at=obj.expires_at)
        obj.pk = issued.pk
        obj.refresh_from_db()
        messages.warning(request, f"The new token is {raw} (copy it now: it is not stored and cannot be shown again).")

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        revoked = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        messages.success(request, f"{revoked} token{'s' if revoked != 1 else ''} revoked.")
