"""A realistic contacts CSV of N rows, the same for the same seed.

Households as a donor manager's users export them: about half written as
"First Name"/"Last Name" columns, the others as one "Full Name" cell ("John and
Jane Doe", "Doe, John", "Dr. John Q. Public Jr."); about half with a spouse;
one or two emails, one to three phones, a postal address, status, commitment
frequency, newsletter and currency values, and tags. Names are made unique,
so a first import creates one contact per row and a re-import matches each.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from imports.pipeline.readers.rows import normalize_header_key

# The generated file's columns: header as written -> the supported field it fills.
COLUMNS = {
    "Full Name": "full_name",
    "First Name": "first_name",
    "Last Name": "last_name",
    "Spouse First Name": "spouse_first_name",
    "Spouse Last Name": "spouse_last_name",
    "Greeting": "greeting",
    "Email": "email_1",
    "Email 2": "email_2",
    "Spouse Email": "spouse_email",
    "Phone": "phone_1",
    "Phone 2": "phone_2",
    "Phone 3": "phone_3",
    "Spouse Phone": "spouse_phone",
    "Street": "street",
    "City": "city",
    "State": "state",
    "Zip": "zip",
    "Country": "country",
    "Status": "status",
    "Commitment Amount": "pledge_amount",
    "Commitment Frequency": "pledge_frequency",
    "Commitment Currency": "pledge_currency",
    "Newsletter": "newsletter",
    "Church": "church",
    "Tags": "tags",
    "Notes": "notes",
}
HEADERS = list(COLUMNS)
# Supported field -> header key of the file (what a client would send as file_headers_mappings).
HEADERS_MAPPINGS = {field: normalize_header_key(header) for header, field in COLUMNS.items()}

STATUSES = ["Partner - Financial", "Partner - Pray", "Ask in Future", "Never Contacted", "Call for Decision", ""]
FREQUENCIES = {"Monthly": "1.0", "Quarterly": "3.0", "Annual": "12.0", "Weekly": "0.23076923076923"}
NEWSLETTERS = ["Physical", "Email", "Both", "None"]
CURRENCIES = ["USD", "CAD", "EUR", "GBP"]

CONSTANTS_MAPPINGS = {
    "status": [{"id": s, "values": [s]} for s in STATUSES if s],
    "pledge_frequency": [{"id": i, "values": [label]} for label, i in FREQUENCIES.items()],
    "newsletter": [{"id": n, "values": [n]} for n in NEWSLETTERS],
    "pledge_currency": [{"id": c, "values": [c]} for c in CURRENCIES],
}

FIRST_NAMES = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan
Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Margaret Mark Sandra
Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy George
Melissa Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary
Amy Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma Scott Nicole Brandon Helen
Benjamin Samantha Samuel Katherine Gregory Christine Alexander Debra Frank Rachel Patrick Carolyn Raymond Janet Jack
Catherine Dennis Maria Jerry Heather Tyler Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce Henry Virginia Douglas
Victoria Zachary Kelly Peter Lauren Kyle Christina Ethan Joan Walter Evelyn Noah Judith Jeremy Megan Christian Andrea
Keith Cheryl Roger Hannah Terry Jacqueline Gerald Martha Harold Gloria Sean Teresa Austin Ann Carl Sara Arthur Madison
Lawrence Frances Dylan Kathryn Jesse Janice Jordan Jean Bryan Abigail Billy Alice Joe Julia Bruce Judy Gabriel Sophia
Logan Grace Albert Denise Willie Amber Alan Doris Juan Marilyn Wayne Danielle Elijah Beverly Randy Isabella Roy
Theresa Vincent Diana Ralph Natalie Eugene Brittany Russell Charlotte Bobby Marie Mason Kayla Philip Alexis Louis Lori
""".split()
LAST_PREFIXES = """Abbot Ash Bak Barn Bell Birch Black Brad Brook Brown Burn Cald Camp Carl Chap Clay Cole Cran Dal Dean
Drum Ead Eld Ells Fair Farn Fitz Ford Gar Gil Glad Gold Gray Hal Ham Hart Haw Hay Hil Holl Kel Ken Kirk Lang Lind
Lock Long Mac Mar Mel Mont Mor Nash Nor Oak Old Pem Pen Rad Ram Red Rich Ros Rut Sand Shel Stan Stock Thorn Tren
Wal War Wes Whit Wil Win Wood Yar""".split()
LAST_SUFFIXES = """ley ton field man son worth wood ford well by more land ham ridge wick berg stead hurst er win ston
bury den combe dale gate holm lock mere ney rick shaw""".split()
STREETS = """Main Oak Pine Maple Cedar Elm Washington Lake Hill Park Walnut Sunset Highland Church Mill River Spring
Meadow Forest Willow""".split()
CITIES = [
    ("Springfield", "IL"),
    ("Portland", "OR"),
    ("Austin", "TX"),
    ("Columbus", "OH"),
    ("Madison", "WI"),
    ("Denver", "CO"),
    ("Raleigh", "NC"),
    ("Boise", "ID"),
    ("Tulsa", "OK"),
    ("Fresno", "CA"),
    ("Toronto", "ON"),
    ("Calgary", "AB"),
]
TITLES = ["Dr.", "Rev.", "Mr.", "Mrs."]
SUFFIXES = ["Jr.", "Sr.", "III"]
CHURCHES = ["", "", "Grace Fellowship", "First Baptist", "St. Mark's", "Hope Community Church"]
TAGS = ["christmas-card", "prayer", "monthly-donor", "board", "volunteer", "2023-event", "major-donor"]
DOMAINS = ["example.com", "example.org", "mail.example.net", "example.co.uk"]
NOTES = ["", "", "", "Met at the 2022 banquet.", "Prefers phone calls.", "Gives at year end; send a receipt."]


