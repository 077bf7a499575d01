from accounts.models import AccountList, User
from config.serializers import ModelSerializer


class UserSerializer(ModelSerializer):
    class Meta:
        model = User
        fields = ["email", "name", "locale", "created_at"]
        read_only_fields = fields


class AccountListSerializer(ModelSerializer):
    class Meta:
        model = AccountList
        fields = ["name", "default_country", "created_at", "updated_at"]
        read_only_fields = fields
