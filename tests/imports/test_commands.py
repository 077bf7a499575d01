"""The operator commands: import_file, import_status and seed_demo, through call_command."""

import json
import os
import re
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import OutputWrapper
from django.test import Client

from accounts.models import ApiToken, User
from benchmarks.tnt_data_sync_file import DataSyncSize, data_sync_chunks
from benchmarks.tnt_export import ExportSize, export_bytes
from contacts.models import Contact
from imports.management.commands.import_file import Progress
from imports.models import Import
from tests.conftest import JsonApiClient, fixture_path
from tests.factories import ImportFactory
from tests.imports.helpers import CUSTOM, CUSTOM_CONSTANTS_MAPPINGS, CUSTOM_HEADERS_MAPPINGS, INVALID_ROWS, make_import

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def run(command: str, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_file(member, path, *args) -> tuple[dict, str]:
    out, err = run(
        "import_file", str(path), "--account-list", str(member.account_list.pk), "--user", member.user.email, *args
    )
    return json.loads(out.strip().splitlines()[-1]), err


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """A working directory of its own, to see that import_file writes nothing there unasked."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invalid_rows_mapping(folder: Path) -> Path:
    """A mapping file for INVALID_ROWS: two of its three rows fail."""
    mapping = folder / "mapping.json"
    headers = {k: v for k, v in CUSTOM_HEADERS_MAPPINGS.items() if k != "referred_by"}
    mapping.write_text(
        json.dumps({"file_headers_mappings": headers, "file_constants_mappings": CUSTOM_CONSTANTS_MAPPINGS})
    )
    return mapping


# --- import_file ----------------------------------------------------------------------


def test_import_file_ends_with_one_json_line_and_exit_status_0(member, in_tmp):
    summary, _ = import_file(member, fixture_path("csv", "sample_csv_to_import.csv"), "--mapping", "auto")
    assert set(summary) >= {
        "import_id",
        "status",
        "rows_processed",
        "rows_created",
        "rows_updated",
        "rows_failed",
        "seconds",
        "failures_csv",
    }
    assert (summary["status"], summary["rows_created"], summary["rows_failed"]) == ("complete", 1, 0)
    assert summary["failures_csv"] is None
    assert Contact.objects.get().name == "Doe, John and Jane"


def test_import_file_knows_a_tnt_data_sync_file_by_its_content_whatever_its_name(member, in_tmp):
    renamed = in_tmp / "donors.txt"
    content = fixture_path("tnt", "tnt_data_sync_file.tntmpd").read_bytes()
    renamed.write_bytes(content + b'"999","Nobody","01/02/2020","5.00","G-X","1"\n')
    summary, _ = import_file(member, renamed)
    import_record = Import.objects.get(pk=summary["import_id"])
    assert import_record.source == Import.Source.TNT_DATA_SYNC
    assert summary["status"] == "complete"
    assert summary["tnt_summary"]["donations"] == {"created": 1, "updated": 0, "skipped": 0, "failed": 1}
    assert summary["tnt_summary"]["donors"]["created"] == 1
    failures = Path(summary["failures_csv"])  # a gift's failure is written out too
    lines = failures.read_text().splitlines()
    assert lines[0] == "Error Message,Section,PEOPLE_ID or DONATION_ID,ACCT_NAME"
    assert lines[1].startswith('"Line 14: [GIFTS] gift G-X is of donor 999') and lines[1].endswith(",GIFTS,G-X,Nobody")
    failures.unlink()
    status, _ = run("import_status", str(import_record.pk))
    assert "donations" in status


def progress_lines(err: str, total: int) -> list[int]:
    """How many rows each plain progress line says were read, out of `total` (import_file not on a terminal)."""
    lines = err.splitlines()
    assert lines[-1].startswith(f"{total:,}/{total:,} rows (100%)"), lines[-1]
    return [int(line.split(f"/{total:,} rows ")[0].replace(",", "")) for line in lines]


def test_import_files_progress_counts_a_tnt_data_sync_files_donors_and_gifts(member, in_tmp, settings):
    settings.IMPORT_BATCH_SIZE = 20
    path = in_tmp / "donors.tntmpd"
    path.write_text("".join(data_sync_chunks(DataSyncSize(donors=30, gifts=270))))
    summary, err = import_file(member, path)
    assert summary["tnt_summary"]["donations"]["created"] == 270
    done = progress_lines(err, 300)  # a line every tenth of the 300 rows, the gifts' batches too
    assert done[0] == 30  # the donors: the import's rows
    assert len(done) == 10 and done == sorted(done)


def test_import_files_progress_counts_a_tntconnect_exports_later_tables(member, in_tmp, settings):
    settings.IMPORT_BATCH_SIZE = 20
    path = in_tmp / "export.xml"
    path.write_bytes(export_bytes(ExportSize(contacts=20, tasks=20, history=100, gifts=60)))
    summary, err = import_file(member, path)
    counters = Import.objects.get(pk=summary["import_id"]).tnt_steps
    read = {name: counters[name]["processed"] for name in ("referrals", "tasks", "history", "donations")}
    assert read == {"referrals": 20, "tasks": 20, "history": 100, "donations": 60}
    total = 20 + sum(counters[name]["processed"] for name in counters if name != "contacts")
    done = progress_lines(err, total)
    assert len(done) >= 8 and done == sorted(done)  # not standing at the 20 contacts while the rest is written


def test_failed_rows_still_exit_0_and_are_written_to_a_failures_csv(member, in_tmp):
    summary, _ = import_file(member, fixture_path("csv", INVALID_ROWS), "--mapping", str(invalid_rows_mapping(in_tmp)))
    assert (summary["status"], summary["rows_processed"], summary["rows_failed"]) == ("complete", 3, 1)
    failures = Path(summary["failures_csv"])
    assert failures.parent == Path(tempfile.gettempdir())  # never into the working directory
    assert failures.read_text().startswith("Error Message,fname,lname")
    assert not list(in_tmp.glob("*failures*"))
    failures.unlink()


def test_failures_csv_goes_where_the_option_says(member, in_tmp):
    wanted = in_tmp / "fix-these.csv"
    summary, _ = import_file(
        member,
        fixture_path("csv", INVALID_ROWS),
        "--mapping",
        str(invalid_rows_mapping(in_tmp)),
        "--failures-csv",
        str(wanted),
    )
    assert summary["rows_failed"] > 0
    assert summary["failures_csv"] == str(wanted)
    assert wanted.read_text().startswith("Error Message,")


def test_an_import_that_fails_exits_with_status_1_after_its_json_line(member, in_tmp, monkeypatch):
    def broken_rows(import_record, stream):
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr("imports.pipeline.job.rows_of", broken_rows)
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(
            "import_file",
            str(fixture_path("csv", "sample_csv_to_import.csv")),
            "--mapping",
            "auto",
            "--account-list",
            str(member.account_list.pk),
            "--user",
            member.user.email,
            stdout=out,
            stderr=err,
        )
    assert exited.value.code == 1
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["status"] == "failed" and "the disk is on fire" in summary["error"]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"path": "/no/such/file.csv"}, "No such file"),
        ({"user": "nobody@example.com"}, "No user with the email"),
        ({"account_list": "not-a-uuid"}, "is not a member of an account list"),
        ({"extra": ["--mapping", "/no/such/mapping.json"]}, "Cannot read the mapping file"),
        ({"extra": ["--mapping", "auto", "--failures-csv", "/no/such/folder/f.csv"]}, "No such folder"),
        ({"extra": []}, "must map a name"),  # no mapping at all: nothing to start with
    ],
)
def test_bad_arguments_exit_with_status_2(member, in_tmp, change, message):
    path = change.get("path", str(fixture_path("csv", "sample_csv_with_custom_headers.csv")))
    args = [
        path,
        "--account-list",
        change.get("account_list", str(member.account_list.pk)),
        "--user",
        change.get("user", member.user.email),
        *change.get("extra", []),
    ]
    with pytest.raises(CommandError) as error:
        call_command("import_file", *args, stdout=StringIO(), stderr=StringIO())
    assert error.value.returncode == 2
    assert message in str(error.value)


def test_bad_arguments_really_exit_the_process_with_status_2(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test", "MEDIA_ROOT": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_file", "/no/such/file.csv", "--account-list", "x", "--user", "a@b.c"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "No such file" in result.stderr


def test_preview_prints_the_analysis_and_imports_nothing(member, in_tmp):
    out, _ = run(
        "import_file",
        str(fixture_path("csv", "sample_csv_to_import.csv")),
        "--preview",
        "--mapping",
        "auto",
        "--account-list",
        str(member.account_list.pk),
        "--user",
        member.user.email,
    )
    analysis = json.loads(out)
    assert analysis["file_headers"]["first_name"] == "First Name"
    assert analysis["file_headers_mappings"]["first_name"] == "first_name"
    assert analysis["sample_contacts"][0]["name"] == "Doe, John and Jane"
    assert Import.objects.get(pk=analysis["import_id"]).status == Import.Status.PREVIEW
    assert not Contact.objects.exists()


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_is_a_bar_with_rows_rate_and_time_left():
    stream = Terminal()
    progress = Progress(OutputWrapper(stream), total=1000)
    progress.update(ImportFactory.build(rows_processed=250))
    redraw = stream.getvalue().split("\r")[-1]
    assert "━" in redraw and " 250/1000" in redraw and " rows " in redraw and " rows/s " in redraw
    assert re.search(
        r"[-\d]+:[-\d]{2}:[-\d]{2}$", redraw.removesuffix("\x1b[0m")
    )  # the time left ("-:--:--" until a rate is known)
    progress.update(ImportFactory.build(rows_processed=1000))
    progress.done(ImportFactory.build(rows_processed=1000))
    assert stream.getvalue().endswith("\n\x1b[?25h")  # the bar ends on its own line, cursor shown again


def test_progress_without_a_terminal_is_a_plain_line_every_tenth():
    stream = StringIO()
    progress = Progress(OutputWrapper(stream), total=100)
    for done in range(5, 101, 5):
        progress.update(ImportFactory.build(rows_processed=done))
    lines = stream.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[0].startswith("10/100 rows (10%)") and "rows/s" in lines[0] and "s left" in lines[0]
    assert "\r" not in stream.getvalue()


# --- import_status --------------------------------------------------------------------


def test_import_status_lists_recent_imports_as_a_table(member):
    finished = make_import(account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM)
    preview = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM, until="preview"
    )
    out, _ = run("import_status")
    header, rule, *rows = out.splitlines()
    assert header.split()[:4] == ["id", "created", "source", "status"]
    assert set(rule) == {"-", " "}
    assert rows[0].startswith(str(preview.pk)) and rows[1].startswith(str(finished.pk))
    assert "3/3, 1 failed" in rows[1] and member.user.email in rows[1]
    out, _ = run("import_status", "--status", "preview", "--json")
    assert [item["import_id"] for item in json.loads(out)] == [str(preview.pk)]


def test_import_status_shows_one_import_with_its_mappings_and_failed_rows(member):
    import_record = make_import(
        account_list=member.account_list, user=member.user, fixture=INVALID_ROWS, mappings=CUSTOM
    )
    out, _ = run("import_status", str(import_record.pk))
    assert f"import id         {import_record.pk}" in out
    assert "rows failed       1" in out
    assert "fname -> First Name" in out
    assert "line 3: Email 1: 'this is not a valid email' is not a valid email address" in out
    document = json.loads(run("import_status", str(import_record.pk), "--json")[0])
    assert document["rows_failed"] == 1 and [f["line_number"] for f in document["failures"]] == [3]


@pytest.mark.parametrize("import_id", ["nope", "9b0c1f0e-0000-4000-8000-000000000000"])
def test_import_status_of_an_unknown_import_exits_with_status_2(import_id):
    with pytest.raises(CommandError) as error:
        run("import_status", import_id)
    assert error.value.returncode == 2


# --- seed_demo ------------------------------------------------------------------------


def test_seed_demo_makes_a_staff_user_a_token_and_imports_in_every_state(mailoutbox):
    out, _ = run("seed_demo")
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["admin_url"].endswith("/admin/imports/import/")
    assert "demo@example.com / demo-password" in out and summary["token"] in out
    user = User.objects.get(email="demo@example.com")
    assert user.is_staff and user.check_password("demo-password")
    assert JsonApiClient(summary["token"]).get("/api/v2/user").status_code == 200
    imports = {i.original_filename: i for i in Import.objects.filter(account_list_id=summary["account_list_id"])}
    statuses = {name: i.status for name, i in imports.items()}
    assert statuses == {
        "sample_csv_with_custom_headers.csv": "complete",
        "sample_csv_with_some_invalid_rows.csv": "complete",
        "sample_csv_with_fullname.csv": "preview",
        "tnt_export.xml": "complete",
        "sample_csv_to_import.csv": "cancelled",
    }
    assert imports["sample_csv_with_some_invalid_rows.csv"].rows_failed == 1
    assert imports["tnt_export.xml"].rows_created == 2
    assert imports["sample_csv_with_fullname.csv"].file_headers_mappings["full_name"] == "full_name"
    assert mailoutbox == []  # demo imports send no email unless --send-emails
    client = Client()
    assert client.login(username="demo@example.com", password="demo-password")
    assert "sample_csv_with_some_invalid_rows.csv" in client.get("/admin/imports/import/").content.decode()


def test_seed_demo_twice_duplicates_nothing_and_replaces_the_token():
    first = json.loads(run("seed_demo")[0].strip().splitlines()[-1])
    counts = (Import.objects.count(), Contact.objects.count(), User.objects.count())
    second = json.loads(run("seed_demo", "--password", "another-password")[0].strip().splitlines()[-1])
    assert (Import.objects.count(), Contact.objects.count(), User.objects.count()) == counts
    assert (first["user_id"], first["account_list_id"]) == (second["user_id"], second["account_list_id"])
    assert ApiToken.objects.filter(user_id=second["user_id"]).count() == 1
    assert JsonApiClient(first["token"]).get("/api/v2/user").status_code == 401
    assert JsonApiClient(second["token"]).get("/api/v2/user").status_code == 200
    assert User.objects.get(pk=second["user_id"]).check_password("another-password")


def test_seed_demo_needs_nothing_outside_the_service(settings):
    from imports.management.commands.seed_demo import DEMO_FILES, DEMO_IMPORTS

    assert DEMO_FILES.is_relative_to(ROOT)
    assert all((DEMO_FILES / demo.filename).is_file() for demo in DEMO_IMPORTS)