class _Names:
    """Unique household names from a seeded generator (a clash is simply drawn again)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[tuple[str, str, str]] = set()

    def draw(self) -> tuple[str, str, str]:
        rng = self.rng
        while True:
            last = rng.choice(LAST_PREFIXES) + rng.choice(LAST_SUFFIXES)
            if rng.random() < 0.15:  # some double-barrelled names, for more variety
                last += "-" + rng.choice(LAST_PREFIXES) + rng.choice(LAST_SUFFIXES)
            first = rng.choice(FIRST_NAMES)
            spouse = rng.choice(FIRST_NAMES) if rng.random() < 0.5 else ""
            key = (first, last, spouse)
            if key not in self.seen:
                self.seen.add(key)
                return key


def _phone(rng: random.Random) -> str:
    area, mid, end = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
    style = rng.randrange(3)
    if style == 0:
        return f"({area}) {mid}-{end:04d}"
    if style == 1:
        return f"{area}.{mid}.{end:04d}"
    return f"+1 {area} {mid} {end:04d}"


def _row(rng: random.Random, names: _Names, number: int) -> list[str]:
    first, last, spouse = names.draw()
    tag = f"{number:x}"  # keeps every email address unique
    cells = dict.fromkeys(HEADERS, "")
    if rng.random() < 0.5:
        cells.update({"First Name": first, "Last Name": last, "Spouse First Name": spouse})
        if spouse and rng.random() < 0.1:
            cells["Spouse Last Name"] = rng.choice(LAST_PREFIXES) + rng.choice(LAST_SUFFIXES)
    else:
        style = rng.randrange(4)
        if spouse and style < 2:
            full = f"{first} and {spouse} {last}" if style == 0 else f"{last}, {first} and {spouse}"
        elif style == 2:
            full = f"{rng.choice(TITLES)} {first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last} {rng.choice(SUFFIXES)}"
        else:
            full = f"{first} {last}" + (f" and {spouse} {last}" if spouse else "")
        cells["Full Name"] = full
    cells["Greeting"] = first if rng.random() < 0.3 else ""
    domain = rng.choice(DOMAINS)
    cells["Email"] = f"{first}.{last}.{tag}@{domain}".lower()
    if rng.random() < 0.4:
        cells["Email 2"] = f"{first[0]}{last}{tag}@work.{domain}".lower()
    if spouse and rng.random() < 0.6:
        cells["Spouse Email"] = f"{spouse}.{last}.{tag}@{domain}".lower()
    cells["Phone"] = _phone(rng)
    if rng.random() < 0.5:
        cells["Phone 2"] = _phone(rng)
        if rng.random() < 0.4:
            cells["Phone 3"] = _phone(rng)
    if spouse and rng.random() < 0.4:
        cells["Spouse Phone"] = _phone(rng)
    city, state = rng.choice(CITIES)
    cells["Street"] = f"{rng.randint(1, 9999)} {rng.choice(STREETS)} {rng.choice(['St', 'Ave', 'Rd', 'Ln'])}"
    cells["City"], cells["State"] = city, state
    cells["Zip"] = f"{rng.randint(10000, 99999)}" if state not in ("ON", "AB") else "T2P 1J9"
    cells["Country"] = "Canada" if state in ("ON", "AB") else "United States"
    cells["Status"] = rng.choice(STATUSES)
    if cells["Status"].startswith("Partner - Financial"):
        cells["Commitment Amount"] = rng.choice(["$50", "100", "$1,200.00", "25.50", "75"])
        cells["Commitment Frequency"] = rng.choice(list(FREQUENCIES))
        cells["Commitment Currency"] = rng.choice(CURRENCIES)
    cells["Newsletter"] = rng.choice(NEWSLETTERS)
    cells["Church"] = rng.choice(CHURCHES)
    cells["Tags"] = ", ".join(rng.sample(TAGS, rng.randrange(3)))
    cells["Notes"] = rng.choice(NOTES)
    return [cells[h] for h in HEADERS]


def write_csv(path: Path, rows: int, *, seed: int = 2024) -> Path:
    """Write (or reuse, when already written for this seed) a file of `rows` data rows."""
    path = Path(path)
    if path.exists() and path.stat().st_size > 0:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = _Names(rng)
    partial = path.with_suffix(".partial")
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for number in range(rows):
            writer.writerow(_row(rng, names, number))
    partial.rename(path)
    return path


def csv_path(directory: Path, rows: int, seed: int = 2024) -> Path:
    return Path(directory) / f"contacts-{rows}-seed{seed}.csv"


def constants_mappings_for(file_constants: dict[str, list[str]]) -> dict[str, list[dict]]:
    """CONSTANTS_MAPPINGS limited to the values the file holds (a mapping may not list a value the file lacks)."""
    columns = {field: HEADERS_MAPPINGS[field] for field in CONSTANTS_MAPPINGS}
    mappings = {}
    for field, entries in CONSTANTS_MAPPINGS.items():
        found = set(file_constants.get(columns[field], []))
        kept = [{"id": e["id"], "values": [v for v in e["values"] if v in found]} for e in entries]
        mappings[field] = [entry for entry in kept if entry["values"]]
    return mappings
