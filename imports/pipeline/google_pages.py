"""A Google import's people, page by page: each page is one batch, committed with the token of the next.

`people.connections.list` is read with the largest page size it allows.
Each page's contacts, failures and counters commit together with
`source_cursor` (the next page's token and how many people were read), so a
job that starts again after a crash asks for the page after the last
committed one: nothing lost, nothing doubled.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from google_contacts.people import PeopleApi
from imports.models import Import
from imports.pipeline.builders.google import GoogleImportOptions, build_google_contact, display_name, groups_of
from imports.pipeline.sources import BuiltRow, build, google_options


@dataclass(frozen=True)
class GooglePage:
    rows: list[BuiltRow]
    cursor: dict  # source_cursor once this page is committed


def is_wanted(import_record: Import, person: dict) -> bool:
    """With import_by_group, only members of the chosen groups are imported."""
    return not import_record.import_by_group or bool(set(import_record.groups) & set(groups_of(person)))


def build_row(person: dict, position: int, options: GoogleImportOptions) -> BuiltRow:
    draft, error = build(lambda p: build_google_contact(p, options), person)
    cells = [person.get("resourceName", ""), display_name(person)]
    return BuiltRow(line_number=position, cells=cells, draft=draft, error=error)


def google_pages(import_record: Import, api: PeopleApi) -> Iterator[GooglePage]:
    """The pages not yet committed, from the cursor on; nothing when the last page is committed."""
    cursor = dict(import_record.source_cursor)
    if cursor.get("done"):
        return
    options = google_options(import_record)
    token, position = cursor.get("page_token", ""), cursor.get("people_read", 0)
    while True:
        page = api.connections_page(page_token=token)
        rows = []
        for person in page.people:
            position += 1  # the person's place in the account's listing: the "line" of its failure
            if is_wanted(import_record, person):
                rows.append(build_row(person, position, options))
        token = page.next_page_token
        yield GooglePage(rows=rows, cursor={"page_token": token, "people_read": position, "done": not token})
        if not token:
            return
