"""The TntConnect XML reader: real exports, hostile files, broken files, scale."""

from __future__ import annotations

import io
import socket
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, TypeVar
from xml.sax.saxutils import escape

import pytest

from imports.pipeline.readers.tnt import (
    DTD_MESSAGE,
    EMPTY_MESSAGE,
    NOT_TNT_MESSAGE,
    TRUNCATED_MESSAGE,
    TntAnalysis,
    TntContactRow,
    TntFileError,
    TntGroup,
    analyze_tnt,
    iter_tnt_contacts,
)

FIXTURES = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "tnt"
FIXTURE_FILES = sorted(FIXTURES.glob("*.xml"))
T = TypeVar("T")


def analyze_bytes(data: bytes) -> TntAnalysis:
    return analyze_tnt(io.BytesIO(data))


def contacts_of(data: bytes) -> list[TntContactRow]:
    return list(iter_tnt_contacts(io.BytesIO(data)))


def tnt_xml(
    contacts: list[dict[str, str]],
    *,
    version: str = "3.0",
    application: str = "TntConnect",
    groups: str = "",
    before: str = "",
    after: str = "",
) -> bytes:
    """A small export; contact dicts may carry their row id under "id"."""
    rows = []
    for number, contact in enumerate(contacts, start=1):
        contact = dict(contact)
        row_id = contact.pop("id", str(number))
        cells = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in contact.items())
        rows.append(f'<row id="{row_id}">{cells}</row>')
    return (
        f"<Database><Application>{application}</Application>"
        f"<Version>{version}</Version><Tables>{before}"
        f"<Contact>{''.join(rows)}</Contact>{groups}{after}</Tables></Database>"
    ).encode()


