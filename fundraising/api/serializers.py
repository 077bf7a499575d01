"""The book's resources: tasks (with comments), appeals, pledges, donations, donor and designation accounts."""

from rest_framework import serializers as drf_serializers

from config.serializers import ResourceSerializer, money, relationship
from contacts.models import Contact
from fundraising.models import Appeal, DesignationAccount, Donation, DonorAccount, Pledge, Task


class TaskSerializer(ResourceSerializer):
    """A to-do or, when completed, a history entry; `comments` in the order they were written."""

    comments = drf_serializers.SerializerMethodField()
    contacts = relationship(Contact, many=True)
    appeal = relationship(Appeal, allow_null=True)

    class Meta:
        model = Task
        fields = [
            "activity_type",
            "subject",
            "start_at",
            "completed",
            "completed_at",
            "result",
            "tags",
            "comments",
            "tnt_id",
            "created_at",
            "updated_at",
        ]

    def get_comments(self, task) -> list[str]:
        return [comment.body for comment in task.comments.all()]


class AppealSerializer(ResourceSerializer):
    """A fundraising campaign: its goals, and the contacts it reached."""

    amount = money(allow_null=True)
    monthly_amount = money(allow_null=True)
    contacts = relationship(Contact, many=True)

    class Meta:
        model = Appeal
        fields = ["name", "amount", "monthly_amount", "active", "tnt_id", "created_at", "updated_at"]


class PledgeSerializer(ResourceSerializer):
    """A promised gift, of a contact, possibly to an appeal (and fulfilled by a donation)."""

    amount = money()
    contact = relationship(Contact)
    appeal = relationship(Appeal, allow_null=True)
    donation = relationship(Donation, allow_null=True)

    class Meta:
        model = Pledge
        fields = [
            "amount",
            "amount_currency",
            "expected_date",
            "tnt_id",
            "created_at",
            "updated_at",
        ]


class DonorAccountSerializer(ResourceSerializer):
    """A donor's account number at a giving organisation, and the contacts who give through it."""

    organization = drf_serializers.CharField(source="organization.name", read_only=True)
    contacts = relationship(Contact, many=True)

    class Meta:
        model = DonorAccount
        fields = ["account_number", "name", "organization", "tnt_id", "created_at", "updated_at"]


class DesignationAccountSerializer(ResourceSerializer):
    """Where gifts go."""

    organization = drf_serializers.CharField(source="organization.name", read_only=True, allow_null=True)

    class Meta:
        model = DesignationAccount
        fields = ["name", "designation_number", "organization", "created_at", "updated_at"]


class DonationSerializer(ResourceSerializer):
    """One gift: amounts in the base and the tendered currency, its date, memo and appeal."""

    amount = money()
    tendered_amount = money(allow_null=True)
    appeal_amount = money(allow_null=True)
    donor_account = relationship(DonorAccount)
    designation_account = relationship(DesignationAccount)
    appeal = relationship(Appeal, allow_null=True)

    class Meta:
        model = Donation
        fields = [
            "amount",
            "currency",
            "tendered_amount",
            "tendered_currency",
            "donation_date",
            "memo",
            "motivation",
            "remote_id",
            "tnt_id",
            "appeal_amount",
            "created_at",
            "updated_at",
        ]
