"""Reading back what a TntConnect import brought: tasks, appeals, pledges, donations, donor and designation accounts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contacts.models import Contact
from fundraising.models import Donation
from tests.imports.test_tnt_book import fixture_text, run_content
from tests.imports.test_tnt_flow import run_tnt

pytestmark = pytest.mark.django_db

RESOURCES = ("tasks", "appeals", "pledges", "donations", "donor_accounts", "designation_accounts")


def path(account_list, resource: str) -> str:
    return f"/api/v2/account_lists/{account_list.id}/{resource}"


@pytest.fixture
def imported(api, account_list, django_capture_on_commit_callbacks):
    tasks = run_tnt(api, account_list, "tnt_export_with_multiple_task_contacts.xml", django_capture_on_commit_callbacks)
    gifts = run_tnt(api, account_list, "tnt_3_0_export_appeals.xml", django_capture_on_commit_callbacks)
    return {"tasks": tasks, "gifts": gifts}


def test_tasks_read_back_with_their_contacts_comments_and_appeal(api, account_list, imported):
    response = api.get(path(account_list, "tasks"), include="contacts,appeal")
    assert response.status_code == 200, response.content
    body = response.json()
    by_subject = {task["attributes"]["subject"]: task for task in body["data"]}
    task = by_subject["for appointment"]
    assert task["type"] == "tasks"
    assert task["attributes"] == {
        "activity_type": "Call",
        "subject": "for appointment",
        "start_at": "2006-09-09T16:30:00.000000Z",
        "completed": False,
        "completed_at": None,
        "result": "",
        "tags": [],
        "comments": ["Notes"],
        "tnt_id": "-1918558789",
        "created_at": task["attributes"]["created_at"],
        "updated_at": task["attributes"]["updated_at"],
    }
    assert len(task["relationships"]["contacts"]["data"]) == 2
    history = by_subject["for support"]
    assert history["attributes"]["completed"] is True and history["attributes"]["result"] == "Done"
    assert history["relationships"]["appeal"]["data"]["type"] == "appeals"
    included = {(resource["type"], resource["attributes"].get("name")) for resource in body["included"]}
    assert ("appeals", "CSU") in included and ("contacts", "Doe, Bob and Dawn") in included


def test_donations_read_back_with_donor_account_designation_and_appeal(api, account_list, imported):
    response = api.get(path(account_list, "donations"), include="donor_account,appeal,designation_account")
    assert response.status_code == 200, response.content
    (donation,) = response.json()["data"]
    attributes = donation["attributes"]
    assert (attributes["amount"], attributes["appeal_amount"], attributes["donation_date"]) == (50, 25, "2005-06-10")
    assert attributes["tnt_id"] == "-2100979831" and attributes["memo"] == "This donation was imported from Tnt."
    assert {"currency", "tendered_amount", "tendered_currency"} <= set(attributes)
    included = {resource["type"]: resource["attributes"] for resource in response.json()["included"]}
    assert included["donor_accounts"]["account_number"] == "432294333"
    assert included["appeals"]["name"] == "CSU"
    assert included["designation_accounts"]["name"].endswith("(Imported from TntConnect)")
    (pledge,) = api.get(path(account_list, "pledges")).json()["data"]
    assert pledge["attributes"]["amount"] == 25 and pledge["relationships"]["donation"]["data"]["id"] == donation["id"]


def test_filter_by_contact_and_by_import(api, account_list, imported):
    doe = Contact.objects.get(account_list=account_list, name="Doe, Bob and Dawn")
    smith = Contact.objects.filter(account_list=account_list, name="Smith, John and Jane").first()
    doe_tasks = api.get(path(account_list, "tasks"), **{"filter[contact]": str(doe.id)}).json()["data"]
    assert sorted(t["attributes"]["subject"] for t in doe_tasks) == ["Appointment", "for appointment"]
    from_gifts_file = api.get(path(account_list, "tasks"), **{"filter[import]": str(imported["gifts"].pk)}).json()
    assert [t["attributes"]["subject"] for t in from_gifts_file["data"]] == ["for support"]
    assert api.get(path(account_list, "donations"), **{"filter[contact]": str(doe.id)}).json()["data"] == []
    assert len(api.get(path(account_list, "donor_accounts"), **{"filter[contact]": str(smith.id)}).json()["data"]) <= 1


def test_lists_page(api, account_list, imported):
    response = api.get(path(account_list, "tasks"), **{"page[size]": "1", "page[number]": "2"})
    assert response.status_code == 200
    body = response.json()
    assert len(body["data"]) == 1 and body["meta"]["pagination"]["count"] == 3


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_resource_lists_and_shows_its_records_and_hides_them_from_strangers(
    resource, api, stranger, account_list, imported
):
    listed = api.get(path(account_list, resource))
    assert listed.status_code == 200, listed.content
    (first, *_) = listed.json()["data"]
    assert api.get(f"{path(account_list, resource)}/{first['id']}").json()["data"]["id"] == first["id"]
    assert stranger.get(path(account_list, resource)).status_code == 404
    assert stranger.get(f"{path(account_list, resource)}/{first['id']}").status_code == 404


@pytest.mark.parametrize("resource", [*RESOURCES, "contacts"])
def test_a_page_costs_the_same_queries_whatever_it_holds(
    resource, api, account_list, django_capture_on_commit_callbacks
):
    include = {
        "contacts": "tasks,appeals,pledges,donor_accounts,donations",
        "tasks": "contacts,appeal",
        "appeals": "contacts",
        "pledges": "contact,appeal,donation",
        "donations": "donor_account,designation_account,appeal",
        "donor_accounts": "contacts",
        "designation_accounts": "",
    }[resource]
    run_tnt(api, account_list, "tnt_3_0_export_appeals.xml", django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as few:
        assert api.get(path(account_list, resource), include=include).status_code == 200
    bigger = fixture_text("tnt_3_0_export_appeals.xml")
    for n in range(3):  # three more of everything, under other TntConnect ids
        content = bigger.replace('id="', f'id="{n}0')
        content = content.replace("<ContactID>", f"<ContactID>{n}0").replace("<AppealID>", f"<AppealID>{n}0")
        content = content.replace("<DonorID>", f"<DonorID>{n}0").replace("<HistoryID>", f"<HistoryID>{n}0")
        content = content.replace("432294333", f"43229433{n}").replace("Smith, John", f"Smith{n}, John")
        run_content(api, account_list, django_capture_on_commit_callbacks, content)
    with CaptureQueriesContext(connection) as many:
        response = api.get(path(account_list, resource), include=include)
    assert response.status_code == 200
    assert len(response.json()["data"]) > 1 or resource == "designation_accounts"
    assert len(many) == len(few), [q["sql"][:120] for q in many]


def test_a_contact_has_its_tasks_appeals_pledges_donor_accounts_and_donations(api, account_list, imported):
    contact = Contact.objects.get(account_list=account_list, tnt_id="1620699916")
    response = api.get(
        f"{path(account_list, 'contacts')}/{contact.id}", include="tasks,appeals,pledges,donor_accounts,donations"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    relationships = body["data"]["relationships"]
    expected = {
        "tasks": ("tasks", contact.tasks.all()),
        "appeals": ("appeals", contact.appeals.all()),
        "pledges": ("pledges", contact.pledges.all()),
        "donor_accounts": ("donor_accounts", contact.donor_accounts.all()),
        "donations": ("donations", Donation.objects.filter(donor_account__contacts=contact)),
    }
    for name, (kind, records) in expected.items():
        ids = {str(record.id) for record in records}
        assert ids, name  # the fixtures give this contact one of each
        assert {item["id"] for item in relationships[name]["data"]} == ids, name
        assert {item["type"] for item in relationships[name]["data"]} == {kind}, name
    included = {(item["type"], item["id"]): item for item in body["included"]}
    gift = Donation.objects.get(account_list=account_list, tnt_id="-2100979831")
    donation = included[("donations", str(gift.id))]
    assert (donation["attributes"]["amount"], donation["attributes"]["donation_date"]) == (50, "2005-06-10")
    for task in contact.tasks.all():
        resource = included[("tasks", str(task.id))]
        assert resource["attributes"]["subject"] == task.subject
        assert str(contact.id) in {c["id"] for c in resource["relationships"]["contacts"]["data"]}
    assert {kind for kind, _ in included} == set(expected)
    # Without include, the relationships name the records and nothing is included.
    plain = api.get(f"{path(account_list, 'contacts')}/{contact.id}").json()
    assert "included" not in plain
    assert plain["data"]["relationships"]["donations"] == relationships["donations"]