class TrickleStream(io.RawIOBase):
    """Returns at most `step` bytes per read, to split the input anywhere."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data = data
        self._step = step
        self._offset = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self._step if size is None or size < 0 else min(size, self._step)
        chunk = self._data[self._offset : self._offset + size]
        self._offset += len(chunk)
        return chunk


# ------------------------------------------------------------- real exports


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.name)
def test_every_fixture_analyses_to_the_contacts_it_reads(path: Path) -> None:
    with path.open("rb") as stream:
        analysis = analyze_tnt(stream)
    with path.open("rb") as stream:
        rows = list(iter_tnt_contacts(stream))

    assert analysis.application in ("TntConnect", "TntMPD")
    assert analysis.version in ("3.0", "3.2")
    assert analysis.contact_count == len(rows) >= 1
    assert analysis.samples == rows[:4]
    assert [row.position for row in rows] == list(range(1, len(rows) + 1))
    assert all(row.tnt_id and row.fields.get("FileAs") for row in rows)


def test_the_analysis_of_an_export_gives_its_version_count_and_first_contacts_fields_as_written() -> None:
    with (FIXTURES / "tnt_export.xml").open("rb") as stream:
        analysis = analyze_tnt(stream)

    assert analysis.application == "TntMPD"
    assert analysis.version == "3.0"
    assert analysis.contact_count == 2
    assert analysis.groups == []
    assert (analysis.group_sizes, analysis.sample_groups) == ({}, {})
    smith, doe = analysis.samples
    assert (smith.tnt_id, smith.position) == ("1620699916", 1)
    assert (doe.tnt_id, doe.position) == ("-861693757", 2)
    assert smith.fields["FileAs"] == "Smith, John and Jane"
    assert smith.fields["SpouseNickname"] == "Helen's Nickname"  # &apos; decoded
    assert smith.fields["MailingAddressBlock"].splitlines()[0] == "John and Jane Smith"
    assert smith.fields["SocialWeb4"] == ""  # empty element
    assert smith.fields["Region"] == "State College"  # a field, not the Region table
    assert "TaskTypeID" not in smith.fields  # other tables stay out of the rows


def test_the_analysis_lists_the_groups_with_their_categories_and_who_belongs_to_each() -> None:
    with (FIXTURES / "tnt_export_groups.xml").open("rb") as stream:
        analysis = analyze_tnt(stream)

    assert analysis.groups == [
        TntGroup("372261378", "Nobody group", "", ""),
        TntGroup(
            "372261379",
            "Category 1,comma\\Group with Dave,comma",
            "Category 1,comma",
            "",
        ),
        TntGroup("372261380", "Category 1\\Group under that", "Category 1", ""),
        TntGroup("372261382", "Testers", "", ""),
    ]
    assert analysis.group_sizes == {"372261379": 1, "372261382": 1}
    assert analysis.sample_groups == {"1": ["372261379", "372261382"]}


def test_version_3_2_groups_keep_their_path_name() -> None:
    groups = (
        '<Group><row id="7"><Description>Board</Description><Category>Church</Category>'
        "<PathName>Church\\Leaders\\Board</PathName></row></Group>"
        '<GroupContact><row id="1"><GroupID>7</GroupID><ContactID>42</ContactID></row>'
        '<row id="2"><GroupID>7</GroupID><ContactID>42</ContactID></row></GroupContact>'
    )
    data = tnt_xml([{"id": "42", "FileAs": "Doe, Jo"}], version="3.2", groups=groups)

    analysis = analyze_bytes(data)

    assert analysis.version == "3.2"
    assert analysis.groups == [TntGroup("7", "Board", "Church", "Church\\Leaders\\Board")]
    assert analysis.group_sizes == {"7": 1}  # duplicates dropped
    assert analysis.sample_groups == {"42": ["7"]}


def test_group_sizes_count_each_contact_once_and_samples_get_their_groups_wherever_group_contact_comes() -> None:
    members = [("7", "41"), ("8", "42"), ("7", "42"), ("7", "41"), ("8", "99"), ("7", "")]  # a repeat, apart
    group_contact = "<GroupContact>" + "".join(
        f'<row id="{n}"><GroupID>{group}</GroupID><ContactID>{contact}</ContactID></row>'
        for n, (group, contact) in enumerate(members)
    )
    group_contact += "</GroupContact>"
    contacts = [{"id": str(n), "FileAs": f"Doe, {n}"} for n in range(41, 47)]
    groups = "".join(f'<row id="{n}"><Description>{n}</Description></row>' for n in ("7", "8"))
    groups = f"<Group>{groups}</Group>"

    for placement in ({"before": group_contact}, {"after": group_contact}):
        analysis = analyze_bytes(tnt_xml(contacts, groups=groups, **placement))

        assert analysis.group_sizes == {"7": 2, "8": 2}
        assert analysis.sample_groups == {"41": ["7"], "42": ["8", "7"]}  # 99 is no sample; 43 and 44 in none


def test_samples_are_the_first_four_contacts() -> None:
    data = tnt_xml([{"FileAs": f"Contact {n}"} for n in range(1, 8)])

    analysis = analyze_bytes(data)

    assert analysis.contact_count == 7
    assert [row.fields["FileAs"] for row in analysis.samples] == [
        "Contact 1",
        "Contact 2",
        "Contact 3",
        "Contact 4",
    ]
    assert [row.position for row in contacts_of(data)] == list(range(1, 8))


def test_other_tables_are_skipped_without_error() -> None:
    tables = {
        "Appeal": "<Description>CSU</Description><Active>true</Active>",
        "Task": "<Description>call</Description><Notes>Notes</Notes>",
        "History": "<Notes>History <b>notes</b></Notes>",
        "Gift": "<Amount>50</Amount><GiftDate>2012-10-20</GiftDate>",
        "Campaign": "<Description>Year end</Description>",
        "Donor": "<FirstName>Not a contact</FirstName>",
    }
    before = "".join(f'<{t}><row id="9">{cells}</row></{t}>' for t, cells in tables.items())
    after = "<Property><row id='1'><PropName>x</PropName></row></Property><Picture/>"
    data = tnt_xml([{"FileAs": "Smith, John"}, {"FileAs": "Doe, Jane"}], before=before, after=after)

    analysis = analyze_bytes(data)

    assert analysis.contact_count == 2
    assert [row.fields for row in contacts_of(data)] == [
        {"FileAs": "Smith, John"},
        {"FileAs": "Doe, Jane"},
    ]


def test_an_export_without_contacts_has_none() -> None:
    data = b"<Database><Application>TntConnect</Application><Version>3.2</Version><Tables><Appeal/></Tables></Database>"
    assert analyze_bytes(data).contact_count == 0
    assert contacts_of(data) == []


def test_a_utf8_byte_order_mark_is_fine() -> None:
    data = b"\xef\xbb\xbf" + (FIXTURES / "tnt_export.xml").read_bytes()
    assert analyze_bytes(data).contact_count == 2


def test_an_xml_declaration_and_crlf_line_ends_are_fine() -> None:
    data = (FIXTURES / "tnt_export_non_donor.xml").read_bytes()
    assert b"\r\n" in data
    declared = b'<?xml version="1.0" encoding="UTF-8"?>\r\n' + data
    (row,) = contacts_of(declared)
    assert row.fields["FileAs"] == "Fisher, Naomi"


def test_utf16_with_a_byte_order_mark_reads() -> None:
    data = tnt_xml([{"FileAs": "Zoë Ångström"}]).decode().encode("utf-16")
    (row,) = contacts_of(data)
    assert row.fields["FileAs"] == "Zoë Ångström"


# ------------------------------------------------------ forbidden characters


def test_the_unparsable_characters_fixture_reads() -> None:
    path = FIXTURES / "tnt_unparsable_characters.xml"
    assert b"\x00" in path.read_bytes() and b"\x0c" in path.read_bytes()

    with path.open("rb") as stream:
        analysis = analyze_tnt(stream)
    with path.open("rb") as stream:
        rows = list(iter_tnt_contacts(stream))

    assert analysis.contact_count == 2
    assert [row.fields["FileAs"] for row in rows] == [
        "Smith, John and Jane",
        "Doe, Bob and Dawn",
    ]


FORBIDDEN_RAW = "".join(chr(c) for c in range(0x20) if c not in (9, 10, 13))
FORBIDDEN_REFERENCES = "&#0;&#x0;&#12;&#x0C;&#x000c;&#31;&#x1F;&#8;&#xFFFE;&#xD800;&#65535;"


@pytest.mark.parametrize("step", [1, 2, 3, 5, 7, 11, 16 * 1024])
def test_forbidden_characters_are_stripped_across_chunk_boundaries(step: int) -> None:
    text = f"A{FORBIDDEN_RAW}B{FORBIDDEN_REFERENCES}C\tD&#233;&#x41;&amp;#0;&lt;E"
    data = (
        "<Database><Application>TntMPD</Application><Tables><Contact>"
        f'<row id="1"><FileAs>Smith&#x0;, John</FileAs><Notes>{text}</Notes></row>'
        "</Contact></Tables></Database>"
    ).encode()

    (row,) = list(iter_tnt_contacts(TrickleStream(data, step)))

    assert row.fields["FileAs"] == "Smith, John"
    # Allowed references stay: &#233; is é, &#x41; is A, &amp;#0; is text.
    assert row.fields["Notes"] == "ABC\tDéA&#0;<E"


def test_a_stream_of_only_forbidden_bytes_in_a_chunk_does_not_end_early() -> None:
    data = tnt_xml([{"FileAs": "A"}]).replace(b"<Tables>", b"<Tables>" + b"\x00" * 50_000)
    assert analyze_bytes(data).contact_count == 1


# ---------------------------------------------------------- hostile inputs

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Database [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Database><Application>TntConnect</Application><Tables><Contact>
<row id="1"><FileAs>&lol9;</FileAs></row></Contact></Tables></Database>"""


