"""A TntConnect export arrives whole: tasks, history, appeals, pledges, donor accounts, gifts and settings.

Every test uploads a real export (or one derived from it) over HTTP and runs
the real task, then reads what was stored, field by field.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from accounts.models import AccountList
from contacts.models import Contact
from fundraising.models import Appeal, DesignationAccount, Donation, DonorAccount, Pledge, Task
from imports.models import Import
from imports.pipeline.book.tnt_steps import plan_passes
from tests.conftest import FIXTURES
from tests.imports.test_tnt_flow import run_tnt

pytestmark = pytest.mark.django_db

TNT = FIXTURES / "tnt"
TNT_FILES = sorted(path.name for path in TNT.glob("*.xml"))
BOOK_MODELS = (Task, Appeal, Pledge, DonorAccount, DesignationAccount, Donation)


def fixture_text(name: str) -> str:
    return (TNT / name).read_text(encoding="utf-8")


def run_content(api, account_list, capture, content: str, **attributes) -> Import:
    from tests.imports.test_tnt_flow import post_tnt

    with capture(execute=True):
        response = post_tnt(api, account_list, "export.xml", content=content.encode(), **attributes)
    assert response.status_code == 201, response.content
    import_record = Import.objects.get(pk=response.json()["data"]["id"])
    assert import_record.status == Import.Status.COMPLETE, import_record.error
    return import_record


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_task_for_two_contacts_is_one_task_linked_to_both(api, account_list, django_capture_on_commit_callbacks):
    import_record = run_tnt(
        api, account_list, "tnt_export_with_multiple_task_contacts.xml", django_capture_on_commit_callbacks
    )
    (task,) = Task.objects.filter(account_list=account_list, tnt_table="Task")
    assert (task.tnt_id, task.activity_type, task.subject) == ("-1918558789", "Call", "for appointment")
    assert task.start_at == at("2006-09-09 16:30:00")  # TaskDate with the time of TaskTime
    assert (task.completed, task.completed_at, task.result) == (False, None, "")
    assert [comment.body for comment in task.comments.all()] == ["Notes"]
    assert sorted(c.name for c in task.contacts.all()) == ["Doe, Bob and Dawn", "Smith, John and Jane"]
    assert task.import_record_id == import_record.pk
    (history,) = Task.objects.filter(account_list=account_list, tnt_table="History")
    assert (history.tnt_id, history.activity_type, history.subject) == ("620575700", "Appointment", "Appointment")
    assert history.completed and history.start_at == history.completed_at == at("2004-08-26 19:00:00")
    assert history.result == "Done"
    assert [comment.body for comment in history.comments.all()] == ["History Notes"]
    assert history.contacts.count() == 2
    summary = import_record.tnt_summary
    assert summary["tasks"] == {"created": 1, "updated": 0, "skipped": 0, "failed": 0}
    assert summary["task_contacts"]["created"] == 2 and summary["history_contacts"]["created"] == 2


def test_a_task_that_names_an_appeal_does_not_make_its_contacts_the_appeals(
    api, account_list, django_capture_on_commit_callbacks
):
    # An appeal's contacts are those of the history rows and gifts that name it: a task is only planned.
    content = fixture_text("tnt_export_with_multiple_task_contacts.xml").replace(
        "<TaskTypeID>20</TaskTypeID>", "<TaskTypeID>20</TaskTypeID>\n        <AppealID>-723622290</AppealID>"
    )
    assert content.count("<AppealID>-723622290</AppealID>") == 1
    run_content(api, account_list, django_capture_on_commit_callbacks, content)
    (appeal,) = Appeal.objects.filter(account_list=account_list)
    (task,) = Task.objects.filter(account_list=account_list, tnt_table="Task")
    assert (task.appeal, task.tags, task.contacts.count()) == (appeal, ["CSU"], 2)
    assert list(appeal.contacts.all()) == []


def test_data_change_history_is_skipped(api, account_list, django_capture_on_commit_callbacks):
    content = fixture_text("tnt_export.xml").replace(
        "<TaskTypeID>1</TaskTypeID>\n        <HistoryDate>", "<TaskTypeID>190</TaskTypeID>\n        <HistoryDate>"
    )
    assert "<TaskTypeID>190</TaskTypeID>" in content
    import_record = run_content(api, account_list, django_capture_on_commit_callbacks, content)
    assert not Task.objects.filter(tnt_table="History").exists()
    assert import_record.tnt_summary["history"] == {"created": 0, "updated": 0, "skipped": 1, "failed": 0}
    # Its link has no task to link: skipped too, not failed.
    assert import_record.tnt_summary["history_contacts"]["skipped"] == 1
    assert import_record.failures.count() == 0


def test_a_gift_to_an_appeal_is_a_donation_with_its_appeal_and_a_pledge(
    api, account_list, django_capture_on_commit_callbacks
):
    run_tnt(api, account_list, "tnt_3_0_export_appeals.xml", django_capture_on_commit_callbacks)
    smith = Contact.objects.get(account_list=account_list, tnt_id="1620699916")
    (appeal,) = Appeal.objects.filter(account_list=account_list)
    assert (appeal.tnt_id, appeal.name, appeal.active) == ("-2079150908", "CSU", True)
    assert list(appeal.contacts.all()) == [smith]  # from its history row and its gift
    (donation,) = Donation.objects.filter(account_list=account_list)
    assert (donation.tnt_id, donation.amount, donation.donation_date) == (
        "-2100979831",
        Decimal("50"),
        date(2005, 6, 10),
    )
    assert (donation.appeal, donation.appeal_amount) == (appeal, Decimal("25"))
    assert donation.remote_id == "ICWMY" and donation.motivation == "S00000"
    assert donation.memo == "This donation was imported from Tnt."
    account = donation.donor_account
    assert (account.account_number, account.name) == ("432294333", "Smith, John and Jane")
    assert list(account.contacts.all()) == [smith]
    assert donation.designation_account.name.endswith("(Imported from TntConnect)")
    (pledge,) = Pledge.objects.filter(account_list=account_list)
    assert (pledge.contact, pledge.appeal, pledge.donation, pledge.amount) == (smith, appeal, donation, Decimal("25"))
    assert pledge.expected_date == date(2005, 6, 10)
    (history,) = Task.objects.filter(account_list=account_list)
    assert history.appeal == appeal and history.tags == ["CSU"] and history.activity_type == "Email"
    assert AccountList.objects.get(pk=account_list.pk).monthly_goal == Decimal("5000")


def gift_split_across_two_campaigns() -> str:
    """The 3.2 export with its gift's split into a second campaign too."""
    return (
        fixture_text("tnt_export_campaigns.xml")
        .replace("</Campaign>", '<row id="77"><Description>Building fund</Description></row></Campaign>')
        .replace(
            "</GiftSplit>",
            '<row id="78"><GiftID>-2100979831</GiftID><CampaignID>77</CampaignID><Amount>25</Amount></row></GiftSplit>',
        )
    )


