"""The import admin: list, detail, downloads, and the start, cancel and re-import actions."""

import csv
import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contacts.models import Contact
from imports.models import Import
from tests.conftest import fixture_path
from tests.factories import AccountListFactory, ImportFactory, UserFactory
from tests.imports.helpers import (
    CUSTOM,
    CUSTOM_HEADERS_MAPPINGS,
    INVALID_ROWS,
    Mappings,
    make_import,
    named_rows,
    nameless_rows,
    upload,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/imports/import/"


def change_url(import_record) -> str:
    return reverse("admin:imports_import_change", args=[import_record.pk])


def admin_url(name: str, import_record) -> str:
    return reverse(f"admin:imports_import_{name}", args=[import_record.pk])


def run_action(client, action: str, *imports):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [str(i.pk) for i in imports]}, follow=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def many_imports(count: int) -> None:
    """Imports spread over several users and account lists, so a per-row query would show."""
    users, lists = UserFactory.create_batch(10), AccountListFactory.create_batch(10)
    for n in range(count):
        ImportFactory(
            account_list=lists[n % 10],
            user=users[n % 10],
            status=Import.Status.COMPLETE,
            rows_total=10,
            rows_processed=10,
            rows_failed=n % 3,
        )


def test_a_list_of_100_imports_costs_as_many_queries_as_a_list_of_5(admin_client):
    many_imports(5)
    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(CHANGELIST).status_code == 200
    many_imports(95)
    with CaptureQueriesContext(connection) as hundred:
        response = admin_client.get(CHANGELIST)
    assert response.context["cl"].result_count == 100
    assert len(response.context["cl"].result_list) == 100
    assert len(hundred) == len(few) <= 12, [q["sql"] for q in hundred.captured_queries]


def test_the_list_shows_owner_status_and_progress_newest_first(admin_client, member):
    older = make_import(account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM)
    newer = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM, until="preview"
    )
    response = admin_client.get(CHANGELIST)
    assert [i.pk for i in response.context["cl"].result_list] == [newer.pk, older.pk]
    html = response.content.decode()
    assert "3 of 3, 1 failed" in html
    assert member.account_list.name in html and member.user.email in html
    assert "In preview" in html and "Complete" in html


def test_filters_and_search_find_imports_by_status_source_owner_file_and_id(admin_client, member):
    finished = make_import(account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM)
    preview = make_import(
        account_list=member.account_list,
        user=member.user,
        content=named_rows(2),
        filename="other.csv",
        mappings=CUSTOM,
        until="preview",
    )

    def found(query: str) -> set:
        return {i.pk for i in admin_client.get(CHANGELIST + query).context["cl"].result_list}

    assert found("?status__exact=preview") == {preview.pk}
    assert found("?source__exact=tnt") == set()
    assert found(f"?account_list__id__exact={member.account_list.pk}") == {finished.pk, preview.pk}
    changelist = admin_client.get(CHANGELIST).context["cl"]
    date_filter = next(spec for spec in changelist.filter_specs if spec.title == "created at")
    today = next(choice for choice in date_filter.choices(changelist) if choice["display"] == "Today")
    assert found(today["query_string"]) == {finished.pk, preview.pk}
    assert found(f"?q={member.user.email}") == {finished.pk, preview.pk}
    assert found(f"?q={member.account_list.name}") == {finished.pk, preview.pk}
    assert found("?q=other.csv") == {preview.pk}
    assert found(f"?q={finished.pk}") == {finished.pk}
    assert found(f"?q={uuid.uuid4()}") == set()


def test_the_page_of_an_import_with_failures_explains_what_failed(admin_client, member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM
    )
    response = admin_client.get(change_url(import_record))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 row not imported" in html
    # Each column of the file next to the field it feeds; unmapped columns say so.
    header_rows = {row.header: row.fields for row in response.context["header_rows"]}
    assert header_rows["fname"] == ["First Name"]
    assert header_rows["Spouse-email-address"] == ["Spouse Email"]
    assert header_rows["skip"] == []
    assert "<td>fname</td>" in html and "First Name" in html and "not imported" in html
    constants = {(row.field, row.constant): row.values for row in response.context["constant_rows"]}
    assert constants[("Status", "Partner - Pray")] == ["Praying"]
    assert constants[("Commitment Frequency", "Monthly (1.0)")] == ["Monthly"]
    # The failed rows: line, reason and the row's own cells, labelled with the file's headers.
    failures = response.context["failures"].rows
    assert [f.line_number for f in failures] == [3]
    assert "not a valid email address" in failures[0].message
    assert ("email-address", "this is not a valid email") in failures[0].cells
    assert "Doe, John and Jane" in html  # a sample contact
    assert admin_url("failures", import_record) in html
    assert admin_url("file", import_record) in html
    assert admin_url("reimport", import_record) in html


