"""The Import resource: its JSON:API representation, and the input a client may send."""

from rest_framework import serializers as drf_serializers

from config.relations import RelatedResourceField
from config.serializers import ModelSerializer, UTCDateTimeField
from contacts.models import SampleContact
from imports.api.fields import (
    GroupsField,
    GroupTagsField,
    JSONObjectField,
    StrictBooleanField,
    UploadField,
)
from imports.downloads import failures_url, file_url_for, origin_of
from imports.models import Import, file_sheets_of, file_version_of, header_line_of


class ImportSerializer(ModelSerializer):
    """Every attribute of the seed, always present, plus read-only lifecycle attributes."""

    account_list_id = drf_serializers.CharField(read_only=True)
    file_url = drf_serializers.SerializerMethodField()
    groups = GroupsField(read_only=True)
    updated_in_db_at = UTCDateTimeField(source="updated_at", read_only=True)
    file_version = drf_serializers.SerializerMethodField()
    failures_url = drf_serializers.SerializerMethodField()
    file_sheets = drf_serializers.SerializerMethodField()
    header_line = drf_serializers.SerializerMethodField()
    # In the file's column order, also on PostgreSQL (whose jsonb reorders object keys).
    file_headers = drf_serializers.JSONField(source="ordered_file_headers", read_only=True)

    user = RelatedResourceField(read_only=True)
    account_list = RelatedResourceField(read_only=True)
    sample_contacts = RelatedResourceField(many=True, read_only=True, model=SampleContact)

    included_serializers = {
        "user": "accounts.api.serializers.UserSerializer",
        "account_list": "accounts.api.serializers.AccountListSerializer",
        "sample_contacts": "contacts.api.serializers.SampleContactSerializer",
    }

    class Meta:
        model = Import
        fields = [
            # the seed's attributes
            "account_list_id",
            "source",
            "file_url",
            "file_headers",
            "file_constants",
            "file_headers_mappings",
            "file_constants_mappings",
            # suggested mappings (read-only; applied when leaving preview with none), Excel sheets
            "suggested_file_headers_mappings",
            "suggested_file_constants_mappings",
            "suggested_mappings_origin",
            "file_sheet",
            "file_sheets",
            "header_line",
            "tag_list",
            "groups",
            "group_tags",
            "import_by_group",
            "in_preview",
            "override",
            "created_at",
            "updated_at",
            "updated_in_db_at",
            # lifecycle, read-only
            "status",
            "error",
            "original_filename",
            "file_size",
            "file_version",
            "tnt_groups",
            "rows_total",
            "rows_processed",
            "rows_created",
            "rows_updated",
            "rows_failed",
            "possible_duplicates_count",
            "queued_at",
            "started_at",
            "completed_at",
            "failures_url",
            # relationships
            "user",
            "account_list",
            "sample_contacts",
        ]
        read_only_fields = fields

    def get_file_url(self, import_record) -> str | None:
        request = self.context.get("request")
        if not import_record.file or request is None:
            return None
        return file_url_for(import_record=import_record, user=request.user, request=request)

    def get_file_version(self, import_record) -> str | None:
        return file_version_of(import_record.source, import_record.file_format)

    def get_file_sheets(self, import_record) -> list[str]:
        return file_sheets_of(import_record.source, import_record.file_format)

    def get_header_line(self, import_record) -> int | None:
        return header_line_of(import_record.source, import_record.file_format)

    def get_failures_url(self, import_record) -> str | None:
        request = self.context.get("request")
        if request is None:
            return None
        return failures_url(
            account_list_id=import_record.account_list_id, import_id=import_record.pk, origin=origin_of(request)
        )


class ImportInputSerializer(drf_serializers.Serializer):
    """What a create or update may send. Unknown and read-only attributes are ignored."""

    source = drf_serializers.ChoiceField(choices=Import.Source.values, required=False)
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
