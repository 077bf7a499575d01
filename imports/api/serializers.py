"""The Import resource: its JSON:API representation, and the input a client may send."""

from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers as drf_serializers

from accounts.models import AccountList, User
from config.serializers import ResourceSerializer, UTCDateTimeField, relationship
from contacts.models import SampleContact
from imports.api.fields import (
    GroupsField,
    GroupTagsField,
    JSONObjectField,
    StrictBooleanField,
    UploadField,
)
from imports.models import ATTRIBUTES, CHECK_STATUSES, WRITABLE_ATTRIBUTES, Import


class ImportCheckSerializer(drf_serializers.Serializer):
    """The `check` attribute: what the import would do, found by reading the whole file (POST .../check)."""

    status = drf_serializers.ChoiceField(choices=CHECK_STATUSES, read_only=True)
    started_at = UTCDateTimeField(read_only=True, allow_null=True)
    completed_at = UTCDateTimeField(read_only=True, allow_null=True)
    rows = drf_serializers.IntegerField(read_only=True, help_text="Rows read")
    would_create = drf_serializers.IntegerField(read_only=True, help_text="Rows that would become new contacts")
    would_update = drf_serializers.IntegerField(read_only=True, help_text="Rows that would update a contact")
    would_fail = drf_serializers.IntegerField(read_only=True, help_text="Rows that would fail (see failures_url)")
    possible_duplicates = drf_serializers.IntegerField(
        read_only=True, help_text="New contacts that would be kept apart from one that looks alike"
    )
    tables = drf_serializers.DictField(
        child=drf_serializers.DictField(child=drf_serializers.IntegerField()),
        read_only=True,
        help_text="TntConnect: per step after the contacts (referrals, appeals, tasks, history, pledges, "
        "donor_accounts, donations, gift_splits), the rows it would read, skip and fail as built; {} otherwise",
    )
    error = drf_serializers.CharField(read_only=True, help_text="Why a failed check failed")
    failures_url = drf_serializers.CharField(
        read_only=True, help_text="The rows that would fail, as the failures CSV (.../check/failures)"
    )


class ImportSerializer(ResourceSerializer):
    """Every attribute of the seed, always present, plus read-only lifecycle attributes."""

    # The resource is rendered by imports.api.documents; this serializer describes it in the OpenAPI schema.
    account_list_id = drf_serializers.CharField(read_only=True)
    source_account_id = drf_serializers.CharField(read_only=True, allow_null=True)
    file_url = drf_serializers.CharField(read_only=True, allow_null=True)
    groups = GroupsField(read_only=True)
    updated_in_db_at = UTCDateTimeField(source="updated_at", read_only=True)
    file_version = drf_serializers.CharField(read_only=True, allow_null=True)
    failures_url = drf_serializers.CharField(read_only=True, allow_null=True)
    file_sheets = drf_serializers.ListField(child=drf_serializers.CharField(), read_only=True)
    file_sheet_read = drf_serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="Excel files: the sheet read, file_sheet or else the first sheet with rows under a header",
    )
    tnt_summary = drf_serializers.DictField(
        child=drf_serializers.DictField(child=drf_serializers.IntegerField()),
        read_only=True,
        help_text="TntConnect imports: per table (contacts, referrals, appeals, tasks, history, pledges, "
        "donor_accounts, donations, gift_splits, settings...), how many rows were created, updated, "
        "skipped and failed; {} for other sources",
    )
    header_line = drf_serializers.IntegerField(read_only=True, allow_null=True)
    undo = drf_serializers.JSONField(
        read_only=True,
        help_text="{} until an undo is asked for (POST .../undo); then status (queued, running, complete, failed), "
        "requested_at, started_at, completed_at, error, the totals removed, restored and kept, the same per table "
        "(tables: contacts, people, email_addresses, ...), kept_records (the first 100 records kept, each with "
        "type, id, name and reason) and kept_records_not_listed (how many more were kept for a reason of their own)",
    )
    check = ImportCheckSerializer(read_only=True, allow_null=True, help_text="null before any check")
    # In the file's column order, also on PostgreSQL (whose jsonb reorders object keys).
    file_headers = drf_serializers.JSONField(read_only=True)

    user = relationship(User)
    account_list = relationship(AccountList)
    sample_contacts = relationship(SampleContact, many=True)

    class Meta:
        model = Import
        fields = [*ATTRIBUTES]


# What a request may send besides the writable attributes: the source and its file or account (on
# create), and the optimistic lock (`updated_in_db_at`, or `overwrite` to skip it).
INPUT_ONLY = ("source", "source_account_id", "file", "updated_in_db_at", "overwrite")


class ImportInputSerializer(drf_serializers.Serializer):
    """What a create or update may send: the attributes `ATTRIBUTES` marks writable, and `INPUT_ONLY`.

    The fields below say how each is read; which of them a client may set is
    `ATTRIBUTES`' to say (a field of an attribute it marks read-only is not
    read). Unknown and read-only attributes are ignored.
    """

    source = drf_serializers.ChoiceField(choices=Import.Source.values, required=False)
    source_account_id = drf_serializers.UUIDField(
        required=False, help_text="google only: the id of one of the user's connected Google accounts"
    )
    file = UploadField(required=False, allow_empty_file=True)
    file_headers_mappings = JSONObjectField(required=False)
    file_constants_mappings = JSONObjectField(required=False)
    tag_list = drf_serializers.CharField(required=False, allow_blank=True, trim_whitespace=True, max_length=10_000)
    file_sheet = drf_serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, max_length=255)
    groups = GroupsField(required=False)
    group_tags = GroupTagsField(required=False)
    import_by_group = StrictBooleanField(required=False)
    in_preview = StrictBooleanField(required=False)
    override = StrictBooleanField(required=False)
    updated_in_db_at = drf_serializers.DateTimeField(required=False, allow_null=True)
    overwrite = StrictBooleanField(required=False)

    def get_fields(self) -> dict:
        return {name: field for name, field in super().get_fields().items() if name in ACCEPTED_INPUT}


ACCEPTED_INPUT = frozenset((*WRITABLE_ATTRIBUTES, *INPUT_ONLY))
if unread := ACCEPTED_INPUT - set(ImportInputSerializer._declared_fields):
    raise ImproperlyConfigured(f"ImportInputSerializer does not say how to read {sorted(unread)}")
