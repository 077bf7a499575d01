"""Where a TntConnect Contact row keeps what: its phone, address, note, date and name fields.

The builder walks these tables instead of naming every field in code, so a
field TntConnect adds is one line here.
"""

from __future__ import annotations

# (field, location, belongs to the spouse).  The order is TntConnect's own:
# PreferredPhoneType and the bits of PhoneIsValidMask index into it.
PHONE_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("HomePhone", "home", False),
    ("HomePhone2", "home", False),
    ("HomeFax", "fax", False),
    ("OtherPhone", "other", False),
    ("OtherFax", "fax", False),
    ("MobilePhone", "mobile", False),
    ("MobilePhone2", "mobile", False),
    ("PagerNumber", "pager", False),
    ("BusinessPhone", "work", False),
    ("BusinessPhone2", "work", False),
    ("BusinessFax", "fax", False),
    ("CompanyMainPhone", "work", False),
    ("SpouseMobilePhone", "mobile", True),
    ("SpouseMobilePhone2", "mobile", True),
    ("SpousePagerNumber", "pager", True),
    ("SpouseBusinessPhone", "work", True),
    ("SpouseBusinessPhone2", "work", True),
    ("SpouseBusinessFax", "fax", True),
    ("SpouseCompanyMainPhone", "work", True),
)

# (field prefix, location, MailingAddressType that makes it the mailing one).
# The spouse's business address has no MailingAddressType of its own; it is
# imported so that it is not lost.
ADDRESS_KINDS: tuple[tuple[str, str, int | None], ...] = (
    ("Home", "home", 1),
    ("Business", "business", 2),
    ("Other", "other", 3),
    ("SpouseBusiness", "business", None),
)
COUNTRY_ALIASES = {"united states of america": "United States"}

# Human-meaningful fields with no home in a contact, appended to its notes as
# "Label: value" lines.  Bookkeeping (*IsCustom, *IsValid, LastEdit, ids),
# values derived from other fields (Salutation, ShortName, address blocks)
# and gift statistics are deliberately left out; profession, business name,
# birthdays, websites and user fields have homes of their own.
NOTE_FIELDS: tuple[tuple[str, str], ...] = (
    ("Children", "Children"),
    ("Interests", "Interests"),
    ("Nickname", "Nickname"),
    ("SpouseInterests", "Spouse interests"),
    ("SpouseNickname", "Spouse nickname"),
    ("OrganizationName", "Organization"),
    ("Categories", "Categories"),
    ("UserStatus", "User status"),
    ("VoiceSkype", "Skype"),
    ("IMAddress", "IM address"),
    ("SpouseVoiceSkype", "Spouse Skype"),
    ("SpouseIMAddress", "Spouse IM address"),
)
# The home and other phones (and faxes) are the household's: both people get them.
SHARED_PHONE_PREFIXES = ("HomePhone", "HomeFax", "OtherPhone", "OtherFax")
# A person's web pages and social accounts, in TntConnect's order (the spouse's are prefixed "Spouse").
WEBSITE_FIELDS = ("WebPage1", "WebPage2", "SocialWeb1", "SocialWeb2", "SocialWeb3", "SocialWeb4")
# The contact's own dates, amounts and flags: (attribute, TntConnect field).
CONTACT_DATES = (
    ("pledge_start_date", "PledgeStartDate"),
    ("next_ask", "NextAsk"),
    ("last_activity", "LastActivity"),
    ("last_appointment", "LastAppointment"),
    ("last_letter", "LastLetter"),
    ("last_call", "LastCall"),
    ("last_pre_call", "LastPreCall"),
    ("last_thank", "LastThank"),
)
CONTACT_AMOUNTS = (("next_ask_amount", "NextAskAmount"), ("estimated_annual_capacity", "EstimatedAnnualCapacity"))
CONTACT_FLAGS = (
    ("pledge_received", "PledgeReceived"),
    ("direct_deposit", "DirectDeposit"),
    ("magazine", "Magazine"),
    ("is_organization", "IsOrganization"),
)

NAME_PARTS = ("FirstName", "LastName", "MiddleName", "Title", "Suffix")
