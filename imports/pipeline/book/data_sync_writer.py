"""Writes what a TntDataSync file brings besides its contacts: the organisation, donor accounts and donations.

Part of the book writer (see writer.py): a batch costs a fixed number
of statements whatever its size, and a record found again is left as it is
unless the import has `override`, and then only what changed is written.
Donor accounts are found by their number at the organisation (`PEOPLE_ID`),
donations by the organisation's id of the gift (`DONATION_ID`) among the
organisation's donations, those a TntConnect export made too, designation
accounts by their number: a second import of the same file creates nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import AccountList
from fundraising.models import DesignationAccount, Donation, DonorAccount, Organization
from fundraising.selectors import organization_named
from imports.pipeline.book.gifts_writer import (
    designation_account_for,
    donation_values,
    donor_accounts_by_number,
    link_donor_accounts,
)
from imports.pipeline.book.tnt_steps import FALLBACK_CURRENCY
from imports.pipeline.book.writer import BookContext, StepResult, new_record, result_of, upsert
from imports.pipeline.builders.drafts import DonorAccountDraft
from imports.pipeline.builders.tnt_data_sync import DataSyncGift, DataSyncOrganization
from imports.pipeline.builders.tnt_lookups import TntLookups
from imports.pipeline.bulk_insert import insert_new, new_instance, rows_in, update_rows
from imports.pipeline.ids import time_ordered_id

DONOR_ACCOUNT_FIELDS = ("name", "street", "city", "state", "postal_code", "country")


@dataclass(frozen=True)
class DataSyncContext(BookContext):
    """A book context (account list, import, override, currency) and the file's organisation."""

    organization: Organization


def data_sync_context(import_record, organization: Organization) -> DataSyncContext:
    """The gifts' currency is the organisation's; a file that names none has the account list's (else USD)."""
    account_list = AccountList.objects.only("default_currency").get(pk=import_record.account_list_id)
    return DataSyncContext(
        account_list_id=import_record.account_list_id,
        import_id=import_record.pk,
        override=import_record.override,
        currency=organization.default_currency or account_list.default_currency or FALLBACK_CURRENCY,
        designation_name=f"{organization.name} (Imported from TntDataSync)",
        lookups=TntLookups(),
        organization=organization,
    )


# ---------------------------------------------------------------- the organisation


@transaction.atomic
def organization_for(*, account_list_id, import_id, organization: DataSyncOrganization) -> Organization:
    """Find or make the organisation; a found one without a code or currency gets the file's.

    Imports into one account list take turns here (its row lock), so two of
    them cannot both make the organisation.
    """
    AccountList.objects.select_for_update().filter(pk=account_list_id).first()
    # Found by its code first: a TntConnect import of the same organisation made it, with its code.
    found = organization_named(account_list_id=account_list_id, code=organization.code, name=organization.name)
    if found is None:
        # Through the bulk insert, so the change log lists it (an undo takes it back).
        record = new_instance(
            Organization,
            id=time_ordered_id(),
            account_list_id=account_list_id,
            import_record_id=import_id,
            name=organization.name,
            code=organization.code,
            default_currency=organization.currency,
        )
        insert_new(Organization, [record], timezone.now())
        return Organization.objects.get(pk=record.pk)
    blanks = {
        name: value
        for name, value in (("code", organization.code), ("default_currency", organization.currency))
        if value and not getattr(found, name)
    }
    for name, value in blanks.items():
        setattr(found, name, value)
    update_rows(Organization, [found] if blanks else [], list(blanks), timezone.now())
    return found


# ---------------------------------------------------------------- donor accounts


