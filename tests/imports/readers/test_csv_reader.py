"""Behaviour of the CSV reader (imports/pipeline/readers/csv.py): no Django, no database."""

from __future__ import annotations

import io
import os
import tracemalloc
from pathlib import Path

import pytest

from imports.pipeline.readers import FileReadError
from imports.pipeline.readers.csv import CsvFormat, analyze_csv, read_csv
from imports.pipeline.readers.rows import ReadLimits, TabularAnalysis, TabularRow, header_keys, normalize_header_key

FIXTURES = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "csv"
ALL_FIXTURES = sorted(path.name for path in FIXTURES.glob("*.csv"))


def analyze(data: bytes, **limits: int) -> TabularAnalysis:
    return analyze_csv(io.BytesIO(data), limits=ReadLimits(**limits))


def format_of(analysis: TabularAnalysis) -> CsvFormat:
    """The format the analysis found, as the job reads the file again with it."""
    return CsvFormat.from_file_format(analysis.file_format)


def read_rows(data: bytes, csv_format: CsvFormat | None = None, **limits: int) -> list[TabularRow]:
    csv_format = csv_format or format_of(analyze(data))
    return list(read_csv(io.BytesIO(data), csv_format, limits=ReadLimits(**limits)))


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def summary(analysis: TabularAnalysis) -> tuple:
    """Everything about an analysis except its format, to compare two encodings of one file."""
    return (
        analysis.headers,
        analysis.constants,
        [(row.line_number, row.values, row.cells) for row in analysis.samples],
        analysis.row_count,
    )


class ReadOnlyStream:
    """A file-like object with nothing but ``read`` (no path, no seek), like some storage files."""

    def __init__(self, data: bytes) -> None:
        self._buffer = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._buffer.read(size)


# --------------------------------------------------------------------------- #
# Fixtures: real uploaded files
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_reads_the_same_rows_in_analysis_and_in_read_csv(name):
    data = fixture_bytes(name)
    analysis = analyze(data)
    reader = read_csv(io.BytesIO(data), format_of(analysis))
    rows = list(reader)

    assert reader.headers == analysis.headers
    assert len(rows) == analysis.row_count
    assert rows[: len(analysis.samples)] == analysis.samples
    assert all(set(row.values) == set(analysis.headers) for row in rows)


def test_plain_fixture_gives_headers_as_written_and_one_sample():
    analysis = analyze(fixture_bytes("sample_csv_to_import.csv"))

    assert format_of(analysis) == CsvFormat("utf-8", ",")
    assert list(analysis.headers)[:4] == ["contact_name", "first_name", "last_name", "spouse_first_name"]
    assert analysis.headers["primary_email"] == "Primary Email"
    assert analysis.headers["commitment_amount"] == "Commitment Amount"
    assert analysis.row_count == 1
    [sample] = analysis.samples
    assert sample.line_number == 2
    assert sample.values["contact_name"] == "Doe, John and Jane"
    assert sample.values["mailing_street_address"] == "1 Example Ave, Apt 6"
    assert sample.values["tags"] == "christmas-card, family"


def test_bom_fixture_reads_like_the_same_file_without_bom():
    data = fixture_bytes("sample_csv_with_bom.csv")
    assert data.startswith(b"\xef\xbb\xbf")

    with_bom, without_bom = analyze(data), analyze(data[3:])

    assert format_of(with_bom).encoding == "utf-8-sig"
    assert summary(with_bom) == summary(without_bom)
    assert next(iter(with_bom.headers.items())) == ("contact_name", "Contact Name")


def test_iso_8859_1_fixture_reads_like_the_same_file_in_utf8():
    data = fixture_bytes("sample_csv_iso_8950_1.csv")
    utf8 = data.decode("latin-1").encode("utf-8")

    analysis = analyze(data)

    assert format_of(analysis).encoding in {"cp1252", "latin-1"}
    assert summary(analysis) == summary(analyze(utf8))
    assert analysis.samples[0].values["last_name"] == "Lané"
    assert analysis.samples[0].values["contact_name"] == "Lané, John"


