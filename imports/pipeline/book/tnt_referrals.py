"""The referrals step of a TntConnect import: who referred whom, once every contact of the file exists.

A referrer may come anywhere in the file, so referrals are linked in a pass
of their own after the contacts, resolving both sides through the database.
A referrer who is no contact of the account list is kept as the tag
`missing-tnt-referred-by` and a "Referred by: NAME" line in the notes, so
nothing is lost; neither is added twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from contacts.models import Contact, Tag
from imports.pipeline.book.writer import BookContext, StepResult
from imports.pipeline.builders.tnt_book import SkipRow
from imports.pipeline.builders.tnt_lookups import TntLookups
from imports.pipeline.bulk_insert import insert_new, loaded_instances, new_instance, rows_in, update_rows
from imports.pipeline.matching import find_referrers
from imports.pipeline.readers.tnt import TntRow

MISSING_REFERRER_TAG = "missing-tnt-referred-by"


@dataclass
class ReferralDraft:
    tnt_id: str  # the referred contact
    referred_by: str  # the referrer's name as written


def build_referral(row: TntRow, lookups: TntLookups) -> ReferralDraft:
    name = row.fields.get("ReferredBy", "").strip()
    if not name:
        raise SkipRow("no referrer")
    return ReferralDraft(row.tnt_id, name)


def write_referrals(context: BookContext, drafts: list[ReferralDraft]) -> StepResult:
    contacts = {
        contact.tnt_id: contact
        for contact in loaded_instances(
            Contact.objects.filter(account_list_id=context.account_list_id).order_by("-created_at"),
            ("id", "tnt_id", "referred_by_id", "notes"),
            "tnt_id__in",
            {d.tnt_id for d in drafts},
        )
    }
    referrers = find_referrers(context.account_list_id, {d.referred_by for d in drafts})
    tagged = set(
        rows_in(
            Tag.objects.filter(name=MISSING_REFERRER_TAG).values_list("contact_id", flat=True),
            "contact_id__in",
            [c.id for c in contacts.values()],
        )
    )
    result, changed, tags = StepResult(), {}, []
    for draft in drafts:
        contact = contacts.get(draft.tnt_id)
        if contact is None:  # not imported (left out by group, or failed)
            result.skipped += 1
            continue
        referrer_id = referrers.get(draft.referred_by)
        if referrer_id is not None and referrer_id != contact.id:
            if contact.referred_by_id == referrer_id or (contact.referred_by_id and not context.override):
                result.skipped += 1
                continue
            contact.referred_by_id = referrer_id
        else:
            line = f"Referred by: {draft.referred_by}"
            missing_tag = contact.id not in tagged
            if not missing_tag and line in contact.notes:
                result.skipped += 1
                continue
            if missing_tag:
                tagged.add(contact.id)
                tags.append(new_instance(Tag, contact_id=contact.id, name=MISSING_REFERRER_TAG))
            if line not in contact.notes:
                contact.notes = f"{contact.notes}\n{line}" if contact.notes else line
        changed[contact.id] = contact
        result.updated += 1
    now = timezone.now()
    update_rows(Contact, changed.values(), ["referred_by_id", "notes"], now)
    insert_new(Tag, tags, now, ignore_conflicts=True)
    return result
