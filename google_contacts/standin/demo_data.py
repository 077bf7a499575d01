"""Demo contacts and groups in the People API's shapes: what the stand-in serves unless a test gives its own."""

from __future__ import annotations

SYSTEM_GROUPS = {"myContacts": "My Contacts", "starred": "Starred", "friends": "Friends", "family": "Family"}


def demo_groups() -> list[dict]:
    """Two user groups and Google's system groups, as contactGroups.list gives them."""

    def group(resource_id: str, name: str, group_type: str, formatted_name: str = "") -> dict:
        return {
            "resourceName": f"contactGroups/{resource_id}",
            "etag": "YG7sPnwmVxE=",
            "metadata": {"updateTime": "2024-05-02T10:11:12.345Z"},
            "groupType": group_type,
            "name": name,
            "formattedName": formatted_name or name,
        }

    # A system group's name is its fixed id; formattedName is translated into the viewer's language.
    system = [group(key, key, "SYSTEM_CONTACT_GROUP", label) for key, label in SYSTEM_GROUPS.items()]
    return [
        group("3c1a2b4d5e6f7a8b", "Church", "USER_CONTACT_GROUP"),
        group("7f8e9d0c1b2a3f4e", "Newsletter", "USER_CONTACT_GROUP"),
        *system,
    ]


FIRST_NAMES = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Chris",
    "Karen",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
]


def demo_people(count: int, groups: list[dict]) -> list[dict]:
    """`count` people as people.connections.list gives them with every personField the service asks.

    Every name is distinct (first and last name from the position), so a
    count of contacts is a count of people. Every third is in the first
    user group, every fifth in the second, every seventh starred; all are in
    myContacts.
    """
    user_groups = [g["resourceName"] for g in groups if g["groupType"] == "USER_CONTACT_GROUP"]
    people = []
    for index in range(count):
        first = FIRST_NAMES[index % len(FIRST_NAMES)]
        last = f"{LAST_NAMES[(index // len(FIRST_NAMES)) % len(LAST_NAMES)]}{index // 400 or ''}"
        person_id = f"c{7_000_000_000_000_000 + index * 7919}"
        memberships = ["contactGroups/myContacts"]
        if user_groups and index % 3 == 0:
            memberships.append(user_groups[0])
        if len(user_groups) > 1 and index % 5 == 0:
            memberships.append(user_groups[1])
        if index % 7 == 0:
            memberships.append("contactGroups/starred")
        people.append(demo_person(person_id, first, last, index, memberships))
    return people


def _field(value: dict, *, primary: bool = False) -> dict:
    return {"metadata": {"primary": primary, "source": {"type": "CONTACT", "id": "1"}}, **value}


def demo_person(person_id: str, first: str, last: str, index: int, memberships: list[str]) -> dict:
    email = f"{first}.{last}.{index}@example.com".lower()
    return {
        "resourceName": f"people/{person_id}",
        "etag": f"%EgcBAgkLLjc9GgQBAgUHIgx{index:04d}",
        "names": [
            _field(
                {
                    "displayName": f"{first} {last}",
                    "familyName": last,
                    "givenName": first,
                    "displayNameLastFirst": f"{last}, {first}",
                    "unstructuredName": f"{first} {last}",
                },
                primary=True,
            )
        ],
        "nicknames": [_field({"value": first[:3]}, primary=True)] if index % 4 == 0 else [],
        "emailAddresses": [
            _field({"value": email, "type": "home", "formattedType": "Home"}, primary=True),
            *(
                [
                    _field(
                        {"value": f"{first}.{index}@work.example.org".lower(), "type": "work", "formattedType": "Work"}
                    )
                ]
                if index % 2
                else []
            ),
        ],
        "phoneNumbers": [
            _field(
                {
                    "value": f"(213) 555-{index:04d}",
                    "canonicalForm": f"+1213555{index:04d}",
                    "type": "mobile",
                    "formattedType": "Mobile",
                },
                primary=True,
            ),
            *(
                [_field({"value": f"213-556-{index:04d}", "type": "work", "formattedType": "Work"})]
                if index % 3 == 1
                else []
            ),
        ],
        "addresses": [
            _field(
                {
                    "formattedValue": f"{100 + index} Main St\nSpringfield, IL 62701\nUS",
                    "type": "home",
                    "formattedType": "Home",
                    "streetAddress": f"{100 + index} Main St",
                    "city": "Springfield",
                    "region": "IL",
                    "postalCode": "62701",
                    "country": "United States",
                    "countryCode": "US",
                },
                primary=True,
            )
        ]
        if index % 2 == 0
        else [],
        "organizations": [_field({"name": "Acme Corp", "title": "Engineer", "type": "work"}, primary=True)]
        if index % 6 == 0
        else [],
        "birthdays": [
            _field({"date": {"year": 1980 + index % 30, "month": 1 + index % 12, "day": 1 + index % 28}}, primary=True)
        ]
        if index % 5 == 1
        else [],
        "events": [_field({"date": {"year": 2005, "month": 6, "day": 18}, "type": "anniversary"})]
        if index % 9 == 0
        else [],
        "urls": [
            _field(
                {
                    "value": f"https://example.com/{first.lower()}{index}",
                    "type": "homePage",
                    "formattedType": "Home Page",
                }
            )
        ]
        if index % 8 == 0
        else [],
        "biographies": [_field({"value": f"Met at the {index}th picnic.", "contentType": "TEXT_PLAIN"}, primary=True)]
        if index % 10 == 0
        else [],
        "memberships": [
            {
                "metadata": {"source": {"type": "CONTACT", "id": person_id[1:]}},
                "contactGroupMembership": {"contactGroupId": name.split("/", 1)[1], "contactGroupResourceName": name},
            }
            for name in memberships
        ],
    }
