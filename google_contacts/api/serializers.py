"""The google_accounts resource and its contact groups; the refresh token is not a field of either."""

from rest_framework import serializers as drf_serializers
from rest_framework_json_api import serializers

from config.serializers import ResourceSerializer
from google_contacts.models import GoogleAccount


class GoogleAccountSerializer(ResourceSerializer):
    """A connected Google account: its email address, the scopes it granted, when it was connected and used."""

    needs_reconnect = drf_serializers.BooleanField(read_only=True)

    class Meta:
        model = GoogleAccount
        fields = [
            "email",
            "scopes",
            "connected_at",
            "last_used_at",
            "needs_reconnect",
            "authorization_error",
            "created_at",
            "updated_at",
        ]


class ConnectInputSerializer(drf_serializers.Serializer):
    """What a client sends after it ran Google's consent screen itself."""

    authorization_code = drf_serializers.CharField(max_length=2048, trim_whitespace=True)
    redirect_uri = drf_serializers.URLField(max_length=2048, help_text="The redirect_uri the consent screen used.")
    code_verifier = drf_serializers.CharField(
        max_length=128,
        required=False,
        allow_blank=True,
        help_text="PKCE: the verifier whose challenge the consent screen was opened with.",
    )


class ContactGroupSerializer(serializers.Serializer):
    """A contact group of the Google account; its id is Google's resource name (contactGroups/...)."""

    id = drf_serializers.CharField(source="resource_name", read_only=True)
    resource_name = drf_serializers.CharField(read_only=True)
    name = drf_serializers.CharField(read_only=True)
    group_type = drf_serializers.CharField(read_only=True, help_text="USER_CONTACT_GROUP or SYSTEM_CONTACT_GROUP")
    member_count = drf_serializers.IntegerField(read_only=True)

    class Meta:
        resource_name = "google_contact_groups"
