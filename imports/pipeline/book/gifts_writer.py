"""Writes batches of TntConnect's Donor, Gift and GiftSplit rows: donor accounts, donations and their appeals.

Part of the book writer (see writer.py): a fixed number of statements
per batch, references resolved through indexed TntConnect ids.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.utils import timezone

from contacts.models import Contact
from fundraising.models import (
    AppealContact,
    Donation,
    DonorAccount,
    DonorAccountContact,
    Organization,
    Pledge,
)
from imports.pipeline.book.writer import (
    BookContext,
    StepResult,
    appeals_by_tnt_id,
    contacts_by_tnt_id,
    ids_by_tnt_id,
    new_record,
    not_imported,
    result_of,
    unnumbered_designation_account,
    upsert,
    with_ids,
)
from imports.pipeline.builders.tnt_book import (
    DESIGNATED_LINE,
    DonationDraft,
    GiftSplitDraft,
    TntDonorAccountDraft,
    designated_line,
    missing_appeal,
    with_lines_of,
)
from imports.pipeline.builders.tnt_data_sync import DataSyncGift
from imports.pipeline.bulk_insert import insert_new, loaded_instances, new_instance, rows_in, update_rows

PERSONAL_ORGANIZATION = "0"  # gifts TntConnect records without an organisation (personally received)


# ---------------------------------------------------------------- organisations and donor accounts


def organizations_for(context: BookContext, tnt_ids: Iterable[str]) -> dict[str, uuid.UUID]:
    """Our organisation for each TntConnect OrganizationID, made when missing (found by its code too).

    An id the Organization table does not describe still gets one, named
    after the id, so that no gift is lost for want of it.
    """
    wanted = {tnt_id or PERSONAL_ORGANIZATION for tnt_id in tnt_ids}
    found = ids_by_tnt_id(context, Organization, wanted)
    missing = wanted - set(found)
    if not missing:
        return found
    codes = {context.lookups.organizations.get(tnt_id, {}).get("Code", ""): tnt_id for tnt_id in missing}
    codes.pop("", None)
    adopted = []  # organisations made by a TntDataSync file: from now on found by TntConnect's id
    for record in Organization.objects.filter(account_list_id=context.account_list_id, code__in=list(codes)):
        tnt_id = codes[record.code]
        found[tnt_id] = record.id
        missing.discard(tnt_id)
        if not record.tnt_id:
            record.tnt_id = tnt_id
            adopted.append(record)
    update_rows(Organization, adopted, ["tnt_id"], timezone.now())
    new = []
    for tnt_id in sorted(missing):
        fields = context.lookups.organizations.get(tnt_id, {})
        if tnt_id == PERSONAL_ORGANIZATION:
            name = "Personally received (Imported from TntConnect)"
        else:
            name = fields.get("Description") or fields.get("QueryIniName") or fields.get("Name") or fields.get("Code")
            name = name or f"Organization {tnt_id} (Imported from TntConnect)"
        code = fields.get("Code", "")[:100]
        record = new_record(context, Organization, tnt_id=tnt_id, name=name, code=code, default_currency="")
        new.append(record)
        found[tnt_id] = record.id
    insert_new(Organization, new, timezone.now())
    return found


def write_donor_accounts(context: BookContext, drafts: list[TntDonorAccountDraft]) -> StepResult:
    """Donor rows: the account, named after its contact, at its organisation; linked to the contact."""
    organizations = organizations_for(context, (d.organization_tnt_id for d in drafts))
    contacts = contacts_by_tnt_id(context, (d.contact_tnt_id for d in drafts))
    names = dict(rows_in(Contact.objects.values_list("id", "name"), "id__in", set(contacts.values())))
    # An account the organisation already told us of (a TntDataSync file) is the same account.
    numbers = donor_accounts_by_number(context, {d.account_number for d in drafts}, "tnt_id")
    rows, failures = [], []
    adopting: dict[tuple[uuid.UUID, str], str] = {}  # (organisation id, account number) -> the Donor row's id
    for draft in drafts:
        organization_id = organizations[draft.organization_tnt_id or PERSONAL_ORGANIZATION]
        known_as = numbers.get((organization_id, draft.account_number))
        if known_as and known_as != draft.tnt_id:
            failures.append((draft.tnt_id, f"Donor {draft.tnt_id} has the account number of Donor {known_as}."))
            continue
        if known_as == "":  # an account the organisation told us of: from now on found by this id
            adopting[(organization_id, draft.account_number)] = draft.tnt_id
        numbers[(organization_id, draft.account_number)] = draft.tnt_id
        contact_id = contacts.get(draft.contact_tnt_id)
        values = {
            "organization_id": organization_id,
            "account_number": draft.account_number,
            "name": names.get(contact_id) or draft.name,
            "street": draft.street,
            "city": draft.city,
            "state": draft.state,
            "postal_code": draft.postal_code,
            "country": draft.country,
        }
        rows.append((draft.tnt_id, values))
    _adopt_donor_accounts(context, adopting)  # before the upsert, which then finds them by their new id
    outcome = upsert(context, DonorAccount, rows, now=timezone.now())
    linked = [d for d in drafts if d.contact_tnt_id in contacts and d.tnt_id in outcome.by_tnt_id]
    link_donor_accounts([(outcome.by_tnt_id[d.tnt_id].id, contacts[d.contact_tnt_id]) for d in linked])
    return result_of(outcome, failures)


def donor_accounts_by_number(
    context: BookContext, numbers: set[str], column: str, *, organization_id: uuid.UUID | None = None
) -> dict[tuple[uuid.UUID, str], object]:
    """(organisation id, account number) -> `column` of the account list's donor accounts with these numbers,
    at every organisation or at `organization_id` only."""
    accounts = DonorAccount.objects.filter(account_list_id=context.account_list_id)
    if organization_id is not None:
        accounts = accounts.filter(organization_id=organization_id)
    rows = accounts.values_list("organization_id", "account_number", column)
    return {
        (account_organization_id, number): value
        for account_organization_id, number, value in rows_in(rows, "account_number__in", numbers)
    }


def _adopt_donor_accounts(context: BookContext, adopting: dict[tuple[uuid.UUID, str], str]) -> None:
    """Give the accounts an organisation told us of their Donor row's id: one read and one update per batch."""
    if not adopting:
        return
    accounts = DonorAccount.objects.filter(account_list_id=context.account_list_id)
    fields = ("id", "organization_id", "account_number", "tnt_id")
    numbers = {number for _, number in adopting}
    adopted = []
    for account in loaded_instances(accounts, fields, "account_number__in", numbers):
        tnt_id = adopting.get((account.organization_id, account.account_number))
        if tnt_id is not None:
            account.tnt_id = tnt_id
            adopted.append(account)
    update_rows(DonorAccount, adopted, ["tnt_id"], timezone.now())