@pytest.mark.parametrize("line_end", [b"\r\n", b"\r", "mixed"])
def test_inconsistent_newlines_fixture_reads_the_same_with_any_line_ends(line_end):
    data = fixture_bytes("sample_csv_inconsistent_newlines.csv")
    lines = data.splitlines(keepends=False)
    if line_end == "mixed":
        ends = [b"\r\n", b"\r", b"\n"]
        rewritten = b"".join(line + ends[i % 3] for i, line in enumerate(lines)) + b"\n\r\n"
    else:
        rewritten = b"".join(line + line_end for line in lines)

    assert summary(analyze(rewritten)) == summary(analyze(data))
    assert analyze(data).samples[0].values["primary_email"] == "john@example.com"


def test_custom_headers_fixture_gives_normalised_keys():
    analysis = analyze(fixture_bytes("sample_csv_with_custom_headers.csv"))

    assert list(analysis.headers) == [
        "fullname",
        "fname",
        "lname",
        "spouse_fname",
        "spouse_lname",
        "greeting",
        "mailing_greeting",
        "church",
        "street",
        "city",
        "province",
        "zip_code",
        "country",
        "status",
        "amount",
        "frequency",
        "currency",
        "newsletter",
        "tags",
        "email_address",
        "spouse_email_address",
        "phone",
        "spouse_phone_number",
        "extra_notes",
        "skip",
        "likely_giver",
        "metro",
        "region",
        "appeals",
        "website",
        "referred_by",
    ]
    assert analysis.headers["spouse_fname"] == "Spouse-fname"
    assert analysis.headers["zip_code"] == "zip-code"


def test_custom_headers_fixture_collects_constants_only_for_columns_without_excluded_words():
    analysis = analyze(fixture_bytes("sample_csv_with_custom_headers.csv"))

    assert analysis.constants == {
        "greeting": ["Hi John and Jane", "Hello!", ""],
        "status": ["Praying", "Praying and giving"],
        "amount": ["50", "10", ""],
        "frequency": ["Monthly", ""],
        "currency": ["CAD", ""],
        "newsletter": ["Both"],
        "skip": ["No", "Yes", ""],
        "likely_giver": ["Yes", "No"],
        "appeals": ["Yes", "No"],
    }
    for excluded in ["fname", "email_address", "zip_code", "city", "tags", "referred_by", "website", "metro"]:
        assert excluded not in analysis.constants


def test_custom_headers_fixture_keeps_three_samples_stripped_with_raw_cells():
    analysis = analyze(fixture_bytes("sample_csv_with_custom_headers.csv"))

    assert analysis.row_count == 3
    assert [row.line_number for row in analysis.samples] == [2, 3, 4]
    first = analysis.samples[0]
    assert first.values["email_address"] == "john@example.com"
    assert first.values["spouse_fname"] == "Jane"
    assert first.values["tags"] == "christmas-card,      family"
    assert first.values["referred_by"] == "Mary Kim"
    assert first.cells[19] == " john@example.com "
    assert first.cells[3] == "Jane "
    assert len(first.cells) == len(analysis.headers)


def test_blank_fixture_has_headers_and_no_rows():
    analysis = analyze(fixture_bytes("sample_csv_blank.csv"))

    assert len(analysis.headers) == 29
    assert analysis.row_count == 0
    assert analysis.samples == []
    assert analysis.constants["status"] == []


def test_invalid_rows_fixture_skips_the_row_of_only_commas():
    data = fixture_bytes("sample_csv_with_some_invalid_rows.csv")
    analysis = analyze(data)
    rows = read_rows(data)

    assert analysis.row_count == 3
    assert [row.line_number for row in rows] == [2, 3, 4]
    assert rows[1].values["email_address"] == "this is not a valid email"
    assert rows[2].values["fname"] == ""
    assert rows[2].values["street"] == "Apartment, Unit 123"


