"""The OpenAPI 3 schema of the API, generated from the code by drf-spectacular.

drf-spectacular-jsonapi turns the JSON:API serializers into resource objects
and documents. This module adds what neither package knows about this service:

- the bearer token security scheme;
- the error document (JSON:API error objects) of every status an operation can
  answer with, so that a client (and schemathesis) can rely on its shape;
- `included` in the documents of resources that can include related ones;
- the conditional reads of a view with `conditional_reads` (config.conditional): the
  `If-None-Match` / `If-Modified-Since` request headers, the `ETag`, `Last-Modified`
  and `Cache-Control` response headers, and the 304 answer;
- the create/update request body of a view that names an
  `input_serializer_class`, in its two forms: a JSON:API document, and
  multipart/form-data with the document flattened into bracket keys.
"""

from __future__ import annotations

import copy

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_bearer_security_scheme_object, force_instance
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular_jsonapi.schemas.openapi import JsonApiAutoSchema

from config.negotiation import is_bodiless_action

JSONAPI = "application/vnd.api+json"
MULTIPART = "multipart/form-data"
API_PREFIX = "/api/v2/"

ERROR_OBJECT = {
    "type": "object",
    "description": "A JSON:API error object (https://jsonapi.org/format/#error-objects).",
    "properties": {
        "status": {"type": "string", "description": "The HTTP status code, as a string.", "example": "400"},
        "code": {"type": "string"},
        "title": {"type": "string"},
        "detail": {
            "type": "string",
            "description": "What went wrong, in a sentence a person can act on.",
        },
        "source": {
            "type": "object",
            "properties": {
                "pointer": {
                    "type": "string",
                    "description": "The attribute at fault, e.g. /data/attributes/file.",
                    "example": "/data/attributes/file",
                },
                "parameter": {"type": "string", "description": "The query parameter at fault."},
            },
        },
        "meta": {"type": "object", "additionalProperties": True},
    },
}
ERRORS_DOCUMENT = {
    "type": "object",
    "required": ["errors"],
    "properties": {"errors": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/JsonApiError"}}},
}
ERROR_DESCRIPTIONS = {
    "400": "Malformed document, invalid attribute, invalid mapping, unreadable or wrong file, bad query parameter.",
    "401": "No token, or a token that is not valid, has expired or was revoked.",
    "403": "The download link is not valid or has expired.",
    "404": "No such record, or one the caller may not see (never 403: existence is not revealed).",
    "409": "Stale updated_in_db_at, or a resource type or id that does not match the endpoint.",
    "413": "The upload is larger than the limit.",
    "415": "A content type other than application/vnd.api+json or multipart/form-data.",
    "502": "Google could not be reached, or kept answering errors; the detail says what happened.",
    "503": "Google Contacts is not configured on this server.",
}
WRITE_METHODS = ("POST", "PUT", "PATCH")

_STRING = {"type": "string"}
VALIDATOR_HEADERS = {
    "ETag": {"description": "A weak validator of the document: send it back in If-None-Match.", "schema": _STRING},
    "Cache-Control": {"description": "private, no-cache: ask again each time, with the validators.", "schema": _STRING},
}
LAST_MODIFIED_HEADER = {
    "Last-Modified": {
        "description": "When the import last changed, once that second is over (absent when the document "
        "includes users or account lists, whose changes it cannot tell).",
        "schema": _STRING,
    }
}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """`Authorization: Bearer <token>`; tokens come from `manage.py create_api_user` or the admin."""

    target_class = "accounts.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")
        scheme["description"] = "An API token: `python manage.py create_api_user EMAIL` prints one."
        return scheme


