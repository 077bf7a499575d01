"""The published contract: an OpenAPI 3 schema generated from the code, served with a local docs page.

`scripts/check_api_contract` fuzzes the running service against this schema
with schemathesis (in .ci/run); the tests here check the schema itself, that
the docs pages need nothing from a CDN, and that real responses of the main
operations conform to it.
"""

from __future__ import annotations

import json
import re

import pytest
import requests
import schemathesis
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.validation import validate_schema
from schemathesis.core.transport import Response

from imports.models import Import
from tests.conftest import JsonApiClient
from tests.imports.helpers import create_csv, imports_path, make_import, upload

pytestmark = pytest.mark.django_db

JSONAPI = "application/vnd.api+json"


@pytest.fixture
def schema_document(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_is_served_to_anyone_as_valid_openapi_3(client, schema_document):
    assert schema_document["openapi"].startswith("3.")
    assert schema_document["info"]["title"] == "Contact imports API"
    assert schema_document["info"]["version"]
    validate_schema(schema_document)
    yaml = client.get("/api/schema/")
    assert yaml.status_code == 200 and yaml.content.startswith(b"openapi: 3.")


def test_the_schema_generates_without_a_warning(tmp_path):
    """A view the generator cannot understand would publish a vague contract: keep it exact."""
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3.")


def api_routes() -> set[str]:
    """Every URL of /api/v2/ as an OpenAPI path template."""
    routes = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                routes.add("/" + prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns, "")
    api = {route for route in routes if route.startswith("/api/v2/")}
    return {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).replace("{pk}", "{id}") for route in api}


def test_every_endpoint_and_method_is_documented(schema_document):
    assert set(schema_document["paths"]) == api_routes()
    methods = {path: set(item) for path, item in schema_document["paths"].items()}
    assert methods["/api/v2/account_lists/{account_list_pk}/imports/csv/{id}"] == {"get", "put", "patch"}
    assert methods["/api/v2/account_lists/{account_list_pk}/imports"] == {"get", "post"}