def test_failed_rows_are_read_one_page_at_a_time_by_key(admin_client, member):
    import_record = make_import(
        account_list=member.account_list,
        user=member.user,
        content=nameless_rows(60),
        filename="bad.csv",
        mappings=CUSTOM,
    )
    assert import_record.rows_failed == 60
    response = admin_client.get(change_url(import_record))
    first = response.context["failures"]
    assert [row.line_number for row in first.rows] == list(range(2, 27))
    assert first.is_first and first.next_after
    second = admin_client.get(change_url(import_record) + f"?failures_after={first.next_after}").context["failures"]
    assert [row.line_number for row in second.rows] == list(range(27, 52))
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(change_url(import_record) + f"?failures_after={second.next_after}")
    last = response.context["failures"]
    assert [row.line_number for row in last.rows] == list(range(52, 62))
    assert last.next_after is None and last.previous_before
    assert "lines 52 to 61" in response.content.decode()
    failure_reads = [q["sql"] for q in queries.captured_queries if 'FROM "imports_importfailure"' in q["sql"]]
    assert failure_reads and all("LIMIT 26" in sql and "OFFSET" not in sql for sql in failure_reads), failure_reads
    back = admin_client.get(change_url(import_record) + f"?failures_before={last.previous_before}").context["failures"]
    assert [row.line_number for row in back.rows] == list(range(27, 52))
    assert back.previous_before and back.next_after
    garbled = admin_client.get(change_url(import_record) + "?failures_after=x.y").context["failures"]
    assert garbled.is_first


def test_the_failures_csv_and_the_file_can_be_downloaded(admin_client, member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM
    )
    response = admin_client.get(admin_url("failures", import_record))
    assert response["Content-Type"].startswith("text/csv")
    assert f"import-{import_record.pk}-failures.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Error Message" and rows[0][1:3] == ["fname", "lname"]
    assert len(rows) == 2
    response = admin_client.get(admin_url("file", import_record))
    assert b"".join(response.streaming_content) == fixture_path("csv", INVALID_ROWS).read_bytes()
    assert INVALID_ROWS in response["Content-Disposition"]


def test_pages_and_downloads_need_a_staff_login(client, member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM
    )
    client.force_login(member.user)  # a member of the list, but not staff
    for url in (change_url(import_record), admin_url("failures", import_record), admin_url("file", import_record)):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_start_action_starts_an_import_whose_mappings_are_valid(
    admin_client, member, django_capture_on_commit_callbacks
):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM, until="preview"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, "start_selected", import_record)
    assert any("started" in m for m in messages_of(response))
    import_record.refresh_from_db()
    assert import_record.status == Import.Status.COMPLETE  # Q_SYNC ran the job in-process
    assert import_record.rows_failed == 1


def test_start_shows_the_validation_messages_when_mappings_are_invalid(admin_client, member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM, until="preview"
    )
    Import.objects.filter(pk=import_record.pk).update(file_headers_mappings={"email_2": "nope"})
    response = run_action(admin_client, "start_selected", import_record)
    text = " ".join(messages_of(response))
    assert "cannot start" in text
    assert "maps to headers not in the file: ['nope']" in text
    assert "must map a name" in text
    import_record.refresh_from_db()
    assert import_record.status == Import.Status.PREVIEW
    page = admin_client.get(change_url(import_record)).content.decode()
    assert "It cannot start until these are fixed" in page


