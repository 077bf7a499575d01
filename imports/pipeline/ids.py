"""Time-ordered ids for the rows an import inserts (UUID version 7, RFC 9562)."""

from __future__ import annotations

import os
import time
import uuid


class _RandomBits:
    """Random 74-bit numbers from the operating system's generator, fetched 4,096 at a time.

    `os.urandom` is a system call; asking it for 10 bytes per id cost more
    than everything else an id needs (about a tenth of an import's time).
    """

    IDS_PER_FETCH = 4096

    def __init__(self) -> None:
        self._pool: list[int] = []

    def next(self) -> int:
        if not self._pool:
            raw = os.urandom(10 * self.IDS_PER_FETCH)
            self._pool = [int.from_bytes(raw[i : i + 10], "big") for i in range(0, len(raw), 10)]
        return self._pool.pop()


_random_bits = _RandomBits()
# A forked worker must not hand out the numbers its parent already holds.
os.register_at_fork(after_in_child=_random_bits.__init__)


def time_ordered_id() -> uuid.UUID:
    """A version 7 UUID (RFC 9562): the Unix time in milliseconds, then 74 random bits.

    Still a UUID that cannot be guessed, but ids made together sort
    together, so a batch's inserts land at the end of each primary-key and
    foreign-key index rather than all over it. With random (version 4) keys
    every insert touched another index page, and an import slowed down as
    the tables grew (benchmarks/README.md); with these the cost per row
    stays flat.
    """
    milliseconds = time.time_ns() // 1_000_000
    random_bits = _random_bits.next()
    value = (
        (milliseconds & (1 << 48) - 1) << 80
        | 0x7 << 76  # version
        | (random_bits >> 62 & 0xFFF) << 64
        | 0b10 << 62  # RFC 9562 variant
        | random_bits & (1 << 62) - 1
    )
    return _uuid_of(value)


_set_slot = object.__setattr__


def _uuid_of(value: int) -> uuid.UUID:
    """`uuid.UUID(int=value)` for a value known to be a valid 128-bit UUID, without its checks."""
    made = uuid.UUID.__new__(uuid.UUID)
    _set_slot(made, "int", value)
    _set_slot(made, "is_safe", uuid.SafeUUID.unknown)
    return made