def entity_export(declaration: str, reference: str = "&ext;") -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE Database [\n {declaration}\n]>\n'
        "<Database><Application>TntConnect</Application><Tables><Contact>"
        f'<row id="1"><FileAs>{reference}</FileAs></row></Contact></Tables></Database>'
    ).encode()


def assert_refused_as_dtd(data: bytes) -> TntFileError:
    for read in (analyze_bytes, contacts_of):
        with pytest.raises(TntFileError) as caught:
            read(data)
        assert str(caught.value) == DTD_MESSAGE
    return caught.value


def test_billion_laughs_is_refused_without_expanding() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        assert_refused_as_dtd(BILLION_LAUGHS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 2
    assert peak < 2_000_000


def test_an_external_entity_to_a_local_file_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER-4711")
    data = entity_export(f'<!ENTITY ext SYSTEM "{secret.as_uri()}">')

    error = assert_refused_as_dtd(data)

    assert "TOP-SECRET-MARKER-4711" not in str(error)
    assert "TOP-SECRET" not in repr(error.__cause__) + repr(error.__context__)


def test_an_external_entity_to_etc_passwd_is_refused() -> None:
    assert_refused_as_dtd(entity_export('<!ENTITY ext SYSTEM "file:///etc/passwd">'))


@pytest.fixture
def listening_socket() -> Iterator[socket.socket]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.setblocking(False)
    yield server
    server.close()


def assert_never_connected(server: socket.socket) -> None:
    with pytest.raises(BlockingIOError):
        server.accept()


def test_an_external_entity_to_an_http_url_is_never_fetched(
    listening_socket: socket.socket,
) -> None:
    port = listening_socket.getsockname()[1]
    url = f"http://127.0.0.1:{port}/entity.xml"

    assert_refused_as_dtd(entity_export(f'<!ENTITY ext SYSTEM "{url}">'))
    assert_refused_as_dtd(entity_export(f'<!ENTITY % ext SYSTEM "{url}"> %ext;', ""))
    assert_refused_as_dtd(f'<!DOCTYPE Database SYSTEM "{url}"><Database><Tables/></Database>'.encode())
    assert_never_connected(listening_socket)


def test_a_plain_dtd_is_refused() -> None:
    assert_refused_as_dtd(b"<!DOCTYPE Database><Database><Tables/></Database>")
    assert_refused_as_dtd(b"<!DOCTYPE Database [<!ELEMENT Database ANY>]><Database><Tables/></Database>")


# ---------------------------------------------------------- not an export


def assert_refused(data: bytes, message: str) -> None:
    for read in (analyze_bytes, contacts_of):
        with pytest.raises(TntFileError) as caught:
            read(data)
        assert str(caught.value) == message


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"<contacts><contact name='x'/></contacts>", id="other-xml"),
        pytest.param(b'<?xml version="1.0"?><Database><Name>x</Name></Database>', id="no-tables"),
        pytest.param(b"<Tables><Contact/></Tables>", id="tables-as-root"),
        pytest.param(b"<tnt:Database xmlns:tnt='urn:x'><Tables/></tnt:Database>", id="namespaced"),
        pytest.param(
            b"First Name,Last Name,Email\nJohn,Smith,john@example.com\n",
            id="csv-as-xml",
        ),
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06",
            id="png",
        ),
        pytest.param(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)), id="zip"),
        pytest.param(bytes(range(256)) * 8, id="binary"),
        pytest.param(b"Just some text", id="text"),
    ],
)
def test_files_that_are_not_tnt_exports_are_refused(data: bytes) -> None:
    assert_refused(data, NOT_TNT_MESSAGE)