def test_start_button_on_the_page_starts_the_import(admin_client, member, django_capture_on_commit_callbacks):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM, until="preview"
    )
    assert 'id="start-import"' in admin_client.get(change_url(import_record)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(admin_url("start", import_record))
    assert response.status_code == 302 and response["Location"] == change_url(import_record)
    import_record.refresh_from_db()
    assert import_record.status == Import.Status.COMPLETE
    assert admin_client.get(admin_url("start", import_record)).status_code == 405


def test_cancel_action_cancels_a_queued_import(admin_client, member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM, until="preview"
    )
    Import.objects.filter(pk=import_record.pk).update(status=Import.Status.QUEUED)
    response = run_action(admin_client, "cancel_selected", import_record)
    assert any("cancelled" in m for m in messages_of(response))
    import_record.refresh_from_db()
    assert (import_record.status, import_record.cancel_requested) == (Import.Status.CANCELLED, True)


def test_cancel_stops_a_running_import_before_its_next_batch(admin_client, member, settings):
    """The job checks cancel_requested before each batch (50 rows in tests): it stops after the first."""
    from imports import services
    from imports.pipeline.job import run_import

    import_record = make_import(
        account_list=member.account_list,
        user=member.user,
        content=named_rows(120),
        filename="big.csv",
        mappings=CUSTOM,
        until="preview",
    )
    services.start_import(import_record=import_record, enqueue=False)
    cancel_messages = []

    def cancel_after_first_batch(running):
        if running.rows_processed == settings.IMPORT_BATCH_SIZE:
            response = admin_client.post(admin_url("cancel", running), follow=True)
            cancel_messages.extend(messages_of(response))

    run_import(str(import_record.pk), on_progress=cancel_after_first_batch)
    import_record.refresh_from_db()
    assert "stops before its next batch" in " ".join(cancel_messages)
    assert import_record.status == Import.Status.CANCELLED
    assert import_record.rows_processed == 50
    assert Contact.objects.filter(account_list=member.account_list).count() == 50
    assert "Cancelled" in admin_client.get(change_url(import_record)).content.decode()


def test_cancel_of_a_finished_import_is_refused_with_a_warning(admin_client, member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM
    )
    response = run_action(admin_client, "cancel_selected", import_record)
    assert any("only queued or running imports can be cancelled" in m for m in messages_of(response))
    import_record.refresh_from_db()
    assert import_record.status == Import.Status.COMPLETE


def test_cancel_button_of_an_import_in_preview_is_refused_as_the_service_says(admin_client, member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM, until="preview"
    )
    response = admin_client.post(admin_url("cancel", import_record), follow=True)
    assert messages_of(response) == [
        f"{import_record}: not cancelled, it is in preview; only queued or running imports can be cancelled."
    ]
    import_record.refresh_from_db()
    assert (import_record.status, import_record.cancel_requested) == (Import.Status.PREVIEW, False)


def test_reimport_of_the_corrected_failures_csv_makes_a_linked_import_and_runs_it(
    admin_client, member, django_capture_on_commit_callbacks
):
    original = make_import(account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM)
    failures_csv = b"".join(admin_client.get(admin_url("failures", original)).streaming_content).decode()
    fixed = failures_csv.replace("this is not a valid email", "bob@park.example").replace(
        "this is also not a valid email", "sara@kim.example"
    )
    assert admin_client.get(admin_url("reimport", original)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            admin_url("reimport", original),
            {"file": upload("fixed.csv", content=fixed.encode()), "start": "on"},
        )
    retry = Import.objects.get(retry_of=original)
    assert response["Location"] == change_url(retry)
    assert (retry.user, retry.account_list, retry.original_filename) == (member.user, member.account_list, "fixed.csv")
    assert retry.file_headers_mappings == original.file_headers_mappings
    retry.refresh_from_db()
    assert (retry.status, retry.rows_processed, retry.rows_failed) == (Import.Status.COMPLETE, 1, 0)
    assert set(Contact.objects.values_list("name", flat=True)) == {
        "Doe, John and Jane",
        "Park, Bob and Sara Kim",
        "joe@inter.net",
    }
    assert change_url(retry) in admin_client.get(change_url(original)).content.decode()


def test_reimport_of_an_unusable_file_says_why_and_makes_nothing(admin_client, member):
    original = make_import(account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM)
    response = admin_client.post(
        admin_url("reimport", original), {"file": upload("empty.csv", content=b"fname,lname\n,\n")}
    )
    assert response.status_code == 200
    assert "no data rows" in response.content.decode()
    assert not Import.objects.filter(retry_of=original).exists()


def test_options_of_an_import_in_preview_are_saved_by_the_service_and_rebuild_the_samples(admin_client, member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM, until="preview"
    )
    response = admin_client.post(
        change_url(import_record),
        {
            "tag_list": "from-admin",
            "file_headers_mappings": '{"first_name": "fname", "last_name": "lname"}',
            "file_constants_mappings": "{}",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    import_record.refresh_from_db()
    assert import_record.tag_list == "from-admin"
    assert import_record.file_headers_mappings == {"first_name": "fname", "last_name": "lname"}
    assert [sample.tags for sample in import_record.sample_contacts.all()] == [["from-admin"], ["from-admin"]]


def test_badly_shaped_mappings_are_refused_on_the_form(admin_client, member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM, until="preview"
    )
    response = admin_client.post(
        change_url(import_record),
        {"tag_list": "", "file_headers_mappings": '{"first_name": 3}', "file_constants_mappings": "[]"},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "header keys (strings)" in str(errors["file_headers_mappings"])
    assert "file_constants_mappings" in errors


def test_a_finished_import_has_no_editable_field_and_no_save_button(admin_client, member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM
    )
    html = admin_client.get(change_url(import_record)).content.decode()
    assert 'name="tag_list"' not in html and 'name="file_headers_mappings"' not in html
    assert 'name="_save"' not in html
    admin_client.post(change_url(import_record), {"tag_list": "changed", "status": "preview", "rows_failed": "0"})
    import_record.refresh_from_db()
    assert (import_record.tag_list, import_record.status, import_record.rows_failed) == ("", "complete", 1)


def test_imports_are_not_added_by_hand(admin_client):
    assert admin_client.get("/admin/imports/import/add/").status_code == 403


def test_the_columns_table_follows_the_order_of_the_file(admin_client, member):
    """PostgreSQL's jsonb sorts object keys; the page must still show the file's own column order."""
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM
    )
    rows = admin_client.get(change_url(import_record)).context["header_rows"]
    assert [row.header for row in rows[:4]] == ["fname", "lname", "Spouse-fname", "Spouse-lname"]


def test_the_page_of_an_import_in_preview_lists_the_values_no_constant_covers(admin_client, member):
    only_praying = Mappings(CUSTOM_HEADERS_MAPPINGS, {"status": [{"id": "Partner - Pray", "values": ["Praying"]}]})
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=only_praying, until="preview"
    )
    response = admin_client.get(change_url(import_record))
    constants = {(row.field, row.constant): row.values for row in response.context["constant_rows"]}
    assert constants[("Status", "Partner - Pray")] == ["Praying"]
    assert "Praying and giving" in constants[("Status", "")]
    assert "Praying" not in constants[("Status", "")]


def test_the_account_list_filter_is_a_search_box_not_a_list_of_every_account_list(admin_client, member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM
    )
    other = AccountListFactory(name="Someone else's list")
    make_import(account_list=other, fixture=INVALID_ROWS, mappings=CUSTOM)
    AccountListFactory.create_batch(50, name="Quiet list")
    html = admin_client.get(CHANGELIST).content.decode()
    assert "admin-autocomplete" in html and "autocomplete_filter.js" in html and "select2" in html
    assert "Quiet list" not in html  # no account list is rendered as a choice
    key = "account_list__id__exact"
    response = admin_client.get(CHANGELIST, {key: str(member.account_list.pk)})
    assert [i.pk for i in response.context["cl"].result_list] == [import_record.pk]
    assert f'<option value="{member.account_list.pk}" selected>{member.account_list.name}</option>' in (
        response.content.decode()
    )
    # What the box asks while someone types: Django's autocomplete view, searching the account list admin.
    found = admin_client.get(
        "/admin/autocomplete/",
        {"term": "someone", "app_label": "imports", "model_name": "import", "field_name": "account_list"},
    ).json()
    assert [item["text"] for item in found["results"]] == ["Someone else's list"]


def test_the_page_of_a_tnt_data_sync_import_shows_its_counters_and_failed_gifts(admin_client, member):
    content = (
        fixture_path("tnt", "tnt_data_sync_file.tntmpd").read_bytes() + b'"404","Nobody","1/2/2020","5","G-404",""\n'
    )
    import_record = make_import(
        account_list=member.account_list, user=member.user, source=Import.Source.TNT_DATA_SYNC, content=content
    )
    response = admin_client.get(change_url(import_record))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Donors" in html and "Donations" in html
    assert "import_by_group" not in html  # TntConnect's group options do not apply
    (failure,) = response.context["failures"].rows
    assert failure.line_number == 14
    assert "gift G-404 is of donor 404" in failure.message
    assert ("Section", "GIFTS") in failure.cells
