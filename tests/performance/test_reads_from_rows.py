"""The pieces under the import reads built from rows give what Django and Django REST framework give.

The whole documents are pinned by tests/imports/test_import_documents.py; these tests push
each piece past the data the API holds: rows by key against `.values()`, and orjson's writing of a
document against DRF's renderer.
"""

import datetime
import json
import time
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import signing
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix
from rest_framework.renderers import JSONRenderer as DrfJSONRenderer

from config.model_fields import JSONField
from config.renderers import Document, JSONRenderer, encode_document
from config.rows import RowsByKey
from config.serializers import UTCDateTimeField
from contacts.models import SampleContact
from imports.api.documents import IMPORT_COLUMNS, IMPORT_ROWS, SAMPLE_KEYS, _when
from imports.downloads import SALT, file_url, origin_of
from imports.models import Import
from tests.conftest import JsonApiClient
from tests.imports.helpers import GENERATED, make_import


@pytest.mark.django_db
def test_rows_by_key_are_the_rows_values_gives_in_the_order_of_the_keys(member, generated_csv):
    records = [
        make_import(
            account_list=member.account_list, user=member.user, content=generated_csv(8, seed=seed), mappings=GENERATED
        )
        for seed in range(3)
    ]
    Import.objects.filter(pk=records[1].pk).update(rows_total=None, file_size=None, completed_at=None)
    keys = [records[2].pk, uuid.uuid4(), records[0].pk, records[1].pk]  # one key without a row
    expected = {row["id"]: row for row in Import.objects.values(*IMPORT_COLUMNS)}
    rows = IMPORT_ROWS.fetch_in_order(keys)
    assert rows == [expected[records[2].pk], expected[records[0].pk], expected[records[1].pk]]
    assert rows[2]["rows_total"] is None and isinstance(rows[0]["created_at"], type(records[0].created_at))


@pytest.mark.django_db
def test_rows_by_key_read_every_kind_of_column(member, generated_csv):
    record = make_import(
        account_list=member.account_list, user=member.user, content=generated_csv(20), mappings=GENERATED
    )
    columns = tuple(field.attname for field in SampleContact._meta.concrete_fields)
    samples = list(SampleContact.objects.filter(import_record=record).values(*columns))
    assert any(sample["pledge_amount"] is not None for sample in samples)  # decimals, booleans, JSON, dates
    fetched = RowsByKey(SampleContact, columns).fetch_in_order([sample["id"] for sample in samples])
    assert fetched == samples


@pytest.mark.django_db
def test_rows_by_a_foreign_key_come_in_the_order_asked_for(member, generated_csv):
    records = [
        make_import(
            account_list=member.account_list, user=member.user, content=generated_csv(20, seed=seed), mappings=GENERATED
        )
        for seed in range(3)
    ]
    keys = [records[2].pk, records[0].pk]
    expected = list(
        SampleContact.objects.filter(import_record__in=keys).order_by("position").values("import_record_id", "id")
    )
    assert len(expected) == 8
    assert SAMPLE_KEYS.fetch(keys) == expected


@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2026, 11, 29, 10, 0, tzinfo=datetime.UTC),
        datetime.datetime(1999, 1, 2, 3, 4, 5, 6, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
        datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC),
        datetime.datetime(1000, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=1, minutes=30))),
    ],
)
def test_date_times_are_written_as_the_api_date_time_field_writes_them(moment):
    assert _when(moment) == UTCDateTimeField().to_representation(moment)


def test_no_date_time_is_null():
    assert _when(None) is None


@pytest.mark.django_db
def test_no_keys_make_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert IMPORT_ROWS.fetch([]) == []
    assert not queries.captured_queries


STORED_JSON = [
    '{"b": 1, "a": [1.5, -0.0, 1e-07, 18446744073709551615, -9223372036854775808, true, null]}',
    '{"text": "\\u00e9\\ud83d\\ude00 \\n \\u0000"}',
    '{"x": NaN, "y": Infinity}',  # Python's json writes these; orjson refuses them
    '"\\ud800 a lone surrogate"',
    '{"a": 1, "a": 2}',
    "[]",
    '"text"',
    "3",
]


@pytest.mark.parametrize("text", STORED_JSON)
def test_stored_json_reads_as_djangos_json_field_reads_it(text):
    ours = JSONField().from_db_value(text, None, connection)
    django = models.JSONField().from_db_value(text, None, connection)
    assert json.dumps(ours) == json.dumps(django)


