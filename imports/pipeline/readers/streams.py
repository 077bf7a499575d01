"""Binary streams as the readers need them: the head read up front, then text decoded in large chunks.

Uploads come as Django files or storage (S3) files, not all real ``io``
objects; these wrappers read any object with ``read`` and never close the
caller's stream.
"""

from __future__ import annotations

import io
from typing import BinaryIO

HEAD_SIZE = 64 * 1024  # bytes read up front to find the encoding and delimiter
_READ_BUFFER_SIZE = 256 * 1024
_DECODE_CHUNK_SIZE = 64 * 1024


def read_head(stream: BinaryIO) -> bytes:
    """The first block of the file (less only when the file is shorter)."""
    parts, size = [], 0
    while size < HEAD_SIZE:
        part = stream.read(HEAD_SIZE - size)
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


class ReplayedStream:
    """The already-read head followed by the rest of the stream: no seek for the first pass."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = memoryview(head)
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._stream.read(size)
        if size is None or size < 0 or size >= len(self._head):
            data, self._head = bytes(self._head), self._head[:0]
            return data
        data, self._head = bytes(self._head[:size]), self._head[size:]
        return data


def rewound(stream: BinaryIO) -> BinaryIO:
    stream.seek(0)
    return stream


def open_text(stream: BinaryIO, encoding: str) -> io.TextIOWrapper:
    buffered = io.BufferedReader(_RawReader(stream), buffer_size=_READ_BUFFER_SIZE)
    text = io.TextIOWrapper(buffered, encoding=encoding, errors="strict", newline="")
    text._CHUNK_SIZE = _DECODE_CHUNK_SIZE  # type: ignore[attr-defined]  # fewer decoder calls
    return text


class _RawReader(io.RawIOBase):
    """Lets ``io.BufferedReader`` read any binary file-like object with ``read``.

    Django files and storage (S3) files are not all real ``io`` objects, and
    closing the wrappers must not close the caller's stream.
    """

    def __init__(self, stream: BinaryIO) -> None:
        super().__init__()
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
