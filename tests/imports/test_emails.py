"""The email a user gets when an import ends, rendered by the real job: success, rows not imported, a crash."""

import pytest
from django.core import mail

from imports import services
from imports.models import Import
from imports.pipeline.job import run_import
from tests.imports.helpers import CUSTOM, INVALID_ROWS, make_import

pytestmark = pytest.mark.django_db


def html_of(message) -> str:
    [(html, media_type)] = message.alternatives
    assert media_type == "text/html"
    return html


def api_link(import_record) -> str:
    return f"http://localhost:8000/api/v2/account_lists/{import_record.account_list_id}/imports/{import_record.pk}"


def test_a_complete_import_sends_counts_the_account_list_and_a_link(member, settings):
    settings.SITE_URL = "http://localhost:8000"
    import_record = make_import(
        account_list=member.account_list,
        user=member.user,
        fixture="sample_csv_with_custom_headers.csv",
        mappings=CUSTOM,
    )
    assert import_record.status == Import.Status.COMPLETE and import_record.rows_failed == 0
    [message] = mail.outbox
    assert message.to == [member.user.email]
    assert message.subject == f"Your CSV import into {member.account_list.name} is complete: 3 created, 0 updated"
    for body in (message.body, html_of(message)):
        assert "sample_csv_with_custom_headers.csv" in body
        assert member.account_list.name in body
        assert api_link(import_record) in body
        assert str(import_record.pk) in body
        assert "/admin/" not in body
    assert "Contacts created:   3" in message.body
    assert "<strong>3</strong>" in html_of(message)
    assert message.attachments == []


def test_rows_not_imported_are_counted_explained_and_attached_as_a_csv(member, settings):
    settings.SITE_URL = "http://localhost:8000"
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM
    )
    [message] = mail.outbox
    assert message.subject == f"Your CSV import into {member.account_list.name} finished with 1 row not imported"
    assert "Rows not imported:  1" in message.body
    assert "Rows read:          3 of 3" in message.body
    assert "What to do next" in message.body and f"{api_link(import_record)}/failures" in message.body
    html = html_of(message)
    assert "<strong>1 row</strong> could not be imported" in html
    assert f'href="{api_link(import_record)}/failures"' in html
    [(filename, content, media_type)] = message.attachments
    assert (filename, media_type) == (f"import-{import_record.pk}-failures.csv", "text/csv")
    assert content.startswith("Error Message,fname,lname")
    assert "Traceback" not in message.body + html


def test_an_import_that_stops_says_why_and_that_nothing_is_lost(member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM, until="preview"
    )
    services.start_import(import_record=import_record, enqueue=False)
    import_record.file.storage.delete(import_record.file.name)  # the stored file is gone
    import_record = run_import(str(import_record.pk))
    assert import_record.status == Import.Status.FAILED
    [message] = mail.outbox
    assert message.subject == f"Your CSV import into {member.account_list.name} failed"
    for body in (message.body, html_of(message)):
        assert "stopped before it finished" in body
        assert "could not be read from storage" in body
        assert "imported before it stopped are kept" in body
        assert "Traceback" not in body and "Error:" not in body
    assert message.attachments == []


def test_names_are_written_as_is_in_text_and_escaped_in_html(member):
    member.account_list.name = "Smith & O'Brien <b>list</b>"
    member.account_list.save()
    make_import(
        account_list=member.account_list,
        user=member.user,
        fixture="sample_csv_with_custom_headers.csv",
        mappings=CUSTOM,
    )
    [message] = mail.outbox
    assert "Smith & O'Brien <b>list</b>" in message.subject
    assert "Smith & O'Brien <b>list</b>" in message.body
    html = html_of(message)
    assert "Smith &amp; O&#x27;Brien &lt;b&gt;list&lt;/b&gt;" in html
    assert "<b>list</b>" not in html