@pytest.mark.parametrize("value", [{"a": [2**64]}, [{"b": -(2**63) - 1}], 10**30])
def test_an_integer_orjson_would_read_as_a_float_is_never_stored(value):
    with pytest.raises(ValueError, match="beyond 64 bits"):
        JSONField().get_prep_value(value)


@pytest.mark.django_db
def test_json_the_service_stores_reads_back_the_same(member, generated_csv):
    record = make_import(
        account_list=member.account_list, user=member.user, content=generated_csv(20), mappings=GENERATED
    )
    stored = Import.objects.values_list("file_constants", "file_format", "sample_rows").get(pk=record.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT file_constants, file_format, sample_rows FROM imports_import WHERE id = %s",
            [Import._meta.pk.get_db_prep_value(record.pk, connection)],
        )
        texts = cursor.fetchone()
    assert list(stored) == [json.loads(text) for text in texts]


def test_the_json_field_needs_no_migration():
    assert JSONField(default=dict).deconstruct()[1] == "django.db.models.JSONField"


DOCUMENTS = [
    {"data": {"type": "imports", "id": "1", "attributes": {"text": "".join(chr(code) for code in range(0x80))}}},
    {"data": [{"note": "line\u2028separator\u2029paragraph é 😀 \ufeff \x7f"}], "meta": {"count": 0}},
    {"amounts": [Decimal("1200.00"), Decimal("0.00001000000000"), Decimal("0.23076923076923"), None]},
    {"floats": [0.1, 0.5e-3, 1e16, 1e22, -0.0], "big": 2**70, "nested": {"a": [True, False, None, {}]}},
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_documents_are_written_byte_for_byte_as_django_rest_framework_writes_them(document):
    assert encode_document(Document(document)) == DrfJSONRenderer().render(document)


def test_a_float_below_one_ten_thousandth_is_written_another_way_with_the_same_value():
    """The builder gives Decimals, never floats; a float of stored JSON is the one place orjson writes its own way."""
    document = {"value": 1e-05}
    assert encode_document(Document(document)) == b'{"value":0.00001}'
    assert json.loads(encode_document(Document(document))) == json.loads(DrfJSONRenderer().render(document))


def test_a_pretty_printed_document_is_written_by_django_rest_framework():
    document = Document({"data": {"type": "imports", "id": "1", "attributes": {"amount": Decimal("12.50")}}})
    context = {"indent": 4}
    assert JSONRenderer().render(document, "application/vnd.api+json", context) == DrfJSONRenderer().render(
        dict(document), "application/vnd.api+json", context
    )


@pytest.mark.django_db
def test_the_browsable_api_shows_an_import_list_built_from_rows(member, generated_csv):
    record = make_import(
        account_list=member.account_list, user=member.user, content=generated_csv(5), mappings=GENERATED
    )
    client = JsonApiClient(member.token).client
    response = client.get(f"/api/v2/account_lists/{member.account_list.id}/imports", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert str(record.pk) in response.content.decode()


@pytest.mark.parametrize("script_prefix", ["/", "/behind/a/proxy/"])
def test_file_links_are_the_links_reverse_and_build_absolute_uri_give(script_prefix, monkeypatch, rf, settings):
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)
    settings.ALLOWED_HOSTS = ["imports.example.org"]
    request = rf.get("/", HTTP_HOST="imports.example.org", secure=True)
    user = SimpleNamespace(pk=uuid.UUID(int=7))
    set_script_prefix(script_prefix)
    try:
        for number in range(50):
            import_id = uuid.UUID(int=number * 7919)
            token = signing.dumps(
                {"i": str(import_id), "u": str(user.pk), "e": 2_000_000_000 + settings.FILE_URL_EXPIRY_SECONDS},
                salt=SALT,
            )
            expected = request.build_absolute_uri(reverse("import-file-download", kwargs={"token": token}))
            assert expected.startswith(f"https://imports.example.org{script_prefix}api/v2/files/imports/")
            assert (
                file_url(import_id=import_id, file_name="imports/x.csv", user=user, origin=origin_of(request))
                == expected
            )
    finally:
        set_script_prefix("/")


def test_an_import_without_a_file_has_no_link():
    assert file_url(import_id=uuid.uuid4(), file_name="", user=None, origin="http://x") is None