def test_a_3_2_gift_split_across_two_campaigns_has_the_first_as_appeal_and_the_other_in_its_memo(
    api, account_list, django_capture_on_commit_callbacks
):
    run_content(api, account_list, django_capture_on_commit_callbacks, gift_split_across_two_campaigns())
    (donation,) = Donation.objects.filter(account_list=account_list)
    assert (donation.appeal.name, donation.appeal_amount) == ("CSU", Decimal("25"))
    assert donation.memo == (
        'This donation was imported from Tnt.\n$25.00 is designated to the "Building fund" appeal.'
    )
    (pledge,) = Pledge.objects.filter(account_list=account_list)
    assert (pledge.appeal.name, pledge.amount, pledge.donation) == ("CSU", Decimal("25"), donation)


def test_two_gifts_of_the_same_amount_on_the_same_day_stay_two(api, account_list, django_capture_on_commit_callbacks):
    run_tnt(api, account_list, "tnt_export_gifts_multiple_same_day.xml", django_capture_on_commit_callbacks)
    gifts = Donation.objects.filter(account_list=account_list).order_by("remote_id")
    assert [(g.amount, g.donation_date, g.remote_id) for g in gifts] == [
        (Decimal("50"), date(2013, 11, 20), "1-M84S3J"),
        (Decimal("25"), date(2013, 11, 21), "1-O73R2P"),
        (Decimal("25"), date(2013, 11, 21), "1-P92S8Q"),
    ]
    # No Donor rows: one donor account is made for the contact, and holds all three.
    (account,) = DonorAccount.objects.filter(account_list=account_list)
    assert account.donations.count() == 3 and account.contacts.get().name == "Test, Dave"


