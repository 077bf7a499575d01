"""The contacts of an account list: households with their people, emails, phones and addresses.

Each matching key (`name_key`, `email_key`, `number_key`) is stored beside the
value as written, so that an import of a million rows can match against the
existing contacts with indexed equality instead of per-row fuzzy queries.
"""

import hashlib
import uuid
from operator import attrgetter

from django.db import models

from accounts.models import AccountList
from config.model_fields import ApiResource, JSONField, Timestamped, optional_link
from contacts.phones import phone_key
from imports.fields import choices

NAME_KEY_LENGTH = 255
_NAME_KEY_DIGEST = 64  # hex characters of a SHA-256


def name_key(name: str) -> str:
    """Contact names match ignoring case and spacing: 'Doe,  John' == 'doe, john'.

    A name is stored whole, however long, but its key is indexed, and an index entry has a size limit
    (about 2,700 bytes on PostgreSQL): a key longer than its column is its start and a digest of the
    whole, so two long names that differ anywhere still have different keys.
    """
    key = " ".join(name.split()).casefold()
    if len(key) <= NAME_KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[: NAME_KEY_LENGTH - _NAME_KEY_DIGEST - 1]}#{digest}"


def email_key(email: str) -> str:
    return email.strip().casefold()


class ContactAttributes(models.Model):
    """What a contact says about a household; a sample contact has the same attributes.

    The import's drafts use these names too, so the writer and the samples copy
    them across by name (`CONTACT_ATTRIBUTES`).
    """

    # Text that people write is stored whole, however long (a length limit would cut it or refuse the row);
    # the CharFields are values whose length is part of what they are (a status, a currency code).
    name = models.TextField()
    greeting = models.TextField(blank=True)
    envelope_greeting = models.TextField(blank=True)
    status = models.CharField(max_length=50, blank=True)
    pledge_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    pledge_frequency = models.DecimalField(max_digits=20, decimal_places=14, null=True, blank=True)
    pledge_currency = models.CharField(max_length=3, blank=True)
    send_newsletter = models.CharField(max_length=10, blank=True, choices=choices("newsletter"))
    likely_to_give = models.CharField(max_length=20, blank=True)
    no_appeals = models.BooleanField(null=True, blank=True)
    church_name = models.TextField(blank=True)
    website = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    # The commitment's start and whether its first gift came; what to ask next and when.
    pledge_start_date = models.DateField(null=True, blank=True)
    pledge_received = models.BooleanField(null=True, blank=True)
    next_ask = models.DateField(null=True, blank=True)
    next_ask_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    estimated_annual_capacity = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    direct_deposit = models.BooleanField(null=True, blank=True)
    magazine = models.BooleanField(null=True, blank=True)
    is_organization = models.BooleanField(null=True, blank=True)
    # When each kind of contact last happened (TntConnect keeps these per contact).
    last_activity = models.DateField(null=True, blank=True)
    last_appointment = models.DateField(null=True, blank=True)
    last_letter = models.DateField(null=True, blank=True)
    last_call = models.DateField(null=True, blank=True)
    last_pre_call = models.DateField(null=True, blank=True)
    last_thank = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True


CONTACT_ATTRIBUTES = tuple(field.name for field in ContactAttributes._meta.fields)


class Contact(ApiResource, Timestamped, ContactAttributes):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by contact_name_key (account_list, name_key): an index of its own would only slow imports down.
    account_list = models.ForeignKey(AccountList, on_delete=models.CASCADE, related_name="contacts", db_index=False)
    name_key = models.CharField(max_length=NAME_KEY_LENGTH, editable=False)
    tnt_id = models.CharField(
        max_length=40,
        blank=True,
        help_text="TntConnect's id of the contact, for re-imports",
    )
    google_resource_name = models.CharField(
        max_length=255,
        blank=True,
        help_text="The People API's resource name (people/...) of the Google contact it came from, for re-imports",
    )
    referred_by = optional_link("self", related_name="referrals")

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["account_list", "name_key"], name="contact_name_key"),
            models.Index(fields=["account_list", "tnt_id"], name="contact_tnt_id"),
            models.Index(fields=["account_list", "google_resource_name"], name="contact_google_resource_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)

    @property
    def donations(self) -> list:
        """The donations of the contact's donor accounts, newest first (prefetch them: contacts/api/prefetch.py)."""
        given = [donation for account in self.donor_accounts.all() for donation in account.donations.all()]
        return sorted(given, key=attrgetter("donation_date"), reverse=True)  # stable: ties keep their order


class Tag(models.Model):
    """One tag on one contact; a plain table so that it filters alike on SQLite and PostgreSQL."""

    id = models.BigAutoField(primary_key=True)
    # Indexed by one_tag_per_contact (contact, name).
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="tags", db_index=False)
    name = models.CharField(max_length=255)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["contact", "name"], name="one_tag_per_contact")]
        indexes = [models.Index(fields=["name"], name="tag_name")]

    def __str__(self) -> str:
        return self.name


