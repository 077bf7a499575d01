"""One gift told by both sources, a TntConnect export (Gift) and its organisation's TntDataSync file ([GIFTS]).

Through HTTP and the real task: the gift is one donation in either order of
import, known by its organisation and the organisation's code for it
(OrgGiftCode, DONATION_ID); other gifts stay apart, and an undo of the
second import leaves the donation the first made.
"""

from datetime import date
from decimal import Decimal

import pytest

from fundraising.models import Donation, DonorAccount, Organization, Pledge
from imports.models import Import
from tests.imports.test_tnt_book import fixture_text, run_content
from tests.imports.test_tnt_data_sync_flow import data_sync_file, run_data_sync
from tests.imports.test_undo import undo as post_undo

pytestmark = pytest.mark.django_db

# tnt_3_0_export_appeals.xml: a gift ICWMY of 50 on 2005-06-10 to the appeal CSU (25 of it), of the donor
# 432294333 at the organisation -1030947333, which this Organization row says is Wycliffe's.
ORGANIZATION_ROW = (
    '<Organization><row id="-1030947333"><Code>WBT-USA</Code><Description>Wycliffe USA</Description></row>'
    "</Organization>\n  </Tables>"
)
DONOR = '"432294333","Mr. and Mrs. John Smith","P","Smith","John","","","","","Jane"'
THE_GIFT = '"432294333","Mr. and Mrs. John Smith","06/10/2005","50.00","ICWMY","244402"'
# Of the same donor, amount and day, with another code: another gift.
ANOTHER_GIFT = '"432294333","Mr. and Mrs. John Smith","06/10/2005","50.00","ICWMZ","244402"'


def tnt_export() -> str:
    content = fixture_text("tnt_3_0_export_appeals.xml")
    assert content.count("</Tables>") == 1
    return content.replace("</Tables>", ORGANIZATION_ROW)


def import_tnt(api, account_list, capture, **attributes) -> Import:
    return run_content(api, account_list, capture, tnt_export(), **attributes)


def import_data_sync(api, account_list, capture, *, gifts=(THE_GIFT, ANOTHER_GIFT), organization="") -> Import:
    content = data_sync_file([DONOR], list(gifts), organization=organization)
    return run_data_sync(api, account_list, capture, "wycliffe.tntmpd", content)


def undo(api, account_list, import_record, capture) -> Import:
    response = post_undo(api, account_list, import_record, capture)
    assert response.status_code in (200, 202), response.content
    import_record.refresh_from_db()
    assert import_record.status == Import.Status.UNDONE, import_record.error
    return import_record


def donations(account_list) -> list[tuple[str, str, Decimal, date]]:
    rows = Donation.objects.filter(account_list=account_list).order_by("remote_id")
    return [(d.remote_id, d.tnt_id, d.amount, d.donation_date) for d in rows]


BOTH_GIFTS = [
    ("ICWMY", "-2100979831", Decimal("50"), date(2005, 6, 10)),
    ("ICWMZ", "", Decimal("50"), date(2005, 6, 10)),
]


def assert_the_gift_has_its_appeal_and_pledge(account_list) -> None:
    donation = Donation.objects.get(account_list=account_list, remote_id="ICWMY")
    assert (donation.appeal.name, donation.appeal_amount) == ("CSU", Decimal("25"))
    (pledge,) = Pledge.objects.filter(account_list=account_list)
    assert (pledge.donation, pledge.appeal, pledge.amount) == (donation, donation.appeal, Decimal("25"))


def assert_a_reimport_of_either_file_creates_nothing(api, account_list, capture) -> None:
    data_sync_again = import_data_sync(api, account_list, capture)
    assert data_sync_again.tnt_summary["donations"] == {"created": 0, "updated": 0, "skipped": 2, "failed": 0}
    tnt_again = import_tnt(api, account_list, capture)
    assert tnt_again.tnt_summary["donations"] == {"created": 0, "updated": 0, "skipped": 1, "failed": 0}
    assert donations(account_list) == BOTH_GIFTS
    assert Pledge.objects.filter(account_list=account_list).count() == 1