def test_gift_currencies_come_from_the_currency_table(api, account_list, django_capture_on_commit_callbacks):
    run_tnt(api, account_list, "tnt_3_2_export_with_personal_gift.xml", django_capture_on_commit_callbacks)
    gifts = {g.tnt_id: g for g in Donation.objects.filter(account_list=account_list)}
    assert (gifts["3"].currency, gifts["3"].tendered_currency, gifts["3"].tendered_amount) == ("CAD", "CAD", 50)
    assert (gifts["4"].currency, gifts["4"].tendered_currency) == ("USD", "USD")
    # Its splits name campaigns the file does not hold: nothing is lost, the memo says where the money went.
    assert gifts["4"].appeal is None
    assert gifts["4"].memo.count("is designated to the") == 2
    assert AccountList.objects.get(pk=account_list.pk).default_currency == "CAD"  # the base currency


def test_one_contact_with_several_donor_accounts(api, account_list, django_capture_on_commit_callbacks):
    run_tnt(api, account_list, "tnt_export_multi_donor_accounts.xml", django_capture_on_commit_callbacks)
    accounts = DonorAccount.objects.filter(account_list=account_list).order_by("account_number")
    assert [(a.tnt_id, a.account_number, a.organization.name) for a in accounts] == [
        ("132402006", "444444444", "Cru"),
        ("511548010", "555555555", "Cru"),
    ]
    assert accounts[0].organization.code == "CCC-USA"
    assert (accounts[0].street, accounts[0].city, accounts[0].postal_code) == (
        "1111 Sunnyslope Dr",
        "Pottstown",
        "19464-2665",
    )
    contact = Contact.objects.get(account_list=account_list)
    assert {a.id for a in contact.donor_accounts.all()} == {a.id for a in accounts}
    assert all(a.name == contact.name for a in accounts)  # named after the contact


def test_user_fields_and_the_fund_rep_become_tags(api, account_list, django_capture_on_commit_callbacks):
    content = (
        fixture_text("tnt_export_multi_donor_accounts.xml")
        .replace(
            "<User1>EFT</User1>",
            "<User1>EFT</User1><User2>Yes</User2><FundRepID>5</FundRepID><PledgeCurrencyID>9</PledgeCurrencyID>",
        )
        .replace(
            "</Tables>",
            "<Property><row id='1'><PropName>User1DisplayLabel</PropName>"
            "<PropValue>Giving method</PropValue></row></Property>"
            "<User><row id='5'><UserName>Josh Starcher</UserName></row></User>"
            "<Currency><row id='9'><Code>EUR</Code></row></Currency></Tables>",
        )
    )
    run_content(api, account_list, django_capture_on_commit_callbacks, content)
    contact = Contact.objects.get(account_list=account_list)
    assert sorted(t.name for t in contact.tags.all()) == ["Fund-Rep-Josh-Starcher", "Giving-method-EFT", "Yes"]
    assert contact.pledge_currency == "EUR"


