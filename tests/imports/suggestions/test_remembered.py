"""A file with the same set of headers, uploaded again to the same list, is offered the mappings that imported."""

import pytest

from imports.models import Import
from tests.factories import AccountListFactory, MembershipFactory
from tests.imports.helpers import (
    CUSTOM,
    CUSTOM_CONSTANTS_MAPPINGS,
    CUSTOM_HEADERS_MAPPINGS,
    Mappings,
    create_csv,
    make_import,
    update,
    upload,
)

pytestmark = pytest.mark.django_db

FILE = "sample_csv_with_custom_headers.csv"


def test_the_mappings_of_a_completed_import_are_offered_for_the_same_headers(api, account_list):
    first = create_csv(api, account_list, FILE)
    assert first["attributes"]["suggested_mappings_origin"] == "file"
    make_import(account_list=account_list, fixture=FILE, mappings=CUSTOM)

    again = create_csv(api, account_list, FILE)["attributes"]
    assert again["suggested_mappings_origin"] == "remembered"
    assert again["suggested_file_headers_mappings"] == CUSTOM_HEADERS_MAPPINGS
    assert again["suggested_file_constants_mappings"]["likely_to_give"] == CUSTOM_CONSTANTS_MAPPINGS["likely_to_give"]
    assert again["suggested_file_constants_mappings"]["status"] == CUSTOM_CONSTANTS_MAPPINGS["status"]


def test_remembered_mappings_fit_a_file_with_other_values_and_columns_in_another_order(api, account_list):
    make_import(account_list=account_list, fixture=FILE, mappings=CUSTOM)
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


def test_nothing_is_remembered_from_another_account_list_or_an_unfinished_import(api, account_list, member):
    other_list = MembershipFactory(user=member.user, account_list=AccountListFactory()).account_list
    make_import(account_list=other_list, fixture=FILE, mappings=CUSTOM)
    mapped_but_not_imported = create_csv(api, account_list, FILE)
    update(api, account_list, mapped_but_not_imported, {"file_headers_mappings": {"last_name": "fname"}})
    again = create_csv(api, account_list, FILE)["attributes"]
    assert again["suggested_mappings_origin"] == "file"
    assert again["suggested_file_headers_mappings"]["first_name"] == "fname"


def test_the_newest_completed_import_is_the_one_remembered(api, account_list):
    make_import(account_list=account_list, fixture=FILE, mappings=CUSTOM)
    newer = {**CUSTOM_HEADERS_MAPPINGS, "notes": "skip"}
    make_import(account_list=account_list, fixture=FILE, mappings=Mappings(newer, CUSTOM_CONSTANTS_MAPPINGS))
    again = create_csv(api, account_list, FILE)["attributes"]
    assert again["suggested_file_headers_mappings"]["notes"] == "skip"


def test_a_remembered_mapping_is_applied_when_leaving_preview_with_none(
    api, account_list, django_capture_on_commit_callbacks
):
    make_import(account_list=account_list, fixture=FILE, mappings=CUSTOM)
    again = create_csv(api, account_list, FILE)
    with django_capture_on_commit_callbacks(execute=True):
        assert update(api, account_list, again, {"in_preview": False}).status_code == 200
    record = Import.objects.get(pk=again["id"])
    assert record.status == Import.Status.COMPLETE and record.rows_updated == 3