def test_a_gift_imported_from_tntconnect_then_from_data_sync_is_one_donation(
    api, account_list, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    import_tnt(api, account_list, capture)
    second = import_data_sync(api, account_list, capture)
    assert donations(account_list) == BOTH_GIFTS
    assert second.tnt_summary["donations"] == {"created": 1, "updated": 0, "skipped": 1, "failed": 0}
    assert Organization.objects.filter(account_list=account_list).count() == 1
    (account,) = DonorAccount.objects.filter(account_list=account_list)
    assert account.donations.count() == 2
    assert_the_gift_has_its_appeal_and_pledge(account_list)
    assert_a_reimport_of_either_file_creates_nothing(api, account_list, capture)


def test_a_gift_imported_from_data_sync_then_from_tntconnect_is_one_donation(
    api, account_list, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    first = import_data_sync(api, account_list, capture)
    told = Donation.objects.get(account_list=account_list, remote_id="ICWMY")
    second = import_tnt(api, account_list, capture)
    assert donations(account_list) == BOTH_GIFTS
    assert second.tnt_summary["donations"] == {"created": 0, "updated": 0, "skipped": 1, "failed": 0}
    donation = Donation.objects.get(account_list=account_list, remote_id="ICWMY")
    assert donation.pk == told.pk and donation.import_record_id == first.pk
    # The organisation's values stay without override; the export adds the appeal the file could not give.
    assert donation.designation_account.designation_number == "244402"
    assert_the_gift_has_its_appeal_and_pledge(account_list)
    assert_a_reimport_of_either_file_creates_nothing(api, account_list, capture)


def test_with_override_the_second_source_updates_the_one_donation(
    api, account_list, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    import_data_sync(api, account_list, capture, gifts=[THE_GIFT])
    second = import_tnt(api, account_list, capture, override="true")
    assert second.tnt_summary["donations"] == {"created": 0, "updated": 1, "skipped": 0, "failed": 0}
    (donation,) = Donation.objects.filter(account_list=account_list)
    assert donation.memo == "This donation was imported from Tnt." and donation.motivation == "S00000"


def test_the_same_code_at_another_organisation_is_another_gift(api, account_list, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    other = "Name=Other Mission\nCode=OTHER\nDefaultCurrencyCode=USD"
    import_data_sync(api, account_list, capture, gifts=[THE_GIFT])
    of_the_other = import_data_sync(api, account_list, capture, gifts=[THE_GIFT], organization=other)
    assert of_the_other.tnt_summary["donations"]["created"] == 1
    import_tnt(api, account_list, capture)  # its gift is Wycliffe's, not the other organisation's
    import_data_sync(api, account_list, capture, gifts=[THE_GIFT], organization=other)
    gifts = Donation.objects.filter(account_list=account_list, remote_id="ICWMY")
    assert sorted((d.donor_account.organization.code, d.tnt_id) for d in gifts) == [
        ("OTHER", ""),
        ("WBT-USA", "-2100979831"),
    ]


def test_undoing_the_tntconnect_import_after_the_data_sync_one_keeps_the_donation(
    api, account_list, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    import_data_sync(api, account_list, capture)
    second = import_tnt(api, account_list, capture)
    undo(api, account_list, second, capture)
    donation = Donation.objects.get(account_list=account_list, remote_id="ICWMY")
    assert (donation.tnt_id, donation.appeal, donation.appeal_amount) == ("", None, None)
    assert not Pledge.objects.filter(account_list=account_list).exists()
    assert [remote_id for remote_id, *_ in donations(account_list)] == ["ICWMY", "ICWMZ"]
    # The export imported again finds the gift again.
    import_tnt(api, account_list, capture)
    assert donations(account_list) == BOTH_GIFTS
    assert_the_gift_has_its_appeal_and_pledge(account_list)


def test_undoing_the_data_sync_import_after_the_tntconnect_one_keeps_the_donation(
    api, account_list, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    first = import_tnt(api, account_list, capture)
    second = import_data_sync(api, account_list, capture)
    undo(api, account_list, second, capture)
    (donation,) = Donation.objects.filter(account_list=account_list)
    assert (donation.remote_id, donation.tnt_id, donation.import_record_id) == ("ICWMY", "-2100979831", first.pk)
    assert_the_gift_has_its_appeal_and_pledge(account_list)


def test_undoing_the_data_sync_import_that_the_tntconnect_one_found_keeps_their_donation(
    api, account_list, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    first = import_data_sync(api, account_list, capture)
    import_tnt(api, account_list, capture)
    undone = undo(api, account_list, first, capture)
    # The gift the export found is the export's too now: kept, and listed; the file's other gift goes.
    assert donations(account_list) == BOTH_GIFTS[:1]
    assert undone.undo["tables"]["donations"] == {"removed": 1, "restored": 0, "kept": 1}
    assert_the_gift_has_its_appeal_and_pledge(account_list)
