"""Read vCard files (.vcf) as the CSV flow reads CSV files: one row per contact, fixed readable headers.

Apple Contacts, Google Contacts and Outlook export every contact of a list
into one .vcf file, in vCard 2.1 (Outlook), 3.0 (Apple, Google) or 4.0. Each
contact becomes a ``TabularRow`` whose line number is the line of its
``BEGIN:VCARD``, under the fixed headers of ``VCARD_HEADERS``; header keys,
constants and samples come from the CSV reader's own rules, and the mapping
suggestions recognise these headers, so a vCard file imports with no
mapping sent at all.

What is understood: folded lines (a line starting with a space or tab
continues the one before), quoted-printable values with soft line breaks
(2.1), ``CHARSET`` parameters (else UTF-8, else Windows-1252), a UTF-16 file
with a byte-order mark, property groups (``item1.EMAIL``), ``TYPE`` and
``PREF`` parameters in the three versions' spellings, escaped ``\\n \\, \\;``
(3.0, 4.0), and several EMAIL, TEL and ADR per contact (preferred first,
then home, in file order; the last column of each holds the rest). Photos, logos and keys are skipped without being
held in memory. Nothing here knows Django.
"""

from __future__ import annotations

import codecs
import io
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from imports.pipeline.readers import FileReadError
from imports.pipeline.readers.encodings import guess_legacy_encoding
from imports.pipeline.readers.rows import (
    DEFAULT_LIMITS,
    ReadLimits,
    TabularAnalysis,
    TabularRow,
    header_keys,
    summarize_rows,
)
from imports.pipeline.readers.wide_text import bomless_wide_encoding

__all__ = [
    "VCARD_FILE_HEADERS",
    "VCARD_HEADERS",
    "VCARD_HEADERS_MAPPINGS",
    "VcardFileError",
    "VcardReader",
    "analyze_vcard",
    "looks_like_vcard",
    "read_vcard",
]

VCARD_HEADERS = (
    "Full Name",
    "First Name",
    "Middle Name",
    "Last Name",
    "Organization",
    "Email 1",
    "Email 2",
    "Phone 1",
    "Phone 2",
    "Phone 3",
    "Street",
    "City",
    "State",
    "Postal Code",
    "Country",
    "Website",
    "Categories",
    "Notes",
)
_KEYS = tuple(header_keys(list(VCARD_HEADERS)))
VCARD_FILE_HEADERS = dict(zip(_KEYS, VCARD_HEADERS, strict=True))
#: A vCard's columns are fixed, so is their mapping: every one that a supported field holds, always,
#: whether or not this file's cards fill it (middle name, organisation and a third email have none).
VCARD_HEADERS_MAPPINGS = {
    "full_name": "full_name",
    "first_name": "first_name",
    "last_name": "last_name",
    "email_1": "email_1",
    "email_2": "email_2",
    "phone_1": "phone_1",
    "phone_2": "phone_2",
    "phone_3": "phone_3",
    "street": "street",
    "city": "city",
    "state": "state",
    "zip": "postal_code",
    "country": "country",
    "website": "website",
    "tags": "categories",
    "notes": "notes",
}
MULTIPLE_VALUES_SEPARATOR = " ::: "
_SKIPPED_PROPERTIES = {b"PHOTO", b"LOGO", b"SOUND", b"KEY"}
_NOT_PHONES = {"FAX", "PAGER"}
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"))
_BOMS += ((codecs.BOM_UTF16_BE, "utf-16"),)
_BARE_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT"}
_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)


class VcardFileError(FileReadError):
    """The file cannot be read as vCard; ``str(error)`` is shown to the user."""


def _wide_encoding(head: bytes) -> str | None:
    """The codec of a UTF-16 or UTF-32 file, with a byte-order mark (which the codec drops) or without."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    return bomless_wide_encoding(head)


def looks_like_vcard(head: bytes) -> bool:
    """The file's first text is BEGIN:VCARD (after a byte-order mark and blank lines)."""
    wide = _wide_encoding(head)
    if wide is not None:
        head = codecs.getincrementaldecoder(wide)(errors="ignore").decode(head).encode("utf-8")
    head = head.removeprefix(codecs.BOM_UTF8).lstrip()
    return head[:11].upper() == b"BEGIN:VCARD"


