"""The TntDataSync reader: sections and headers however a donor system writes them, streaming, and its refusals."""

import io
import tracemalloc

import pytest

from imports.pipeline.readers import FileReadError
from imports.pipeline.readers.tnt_data_sync import (
    DONORS,
    GIFTS,
    analyze_data_sync,
    iter_section,
    looks_like_data_sync,
    section_name,
)
from tests.conftest import fixture_path

GIFTS_SECTION = "[GIFTS]\nPEOPLE_ID,DONATION_ID,AMOUNT\n1,G1,10\n"


def analyze(text: str | bytes):
    return analyze_data_sync(io.BytesIO(text.encode() if isinstance(text, str) else text))


def rows(content: bytes, section: str, encoding: str = "utf-8"):
    return list(iter_section(io.BytesIO(content), section, encoding=encoding))


def test_the_fixture_is_read_section_by_section():
    content = fixture_path("tnt", "tnt_data_sync_file.tntmpd").read_bytes()
    analysis = analyze(content)
    assert analysis.organization["NAME"] == "Wycliffe USA"
    assert analysis.organization["CODE"] == "WBT-USA"
    assert analysis.organization["DEFAULTCURRENCYCODE"] == "USD"
    assert analysis.counts == {DONORS: 1, GIFTS: 1}
    (donor,) = rows(content, DONORS)
    assert donor.line_number == 9
    assert donor.fields["PEOPLE_ID"] == "11459"
    assert donor.fields["TITLE"] == ""  # a blank cell written as a space
    (gift,) = rows(content, GIFTS)
    assert (gift.line_number, gift.fields["DONATION_ID"], gift.fields["DISPLAY_DATE"]) == (
        13,
        "15530034535367",
        "08/01/2014",
    )


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("[DONORS]", "DONORS"),
        ("[donors]\r\n", "DONORS"),
        ('"[Gifts]"', "GIFTS"),
        ('["GIFTS"]', "GIFTS"),
        ("  [ Organization ]  ", "ORGANIZATION"),
        ("[DONORS],,,,", "DONORS"),
        ("PEOPLE_ID,ACCT_NAME", None),
        ('"1","[not a section] in a cell"', None),
    ],
)
def test_a_section_line_is_known_in_any_case_quoted_or_not(line, name):
    assert section_name(line) == name


def test_lower_case_unquoted_headers_crlf_blank_lines_and_a_bom():
    content = (
        b'\xef\xbb\xbf[organization]\r\nname = Org\r\n\r\n\r\n[donors]\r\n\r\npeople_id,first_name,"Last_Name_Org"\r\n'
        b"\r\n1,Ann,Lee\r\n\r\n[gifts]\r\npeople_id,donation_id\r\n1,G1\r\n"
    )
    analysis = analyze(content)
    assert analysis.organization == {"NAME": "Org"}
    assert analysis.headers[DONORS] == ["PEOPLE_ID", "FIRST_NAME", "LAST_NAME_ORG"]
    (donor,) = rows(content, DONORS, analysis.encoding)
    assert donor.fields == {"PEOPLE_ID": "1", "FIRST_NAME": "Ann", "LAST_NAME_ORG": "Lee"}
    assert donor.line_number == 9


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig", "cp1252"])
def test_encodings(encoding):
    text = "[DONORS]\nPEOPLE_ID,FIRST_NAME,LAST_NAME_ORG\n1,Jos\u00e9,M\u00fcller\n" + GIFTS_SECTION
    analysis = analyze(text.encode(encoding))
    (donor,) = rows(text.encode(encoding), DONORS, analysis.encoding)
    assert (donor.fields["FIRST_NAME"], donor.fields["LAST_NAME_ORG"]) == ("Jos\u00e9", "M\u00fcller")


def test_unknown_sections_and_columns_are_skipped_and_sections_may_come_in_any_order():
    content = (
        b"[GIFTS]\nPEOPLE_ID,DONATION_ID,SOMETHING_NEW\n1,G1,x\n"
        b"[ADDRESSES]\nPEOPLE_ID,ADDR1\n1,Elm St\n"
        b"[DONORS]\nPEOPLE_ID,FIRST_NAME\n1,Ann\n"
    )
    assert analyze(content).counts == {GIFTS: 1, DONORS: 1}
    assert [r.fields for r in rows(content, DONORS)] == [{"PEOPLE_ID": "1", "FIRST_NAME": "Ann"}]
    assert rows(content, GIFTS)[0].fields["SOMETHING_NEW"] == "x"


