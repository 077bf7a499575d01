from rest_framework.generics import RetrieveAPIView
from rest_framework_json_api.views import ReadOnlyModelViewSet

from accounts.api.serializers import AccountListSerializer, UserSerializer
from accounts.models import AccountList
from accounts.selectors import account_lists_for


class CurrentUserView(RetrieveAPIView):
    """GET user: who am I."""

    serializer_class = UserSerializer
    resource_name = "users"

    def get_object(self):
        return self.request.user


class AccountListViewSet(ReadOnlyModelViewSet):
    """GET account_lists and account_lists/{id}: the lists the user may use."""

    serializer_class = AccountListSerializer
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return AccountList.objects.none()
        return account_lists_for(user=self.request.user).order_by("name")