def test_fullname_fixture_has_a_full_name_column():
    analysis = analyze(fixture_bytes("sample_csv_with_fullname.csv"))

    assert "full_name" in analysis.headers
    assert "full_name" not in analysis.constants
    assert analysis.samples[0].values["full_name"] == "John Doe"


def test_none_fixture_keeps_the_newsletter_value_none_as_text():
    analysis = analyze(fixture_bytes("sample_csv_with_none.csv"))

    assert analysis.constants["newsletter"] == ["None"]


def test_invalid_email_fixture_reads_the_values_as_written():
    analysis = analyze(fixture_bytes("csv_invalid.csv"))

    assert analysis.samples[0].values["primary_email"] == "invalidemail!"
    assert analysis.samples[0].values["primary_phone"] == "(213)BAD-PHONE"


# --------------------------------------------------------------------------- #
# Encodings
# --------------------------------------------------------------------------- #

TEXT = "Name,City,Amount\nZoë,Köln,€ 5\nJosé,São Paulo,10\n"


def test_utf8_without_bom_is_read_as_utf8():
    analysis = analyze(TEXT.encode("utf-8"))

    assert format_of(analysis).encoding == "utf-8"
    assert analysis.samples[0].values == {"name": "Zoë", "city": "Köln", "amount": "€ 5"}


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_read_in_either_byte_order(codec):
    bom = b"\xff\xfe" if codec == "utf-16-le" else b"\xfe\xff"
    data = bom + TEXT.replace("\n", "\r\n").encode(codec)

    analysis = analyze(data)

    assert format_of(analysis).encoding == "utf-16"
    assert summary(analysis) == summary(analyze(TEXT.encode("utf-8")))
    assert [row.values["name"] for row in read_rows(data)] == ["Zoë", "José"]


def test_utf32_with_bom_is_read():
    analysis = analyze(TEXT.encode("utf-32"))

    assert format_of(analysis).encoding == "utf-32"
    assert analysis.samples[1].values["city"] == "São Paulo"


def test_cp1252_bytes_are_detected_and_decoded():
    data = TEXT.encode("cp1252")

    analysis = analyze(data)

    assert format_of(analysis).encoding == "cp1252"
    assert analysis.samples[0].values == {"name": "Zoë", "city": "Köln", "amount": "€ 5"}
    assert analysis.samples[1].values["name"] == "José"


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Nazwisko,Miasto\nŁukasz,Łódź\nZażółć gęślą jaźń,Kraków\n", "cp1250"),
        ("Имя,Город\nИван,Москва\nПётр,Санкт-Петербург\n", "cp1251"),
    ],
    ids=["central-european", "cyrillic"],
)
def test_non_western_legacy_text_keeps_the_detected_code_page(text, codec):
    analysis = analyze(text.encode(codec))

    assert format_of(analysis).encoding == codec
    assert summary(analysis) == summary(analyze(text.encode("utf-8")))


def test_bytes_undefined_in_cp1252_still_decode_without_error():
    data = "Name,Note\nZoë,x\n".encode("latin-1") + b"Bob,\x81\x8d\n"

    analysis = analyze(data)

    assert format_of(analysis).encoding != "cp1252"
    assert analysis.samples[0].values["name"] == "Zoë"
    assert analysis.row_count == 2


def test_first_non_utf8_byte_after_one_megabyte_redoes_the_pass_as_cp1252():
    ascii_rows = b"".join(b"Person %d,Town %d,%d\n" % (i, i % 7, i % 3) for i in range(60_000))
    assert len(ascii_rows) > 1_000_000
    data = b"Name,City,Amount\n" + ascii_rows + "Zoë,Köln,€ 5\n".encode("cp1252") + b"Last,Town,1\n"

    analysis = analyze(data)
    rows = read_rows(data, format_of(analysis))

    assert format_of(analysis) == CsvFormat("cp1252", ",")
    assert analysis.row_count == 60_002
    assert rows[-2].values == {"name": "Zoë", "city": "Köln", "amount": "€ 5"}
    assert rows[-2].line_number == 60_002
    assert analysis.constants["amount"][-1] == "€ 5"