def test_a_quoted_cell_may_hold_line_breaks_and_a_section_like_line():
    content = b'[DONORS]\nPEOPLE_ID,ACCT_NAME\n1,"Ann\n[GIFTS]\nLee"\n2,Bo\n' + GIFTS_SECTION.encode()
    donors = rows(content, DONORS)
    assert [(d.line_number, d.fields["ACCT_NAME"]) for d in donors] == [(3, "Ann\n[GIFTS]\nLee"), (6, "Bo")]
    assert len(rows(content, GIFTS)) == 1


def test_short_rows_are_padded_and_blank_rows_skipped():
    content = b"[DONORS]\nPEOPLE_ID,FIRST_NAME,LAST_NAME_ORG\n1\n,,\n2,Bo\n" + GIFTS_SECTION.encode()
    assert [d.fields for d in rows(content, DONORS)] == [
        {"PEOPLE_ID": "1", "FIRST_NAME": "", "LAST_NAME_ORG": ""},
        {"PEOPLE_ID": "2", "FIRST_NAME": "Bo", "LAST_NAME_ORG": ""},
    ]


@pytest.mark.parametrize(
    ("content", "missing"),
    [
        (b"", "[DONORS] or [GIFTS]"),
        (b"Not a valid TntConnect DataSync file!\n", "[DONORS] or [GIFTS]"),
        (b"[DONORS]\nPEOPLE_ID\n1\n", "[GIFTS]"),
        (GIFTS_SECTION.encode(), "[DONORS]"),
        (b"First Name,Last Name\nAnn,Lee\n", "[DONORS] or [GIFTS]"),
    ],
)
def test_a_file_without_donors_and_gifts_sections_is_refused_saying_what_was_expected(content, missing):
    with pytest.raises(FileReadError) as refused:
        analyze(content)
    message = str(refused.value)
    assert message.startswith("This is not a TntDataSync file: expected")
    assert message.endswith(f"this file has no {missing} section.")


def test_a_section_without_its_id_column_is_refused():
    with pytest.raises(FileReadError, match="no DONATION_ID column"):
        analyze(b"[DONORS]\nPEOPLE_ID\n1\n[GIFTS]\nPEOPLE_ID,AMOUNT\n1,10\n")


def test_binary_data_is_refused():
    with pytest.raises(FileReadError, match="binary data"):
        analyze(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)