def analyze_vcard(stream: BinaryIO, *, limits: ReadLimits = DEFAULT_LIMITS) -> TabularAnalysis:
    reader = read_vcard(stream, limits=limits)
    analysis = summarize_rows({"kind": "vcard"}, reader.headers, reader)
    if analysis.row_count == 0:
        raise VcardFileError("The vCard file holds no contacts: there is nothing to import.")
    return analysis


def read_vcard(stream: BinaryIO, *, limits: ReadLimits = DEFAULT_LIMITS) -> VcardReader:
    return VcardReader(stream, limits=limits)


class VcardReader:
    """The contacts of a vCard file as rows, read lazily in one pass; iterate it once.

    Its columns are fixed, so of the limits only a value's length applies.
    """

    def __init__(self, stream: BinaryIO, *, limits: ReadLimits = DEFAULT_LIMITS) -> None:
        self.headers = dict(VCARD_FILE_HEADERS)
        self._stream = stream
        self._max_field_size = limits.max_field_size

    def __iter__(self) -> Iterator[TabularRow]:
        for start, properties in self._cards():
            cells = _contact_cells(properties)
            stripped = [cell.strip() for cell in cells]
            if not any(stripped):
                continue
            yield TabularRow(start, dict(zip(_KEYS, stripped, strict=True)), tuple(cells))

    # -- lines ---------------------------------------------------------------

    def _physical_lines(self) -> Iterator[bytes]:
        """The file's lines without their line ends, as bytes (UTF-16 and UTF-32 files re-encoded as UTF-8)."""
        head = self._stream.read(4096)
        wide = _wide_encoding(head)
        if wide is not None:
            yield from self._wide_lines(head, wide)
            return
        buffered = io.BufferedReader(_Prefixed(head.removeprefix(codecs.BOM_UTF8), self._stream))
        limit = max(4 * self._max_field_size, 1 << 20)
        while line := buffered.readline(limit):
            if b"\0" in line:
                raise VcardFileError("This file contains binary data, so it is not a vCard text file.")
            yield line.rstrip(b"\r\n")

    def _wide_lines(self, head: bytes, encoding: str) -> Iterator[bytes]:
        """Only text that cannot be decoded is refused; the advice is a vCard's."""
        raw = io.BufferedReader(_Prefixed(head, self._stream))
        try:
            for line in io.TextIOWrapper(raw, encoding=encoding, newline=None):
                yield line.rstrip("\r\n").encode("utf-8")
        except UnicodeDecodeError:
            name = "UTF-32" if "32" in encoding else "UTF-16"
            raise VcardFileError(
                f"The file contains bytes that are not valid {name} text, so it cannot be read. "
                "Export the contacts again as a vCard file (.vcf) and upload that."
            ) from None

    def _logical_lines(self) -> Iterator[tuple[int, bytes]]:
        """(line number, unfolded content line); quoted-printable soft breaks joined too."""
        current: bytearray | None = None
        start = 0
        skipping = False
        quoted_printable = False
        for number, line in enumerate(self._physical_lines(), start=1):
            if current is not None and line[:1] in (b" ", b"\t"):
                if not skipping:
                    current += line[1:]
                    self._check_length(current, start)
                continue
            if current is not None and quoted_printable and current.endswith(b"="):
                if not skipping:
                    current += b"\n" + line
                    self._check_length(current, start)
                continue
            if current is not None:
                yield start, bytes(current)
            current, start = bytearray(line), number
            name = _property_name(line)
            skipping = name in _SKIPPED_PROPERTIES
            quoted_printable = b"QUOTED-PRINTABLE" in line.split(b":", 1)[0].upper()
        if current is not None:
            yield start, bytes(current)

    def _check_length(self, current: bytearray, start: int) -> None:
        if len(current) > self._max_field_size:
            raise VcardFileError(
                f"Line {start:,} holds a value longer than {self._max_field_size:,} characters, "
                "the most this service reads. Shorten it and upload the file again."
            )

    def _cards(self) -> Iterator[tuple[int, list[_Property]]]:
        card: list[_Property] | None = None
        start = 0
        for number, line in self._logical_lines():
            if not line.strip():
                continue
            upper = line.strip().upper()
            if upper == b"BEGIN:VCARD":
                if card is not None:
                    raise VcardFileError(
                        f"Line {number:,}: a contact starts before the one that started at line {start:,} ended "
                        "(END:VCARD is missing). Export the contacts again and upload the new file."
                    )
                card, start = [], number
            elif upper == b"END:VCARD":
                if card is None:
                    raise VcardFileError(f"Line {number:,}: END:VCARD without a BEGIN:VCARD before it.")
                yield start, card
                card = None
            elif card is not None:
                prop = _parse_property(line)
                if prop is not None:
                    card.append(prop)
        if card is not None:
            raise VcardFileError(
                f"Line {start:,}: the contact that starts here never ends (END:VCARD is missing): "
                "the file may be cut short. Export the contacts again and upload the new file."
            )


