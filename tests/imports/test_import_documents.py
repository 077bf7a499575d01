"""Golden documents: what the import resource answers, request by request, committed as JSON.

Each case makes one request through the whole stack and compares the answer with
`tests/imports/documents/<case>.json`: the status, the content type, the body, and
the order of every member the renderer writes (top-level members, each resource
object's members, attribute and relationship names). Identifiers are written as
"<id N>" by their first appearance (included resources, in the order of their ids, are
compared in the order of those numbers), date-times as "<date-time>",
signed file links as what they sign; the order of keys inside stored JSON values is the
database's (PostgreSQL's jsonb reorders them), so those values are compared as values.

After an intended change to a document, write the files again and review the diff:
`GOLDEN_WRITE=1 scripts/test tests/imports/test_import_documents.py`.
"""

import json
import os
import re
import time
from pathlib import Path

import pytest

from benchmarks.data import HEADERS_MAPPINGS, constants_mappings_for, write_csv
from imports.downloads import read_download_token
from imports.models import Import
from imports.pipeline.job import run_import
from tests.conftest import FIXTURES, JsonApiClient
from tests.factories import AccountListFactory, MembershipFactory, UserFactory, issue_token

pytestmark = pytest.mark.django_db

DOCUMENTS = Path(__file__).parent / "documents"
DATE_TIME = re.compile(r'"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"')
FILE_LINK = re.compile(r"/api/v2/files/imports/([^\"/]+)\"")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)  # signed file links carry their expiry


@pytest.fixture
def reader(fixed_clock):
    user = UserFactory(email="reader@example.org", name="Rea Der")
    membership = MembershipFactory(user=user, account_list=AccountListFactory(name="Household list"))
    return membership, JsonApiClient(issue_token(user))


def imports_path(membership, suffix: str = "") -> str:
    return f"/api/v2/account_lists/{membership.account_list.id}/imports{suffix}"


def upload(client, membership, source: str, path: Path, **attributes) -> dict:
    with open(path, "rb") as handle:
        fields = {"data[type]": "imports", "data[attributes][file]": handle}
        fields.update({f"data[attributes][{name}]": value for name, value in attributes.items()})
        response = client.post_multipart(imports_path(membership, f"/{source}"), fields)
    assert response.status_code == 201, response.content
    return response.json()["data"]


@pytest.fixture
def imports(reader, tmp_path):
    """A CSV import in preview with samples, a TNT import in preview, a failed one and a finished one."""
    membership, client = reader
    preview = upload(
        client,
        membership,
        "csv",
        FIXTURES / "csv" / "sample_csv_with_custom_headers.csv",
        tag_list="from-spreadsheet",
        file_headers_mappings=json.dumps({"first_name": "fname", "last_name": "lname", "email_1": "email_address"}),
    )
    tnt = upload(client, membership, "tnt", FIXTURES / "tnt" / "tnt_export_groups.xml", in_preview="true")
    failed = upload(client, membership, "csv", FIXTURES / "csv" / "sample_csv_with_fullname.csv")
    Import.objects.filter(pk=failed["id"]).update(status=Import.Status.FAILED, error="It broke.", in_preview=False)
    finished = upload(
        client,
        membership,
        "csv",
        write_csv(tmp_path / "contacts.csv", 12, seed=5),
        file_headers_mappings=json.dumps(HEADERS_MAPPINGS),
    )
    record = Import.objects.get(pk=finished["id"])
    response = client.put_json(
        imports_path(membership, f"/{record.pk}"),
        {
            "data": {
                "type": "imports",
                "id": str(record.pk),
                "attributes": {
                    "file_constants_mappings": constants_mappings_for(record.file_constants),
                    "in_preview": False,
                    "overwrite": True,
                },
            }
        },
    )
    assert response.status_code == 200, response.content
    run_import(str(record.pk))
    return {"preview": preview["id"], "tnt": tnt["id"], "failed": failed["id"], "finished": finished["id"]}


def member_order(value, path: str = "") -> list[str]:
    """ "path: member member ..." for each object of a document, in the order written. Attributes,
    relationships and meta give their names only: stored JSON inside them is in the database's order."""
    if isinstance(value, list):
        return [line for number, item in enumerate(value) for line in member_order(item, f"{path}[{number}]")]
    if not isinstance(value, dict):
        return []
    lines = [f"{path or '/'}: {' '.join(value)}"]
    for name, item in value.items():
        if name in ("attributes", "relationships", "meta"):
            lines.append(f"{path}/{name}: {' '.join(item)}")
        else:
            lines.extend(member_order(item, f"{path}/{name}"))
    return lines


