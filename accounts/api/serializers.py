from accounts.models import AccountList, User
from config.serializers import ResourceSerializer


class UserSerializer(ResourceSerializer):
    class Meta:
        model = User
        fields = ["email", "name", "locale", "created_at"]


class AccountListSerializer(ResourceSerializer):
    class Meta:
        model = AccountList
        fields = ["name", "default_country", "created_at", "updated_at"]