def test_every_operation_documents_its_errors_as_json_api_error_documents(schema_document):
    for path, item in schema_document["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert "400" in codes, (method, path)
            if operation.get("security") != [{}]:
                assert "401" in codes, (method, path)
            if method in ("post", "put", "patch"):
                assert {"409", "413", "415"} <= codes, (method, path)
            for code, response in operation["responses"].items():
                if code >= "400":
                    schema = response["content"][JSONAPI]["schema"]
                    assert schema == {"$ref": "#/components/schemas/JsonApiErrors"}
    errors = schema_document["components"]["schemas"]["JsonApiErrors"]
    assert errors["required"] == ["errors"]


def test_resources_are_json_api_resource_objects_with_included(schema_document):
    components = schema_document["components"]["schemas"]
    resource = components["Import"]
    assert set(resource["properties"]) == {"type", "id", "attributes", "relationships"}
    assert set(resource["properties"]["relationships"]["properties"]) == {"user", "account_list", "sample_contacts"}
    assert {"source", "file_url", "file_headers_mappings", "in_preview", "updated_in_db_at"} <= set(
        resource["properties"]["attributes"]["properties"]
    )
    document = components["ImportResponse"]
    assert document["properties"]["data"] == {"$ref": "#/components/schemas/Import"}
    included = {item["$ref"] for item in document["properties"]["included"]["items"]["oneOf"]}
    assert included == {f"#/components/schemas/{name}" for name in ("User", "AccountList", "SampleContact")}
    page = components["PaginatedImportList"]
    assert {"data", "links", "meta", "included"} <= set(page["properties"])


def test_an_upload_is_documented_as_json_api_and_as_multipart_with_bracket_keys(schema_document):
    body = schema_document["paths"]["/api/v2/account_lists/{account_list_pk}/imports/csv"]["post"]["requestBody"]
    assert set(body["content"]) == {JSONAPI, "multipart/form-data"}
    form = body["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["data[attributes][file]"] == {"type": "string", "format": "binary"}
    assert form["properties"]["data[type]"]["enum"] == ["imports"]
    assert form["required"] == ["data[attributes][file]"]
    document = body["content"][JSONAPI]["schema"]["properties"]["data"]
    assert document["properties"]["type"]["enum"] == ["imports"]
    assert document["properties"]["attributes"]["properties"]["in_preview"] == {"type": "boolean"}
    update = schema_document["paths"]["/api/v2/account_lists/{account_list_pk}/imports/csv/{id}"]["put"]
    assert update["requestBody"]["content"][JSONAPI]["schema"]["properties"]["data"]["required"] == ["type", "id"]


def test_the_bearer_token_is_the_documented_security_scheme(schema_document):
    schemes = schema_document["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["type"] == "http" and schemes["bearerAuth"]["scheme"] == "bearer"
    user = schema_document["paths"]["/api/v2/user"]["get"]
    assert {"bearerAuth": []} in user["security"]


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_the_docs_pages_are_served_from_local_static_files_only(page, client):
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "/api/schema/" in html
    external = re.findall(r"""(?:src|href)=["'](https?:)?//""", html)
    assert external == [], "the docs page must not load anything from another host"


# --------------------------------------------------------------------------- #
# Real responses conform to the schema
# --------------------------------------------------------------------------- #


@pytest.fixture
def contract(schema_document):
    return schemathesis.openapi.from_dict(schema_document)


def conforms(contract, path_template: str, method: str, response, url: str) -> None:
    """Validate a Django test response against the operation's documented responses (raises on a mismatch)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    headers = {key: [value] for key, value in response.items()}
    wrapped = Response(
        status_code=response.status_code,
        headers=headers,
        content=content,
        request=requests.Request(method.upper(), "http://testserver" + url).prepare(),
        elapsed=0.0,
        verify=False,
    )
    documented = contract.raw_schema["paths"][path_template][method]["responses"]
    assert str(response.status_code) in documented, (method, path_template, response.status_code)
    contract[path_template][method.upper()].validate_response(wrapped)


BOOK_INCLUDES = {
    "tasks": "contacts,appeal",
    "appeals": "contacts",
    "pledges": "contact,appeal,donation",
    "donations": "donor_account,designation_account,appeal",
    "donor_accounts": "contacts",
    "designation_accounts": "",
}


def test_real_responses_conform_to_the_schema(contract, api, stranger, account_list):
    al = f"/api/v2/account_lists/{account_list.id}"
    prefix = "/api/v2/account_lists/{account_list_pk}"
    created = create_csv(api, account_list, "sample_csv_with_custom_headers.csv")
    detail = f"{al}/imports/{created['id']}"
    checks = [
        ("/api/v2/user", "get", api.client.get("/api/v2/user"), "/api/v2/user"),
        ("/api/v2/constants", "get", api.client.get("/api/v2/constants"), "/api/v2/constants"),
        ("/api/v2/account_lists", "get", api.client.get("/api/v2/account_lists"), "/api/v2/account_lists"),
        (f"{prefix}/imports/{{id}}", "get", api.client.get(detail + "?include=sample_contacts,user"), detail),
        (f"{prefix}/imports", "get", api.client.get(f"{al}/imports?include=user"), f"{al}/imports"),
        (f"{prefix}/imports/{{id}}/failures", "get", api.client.get(detail + "/failures"), detail + "/failures"),
        (f"{prefix}/contacts", "get", api.client.get(f"{al}/contacts"), f"{al}/contacts"),
        (f"{prefix}/imports/{{id}}", "get", stranger.client.get(detail), detail),
        (f"{prefix}/imports", "get", JsonApiClient().client.get(f"{al}/imports"), f"{al}/imports"),
        (f"{prefix}/imports", "get", api.client.get(f"{al}/imports?sort=nonsense"), f"{al}/imports"),
        (f"{prefix}/imports", "get", api.client.get(f"{al}/imports?page[number]=99"), f"{al}/imports"),
    ]
    upload_response = api.post_multipart(
        imports_path(account_list, "/csv"),
        {"data[attributes][file]": upload("contacts.csv", content=b"First Name\nAnn\n")},
    )
    checks.append((f"{prefix}/imports/csv", "post", upload_response, f"{al}/imports/csv"))
    refused = api.post_multipart(
        imports_path(account_list, "/csv"), {"data[attributes][file]": upload("empty.csv", content=b"")}
    )
    checks.append((f"{prefix}/imports/csv", "post", refused, f"{al}/imports/csv"))
    unsupported = api.client.generic("POST", f"{al}/imports/csv", b"x", content_type="text/plain")
    checks.append((f"{prefix}/imports/csv", "post", unsupported, f"{al}/imports/csv"))
    stale = api.put_json(
        f"{al}/imports/csv/{created['id']}",
        {"data": {"type": "imports", "id": created["id"], "attributes": {"updated_in_db_at": "2000-01-01T00:00:00Z"}}},
    )
    checks.append((f"{prefix}/imports/csv/{{id}}", "put", stale, f"{al}/imports/csv/{created['id']}"))
    malformed = api.client.generic(
        "POST", f"{al}/imports", json.dumps({"data": {"type": "imports", "attributes": [1, 2]}}), content_type=JSONAPI
    )
    checks.append((f"{prefix}/imports", "post", malformed, f"{al}/imports"))
    statuses = [response.status_code for _path, _method, response, _url in checks]
    assert statuses == [200, 200, 200, 200, 200, 200, 200, 404, 401, 400, 404, 201, 400, 415, 409, 400]
    # What a TntConnect import brought, read back: lists with their includes, details, and a stranger's 404.
    make_import(account_list=account_list, source=Import.Source.TNT, fixture="tnt_3_0_export_appeals.xml")
    for resource, include in BOOK_INCLUDES.items():
        listed = api.client.get(f"{al}/{resource}?include={include}")
        checks.append((f"{prefix}/{resource}", "get", listed, f"{al}/{resource}"))
        (first, *_) = listed.json()["data"]
        url = f"{al}/{resource}/{first['id']}"
        checks.append((f"{prefix}/{resource}/{{id}}", "get", api.client.get(url), url))
        checks.append((f"{prefix}/{resource}/{{id}}", "get", stranger.client.get(url), url))
    for path_template, method, response, url in checks:
        conforms(contract, path_template, method, response, url)


def test_an_unknown_api_url_is_a_json_api_404_not_an_html_page(api):
    for url in ("/api/v2/nothing-here", "/api/v2/account_lists/not-a-uuid/imports"):
        response = api.client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == JSONAPI
        assert response.json()["errors"][0]["status"] == "404"


def test_conditional_reads_of_imports_are_documented_and_real_answers_conform(contract, api, account_list):
    """ETag / If-None-Match on every import read, Last-Modified / If-Modified-Since on the detail, and the 304."""
    al = f"/api/v2/account_lists/{account_list.id}"
    prefix = "/api/v2/account_lists/{account_list_pk}"
    created = create_csv(api, account_list, "sample_csv_with_custom_headers.csv")
    reads = [
        (f"{prefix}/imports", f"{al}/imports", {"If-None-Match"}, {"ETag", "Cache-Control"}),
        (f"{prefix}/imports/csv", f"{al}/imports/csv", {"If-None-Match"}, {"ETag", "Cache-Control"}),
        (
            f"{prefix}/imports/{{id}}",
            f"{al}/imports/{created['id']}",
            {"If-None-Match", "If-Modified-Since"},
            {"ETag", "Cache-Control", "Last-Modified"},
        ),
    ]
    for template, url, request_headers, response_headers in reads:
        operation = contract.raw_schema["paths"][template]["get"]
        assert request_headers == {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        assert set(operation["responses"]["200"]["headers"]) == response_headers
        assert set(operation["responses"]["304"]["headers"]) == response_headers
        first = api.client.get(url)
        again = api.client.get(url, headers={"If-None-Match": first["ETag"]})
        assert (first.status_code, again.status_code) == (200, 304)
        assert again["ETag"] == first["ETag"] and not again.content
        conforms(contract, template, "get", first, url)
        conforms(contract, template, "get", again, url)


def test_an_empty_to_one_relationship_is_documented_as_null_data(contract, api, account_list):
    """A gift without an appeal renders `"appeal": {"data": null}`, and the schema says it may."""
    appeal = contract.raw_schema["components"]["schemas"]["Donation"]["properties"]["relationships"]["properties"][
        "appeal"
    ]
    assert appeal["properties"]["data"]["nullable"] is True and "nullable" not in appeal
    make_import(account_list=account_list, source=Import.Source.TNT_DATA_SYNC, fixture="tnt_data_sync_file.tntmpd")
    al = f"/api/v2/account_lists/{account_list.id}"
    prefix = "/api/v2/account_lists/{account_list_pk}"
    listed = api.client.get(f"{al}/donations")
    (first, *_) = listed.json()["data"]
    assert first["relationships"]["appeal"] == {"data": None}
    conforms(contract, f"{prefix}/donations", "get", listed, f"{al}/donations")
    url = f"{al}/donations/{first['id']}"
    conforms(contract, f"{prefix}/donations/{{id}}", "get", api.client.get(url), url)