class JsonApiSchema(JsonApiAutoSchema):
    """drf-spectacular-jsonapi's AutoSchema, with this service's errors, `included` and upload bodies."""

    # --- tags: one per resource type ------------------------------------------------------
    def get_tags(self) -> list[str]:
        path = self.path[len(API_PREFIX) :] if self.path.startswith(API_PREFIX) else self.path.strip("/")
        parts = [part for part in path.split("/") if part and not part.startswith("{")]
        if not parts:
            return ["api"]
        if parts[0] == "account_lists" and len(parts) > 1:
            return [parts[1]]
        return [{"user": "users", "files": "imports"}.get(parts[0], parts[0])]

    # --- fields: what the model allows, even for read-only serializer fields ---------------
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        model_field = _model_field(field)
        if model_field is not None and field.read_only:
            # DRF drops allow_blank from read-only fields, yet a blank stored value is still rendered.
            if "enum" in schema and model_field.blank and "" not in schema["enum"]:
                schema["enum"] = [*schema["enum"], ""]
            if model_field.null:
                schema["nullable"] = True
        return schema

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if schema.get("properties", {}).get("id") == {}:
            schema["properties"]["id"] = {"type": "string", "description": "The resource's id (a UUID)."}
        return schema

    # --- JSON:API query parameters: only views with a serializer have include and fields[] ----
    def get_include_parameter(self):
        return super().get_include_parameter() if hasattr(self.view, "get_serializer") else {}

    def get_sparse_fieldset_parameters(self):
        return super().get_sparse_fieldset_parameters() if hasattr(self.view, "get_serializer") else {}

    # --- conditional reads -------------------------------------------------------------------
    def _is_conditional_read(self) -> bool:
        return self.method == "GET" and getattr(self.view, "conditional_reads", False)

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if not self._is_conditional_read():
            return parameters
        conditional = [
            OpenApiParameter(
                "If-None-Match",
                str,
                OpenApiParameter.HEADER,
                description="The ETag of the copy the client has: 304 when the document is still that one.",
            )
        ]
        if not self._is_list_view():
            conditional.append(
                OpenApiParameter(
                    "If-Modified-Since",
                    str,
                    OpenApiParameter.HEADER,
                    description="An HTTP date: 304 when the import has not changed since (ignored with If-None-Match).",
                )
            )
        return [*parameters, *conditional]

    def _add_validators(self, responses: dict) -> None:
        headers = {**VALIDATOR_HEADERS, **({} if self._is_list_view() else LAST_MODIFIED_HEADER)}
        if "200" in responses:
            responses["200"].setdefault("headers", {}).update(copy.deepcopy(headers))
        responses["304"] = {
            "description": "Not modified: the client's copy (If-None-Match, If-Modified-Since) is current.",
            "headers": copy.deepcopy(headers),
        }

    # --- request bodies -------------------------------------------------------------------
    def _get_request_body(self, direction="request"):
        input_serializer = getattr(self.view, "input_serializer_class", None)
        if input_serializer is None or self.method not in WRITE_METHODS or is_bodiless_action(self.view):
            return super()._get_request_body(direction)
        attributes = {}
        for name, field in force_instance(input_serializer).fields.items():
            if not field.read_only:
                attributes[name] = self._map_serializer_field(field, "request")
        resource_type = self.view.resource_name
        return {
            "required": True,
            "content": {
                JSONAPI: {"schema": self._json_document(resource_type, attributes)},
                MULTIPART: {"schema": self._multipart_form(resource_type, attributes)},
            },
        }

    def _json_document(self, resource_type: str, attributes: dict) -> dict:
        json_attributes = {name: _json_form(schema) for name, schema in attributes.items()}
        required = self._required_attributes()
        resource = {
            "type": "object",
            "required": ["type", "id"] if self.method in ("PUT", "PATCH") else ["type"],
            "properties": {
                "type": {"type": "string", "enum": [resource_type]},
                "id": {"type": "string", "format": "uuid", "description": "On update: the id of the URL."},
                "attributes": {
                    "type": "object",
                    "properties": json_attributes,
                    **({"required": required} if required else {}),
                },
            },
        }
        if required:
            resource["required"].append("attributes")
        return {"type": "object", "required": ["data"], "properties": {"data": resource}}

    def _multipart_form(self, resource_type: str, attributes: dict) -> dict:
        properties = {
            "data[type]": {"type": "string", "enum": [resource_type]},
            "data[id]": {"type": "string", "format": "uuid", "description": "On update: the id of the URL."},
        }
        for name, schema in attributes.items():
            properties[f"data[attributes][{name}]"] = _multipart_form(schema)
        required = [f"data[attributes][{name}]" for name in self._required_attributes()]
        return {
            "type": "object",
            **({"required": required} if required else {}),
            "description": (
                "The JSON:API document flattened into bracket keys. An object attribute may also be sent "
                "key by key, e.g. data[attributes][file_headers_mappings][first_name]=fname, and a list "
                "item by item, e.g. data[attributes][file_constants_mappings][status][0][values][]=Praying."
            ),
            "properties": properties,
        }

    def _required_attributes(self) -> list[str]:
        return list(getattr(self.view, "required_on_create", ())) if self.method == "POST" else []

    # --- responses ------------------------------------------------------------------------
    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        if isinstance(serializer, dict) or (hasattr(serializer, "response") and isinstance(serializer.response, dict)):
            # A raw schema given with @extend_schema: nothing for the JSON:API layer to frame.
            return AutoSchema._get_response_for_code(self, serializer, status_code, media_types, direction)
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        self._add_included(serializer, response)
        return response

    def _add_included(self, serializer, response: dict) -> None:
        serializer = force_instance(serializer)
        serializer = getattr(serializer, "child", serializer)
        included = getattr(type(serializer), "included_serializers", None) or {}
        ref = response.get("content", {}).get(JSONAPI, {}).get("schema", {}).get("$ref")
        if not included or not ref:
            return
        document = self.registry[ResolvedComponent(name=ref.rsplit("/", 1)[-1], type=ResolvedComponent.SCHEMA)]
        resources = []
        for name in included:
            component = self.resolve_serializer(force_instance(included[name]), "response")
            if component:
                resources.append(component.ref)
        document.schema.setdefault("properties", {})["included"] = {
            "type": "array",
            "description": "The related resources asked for with ?include=.",
            "items": {"oneOf": resources},
        }

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        self._register_error_components()
        for code in self._error_statuses():
            responses.setdefault(
                code,
                {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": {JSONAPI: {"schema": {"$ref": "#/components/schemas/JsonApiErrors"}}},
                },
            )
        if self._is_conditional_read():
            self._add_validators(responses)
        if "201" in responses and self.method == "POST":
            responses["201"].setdefault("headers", {})["Location"] = {
                "description": "The URL of the created resource.",
                "schema": {"type": "string", "format": "uri"},
            }
        return responses

    def _error_statuses(self) -> list[str]:
        codes = ["400"]
        if any(self.get_auth()):  # [{}] means "no authentication needed"
            codes.append("401")
        codes += getattr(self.view, "schema_error_statuses", [])
        has_parameters = "{" in self.path
        if has_parameters or self._is_list_view():
            codes.append("404")  # a record one may not see, or a page past the end
        if self.method in WRITE_METHODS:
            codes += ["409", "413", "415"]
        return sorted(set(codes))

    def _register_error_components(self) -> None:
        for name, schema in (("JsonApiError", ERROR_OBJECT), ("JsonApiErrors", ERRORS_DOCUMENT)):
            component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, schema=copy.deepcopy(schema))
            component.object = name
            self.registry.register_on_missing(component)


