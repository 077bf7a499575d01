"""The seven mapping rules checked when leaving preview, and shape errors refused in any state."""

import pytest

from imports.models import Import
from tests.imports.helpers import CUSTOM_CONSTANTS_MAPPINGS, CUSTOM_HEADERS_MAPPINGS, create_csv, update

pytestmark = pytest.mark.django_db

HEADERS = "/data/attributes/file_headers_mappings"
CONSTANTS = "/data/attributes/file_constants_mappings"


@pytest.fixture
def uploaded(api, account_list):
    return create_csv(api, account_list, "sample_csv_with_custom_headers.csv")


def start(api, account_list, uploaded, headers=None, constants=None):
    attributes = {
        "file_headers_mappings": CUSTOM_HEADERS_MAPPINGS if headers is None else headers,
        "file_constants_mappings": CUSTOM_CONSTANTS_MAPPINGS if constants is None else constants,
        "in_preview": False,
    }
    return update(api, account_list, uploaded, attributes)


def errors_at(response, pointer) -> list[str]:
    assert response.status_code == 400, response.content
    return [e["detail"] for e in response.json()["errors"] if e.get("source", {}).get("pointer") == pointer]


def assert_still_in_preview(uploaded):
    record = Import.objects.get(pk=uploaded["id"])
    assert record.in_preview is True and record.status == Import.Status.PREVIEW


