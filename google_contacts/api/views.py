"""user/google_accounts: connect (POST with an authorization code), list, read, disconnect, contact groups."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework_json_api.views import ModelViewSet

from google_contacts import services
from google_contacts.api.serializers import ConnectInputSerializer, ContactGroupSerializer, GoogleAccountSerializer
from google_contacts.models import GoogleAccount


class GoogleConfiguredMixin:
    """Every Google endpoint first says so when the server has no OAuth client or no token key."""

    schema_error_statuses = ["502", "503"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        services.require_configured()

    def account(self) -> GoogleAccount:
        try:
            return services.account_of(user=self.request.user, account_id=self.kwargs["pk"])
        except services.GoogleAccountNotFound as missing:
            raise Http404(str(missing)) from None


class GoogleAccountViewSet(GoogleConfiguredMixin, ModelViewSet):
    """The user's connected Google accounts."""

    serializer_class = GoogleAccountSerializer
    input_serializer_class = ConnectInputSerializer
    required_on_create = ("authorization_code", "redirect_uri")
    resource_name = "google_accounts"
    http_method_names = ["get", "post", "delete", "head", "options"]
    ordering = ["email"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GoogleAccount.objects.none()
        return services.accounts_of(user=self.request.user)

    def get_object(self):
        return self.account()

    @extend_schema(responses={201: GoogleAccountSerializer, 200: GoogleAccountSerializer})
    def create(self, request, *args, **kwargs):
        """Connect: exchange the authorization code; 201 for a new account, 200 when it was connected before."""
        given = ConnectInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        account, created = services.connect_account(user=request.user, **given.validated_data)
        data = self.get_serializer(account).data
        if not created:
            return Response(data)
        location = request.build_absolute_uri(f"{request.path.rstrip('/')}/{account.pk}")
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})

    def destroy(self, request, *args, **kwargs):
        """Disconnect: the grant is revoked at Google when it can be, and the stored token deleted."""
        services.disconnect_account(account=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ContactGroupsView(GoogleConfiguredMixin, ListAPIView):
    """GET user/google_accounts/{id}/contact_groups: the account's groups with their member counts, from Google."""

    serializer_class = ContactGroupSerializer
    resource_name = "google_contact_groups"
    queryset = GoogleAccount.objects.none()  # tells the schema generator there is no model to read

    def get_queryset(self):
        return services.contact_groups_of(account=self.account())
