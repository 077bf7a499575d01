"""Who is in which TntConnect group, counted as the GroupContact rows stream by, for the upload's preview.

The preview shows each group's number of contacts and the groups of the
first few contacts. Counting distinct contacts needs every (group, contact)
pair seen (an export may repeat one), and the GroupContact table may come
before or after the Contact table, so the pairs are kept, but on a private
scratch SQLite database (stdlib sqlite3; an empty name is a temporary file
that SQLite deletes on close), not in a dictionary of the whole file: its
page cache is all it holds in memory, however many members the file has.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

_BATCH = 2_000  # pairs written at a time
# SQLite's limit on host parameters is 32,766 from 3.32, 999 before.
_LOOKUP_CHUNK = 900


class GroupMemberships:
    """Pairs of (group id, contact id), each kept once, in the order first seen."""

    def __init__(self) -> None:
        self._database = sqlite3.connect("")
        self._database.execute("CREATE TABLE member (group_id TEXT, contact_id TEXT, UNIQUE (group_id, contact_id))")
        self._pending: list[tuple[str, str]] = []

    def add(self, fields: dict[str, str]) -> None:
        """A GroupContact row's membership; a row that lacks either id is no membership."""
        contact_id = fields.get("ContactID", "").strip()
        group_id = fields.get("GroupID", "").strip()
        if contact_id and group_id:
            self._pending.append((group_id, contact_id))
            if len(self._pending) >= _BATCH:
                self._flush()

    def sizes(self) -> dict[str, int]:
        """Group id -> how many contacts are in it."""
        self._flush()
        return dict(self._database.execute("SELECT group_id, COUNT(*) FROM member GROUP BY group_id"))

    def groups_of(self, contact_ids: Iterable[str]) -> dict[str, list[str]]:
        """Contact id -> the ids of its groups, in the order the file first names them (a contact in none: absent)."""
        self._flush()
        wanted = list(dict.fromkeys(contact_ids))
        groups: dict[str, list[str]] = {}
        for start in range(0, len(wanted), _LOOKUP_CHUNK):
            chunk = wanted[start : start + _LOOKUP_CHUNK]
            marks = ", ".join("?" * len(chunk))
            query = f"SELECT contact_id, group_id FROM member WHERE contact_id IN ({marks}) ORDER BY rowid"
            for contact_id, group_id in self._database.execute(query, chunk):
                groups.setdefault(contact_id, []).append(group_id)
        return groups

    def close(self) -> None:
        self._database.close()

    def _flush(self) -> None:
        if self._pending:
            self._database.executemany("INSERT OR IGNORE INTO member VALUES (?, ?)", self._pending)
            self._pending = []
