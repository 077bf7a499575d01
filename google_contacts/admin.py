"""Connected Google accounts in the admin: who connected what, when, and whether it still works; never the token."""

from django.contrib import admin, messages

from google_contacts import services
from google_contacts.models import GoogleAccount


@admin.register(GoogleAccount)
class GoogleAccountAdmin(admin.ModelAdmin):
    list_display = ("email", "user", "connected_at", "last_used_at", "works")
    list_filter = ("connected_at",)
    search_fields = ("email", "user__email")
    list_select_related = ("user",)
    # The encrypted token is not a field of any form or list here.
    fields = ("user", "email", "google_id", "scopes", "connected_at", "last_used_at", "authorization_error")
    readonly_fields = fields
    actions = ["disconnect"]

    @admin.display(boolean=True, description="Authorisation works")
    def works(self, account: GoogleAccount) -> bool:
        return not account.needs_reconnect

    def has_add_permission(self, request) -> bool:
        return False  # an account is connected through Google's consent screen, never typed in

    @admin.action(description="Disconnect (revoke at Google and delete the token)")
    def disconnect(self, request, queryset):
        revoked = sum(services.disconnect_account(account=account) for account in queryset)
        messages.success(request, f"Disconnected; Google confirmed the revocation of {revoked}.")

    def delete_model(self, request, obj) -> None:
        services.disconnect_account(account=obj)

    def delete_queryset(self, request, queryset) -> None:
        for account in queryset:
            services.disconnect_account(account=account)
