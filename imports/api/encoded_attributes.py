"""An import's attributes, written as JSON once per version of the import and kept for the next reads.

Clients poll: the same imports are read again and again, and nine tenths of
a list's bytes are each import's file analysis and mappings, which only
change when the import does. Every write of an import moves its `updated_at`
(`Import.save` and `ImportQuerySet.update` see to it), so (id, updated_at)
names one version of its attributes, as a Rails cache key does: a read finds
the versions of its page with the page's keys, and only the imports not
seen in that version are read and written again.

Two attributes depend on the request, not the import: `file_url` (signed for
the user, with an expiry) and `failures_url` (the request's host). They are
written at each read, between the kept parts.
"""

from __future__ import annotations

from typing import NamedTuple

import orjson

KEPT_VERSIONS = 2_048  # about 5 KB each: ~10 MB at most per process
FILE_URL = "file_url"
FAILURES_URL = "failures_url"


class EncodedAttributes(NamedTuple):
    """One version of an import's attributes as JSON, around the two that depend on the request."""

    account_list_id: object
    user_id: object
    file_name: str
    before_file_url: bytes  # '{"account_list_id":…,"source":…'
    after_file_url: bytes  # '"file_headers":…,"completed_at":…'

    def with_links(self, *, file_link: str | None, failures_link: str) -> bytes:
        """The whole attributes object, byte for byte what writing the full dict would give."""
        return b"".join(
            (
                self.before_file_url,
                b',"file_url":',
                orjson.dumps(file_link),
                b",",
                self.after_file_url,
                b',"failures_url":',
                orjson.dumps(failures_link),
                b"}",
            )
        )


def encode(row: dict, attributes: dict) -> EncodedAttributes:
    """`attributes` (every attribute, in order) of the import in `row`, written around the two links."""
    names = list(attributes)
    file_url_at, failures_url_at = names.index(FILE_URL), names.index(FAILURES_URL)
    if not 0 < file_url_at < failures_url_at == len(names) - 1:
        raise ValueError("file_url must come after the first attribute, and failures_url last")
    before = orjson.dumps({name: attributes[name] for name in names[:file_url_at]})
    after = orjson.dumps({name: attributes[name] for name in names[file_url_at + 1 : failures_url_at]})
    return EncodedAttributes(
        account_list_id=row["account_list_id"],
        user_id=row["user_id"],
        file_name=row["file"],
        before_file_url=before[:-1],  # without its closing brace
        after_file_url=after[1:-1],  # without its braces
    )


class VersionCache:
    """(import id, updated_at) -> EncodedAttributes, for at most KEPT_VERSIONS versions.

    When full it starts again empty: simpler than keeping the most recent, and
    a polled list fills it again at its next read.
    """

    def __init__(self, size: int = KEPT_VERSIONS):
        self.size = size
        self._versions: dict[tuple, EncodedAttributes] = {}

    def get(self, key, updated_at) -> EncodedAttributes | None:
        return self._versions.get((key, updated_at))

    def put(self, key, updated_at, encoded: EncodedAttributes) -> None:
        if len(self._versions) >= self.size:
            self._versions.clear()
        self._versions[(key, updated_at)] = encoded

    def clear(self) -> None:
        self._versions.clear()


ENCODED_IMPORTS = VersionCache()