def link_donor_accounts(pairs: list[tuple[uuid.UUID, uuid.UUID]]) -> None:
    """(donor account, contact) pairs: the contact gives as that account; pairs linked already are kept."""
    links = [
        new_instance(DonorAccountContact, donor_account_id=account_id, contact_id=contact_id)
        for account_id, contact_id in dict.fromkeys(pairs)
    ]
    insert_new(DonorAccountContact, links, timezone.now(), ignore_conflicts=True)


# ---------------------------------------------------------------- donations


def designation_account_for(context: BookContext) -> uuid.UUID:
    """The account list's "USER NAME (Imported from TntConnect)" designation account, made once."""
    return unnumbered_designation_account(
        account_list_id=context.account_list_id, import_id=context.import_id, name=context.designation_name
    )


def write_donations(context: BookContext, drafts: list[DonationDraft]) -> StepResult:
    """Gift rows: donations of the contact's donor account, with the appeal (before 3.2) and its pledge."""
    now = timezone.now()
    designation_id = designation_account_for(context)
    contacts = contacts_by_tnt_id(context, (d.contact_tnt_id for d in drafts))
    appeals = appeals_by_tnt_id(context, (d.appeal_tnt_id for d in drafts))
    donors = ids_by_tnt_id(context, DonorAccount, (d.donor_tnt_id for d in drafts))
    own_accounts = _accounts_made_for_contacts(
        context, [d for d in drafts if d.donor_tnt_id not in donors and d.contact_tnt_id in contacts], contacts
    )
    rows, failures, contact_of = [], [], {}
    for draft in drafts:
        contact_id = contacts.get(draft.contact_tnt_id)
        account_id = donors.get(draft.donor_tnt_id) or own_accounts.get(draft.contact_tnt_id)
        if account_id is None:
            failures.append(not_imported(draft, "Gift"))
            continue
        appeal_id = appeals.get(draft.appeal_tnt_id, (None, ""))[0]
        contact_of[draft.tnt_id] = contact_id
        values = donation_values(context, draft, donor_account_id=account_id, designation_account_id=designation_id)
        values["remote_id"] = draft.remote_id
        if not context.appeals_from_splits:
            values |= {"appeal_id": appeal_id, "appeal_amount": draft.appeal_amount if appeal_id else None}
            if draft.appeal_tnt_id and appeal_id is None:
                # The Appeal table lacks the gift's appeal: its memo says so rather than the link going unsaid.
                line = designated_line(draft.appeal_amount, values["currency"], missing_appeal(draft.appeal_tnt_id))
                values["memo"] = f"{values['memo']}\n{line}" if values["memo"] else line
        rows.append((draft.tnt_id, values))
    adopted = adopt_gifts_told_by_organizations(context, rows, now=now)
    outcome = upsert(context, Donation, rows, now=now, merge=_keep_splits if context.appeals_from_splits else None)
    written = {record.id: record for record in [*adopted, *outcome.new, *outcome.changed]}
    appealed = [(record, contact_of[record.tnt_id]) for record in written.values() if record.appeal_id]
    add_appeal_pledges(context, appealed, now=now)
    return result_of(outcome, failures)


