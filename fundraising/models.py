"""The rest of a donor manager's book: tasks and history, appeals, pledges, donor accounts and gifts.

These are the contact manager's records, not the importer's: a person keeps
working with them long after the import (a task gets done, a new gift
arrives), so they live beside the contacts in an app of their own. The
importer writes them through its pipeline, as it writes contacts.

Every record that an import brings keeps its source's id (`tnt_id`, unique
per account list and table) and the import that created it, so that a
second import of the same file finds what the first one wrote instead of
writing it again, and an undo knows what it may take back.
"""

import uuid

from django.db import models
from django.db.models import Q

from accounts.models import AccountList
from config.model_fields import JSONField
from contacts.models import Contact

NOT_BLANK_TNT_ID = ~Q(tnt_id="")


class ImportedRecord(models.Model):
    """What every record of the book has: its account list, its source's id and the import that made it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account_list = models.ForeignKey(AccountList, on_delete=models.CASCADE, related_name="+", db_index=False)
    tnt_id = models.CharField(max_length=40, blank=True, help_text="TntConnect's id of the row, for re-imports")
    import_record = models.ForeignKey(
        "imports.Import",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The import that created it",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_imported(self) -> bool:
        return self.import_record_id is not None or bool(self.tnt_id)


class ContactLink(models.Model):
    """One contact of a record (a row of the many-to-many): each contact once per record."""

    id = models.BigAutoField(primary_key=True)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class Organization(ImportedRecord):
    """A giving organisation (a mission agency): it keeps donors' account numbers and receipts gifts."""

    name = models.CharField(max_length=255)
    code = models.CharField(max_length=100, blank=True, help_text="The organisation's own code, e.g. CCC-USA")
    default_currency = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["account_list", "tnt_id"], condition=NOT_BLANK_TNT_ID, name="organization_tnt_id"
            ),
            models.UniqueConstraint(fields=["account_list", "code"], condition=~Q(code=""), name="organization_code"),
        ]

    class JSONAPIMeta:
        resource_name = "organizations"

    def __str__(self) -> str:
        return self.name


class Appeal(ImportedRecord):
    """A fundraising campaign with its goals and the contacts it reached."""

    name = models.CharField(max_length=255)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True, help_text="Special goal")
    monthly_amount = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="Monthly goal"
    )
    active = models.BooleanField(default=True)
    contacts = models.ManyToManyField(Contact, through="AppealContact", related_name="appeals")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["account_list", "tnt_id"], condition=NOT_BLANK_TNT_ID, name="appeal_tnt_id")
        ]
        indexes = [models.Index(fields=["account_list", "name"], name="appeal_list_name")]

    class JSONAPIMeta:
        resource_name = "appeals"

    def __str__(self) -> str:
        return self.name


class AppealContact(ContactLink):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="appeal_contacts", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appeal", "contact"], name="contact_once_per_appeal")]

    def __str__(self) -> str:
        return f"{self.contact_id} in {self.appeal_id}"


class Task(ImportedRecord):
    """A to-do or, once completed, a history entry (a call made, a letter sent), linked to its contacts."""

    class TntTable(models.TextChoices):
        NONE = "", "None"
        TASK = "Task", "Task"
        HISTORY = "History", "History"

    activity_type = models.CharField(max_length=50, blank=True)
    subject = models.CharField(max_length=2000)
    start_at = models.DateTimeField(null=True, blank=True)
    completed = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=50, blank=True)
    tags = JSONField(default=list, blank=True)
    appeal = models.ForeignKey(Appeal, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    # TntConnect numbers its Task and History tables separately: the id is unique per table.
    tnt_table = models.CharField(max_length=10, blank=True, choices=TntTable.choices, default=TntTable.NONE)
    contacts = models.ManyToManyField(Contact, through="TaskContact", related_name="tasks")

    class Meta:
        ordering = ["-start_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account_list", "tnt_table", "tnt_id"], condition=NOT_BLANK_TNT_ID, name="task_tnt_id"
            ),
        ]
        indexes = [models.Index(fields=["account_list", "-start_at"], name="task_list_newest")]

    class JSONAPIMeta:
        resource_name = "tasks"

    def __str__(self) -> str:
        return self.subject


class TaskContact(ContactLink):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_contacts", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "contact"], name="contact_once_per_task")]

    def __str__(self) -> str:
        return f"{self.contact_id} on {self.task_id}"


class TaskComment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:80]


