"""Real exports import correctly with no mapping sent at all: the suggestions are applied when leaving preview."""

import pytest

from imports.models import Import
from tests.imports.helpers import create_csv, imports_path, update
from tests.imports.suggestions.helpers import contacts_by_name, emails, export_upload, phones

pytestmark = pytest.mark.django_db


def upload_and_start(api, account_list, name, capture) -> dict:
    """Upload, then leave preview sending nothing but in_preview: false."""
    created = create_csv(api, account_list, name, file=export_upload(name))
    with capture(execute=True):
        response = update(api, account_list, created, {"in_preview": False})
    assert response.status_code == 200, response.content
    final = api.get(imports_path(account_list, f"/{created['id']}")).json()["data"]["attributes"]
    assert final["status"] == "complete", final["error"]
    return {"created": created["attributes"], "final": final}


def test_a_google_contacts_export_imports_with_no_mapping_sent(api, account_list, django_capture_on_commit_callbacks):
    result = upload_and_start(api, account_list, "google_contacts.csv", django_capture_on_commit_callbacks)
    created, final = result["created"], result["final"]
    assert created["file_headers_mappings"] == {}
    assert created["suggested_file_headers_mappings"]["email_1"] == "e_mail_1_value"
    assert created["suggested_mappings_origin"] == "file"
    assert (final["rows_processed"], final["rows_created"], final["rows_failed"]) == (5, 5, 0)
    assert final["file_headers_mappings"] == created["suggested_file_headers_mappings"]

    contacts = contacts_by_name(api, account_list)
    assert set(contacts) == {"Lindqvist, Anna", "Herrera, Tomás", "O'Neill, Grace", "Okafor, Samuel", "Chen, Mei"}
    anna = contacts["Lindqvist, Anna"]
    (person,) = anna["people"]
    assert emails(person) == ["anna.lindqvist@example.com", "alindqvist@northwind.example"]
    assert phones(person) == ["+1 312-555-0148", "(312) 555-0190"]
    (address,) = anna["addresses"]
    assert (address["street"], address["city"], address["state"], address["postal_code"], address["country"]) == (
        "1840 N Lincoln Ave",
        "Chicago",
        "IL",
        "60614",
        "US",
    )
    assert anna["website"] == "https://anna.example.com"
    assert anna["notes"] == "Met at the spring conference"
    # The Yomi, nickname, organization and type columns were left alone.
    assert contacts["O'Neill, Grace"]["people"][0]["first_name"] == "Grace"


def test_an_outlook_export_imports_with_no_mapping_sent(api, account_list, django_capture_on_commit_callbacks):
    result = upload_and_start(api, account_list, "outlook_contacts.csv", django_capture_on_commit_callbacks)
    assert (result["final"]["rows_created"], result["final"]["rows_failed"]) == (4, 0)
    contacts = contacts_by_name(api, account_list)
    assert set(contacts) == {"Miller, Robert and Linda", "Lee, Karen", "Hassan, Ahmed", "Nguyen, Julie and Minh"}
    miller = contacts["Miller, Robert and Linda"]
    robert, linda = miller["people"]
    assert (linda["first_name"], linda["is_spouse"]) == ("Linda", True)
    assert emails(robert) == ["bob.miller@example.com", "robert@millerandsons.example"]
    # Mobile first, then home, then business; faxes, pagers and the assistant's phone are not the person's.
    assert phones(robert) == ["(937) 555-0142", "(937) 555-0188", "(937) 555-0101"]
    (address,) = miller["addresses"]  # the home address, not the business one
    assert (address["street"], address["city"], address["state"], address["postal_code"]) == (
        "18 Oak Hollow Ln",
        "Kettering",
        "OH",
        "45429",
    )
    assert "Holiday Card" in miller["tags"]
    assert miller["website"] == "http://millerandsons.example"
    assert miller["notes"].startswith("Gave at the 2023 banquet")
    hassan = contacts["Hassan, Ahmed"]
    assert phones(hassan["people"][0]) == ["614-555-0160"] and hassan["addresses"] == []