def adopt_gifts_told_by_organizations(context: BookContext, rows: list[tuple[str, dict]], *, now) -> list[Donation]:
    """Donations a TntDataSync file made of the gifts these Gift rows are: from now on found by the row's id.

    What identifies a gift in both sources is its organisation and the
    organisation's code for it (OrgGiftCode here, DONATION_ID there): the
    code is unique at its organisation only (two organisations may both have
    a gift "1001"), and neither amount nor date tells gifts apart (two gifts
    of one amount on one day are two gifts, with two codes). The
    organisation is the donor account's: both sources find it by its code,
    and the donor account by its number there. A gift without a code, or
    whose code no organisation's file gave, is made as before.

    A gift before 3.2 gives the donation its appeal when the organisation
    did not (its file has none); the rest is the donation's already, and
    `override` replaces it as for any donation found. Returns the donations
    given an appeal, for their pledges.
    """
    coded = [(tnt_id, values) for tnt_id, values in rows if values["remote_id"]]
    if not coded:
        return []
    # One lookup first, by the codes alone: most batches meet no gift that an organisation's file told of.
    told = with_ids(context, Donation, key="remote_id", tnt_id="").order_by()  # by the index on the code
    found = {
        (organization_id, code): pk
        for pk, code, organization_id in rows_in(
            told.values_list("id", "remote_id", "donor_account__organization_id"),
            "remote_id__in",
            {values["remote_id"] for _, values in coded},
        )
    }
    if not found:
        return []
    imported = ids_by_tnt_id(context, Donation, (tnt_id for tnt_id, _ in coded))
    coded = [(tnt_id, values) for tnt_id, values in coded if tnt_id not in imported]
    accounts = {values["donor_account_id"] for _, values in coded}
    organization_of = dict(rows_in(DonorAccount.objects.values_list("id", "organization_id"), "id__in", accounts))
    adopting = {}
    for tnt_id, values in coded:
        pk = found.pop((organization_of[values["donor_account_id"]], values["remote_id"]), None)
        if pk is not None:
            adopting[pk] = (tnt_id, values)
    fields = ("id", "tnt_id", "appeal_id", "appeal_amount", "amount", "currency", "donation_date")
    adopted = list(loaded_instances(Donation.objects.all(), fields, "id__in", adopting))
    for donation in adopted:
        donation.tnt_id, values = adopting[donation.id]
        if donation.appeal_id is None and values.get("appeal_id"):
            donation.appeal_id, donation.appeal_amount = values["appeal_id"], values["appeal_amount"]
    update_rows(Donation, adopted, ["tnt_id", "appeal_id", "appeal_amount"], now)
    return [donation for donation in adopted if donation.appeal_id]


def donation_values(
    context: BookContext,
    gift: DonationDraft | DataSyncGift,
    *,
    donor_account_id: uuid.UUID,
    designation_account_id: uuid.UUID,
) -> dict:
    """What a gift of either source (a Gift row, a TntDataSync [GIFTS] row) writes into its donation.

    A gift that names no currency is in the import's; what the donor
    tendered is in the gift's currency unless the gift says otherwise.
    """
    return {
        "donor_account_id": donor_account_id,
        "designation_account_id": designation_account_id,
        "amount": gift.amount,
        "currency": gift.currency or context.currency,
        "tendered_amount": gift.tendered_amount,
        "tendered_currency": gift.tendered_currency or gift.currency or context.currency,
        "donation_date": gift.donation_date,
        "memo": gift.memo,
        "motivation": gift.motivation,
    }


def _keep_splits(donation: Donation, values: dict) -> dict:
    """From 3.2 a gift's appeal and the memo's designated lines come from its GiftSplit rows, not the Gift row."""
    return {**values, "memo": with_lines_of(values["memo"], of=donation.memo, pattern=DESIGNATED_LINE)}


