"""A byte stream of an XML file with the characters XML 1.0 forbids taken out, for expat to read.

Real TntConnect exports contain NUL, form feed and other C0 controls, raw or
as character references; stripped before the parser sees them, they no
longer fail the whole file.

TntConnect writes UTF-8 without a declaration. A file saved again by an
editor may be UTF-16 (Notepad's "Unicode"), with or without a byte-order
mark, or even UTF-32: its bytes cannot be cleaned one by one, so it is
decoded, cleaned as text and given to expat as UTF-8 (its declaration, which
names the old encoding, dropped). A declared single-byte encoding is left to
expat, which honours it. Pure Python.
"""

from __future__ import annotations

import codecs
import re
from typing import BinaryIO

from imports.pipeline.readers.wide_text import bomless_wide_encoding

# Bytes of the C0 controls XML 1.0 forbids: all but tab, LF and CR.  Removing
# them byte by byte is safe in UTF-8 and in any ASCII-compatible single-byte
# encoding, since these bytes never occur inside a multi-byte UTF-8 sequence.
_FORBIDDEN_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0D))
_CHARACTER_REFERENCE = re.compile(rb"&#(x[0-9A-Fa-f]+|[0-9]+);")
# What may be the beginning of a character reference cut by a chunk boundary.
_REFERENCE_PREFIX = re.compile(rb"&(?:#(?:x[0-9A-Fa-f]*|[0-9]*))?")
_LONGEST_HELD_REFERENCE = 32
_UTF8_BOM = b"\xef\xbb\xbf"
# UTF-32 first: its little-endian BOM starts with the UTF-16 one.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_XML_DECLARATION = re.compile(r"\ufeff?\s*<\?xml[^>]*\?>")
_FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_WHITESPACE = b" \t\r\n"
CHUNK_SIZE = 64 * 1024


class XmlCleaningReader:
    """A read-only binary stream that drops characters XML 1.0 forbids.

    Raw forbidden bytes and character references to forbidden code points
    (``&#0;``, ``&#x0C;``, ``&#xFFFE;``, surrogates, ...) are removed chunk by
    chunk.  A reference cut by a chunk boundary is held back and completed by
    the next chunk.  A UTF-16 or UTF-32 file is decoded and cleaned as text
    instead (`_decoder_for`), since its bytes cannot be filtered one by one.

    It also notes whether any content was seen and whether the end was
    reached, so parse errors can be told apart (empty file, truncated file).
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._pending = b""  # a possibly incomplete reference held back
        self._started = False
        self._decoder: codecs.IncrementalDecoder | None = None  # set when the file is not given to expat as it is
        self.at_eof = False
        self.saw_content = False

    def read(self, size: int = -1) -> bytes:
        """Return cleaned bytes; b"" only at the end of the stream."""
        size = CHUNK_SIZE if size is None or size < 0 else max(size, 1)
        while not self.at_eof:
            data = self._raw.read(size)
            if not data:
                self.at_eof = True
                tail = self._transcoded(b"", final=True) if self._decoder is not None else b""
                data, self._pending = self._pending + tail, b""
                self._note_content(data)
                return data
            cleaned = self._clean(data)
            if cleaned:
                return cleaned
        return b""

    def _clean(self, data: bytes) -> bytes:
        first = not self._started
        self._started = True
        if first:
            self._decoder = _decoder_for(data)
        if self._decoder is not None:
            data = self._transcoded(data, final=False, first=first)
        else:
            data = data.translate(None, _FORBIDDEN_BYTES)
        data = self._pending + data
        data, self._pending = _split_incomplete_reference(data)
        data = _CHARACTER_REFERENCE.sub(_drop_forbidden_reference, data)
        # A UTF-8 byte-order mark alone does not make a file non-empty.
        self._note_content(data[3:] if first and data.startswith(_UTF8_BOM) else data)
        return data

    def _transcoded(self, data: bytes, *, final: bool, first: bool = False) -> bytes:
        """The next piece of a decoded file as UTF-8, without the characters XML forbids.

        Undecodable bytes raise UnicodeDecodeError, which the reader reports as a malformed file.
        """
        text = self._decoder.decode(data, final)
        if first:  # the declaration names the encoding the bytes are no longer in
            text = _XML_DECLARATION.sub("", text, count=1) if _XML_DECLARATION.match(text) else text.lstrip("\ufeff")
        return _FORBIDDEN_CHARACTERS.sub("", text).encode()

    def _note_content(self, data: bytes) -> None:
        if not self.saw_content and data.strip(_WHITESPACE):
            self.saw_content = True


def _decoder_for(head: bytes) -> codecs.IncrementalDecoder | None:
    """The decoder of a UTF-16 or UTF-32 file (expat reads no UTF-32); None for any other, which expat reads.

    Such a file is known by its byte-order mark, or by the pattern of its zero
    bytes when it starts as XML does, with "<" (binary data may have the pattern).
    """
    encoding = next((name for bom, name in _WIDE_BOMS if head.startswith(bom)), None)
    if encoding is None and (wide := bomless_wide_encoding(head)):
        encoding = wide if head[:64].decode(wide, errors="replace").lstrip().startswith("<") else None
    return codecs.getincrementaldecoder(encoding)() if encoding else None


def _split_incomplete_reference(data: bytes) -> tuple[bytes, bytes]:
    """Split off a trailing ``&``, ``&#``, ``&#x1`` ... that the next chunk completes."""
    start = max(0, len(data) - _LONGEST_HELD_REFERENCE)
    amp = data.rfind(b"&", start)
    if amp != -1 and _REFERENCE_PREFIX.fullmatch(data, amp):
        return data[:amp], data[amp:]
    return data, b""


def _drop_forbidden_reference(match: re.Match[bytes]) -> bytes:
    digits = match.group(1)
    code = int(digits[1:], 16) if digits.startswith(b"x") else int(digits)
    return b"" if _is_forbidden_code_point(code) else match.group(0)


def _is_forbidden_code_point(code: int) -> bool:
    """XML 1.0 Char production: what a character reference may not name."""
    if code < 0x20:
        return code not in (0x09, 0x0A, 0x0D)
    return 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF) or code > 0x10FFFF
