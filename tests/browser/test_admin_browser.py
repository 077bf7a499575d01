"""The import admin in a real browser: log in, read an import with failures, download its CSV, cancel one.

Headless Debian Chromium through Playwright, against pytest-django's
live_server. Screenshots go to test-output/ (gitignored).
"""

import csv
import io
from pathlib import Path

import pytest
from django.db import connections

from accounts.models import User
from imports.models import Import
from tests.browser.chromium import CHROMIUM, launch_chromium, log_in
from tests.imports.helpers import CUSTOM, INVALID_ROWS, make_import

pytestmark = [
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium chromium-driver"
    ),
    pytest.mark.django_db(transaction=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output"
PASSWORD = "browser-test-password"


@pytest.fixture
def staff(db):
    return User.objects.create_user("support@example.com", PASSWORD, is_staff=True, is_superuser=True)


@pytest.fixture
def browser_page(live_server, staff, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(exist_ok=True)
    with launch_chromium() as browser:
        context = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, live_server.url, staff.email, PASSWORD)
        yield page
        context.close()
        # ORM calls made while Playwright runs get their own connection; close it, or PostgreSQL
        # refuses to drop the test database at the end of the session ("accessed by other users").
        connections.close_all()


def test_staff_read_an_import_with_failures_download_its_csv_and_cancel_a_queued_one(
    browser_page, live_server, member, tmp_path
):
    page = browser_page
    failed = make_import(account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM)
    queued = make_import(
        account_list=member.account_list,
        user=member.user,
        content=b"fname,lname\nAnn,Lee\n",
        filename="waiting.csv",
        mappings=CUSTOM,
        until="preview",
    )
    Import.objects.filter(pk=queued.pk).update(status=Import.Status.QUEUED)

    page.goto(f"{live_server.url}/admin/imports/import/")
    assert page.locator("#result_list tbody tr").count() == 2
    assert "3 of 3, 1 failed" in page.inner_text("#result_list")
    page.screenshot(path=SCREENSHOTS / "admin-imports-list.png", full_page=True)

    page.get_by_role("link", name=failed.original_filename).click()
    page.wait_for_selector("#failed-rows")
    assert "1 row not imported" in page.inner_text("#import-summary")
    mapping_rows = {
        row.locator("td").nth(0).inner_text(): row.locator("td").nth(2).inner_text()
        for row in page.locator("#header-mappings tbody tr").all()
    }
    assert mapping_rows["fname"] == "First Name"
    assert mapping_rows["Spouse-email-address"] == "Spouse Email"
    assert mapping_rows["skip"] == "not imported"
    failure_rows = page.locator("#failed-rows tbody tr")
    assert failure_rows.count() == 1  # the row with only an email address imported, named after it
    assert failure_rows.nth(0).locator("td").nth(0).inner_text() == "3"
    assert "is not a valid email address" in failure_rows.nth(0).inner_text()
    page.screenshot(path=SCREENSHOTS / "admin-import-detail.png", full_page=True)

    with page.expect_download() as download_info:
        page.click("#download-failures")
    download = download_info.value
    assert download.suggested_filename == f"import-{failed.pk}-failures.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows = list(csv.reader(io.StringIO(saved.read_text())))
    assert rows[0][:3] == ["Error Message", "fname", "lname"]
    assert len(rows) == 2

    page.goto(f"{live_server.url}/admin/imports/import/")
    page.locator(f'input[name="_selected_action"][value="{queued.pk}"]').check()
    page.select_option('select[name="action"]', "cancel_selected")
    page.click('button[name="index"]')
    page.wait_for_selector(".messagelist")
    assert "cancelled" in page.inner_text(".messagelist")
    page.screenshot(path=SCREENSHOTS / "admin-imports-cancelled.png", full_page=True)
    queued.refresh_from_db()
    assert (queued.status, queued.cancel_requested) == (Import.Status.CANCELLED, True)