def test_the_not_tnt_message_says_what_was_expected() -> None:
    assert "<Database>" in NOT_TNT_MESSAGE and "<Tables>" in NOT_TNT_MESSAGE
    assert "File > Export > XML" in NOT_TNT_MESSAGE


def test_another_application_is_refused() -> None:
    data = tnt_xml([{"FileAs": "x"}], application="Microsoft Access")
    with pytest.raises(TntFileError, match="written by “Microsoft Access”"):
        analyze_bytes(data)


@pytest.mark.parametrize("data", [b"", b"  \r\n\t ", b"\xef\xbb\xbf", b"\x00\x00\x0c"])
def test_an_empty_file_is_refused(data: bytes) -> None:
    assert_refused(data, EMPTY_MESSAGE)


TNT_EXPORT = (FIXTURES / "tnt_export.xml").read_bytes()


@pytest.mark.parametrize(
    "cut",
    [
        TNT_EXPORT.index(b"<FileAs>Doe") + 3,  # inside a tag
        TNT_EXPORT.index(b"Doe, Bob"),  # inside a text
        TNT_EXPORT.index(b"</Contact>") + 2,  # inside the closing tag of the table
    ],
)
def test_an_export_truncated_in_its_contacts_is_refused(cut: int) -> None:
    assert_refused(TNT_EXPORT[:cut], TRUNCATED_MESSAGE)


