from rest_framework import serializers as drf_serializers

from config.serializers import NestedModelSerializer, ResourceSerializer, money, relationship
from contacts.models import (
    CONTACT_ATTRIBUTES,
    Address,
    Contact,
    EmailAddress,
    Person,
    PhoneNumber,
    SampleContact,
)
from fundraising.models import Appeal, Donation, DonorAccount, Pledge, Task


class EmailAddressSerializer(NestedModelSerializer):
    class Meta:
        model = EmailAddress
        fields = ["id", "email", "primary", "historic"]


class PhoneNumberSerializer(NestedModelSerializer):
    class Meta:
        model = PhoneNumber
        fields = ["id", "number", "location", "primary", "historic"]


class PersonSerializer(NestedModelSerializer):
    email_addresses = EmailAddressSerializer(many=True, read_only=True)
    phone_numbers = PhoneNumberSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "first_name",
            "last_name",
            "middle_name",
            "title",
            "suffix",
            "is_spouse",
            "email_addresses",
            "phone_numbers",
        ]


class AddressSerializer(NestedModelSerializer):
    class Meta:
        model = Address
        fields = [
            "id",
            "street",
            "city",
            "state",
            "postal_code",
            "country",
            "metro_area",
            "region",
            "location",
            "primary_mailing_address",
        ]


# How the attributes a contact and its sample share (CONTACT_ATTRIBUTES) render where their model fields
# would say otherwise: numbers, not strings. (A comment, not a docstring: drf-spectacular would take a
# base's docstring as the description of ContactSerializer, which has none of its own.)
class ContactAttributesSerializer(ResourceSerializer):
    pledge_amount = money(allow_null=True)
    pledge_frequency = drf_serializers.DecimalField(
        max_digits=20, decimal_places=14, coerce_to_string=False, read_only=True, allow_null=True
    )


class ContactSerializer(ContactAttributesSerializer):
    tags = drf_serializers.SerializerMethodField()
    people = PersonSerializer(many=True, read_only=True)
    addresses = AddressSerializer(many=True, read_only=True)
    referred_by_id = drf_serializers.UUIDField(read_only=True, allow_null=True)
    # The contact's records in the book (contacts/api/prefetch.py prefetches them).
    tasks = relationship(Task, many=True)
    appeals = relationship(Appeal, many=True)
    pledges = relationship(Pledge, many=True)
    donor_accounts = relationship(DonorAccount, many=True)
    # Contact.donations is a property (its donor accounts' donations): the key's type is said, not inferred.
    donations = relationship(Donation, many=True, pk_field=drf_serializers.UUIDField())

    class Meta:
        model = Contact
        fields = [
            *CONTACT_ATTRIBUTES,
            "tnt_id",
            "google_resource_name",
            "referred_by_id",
            "tags",
            "people",
            "addresses",
            "created_at",
            "updated_at",
        ]

    def get_tags(self, contact) -> list[str]:
        return [tag.name for tag in contact.tags.all()]


class SampleContactSerializer(ContactAttributesSerializer):
    """A sample has the shape of a contact: its people and addresses are stored as JSON."""

    # A plain string in the published schema, as before the sample shared the contact's choices.
    send_newsletter = drf_serializers.CharField(read_only=True)

    class Meta:
        model = SampleContact
        fields = [
            *CONTACT_ATTRIBUTES,
            "line_number",
            "referred_by",
            "tags",
            "people",
            "addresses",
        ]