class PartialDate:
    """A date that is often known without its year (a birthday, an anniversary): its parts are kept apart.

    `birthday = PartialDate()` declares the fields birthday_month, birthday_day
    and birthday_year, each empty when unknown.
    """

    PARTS = ("month", "day", "year")

    def __init__(self) -> None:
        # Made here, while the class body runs, so that the parts stand where the date is declared.
        self.fields = {part: models.PositiveSmallIntegerField(null=True, blank=True) for part in self.PARTS}

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        for part, field in self.fields.items():
            cls.add_to_class(f"{name}_{part}", field)


class Person(Timestamped):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="people")
    first_name = models.TextField(blank=True)
    last_name = models.TextField(blank=True)
    middle_name = models.TextField(blank=True)
    title = models.TextField(blank=True)
    suffix = models.TextField(blank=True)
    is_spouse = models.BooleanField(default=False)
    birthday = PartialDate()
    anniversary = PartialDate()
    occupation = models.TextField(blank=True)
    employer = models.TextField(blank=True)
    deceased = models.BooleanField(default=False)
    websites = models.TextField(blank=True, help_text="Web pages and social accounts, one per line, as written")

    class Meta:
        ordering = ["is_spouse", "created_at"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return " ".join(part for part in [self.first_name, self.last_name] if part)


class ContactPoint(models.Model):
    """An email address or phone number of a person: the first primary one is the person's primary."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    primary = models.BooleanField(default=False)
    historic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-primary", "created_at"]


class EmailAddress(ContactPoint):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="email_addresses")
    email = models.CharField(max_length=254)
    email_key = models.CharField(max_length=254, editable=False)

    class Meta(ContactPoint.Meta):
        verbose_name_plural = "email addresses"
        # A plain index: db_index would add a second, LIKE-pattern one on PostgreSQL that no query uses.
        indexes = [models.Index(fields=["email_key"], name="email_key")]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email_key = email_key(self.email)
        super().save(*args, **kwargs)


class PhoneNumber(ContactPoint):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phone_numbers")
    number = models.CharField(max_length=100)
    number_key = models.CharField(max_length=100, editable=False)
    location = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        self.number_key = phone_key(self.number, self.person.contact.account_list.phone_country)
        super().save(*args, **kwargs)


class PostalAddress(models.Model):
    """The parts of a postal address, as written: a contact's, or a donor's as the organisation has it."""

    street = models.TextField(blank=True)
    city = models.TextField(blank=True)
    state = models.TextField(blank=True)
    postal_code = models.CharField(max_length=50, blank=True)
    country = models.TextField(blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return ", ".join(part for part in [self.street, self.city, self.state, self.postal_code, self.country] if part)


class Address(PostalAddress):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="addresses")
    metro_area = models.TextField(blank=True)
    region = models.TextField(blank=True)
    location = models.CharField(max_length=20, blank=True)
    primary_mailing_address = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-primary_mailing_address", "created_at"]
        verbose_name_plural = "addresses"


class SampleContact(ApiResource, Timestamped, ContactAttributes):
    """What one of the first rows of an import's file would become; never a real contact.

    The attributes of a contact; its people (with their emails and phones) and
    addresses are kept as JSON because a sample is only ever read whole.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    import_record = models.ForeignKey("imports.Import", on_delete=models.CASCADE, related_name="sample_contacts")
    position = models.PositiveIntegerField(help_text="Order in the file")
    line_number = models.PositiveIntegerField(null=True, blank=True)
    referred_by = models.TextField(blank=True)
    tags = JSONField(default=list, blank=True)
    people = JSONField(default=list, blank=True)
    addresses = JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name