def _accounts_made_for_contacts(context: BookContext, drafts: list[DonationDraft], contacts: dict) -> dict:
    """A gift without a Donor row is of a donor account made for its contact ("TNT-" and the contact's id)."""
    if not drafts:
        return {}
    organizations = organizations_for(context, (d.organization_tnt_id for d in drafts))
    wanted = {}
    for draft in drafts:
        organization_id = organizations[draft.organization_tnt_id or PERSONAL_ORGANIZATION]
        wanted[draft.contact_tnt_id] = (organization_id, f"TNT-{draft.contact_tnt_id}")
    existing = donor_accounts_by_number(context, {number for _, number in wanted.values()}, "id")
    names = dict(rows_in(Contact.objects.values_list("id", "name"), "id__in", {contacts[c] for c in wanted}))
    made, new = {}, []
    for contact_tnt_id, key in wanted.items():
        if key in existing:
            made[contact_tnt_id] = existing[key]
            continue
        name = names.get(contacts[contact_tnt_id], "")
        record = new_record(context, DonorAccount, organization_id=key[0], account_number=key[1], name=name)
        existing[key] = made[contact_tnt_id] = record.id
        new.append(record)
    insert_new(DonorAccount, new, timezone.now())
    link_donor_accounts([(made[c], contacts[c]) for c in wanted])
    return made


def add_appeal_pledges(context: BookContext, donations: list[tuple[Donation, uuid.UUID | None]], *, now) -> None:
    """A donation to an appeal fulfils a pledge to it: one per donation, made once; the contact joins the appeal."""
    donations = [(donation, contact_id) for donation, contact_id in donations if contact_id is not None]
    if not donations:
        return
    pledged = set(
        rows_in(Pledge.objects.values_list("donation_id", flat=True), "donation_id__in", [d.id for d, _ in donations])
    )
    pledges = [
        new_record(
            context,
            Pledge,
            contact_id=contact_id,
            appeal_id=donation.appeal_id,
            donation_id=donation.id,
            amount=donation.appeal_amount or donation.amount,
            amount_currency=donation.currency,
            expected_date=donation.donation_date,
        )
        for donation, contact_id in donations
        if donation.id not in pledged
    ]
    insert_new(Pledge, pledges, now)
    links = [new_instance(AppealContact, appeal_id=d.appeal_id, contact_id=c) for d, c in dict(donations).items()]
    insert_new(AppealContact, links, now, ignore_conflicts=True)


def write_gift_splits(context: BookContext, drafts: list[GiftSplitDraft]) -> StepResult:
    """GiftSplit rows (3.2): a gift's first campaign is its appeal; the others are told in its memo.

    Idempotent without bookkeeping: a split whose appeal the donation has,
    or whose line its memo holds, was applied already.
    """
    now = timezone.now()
    fields = (
        "id",
        "tnt_id",
        "appeal_id",
        "appeal_amount",
        "amount",
        "currency",
        "memo",
        "donation_date",
        "donor_account_id",
    )
    donations = {
        d.tnt_id: d
        for d in loaded_instances(
            with_ids(context, Donation),
            fields,
            "tnt_id__in",
            {draft.gift_tnt_id for draft in drafts},
        )
    }
    appeals = appeals_by_tnt_id(context, (d.appeal_tnt_id for d in drafts))
    result, changed, appealed = StepResult(), {}, []
    for draft in drafts:
        donation = donations.get(draft.gift_tnt_id)
        if donation is None:
            result.skipped += 1  # its gift failed or was skipped, and says so
            continue
        appeal_id, appeal_name = appeals.get(draft.appeal_tnt_id, (None, ""))
        if appeal_id is not None and donation.appeal_id in (None, appeal_id):
            if donation.appeal_id == appeal_id and donation.appeal_amount == draft.amount:
                result.skipped += 1
                continue
            donation.appeal_id, donation.appeal_amount = appeal_id, draft.amount
            appealed.append(donation)
        else:
            name = appeal_name or missing_appeal(draft.appeal_tnt_id or "none")
            line = designated_line(draft.amount, draft.currency or donation.currency or context.currency, name)
            if line in donation.memo:
                result.skipped += 1
                continue
            donation.memo = f"{donation.memo}\n{line}" if donation.memo else line
        changed[donation.id] = donation
        result.updated += 1
    update_rows(Donation, changed.values(), ["appeal_id", "appeal_amount", "memo"], now)
    owners = _first_contact_of_accounts({d.donor_account_id for d in appealed})
    add_appeal_pledges(context, [(d, owners.get(d.donor_account_id)) for d in appealed], now=now)
    return result


def _first_contact_of_accounts(account_ids: set[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    links = DonorAccountContact.objects.order_by("id").values_list("donor_account_id", "contact_id")
    owners: dict[uuid.UUID, uuid.UUID] = {}
    for account_id, contact_id in rows_in(links, "donor_account_id__in", account_ids):
        owners.setdefault(account_id, contact_id)
    return owners
