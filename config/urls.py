from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from accounts.api.views import AccountListViewSet, CurrentUserView
from contacts.api.views import ContactViewSet
from fundraising.api.views import VIEWSETS as BOOK_VIEWSETS
from google_contacts import views as google_views
from google_contacts.api.views import ContactGroupsView, GoogleAccountViewSet
from imports.api.constants import ConstantsView
from imports.api.possible_duplicates import PossibleDuplicateViewSet
from imports.api.views import (
    CsvImportViewSet,
    GoogleImportViewSet,
    ImportCheckFailuresView,
    ImportFailuresView,
    ImportFileDownloadView,
    ImportViewSet,
    TntDataSyncImportViewSet,
    TntImportViewSet,
)

LIST = {"get": "list", "post": "create"}
DETAIL = {"get": "retrieve", "put": "update", "patch": "partial_update"}
AL = "account_lists/<uuid:account_list_pk>"


def source_routes(segment: str, viewset) -> list:
    """The list and detail of one source's imports (imports/csv, imports/tnt_data_sync, ...)."""
    name = segment.replace("_", "-")
    return [
        path(f"{AL}/imports/{segment}", viewset.as_view(LIST), name=f"{name}-import-list"),
        path(f"{AL}/imports/{segment}/<uuid:pk>", viewset.as_view(DETAIL), name=f"{name}-import-detail"),
    ]


api_v2 = [
    path("user", CurrentUserView.as_view(), name="user"),
    path("constants", ConstantsView.as_view(), name="constants"),
    path(
        "user/google_accounts",
        GoogleAccountViewSet.as_view({"get": "list", "post": "create"}),
        name="google-account-list",
    ),
    path(
        "user/google_accounts/<uuid:pk>",
        GoogleAccountViewSet.as_view({"get": "retrieve", "delete": "destroy"}),
        name="google-account-detail",
    ),
    path(
        "user/google_accounts/<uuid:pk>/contact_groups",
        ContactGroupsView.as_view(),
        name="google-account-contact-groups",
    ),
    path(
        "account_lists",
        AccountListViewSet.as_view({"get": "list"}),
        name="account-list-list",
    ),
    path(
        "account_lists/<uuid:pk>",
        AccountListViewSet.as_view({"get": "retrieve"}),
        name="account-list-detail",
    ),
    *source_routes("csv", CsvImportViewSet),
    *source_routes("tnt", TntImportViewSet),
    *source_routes("tnt_data_sync", TntDataSyncImportViewSet),
    *source_routes("google", GoogleImportViewSet),
    path(f"{AL}/imports", ImportViewSet.as_view(LIST), name="import-list"),
    path(f"{AL}/imports/<uuid:pk>", ImportViewSet.as_view(DETAIL), name="import-detail"),
    path(f"{AL}/imports/<uuid:pk>/undo", ImportViewSet.as_view({"post": "undo"}), name="import-undo"),
    path(
        f"{AL}/imports/<uuid:pk>/failures",
        ImportFailuresView.as_view(),
        name="import-failures",
    ),
    path(f"{AL}/imports/<uuid:pk>/check", ImportViewSet.as_view({"post": "check"}), name="import-check"),
    path(
        f"{AL}/imports/<uuid:pk>/check/failures",
        ImportCheckFailuresView.as_view(),
        name="import-check-failures",
    ),
    *(
        route
        for name, viewset in BOOK_VIEWSETS.items()
        for route in (
            path(f"{AL}/{name}", viewset.as_view({"get": "list"}), name=f"{name}-list"),
            path(f"{AL}/{name}/<uuid:pk>", viewset.as_view({"get": "retrieve"}), name=f"{name}-detail"),
        )
    ),
    path(
        f"{AL}/imports/<uuid:pk>/possible_duplicates",
        PossibleDuplicateViewSet.as_view({"get": "list"}),
        name="import-possible-duplicates",
    ),
    path(f"{AL}/contacts", ContactViewSet.as_view({"get": "list"}), name="contact-list"),
    path(
        f"{AL}/contacts/<uuid:pk>",
        ContactViewSet.as_view({"get": "retrieve"}),
        name="contact-detail",
    ),
    path(
        "files/imports/<str:token>",
        ImportFileDownloadView.as_view(),
        name="import-file-download",
    ),
]

# Under /api/ an unknown URL or a server error is a JSON:API error document, never an HTML page.
handler400 = "config.api_errors.bad_request"
handler403 = "accounts.admin_access.permission_denied"
handler404 = "config.api_errors.page_not_found"
handler500 = "config.api_errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v2/", include(api_v2)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="schema", template_name="api/redoc.html"),
        name="api-redoc",
    ),
    path("api-auth/", include("rest_framework.urls")),
    # The browser flow of connecting a Google account (a logged-in session; see google_contacts/views.py).
    path("google/connect", google_views.connect, name="google-connect"),
    path("google/callback", google_views.callback, name="google-connect-callback"),
]