def test_valid_mappings_start_the_import(api, account_list, uploaded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = start(api, account_list, uploaded)
    assert response.status_code == 200, response.content
    assert Import.objects.get(pk=uploaded["id"]).status == Import.Status.COMPLETE


def test_rule_1_every_key_must_be_a_supported_field(api, account_list, uploaded):
    response = start(api, account_list, uploaded, headers={**CUSTOM_HEADERS_MAPPINGS, "shoe_size": "skip"})
    (message,) = errors_at(response, HEADERS)
    assert "not supported fields: ['shoe_size']" in message
    assert_still_in_preview(uploaded)


def test_rule_2_every_value_must_be_a_header_of_the_file(api, account_list, uploaded):
    response = start(api, account_list, uploaded, headers={**CUSTOM_HEADERS_MAPPINGS, "email_1": "e_mail"})
    (message,) = errors_at(response, HEADERS)
    assert message == "file_headers_mappings maps to headers not in the file: ['e_mail']"
    assert_still_in_preview(uploaded)


def test_rule_3_a_name_or_an_email_must_be_mapped(api, account_list, uploaded):
    headers = {k: v for k, v in CUSTOM_HEADERS_MAPPINGS.items() if k not in ("first_name", "last_name", "email_1")}
    response = start(api, account_list, uploaded, headers=headers)
    (message,) = errors_at(response, HEADERS)
    assert "at least one of full_name, first_name, last_name or email_1" in message
    assert_still_in_preview(uploaded)


@pytest.mark.parametrize("name_field", ["full_name", "first_name", "last_name", "email_1"])
def test_rule_3_any_one_name_field_is_enough(
    name_field, api, account_list, uploaded, django_capture_on_commit_callbacks
):
    source = {"full_name": "fullname", "first_name": "fname", "last_name": "lname", "email_1": "email_address"}
    headers = {k: v for k, v in CUSTOM_HEADERS_MAPPINGS.items() if k not in ("first_name", "last_name", "email_1")}
    with django_capture_on_commit_callbacks(execute=True):
        response = start(api, account_list, uploaded, headers={**headers, name_field: source[name_field]})
    assert response.status_code == 200, response.content


def test_rule_4_constant_keys_must_be_constant_fields_mapped_in_the_headers(api, account_list, uploaded):
    headers = {k: v for k, v in CUSTOM_HEADERS_MAPPINGS.items() if k != "likely_to_give"}
    constants = {**CUSTOM_CONSTANTS_MAPPINGS, "church": [{"id": "x", "values": []}]}
    response = start(api, account_list, uploaded, headers=headers, constants=constants)
    (message,) = errors_at(response, CONSTANTS)
    assert "['church', 'likely_to_give']" in message


def test_rule_5_ids_must_be_valid_constants(api, account_list, uploaded):
    constants = {
        **CUSTOM_CONSTANTS_MAPPINGS,
        "status": [{"id": "Praying", "values": ["Praying", "Praying and giving"]}],
    }
    response = start(api, account_list, uploaded, constants=constants)
    (message,) = errors_at(response, CONSTANTS)
    assert "ids that are not valid constants: {'status': ['Praying']}" in message


def test_rule_5_currency_ids_are_iso_codes(api, account_list, uploaded):
    constants = {**CUSTOM_CONSTANTS_MAPPINGS, "pledge_currency": [{"id": "Canadian", "values": ["CAD"]}]}
    (message,) = errors_at(start(api, account_list, uploaded, constants=constants), CONSTANTS)
    assert "'pledge_currency': ['Canadian']" in message


def test_rule_6_values_must_be_found_in_the_column(api, account_list, uploaded):
    constants = {**CUSTOM_CONSTANTS_MAPPINGS, "newsletter": [{"id": "Both", "values": ["Both", "Paper"]}]}
    (message,) = errors_at(start(api, account_list, uploaded, constants=constants), CONSTANTS)
    assert "values not found in the file: {'newsletter': ['Paper']}" in message


def test_rule_7_every_value_of_a_mapped_constant_column_must_be_covered(api, account_list, uploaded):
    constants = {**CUSTOM_CONSTANTS_MAPPINGS, "status": [{"id": "Partner - Pray", "values": ["Praying"]}]}
    (message,) = errors_at(start(api, account_list, uploaded, constants=constants), CONSTANTS)
    assert "does not cover these values found in the file: {'status': ['Praying and giving']}" in message


def test_rule_7_blank_cells_need_no_mapping(api, account_list, uploaded, django_capture_on_commit_callbacks):
    # The currency column has blank cells; only "CAD" is mapped.
    assert "" in uploaded["attributes"]["file_constants"]["currency"]
    with django_capture_on_commit_callbacks(execute=True):
        assert start(api, account_list, uploaded).status_code == 200


def test_every_failed_rule_is_its_own_error(api, account_list, uploaded):
    headers = {"shoe_size": "x", "email_2": "e_mail"}
    constants = {"status": [{"id": "Nope", "values": ["Gone"]}]}
    response = start(api, account_list, uploaded, headers=headers, constants=constants)
    assert len(errors_at(response, HEADERS)) == 3
    assert len(errors_at(response, CONSTANTS)) == 1  # status is not mapped in the headers


@pytest.mark.parametrize(
    "attributes, pointer",
    [
        ({"file_headers_mappings": ["fname"]}, HEADERS),
        ({"file_headers_mappings": {"first_name": 3}}, HEADERS),
        ({"file_constants_mappings": {"status": [{"id": "Partner - Pray"}]}}, CONSTANTS),
        ({"file_constants_mappings": {"status": [{"values": ["Praying"]}]}}, CONSTANTS),
        ({"file_constants_mappings": {"status": {"id": "x", "values": []}}}, CONSTANTS),
        ({"file_constants_mappings": "status"}, CONSTANTS),
    ],
)
def test_mappings_of_the_wrong_shape_are_400_even_in_preview(attributes, pointer, api, account_list, uploaded):
    response = update(api, account_list, uploaded, attributes)
    assert errors_at(response, pointer)
    assert Import.objects.get(pk=uploaded["id"]).file_headers_mappings == {}


def test_samples_follow_the_mappings(api, account_list, uploaded):
    response = update(
        api, account_list, uploaded, {"file_headers_mappings": {"last_name": "lname"}}, include="sample_contacts"
    )
    assert sorted(item["attributes"]["name"] for item in response.json()["included"]) == ["Doe", "Man", "Park"]
    response = update(
        api, account_list, uploaded, {"file_headers_mappings": {"full_name": "fullname"}}, include="sample_contacts"
    )
    names = sorted(item["attributes"]["name"] for item in response.json()["included"])
    assert names == ["Doey, Johnny and Janey", "Many, Joey", "Parky, Bobby and Saray"]
