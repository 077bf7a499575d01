"""Every write refuses a Content-Type that is neither JSON:API nor multipart with 415, empty body or not."""

import pytest

from tests.imports.helpers import create_csv, imports_path

pytestmark = pytest.mark.django_db

UNSUPPORTED = ("text/plain", "application/json", "application/x-www-form-urlencoded", "text/csv")


def write_paths(account_list, import_id) -> list[tuple[str, str]]:
    return [
        ("post", imports_path(account_list)),
        ("post", imports_path(account_list, "/csv")),
        ("post", imports_path(account_list, "/tnt")),
        ("put", imports_path(account_list, f"/{import_id}")),
        ("patch", imports_path(account_list, f"/{import_id}")),
        ("put", imports_path(account_list, f"/csv/{import_id}")),
        ("patch", imports_path(account_list, f"/tnt/{import_id}")),
    ]


def send(api, method: str, path: str, body: bytes, content_type: str | None):
    if content_type is None:  # as a server sees a request without the header: an empty CONTENT_TYPE
        return api.client.generic(method.upper(), path, body, content_type=None, CONTENT_TYPE="")
    return api.client.generic(method.upper(), path, body, content_type=content_type)


@pytest.mark.parametrize("content_type", UNSUPPORTED)
def test_an_empty_write_of_another_content_type_is_415_on_every_write_endpoint(api, account_list, content_type):
    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    for method, path in write_paths(account_list, created["id"]):
        response = send(api, method, path, b"", content_type)
        assert response.status_code == 415, (method, path, response.content)
        error = response.json()["errors"][0]
        assert error["status"] == "415"
        assert f'"{content_type}"' in error["detail"] and "application/vnd.api+json" in error["detail"]


def test_a_write_with_a_body_of_another_content_type_is_415(api, account_list):
    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    for method, path in write_paths(account_list, created["id"]):
        response = send(api, method, path, b"source=csv", "text/plain; charset=utf-8")
        assert response.status_code == 415, (method, path, response.content)


def test_a_body_without_a_content_type_is_415(api, account_list):
    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    for method, path in write_paths(account_list, created["id"]):
        response = send(api, method, path, b'{"data": {"type": "imports"}}', None)
        assert response.status_code == 415, (method, path, response.content)
        assert "no Content-Type" in response.json()["errors"][0]["detail"]


def test_an_empty_post_without_a_content_type_reaches_the_view(api, account_list):
    """Actions take an empty POST with no Content-Type at all; here the create answers what is missing."""
    response = send(api, "post", imports_path(account_list), b"", None)
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["source"]["pointer"] == "/data/attributes/source"


def test_a_read_is_not_refused_for_its_content_type(api, account_list):
    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    response = api.client.get(imports_path(account_list, f"/{created['id']}"), CONTENT_TYPE="text/plain")
    assert response.status_code == 200
