"""Thin JSON:API views over `imports.services`."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, renderers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_json_api.views import ModelViewSet

from accounts.models import AccountList
from accounts.selectors import account_list_for
from config.conditional import is_not_modified, not_modified, validator_headers
from config.renderers import Document, JSONRenderer
from imports import services
from imports.api.documents import ImportDocuments
from imports.api.serializers import ImportInputSerializer, ImportSerializer
from imports.downloads import DOWNLOAD_TYPES, InvalidDownloadLink, failures_response, file_response
from imports.models import Import
from imports.selectors import FileNotAvailable, import_for, import_for_download
from imports.services import ImportRefused, StaleImport
from imports.undo.services import undo_import


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class ImportViewSet(ModelViewSet):
    """account_lists/{al}/imports: every import of the list, any source."""

    serializer_class = ImportSerializer
    input_serializer_class = ImportInputSerializer  # what create and update read (and the schema documents)
    # Actions that read no attributes: the schema shows no request body, and config.negotiation takes
    # an empty POST to them whatever its Content-Type says.
    bodiless_actions = ("check", "undo")
    resource_name = "imports"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_fields = {"source": ("exact",), "status": ("exact",)}
    ordering_fields = ["created_at", "updated_at", "source", "status", "completed_at"]
    ordering = ["-created_at"]
    source: str | None = None  # set by the source-specific endpoints
    conditional_reads = True  # ETag / If-None-Match and Last-Modified / If-Modified-Since (see _read)
    required_on_create: tuple[str, ...] = ("source",)  # documented in the schema (csv and tnt need a file too)
    in_preview_default = False

    def account_list(self) -> AccountList:
        if not hasattr(self, "_account_list"):
            self._account_list = account_list_for(
                user=self.request.user, account_list_id=self.kwargs["account_list_pk"]
            )
        return self._account_list

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no account list
            return Import.objects.none()
        return self.imports()

    def imports(self):
        """The imports this endpoint shows: the account list's, of its source when it has one."""
        queryset = Import.objects.filter(account_list=self.account_list())
        return queryset.filter(source=self.source) if self.source else queryset

    def list(self, request, *args, **kwargs):
        keys = self.paginate_queryset(self.filter_queryset(self.imports()).values_list("pk", flat=True))
        documents = ImportDocuments(request)
        documents.fetch(keys)
        page = self.get_paginated_response([]).data  # the pagination's links and meta
        return self._read(documents, links=page["links"], meta=page["meta"], many=True)

    def retrieve(self, request, *args, **kwargs):
        found = self.filter_queryset(self.imports()).filter(pk=self.kwargs["pk"]).values_list("pk", "updated_at")
        found = found.first()
        if found is None:
            raise Http404("No Import matches the given query.")  # as get_object() says it
        documents = ImportDocuments(request)
        documents.fetch([found[0]])
        if not documents.found:  # gone since
            raise Http404("No Import matches the given query.")
        # The users and account lists it includes do not move the import's updated_at: only the ETag tells.
        last_modified = None if {"user", "account_list"} & set(documents.included) else found[1]
        return self._read(documents, last_modified=last_modified, many=False)

    def _read(self, documents: ImportDocuments, *, links=None, meta=None, many: bool, last_modified=None):
        """The document, or 304 when the client's copy is still this one (config.conditional): the
        validator is known before anything is rendered."""
        etag = documents.etag(links=links, meta=meta)
        headers = validator_headers(etag=etag, last_modified=last_modified, now=timezone.now())
        if is_not_modified(self.request, headers):
            return not_modified(headers)
        document = documents.document(links=links, meta=meta, many=many)
        documents.sign_file_links()
        return Response(document, headers=headers)

    def _document_of(self, import_record: Import) -> Document:
        documents = ImportDocuments(self.request)
        documents.fetch([import_record.pk])
        document = documents.document(many=False)
        documents.sign_file_links()
        return document

    def _input(self) -> dict:
        serializer = self.input_serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def finalize_response(self, request, response, *args, **kwargs):
        # The upload's temporary file was moved into storage (or refused): close it now, not at garbage collection.
        upload = (
            request.data.get("file")
            if request.method in ("POST", "PUT", "PATCH")
            and hasattr(request, "_full_data")
            and isinstance(request._full_data, dict)
            else None
        )
        if upload is not None and hasattr(upload, "close"):
            upload.close()
        return super().finalize_response(request, response, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        account_list = self.account_list()  # 404 before anything else is judged
        attributes = self._input()
        source = self.source or attributes.get("source")
        if source is None:
            raise exceptions.ValidationError({"source": [f"source is required: one of {Import.Source.values}."]})
        if self.source and attributes.get("source") not in (None, self.source):
            raise exceptions.ValidationError({"source": [f"This endpoint takes {self.source} imports only."]})
        import_record = services.create_import(
            account_list=account_list,
            user=request.user,
            source=source,
            file=attributes.pop("file", None),
            attributes=attributes,
            in_preview_default=self.in_preview_default,
        )
        data = self._document_of(import_record)
        ids = {"account_list_pk": import_record.account_list_id, "pk": import_record.pk}
        location = request.build_absolute_uri(reverse("import-detail", kwargs=ids))
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})

    def update(self, request, *args, **kwargs):
        import_record = self.get_object()
        attributes = self._input()
        try:
            services.update_import(
                import_record=import_record,
                attributes=attributes,
                file=attributes.pop("file", None),
                updated_in_db_at=attributes.pop("updated_in_db_at", None),
                overwrite=attributes.pop("overwrite", False),
            )
        except StaleImport as stale:
            # The attribute at fault is the client's updated_in_db_at: the error points at it.
            raise Conflict({"updated_in_db_at": [str(stale)]}) from None
        return Response(self._document_of(import_record))

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={202: ImportSerializer()},
        description="Read the whole file as the import would, writing nothing, in the background (an empty body, "
        "with or without a Content-Type, or an empty JSON:API document): 202 with the import, whose `check` says "
        "how the check goes and, once complete, what the import would do. 409 unless the import is in preview.",
    )
    def check(self, request, *args, **kwargs):
        import_record = self.get_object()
        self._act(services.check_import, import_record, says="The import cannot be checked")
        return Response(self._document_of(import_record), status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={202: ImportSerializer(), 200: ImportSerializer()},
        description="Undo a complete, failed or cancelled import in the background (an empty body, or an empty "
        "JSON:API document): 202 with the import, now `undoing`; its `undo` attribute tells how it goes. 200 with "
        "the same resource when it is being undone or undone already (nothing changes); 409 for any other status.",
    )
    def undo(self, request, *args, **kwargs):
        import_record = self.get_object()
        # Decided under the service's lock: of two requests at once, only the one that queued the job gets 202.
        queued = self._act(undo_import, import_record, says="This import cannot be undone")
        code = status.HTTP_202_ACCEPTED if queued else status.HTTP_200_OK
        return Response(self._document_of(import_record), status=code)

    def _act(self, service, import_record: Import, *, says: str):
        """Run one of the `bodiless_actions`' services on the import and return what it returns; its refusal
        is a 409 that `says` why.

        The body may be empty or a JSON:API document, whose content is ignored; a malformed one is a 400.
        """
        if self.request.stream is not None:
            self.request.data  # noqa: B018 -- parsing raises ParseError (400) on a malformed body
        try:
            return service(import_record=import_record, user=self.request.user)
        except ImportRefused as refusal:
            raise Conflict(f"{says}: {refusal}.") from None


