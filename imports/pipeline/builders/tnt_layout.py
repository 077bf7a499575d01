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
# and gift statistics are deliberately left out.
NOTE_FIELDS: tuple[tuple[str, str], ...] = (
    ("Children", "Children"),
    ("Interests", "Interests"),
    ("Nickname", "Nickname"),
    ("Profession", "Profession"),
    ("BusinessName", "Business name"),
    ("SpouseInterests", "Spouse interests"),
    ("SpouseNickname", "Spouse nickname"),
    ("SpouseProfession", "Spouse profession"),
    ("SpouseBusinessName", "Spouse business name"),
    ("OrganizationName", "Organization"),
    ("OrgContactPerson", "Organization contact person"),
    ("Categories", "Categories"),
    ("UserStatus", "User status"),
    *((f"User{n}", f"User field {n}") for n in range(1, 9)),
    ("WebPage2", "Second web page"),
    ("VoiceSkype", "Skype"),
    ("IMAddress", "IM address"),
    *((f"SocialWeb{n}", f"Social web {n}") for n in range(1, 5)),
    ("SpouseWebPage1", "Spouse web page"),
    ("SpouseWebPage2", "Spouse second web page"),
    ("SpouseVoiceSkype", "Spouse Skype"),
    ("SpouseIMAddress", "Spouse IM address"),
    *((f"SpouseSocialWeb{n}", f"Spouse social web {n}") for n in range(1, 5)),
)
# Label -> field prefix of a date kept as separate Month/Day/Year fields.
NOTE_DATES: tuple[tuple[str, str], ...] = (
    ("Birthday", "Birthday"),
    ("Spouse birthday", "SpouseBirthday"),
    ("Anniversary", "Anniversary"),
)

NAME_PARTS = ("FirstName", "LastName", "MiddleName", "Title", "Suffix")
