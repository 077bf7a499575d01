"""A file with the same set of headers, uploaded again to the same list, is offered the mappings that imported."""

import pytest

from imports.models import Import
from tests.factories import AccountListFactory, MembershipFactory
from tests.imports.helpers import CUSTOM_CONSTANTS_MAPPINGS, CUSTOM_HEADERS_MAPPINGS, create_csv, update, upload

pytestmark = pytest.mark.django_db

FILE = "sample_csv_with_custom_headers.csv"


def import_with_custom_mappings(api, account_list, capture) -> dict:
    created = create_csv(api, account_list, FILE)
    mappings = {"file_headers_mappings": CUSTOM_HEADERS_MAPPINGS, "file_constants_mappings": CUSTOM_CONSTANTS_MAPPINGS}
    with capture(execute=True):
        assert update(api, account_list, created, {**mappings, "in_preview": False}).status_code == 200
    assert Import.objects.get(pk=created["id"]).status == Import.Status.COMPLETE
    return created


def test_the_mappings_of_a_completed_import_are_offered_for_the_same_headers(
    api, account_list, django_capture_on_commit_callbacks
):
    first = create_csv(api, account_list, FILE)
    assert first["attributes"]["suggested_mappings_origin"] == "file"
    import_with_custom_mappings(api, account_list, django_capture_on_commit_callbacks)

    again = create_csv(api, account_list, FILE)["attributes"]
    assert again["suggested_mappings_origin"] == "remembered"
    assert again["suggested_file_headers_mappings"] == CUSTOM_HEADERS_MAPPINGS
    assert again["suggested_file_constants_mappings"]["likely_to_give"] == CUSTOM_CONSTANTS_MAPPINGS["likely_to_give"]
    assert again["suggested_file_constants_mappings"]["status"] == CUSTOM_CONSTANTS_MAPPINGS["status"]


def test_remembered_mappings_fit_a_file_with_other_values_and_columns_in_another_order(
    api, account_list, django_capture_on_commit_callbacks
):
    import_with_custom_mappings(api, account_list, django_capture_on_commit_callbacks)
    # The same headers in another order; a status value the first file did not have, one it had is gone.
    content = (
        b"lname,fname,fullname,Spouse-fname,Spouse-lname,greeting,mailing-greeting,church,street,city,province,"
        b"zip-code,country,status,amount,frequency,currency,newsletter,tags,email-address,Spouse-email-address,phone,"
        b"Spouse-phone-number,extra-notes,skip,likely-giver,metro,region,appeals,website,referred_by\n"
        b"Lee,Ann,,,,,,,,,,,,Praying,,quarterly,,,,,,,,,,,,,,,\n"
        b"Ray,Bo,,,,,,,,,,,,Partner - Special,,,,,,,,,,,,,,,,,\n"
    )
    again = create_csv(api, account_list, "again.csv", file=upload("again.csv", content=content))["attributes"]
    assert again["suggested_mappings_origin"] == "remembered"
    assert again["suggested_file_headers_mappings"] == CUSTOM_HEADERS_MAPPINGS
    constants = again["suggested_file_constants_mappings"]
    assert constants["status"] == [
        {"id": "Partner - Pray", "values": ["Praying"]},
        {"id": "Partner - Special", "values": ["Partner - Special"]},  # a fresh suggestion for the new value
    ]
    assert constants["pledge_frequency"] == [{"id": "3.0", "values": ["quarterly"]}]
    assert "send_appeals" not in constants  # the column holds no value now


def test_nothing_is_remembered_from_another_account_list_or_an_unfinished_import(
    api, account_list, member, django_capture_on_commit_callbacks
):
    other_list = MembershipFactory(user=member.user, account_list=AccountListFactory()).account_list
    import_with_custom_mappings(api, other_list, django_capture_on_commit_callbacks)
    mapped_but_not_imported = create_csv(api, account_list, FILE)
    update(api, account_list, mapped_but_not_imported, {"file_headers_mappings": {"last_name": "fname"}})
    again = create_csv(api, account_list, FILE)["attributes"]
    assert again["suggested_mappings_origin"] == "file"
    assert again["suggested_file_headers_mappings"]["first_name"] == "fname"


def test_the_newest_completed_import_is_the_one_remembered(api, account_list, django_capture_on_commit_callbacks):
    import_with_custom_mappings(api, account_list, django_capture_on_commit_callbacks)
    created = create_csv(api, account_list, FILE)
    newer = {**CUSTOM_HEADERS_MAPPINGS, "notes": "skip"}
    mappings = {"file_headers_mappings": newer, "file_constants_mappings": CUSTOM_CONSTANTS_MAPPINGS}
    with django_capture_on_commit_callbacks(execute=True):
        assert update(api, account_list, created, {**mappings, "in_preview": False}).status_code == 200
    again = create_csv(api, account_list, FILE)["attributes"]
    assert again["suggested_file_headers_mappings"]["notes"] == "skip"


def test_a_remembered_mapping_is_applied_when_leaving_preview_with_none(
    api, account_list, django_capture_on_commit_callbacks
):
    import_with_custom_mappings(api, account_list, django_capture_on_commit_callbacks)
    again = create_csv(api, account_list, FILE)
    with django_capture_on_commit_callbacks(execute=True):
        assert update(api, account_list, again, {"in_preview": False}).status_code == 200
    record = Import.objects.get(pk=again["id"])
    assert record.status == Import.Status.COMPLETE and record.rows_updated == 3
