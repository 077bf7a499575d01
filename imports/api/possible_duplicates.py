"""GET account_lists/{al}/imports/{id}/possible_duplicates: what an import kept apart though it looks alike.

Each item is a pair: the contact the import made of a row (`contact`) and
the contact it looks like (`other_contact`), with the reason (the same name,
the same email address) and the evidence that kept them apart. `?include=
contact,other_contact` brings both contacts with their people, emails,
phones and addresses, so a client can show them side by side.
"""

from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import exceptions
from rest_framework import serializers as drf_serializers
from rest_framework_json_api.views import ReadOnlyModelViewSet

from accounts.selectors import account_list_for
from config.serializers import ResourceSerializer, relationship
from contacts.api.prefetch import rendered_contacts
from contacts.models import Contact
from imports.models import Import, PossibleDuplicate


class PossibleDuplicateSerializer(ResourceSerializer):
    contact = relationship(Contact)
    other_contact = relationship(Contact)
    evidence = drf_serializers.JSONField(read_only=True)

    class Meta:
        model = PossibleDuplicate
        fields = ["reason", "evidence", "line_number", "created_at"]


class PossibleDuplicateViewSet(ReadOnlyModelViewSet):
    serializer_class = PossibleDuplicateSerializer
    ordering_fields = ["created_at", "line_number"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no account list
            return PossibleDuplicate.objects.none()
        account_list = account_list_for(user=self.request.user, account_list_id=self.kwargs["account_list_pk"])
        import_record = Import.objects.filter(account_list=account_list, pk=self.kwargs["pk"]).first()
        if import_record is None:
            raise exceptions.NotFound("No such import.")
        contacts = rendered_contacts()
        return (
            PossibleDuplicate.objects.filter(import_record=import_record)
            .prefetch_related(Prefetch("contact", queryset=contacts), Prefetch("other_contact", queryset=contacts))
            .order_by("created_at", "id")
        )