def test_contact_and_person_extras(api, account_list, django_capture_on_commit_callbacks):
    content = fixture_text("tnt_export.xml").replace(
        "<FirstName>John</FirstName>",
        "<FirstName>John</FirstName><BirthdayMonth>2</BirthdayMonth><BirthdayDay>29</BirthdayDay>"
        "<Profession>Principal</Profession><BusinessName>State High</BusinessName>"
        "<SocialWeb1>https://example.com/john</SocialWeb1><SpouseBirthdayMonth>7</SpouseBirthdayMonth>"
        "<SpouseBirthdayDay>4</SpouseBirthdayDay><SpouseBirthdayYear>1970</SpouseBirthdayYear>",
        1,
    )
    run_content(api, account_list, django_capture_on_commit_callbacks, content)
    smith = Contact.objects.get(account_list=account_list, tnt_id="1620699916")
    assert (smith.pledge_start_date, smith.pledge_received, smith.next_ask) == (date(2004, 8, 26), False, None)
    assert (smith.last_call, smith.last_letter, smith.last_thank) == (
        date(2006, 9, 18),
        date(2006, 8, 31),
        date(2004, 8, 30),
    )
    assert (smith.direct_deposit, smith.magazine, smith.is_organization) == (False, False, True)
    john, jane = smith.people.order_by("is_spouse")
    assert (john.birthday_month, john.birthday_day, john.birthday_year) == (2, 29, None)  # no year
    assert (john.occupation, john.employer, john.websites) == ("Principal", "State High", "https://example.com/john")
    assert (jane.birthday_month, jane.birthday_day, jane.birthday_year) == (7, 4, 1970)
    # The home phone is the household's: both people have it.
    assert "(515) 555-1234" in {p.number for p in jane.phone_numbers.all()}
    # "Steve and Lisa Moss" referred the Does and is in no file: a tag and a note keep the name.
    doe = Contact.objects.get(account_list=account_list, tnt_id="-861693757")
    assert "missing-tnt-referred-by" in {t.name for t in doe.tags.all()}
    assert doe.notes.endswith("Referred by: Steve and Lisa Moss")
    assert smith.referred_by == doe


@pytest.mark.parametrize("name", TNT_FILES)
def test_a_second_import_of_the_same_file_creates_nothing(name, api, account_list, django_capture_on_commit_callbacks):
    first = run_tnt(api, account_list, name, django_capture_on_commit_callbacks)
    counts = {model: model.objects.filter(account_list=account_list).count() for model in BOOK_MODELS}
    links = [sorted(task.contacts.values_list("id", flat=True)) for task in Task.objects.order_by("tnt_id")]
    notes = sorted(Contact.objects.values_list("notes", flat=True))
    second = run_tnt(api, account_list, name, django_capture_on_commit_callbacks)
    assert second.status == Import.Status.COMPLETE and second.failures.count() == 0
    assert {model: model.objects.filter(account_list=account_list).count() for model in BOOK_MODELS} == counts
    assert [sorted(task.contacts.values_list("id", flat=True)) for task in Task.objects.order_by("tnt_id")] == links
    assert sorted(Contact.objects.values_list("notes", flat=True)) == notes
    for table, counters in second.tnt_summary.items():
        assert counters["created"] == 0, (table, counters)
        if table != "contacts":
            assert counters["updated"] == 0, (table, counters)
    assert sum(c["created"] for c in first.tnt_summary.values()) > 0


def test_with_override_a_second_import_updates_what_changed(api, account_list, django_capture_on_commit_callbacks):
    run_tnt(api, account_list, "tnt_export.xml", django_capture_on_commit_callbacks)
    content = fixture_text("tnt_export.xml").replace("for appointment", "for a second appointment")
    import_record = run_content(api, account_list, django_capture_on_commit_callbacks, content, override="true")
    assert import_record.tnt_summary["tasks"] == {"created": 0, "updated": 1, "skipped": 0, "failed": 0}
    assert import_record.tnt_summary["history"] == {"created": 0, "updated": 0, "skipped": 1, "failed": 0}
    assert Task.objects.get(tnt_table="Task").subject == "for a second appointment"
    assert Task.objects.count() == 2


@pytest.mark.parametrize("name", TNT_FILES)
def test_with_override_a_second_import_of_the_same_file_updates_nothing(
    name, api, account_list, django_capture_on_commit_callbacks
):
    run_tnt(api, account_list, name, django_capture_on_commit_callbacks)
    memos = sorted(Donation.objects.values_list("tnt_id", "appeal_id", "appeal_amount", "memo"))
    second = run_tnt(api, account_list, name, django_capture_on_commit_callbacks, override="true")
    assert second.status == Import.Status.COMPLETE and second.failures.count() == 0
    for table, counters in second.tnt_summary.items():
        # A contact found is "updated" (the import's rows_updated, as for CSV); the other tables count changes.
        assert (counters["created"], counters["updated"] if table != "contacts" else 0) == (0, 0), (table, counters)
    assert sorted(Donation.objects.values_list("tnt_id", "appeal_id", "appeal_amount", "memo")) == memos


