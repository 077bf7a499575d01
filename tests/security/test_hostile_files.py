"""Hostile and broken uploads through the real API.

Every file is built here, as bytes, and posted as a client would. A file that
cannot be imported gets a 4xx JSON:API error whose pointer names the file and
whose detail says what to do; no Import row is created and nothing is stored.
Never a 500, never a hang, and memory stays bounded. The table in
tests/security/README.md lists every case with its status and message; a test
below keeps the two in step.
"""

from __future__ import annotations

import io
import re
import struct
import tempfile
import threading
import tracemalloc
import zipfile
import zlib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.models import Import
from imports.pipeline.analysis import analyze_file
from tests.imports.helpers import imports_path

pytestmark = pytest.mark.django_db

README = Path(__file__).with_name("README.md")
FILE_POINTER = "/data/attributes/file"

# --------------------------------------------------------------------------- #
# The files
# --------------------------------------------------------------------------- #

CONTACTS_CSV = b"First Name,Last Name,Email\nAnn,Lee,ann@example.com\nBo,Diaz,bo@example.com\n"
TNT_EXPORT = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<Database><Application>TntConnect</Application>'
    b'<Version>3.2</Version><Tables><Contact><row id="1"><FileAs>Lee, Ann</FileAs>'
    b"<FirstName>Ann</FirstName><LastName>Lee</LastName></row></Contact></Tables></Database>\n"
)


def png_image() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )


def zip_archive() -> bytes:
    """A ZIP holding a CSV: someone zipped their export."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("contacts.csv", CONTACTS_CSV)
    return buffer.getvalue()


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{"".join(f"&lol{n - 1};" for _ in range(10))}">' for n in range(1, 10)
    ]
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE Database [{"".join(entities)}]>\n'
        "<Database><Application>TntConnect</Application><Version>3.2</Version><Tables><Contact>"
        '<row id="1"><FileAs>&lol9;</FileAs></row></Contact></Tables></Database>\n'
    ).encode()


def with_doctype(doctype: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n{doctype}\n<Database><Application>TntConnect</Application>'
        '<Version>3.2</Version><Tables><Contact><row id="1"><FileAs>&x;</FileAs></row></Contact>'
        "</Tables></Database>\n"
    ).encode()


# --------------------------------------------------------------------------- #
# The cases and their messages (the README table lists the same)
# --------------------------------------------------------------------------- #

EMPTY_CSV = "The file is empty: it has no header row. Upload a CSV file whose first line names the columns."
EMPTY_TNT = "The file is empty: expected a TntConnect XML export, as TntConnect's File > Export > XML writes it."
HEADER_ONLY = (
    "The file has a header row but no data rows: there is nothing to import. "
    "Check that you exported the sheet that holds your contacts."
)
PNG_AS_CSV = (
    "This file is not a CSV text file (it contains binary data: it looks like a PNG image). "
    "Export your spreadsheet as CSV and upload that."
)
ZIP_AS_CSV = (
    "This file is a ZIP archive, not an Excel workbook (.xlsx) or a CSV file. "
    "Save your contacts as .xlsx or as CSV UTF-8 and upload that file."
)
NOT_TNT = (
    "This is not a TntConnect export: expected an XML file whose root element is <Database> with <Tables>, "
    "as TntConnect's File > Export > XML writes it."
)
NUL_IN_HEAD = (
    "This file is not a CSV text file (it contains binary data). Export your spreadsheet as CSV and upload that."
)
NUL_ON_LINE = (
    "Line 10,002 contains binary data (a NUL byte), so this is not a CSV text file. "
    "Export your spreadsheet as CSV again and upload that."
)
LONG_CELL = (
    "Line 2 has a cell longer than {limit:,} characters, the most this service reads. "
    "Shorten that cell (or close a quote left open before it) and upload the file again."
)
MANY_COLUMNS = (
    "Line {line} has more than {limit:,} cells, the most this service reads in one row. "
    "Check that every line uses the same delimiter, remove the extra cells and upload the file again."
)
UNBALANCED_QUOTES = (
    "Line 3: unbalanced quotes. A quoted cell that starts on this line is never closed, so the rest of the file "
    'would be read as one cell. Close that quote (write a quote inside a cell as two quotes "") and upload the '
    "file again."
)
UNDECODABLE_UTF16_CSV = (
    "Line 3 contains bytes that are not valid UTF-16 text. "
    'Save the file as UTF-8 CSV ("CSV UTF-8" in Excel) and upload it again.'
)
UNDECODABLE_UTF16_VCARD = (
    "The file contains bytes that are not valid UTF-16 text, so it cannot be read. "
    "Export the contacts again as a vCard file (.vcf) and upload that."
)
# An unpaired UTF-16 surrogate: the one thing such text cannot hold.
LONE_SURROGATE = b"\x00\xd8"
DTD = "The file declares a DTD or entities, which TntConnect exports never contain; it was not processed."
OTHER_APPLICATION = (
    "This is not a TntConnect export: the file says it was written by \u201cMicrosoft Excel\u201d; expected an "
    "XML export written by TntConnect (or TntMPD) with File > Export > XML."
)
NO_TNT_CONTACTS = "The TntConnect export holds no contacts: there is nothing to import."
HUGE_TNT_FIELD = (
    "The Contact table holds a text longer than 1,000,000 characters, the most this service reads in one "
    "field (TntConnect never writes one so long); shorten it in TntConnect and export again."
)
XML_AS_CSV = (
    "This file is XML, not CSV. If it is a TntConnect export, upload it as a TntConnect import "
    "(POST .../imports/tnt); otherwise export your contacts as CSV and upload that."
)
HTML_AS_CSV = "This file is a web page (HTML), not CSV. Export your contacts as CSV and upload that."
NOT_DATA_SYNC = (
    "This is not a TntDataSync file: expected a donor file (.tntmpd or .tntdatasync) as a giving organisation's "
    "donor system exports it for TntConnect, with an [ORGANIZATION] section and [DONORS] and [GIFTS] sections "
    "whose rows are CSV under a header row{found}."
)
DATA_SYNC_HEAD = b"[ORGANIZATION]\nName=Org\n[DONORS]\nPEOPLE_ID,FIRST_NAME\n"
DATA_SYNC_GIFTS = b"[GIFTS]\nPEOPLE_ID,DONATION_ID\n"
NO_FILE = "A file is required: send it as data[attributes][file] in a multipart body."
LONG_NAME = (
    "The file name is too long: the upload's headers may hold at most 1,024 bytes. "
    "Rename the file to a shorter name (a few dozen characters is plenty) and upload it again."
)


@dataclass(frozen=True)
class Hostile:
    id: str
    endpoint: str  # "/csv", "/tnt" or "/tnt_data_sync"
    filename: str
    content: bytes
    message: str
    status: int = 400
    content_type: str = "text/csv"


TWENTY_MB = 20 * 1024 * 1024

CASES = [
    Hostile("empty CSV", "/csv", "contacts.csv", b"", EMPTY_CSV),
    Hostile("empty TNT export", "/tnt", "export.xml", b"", EMPTY_TNT, content_type="text/xml"),
    Hostile("header-only CSV", "/csv", "contacts.csv", b"First Name,Last Name,Email\r\n", HEADER_ONLY),
    Hostile("PNG renamed .csv", "/csv", "contacts.csv", png_image(), PNG_AS_CSV),
    Hostile("ZIP renamed .csv", "/csv", "contacts.csv", zip_archive(), ZIP_AS_CSV),
    Hostile("PNG renamed .xml", "/tnt", "export.xml", png_image(), NOT_TNT, content_type="text/xml"),
    Hostile("ZIP renamed .xml", "/tnt", "export.xml", zip_archive(), NOT_TNT, content_type="text/xml"),
    Hostile(
        "NUL bytes in the first block", "/csv", "contacts.csv", b"First Name,Last Name\nAnn,Le\x00e\n", NUL_IN_HEAD
    ),
    Hostile(
        "NUL byte on line 10,002",
        "/csv",
        "contacts.csv",
        b"First Name,Last Name\n" + b"Ann,Lee\n" * 10_000 + b"Bo,Di\x00az\n",
        NUL_ON_LINE,
    ),
    Hostile(
        "one 20 MB cell",
        "/csv",
        "contacts.csv",
        b"First Name,Notes\nAnn," + b"x" * TWENTY_MB + b"\n",
        LONG_CELL.format(limit=1_000_000),
    ),
    Hostile(
        "one 20 MB quoted cell",
        "/csv",
        "contacts.csv",
        b'First Name,Notes\nAnn,"' + b"x" * TWENTY_MB + b'"\n',
        LONG_CELL.format(limit=1_000_000),
    ),
    Hostile(
        "a header of 100,000 columns",
        "/csv",
        "contacts.csv",
        b",".join(b"c%d" % n for n in range(100_000)) + b"\nAnn\n",
        MANY_COLUMNS.format(line=1, limit=1_000),
    ),
    Hostile(
        "a row of 100,000 columns",
        "/csv",
        "contacts.csv",
        b"First Name,Last Name\nAnn,Lee\n" + b"x," * 99_999 + b"x\n",
        MANY_COLUMNS.format(line=3, limit=1_000),
    ),
    Hostile(
        "unbalanced quotes",
        "/csv",
        "contacts.csv",
        b'First Name,Last Name\nAnn,Lee\nBo,"Diaz\nCy,Park\n',
        UNBALANCED_QUOTES,
    ),
    # UTF-16 and UTF-32 with or without a byte-order mark are read; only what cannot be decoded is refused.
    Hostile(
        "UTF-16 CSV with an unpaired surrogate",
        "/csv",
        "contacts.csv",
        "First Name,Last Name\nAnn,Lee\nBo,".encode("utf-16-le") + LONE_SURROGATE + "\n".encode("utf-16-le"),
        UNDECODABLE_UTF16_CSV,
    ),
    Hostile(
        "UTF-16 vCard with an unpaired surrogate",
        "/csv",
        "contacts.vcf",
        "BEGIN:VCARD\nVERSION:3.0\nFN:Bo ".encode("utf-16-le") + LONE_SURROGATE + "\nEND:VCARD\n".encode("utf-16-le"),
        UNDECODABLE_UTF16_VCARD,
        content_type="text/vcard",
    ),
    Hostile("billion laughs", "/tnt", "export.xml", billion_laughs(), DTD, content_type="text/xml"),
    Hostile(
        "an internal DTD",
        "/tnt",
        "export.xml",
        with_doctype('<!DOCTYPE Database [<!ELEMENT Database ANY><!ENTITY x "y">]>'),
        DTD,
        content_type="text/xml",
    ),
    Hostile(
        "XML that is not a TntConnect export",
        "/tnt",
        "export.xml",
        b'<?xml version="1.0"?>\n<catalog><book id="1"><title>Contacts</title></book></catalog>\n',
        NOT_TNT,
        content_type="text/xml",
    ),
    Hostile(
        "a TntConnect-shaped export of another program",
        "/tnt",
        "export.xml",
        b"<Database><Application>Microsoft Excel</Application><Tables><Contact/></Tables></Database>",
        OTHER_APPLICATION,
        content_type="text/xml",
    ),
    Hostile(
        "a TNT export without contacts",
        "/tnt",
        "export.xml",
        b"<Database><Application>TntConnect</Application><Version>3.2</Version><Tables><Contact/></Tables></Database>",
        NO_TNT_CONTACTS,
        content_type="text/xml",
    ),
    Hostile(
        "one 20 MB field of a TNT export",
        "/tnt",
        "export.xml",
        b"<Database><Application>TntConnect</Application><Tables><Contact><row id='1'><Notes>"
        + b"x" * TWENTY_MB
        + b"</Notes></row></Contact></Tables></Database>",
        HUGE_TNT_FIELD,
        content_type="text/xml",
    ),
    Hostile("a CSV sent to the TNT endpoint", "/tnt", "export.xml", CONTACTS_CSV, NOT_TNT, content_type="text/xml"),
    Hostile(
        "empty TntDataSync file",
        "/tnt_data_sync",
        "donors.tntmpd",
        b"",
        NOT_DATA_SYNC.format(found="; this file has no [DONORS] or [GIFTS] section"),
    ),
    Hostile(
        "PNG renamed .tntmpd",
        "/tnt_data_sync",
        "donors.tntmpd",
        png_image(),
        NOT_DATA_SYNC.format(found=": this file holds binary data"),
    ),
    Hostile(
        "ZIP renamed .tntmpd",
        "/tnt_data_sync",
        "donors.tntmpd",
        zip_archive(),
        NOT_DATA_SYNC.format(found=": this file holds binary data"),
    ),
    Hostile(
        "a CSV sent to the TntDataSync endpoint",
        "/tnt_data_sync",
        "donors.tntmpd",
        CONTACTS_CSV,
        NOT_DATA_SYNC.format(found="; this file has no [DONORS] or [GIFTS] section"),
    ),
    Hostile(
        "a TNT export sent to the TntDataSync endpoint",
        "/tnt_data_sync",
        "donors.tntmpd",
        TNT_EXPORT,
        NOT_DATA_SYNC.format(found="; this file has no [DONORS] or [GIFTS] section"),
    ),
    Hostile(
        "a TntDataSync line of 20 MB",
        "/tnt_data_sync",
        "donors.tntmpd",
        DATA_SYNC_HEAD + b"1," + b"x" * TWENTY_MB + b"\n" + DATA_SYNC_GIFTS,
        "Line 5 is longer than 1,000,000 characters, the most this service reads in one line of a TntDataSync "
        "file. Check that the file is a TntDataSync donor file and upload it again.",
    ),
    Hostile(
        "a TntDataSync NUL byte on line 20,005",
        "/tnt_data_sync",
        "donors.tntmpd",
        DATA_SYNC_HEAD + b"1,Ann\n" * 20_000 + b"2,B\x00o\n" + DATA_SYNC_GIFTS,
        "Line 20,005 contains binary data (a NUL byte), so this is not a TntDataSync text file.",
    ),
    Hostile(
        "a TntDataSync row of 100,000 columns",
        "/tnt_data_sync",
        "donors.tntmpd",
        DATA_SYNC_HEAD + b"x," * 99_999 + b"x\n" + DATA_SYNC_GIFTS,
        "Line 5 has more than 1,000 cells, the most this service reads in one row.",
    ),
    Hostile(
        "TntDataSync sections without rows",
        "/tnt_data_sync",
        "donors.tntmpd",
        DATA_SYNC_HEAD + DATA_SYNC_GIFTS,
        "The TntDataSync file's [DONORS] and [GIFTS] sections hold no rows: there is nothing to import.",
    ),
    # The declared content type (and the name) lie about the content: the content decides.
    Hostile("a PNG declared as text/csv", "/csv", "contacts.csv", png_image(), PNG_AS_CSV, content_type="text/csv"),
    Hostile("a TNT export declared as text/csv", "/csv", "contacts.csv", TNT_EXPORT, XML_AS_CSV),
    Hostile(
        "a web page declared as text/csv",
        "/csv",
        "contacts.csv",
        b"<!DOCTYPE html>\n<html><body><table><tr><td>Ann</td></tr></table></body></html>\n",
        HTML_AS_CSV,
    ),
]


# --------------------------------------------------------------------------- #
# Helpers
# --------------------------------------------------------------------------- #


def stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def post_file(api, account_list, endpoint: str, filename: str, content: bytes, content_type: str = "text/csv"):
    upload = SimpleUploadedFile(filename, content, content_type=content_type)
    fields = {"data[type]": "imports", "data[attributes][file]": upload, "data[attributes][in_preview]": "true"}
    return api.post_multipart(imports_path(account_list, endpoint), fields)


def raw_multipart(filename: bytes, content: bytes, content_type: bytes = b"text/csv") -> tuple[bytes, str]:
    """A multipart body written by hand, so the file name reaches the server exactly as given."""
    boundary = b"hostile-boundary-7MA4YWxkTrZu0gW"
    body = b"".join(
        [
            b"--" + boundary + b"\r\n",
            b'Content-Disposition: form-data; name="data[type]"\r\n\r\nimports\r\n',
            b"--" + boundary + b"\r\n",
            b'Content-Disposition: form-data; name="data[attributes][file]"; filename="' + filename + b'"\r\n',
            b"Content-Type: " + content_type + b"\r\n\r\n",
            content,
            b"\r\n--" + boundary + b"--\r\n",
        ]
    )
    return body, f"multipart/form-data; boundary={boundary.decode()}"


def post_raw(api, account_list, endpoint: str, body: bytes, content_type: str):
    return api.client.generic("POST", imports_path(account_list, endpoint), body, content_type=content_type)


def assert_refused(response, status: int, message: str, *, pointer: str | None = FILE_POINTER) -> None:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.api+json")
    errors = response.json()["errors"]
    assert [error["detail"] for error in errors] == [message]
    assert errors[0]["status"] == str(status)
    if pointer is not None:
        assert errors[0]["source"] == {"pointer": pointer}
    assert b"Traceback" not in response.content
    assert Import.objects.count() == 0


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    """A media folder of this test's own, so that "nothing was stored" is not disturbed by other tests."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def loopback_server():
    """An HTTP server on 127.0.0.1 that records every request: proof that nothing was fetched."""
    hits: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/xml-dtd")
            self.end_headers()
            self.wfile.write(b'<!ENTITY x "fetched from the network">')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- #