def test_first_pass_needs_no_seek_on_a_read_only_stream():
    analysis = analyze_csv(ReadOnlyStream(TEXT.encode("utf-8")))

    assert analysis.row_count == 2


def test_read_csv_names_the_line_of_bytes_the_encoding_cannot_decode():
    data = b"Name,City\nBob,Paris\n" + "Zoë,Köln\n".encode("cp1252")

    with pytest.raises(FileReadError, match=r"^Line 3 contains bytes that are not valid UTF-8 text"):
        read_rows(data, CsvFormat("utf-8", ","))


# --------------------------------------------------------------------------- #
# Binary and non-text files
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00contacts.txt",
        b"Name,City\nBob\x00\x01\x02,Paris\n",
        bytes(range(1, 9)) * 200,
    ],
    ids=["png", "zip", "nul-in-first-block", "control-bytes"],
)
def test_binary_file_is_refused(data):
    with pytest.raises(FileReadError, match=r"not a CSV text file \(it contains binary data"):
        analyze(data)


def test_excel_workbook_is_refused_with_how_to_save_as_csv():
    data = b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml\x00\x00xl/workbook.xml"

    with pytest.raises(FileReadError, match=r"spreadsheet workbook, not a CSV file.*CSV UTF-8"):
        analyze(data)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_bom_are_recognised_by_their_zero_bytes(encoding):
    analysis = analyze(TEXT.encode(encoding))

    assert format_of(analysis).encoding == encoding
    assert [row.values["name"] for row in analysis.samples] == ["Zoë", "José"]


def test_binary_data_with_scattered_zero_bytes_is_not_taken_for_utf16():
    data = TEXT.encode("utf-16-le")[:40] + bytes(range(256)) * 4

    with pytest.raises(FileReadError, match="binary data"):
        analyze(data)


def test_nul_byte_in_the_middle_of_the_file_is_refused_with_its_line():
    rows = b"".join(b"Person %d,Town\n" % i for i in range(10_000))
    data = b"Name,City\n" + rows + b"Bad\x00Row,Town\n" + rows

    with pytest.raises(FileReadError, match=r"^Line 10,002 contains binary data \(a NUL byte\)"):
        analyze(data)


# --------------------------------------------------------------------------- #
# Delimiters, line ends, line numbers
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_semicolon_tab_and_pipe_delimiters_are_detected(delimiter):
    lines = [["Name", "Amount", "City"], ["Bob", "1,5", "Paris"], ["Ann", "2,25", "Lyon"]]
    text = "".join(delimiter.join(cells) + "\n" for cells in lines)

    analysis = analyze(text.encode())

    assert format_of(analysis).delimiter == delimiter
    assert list(analysis.headers) == ["name", "amount", "city"]
    assert analysis.samples[0].values == {"name": "Bob", "amount": "1,5", "city": "Paris"}


def test_quoted_cells_holding_other_delimiters_do_not_fool_detection():
    data = b'"Name;Nick;Alias;Other",Amount\n"Bob;Bobby;B;x",5\n"Ann;A;A;y",6\n'

    analysis = analyze(data)

    assert format_of(analysis).delimiter == ","
    assert list(analysis.headers) == ["name_nick_alias_other", "amount"]


def test_a_delimiter_that_splits_only_the_header_loses_to_a_consistent_one():
    data = b"Name,Tags (a;b;c;d)\nBob,x\nAnn,y\n"

    assert format_of(analyze(data)).delimiter == ","


def test_semicolon_file_with_commas_in_a_quoted_header_is_detected():
    data = b'Name;"Amount, in EUR";City\nBob;1,5;Paris\n'

    analysis = analyze(data)

    assert format_of(analysis).delimiter == ";"
    assert analysis.headers["amount_in_eur"] == "Amount, in EUR"