def test_suggested_constants_are_applied_too(api, account_list, django_capture_on_commit_callbacks):
    result = upload_and_start(api, account_list, "tntconnect_export.csv", django_capture_on_commit_callbacks)
    suggested = result["created"]["suggested_file_constants_mappings"]
    assert {"id": "12.0", "values": ["Annual"]} in suggested["pledge_frequency"]
    contacts = contacts_by_name(api, account_list)
    smith = contacts["Smith, John and Jane"]
    assert smith["status"] == "Partner - Financial" and smith["pledge_frequency"] == 1.0
    assert smith["pledge_currency"] == "USD" and smith["send_newsletter"] == "Both"
    assert smith["church_name"] == "Westside Baptist Church"
    assert contacts["Brown, Peter and Sue"]["pledge_frequency"] == 12.0


def test_suggestions_that_leave_a_value_unmapped_are_judged_by_the_rules(api, account_list):
    # "Praying and giving" matches no status confidently: rule 7 stops the import and names the value.
    created = create_csv(api, account_list, "sample_csv_with_custom_headers.csv")
    suggested = created["attributes"]["suggested_file_constants_mappings"]
    assert suggested["status"] == [{"id": "Partner - Pray", "values": ["Praying"]}]
    response = update(api, account_list, created, {"in_preview": False})
    assert response.status_code == 400
    assert "Praying and giving" in response.content.decode()
    record = Import.objects.get(pk=created["id"])
    assert record.status == Import.Status.PREVIEW
    assert record.file_headers_mappings == {}  # the refused update stored nothing; the suggestions stay offered


def test_mappings_sent_by_the_client_win_over_the_suggestions(api, account_list, django_capture_on_commit_callbacks):
    created = create_csv(api, account_list, "google_contacts.csv", file=export_upload("google_contacts.csv"))
    mappings = {"first_name": "given_name", "last_name": "family_name"}
    with django_capture_on_commit_callbacks(execute=True):
        response = update(api, account_list, created, {"file_headers_mappings": mappings, "in_preview": False})
    assert response.status_code == 200, response.content
    record = Import.objects.get(pk=created["id"])
    assert record.file_headers_mappings == mappings
    assert all(not contact["people"][0]["email_addresses"] for contact in contacts_by_name(api, account_list).values())


def test_a_create_that_starts_at_once_uses_the_suggestions(api, account_list, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post_multipart(
            imports_path(account_list),
            {
                "data[type]": "imports",
                "data[attributes][source]": "csv",
                "data[attributes][file]": export_upload("mailchimp_audience.csv"),
            },
        )
    assert response.status_code == 201, response.content
    record = Import.objects.get(pk=response.json()["data"]["id"])
    assert record.status == Import.Status.COMPLETE and record.rows_created == 4
    assert "Wright, Hannah" in contacts_by_name(api, account_list)


def test_suggestions_are_recomputed_when_the_file_is_replaced(api, account_list):
    created = create_csv(api, account_list, "google_contacts.csv", file=export_upload("google_contacts.csv"))
    current = api.get(imports_path(account_list, f"/{created['id']}")).json()["data"]["attributes"]["updated_at"]
    response = api.put_multipart(
        imports_path(account_list, f"/csv/{created['id']}"),
        {
            "data[type]": "imports",
            "data[id]": created["id"],
            "data[attributes][updated_in_db_at]": current,
            "data[attributes][file]": export_upload("outlook_contacts.csv"),
        },
    )
    assert response.status_code == 200, response.content
    suggested = response.json()["data"]["attributes"]["suggested_file_headers_mappings"]
    assert suggested["street"] == "home_street" and "address_1_street" not in suggested.values()


def test_suggestions_are_read_only(api, account_list):
    created = create_csv(api, account_list, "google_contacts.csv", file=export_upload("google_contacts.csv"))
    response = update(api, account_list, created, {"suggested_file_headers_mappings": {"first_name": "notes"}})
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["suggested_file_headers_mappings"]["first_name"] == "given_name"


def test_a_tnt_import_has_empty_suggestions(api, account_list):
    from tests.imports.helpers import upload

    response = api.post_multipart(
        imports_path(account_list, "/tnt"),
        {"data[attributes][file]": upload("tnt_export.xml", "tnt"), "data[attributes][in_preview]": "true"},
    )
    attributes = response.json()["data"]["attributes"]
    assert attributes["suggested_file_headers_mappings"] == {} and attributes["suggested_file_constants_mappings"] == {}