def _model_field(field):
    """The model field behind a ModelSerializer field, if it maps to exactly one."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source or field.source == "*":
        return None
    try:
        return model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return None


def _json_form(schema: dict) -> dict:
    """In a JSON body a file travels as a base64 data URI."""
    if schema.get("format") == "binary":
        return {
            "type": "string",
            "pattern": "^data:[^,]*;base64,",
            "description": 'The file as a base64 data URI ("data:text/csv;base64,..."); '
            "JSON bodies are capped, so upload large files as multipart/form-data.",
        }
    return schema


def _multipart_form(schema: dict) -> dict:
    """A multipart field is text (or a file): booleans, lists and objects are sent as text."""
    kind = schema.get("type")
    if kind == "boolean":
        return {"type": "string", "enum": ["true", "false", "1", "0"]}
    if kind == "array":
        return {"type": "string", "description": "Comma-separated values."}
    if kind == "object":
        return {"type": "string", "description": "The object as JSON text (or send it with bracket keys)."}
    return schema


def _nullable_relationship_data(result: dict) -> None:
    """A to-one relationship that may be empty is rendered `{"data": null}`: its `data` is what may be null.

    drf-spectacular-jsonapi puts a nullable relation's `nullable` on the relationship object itself,
    which JSON:API never sends as null; move it to the resource identifier inside.
    """
    for component in result.get("components", {}).get("schemas", {}).values():
        relationships = component.get("properties", {}).get("relationships", {}).get("properties", {})
        for relationship in relationships.values():
            if relationship.pop("nullable", False) and "data" in relationship.get("properties", {}):
                relationship["properties"]["data"]["nullable"] = True


def postprocess_jsonapi_schema(result, generator, request, public):
    """Document-level touches: nullable relationship data, and a tag description for each resource type."""
    _nullable_relationship_data(result)
    descriptions = {
        "imports": "Uploaded files and everything about importing them (CSV and TntConnect XML).",
        "contacts": "The contacts of an account list.",
        "account_lists": "The shared books of contacts the caller may use.",
        "users": "Who the caller is.",
        "constants": "What a client needs to build mappings.",
    }
    used = {tag for path in result.get("paths", {}).values() for op in path.values() for tag in op.get("tags", [])}
    result["tags"] = [{"name": tag, "description": descriptions.get(tag, "")} for tag in sorted(used)]
    return result