def write_donor_accounts(context: DataSyncContext, donors: list[tuple[DonorAccountDraft, uuid.UUID]]) -> StepResult:
    """[DONORS] rows: each donor's account at the organisation, linked to the contact its row became."""
    rows = [
        (donor.account_number, {name: getattr(donor, name) for name in DONOR_ACCOUNT_FIELDS}) for donor, _ in donors
    ]
    scope = {"organization_id": context.organization.pk}
    outcome = upsert(context, DonorAccount, rows, scope=scope, key="account_number", now=timezone.now())
    link_donor_accounts([(outcome.by_tnt_id[donor.account_number].id, contact) for donor, contact in donors])
    return result_of(outcome, [])


# ---------------------------------------------------------------- donations


def write_donations(context: DataSyncContext, gifts: list[DataSyncGift]) -> StepResult:
    """[GIFTS] rows: a donation of the donor account into the designation account, found again by DONATION_ID.

    A gift of a donor that neither this file nor an earlier import brought
    is a failure (its key: the DONATION_ID), and so is a gift whose
    DONATION_ID an earlier batch of this import already wrote: the file
    gives that id twice (repeats within one batch are caught before, by data_sync_steps).
    """
    now = timezone.now()
    organization_id = context.organization.pk
    written = set(
        rows_in(
            Donation.objects.filter(
                account_list_id=context.account_list_id,
                import_record_id=context.import_id,
                donor_account__organization_id=organization_id,
            ).values_list("remote_id", flat=True),
            "remote_id__in",
            {gift.donation_id for gift in gifts},
        )
    )
    numbers = {gift.account_number for gift in gifts}
    accounts = donor_accounts_by_number(context, numbers, "id", organization_id=organization_id)
    designations = _designation_accounts(context, {gift.designation for gift in gifts}, now=now)
    rows, failures = [], []
    for gift in gifts:
        if gift.donation_id in written:
            failures.append((gift.donation_id, repeated_gift_message(gift.donation_id)))
            continue
        account_id = accounts.get((organization_id, gift.account_number))
        if account_id is None:
            failures.append(
                (
                    gift.donation_id,
                    f"gift {gift.donation_id} is of donor {gift.account_number}, who is neither in the [DONORS] "
                    "section nor known from an earlier import.",
                )
            )
            continue
        values = donation_values(
            context, gift, donor_account_id=account_id, designation_account_id=designations[gift.designation]
        )
        rows.append((gift.donation_id, values))
    # DONATION_ID is the organisation's id of the gift, unique at that organisation only: the gift is found
    # among the donations of the organisation's donor accounts, whichever source made it (a TntConnect
    # export's Gift row has it as OrgGiftCode; see gifts_writer.adopt_gifts_told_by_organizations).
    within = {"donor_account__organization_id": organization_id}
    outcome = upsert(context, Donation, rows, within=within, key="remote_id", now=now)
    return result_of(outcome, failures)


def repeated_gift_message(donation_id: str, first_line: int | None = None) -> str:
    """Why a [GIFTS] row whose DONATION_ID an earlier row of the file has (on `first_line`, when known) fails."""
    where = f" (line {first_line:,})" if first_line is not None else ""
    return (
        f"gift {donation_id} has the DONATION_ID of an earlier gift of this file{where}, so it is not imported: "
        "a DONATION_ID names one gift."
    )


def _designation_accounts(context: DataSyncContext, numbers: set[str], *, now) -> dict[str, uuid.UUID]:
    """Designation number -> our designation account, made when missing; a gift without one goes to the
    organisation's unnumbered "NAME (Imported from TntDataSync)" account."""
    found = dict(
        rows_in(
            DesignationAccount.objects.filter(account_list_id=context.account_list_id).values_list(
                "designation_number", "id"
            ),
            "designation_number__in",
            numbers - {""},
        )
    )
    new = [
        new_record(
            context,
            DesignationAccount,
            organization_id=context.organization.pk,
            designation_number=number,
            name=f"{context.organization.name} {number}"[:255],
        )
        for number in sorted(numbers - {""} - set(found))
    ]
    insert_new(DesignationAccount, new, now)
    found |= {record.designation_number: record.id for record in new}
    if "" in numbers:
        found[""] = designation_account_for(context)
    return found
