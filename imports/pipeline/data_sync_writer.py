"""Writes what a TntDataSync file brings besides its contacts: the organisation, donor accounts and donations.

Part of the book writer (see book_writer.py): a batch costs a fixed number
of statements whatever its size, and a record found again is left as it is
unless the import has `override`, and then only what changed is written.
Donor accounts are found by their number at the organisation (`PEOPLE_ID`),
donations by the organisation's id of the gift (`DONATION_ID`), designation
accounts by their number: a second import of the same file creates nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.utils import timezone

from fundraising.models import DesignationAccount, Donation, DonorAccount, DonorAccountContact, Organization
from fundraising.selectors import organization_named
from imports.pipeline.book_writer import StepResult
from imports.pipeline.builders.tnt_data_sync import DataSyncDonor, DataSyncGift, DataSyncOrganization
from imports.pipeline.bulk_insert import insert_new, loaded_instances, new_instance, rows_in
from imports.pipeline.ids import time_ordered_id

DONOR_ACCOUNT_FIELDS = ("name", "street", "city", "state", "postal_code", "country")
DONATION_FIELDS = (
    "donor_account_id",
    "designation_account_id",
    "amount",
    "currency",
    "tendered_amount",
    "tendered_currency",
    "donation_date",
    "memo",
    "motivation",
)


@dataclass(frozen=True)
class DataSyncContext:
    account_list_id: uuid.UUID
    import_id: uuid.UUID
    override: bool
    organization: Organization


# ---------------------------------------------------------------- the organisation


def organization_for(*, account_list_id, import_id, organization: DataSyncOrganization) -> Organization:
    """Find or make the organisation; a found one without a code or currency gets the file's."""
    # Found by its code first: a TntConnect import of the same organisation made it, with its code.
    found = organization_named(account_list_id=account_list_id, code=organization.code, name=organization.name)
    if found is None:
        return Organization.objects.create(
            account_list_id=account_list_id,
            import_record_id=import_id,
            name=organization.name,
            code=organization.code,
            default_currency=organization.currency,
        )
    blanks = {
        name: value
        for name, value in (("code", organization.code), ("default_currency", organization.currency))
        if value and not getattr(found, name)
    }
    if blanks:
        Organization.objects.filter(pk=found.pk).update(**blanks, updated_at=timezone.now())
        for name, value in blanks.items():
            setattr(found, name, value)
    return found


# ---------------------------------------------------------------- donor accounts


def write_donor_accounts(context: DataSyncContext, donors: list[tuple[DataSyncDonor, uuid.UUID]]) -> StepResult:
    """[DONORS] rows: each donor's account at the organisation, linked to the contact its row became."""
    now = timezone.now()
    existing = {
        account.account_number: account
        for account in loaded_instances(
            DonorAccount.objects.filter(account_list_id=context.account_list_id, organization=context.organization),
            ("id", "account_number", *DONOR_ACCOUNT_FIELDS),
            "account_number__in",
            {donor.account_number for donor, _ in donors},
        )
    }
    result, new, changed, links = StepResult(), [], {}, []
    for donor, contact_id in donors:
        values = {name: getattr(donor, name) for name in DONOR_ACCOUNT_FIELDS}
        account = existing.get(donor.account_number)
        if account is None:
            account = new_instance(
                DonorAccount,
                id=time_ordered_id(),
                account_list_id=context.account_list_id,
                import_record_id=context.import_id,
                organization_id=context.organization.pk,
                account_number=donor.account_number,
                **values,
            )
            existing[donor.account_number] = account
            new.append(account)
        elif context.override and not account._state.adding and _update(account, values):
            changed[account.id] = account
        else:
            result.skipped += 1
        links.append((account.id, contact_id))
    insert_new(DonorAccount, new, now)
    _save_changed(DonorAccount, changed, DONOR_ACCOUNT_FIELDS, now)
    link_rows = [new_instance(DonorAccountContact, donor_account_id=a, contact_id=c) for a, c in dict.fromkeys(links)]
    insert_new(DonorAccountContact, link_rows, now, ignore_conflicts=True)
    result.created, result.updated = len(new), len(changed)
    return result


