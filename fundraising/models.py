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
from config.model_fields import ApiResource, JSONField, Timestamped, optional_link
from contacts.models import Contact, PostalAddress

NOT_BLANK_TNT_ID = ~Q(tnt_id="")


def unique_tnt_id(record: str, *within: str) -> models.UniqueConstraint:
    """A TntConnect id names one record per account list (and `within` fields); a record made by hand has none."""
    return models.UniqueConstraint(
        fields=["account_list", *within, "tnt_id"], condition=NOT_BLANK_TNT_ID, name=f"{record}_tnt_id"
    )


class ImportedRecord(ApiResource, Timestamped):
    """What every record of the book has: its account list, its source's id and the import that made it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    account_list = models.ForeignKey(AccountList, on_delete=models.CASCADE, related_name="+", db_index=False)
    tnt_id = models.CharField(max_length=40, blank=True, help_text="TntConnect's id of the row, for re-imports")
    import_record = optional_link("imports.Import", related_name="+", help_text="The import that created it")

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


def contact_link(name: str, owner: type[models.Model], *, field: str, says: str) -> type[ContactLink]:
    """The model `name` linking `owner`'s records to their contacts: (`field`, contact), each contact once per record.

    The book's link tables differ only in the record they link, so they are made here, as Django makes the
    table of a plain many-to-many. The record's foreign key has no index of its own: the unique
    constraint, led by it, serves its lookups. `says` is how a link reads: "<contact> in <appeal>".
    """

    class Meta:
        constraints = [models.UniqueConstraint(fields=[field, "contact"], name=f"contact_once_per_{field}")]

    def __str__(self) -> str:
        return f"{self.contact_id} {says} {getattr(self, f'{field}_id')}"

    record = models.ForeignKey(owner, on_delete=models.CASCADE, related_name=f"{field}_contacts", db_index=False)
    return type(name, (ContactLink,), {"__module__": __name__, field: record, "Meta": Meta, "__str__": __str__})


class Organization(ImportedRecord):
    """A giving organisation (a mission agency): it keeps donors' account numbers and receipts gifts."""

    name = models.TextField()
    code = models.CharField(max_length=100, blank=True, help_text="The organisation's own code, e.g. CCC-USA")
    default_currency = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            unique_tnt_id("organization"),
            models.UniqueConstraint(fields=["account_list", "code"], condition=~Q(code=""), name="organization_code"),
        ]

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
        constraints = [unique_tnt_id("appeal")]
        indexes = [models.Index(fields=["account_list", "name"], name="appeal_list_name")]

    def __str__(self) -> str:
        return self.name


AppealContact = contact_link("AppealContact", Appeal, field="appeal", says="in")


class Task(ImportedRecord):
    """A to-do or, once completed, a history entry (a call made, a letter sent), linked to its contacts."""

    class TntTable(models.TextChoices):
        NONE = "", "None"
        TASK = "Task", "Task"
        HISTORY = "History", "History"

    activity_type = models.CharField(max_length=50, blank=True)
    subject = models.TextField()
    start_at = models.DateTimeField(null=True, blank=True)
    completed = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=50, blank=True)
    tags = JSONField(default=list, blank=True)
    appeal = optional_link(Appeal, related_name="tasks")
    # TntConnect numbers its Task and History tables separately: the id is unique per table.
    tnt_table = models.CharField(max_length=10, blank=True, choices=TntTable.choices, default=TntTable.NONE)
    contacts = models.ManyToManyField(Contact, through="TaskContact", related_name="tasks")

    class Meta:
        ordering = ["-start_at", "id"]
        constraints = [
            unique_tnt_id("task", "tnt_table"),
        ]
        indexes = [models.Index(fields=["account_list", "-start_at"], name="task_list_newest")]

    def __str__(self) -> str:
        return self.subject


TaskContact = contact_link("TaskContact", Task, field="task", says="on")


class TaskComment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:80]


class DonorAccount(ImportedRecord, PostalAddress):
    """A donor's number at a giving organisation; one contact may have several, at several organisations."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="donor_accounts")
    account_number = models.CharField(max_length=100)
    name = models.TextField(blank=True)
    contacts = models.ManyToManyField(Contact, through="DonorAccountContact", related_name="donor_accounts")

    class Meta:
        ordering = ["name", "account_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["account_list", "organization", "account_number"], name="donor_account_number"
            ),
            unique_tnt_id("donor_account"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.account_number} ({self.account_number})"


DonorAccountContact = contact_link("DonorAccountContact", DonorAccount, field="donor_account", says="gives as")


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
    appeal = optional_link(Appeal, related_name="donations")
    appeal_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-donation_date", "id"]
        constraints = [
            unique_tnt_id("donation"),
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

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} on {self.donation_date}"


class Pledge(ImportedRecord):
    """A promised gift (TntConnect's Promise), or the pledge a gift to an appeal fulfils."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="pledges")
    appeal = optional_link(Appeal, related_name="pledges")
    donation = models.ForeignKey(
        Donation, null=True, blank=True, on_delete=models.CASCADE, related_name="pledges", db_index=False
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    amount_currency = models.CharField(max_length=3, blank=True)
    expected_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-expected_date", "id"]
        constraints = [
            unique_tnt_id("pledge"),
            models.UniqueConstraint(
                fields=["donation"], condition=Q(donation__isnull=False), name="pledge_of_donation"
            ),
        ]
        indexes = [models.Index(fields=["account_list", "-expected_date"], name="pledge_list_newest")]

    def __str__(self) -> str:
        return f"{self.amount} {self.amount_currency}"
