"""A query parameter at fault is named in its error as source.parameter: a read has no document to point into."""

import pytest

from tests.imports.helpers import imports_path

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"sort": "bogus"}, "sort"),
        ({"filter[source]": "bogus"}, "filter[source]"),
        ({"filter[bogus]": "x"}, "filter[bogus]"),
        ({"include": "bogus"}, "include"),
        ({"bogus": "x"}, "bogus"),
    ],
)
def test_a_bad_query_parameter_of_the_imports_is_a_400_naming_it(params, parameter, api, account_list):
    response = api.get(imports_path(account_list), **params)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["status"] == "400"
    assert error["source"] == {"parameter": parameter}


@pytest.mark.parametrize(
    "path, params, parameter",
    [
        ("contacts", {"filter[import]": "not-a-uuid"}, "filter[import]"),
        ("contacts", {"include": "bogus"}, "include"),
        ("tasks", {"filter[contact]": "not-a-uuid"}, "filter[contact]"),
        ("donations", {"sort": "bogus"}, "sort"),
    ],
)
def test_a_bad_query_parameter_of_the_book_is_a_400_naming_it(path, params, parameter, api, account_list):
    response = api.get(f"/api/v2/account_lists/{account_list.id}/{path}", **params)
    assert response.status_code == 400
    assert [error["source"] for error in response.json()["errors"]] == [{"parameter": parameter}]
