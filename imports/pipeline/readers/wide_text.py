"""UTF-16 and UTF-32 text without a byte-order mark, recognised by where its zero bytes fall.

Mac Address Book, some Windows tools and database exports write UTF-16 (or,
rarely, UTF-32) without a BOM. Text of mostly Latin letters, digits and
punctuation then has a zero byte in a fixed position of every code unit:
every other byte for UTF-16, three of every four for UTF-32, on the low or
high side by byte order. Binary data has zero bytes too, but scattered; so
a file is taken as such text only when the pattern holds for nearly every
code unit. Whether it then decodes is the reader's to find out and to say
(naming the line).
"""

from __future__ import annotations

__all__ = ["bomless_wide_encoding"]

_SAMPLE_SIZE = 4096
_ZERO_SHARE = 0.4  # at least this share of the units has its zero byte(s) where the pattern says
_STRAY_SHARE = 0.05  # at most this share has a zero byte where text would not


def bomless_wide_encoding(head: bytes) -> str | None:
    """ "utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be", or None when the bytes show no such pattern."""
    sample = head[:_SAMPLE_SIZE]
    if b"\0" not in sample:
        return None
    for encoding, unit, zero_positions in (
        ("utf-32-le", 4, (1, 2, 3)),
        ("utf-32-be", 4, (0, 1, 2)),
        ("utf-16-le", 2, (1,)),
        ("utf-16-be", 2, (0,)),
    ):
        body = sample[: len(sample) - len(sample) % unit]
        if len(body) < 2 * unit:
            continue
        if _fits(body, unit, zero_positions):
            return encoding
    return None


def _fits(body: bytes, unit: int, zero_positions: tuple[int, ...]) -> bool:
    columns = [body[position::unit] for position in range(unit)]
    count = len(columns[0])
    zero_shares = [column.count(0) / count for column in columns]
    patterned = min(zero_shares[position] for position in zero_positions)
    stray = max((share for position, share in enumerate(zero_shares) if position not in zero_positions), default=0)
    return patterned > _ZERO_SHARE and stray < _STRAY_SHARE