@pytest.mark.parametrize("fraction", [0.6, 0.99])
def test_an_export_truncated_after_its_contacts_fails_the_analysis(
    fraction: float,
) -> None:
    truncated = TNT_EXPORT[: int(len(TNT_EXPORT) * fraction)]
    assert truncated.index(b"</Contact>") > 0

    with pytest.raises(TntFileError) as caught:
        analyze_bytes(truncated)

    assert str(caught.value) == TRUNCATED_MESSAGE
    # The import pass stops at the end of the Contact table, so it does not
    # see the cut; the upload has already been refused by the analysis.
    assert len(contacts_of(truncated)) == 2


def test_a_malformed_export_is_refused_with_the_place() -> None:
    data = tnt_xml([{"FileAs": "x"}]).replace(b"</Contact>", b"</Contacts>")
    with pytest.raises(TntFileError, match=r"not well-formed XML \(mismatched tag: line 1"):
        analyze_bytes(data)


def test_a_row_with_an_absurd_number_of_elements_is_refused() -> None:
    cells = "<x/>" * 10_001
    data = tnt_xml([]).replace(b"<Contact>", f'<Contact><row id="1">{cells}</row>'.encode())
    with pytest.raises(TntFileError, match="more than 10000 elements"):
        analyze_bytes(data)


@pytest.mark.parametrize(
    "data",
    [
        b"<Database><Tables><Contact><row id='1'><FileAs>\xff\xfe</FileAs></row>",
        b'<?xml version="1.0" encoding="no-such-codec"?><Database><Tables/></Database>',
        b'<?xml version="1.0" encoding="utf-8"?><Database><Tables>\xc3</Tables></Database>',
        b"<Database><Tables><Contact><row id='1' id='2'/></Contact></Tables></Database>",
        b"<Database><Tables><Contact><row>&undefined;</row></Contact></Tables></Database>",
    ],
)
def test_parser_failures_become_tnt_file_errors(data: bytes) -> None:
    with pytest.raises(TntFileError, match="not well-formed XML"):
        analyze_bytes(data)


def test_anything_after_the_root_element_is_ignored() -> None:
    data = tnt_xml([{"FileAs": "x"}]) + b"\x00<Database/>garbage"
    assert analyze_bytes(data).contact_count == 1


# ------------------------------------------------------------------ scale

FIRST_NAMES = ["John", "Jane", "Bob", "Dawn", "María", "Li", "Øystein", "Ngozi"]
LAST_NAMES = ["Smith", "Doe", "García", "O'Brien", "Nguyen", "Müller", "Okafor"]
CITIES = [
    ("Nowhere", "CA", "12345"),
    ("State College", "PA", "16801"),
    ("Lagos", "", ""),
]


