"""Uploads on S3: an S3-compatible server on loopback (moto in server mode) behind the real storage settings.

Upload through the API, download through the presigned `file_url`, the job
reading the file from the bucket, the failures download, a replaced file
(the old object deleted), and no temporary file left behind.
"""

import csv
import io
import uuid

import pytest
import requests
from django.test import override_settings

from config.settings import s3_storage
from imports.models import Import
from tests.conftest import fixture_path
from tests.imports.helpers import (
    CUSTOM_CONSTANTS_MAPPINGS,
    CUSTOM_HEADERS_MAPPINGS,
    create_csv,
    imports_path,
    update,
    upload,
)

pytestmark = pytest.mark.django_db

INVALID_ROWS = "sample_csv_with_some_invalid_rows.csv"


@pytest.fixture
def s3_server(monkeypatch):
    """moto's S3 on 127.0.0.1 (a free port), with a bucket of the test's own; stopped and emptied after."""
    server_module = pytest.importorskip("moto.server", reason="moto is not installed")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    try:
        server.start()
    except OSError as error:
        pytest.skip(f"the S3 server could not start on loopback: {error}")
    host, port = server.get_host_and_port()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    import boto3

    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    bucket = f"imports-test-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    try:
        yield {"client": client, "bucket": bucket, "endpoint": endpoint}
    finally:
        for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
        client.delete_bucket(Bucket=bucket)
        server.stop()


@pytest.fixture
def on_s3(s3_server, tmp_path):
    """The service's storage settings built from AWS_STORAGE_BUCKET_NAME and AWS_S3_ENDPOINT_URL, as in production."""
    environ = {"AWS_STORAGE_BUCKET_NAME": s3_server["bucket"], "AWS_S3_ENDPOINT_URL": s3_server["endpoint"]}
    spool = tmp_path / "uploads"
    spool.mkdir()
    storages = {
        "default": s3_storage(environ),
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, FILE_UPLOAD_TEMP_DIR=str(spool), FILE_UPLOAD_MAX_MEMORY_SIZE=0):
        yield {**s3_server, "spool": spool}


def keys(s3) -> list[str]:
    return sorted(item["Key"] for item in s3["client"].list_objects_v2(Bucket=s3["bucket"]).get("Contents", []))


def test_an_import_on_s3_uploads_downloads_runs_and_replaces_its_file(
    api, account_list, on_s3, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = create_csv(api, account_list, INVALID_ROWS)
    import_record = Import.objects.get(pk=created["id"])
    assert keys(on_s3) == [import_record.file.name]
    original = fixture_path("csv", INVALID_ROWS).read_bytes()
    assert on_s3["client"].get_object(Bucket=on_s3["bucket"], Key=import_record.file.name)["Body"].read() == original

    # The presigned file_url downloads the file from the bucket, and only with its signature.
    file_url = created["attributes"]["file_url"]
    assert file_url.startswith(f"{on_s3['endpoint']}/{on_s3['bucket']}/") and "Signature=" in file_url
    assert requests.get(file_url, timeout=10).content == original
    assert requests.get(file_url.split("?")[0], timeout=10).status_code == 403

    # The job reads the file from the bucket (nothing of it is on local disk).
    headers = {k: v for k, v in CUSTOM_HEADERS_MAPPINGS.items() if v in created["attributes"]["file_headers"]}
    mappings = {"file_headers_mappings": headers, "file_constants_mappings": CUSTOM_CONSTANTS_MAPPINGS}
    with django_capture_on_commit_callbacks(execute=True):
        assert update(api, account_list, created, {**mappings, "in_preview": False}).status_code == 200
    attributes = api.get(imports_path(account_list, f"/{created['id']}")).json()["data"]["attributes"]
    assert attributes["status"] == "complete", attributes["error"]
    # The row with only an email address imports, named after it; the invalid email fails.
    assert (attributes["rows_processed"], attributes["rows_created"], attributes["rows_failed"]) == (3, 2, 1)

    response = api.client.get(imports_path(account_list, f"/{created['id']}/failures"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Error Message" and [row[0].split(":")[0] for row in rows[1:]] == ["Line 3"]

    # A file replaced in preview: the new object is stored, the old one deleted once the change commits.
    with django_capture_on_commit_callbacks(execute=True):
        second = create_csv(api, account_list, INVALID_ROWS)
    old_name = Import.objects.get(pk=second["id"]).file.name
    current = api.get(imports_path(account_list, f"/{second['id']}")).json()["data"]["attributes"]["updated_at"]
    replacement = b"First Name,Last Name\nAnn,Lee\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.put_multipart(
            imports_path(account_list, f"/csv/{second['id']}"),
            {
                "data[type]": "imports",
                "data[id]": second["id"],
                "data[attributes][updated_in_db_at]": current,
                "data[attributes][file]": upload("new.csv", content=replacement),
            },
        )
    assert response.status_code == 200, response.content
    new_name = Import.objects.get(pk=second["id"]).file.name
    assert new_name != old_name
    assert keys(on_s3) == sorted([import_record.file.name, new_name])
    assert requests.get(response.json()["data"]["attributes"]["file_url"], timeout=10).content == replacement

    # Uploads were spooled to temporary files on the way to S3, and the job's reads too: none is left.
    assert list(on_s3["spool"].iterdir()) == []