class FileImportViewSet(ImportViewSet):
    """The imports of one source that reads an uploaded file: the file is required on create."""

    required_on_create = ("file",)


class CsvImportViewSet(FileImportViewSet):
    """account_lists/{al}/imports/csv: the CSV flow; starts in preview."""

    source = Import.Source.CSV
    in_preview_default = True


class TntImportViewSet(FileImportViewSet):
    """account_lists/{al}/imports/tnt: TntConnect XML; starts at once unless in_preview is sent."""

    source = Import.Source.TNT


class TntDataSyncImportViewSet(FileImportViewSet):
    """account_lists/{al}/imports/tnt_data_sync: a TntDataSync donor file; starts at once unless in_preview is sent."""

    source = Import.Source.TNT_DATA_SYNC


class GoogleImportViewSet(ImportViewSet):
    """account_lists/{al}/imports/google: import from a connected Google account; starts at once unless in_preview."""

    source = Import.Source.GOOGLE
    required_on_create = ("source_account_id",)
    schema_error_statuses = ["502", "503"]


class CsvRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, (bytes, str)):
            return data
        # Anything else is an error document: it stays JSON:API whatever the client accepts.
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = JSONRenderer.media_type
        return JSONRenderer().render(data, JSONRenderer.media_type, renderer_context)


class ImportFailuresView(APIView):
    """GET account_lists/{al}/imports/{id}/failures: the failed rows as a CSV to fix and upload again."""

    renderer_classes = [JSONRenderer, CsvRenderer]
    resource_name = "imports"
    of_check = False

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description='"Error Message", then the file\'s own columns; formula-like cells are neutralised.',
            )
        }
    )
    def get(self, request, account_list_pk, pk):
        import_record = import_for(user=request.user, account_list_id=account_list_pk, import_id=pk)
        return failures_response(import_record, of_check=self.of_check)


class ImportCheckFailuresView(ImportFailuresView):
    """GET account_lists/{al}/imports/{id}/check/failures: the rows the check found the import would fail,
    in the failures CSV's format (empty, but for the header row, before any check)."""

    of_check = True


class ImportFileDownloadView(APIView):
    """The target of a signed `file_url` on local storage; the signature is the credential."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    resource_name = "imports"
    schema_error_statuses = ["403"]

    @extend_schema(
        responses={
            (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The uploaded file.")
            for media_type in dict.fromkeys(DOWNLOAD_TYPES.values())
        }
    )
    def get(self, request, token):
        try:
            return file_response(import_for_download(token=token))
        except InvalidDownloadLink as invalid:
            raise exceptions.PermissionDenied(str(invalid)) from None
        except FileNotAvailable as missing:
            raise exceptions.NotFound(str(missing)) from None