# Tests
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_hostile_file_is_refused_with_a_message_and_nothing_is_kept(case, api, account_list):
    before = stored_files()
    response = post_file(api, account_list, case.endpoint, case.filename, case.content, case.content_type)
    assert_refused(response, case.status, case.message)
    assert stored_files() == before


def test_the_field_size_limit_is_a_setting_and_the_message_names_it(api, account_list, settings):
    settings.IMPORT_CSV_MAX_FIELD_SIZE = 5_000
    content = b"First Name,Notes\nAnn," + b"x" * 6_000 + b"\n"
    response = post_file(api, account_list, "/csv", "contacts.csv", content)
    assert_refused(response, 400, LONG_CELL.format(limit=5_000))


def test_the_column_limit_is_a_setting_and_the_message_names_it(api, account_list, settings):
    settings.IMPORT_CSV_MAX_COLUMNS = 10
    content = b",".join(b"c%d" % n for n in range(11)) + b"\nAnn\n"
    response = post_file(api, account_list, "/csv", "contacts.csv", content)
    assert_refused(response, 400, MANY_COLUMNS.format(line=1, limit=10))


def test_an_external_entity_naming_a_local_file_is_not_read(api, account_list, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    content = with_doctype(f'<!DOCTYPE Database [<!ENTITY x SYSTEM "file://{secret}">]>')
    response = post_file(api, account_list, "/tnt", "export.xml", content, "text/xml")
    assert_refused(response, 400, DTD)
    assert b"TOP-SECRET-MARKER" not in response.content


def test_an_external_entity_naming_a_url_is_not_fetched(api, account_list, loopback_server):
    url, hits = loopback_server
    content = with_doctype(f'<!DOCTYPE Database [<!ENTITY x SYSTEM "{url}/entity">]>')
    response = post_file(api, account_list, "/tnt", "export.xml", content, "text/xml")
    assert_refused(response, 400, DTD)
    assert hits == []


def test_an_external_dtd_is_not_fetched(api, account_list, loopback_server):
    url, hits = loopback_server
    content = with_doctype(f'<!DOCTYPE Database SYSTEM "{url}/tnt.dtd">')
    response = post_file(api, account_list, "/tnt", "export.xml", content, "text/xml")
    assert_refused(response, 400, DTD)
    assert hits == []


def test_a_parameter_entity_pulling_an_external_dtd_is_not_fetched(api, account_list, loopback_server):
    url, hits = loopback_server
    content = with_doctype(f'<!DOCTYPE Database [<!ENTITY % remote SYSTEM "{url}/remote.dtd"> %remote;]>')
    response = post_file(api, account_list, "/tnt", "export.xml", content, "text/xml")
    assert_refused(response, 400, DTD)
    assert hits == []


# --- File names: the stored name is generated, the original is display text only ------------

STORED_NAME = re.compile(r"^imports/\d{4}/\d{2}/[0-9a-f]{32}\.(csv|xml)$")


@pytest.mark.parametrize(
    ("filename", "display_name"),
    [
        (b"../../x.csv", "x.csv"),
        (b"../../../../etc/cron.d/x.csv", "x.csv"),
        (b"..\\..\\Windows\\System32\\x.csv", "x.csv"),
        (b"/absolute/path/x.csv", "x.csv"),
        (b"a\x00b\x07c\x1b[31m\tx.csv", "abc[31mx.csv"),
        ("caf\u00e9 \u202econtacts\u202c.csv".encode(), "caf\u00e9 contacts.csv"),
        (b"x" * 800 + b".csv", "x" * 251 + ".csv"),
    ],
    ids=["traversal", "deep traversal", "windows traversal", "absolute path", "control chars", "bidi", "800 chars"],
)
def test_a_hostile_file_name_is_only_display_text(filename, display_name, api, account_list):
    body, content_type = raw_multipart(filename, CONTACTS_CSV)
    response = post_raw(api, account_list, "/csv", body, content_type)
    assert response.status_code == 201, response.content
    record = Import.objects.get(pk=response.json()["data"]["id"])
    assert STORED_NAME.match(record.file.name), record.file.name
    assert Path(record.file.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert record.original_filename == display_name
    assert response.json()["data"]["attributes"]["original_filename"] == display_name
    assert all(ch.isprintable() for ch in record.original_filename)


def test_a_tnt_file_name_is_only_display_text_too(api, account_list):
    body, content_type = raw_multipart(b"../../export.xml", TNT_EXPORT, b"text/xml")
    response = post_raw(api, account_list, "/tnt", body, content_type)
    assert response.status_code == 201, response.content
    record = Import.objects.get(pk=response.json()["data"]["id"])
    assert STORED_NAME.match(record.file.name) and record.file.name.endswith(".xml")
    assert record.original_filename == "export.xml"


def test_a_file_name_of_1000_characters_is_refused_with_a_message(api, account_list):
    body, content_type = raw_multipart(b"x" * 996 + b".csv", CONTACTS_CSV)
    response = post_raw(api, account_list, "/csv", body, content_type)
    assert_refused(response, 400, LONG_NAME)


def test_a_file_name_that_is_only_dots_counts_as_no_file(api, account_list):
    body, content_type = raw_multipart(b"..", CONTACTS_CSV)
    response = post_raw(api, account_list, "/csv", body, content_type)
    assert_refused(response, 400, NO_FILE)


def test_a_csv_declared_as_an_image_is_read_for_what_it_is(api, account_list):
    response = post_file(api, account_list, "/csv", "photo.png", CONTACTS_CSV, content_type="image/png")
    assert response.status_code == 201, response.content
    record = Import.objects.get(pk=response.json()["data"]["id"])
    assert record.file.name.endswith(".csv") and record.rows_total == 2


# --- The request itself lies about its content type -------------------------------------------

NOT_JSON = (
    "The request body is not valid JSON (Expecting value: line 1 column 1 (char 0)). Send a JSON:API document "
    "with Content-Type: application/vnd.api+json, or upload the file as multipart/form-data."
)
NO_BOUNDARY = (
    "The multipart/form-data body has no valid boundary. Let your HTTP client build the body "
    "(for example curl -F 'data[attributes][file]=@contacts.csv') instead of setting Content-Type by hand."
)
UNSUPPORTED = (
    'Unsupported media type "text/csv" in request. Send a JSON:API document as application/vnd.api+json, '
    "or multipart/form-data with the file as data[attributes][file]."
)


def test_a_multipart_body_declared_as_json_api_is_refused(api, account_list):
    body, _ = raw_multipart(b"contacts.csv", CONTACTS_CSV)
    response = post_raw(api, account_list, "/csv", body, "application/vnd.api+json")
    assert_refused(response, 400, NOT_JSON, pointer="/data")


def test_a_multipart_content_type_without_a_boundary_is_refused(api, account_list):
    body, _ = raw_multipart(b"contacts.csv", CONTACTS_CSV)
    response = post_raw(api, account_list, "/csv", body, "multipart/form-data")
    assert_refused(response, 400, NO_BOUNDARY, pointer="/data")


def test_a_raw_csv_body_is_refused_as_an_unsupported_media_type(api, account_list):
    response = post_raw(api, account_list, "/csv", CONTACTS_CSV, "text/csv")
    assert_refused(response, 415, UNSUPPORTED, pointer=None)


TOO_MANY_FIELDS = (
    "The form has more than 1,000 fields. Send a large mapping as JSON text in one field "
    "(data[attributes][file_headers_mappings]={...}) or as a JSON:API document."
)
TOO_MANY_FILES = "The form holds too many files: send one file, as data[attributes][file]."
JSON_TOO_LARGE = "The request body is larger than 10 MB. Upload large files as multipart/form-data."


def test_a_form_of_more_than_1000_fields_is_refused_as_json_api(api, account_list):
    fields = {f"data[attributes][file_headers_mappings][field_{n}]": "x" for n in range(1001)}
    fields["data[attributes][file]"] = SimpleUploadedFile("contacts.csv", CONTACTS_CSV)
    response = api.post_multipart(imports_path(account_list, "/csv"), fields)
    assert_refused(response, 400, TOO_MANY_FIELDS, pointer="/data")


def test_a_form_of_more_than_100_files_is_refused_as_json_api(api, account_list):
    fields = {f"file_{n}": SimpleUploadedFile(f"contacts-{n}.csv", CONTACTS_CSV) for n in range(101)}
    response = api.post_multipart(imports_path(account_list, "/csv"), fields)
    assert_refused(response, 400, TOO_MANY_FILES, pointer="/data")


def test_a_json_body_over_the_memory_limit_is_413_as_json_api(api, account_list, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100  # below JSON_BODY_MAX_SIZE: Django itself refuses to read it
    document = {"data": {"type": "imports", "attributes": {"tag_list": "x" * 500}}}
    response = api.post_json(imports_path(account_list, "/csv"), document)
    assert_refused(response, 413, JSON_TOO_LARGE, pointer=None)


# --- Bounded memory ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"First Name,Notes\nAnn," + b"x" * TWENTY_MB + b"\n",
        b'First Name,Notes\nAnn,"' + b"x" * TWENTY_MB + b'"\n',
        b"x" * TWENTY_MB,
    ],
    ids=["20 MB cell", "20 MB quoted cell", "20 MB without a line break"],
)
def test_reading_a_huge_cell_takes_a_fraction_of_its_size_in_memory(content):
    with tempfile.TemporaryFile() as stream:
        stream.write(content)
        del content
        stream.seek(0)
        tracemalloc.start()
        try:
            with pytest.raises(ValidationError):
                analyze_file(source="csv", stream=stream)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < TWENTY_MB * 3 // 4, f"peak {peak:,} bytes"


# --- The README table lists every case ---------------------------------------------------------


def test_the_readme_table_records_every_hostile_input_with_its_status_and_message():
    table = README.read_text()
    for case in CASES:
        assert f"| {case.id} | {case.status} |" in table, case.id
        assert case.message in table, case.id
    for message in (LONG_NAME, NO_FILE, NOT_JSON, NO_BOUNDARY, UNSUPPORTED, DTD, TOO_MANY_FIELDS, TOO_MANY_FILES):
        assert message in table