def test_single_column_file_reads_with_comma():
    analysis = analyze(b"Email\nbob@example.com\nann@example.com\n")

    assert format_of(analysis).delimiter == ","
    assert analysis.row_count == 2


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_quoted_multiline_cells_push_the_line_numbers_of_later_rows(line_end):
    text = line_end.join(
        [
            "",
            "Name,Notes",
            'Bob,"first line',
            "second line",
            'third line"',
            "",
            "Ann,plain",
            ",",
            "Eve,last",
        ]
    )

    rows = read_rows(text.encode())

    assert [(row.line_number, row.values["name"]) for row in rows] == [(3, "Bob"), (7, "Ann"), (9, "Eve")]
    assert rows[0].values["notes"] == f"first line{line_end}second line{line_end}third line"


def test_mixed_line_ends_in_one_file_are_all_line_breaks():
    data = b"Name,City\r\nBob,Paris\nAnn,Lyon\rEve,Nice\r\n"

    rows = read_rows(data)

    assert [(row.line_number, row.values["city"]) for row in rows] == [(2, "Paris"), (3, "Lyon"), (4, "Nice")]


def test_blank_and_whitespace_lines_before_the_header_are_skipped():
    reader = read_csv(io.BytesIO(b"\n  \n,,\nName,City\nBob,Paris\n"), CsvFormat("utf-8", ","))

    assert reader.headers == {"name": "Name", "city": "City"}
    assert reader.header_line_number == 4
    assert [row.line_number for row in reader] == [5]


def test_short_rows_are_padded_and_long_rows_truncated():
    rows = read_rows(b"A,B,C\n1\n1,2,3,4,5\n")

    assert rows[0].values == {"a": "1", "b": "", "c": ""}
    assert rows[0].cells == ("1",)
    assert rows[1].values == {"a": "1", "b": "2", "c": "3"}
    assert rows[1].cells == ("1", "2", "3", "4", "5")


def test_read_csv_has_headers_before_iteration_and_leaves_the_stream_open():
    stream = io.BytesIO(b"First Name,E-mail Address\nBob,bob@example.com\n")

    reader = read_csv(stream, CsvFormat("utf-8", ","))

    assert reader.headers == {"first_name": "First Name", "e_mail_address": "E-mail Address"}
    assert [row.values["e_mail_address"] for row in reader] == ["bob@example.com"]
    assert not stream.closed


# --------------------------------------------------------------------------- #
# Header keys
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Spouse-fname", "spouse_fname"),
        ("E-mail Address", "e_mail_address"),
        ("  Zip -- Code  ", "zip_code"),
        ("__Phone #1__", "phone_1"),
        ("Prénom", "prénom"),
        ("Pre\u0301nom", "prénom"),
        ("Ville/Città", "ville_città"),
        ("STRASSE", "strasse"),
        ("¿?", ""),
    ],
)
def test_header_is_normalised_to_lower_case_letters_digits_and_underscores(header, key):
    assert normalize_header_key(header) == key


def test_blank_header_becomes_column_n():
    assert header_keys(["Name", "", "  ", "City"]) == {"name": "Name", "column_2": "", "column_3": "  ", "city": "City"}


def test_repeated_headers_get_numbered_suffixes():
    assert list(header_keys(["Phone", "phone", "PHONE"])) == ["phone", "phone_2", "phone_3"]


def test_generated_keys_never_take_a_real_header_key():
    assert list(header_keys(["a", "a", "a_2"])) == ["a", "a_3", "a_2"]
    assert list(header_keys(["x", "", "Column 2"])) == ["x", "column_2_2", "column_2"]


def test_analysis_headers_keep_the_header_as_written():
    analysis = analyze(b" Name ,,Name\nBob,1,2\n")

    assert analysis.headers == {"name": " Name ", "column_2": "", "name_2": "Name"}


# --------------------------------------------------------------------------- #
# Constants, samples, counts
# --------------------------------------------------------------------------- #


