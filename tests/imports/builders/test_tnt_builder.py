"""TntConnect Contact rows -> ContactDraft: the field rules of the contract."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from imports.pipeline.builders.drafts import ContactDraft, PersonDraft, RowError
from imports.pipeline.builders.tnt import TntImportOptions, build_tnt_contact
from imports.pipeline.builders.tnt_tags import group_tag_names, normalize_tag
from imports.pipeline.readers.tnt import TntContactRow, TntGroup, analyze_tnt, iter_tnt_contacts, iter_tnt_rows

FIXTURES = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures" / "tnt"
FIXTURE_FILES = sorted(FIXTURES.glob("*.xml"))
NO_OPTIONS = TntImportOptions("3.0", {}, {}, {}, "")


def build(fields: dict[str, str], options: TntImportOptions = NO_OPTIONS) -> ContactDraft:
    return build_tnt_contact(TntContactRow("1", fields, 1), options)


def memberships_of(path: Path) -> dict[str, list[str]]:
    """Contact id -> its group ids, from the GroupContact table (the job reads them from TntReference rows)."""
    members: dict[str, list[str]] = {}
    with path.open("rb") as stream:
        for row in iter_tnt_rows(stream, {"GroupContact"}):
            group_ids = members.setdefault(row.fields["ContactID"].strip(), [])
            if row.fields["GroupID"].strip() not in group_ids:
                group_ids.append(row.fields["GroupID"].strip())
    return members


def build_file(path: Path, group_tags: dict[str, str] | None = None, tag_list: str = "") -> list[ContactDraft]:
    """Analyze then import a file, as the upload and the job do."""
    with path.open("rb") as stream:
        analysis = analyze_tnt(stream)
    options = TntImportOptions(
        version=analysis.version,
        groups_by_id={group.id: group for group in analysis.groups},
        group_members=memberships_of(path),
        group_tags=group_tags or {},
        tag_list=tag_list,
    )
    with path.open("rb") as stream:
        return [build_tnt_contact(row, options) for row in iter_tnt_contacts(stream)]


def phones_of(person: PersonDraft) -> list[tuple[str, str, bool, bool]]:
    return [(p.number, p.location, p.primary, p.historic) for p in person.phones]


def emails_of(person: PersonDraft) -> list[tuple[str, bool, bool]]:
    return [(e.email, e.primary, e.historic) for e in person.emails]


# ------------------------------------------------------------ tnt_export.xml


@pytest.fixture(scope="module")
def exported() -> list[ContactDraft]:
    return build_file(FIXTURES / "tnt_export.xml")


def test_smith_contact_fields(exported: list[ContactDraft]) -> None:
    smith = exported[0]

    assert smith.tnt_id == "1620699916"
    assert smith.name == "Smith, John and Jane"
    assert smith.greeting == "John and Jane"
    assert smith.envelope_greeting == "John and Jane Smith"
    assert smith.status == "Partner - Pray"
    assert smith.pledge_amount is None  # 0 in the file
    assert smith.pledge_frequency is None  # 0 in the file
    assert smith.send_newsletter == "Physical"  # +P-E
    assert smith.likely_to_give == ""  # 0 in the file
    assert smith.no_appeals is True
    assert smith.church_name == "PLRBC"
    assert smith.website == ""
    assert smith.referred_by == "Bob and Dawn Doe"
    assert smith.tags == []


def test_smith_notes_keep_notes_and_fields_without_a_home(
    exported: list[ContactDraft],
) -> None:
    notes = exported[0].notes

    assert notes.startswith("Principal\nHas run into issues with Campus Crusade.\n\n")
    lines = notes.splitlines()
    assert "Children: Mark and Robert" in lines
    assert "Interests: Working Out, Bowling, Solving Crimes" in lines
    assert "Nickname: BobsNickname" in lines
    assert "Spouse interests: HelensInterests" in lines
    assert "Spouse nickname: Helen's Nickname" in lines
    assert "Categories: Custom category one, Category two" in lines
    assert "User status: Custom user status" in lines
    assert "rtf1" not in notes  # NotesAsRTF is the same text, formatted
    assert "IsCustom" not in notes and "LastEdit" not in notes


def test_smith_people_emails_and_phones(exported: list[ContactDraft]) -> None:
    john, jane = exported[0].people

    assert (john.first_name, john.last_name, john.is_spouse) == ("John", "Smith", False)
    assert (jane.first_name, jane.last_name, jane.is_spouse) == ("Jane", "Smith", True)
    # Email1 and Email2 are the same address: kept once.
    assert emails_of(john) == [("same@example.com", True, False)]
    assert emails_of(jane) == []
    # PreferredPhoneType 0 = HomePhone.
    assert phones_of(john) == [
        ("(515) 555-1234", "home", True, False),
        ("213-211-1111", "mobile", False, False),
        ("(515) 555-9771;ext=301", "work", False, False),
    ]
    # The home phone is the household's: Jane has it too, after her own mobile (her primary).
    assert phones_of(jane) == [("212-222-2222", "mobile", True, False), ("(515) 555-1234", "home", False, False)]
    assert exported[0].primary_email == "same@example.com"


def test_smith_addresses(exported: list[ContactDraft]) -> None:
    # Other, Business and SpouseBusiness hold only the default country.
    (home,) = exported[0].addresses

    assert home.location == "home"
    assert home.street == "1234 N St."
    assert (home.city, home.state, home.postal_code) == ("Nowhere", "CA", "12345")
    assert home.country == "United States"
    assert home.region == "State College"
    assert home.primary_mailing_address is True


def test_doe_contact(exported: list[ContactDraft]) -> None:
    doe = exported[1]

    assert doe.tnt_id == "-861693757"
    assert doe.name == "Doe, Bob and Dawn"
    assert doe.greeting == "Bob and Dawn"
    assert doe.envelope_greeting == "Bob and Dawn Doe"
    assert doe.status == "Partner - Financial"
    assert doe.pledge_amount == Decimal("50")
    assert doe.pledge_frequency == Decimal("1")
    assert doe.send_newsletter == "Physical"
    assert doe.no_appeals is False
    assert doe.notes == "call for amount"
    assert doe.referred_by == "Steve and Lisa Moss"

    bob, dawn = doe.people
    assert (bob.first_name, bob.last_name) == ("Bob", "Doe")
    # SpouseLastName is absent: the spouse takes the primary's last name.
    assert (dawn.first_name, dawn.last_name, dawn.is_spouse) == ("Dawn", "Doe", True)
    assert emails_of(bob) == [
        ("fake@example.com", True, False),
        ("fake2@example.com", False, False),
    ]
    # PreferredPhoneType 3 = OtherPhone; home and other phones are both people's.
    assert phones_of(bob) == [
        ("(515) 234-2345", "home", False, False),
        ("212-333-7890", "other", True, False),
    ]
    assert phones_of(dawn) == phones_of(bob)
    (home,) = doe.addresses
    assert (home.street, home.city, home.country) == ("2345 Capa Dr.", "State", "United States")
    assert home.primary_mailing_address is True


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.name)
def test_every_fixture_builds(path: Path) -> None:
    drafts = build_file(path)

    assert drafts
    for draft in drafts:
        assert draft.name and draft.tnt_id
        assert draft.people and not draft.people[0].is_spouse


def test_the_unparsable_characters_fixture_builds_like_the_clean_one(
    exported: list[ContactDraft],
) -> None:
    # The same two contacts, with a few fields less and NUL & co. in a task.
    drafts = build_file(FIXTURES / "tnt_unparsable_characters.xml")

    assert [d.name for d in drafts] == [d.name for d in exported]
    assert [d.people for d in drafts] == [d.people for d in exported]
    assert [d.addresses for d in drafts] == [d.addresses for d in exported]


def test_a_missing_file_as_with_the_typo_mailing_type_still_works() -> None:
    (naomi,) = build_file(FIXTURES / "tnt_export_non_donor.xml")  # MailingAddresssType

    assert naomi.name == "Fisher, Naomi"
    assert naomi.addresses[0].primary_mailing_address is True


# ------------------------------------------------------------------ groups


def test_groups_of_a_3_0_export_become_tags() -> None:
    (dave,) = build_file(FIXTURES / "tnt_export_groups.xml")

    # "Category 1,comma\\Group with Dave,comma" in category "Category 1,comma",
    # then "Testers"; "Nobody group" has no members.
    assert dave.tags == ["Group-with-Dave-comma", "Category-1-comma", "Testers"]


def test_group_tags_and_tag_list_are_added() -> None:
    (dave,) = build_file(
        FIXTURES / "tnt_export_groups.xml",
        group_tags={"372261382": "QA team, Testers", "372261378": "never-used"},
        tag_list="tnt import , 2024,,Testers",
    )

    assert dave.tags == [
        "Group-with-Dave-comma",
        "Category-1-comma",
        "Testers",
        "QA-team",
        "tnt-import",
        "2024",
    ]


PATH_EXPORT = (
    b"<Database><Application>TntConnect</Application><Version>3.2</Version><Tables>"
    b'<Contact><row id="11"><FileAs>Doe, Jo</FileAs><FirstName>Jo</FirstName></row>'
    b'<row id="12"><FileAs>Roe, Al</FileAs></row></Contact>'
    b'<Group><row id="1"><Description>Board</Description><Category>Church</Category>'
    b"<PathName>Church\\Leaders\\Board</PathName></row>"
    b'<row id="2"><Description>Prayer team</Description><PathName>Prayer team</PathName>'
    b'</row><row id="3"><Description>Cat\\Old style</Description>'
    b"<Category>Cat</Category></row></Group>"
    b'<GroupContact><row id="1"><GroupID>1</GroupID><ContactID>11</ContactID></row>'
    b'<row id="2"><GroupID>2</GroupID><ContactID>11</ContactID></row>'
    b'<row id="3"><GroupID>3</GroupID><ContactID>11</ContactID></row></GroupContact>'
    b"</Tables></Database>"
)


def test_groups_of_a_3_2_export_give_every_level_of_their_path(tmp_path: Path) -> None:
    path = tmp_path / "tnt_3_2_groups.xml"
    path.write_bytes(PATH_EXPORT)

    jo, al = build_file(path, tag_list="From TNT")

    assert jo.tags == [
        "Church",
        "Church\\Leaders",
        "Church\\Leaders\\Board",
        "Prayer-team",
        "Old-style",  # no PathName: Description and Category
        "Cat",
        "From-TNT",
    ]
    assert al.tags == ["From-TNT"]


GROUP = TntGroup("1", "Church\\Board", "Church", "Church\\Leaders\\Board")


@pytest.mark.parametrize(
    ("version", "tags"),
    [
        ("3.0", ["Board", "Church"]),
        ("3.1", ["Board", "Church"]),
        ("", ["Board", "Church"]),
        ("3.2", ["Church", "Church\\Leaders", "Church\\Leaders\\Board"]),
        ("3.10", ["Church", "Church\\Leaders", "Church\\Leaders\\Board"]),
        ("4.0", ["Church", "Church\\Leaders", "Church\\Leaders\\Board"]),
    ],
)
def test_versions_compare_as_numbers(version: str, tags: list[str]) -> None:
    assert group_tag_names(GROUP, version) == tags


def test_a_blank_path_name_falls_back_to_description_and_category() -> None:
    group = TntGroup("1", "Church\\Board members", "Church", "  ")
    assert group_tag_names(group, "3.2") == ["Board-members", "Church"]


def test_group_tag_names_drop_blanks_and_duplicates() -> None:
    assert group_tag_names(TntGroup("1", "Friends", "Friends", ""), "3.0") == ["Friends"]
    assert group_tag_names(TntGroup("1", "", "", ""), "3.0") == []
    assert group_tag_names(TntGroup("1", "x", "", "A\\\\ B \\"), "3.2") == ["A", "A\\B"]


@pytest.mark.parametrize(
    ("raw", "tag"),
    [
        ("Prayer team", "Prayer-team"),
        ("  Prayer \t team ", "Prayer-team"),
        ("Category 1,comma", "Category-1-comma"),
        ("a - b", "a-b"),
        ("a--b", "a-b"),
        (", trailing,", "trailing"),
        ("Church\\Leaders", "Church\\Leaders"),
        ("CRU Staff", "CRU-Staff"),  # case kept
        (" , ", ""),
    ],
)
def test_normalize_tag(raw: str, tag: str) -> None:
    assert normalize_tag(raw) == tag


# -------------------------------------------------------- contact fields


def test_a_contact_without_any_name_is_a_row_error() -> None:
    with pytest.raises(RowError, match="has no name"):
        build({"Notes": "who is this?", "Email1": "x@example.com"})


def test_a_blank_file_as_is_made_from_the_names() -> None:
    assert build({"FirstName": "John", "LastName": "Doe"}).name == "Doe, John"
    couple = {"FirstName": "John", "LastName": "Doe", "SpouseFirstName": "Jane"}
    assert build(couple).name == "Doe, John and Jane"
    assert build({"FullName": "ACME Church"}).name == "ACME Church"


def test_envelope_greeting_falls_back_to_full_name() -> None:
    fields = {"FileAs": "Doe, Jo", "FullName": "Jo Doe", "MailingAddressBlock": "\n  \n"}
    assert build(fields).envelope_greeting == "Jo Doe"
    fields["MailingAddressBlock"] = "\n  Mr. and Mrs. Jo Doe  \n1 Main St."
    assert build(fields).envelope_greeting == "Mr. and Mrs. Jo Doe"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("", None), ("0", None), ("0.00", None), ("-5", None), ("junk", None), ("1e9999", None)]
    + [("50", Decimal("50")), ("12.50", Decimal("12.50")), ("1,200", Decimal("1200"))],
)
def test_pledge_amount(amount: str, expected: Decimal | None) -> None:
    assert build({"FileAs": "x", "PledgeAmount": amount}).pledge_amount == expected


@pytest.mark.parametrize(
    ("frequency", "expected"),
    [("", None), ("0", None), ("-7", None), ("-14", None), ("x", None)]
    + [("1", Decimal(1)), ("3", Decimal(3)), ("12", Decimal(12)), ("24", Decimal(24))],
)
def test_pledge_frequency(frequency: str, expected: Decimal | None) -> None:
    assert build({"FileAs": "x", "PledgeFrequencyID": frequency}).pledge_frequency == expected


@pytest.mark.parametrize(
    ("phase", "status"),
    [
        ("", ""),
        ("0", ""),
        ("10", "Never Contacted"),
        ("20", "Ask in Future"),
        ("30", "Contact for Appointment"),
        ("40", "Appointment Scheduled"),
        ("50", "Call for Decision"),
        ("60", "Partner - Financial"),
        ("70", "Partner - Special"),
        ("80", "Partner - Pray"),
        ("90", "Not Interested"),
        ("95", "Unresponsive"),
        ("100", "Never Ask"),
        ("110", "Research Abandoned"),
        ("130", "Expired Referral"),
        ("999", ""),
    ],
)
def test_mpd_phase_becomes_status(phase: str, status: str) -> None:
    assert build({"FileAs": "x", "MPDPhaseID": phase}).status == status


@pytest.mark.parametrize(
    ("likely", "expected"),
    [("", ""), ("0", ""), ("1", "Least Likely"), ("2", "Likely"), ("3", "Most Likely")],
)
def test_likely_to_give(likely: str, expected: str) -> None:
    assert build({"FileAs": "x", "LikelyToGiveID": likely}).likely_to_give == expected


@pytest.mark.parametrize(("never_ask", "no_appeals"), [("true", True), ("True", True), ("false", False), ("", None)])
def test_never_ask_means_no_appeals(never_ask: str, no_appeals: bool | None) -> None:
    assert build({"FileAs": "x", "NeverAsk": never_ask}).no_appeals is no_appeals


@pytest.mark.parametrize(
    ("send", "preference", "newsletter"),
    [
        ("true", "+E", "Email"),
        ("true", "+E-P", "Email"),
        ("true", "+P", "Physical"),
        ("true", "+P-E", "Physical"),
        ("true", "+P+E", "Both"),
        ("true", "", "Both"),
        ("false", "+E", "None"),
        ("", "+E", ""),
    ],
)
def test_newsletter(send: str, preference: str, newsletter: str) -> None:
    fields = {"FileAs": "x", "SendNewsletter": send, "NewsletterMediaPref": preference}
    assert build(fields).send_newsletter == newsletter


def test_website_and_church() -> None:
    contact = build({"FileAs": "x", "WebPage": " https://example.org ", "ChurchName": "PLRBC"})
    assert (contact.website, contact.church_name) == ("https://example.org", "PLRBC")
    assert build({"FileAs": "x", "WebPage1": "https://a.example"}).website == "https://a.example"


def test_notes_gather_fields_without_a_home() -> None:
    contact = build(
        {
            "FileAs": "x",
            "FirstName": "Ann",
            "Notes": "Met at church.",
            "Children": "Mark\nRobert",
            "Profession": "Teacher",
            "SpouseNickname": "Bee",
            "User3": "Board member",
            "BirthdayMonth": "3",
            "BirthdayDay": "5",
            "BirthdayYear": "1970",
            "AnniversaryMonth": "6",
            "AnniversaryDay": "1",
            "AnniversaryYear": "0",
            "Deceased": "true",
            "FileAsIsCustom": "true",
            "Email1IsValid": "true",
        }
    )

    # Profession, birthday, anniversary, Deceased and the user fields have homes of their own now.
    assert contact.notes == "Met at church.\n\nChildren: Mark; Robert\nSpouse nickname: Bee"
    (ann,) = contact.people
    assert (ann.occupation, ann.deceased) == ("Teacher", True)
    assert (ann.birthday_month, ann.birthday_day, ann.birthday_year) == (3, 5, 1970)
    assert (ann.anniversary_month, ann.anniversary_day, ann.anniversary_year) == (6, 1, None)
    assert contact.tags == ["Board-member"]
    assert build({"FileAs": "x"}).notes == ""
    assert build({"FileAs": "x", "Nickname": "Bo"}).notes == "Nickname: Bo"


# ------------------------------------------------------------------ people


def test_people_take_every_name_part() -> None:
    contact = build(
        {
            "FileAs": "Doe, John and Jane",
            "Title": "Dr.",
            "FirstName": "John",
            "MiddleName": "Q.",
            "LastName": "Doe",
            "Suffix": "Jr.",
            "SpouseTitle": "Mrs.",
            "SpouseFirstName": "Jane",
            "SpouseMiddleName": "R.",
            "SpouseLastName": "Roe",
            "SpouseSuffix": "PhD",
        }
    )

    john, jane = contact.people
    assert (john.title, john.first_name, john.middle_name, john.last_name, john.suffix) == (
        "Dr.",
        "John",
        "Q.",
        "Doe",
        "Jr.",
    )
    assert (jane.title, jane.first_name, jane.middle_name, jane.last_name, jane.suffix) == (
        "Mrs.",
        "Jane",
        "R.",
        "Roe",
        "PhD",
    )
    assert (john.is_spouse, jane.is_spouse) == (False, True)


def test_no_spouse_without_a_spouse_name() -> None:
    contact = build({"FileAs": "Doe, John", "FirstName": "John", "LastName": "Doe", "SpouseEmail1": "s@x.org"})

    (john,) = contact.people
    assert emails_of(john) == [("s@x.org", True, False)]  # kept on the household


def test_an_organisation_gets_a_person_for_its_phones() -> None:
    contact = build({"FileAs": "ACME Church", "BusinessPhone": "555-1000"})

    (person,) = contact.people
    assert person.last_name == "ACME Church"
    assert phones_of(person) == [("555-1000", "work", True, False)]
    assert build({"FileAs": "ACME Church"}).people == []


def test_emails_historic_and_primary_per_person() -> None:
    contact = build(
        {
            "FileAs": "Doe, John and Jane",
            "FirstName": "John",
            "SpouseFirstName": "Jane",
            "Email1": "old@example.com",
            "Email1IsValid": "false",
            "Email2": "john@example.com",
            "Email2IsValid": "true",
            "Email3": "work@example.com",
            "SpouseEmail1": "jane@example.com",
            "SpouseEmail1IsValid": "true",
            "SpouseEmail2": "jane-old@example.com",
            "SpouseEmail2IsValid": "false",
        }
    )

    john, jane = contact.people
    assert emails_of(john) == [
        ("old@example.com", False, True),
        ("john@example.com", True, False),
        ("work@example.com", False, False),  # no IsValid element: valid
    ]
    assert emails_of(jane) == [
        ("jane@example.com", True, False),
        ("jane-old@example.com", False, True),
    ]
    assert contact.primary_email == "john@example.com"


def test_all_invalid_emails_give_no_primary() -> None:
    fields = {"FileAs": "x", "FirstName": "Jo", "Email1": "a@x.org", "Email1IsValid": "false"}
    (jo,) = build(fields).people
    assert emails_of(jo) == [("a@x.org", False, True)]


# ------------------------------------------------------------------ phones

EXPECTED_LOCATIONS = [
    "home",
    "home",
    "fax",
    "other",
    "fax",
    "mobile",
    "mobile",
    "pager",
    "work",
    "work",
    "fax",
    "work",
    "mobile",
    "mobile",
    "pager",
    "work",
    "work",
    "fax",
    "work",
]


# TntConnect's 19 phone fields in the order its PreferredPhoneType counts them.
TNT_PHONE_FIELDS = [
    "HomePhone",
    "HomePhone2",
    "HomeFax",
    "OtherPhone",
    "OtherFax",
    "MobilePhone",
    "MobilePhone2",
    "PagerNumber",
    "BusinessPhone",
    "BusinessPhone2",
    "BusinessFax",
    "CompanyMainPhone",
    "SpouseMobilePhone",
    "SpouseMobilePhone2",
    "SpousePagerNumber",
    "SpouseBusinessPhone",
    "SpouseBusinessPhone2",
    "SpouseBusinessFax",
    "SpouseCompanyMainPhone",
]


def all_phones(preferred: int) -> dict[str, str]:
    fields = {name: f"555-01{index:02d}" for index, name in enumerate(TNT_PHONE_FIELDS)}
    fields.update(FileAs="Doe, John and Jane", FirstName="John", SpouseFirstName="Jane")
    fields["PreferredPhoneType"] = str(preferred)
    return fields


@pytest.mark.parametrize("preferred", range(19))
def test_preferred_phone_type_indexes_the_19_fields(preferred: int) -> None:
    john, jane = build(all_phones(preferred)).people

    phones = john.phones + [phone for phone in jane.phones if phone.number not in HOUSEHOLD_NUMBERS]
    assert [phone.number for phone in phones] == [f"555-01{n:02d}" for n in range(19)]
    assert [phone.location for phone in phones] == EXPECTED_LOCATIONS
    preferred_phone = phones[preferred]
    assert preferred_phone.primary
    # The other person's first phone is their primary one; nobody has two.
    owner, other = (jane, john) if preferred >= 12 else (john, jane)
    assert [p for p in owner.phones if p.primary] == [preferred_phone]
    assert [p for p in other.phones if p.primary] == [other.phones[0]]


HOUSEHOLD_NUMBERS = [f"555-01{n:02d}" for n in range(5)]  # HomePhone, HomePhone2, HomeFax, OtherPhone, OtherFax


def test_home_and_other_phones_are_on_both_people_and_spouse_phones_on_the_spouse() -> None:
    john, jane = build(all_phones(0)).people

    assert [p.number for p in john.phones] == [f"555-01{n:02d}" for n in range(12)]
    assert [p.number for p in jane.phones] == [f"555-01{n:02d}" for n in range(12, 19)] + HOUSEHOLD_NUMBERS
    assert [p.primary for p in jane.phones].count(True) == 1 and jane.phones[0].primary


def test_spouse_phones_without_a_spouse_stay_with_the_household() -> None:
    fields = {"FileAs": "Doe, Jo", "FirstName": "Jo", "SpouseMobilePhone": "555-0112"}
    (jo,) = build(fields).people
    assert phones_of(jo) == [("555-0112", "mobile", True, False)]


def test_phone_is_valid_mask_marks_invalid_phones_historic() -> None:
    fields = {
        "FileAs": "Doe, Jo",
        "FirstName": "Jo",
        "HomePhone": "555-0100",
        "MobilePhone": "555-0105",
        "PreferredPhoneType": "5",
        "PhoneIsValidMask": str(1 << 5),  # only MobilePhone is valid
    }
    (jo,) = build(fields).people
    assert phones_of(jo) == [
        ("555-0100", "home", False, True),
        ("555-0105", "mobile", True, False),
    ]


def test_the_same_number_twice_is_kept_once() -> None:
    fields = {
        "FileAs": "Doe, Jo",
        "FirstName": "Jo",
        "HomePhone": "(515) 555-1234",
        "BusinessPhone": "515.555.1234",
        "PreferredPhoneType": "8",
    }
    (jo,) = build(fields).people
    assert phones_of(jo) == [("(515) 555-1234", "home", True, False)]


# --------------------------------------------------------------- addresses


def address_fields(prefix: str, street: str) -> dict[str, str]:
    return {
        f"{prefix}StreetAddress": street,
        f"{prefix}City": f"{prefix} City",
        f"{prefix}State": "PA",
        f"{prefix}PostalCode": "16801",
        f"{prefix}Country": "United States of America",
    }


@pytest.mark.parametrize(("mailing_type", "primary"), [("1", 0), ("2", 1), ("3", 2)])
def test_mailing_address_type_marks_the_primary_mailing_address(mailing_type: str, primary: int) -> None:
    fields = {"FileAs": "x", "MailingAddressType": mailing_type, "Region": "Centre"}
    for prefix in ("Home", "Business", "Other"):
        fields.update(address_fields(prefix, f"1 {prefix} St."))

    addresses = build(fields).addresses

    assert [a.location for a in addresses] == ["home", "business", "other"]
    assert [a.street for a in addresses] == ["1 Home St.", "1 Business St.", "1 Other St."]
    assert [a.city for a in addresses] == ["Home City", "Business City", "Other City"]
    assert {a.country for a in addresses} == {"United States"}
    assert {a.region for a in addresses} == {"Centre"}
    assert [a.primary_mailing_address for a in addresses] == [n == primary for n in range(3)]


def test_an_address_needs_more_than_a_country() -> None:
    fields = {"FileAs": "x", "HomeCountry": "Canada", "OtherCity": "Toronto"}
    (other,) = build(fields).addresses
    assert (other.location, other.city, other.country) == ("other", "Toronto", "")


def test_other_countries_are_kept_and_multiline_streets_tidied() -> None:
    fields = {"FileAs": "x", "HomeStreetAddress": " 1 Rue A \n\n Apt 2 ", "HomeCountry": "France"}
    (home,) = build(fields).addresses
    assert (home.street, home.country) == ("1 Rue A\nApt 2", "France")


def test_the_spouse_business_address_is_kept() -> None:
    fields = {"FileAs": "x", "SpouseBusinessCity": "Lagos", "MailingAddressType": "2"}
    (work,) = build(fields).addresses
    assert (work.location, work.city, work.primary_mailing_address) == ("business", "Lagos", False)


def test_a_mailing_only_address_is_the_mailing_address() -> None:
    fields = {"FileAs": "x", "MailingStreetAddress": "1 Main St.", "MailingCity": "Town"}
    (mailing,) = build(fields).addresses
    assert (mailing.location, mailing.street, mailing.primary_mailing_address) == (
        "mailing",
        "1 Main St.",
        True,
    )


def test_metro_area_when_present() -> None:
    fields = {"FileAs": "x", "HomeCity": "Camp Hill", "MetroArea": "Harrisburg"}
    assert build(fields).addresses[0].metro_area == "Harrisburg"


def test_rows_read_from_xml_build_too() -> None:
    data = (
        b"<Database><Application>TntConnect</Application><Version>3.2</Version><Tables>"
        b'<Contact><row id="5"><FileAs>  Doe, Jo  </FileAs><Notes>&#12;Hi&#0;</Notes>'
        b"</row></Contact></Tables></Database>"
    )
    (row,) = iter_tnt_contacts(io.BytesIO(data))
    contact = build_tnt_contact(row, NO_OPTIONS)
    assert (contact.tnt_id, contact.name, contact.notes) == ("5", "Doe, Jo", "Hi")