def test_a_huge_line_is_refused_without_reading_it_whole():
    content = b"[DONORS]\nPEOPLE_ID,ACCT_NAME\n1," + b"x" * 5_000_000 + b"\n" + GIFTS_SECTION.encode()
    tracemalloc.start()
    try:
        with pytest.raises(FileReadError, match="Line 3 is longer than 100,000 characters"):
            analyze_data_sync(io.BytesIO(content), max_line_length=100_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3_000_000


def test_a_pass_over_one_section_keeps_memory_flat():
    """Reading 200,000 gifts holds one row at a time, not the section."""
    gifts = b"".join(b"%d,G%d,10.00\n" % (n % 500, n) for n in range(200_000))
    content = b"[DONORS]\nPEOPLE_ID\n1\n[GIFTS]\nPEOPLE_ID,DONATION_ID,AMOUNT\n" + gifts
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_section(io.BytesIO(content), GIFTS, encoding="utf-8"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert peak < 2_000_000  # the file is 4 MB; its rows as objects would be far more


def test_looks_like_data_sync_knows_the_sections_not_the_name():
    assert looks_like_data_sync(fixture_path("tnt", "tnt_data_sync_file.tntmpd").read_bytes())
    assert looks_like_data_sync("[donors]\nPEOPLE_ID\n".encode("utf-16"))
    assert not looks_like_data_sync(b"First Name,Last Name\nAnn,Lee\n")
    assert not looks_like_data_sync(fixture_path("tnt", "tnt_export.xml").read_bytes())


@pytest.mark.parametrize(
    "content",
    [
        b"[ORGANIZATION]\nName=Org\n[DONORS]\nPEOPLE_ID,FIRST_NAME\n1,Ann\n[GIFTS]\n",
        b"[DONORS]\nPEOPLE_ID,FIRST_NAME\n1,Ann\n[GIFTS]\n\n\n",
        b"[GIFTS]\r\n[DONORS]\r\nPEOPLE_ID,FIRST_NAME\r\n1,Ann\r\n",
    ],
)
def test_an_empty_gifts_section_without_even_a_header_row_is_a_section_without_rows(content):
    analysis = analyze(content)
    assert analysis.counts == {DONORS: 1, GIFTS: 0}
    assert rows(content, GIFTS) == []


def test_a_file_of_only_section_lines_has_its_sections_and_no_rows():
    assert analyze(b"[ORGANIZATION]\n[DONORS]\n[GIFTS]\n").counts == {DONORS: 0, GIFTS: 0}


def test_a_row_with_values_beyond_its_header_says_how_many():
    content = (
        b"[DONORS]\nPEOPLE_ID,ACCT_NAME,LAST_NAME_ORG\n1,Lee, Ann,Lee\n2,Bo Park,Park,,,\n" + GIFTS_SECTION.encode()
    )
    shifted, padded = rows(content, DONORS)
    assert (shifted.extra_cells, padded.extra_cells) == (1, 0)  # trailing empty cells are no values
    assert [sample.fields["PEOPLE_ID"] for sample in analyze(content).samples] == ["2"]


@pytest.mark.parametrize("delimiter", ["\t", ";", "|"])
def test_a_section_delimited_by_tabs_semicolons_or_pipes_is_read(delimiter):
    donors = f'[DONORS]\nPEOPLE_ID{delimiter}ACCT_NAME\n1{delimiter}"Lee, Ann"\n'
    content = (donors + GIFTS_SECTION).encode()  # each section has its own delimiter
    analysis = analyze(content)
    assert analysis.headers[DONORS] == ["PEOPLE_ID", "ACCT_NAME"]
    assert [d.fields for d in rows(content, DONORS)] == [{"PEOPLE_ID": "1", "ACCT_NAME": "Lee, Ann"}]
    assert rows(content, GIFTS)[0].fields == {"PEOPLE_ID": "1", "DONATION_ID": "G1", "AMOUNT": "10"}


def test_header_names_written_with_spaces_or_dashes_are_the_format_names():
    content = (
        b'[DONORS]\n"People ID","Acct Name","first-name"," LAST_NAME_ORG "\n1,The Lees,Ann,Lee\n'
        + GIFTS_SECTION.encode()
    )
    (donor,) = rows(content, DONORS)
    assert donor.fields == {"PEOPLE_ID": "1", "ACCT_NAME": "The Lees", "FIRST_NAME": "Ann", "LAST_NAME_ORG": "Lee"}


def test_a_large_file_that_opens_no_section_is_refused_without_reading_it_all():
    stream = io.BytesIO(b"First Name,Last Name,Email\n" + b"Ann,Lee,ann@example.com\n" * 400_000)
    with pytest.raises(FileReadError) as refused:
        analyze_data_sync(stream)
    assert str(refused.value).startswith("This is not a TntDataSync file: expected")
    assert str(refused.value).endswith("its first 200 lines open no [ORGANIZATION], [DONORS] or [GIFTS] section.")
    assert stream.tell() < 1_000_000  # of 9.6 MB


def test_a_column_named_twice_gives_its_first_value_a_blank_cell_does_not_hide_it():
    content = b"[DONORS]\nPEOPLE_ID,PHONE,EMAIL,PHONE,EMAIL\n1,555-1234,,555-9999,ann@example.com\n" + (
        GIFTS_SECTION.encode()
    )
    (donor,) = rows(content, DONORS)
    assert donor.fields == {"PEOPLE_ID": "1", "PHONE": "555-1234", "EMAIL": "ann@example.com"}


@pytest.mark.parametrize(
    ("dates", "day_first"),
    [
        (["08/01/2014", "12/31/2014"], False),  # a day over 12 in second place: month/day/year, the format's own
        (["08/01/2014", "31/12/2014"], True),  # only in first place: a donor system writing day/month/year
        (["08/01/2014", "09/02/2014"], False),  # nothing says otherwise
        (["31/12/2014", "12/31/2014"], False),  # contradictory: the format's order, the odd row fails
    ],
)
def test_the_gift_dates_tell_whether_the_file_writes_the_day_first(dates, day_first):
    gifts = "".join(f"1,G{n},10,{text}\n" for n, text in enumerate(dates))
    content = f"[DONORS]\nPEOPLE_ID\n1\n[GIFTS]\nPEOPLE_ID,DONATION_ID,AMOUNT,DISPLAY_DATE\n{gifts}".encode()
    assert analyze(content).day_first is day_first