def test_constants_keep_the_first_100_distinct_values_in_order_of_appearance():
    lines = [f"Bob,Status {i % 150}" for i in range(400)] + ["Ann,"]
    data = ("Name,Status\n" + "\n".join(lines) + "\n").encode()

    analysis = analyze(data)

    assert analysis.constants == {"status": [f"Status {i}" for i in range(100)]}
    assert analysis.row_count == 401


def test_constants_count_a_blank_cell_as_an_empty_value():
    analysis = analyze(b"Name,Status\nBob,\nAnn, Active \nEve,Active\n")

    assert analysis.constants == {"status": ["", "Active"]}


def test_samples_are_the_first_four_non_empty_rows_and_all_rows_are_counted():
    data = b"Name\n" + b"".join(b"P%d\n\n ,\n" % i for i in range(10))

    analysis = analyze(data)

    assert [row.values["name"] for row in analysis.samples] == ["P0", "P1", "P2", "P3"]
    assert analysis.row_count == 10


@pytest.mark.parametrize(
    "data", [b"", b"\n\n\r\n", b"   \n\t\n", b",,,\n , \n"], ids=["empty", "blank", "spaces", "commas"]
)
def test_file_without_header_row_is_refused_as_empty(data):
    with pytest.raises(FileReadError, match=r"^The file is empty: it has no header row\."):
        analyze(data)


# --------------------------------------------------------------------------- #
# Limits
# --------------------------------------------------------------------------- #


def test_twenty_megabyte_cell_is_refused_with_the_limit_message():
    data = b"Name,Notes\n" + b"".join(b"P%d,n\n" % i for i in range(5)) + b"Big," + b"x" * 20_000_000 + b"\nAfter,n\n"

    with pytest.raises(
        FileReadError, match=r"^Line 7 has a cell longer than 1,000,000 characters, the most this service reads"
    ):
        analyze(data)


def test_cell_over_a_lower_limit_is_refused_naming_its_line():
    data = b"Name,Notes\nBob,short\nAnn," + b"y" * 101 + b"\n"

    with pytest.raises(FileReadError, match=r"^Line 3 has a cell longer than 100 characters"):
        read_rows(data, CsvFormat("utf-8", ","), max_field_size=100)


def test_row_with_100000_cells_is_refused_naming_its_line_and_the_limit():
    data = b"Name,City\nBob,Paris\n" + b"x," * 100_000 + b"\n"

    with pytest.raises(FileReadError, match=r"^Line 3 has more than 1,000 cells, the most this service reads"):
        analyze(data)


def test_header_with_too_many_columns_is_refused():
    data = b",".join(b"h%d" % i for i in range(11)) + b"\n"

    with pytest.raises(FileReadError, match=r"^Line 1 has more than 10 cells"):
        analyze(data, max_columns=10)


def test_unbalanced_quote_at_the_end_is_refused_with_its_line():
    data = b'Name,Notes\nBob,fine\nAnn,"never closed\nEve,x\nMax,y\n'

    with pytest.raises(FileReadError, match=r"^Line 3: unbalanced quotes"):
        analyze(data)


def test_unbalanced_quote_swallowing_a_large_file_stops_at_the_cell_limit():
    rest = b"".join(b"Person %d,Town %d\n" % (i, i) for i in range(200_000))
    stream = io.BytesIO(b'Name,Notes\nBob,fine\nAnn,"never closed\n' + rest)

    tracemalloc.start()
    try:
        with pytest.raises(FileReadError, match=r"^Line 3: unbalanced quotes.*more than 1,000,000 characters"):
            analyze_csv(stream)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20  # the open cell grows to the 1,000,000-character limit, not to the file


def test_line_without_line_breaks_is_not_read_whole():
    stream = io.BytesIO(b"Name,Notes\n" + b"a" * 30_000_000)

    tracemalloc.start()
    try:
        with pytest.raises(FileReadError, match=r"^Line 2 has a cell longer than 1,000,000 characters"):
            analyze_csv(stream)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20  # lines are read in bounded pieces, never 30 MB at once