class _Prefixed(io.RawIOBase):
    """Bytes already read, then the rest of the stream."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        super().__init__()
        self._head = head
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._head:
            data, self._head = self._head[: len(buffer)], self._head[len(buffer) :]
        else:
            data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


# --------------------------------------------------------------------------- #
# Properties
# --------------------------------------------------------------------------- #


@dataclass
class _Property:
    name: str  # upper case, without its group
    params: dict[str, list[str]]  # upper-case names; bare 2.1 parameters are TYPE values
    raw: bytes  # the value, still encoded

    @property
    def types(self) -> set[str]:
        return {t.upper() for value in self.params.get("TYPE", []) for t in value.split(",")}

    @property
    def preference(self) -> int:
        """1 is the most preferred (4.0 PREF=1, 2.1/3.0 TYPE=PREF); 100 when none is stated."""
        for value in self.params.get("PREF", []):
            if value.isdigit():
                return int(value)
        return 1 if "PREF" in self.types else 100

    def text(self) -> str:
        data = self.raw
        encoding = {value.upper() for value in self.params.get("ENCODING", [])}
        if encoding & {"QUOTED-PRINTABLE", "QP"}:
            data = quopri.decodestring(data.replace(b"\r\n", b"\n"))
        for charset in self.params.get("CHARSET", []):
            try:
                return data.decode(charset)
            except (LookupError, UnicodeDecodeError):
                break
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            # No CHARSET and not UTF-8: the legacy code page the bytes fit (Windows-1252 for Western text).
            return data.decode(guess_legacy_encoding(data, set()), errors="replace")

    def components(self) -> list[str]:
        """A structured value (N, ADR, ORG) split on unescaped ';' and unescaped."""
        return [_unescape(part) for part in _split_unescaped(self.text(), ";")]

    def value(self) -> str:
        return _unescape(self.text())


def _property_name(line: bytes) -> bytes:
    head = re.split(rb"[;:]", line, maxsplit=1)[0]
    return head.rsplit(b".", 1)[-1].strip().upper()


def _parse_property(line: bytes) -> _Property | None:
    colon = _value_start(line)
    if colon < 0:
        return None
    head, raw = line[:colon], line[colon + 1 :]
    parts = head.decode("ascii", errors="replace").split(";")
    name = parts[0].rsplit(".", 1)[-1].strip().upper()
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        if "=" in part:
            key, value = part.split("=", 1)
            params.setdefault(key.strip().upper(), []).append(value.strip().strip('"'))
        elif part.strip().upper() in _BARE_ENCODINGS:
            params.setdefault("ENCODING", []).append(part.strip())  # 2.1: N;QUOTED-PRINTABLE:
        elif part.strip():
            params.setdefault("TYPE", []).append(part.strip())  # 2.1: TEL;HOME;VOICE:
    encoding = {v.upper() for v in params.get("ENCODING", [])}
    if encoding & {"B", "BASE64"}:
        return None
    return _Property(name=name, params=params, raw=raw)


def _value_start(line: bytes) -> int:
    """The colon that ends the name and parameters (a quoted parameter value may hold one)."""
    quoted = False
    for position, byte in enumerate(line):
        if byte == 0x22:  # "
            quoted = not quoted
        elif byte == 0x3A and not quoted:  # :
            return position
    return -1


def _split_unescaped(text: str, separator: str) -> list[str]:
    parts, current, escaped = [], [], False
    for ch in text:
        if escaped:
            current.append("\\" + ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if escaped:
        current.append("\\")
    parts.append("".join(current))
    return parts


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


# --------------------------------------------------------------------------- #
# A contact -> cells under VCARD_HEADERS
# --------------------------------------------------------------------------- #


_TYPE_RANKS = {"CELL": 0, "MOBILE": 0, "IPHONE": 0, "HOME": 1, "MAIN": 2, "WORK": 3}


def _ranked(properties: list[_Property], name: str) -> list[_Property]:
    """Preferred first, then mobile, home, main, work, others; file order within each."""
    found = [p for p in properties if p.name == name]
    return sorted(found, key=lambda p: (p.preference, min((_TYPE_RANKS.get(t, 4) for t in p.types), default=4)))


def _is_company_card(first: dict[str, _Property], given: str, last: str, full_name: str, organization: str) -> bool:
    """Apple's Contacts marks a company's card X-ABShowAs:COMPANY; other programs write the company alone,
    with no given or family name and the full name (if any) the organisation's."""
    if "X-ABSHOWAS" in first and first["X-ABSHOWAS"].value().strip().upper() == "COMPANY":
        return True
    return not (given.strip() or last.strip()) and full_name.strip() in ("", organization)


