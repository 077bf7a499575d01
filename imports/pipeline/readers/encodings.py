"""Which text encoding a file is in, or that it is no text at all.

A byte-order mark is certain; otherwise UTF-8 is tried on the head and a
legacy code page is detected (charset-normalizer) where it fails. Images,
archives, workbooks and other binary files are refused before any of it.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from imports.pipeline.readers import FileReadError
from imports.pipeline.readers.streams import HEAD_SIZE
from imports.pipeline.readers.wide_text import bomless_wide_encoding

DETECTION_CONTEXT = 4096  # bytes either side of the first undecodable byte
# UTF-32 first: its little-endian BOM starts with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Legacy code pages a spreadsheet export may plausibly use. Left to itself the
# detector also proposes rare DOS and Mac pages for short Western text.
_LEGACY_ENCODINGS = [
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "cp1258",
    "iso8859_2",
    "iso8859_5",
    "iso8859_7",
    "koi8_r",
    "mac_roman",
    "cp437",
    "cp850",
    "cp932",
    "shift_jis",
    "euc_jp",
    "gb18030",
    "big5",
    "euc_kr",
    "cp949",
]
# Western Latin pages: when the detector names any of them, the text is read as cp1252.
_WESTERN_ENCODINGS = {"cp1252", "latin_1", "iso8859_15", "mac_roman", "cp437", "cp850"}
# Excel for Mac's "CSV (Macintosh)" is Mac Roman with the classic Mac's line end, CR alone: its accented
# letters lie where cp1252 has none (0x81, 0x8D, 0x8F, 0x90, 0x9D) and latin-1 only control characters.
_MAGIC_NUMBERS = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"PK\x05\x06", "a ZIP archive"),
)
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls)
_SPREADSHEET_ZIP_MARKERS = (b"xl/", b"opendocument.spreadsheet")
# Control bytes that never appear in text (tab, line ends, form feed, vertical
# tab, SUB and ESC excepted).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0E, 0x0F, *range(0x10, 0x1A), *range(0x1C, 0x20)])
_NON_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_BYTES)


def encoding_from_head(head: bytes) -> tuple[str, bool]:
    """Return (encoding, certain). A BOM makes it certain, and so does the zero-byte pattern of UTF-16
    or UTF-32 without one (`wide_text`); binary data is refused here."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, True
    wide = bomless_wide_encoding(head)
    if wide is not None:
        return wide, True
    _refuse_binary(head)
    at_end = len(head) < HEAD_SIZE
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=at_end)
    except UnicodeDecodeError as error:
        context = head[max(0, error.start - 4 * DETECTION_CONTEXT) : error.start + 4 * DETECTION_CONTEXT]
        return guess_legacy_encoding(context, set()), False
    return "utf-8", False


def guess_legacy_encoding(sample: bytes, tried: set[str]) -> str:
    """Detect a non-UTF-8 encoding, preferring cp1252 whenever a Western code page fits.

    charset-normalizer alone often names cp1250, a DOS or a Mac page for text
    with few accented letters; spreadsheet exports are far more often
    Windows-1252 (a superset of ISO-8859-1 for printable text). So any Western
    candidate means cp1252, unless cp1252 cannot decode the text: then Mac
    Roman if its lines end as a Mac's do; other scripts (Cyrillic, Greek, Central European,
    CJK...) keep the detector's answer. latin-1 is the last resort: it decodes
    any byte.
    """
    matches = from_bytes(sample, cp_isolation=_LEGACY_ENCODINGS)
    candidates = {name for match in matches for name in (match.encoding, *match.could_be_from_charset)}
    best = matches.best()
    if best is not None and not candidates & _WESTERN_ENCODINGS:
        name = codecs.lookup(best.encoding).name
        if name not in tried:
            return name
    if "cp1252" not in tried and _decodes(sample, "cp1252"):
        return "cp1252"
    if "mac_roman" in candidates and "mac_roman" not in tried and b"\r" in sample and b"\n" not in sample:
        return "mac_roman"
    return "latin-1"


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _refuse_binary(head: bytes) -> None:
    """Refuse images, archives, workbooks and other binary files before reading them as text."""
    if head.startswith(_OLE2_MAGIC) or (
        head.startswith(b"PK\x03\x04") and any(marker in head for marker in _SPREADSHEET_ZIP_MARKERS)
    ):
        raise FileReadError(
            "This file is a spreadsheet workbook, not a CSV file. Open it in your spreadsheet program, "
            'save it as "CSV UTF-8" (File > Save As) and upload that file.'
        )
    for magic, kind in _MAGIC_NUMBERS:
        if head.startswith(magic):
            raise FileReadError(_binary_file_message(f": it looks like {kind}"))
    if looks_binary(head):
        raise FileReadError(_binary_file_message(""))


def looks_binary(data: bytes) -> bool:
    """Text has next to no control bytes; binary data has many (or a NUL)."""
    if b"\0" in data:
        return True
    controls = len(data.translate(None, _NON_CONTROL_BYTES))
    return controls > max(3, len(data) // 100)


def _binary_file_message(kind: str) -> str:
    return (
        f"This file is not a CSV text file (it contains binary data{kind}). "
        "Export your spreadsheet as CSV and upload that."
    )