# --------------------------------------------------------------------------- #
# Streaming
# --------------------------------------------------------------------------- #


def test_analysis_streams_a_large_file_in_bounded_memory(tmp_path):
    rows, bound = 100_000, 4 * 2**20
    path = tmp_path / "large.csv"
    with path.open("w", encoding="utf-8", newline="") as output:
        output.write("First Name,Last Name,Email,Status,Amount,Notes\n")
        for i in range(rows):
            output.write(f'Person{i},Family{i % 997},p{i}@example.com,Status {i % 5},{i % 250},"note, {i}"\n')
    assert os.path.getsize(path) > 1.25 * bound  # holding the file, let alone its rows, would show

    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            analysis = analyze_csv(stream)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert analysis.row_count == rows
    assert analysis.constants["status"] == [f"Status {i}" for i in range(5)]
    assert len(analysis.constants["amount"]) == 100
    assert peak < bound


def test_a_semicolon_file_whose_quoted_cells_hold_commas_is_read_with_semicolons():
    # With commas the first line would have to be skipped as a preamble: a delimiter that makes the
    # first line the header is the file's.
    data = b'First Name;Last Name;Notes\n"Ann";"Lee";"a, b, c"\n"Bo";"Park";"d, e"\n'

    analysis = analyze(data)

    assert format_of(analysis).delimiter == ";"
    assert list(analysis.headers) == ["first_name", "last_name", "notes"]
    assert analysis.samples[0].values == {"first_name": "Ann", "last_name": "Lee", "notes": "a, b, c"}


def test_a_one_row_semicolon_file_with_commas_in_its_values_is_read_with_semicolons():
    analysis = analyze(b"Name;Notes\nLee, Ann;x, y, z\n")

    assert format_of(analysis).delimiter == ";"
    assert analysis.samples[0].values == {"name": "Lee, Ann", "notes": "x, y, z"}


@pytest.mark.parametrize(("directive", "delimiter"), [("sep=;", ";"), ("sep=,", ","), ("SEP=\t", "\t")])
def test_excels_sep_line_gives_the_delimiter_and_is_no_row(directive, delimiter):
    text = f"{directive}\r\nName{delimiter}City\r\nBob{delimiter}Paris\r\n"

    analysis = analyze(text.encode())

    assert format_of(analysis).delimiter == delimiter
    assert list(analysis.headers) == ["name", "city"]
    assert analysis.file_format["header_line"] == 2
    assert [(row.line_number, row.values["name"]) for row in read_rows(text.encode())] == [(3, "Bob")]


def test_a_header_followed_by_empty_trailing_columns_is_the_header():
    # Spreadsheets save the used range: every line, the header too, ends in empty cells.
    analysis = analyze(b"First Name,Last Name,,,\nAnn,Lee,,,\nBo,Park,,,\n")

    assert analysis.file_format["header_line"] == 1
    assert list(analysis.headers) == ["first_name", "last_name", "column_3", "column_4", "column_5"]
    assert analysis.row_count == 2


def test_a_title_padded_to_the_width_of_the_table_is_still_no_header():
    analysis = analyze(b"Contacts report,,,\nName,Email,City,\nBob,bob@example.com,Paris,\n")

    assert analysis.file_format["header_line"] == 2


def test_a_row_with_values_beyond_the_header_is_no_sample_and_gives_no_constants():
    # "Doe, John" unquoted: its cells are shifted, so "John" is no status and the row no contact.
    analysis = analyze(b"Name,Status\nAnn Lee,Partner\nDoe, John,Partner\nBo Park,Friend,,\n")

    assert analysis.row_count == 3
    assert [row.values["name"] for row in analysis.samples] == ["Ann Lee", "Bo Park"]
    assert analysis.constants["status"] == ["Partner", "Friend"]
    assert [row.values_beyond_header for row in read_rows(b"Name,Status\nDoe, John,Partner\nBo,x,,\n")] == [1, 0]