# ---------------------------------------------------------------- donations


def write_donations(context: DataSyncContext, gifts: list[DataSyncGift]) -> StepResult:
    """[GIFTS] rows: a donation of the donor account into the designation account, found again by DONATION_ID.

    A gift of a donor that neither this file nor an earlier import brought
    is a failure (its key: the DONATION_ID).
    """
    now = timezone.now()
    accounts = dict(
        rows_in(
            DonorAccount.objects.filter(
                account_list_id=context.account_list_id, organization=context.organization
            ).values_list("account_number", "id"),
            "account_number__in",
            {gift.account_number for gift in gifts},
        )
    )
    designations = _designation_accounts(context, {gift.designation for gift in gifts}, now=now)
    existing = {
        donation.remote_id: donation
        for donation in loaded_instances(
            Donation.objects.filter(
                account_list_id=context.account_list_id, donor_account__organization=context.organization
            ),
            ("id", "remote_id", *DONATION_FIELDS),
            "remote_id__in",
            {gift.donation_id for gift in gifts},
        )
    }
    result, new, changed = StepResult(), [], {}
    for gift in gifts:
        account_id = accounts.get(gift.account_number)
        if account_id is None:
            result.failures.append(
                (
                    gift.donation_id,
                    f"gift {gift.donation_id} is of donor {gift.account_number}, who is not in the "
                    "[DONORS] section nor known from an earlier import.",
                )
            )
            continue
        values = {
            "donor_account_id": account_id,
            "designation_account_id": designations[gift.designation],
            "amount": gift.amount,
            "currency": gift.currency,
            "tendered_amount": gift.tendered_amount,
            "tendered_currency": gift.tendered_currency,
            "donation_date": gift.donation_date,
            "memo": gift.memo,
            "motivation": gift.motivation,
        }
        donation = existing.get(gift.donation_id)
        if donation is None:
            donation = new_instance(
                Donation,
                id=time_ordered_id(),
                account_list_id=context.account_list_id,
                import_record_id=context.import_id,
                remote_id=gift.donation_id,
                **values,
            )
            existing[gift.donation_id] = donation
            new.append(donation)
        elif context.override and not donation._state.adding and _update(donation, values):
            changed[donation.id] = donation
        else:
            result.skipped += 1
    insert_new(Donation, new, now)
    _save_changed(Donation, changed, DONATION_FIELDS, now)
    result.created, result.updated = len(new), len(changed)
    return result


def _designation_accounts(context: DataSyncContext, numbers: set[str], *, now) -> dict[str, uuid.UUID]:
    """Designation number -> our designation account, made when missing; a gift without one goes to the
    organisation's unnumbered account."""
    found = dict(
        rows_in(
            DesignationAccount.objects.filter(account_list_id=context.account_list_id).values_list(
                "designation_number", "id"
            ),
            "designation_number__in",
            numbers - {""},
        )
    )
    new = []
    for number in sorted(numbers - {""} - set(found)):
        record = new_instance(
            DesignationAccount,
            id=time_ordered_id(),
            account_list_id=context.account_list_id,
            import_record_id=context.import_id,
            organization_id=context.organization.pk,
            designation_number=number,
            name=f"{context.organization.name} {number}"[:255],
        )
        found[number] = record.id
        new.append(record)
    insert_new(DesignationAccount, new, now)
    if "" in numbers:
        record, _ = DesignationAccount.objects.get_or_create(
            account_list_id=context.account_list_id,
            designation_number="",
            name=f"{context.organization.name} (Imported from TntDataSync)"[:255],
            defaults={"import_record_id": context.import_id, "organization_id": context.organization.pk},
        )
        found[""] = record.id
    return found


def _update(record, values: dict) -> bool:
    differs = {name: value for name, value in values.items() if getattr(record, name) != value}
    for name, value in differs.items():
        setattr(record, name, value)
    return bool(differs)


def _save_changed(model, changed: dict, fields: tuple[str, ...], now) -> None:
    if changed:
        for record in changed.values():
            record.updated_at = now
        model.objects.bulk_update(changed.values(), [*fields, "updated_at"])