def test_a_gift_s_appeal_comes_from_where_the_file_keeps_it_whatever_its_version_says(
    api, account_list, django_capture_on_commit_callbacks
):
    # An export whose Version is missing (or unreadable) still keeps a 3.2 gift's campaigns in GiftSplit rows:
    # a re-import with override used to take the appeal the Gift row lacks away and give it back.
    content = fixture_text("tnt_export_campaigns.xml").replace("<Version>3.2</Version>", "")
    run_content(api, account_list, django_capture_on_commit_callbacks, content)
    before = list(Donation.objects.values_list("tnt_id", "appeal__name", "appeal_amount", "memo"))
    assert [(name, amount) for _, name, amount, _ in before] == [("CSU", Decimal("25.00"))]
    again = run_content(api, account_list, django_capture_on_commit_callbacks, content, override="true")
    assert (again.tnt_summary["donations"]["updated"], again.tnt_summary["gift_splits"]["updated"]) == (0, 0)
    assert list(Donation.objects.values_list("tnt_id", "appeal__name", "appeal_amount", "memo")) == before
    # A 3.2 gift that names its campaign itself, with no GiftSplit rows, keeps it.
    Donation.objects.all().delete()
    content = fixture_text("tnt_export_campaigns.xml")
    content = content.replace(content[content.index("<GiftSplit>") : content.index("</GiftSplit>") + 12], "")
    content = content.replace(
        "<OrgGiftCode>ICWMY</OrgGiftCode>", "<OrgGiftCode>ICWMY</OrgGiftCode><CampaignID>-2079150908</CampaignID>"
    )
    run_content(api, account_list, django_capture_on_commit_callbacks, content)
    assert list(Donation.objects.values_list("appeal__name", "appeal_amount")) == [("CSU", Decimal("50.00"))]


def test_with_override_a_changed_3_2_gift_keeps_its_splits(api, account_list, django_capture_on_commit_callbacks):
    content = gift_split_across_two_campaigns()
    run_content(api, account_list, django_capture_on_commit_callbacks, content)
    before = Donation.objects.get(tnt_id="-2100979831")
    content = content.replace("<OrgGiftCode>ICWMY</OrgGiftCode>", "<OrgGiftCode>NEW</OrgGiftCode>")
    second = run_content(api, account_list, django_capture_on_commit_callbacks, content, override="true")
    assert second.tnt_summary["donations"]["updated"] == 1
    assert second.tnt_summary["gift_splits"]["updated"] == 0
    after = Donation.objects.get(tnt_id="-2100979831")
    assert after.remote_id == "NEW"
    assert (after.appeal_id, after.appeal_amount, after.memo) == (before.appeal_id, before.appeal_amount, before.memo)
    assert after.memo.endswith('is designated to the "Building fund" appeal.')
    again = run_content(api, account_list, django_capture_on_commit_callbacks, content, override="true")
    assert (again.tnt_summary["donations"]["updated"], again.tnt_summary["gift_splits"]["updated"]) == (0, 0)


def test_a_row_that_cannot_be_imported_is_a_failure_with_its_table_and_id(
    api, account_list, django_capture_on_commit_callbacks
):
    content = fixture_text("tnt_export_gifts_multiple_same_day.xml").replace(
        "<Amount>50</Amount>", "<Amount>fifty</Amount>", 1
    )
    import_record = run_content(api, account_list, django_capture_on_commit_callbacks, content)
    (failure,) = import_record.failures.all()
    assert failure.fields[:2] == ["Gift", "1"] and "amount" in failure.message
    assert import_record.tnt_summary["donations"] == {"created": 2, "updated": 0, "skipped": 0, "failed": 1}