class DonorAccount(ImportedRecord):
    """A donor's number at a giving organisation; one contact may have several, at several organisations."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="donor_accounts")
    account_number = models.CharField(max_length=100)
    name = models.CharField(max_length=255, blank=True)
    street = models.TextField(blank=True)
    city = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=255, blank=True)
    postal_code = models.CharField(max_length=50, blank=True)
    country = models.CharField(max_length=255, blank=True)
    contacts = models.ManyToManyField(Contact, through="DonorAccountContact", related_name="donor_accounts")

    class Meta:
        ordering = ["name", "account_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["account_list", "organization", "account_number"], name="donor_account_number"
            ),
            models.UniqueConstraint(
                fields=["account_list", "tnt_id"], condition=NOT_BLANK_TNT_ID, name="donor_account_tnt_id"
            ),
        ]

    class JSONAPIMeta:
        resource_name = "donor_accounts"

    def __str__(self) -> str:
        return f"{self.name or self.account_number} ({self.account_number})"


class DonorAccountContact(ContactLink):
    donor_account = models.ForeignKey(
        DonorAccount, on_delete=models.CASCADE, related_name="donor_account_contacts", db_index=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["donor_account", "contact"], name="contact_once_per_donor_account")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} gives as {self.donor_account_id}"


class DesignationAccount(ImportedRecord):
    """Where gifts go: the account of a missionary or project at the organisation."""

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="designation_accounts"
    )
    designation_number = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=255)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["account_list", "designation_number"],
                condition=~Q(designation_number=""),
                name="designation_number",
            ),
            models.UniqueConstraint(
                fields=["account_list", "name"], condition=Q(designation_number=""), name="designation_unnumbered"
            ),
        ]

    class JSONAPIMeta:
        resource_name = "designation_accounts"

    def __str__(self) -> str:
        return self.name


class Donation(ImportedRecord):
    """One gift of a donor account into a designation account."""

    donor_account = models.ForeignKey(DonorAccount, on_delete=models.CASCADE, related_name="donations")
    designation_account = models.ForeignKey(DesignationAccount, on_delete=models.CASCADE, related_name="donations")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, blank=True)
    tendered_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    tendered_currency = models.CharField(max_length=3, blank=True)
    donation_date = models.DateField()
    memo = models.TextField(blank=True)
    motivation = models.CharField(max_length=255, blank=True)
    remote_id = models.CharField(
        max_length=100, blank=True, help_text="The organisation's id of the gift (OrgGiftCode, DONATION_ID)"
    )
    appeal = models.ForeignKey(Appeal, null=True, blank=True, on_delete=models.SET_NULL, related_name="donations")
    appeal_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-donation_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account_list", "tnt_id"], condition=NOT_BLANK_TNT_ID, name="donation_tnt_id"
            ),
            # A TntDataSync gift has no TntConnect id: the organisation's DONATION_ID identifies it, and is
            # unique at that organisation only (two organisations may both have a gift "1001"). A donor
            # account is of one organisation, so this is as much of that rule as a constraint can say.
            models.UniqueConstraint(
                fields=["donor_account", "remote_id"],
                condition=Q(tnt_id="") & ~Q(remote_id=""),
                name="donation_remote_id_of_donor",
            ),
        ]
        indexes = [
            models.Index(fields=["account_list", "-donation_date"], name="donation_list_newest"),
            # Imports find a gift by its organisation's code, whichever source made it.
            models.Index(
                fields=["account_list", "remote_id"], condition=~Q(remote_id=""), name="donation_by_remote_id"
            ),
        ]

    class JSONAPIMeta:
        resource_name = "donations"

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} on {self.donation_date}"


class Pledge(ImportedRecord):
    """A promised gift (TntConnect's Promise), or the pledge a gift to an appeal fulfils."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="pledges")
    appeal = models.ForeignKey(Appeal, null=True, blank=True, on_delete=models.SET_NULL, related_name="pledges")
    donation = models.ForeignKey(
        Donation, null=True, blank=True, on_delete=models.CASCADE, related_name="pledges", db_index=False
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    amount_currency = models.CharField(max_length=3, blank=True)
    expected_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-expected_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account_list", "tnt_id"], condition=NOT_BLANK_TNT_ID, name="pledge_tnt_id"
            ),
            models.UniqueConstraint(
                fields=["donation"], condition=Q(donation__isnull=False), name="pledge_of_donation"
            ),
        ]
        indexes = [models.Index(fields=["account_list", "-expected_date"], name="pledge_list_newest")]

    class JSONAPIMeta:
        resource_name = "pledges"

    def __str__(self) -> str:
        return f"{self.amount} {self.amount_currency}"
