"""The Import resource over JSON:API: shape, create, update, locking, include, fields, limits."""

import json

import pytest
from django.test import override_settings
from django_q.models import OrmQ

from imports.models import Import
from tests.conftest import JSONAPI
from tests.imports.helpers import (
    SEED_ATTRIBUTES,
    create_csv,
    data_uri,
    imports_path,
    update,
    upload,
)

pytestmark = pytest.mark.django_db


def test_get_import_has_every_seed_attribute_with_its_json_type(api, account_list):
    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    response = api.get(imports_path(account_list, f"/{created['id']}"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(JSONAPI)
    data = response.json()["data"]
    assert data["type"] == "imports"
    assert data["id"] == created["id"]
    for name, expected_type in SEED_ATTRIBUTES.items():
        assert name in data["attributes"], name
        assert isinstance(data["attributes"][name], expected_type), (name, data["attributes"][name])
    assert data["attributes"]["account_list_id"] == str(account_list.id)
    assert data["attributes"]["updated_in_db_at"] == data["attributes"]["updated_at"]
    assert set(data["relationships"]) == {"user", "sample_contacts", "account_list"}
    assert data["relationships"]["user"]["data"]["type"] == "users"
    assert data["relationships"]["account_list"]["data"] == {"type": "account_lists", "id": str(account_list.id)}


def test_multipart_create_with_bracket_keys_returns_201_with_location(api, account_list):
    response = api.post_multipart(
        imports_path(account_list),
        {
            "data[type]": "imports",
            "data[attributes][source]": "csv",
            "data[attributes][in_preview]": "TRUE",
            "data[attributes][file]": upload("sample_csv_to_import.csv"),
            "data[attributes][tag_list]": "from-2024-list,newsletter",
            "data[attributes][file_headers_mappings][first_name]": "first_name",
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert response["Location"].endswith(f"/api/v2/account_lists/{account_list.id}/imports/{data['id']}")
    attributes = data["attributes"]
    assert attributes["in_preview"] is True
    assert attributes["tag_list"] == "from-2024-list,newsletter"
    assert attributes["file_headers_mappings"] == {"first_name": "first_name"}
    assert attributes["file_headers"]["first_name"] == "First Name"
    assert attributes["status"] == "preview"


def test_json_create_takes_the_file_as_a_data_uri(api, account_list):
    content = b"First Name,Last Name\nAnn,Lee\n"
    document = {
        "data": {
            "type": "imports",
            "attributes": {"source": "csv", "in_preview": True, "file": data_uri(content)},
        }
    }
    response = api.post_json(imports_path(account_list), document)
    assert response.status_code == 201, response.content
    assert response.json()["data"]["attributes"]["file_headers"] == {
        "first_name": "First Name",
        "last_name": "Last Name",
    }


def test_create_without_source_is_a_400_pointing_at_source(api, account_list):
    response = api.post_multipart(
        imports_path(account_list),
        {"data[type]": "imports", "data[attributes][file]": upload("sample_csv_to_import.csv")},
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["source"]["pointer"] == "/data/attributes/source"
    assert "source is required" in error["detail"]


def test_generic_create_defaults_in_preview_to_false_and_starts_the_import(
    api, account_list, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post_multipart(
            imports_path(account_list),
            {
                "data[type]": "imports",
                "data[attributes][source]": "csv",
                "data[attributes][file]": upload("sample_csv_to_import.csv"),
                "data[attributes][file_headers_mappings][first_name]": "first_name",
                "data[attributes][file_headers_mappings][last_name]": "last_name",
            },
        )
    assert response.status_code == 201, response.content
    import_record = Import.objects.get(pk=response.json()["data"]["id"])
    assert import_record.in_preview is False
    assert import_record.status == Import.Status.COMPLETE
    assert import_record.rows_created == 1


def test_boolean_attributes_refuse_text_that_is_not_true_false_1_or_0(api, account_list):
    response = api.post_multipart(
        imports_path(account_list, "/csv"),
        {"data[attributes][file]": upload("sample_csv_to_import.csv"), "data[attributes][override]": "maybe"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"]["pointer"] == "/data/attributes/override"


def test_groups_accepts_a_comma_separated_string_and_group_tags_json_text(api, account_list):
    created = create_csv(
        api, account_list, "sample_csv_to_import.csv", groups="1, 2", group_tags=json.dumps({"1": "a,b"})
    )
    assert created["attributes"]["groups"] == ["1", "2"]
    assert created["attributes"]["group_tags"] == {"1": "a,b"}


def test_groups_takes_the_json_text_of_a_list_in_a_multipart_body(api, account_list):
    created = create_csv(api, account_list, "sample_csv_to_import.csv", groups=json.dumps(["1", "contactGroups/a,b"]))
    assert created["attributes"]["groups"] == ["1", "contactGroups/a,b"]
    response = api.post_multipart(
        imports_path(account_list, "/csv"),
        {"data[attributes][file]": upload("sample_csv_to_import.csv"), "data[attributes][groups]": '["1", '},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"]["pointer"] == "/data/attributes/groups"


def test_update_without_updated_in_db_at_is_a_400(api, account_list):
    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    document = {"data": {"type": "imports", "id": created["id"], "attributes": {"tag_list": "x"}}}
    response = api.put_json(imports_path(account_list, f"/{created['id']}"), document)
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"]["pointer"] == "/data/attributes/updated_in_db_at"


def test_update_with_a_stale_updated_in_db_at_is_a_409_naming_the_current_value(api, account_list):
    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    assert update(api, account_list, created, {"tag_list": "first"}).status_code == 200
    current = api.get(imports_path(account_list, f"/{created['id']}")).json()["data"]["attributes"]["updated_at"]
    stale = {"updated_in_db_at": created["attributes"]["updated_at"], "tag_list": "second"}
    document = {"data": {"type": "imports", "id": created["id"], "attributes": stale}}
    response = api.put_json(imports_path(account_list, f"/{created['id']}"), document, method="patch")
    assert response.status_code == 409
    [error] = response.json()["errors"]
    assert error["status"] == "409"
    assert current in error["detail"]
    assert error["source"] == {"pointer": "/data/attributes/updated_in_db_at"}
    assert Import.objects.get(pk=created["id"]).tag_list == "first"


def test_overwrite_true_skips_the_optimistic_lock(api, account_list):
    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    document = {"data": {"type": "imports", "id": created["id"], "attributes": {"overwrite": True, "tag_list": "x"}}}
    response = api.put_json(imports_path(account_list, f"/{created['id']}"), document)
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["tag_list"] == "x"


def test_include_and_sparse_fieldsets(api, account_list):
    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    mappings = {"first_name": "first_name", "last_name": "last_name", "spouse_first_name": "spouse_first_name"}
    update(api, account_list, created, {"file_headers_mappings": mappings})
    response = api.get(
        imports_path(account_list, f"/{created['id']}"),
        include="sample_contacts,user",
        **{"fields[imports]": "source,in_preview,sample_contacts,user"},
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body["data"]["attributes"]) == {"source", "in_preview"}
    included_types = sorted(item["type"] for item in body["included"])
    assert included_types == ["sample_contacts", "users"]
    sample = next(item for item in body["included"] if item["type"] == "sample_contacts")
    assert sample["attributes"]["name"] == "Doe, John and Jane"


def test_list_is_paginated_newest_first_and_filters_by_source(api, account_list):
    first = create_csv(api, account_list, "sample_csv_to_import.csv")
    second = create_csv(api, account_list, "sample_csv_with_bom.csv")
    body = api.get(imports_path(account_list), **{"page[size]": 1}).json()
    assert [item["id"] for item in body["data"]] == [second["id"]]
    assert body["meta"]["pagination"]["count"] == 2
    body = api.get(imports_path(account_list), sort="created_at").json()
    assert [item["id"] for item in body["data"]] == [first["id"], second["id"]]
    assert api.get(imports_path(account_list), **{"filter[source]": "tnt"}).json()["data"] == []
    assert len(api.get(imports_path(account_list), **{"filter[source]": "csv"}).json()["data"]) == 2


def test_other_content_types_get_415(api, account_list):
    response = api.client.post(
        imports_path(account_list), "source=csv", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    response = api.client.post(imports_path(account_list), "{}", content_type="application/json")
    assert response.status_code == 415


@override_settings(IMPORT_MAX_FILE_SIZE=1000)
def test_an_upload_over_the_limit_is_413_before_the_body_is_read(api, account_list):
    class Unreadable:
        def read(self, *args):  # the body must not be read at all
            raise AssertionError("the body was read")

        readline = read

    response = api.client.generic(
        "POST",
        imports_path(account_list, "/csv"),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(5 * 1024 * 1024),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert "larger than the limit" in response.json()["errors"][0]["detail"]


@override_settings(IMPORT_MAX_FILE_SIZE=1000)
def test_an_upload_without_content_length_stops_at_the_limit_with_413(api, account_list):
    big = b"First Name\n" + b"Ann\n" * 2000
    response = api.post_multipart(
        imports_path(account_list, "/csv"), {"data[attributes][file]": upload("big.csv", content=big)}
    )
    assert response.status_code == 413


def test_leaving_preview_enqueues_exactly_one_task(api, account_list, settings, django_capture_on_commit_callbacks):
    from django_q.conf import Conf

    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    mappings = {"first_name": "first_name", "last_name": "last_name"}
    Conf.SYNC = False  # let the task wait in the ORM broker so that it can be counted
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert (
                update(api, account_list, created, {"file_headers_mappings": mappings, "in_preview": False}).status_code
                == 200
            )
        with django_capture_on_commit_callbacks(execute=True):
            assert update(api, account_list, created, {"in_preview": False}).status_code == 200
    finally:
        Conf.SYNC = True
    assert OrmQ.objects.count() == 1
    assert Import.objects.get(pk=created["id"]).status == Import.Status.QUEUED


def test_a_resource_object_without_its_type_is_a_400(api, account_list):
    created = create_csv(api, account_list, "sample_csv_to_import.csv")
    document = {"data": {"id": created["id"], "attributes": {"overwrite": True, "tag_list": "x"}}}
    response = api.put_json(imports_path(account_list, f"/{created['id']}"), document, method="patch")
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert "data.type is required" in error["detail"]
    assert error["source"] == {"pointer": "/data"}
    assert Import.objects.get(pk=created["id"]).tag_list == ""


def test_a_resource_object_of_another_type_is_a_409(api, account_list):
    document = {"data": {"type": "contacts", "attributes": {"source": "csv"}}}
    response = api.post_json(imports_path(account_list), document)
    assert response.status_code == 409
    assert not Import.objects.exists()
