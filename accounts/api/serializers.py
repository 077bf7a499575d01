from rest_framework_json_api import serializers

from accounts.models import AccountList, User


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["email", "name", "locale", "created_at"]
        read_only_fields = fields


class AccountListSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccountList
        fields = ["name", "created_at", "updated_at"]
        read_only_fields = fields