def signed(link) -> str:
    import_id, user_id = read_download_token(link[1])
    return f'/api/v2/files/imports/<import {import_id} for user {user_id}>"'


def normalized(body: str) -> str:
    """The body with signed links as what they sign, date-times as "<date-time>", ids as "<id N>"."""
    body = FILE_LINK.sub(signed, body)
    body = DATE_TIME.sub('"<date-time>"', body)
    ids: dict[str, str] = {}
    return UUID.sub(lambda found: ids.setdefault(found[0], f"<id {len(ids) + 1}>"), body)


def answer_of(response) -> dict:
    included = response.json().get("included", [])
    assert included == sorted(included, key=lambda resource: (resource["type"], resource["id"]))  # the library's order
    document = json.loads(normalized(response.content.decode()))
    if included:  # ids are random: in the order their placeholders were given, which follows the data
        document["included"].sort(key=lambda resource: (resource["type"], int(resource["id"][4:-1])))
    return {
        "status": response.status_code,
        "content_type": response["Content-Type"],
        "order": member_order(document),
        "body": document,
    }


def assert_golden(name: str, response) -> None:
    path = DOCUMENTS / f"{name}.json"
    answer = answer_of(response)
    if os.environ.get("GOLDEN_WRITE"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(answer, indent=1, ensure_ascii=False) + "\n")
    expected = json.loads(path.read_text())
    assert answer["status"] == expected["status"]
    assert answer["content_type"] == expected["content_type"]
    assert answer["order"] == expected["order"]
    assert answer["body"] == expected["body"]


def test_a_csv_upload_answers_its_preview_with_samples(reader):
    membership, client = reader
    with open(FIXTURES / "csv" / "sample_csv_with_custom_headers.csv", "rb") as handle:
        response = client.post_multipart(
            imports_path(membership, "/csv") + "?include=sample_contacts",
            {
                "data[type]": "imports",
                "data[attributes][file]": handle,
                "data[attributes][file_headers_mappings]": json.dumps({"first_name": "fname", "last_name": "lname"}),
            },
        )
    assert_golden("create_csv_include_samples", response)


def test_an_update_answers_the_import_as_it_now_is(reader, imports):
    membership, client = reader
    preview = imports["preview"]
    response = client.put_json(
        imports_path(membership, f"/csv/{preview}") + "?include=sample_contacts",
        {
            "data": {
                "type": "imports",
                "id": preview,
                "attributes": {"file_headers_mappings": {"first_name": "fname"}, "overwrite": True},
            }
        },
        method="patch",
    )
    assert_golden("update_csv_in_preview", response)


@pytest.mark.parametrize(
    ("name", "shape", "params"),
    [
        ("csv_preview_include_samples_and_user", "preview", {"include": "sample_contacts,user"}),
        ("csv_preview_include_account_list", "preview", {"include": "account_list,user"}),
        ("tnt_preview", "tnt", {}),
        ("failed", "failed", {}),
        ("finished_include_samples", "finished", {"include": "sample_contacts"}),
        (
            "finished_sparse_fieldsets",
            "finished",
            {
                "include": "sample_contacts",
                "fields[imports]": "source,status,rows_created,sample_contacts",
                "fields[sample_contacts]": "name,tags,pledge_amount",
            },
        ),
        ("sparse_fieldset_without_include", "tnt", {"fields[imports]": "source,file_version,file_url"}),
        ("an_include_that_does_not_exist", "tnt", {"include": "nothing"}),
    ],
)
def test_an_import_reads_as_its_golden_document(reader, imports, name, shape, params):
    membership, client = reader
    assert_golden(name, client.get(imports_path(membership, f"/{imports[shape]}"), **params))


@pytest.mark.parametrize(
    ("name", "suffix", "params"),
    [
        ("list", "", {}),
        ("list_page_2_include_samples", "", {"page[size]": "2", "page[number]": "2", "include": "sample_contacts"}),
        ("list_tnt_include_user", "/tnt", {"include": "user"}),
        ("list_filtered_sparse", "", {"filter[status]": "preview", "fields[imports]": "source,in_preview"}),
    ],
)
def test_an_import_list_reads_as_its_golden_document(reader, imports, name, suffix, params):
    membership, client = reader
    assert_golden(name, client.get(imports_path(membership, suffix), **params))


def test_someone_elses_import_is_not_found(imports):
    stranger = MembershipFactory()
    client = JsonApiClient(issue_token(stranger.user))
    path = f"/api/v2/account_lists/{stranger.account_list.id}/imports/{imports['tnt']}"
    assert_golden("not_found", client.get(path))