def _contact_cells(properties: list[_Property]) -> list[str]:
    first = {p.name: p for p in reversed(properties)}  # the first of each name
    full_name = first["FN"].value() if "FN" in first else ""
    last = given = middle = ""
    if "N" in first:
        parts = first["N"].components() + [""] * 5
        last, given, middle = parts[0], parts[1], parts[2]
    organization = first["ORG"].components()[0].strip() if "ORG" in first else ""
    if organization and _is_company_card(first, given, last, full_name, organization):
        # The card is the organisation's own: its name is not a person's to parse ("Acme Widgets" is not
        # Mr Widgets). It is kept whole as the last name, as TntConnect names an organisation's person.
        full_name, given, middle, last = "", "", "", organization
    emails = [p.value().strip() for p in _ranked(properties, "EMAIL")]
    emails = [email for email in emails if email]
    phones = [p.value().strip() for p in _ranked(properties, "TEL") if not p.types & _NOT_PHONES]
    phones = [phone.removeprefix("tel:") for phone in phones if phone]
    street = city = region = postal_code = country = ""
    addresses = _ranked(properties, "ADR")
    if addresses:
        parts = addresses[0].components() + [""] * 7
        street_lines = [line.strip() for line in parts[2].splitlines() if line.strip()]
        # The extended address (suite, floor) and the post office box are part of where letters go.
        street_lines += [part.strip() for part in (parts[1], parts[0]) if part.strip()]
        street = ", ".join(street_lines)
        city, region, postal_code, country = parts[3], parts[4], parts[5], parts[6]
    website = first["URL"].value() if "URL" in first else ""
    categories = ", ".join(
        category.strip()
        for p in properties
        if p.name == "CATEGORIES"
        for category in (_unescape(part) for part in _split_unescaped(p.text(), ","))
        if category.strip()
    )
    notes = "\n".join(p.value() for p in properties if p.name == "NOTE" and p.value().strip())
    cells = [
        full_name,
        given,
        middle,
        last,
        organization,
        *_slots(emails, 2),
        *_slots(phones, 3),
        street,
        city,
        region,
        postal_code,
        country,
        website,
        categories,
        notes,
    ]
    return [cell.replace("\r\n", "\n") for cell in cells]


def _slots(values: list[str], count: int) -> list[str]:
    """``count`` cells, the last holding every value left, joined as Google joins several values of one
    type (" ::: "), which the import reads as several: a card's third address or fourth number is kept."""
    cells = (values + [""] * count)[:count]
    cells[-1] = MULTIPLE_VALUES_SEPARATOR.join(values[count - 1 :])
    return cells