def test_amounts_are_kept_to_the_cent_and_one_too_large_to_keep_fails_alone(
    api, account_list, django_capture_on_commit_callbacks
):
    # A base amount converted at an exchange rate has many decimals; it was unreadable, and the gift
    # silently took its tendered amount. An amount beyond the columns failed the whole import (PostgreSQL).
    content = (
        fixture_text("tnt_export_gifts_multiple_same_day.xml")
        .replace("<Amount>50</Amount>", "<Amount>50</Amount><BaseAmount>41.6666666666667</BaseAmount>", 1)
        .replace("<Amount>25</Amount>", "<Amount>999999999999999</Amount>", 1)
        .replace("<Amount>25</Amount>", "<Amount>25.125</Amount>", 1)
        .replace("<PledgeAmount>0</PledgeAmount>", "<PledgeAmount>99999999999999</PledgeAmount>")
        .replace(
            "<PledgeFrequencyID>0</PledgeFrequencyID>", "<PledgeFrequencyID>1.000000000000000001</PledgeFrequencyID>"
        )
    )
    import_record = run_content(api, account_list, django_capture_on_commit_callbacks, content)
    (failure,) = import_record.failures.all()
    assert failure.fields[:2] == ["Gift", "2"] and "999999999999999" in failure.message
    amounts = dict(Donation.objects.values_list("tnt_id", "amount"))
    assert amounts == {"1": Decimal("41.67"), "3": Decimal("25.12")}
    assert Donation.objects.get(tnt_id="1").tendered_amount == Decimal("50.00")
    contact = Contact.objects.get()
    assert (contact.pledge_amount, contact.pledge_frequency) == (None, Decimal(1))
    again = run_content(api, account_list, django_capture_on_commit_callbacks, content, override="true")
    assert again.tnt_summary["donations"]["updated"] == 0


def test_row_ids_are_read_without_the_spacing_around_them_as_the_fields_naming_them_are(
    api, account_list, django_capture_on_commit_callbacks
):
    content = fixture_text("tnt_export.xml").replace('<row id="1620699916">', '<row id=" 1620699916\n">')
    import_record = run_content(api, account_list, django_capture_on_commit_callbacks, content)
    assert import_record.tnt_summary["task_contacts"]["created"] == 1
    smith = Contact.objects.get(tnt_id="1620699916")
    assert list(smith.tasks.values_list("tnt_id", flat=True)) == ["-1918558789"]


def test_a_task_time_written_alone_and_a_date_with_its_offset_keep_their_time(
    api, account_list, django_capture_on_commit_callbacks
):
    content = (
        fixture_text("tnt_export.xml")
        .replace("<TaskTime>1899-12-30 16:30:00</TaskTime>", "<TaskTime>16:30:00</TaskTime>")
        .replace(
            "<HistoryDate>2004-08-26 19:00:00</HistoryDate>", "<HistoryDate>2004-08-26T19:00:00+02:00</HistoryDate>"
        )
    )
    run_content(api, account_list, django_capture_on_commit_callbacks, content)
    assert Task.objects.get(tnt_table="Task").start_at == at("2006-09-09 16:30:00")
    assert Task.objects.get(tnt_table="History").start_at == at("2004-08-26 17:00:00")


def test_a_row_without_an_id_in_a_table_stored_by_id_fails_so_a_second_import_creates_nothing(
    api, account_list, django_capture_on_commit_callbacks
):
    content = fixture_text("tnt_export.xml").replace('<row id="-1918558789">', "<row>")  # the Task row
    first = run_content(api, account_list, django_capture_on_commit_callbacks, content)
    (failure,) = first.failures.all()
    assert failure.fields[:2] == ["Task", ""] and failure.line_number == 1
    assert "has no id" in failure.message
    second = run_content(api, account_list, django_capture_on_commit_callbacks, content)
    assert second.failures.count() == 1
    assert list(Task.objects.values_list("tnt_table", "tnt_id")) == [("History", "620575700")]


def test_an_id_too_long_to_keep_fails_its_row_and_not_the_import(api, account_list, django_capture_on_commit_callbacks):
    long_contact, long_task = "1" * 60, "-" + "9" * 60
    content = fixture_text("tnt_export.xml").replace("1620699916", long_contact).replace("-1918558789", long_task)
    import_record = run_content(api, account_list, django_capture_on_commit_callbacks, content)
    failed = {tuple(f.fields[:2]): f.message for f in import_record.failures.all()}
    assert set(failed) == {("Contact", long_contact), ("Task", long_task)}
    assert all("longer than 40 characters" in message for message in failed.values())
    assert list(Contact.objects.values_list("name", flat=True)) == ["Doe, Bob and Dawn"]
    assert list(Task.objects.values_list("tnt_table", flat=True)) == ["History"]


