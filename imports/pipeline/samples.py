"""Sample contacts: what the first rows would become with the current mappings."""

from __future__ import annotations

from dataclasses import asdict

from contacts.models import CONTACT_ATTRIBUTES, SampleContact
from imports.models import Import
from imports.pipeline.matching import find_referrers, note_missing_referral
from imports.pipeline.sources import sample_drafts


def rebuild_samples(*, import_record: Import) -> None:
    """Replace the import's samples; call whenever its file or mappings change."""
    drafts = list(sample_drafts(import_record))
    if import_record.source == Import.Source.CSV:
        referrers = find_referrers(import_record.account_list_id, {d.referred_by for _, d in drafts if d.referred_by})
        for _, draft in drafts:
            if draft.referred_by and draft.referred_by not in referrers:
                note_missing_referral(draft)
    SampleContact.objects.filter(import_record=import_record).delete()
    SampleContact.objects.bulk_create(
        [
            SampleContact(
                import_record=import_record,
                position=position,
                line_number=line_number,
                **{attribute: getattr(draft, attribute) for attribute in CONTACT_ATTRIBUTES},
                referred_by=draft.referred_by,
                tags=draft.tags,
                people=[asdict(person) for person in draft.people],
                addresses=[asdict(address) for address in draft.addresses],
            )
            for position, (line_number, draft) in enumerate(drafts, start=1)
        ]
    )
