"""The pieces under the import reads built from rows give what Django and Django REST framework give.

The whole documents are compared in test_api_machinery.py; these tests push each piece
past the data the API holds: rows by key against `.values()`, and orjson's writing of a
document against DRF's renderer.
"""

import json
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer as DrfJSONRenderer

from config.renderers import Document, JSONRenderer, encode_document
from config.rows import RowsByKey
from contacts.models import SampleContact
from imports.api.documents import IMPORT_COLUMNS, IMPORT_ROWS
from imports.models import Import
from tests.conftest import JsonApiClient


@pytest.mark.django_db
def test_rows_by_key_are_the_rows_values_gives_in_the_order_of_the_keys(member, run_csv_import, generated_csv):
    records = [run_csv_import(generated_csv(8, seed=seed)) for seed in range(3)]
    Import.objects.filter(pk=records[1].pk).update(rows_total=None, file_size=None, completed_at=None)
    keys = [records[2].pk, uuid.uuid4(), records[0].pk, records[1].pk]  # one key without a row
    expected = {row["id"]: row for row in Import.objects.values(*IMPORT_COLUMNS)}
    rows = IMPORT_ROWS.fetch(keys)
    assert rows == [expected[records[2].pk], expected[records[0].pk], expected[records[1].pk]]
    assert rows[2]["rows_total"] is None and isinstance(rows[0]["created_at"], type(records[0].created_at))


@pytest.mark.django_db
def test_rows_by_key_read_every_kind_of_column(member, run_csv_import, generated_csv):
    record = run_csv_import(generated_csv(20))
    columns = tuple(field.attname for field in SampleContact._meta.concrete_fields)
    samples = list(SampleContact.objects.filter(import_record=record).values(*columns))
    assert any(sample["pledge_amount"] is not None for sample in samples)  # decimals, booleans, JSON, dates
    fetched = RowsByKey(SampleContact, columns).fetch([sample["id"] for sample in samples])
    assert fetched == samples


@pytest.mark.django_db
def test_no_keys_make_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert IMPORT_ROWS.fetch([]) == []
    assert not queries.captured_queries


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
def test_the_browsable_api_shows_an_import_list_built_from_rows(member, run_csv_import, generated_csv):
    record = run_csv_import(generated_csv(5))
    client = JsonApiClient(member.token).client
    response = client.get(f"/api/v2/account_lists/{member.account_list.id}/imports", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert str(record.pk) in response.content.decode()