def test_tables_nobody_imports_are_skipped_without_error(api, account_list, django_capture_on_commit_callbacks):
    content = fixture_text("tnt_export.xml").replace(
        "</Tables>",
        "<LocalProperty><row id='1'><Name>x</Name><Value><Nested>deep</Nested></Value></row></LocalProperty>"
        "<Picture><row id='2'><Data>AAAA</Data></row></Picture>"
        "<PendingAction><row id='3'><Action>sync</Action></row></PendingAction></Tables>",
    )
    import_record = run_content(api, account_list, django_capture_on_commit_callbacks, content)
    assert import_record.failures.count() == 0 and Task.objects.count() == 2


def test_links_before_their_tasks_in_the_file_are_read_in_a_second_pass():
    # Alphabetical (as TntConnect writes it): one pass; a Gift table before its Donor table: two.
    assert set(
        plan_passes([("Donor", 1), ("Gift", 2), ("GiftSplit", 1), ("Task", 1), ("TaskContact", 1)]).values()
    ) == {
        0,
        1,
    }
    plan = plan_passes([("Gift", 2), ("Donor", 1), ("GiftSplit", 1)])
    assert (plan["donor_accounts"], plan["donations"], plan["gift_splits"]) == (1, 2, 2)
    assert plan["tasks"] == 0  # no Task rows: nothing to read


def test_the_counters_per_table_are_in_the_email_the_admin_page_and_import_files_last_line(
    api, account_list, member, admin_client, django_capture_on_commit_callbacks, mailoutbox
):
    import_record = run_tnt(api, account_list, "tnt_export.xml", django_capture_on_commit_callbacks)
    (email,) = mailoutbox
    assert "What each table of the TntConnect file gave" in email.body
    assert "Task contacts" in email.body and "History" in email.body
    page = admin_client.get(f"/admin/imports/import/{import_record.pk}/change/").content.decode()
    assert "What each table of the TntConnect file gave" in page and "Donor accounts" in page

    from tests.imports.test_commands import import_file

    summary, _ = import_file(member, TNT / "tnt_export_with_multiple_task_contacts.xml", "--source", "tnt")
    assert summary["tnt_summary"]["task_contacts"] == {"created": 1, "updated": 0, "skipped": 1, "failed": 0}
    assert summary["tnt_summary"]["tasks"]["skipped"] == 1  # the same task as the first import's


def test_a_task_dated_in_a_form_tntconnect_does_not_write_fails_with_its_date_while_the_rest_import(
    api, account_list, django_capture_on_commit_callbacks
):
    # "9/9/2006" could be September or the 9th of either month by locale: guessing would store a wrong
    # date and dropping it would store the task undated without a word, so the row is reported.
    content = fixture_text("tnt_export_with_multiple_task_contacts.xml").replace(
        "<TaskDate>2006-09-09", "<TaskDate>9/9/2006"
    )
    assert content.count("<TaskDate>9/9/2006") == 1
    import_record = run_content(api, account_list, django_capture_on_commit_callbacks, content)
    assert not Task.objects.filter(account_list=account_list, tnt_table="Task").exists()
    (history,) = Task.objects.filter(account_list=account_list, tnt_table="History")
    assert history.start_at == at("2004-08-26 19:00:00")
    (failure,) = import_record.failures.all()
    assert failure.fields[:2] == ["Task", "-1918558789"]
    assert failure.message == "Task -1918558789 has a TaskDate that is not a date TntConnect writes ('9/9/2006')."
    assert import_record.tnt_summary["tasks"]["failed"] == 1


def test_a_gift_naming_an_appeal_the_file_lacks_says_so_in_its_memo(
    api, account_list, django_capture_on_commit_callbacks
):
    content = fixture_text("tnt_3_0_export_gifts.xml")
    assert "<Appeal>\n    </Appeal>" in content and content.count("<AppealID>2</AppealID>") == 1
    for _ in range(2):  # a second import of the same file tells it once still
        import_record = run_content(api, account_list, django_capture_on_commit_callbacks, content)
        assert import_record.failures.count() == 0
    gift = Donation.objects.get(donor_account__account_list=account_list, amount=Decimal("50"))
    assert gift.appeal is None
    assert gift.memo.splitlines()[-1] == '$50.00 is designated to the "TntConnect campaign 2 (not in the file)" appeal.'
    assert gift.memo.count("TntConnect campaign 2") == 1