def contact_row(number: int) -> str:
    """A realistic Contact row of about thirty fields (real ones have more)."""
    first = FIRST_NAMES[number % len(FIRST_NAMES)]
    spouse = FIRST_NAMES[(number + 3) % len(FIRST_NAMES)]
    last = LAST_NAMES[number % len(LAST_NAMES)]
    city, state, postal = CITIES[number % len(CITIES)]
    street = f"{number} N {last} St."
    cells = {
        "LastEdit": "2012-11-16 11:10:09",
        "FileAs": f"{last}, {first} and {spouse}",
        "FullName": f"{first} and {spouse} {last}",
        "Greeting": f"{first} and {spouse}",
        "MailingAddressBlock": f"{first} and {spouse} {last}\n{street}\n{city}, {state}",
        "FirstName": first,
        "LastName": last,
        "SpouseFirstName": spouse,
        "MailingAddressType": "1",
        "HomeStreetAddress": street,
        "HomeCity": city,
        "HomeState": state,
        "HomePostalCode": postal,
        "HomeCountry": "United States of America",
        "PreferredPhoneType": "0",
        "PhoneIsValidMask": "4385",
        "HomePhone": f"(515) 555-{number % 10000:04d}",
        "MobilePhone": f"213-211-{number % 10000:04d}",
        "SpouseMobilePhone": f"212-222-{number % 10000:04d}",
        "Email1": f"{first.lower()}.{number}@example.com",
        "Email1IsValid": "true",
        "SpouseEmail1": f"{spouse.lower()}.{number}@example.org",
        "SpouseEmail1IsValid": "true",
        "Notes": f"Met at the conference in {2000 + number % 20}.\nCall for amount.",
        "Children": "Mark and Robert",
        "PledgeAmount": str(25 * (number % 8)),
        "PledgeFrequencyID": "1",
        "MPDPhaseID": "60",
        "NeverAsk": "false",
        "SendNewsletter": "true",
        "NewsletterMediaPref": "+E",
    }
    body = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in cells.items())
    return f'      <row id="{1_000_000 + number}">{body}</row>\n'


def write_tnt_export(path: Path, count: int) -> None:
    """Write a TntConnect 3.2 export of `count` contacts, a few groups and gifts."""
    with path.open("w", encoding="utf-8") as out:
        out.write("<Database>\n  <Application>TntConnect</Application>\n")
        out.write("  <Version>3.2</Version>\n  <Tables>\n    <Contact>\n")
        for number in range(count):
            out.write(contact_row(number))
        out.write("    </Contact>\n    <Group>\n")
        out.write('      <row id="1"><Description>Prayer</Description></row>\n')
        out.write("    </Group>\n    <GroupContact>\n")
        for number in range(0, count, count // 50 or 1):
            out.write(f'      <row id="{number}"><GroupID>1</GroupID>')
            out.write(f"<ContactID>{1_000_000 + number}</ContactID></row>\n")
        out.write("    </GroupContact>\n    <Gift>\n")
        for number in range(count // 10):
            out.write(f'      <row id="{number}"><Amount>50</Amount></row>\n')
        out.write("    </Gift>\n  </Tables>\n</Database>\n")


BIG_EXPORT_CONTACTS = 20_000  # about 16 MB
MEMORY_BOUND = 4_000_000


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tnt") / "big_export.xml"
    write_tnt_export(path, BIG_EXPORT_CONTACTS)
    return path


def traced_peak(function: Callable[[BinaryIO], T], stream: BinaryIO) -> tuple[T, int]:
    """The result of function(stream), and the peak of traced memory meanwhile."""
    tracemalloc.start()
    try:
        result = function(stream)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


@pytest.mark.slow
def test_a_big_export_is_analyzed_in_bounded_memory(big_export: Path) -> None:
    assert big_export.stat().st_size > 4 * MEMORY_BOUND  # holding the file, let alone its rows, would show

    with big_export.open("rb") as stream:
        analysis, peak = traced_peak(analyze_tnt, stream)

    assert analysis.contact_count == BIG_EXPORT_CONTACTS
    assert analysis.group_sizes == {"1": 50}
    assert peak < MEMORY_BOUND, f"peak {peak:,} bytes"


@pytest.mark.slow
def test_a_big_export_is_iterated_in_bounded_memory(big_export: Path) -> None:
    def count_rows(stream: BinaryIO) -> tuple[int, str]:
        last = None
        count = 0
        for row in iter_tnt_contacts(stream):
            count, last = count + 1, row
        return count, last.fields["FileAs"] if last else ""

    with big_export.open("rb") as stream:
        (count, last_name), peak = traced_peak(count_rows, stream)

    assert count == BIG_EXPORT_CONTACTS
    assert last_name.startswith(LAST_NAMES[(BIG_EXPORT_CONTACTS - 1) % len(LAST_NAMES)])
    assert peak < MEMORY_BOUND, f"peak {peak:,} bytes"
