"""Realistic TntConnect XML exports of any size, for benchmarks and tests of scale.

The tables and fields are those of real TntConnect 3.x exports (see the
fixtures in ../shared/fixtures/tnt/), in TntConnect's alphabetical table
order, including tables the importer skips (Login, Picture, PendingAction).
The same arguments always give the same file.

    python -m benchmarks.tnt_export --contacts 20000 --tasks 20000 --history 200000 --gifts 50000 -o big.xml
"""

from __future__ import annotations

import argparse
import dataclasses
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

FIRST_NAMES = (
    "James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Susan Joseph Jessica".split()
)
LAST_NAMES = "Smith Johnson Williams Brown Jones Garcia Miller Davis Wilson Anderson Taylor Thomas Moore Martin".split()
CITIES = [
    ("Springfield", "IL", "62701"),
    ("Madison", "WI", "53703"),
    ("Boulder", "CO", "80302"),
    ("Tulsa", "OK", "74103"),
]
TASK_TYPES = [1, 2, 3, 20, 30, 40, 50, 60, 65, 70, 100, 140, 150, 160, 170, 180]
HISTORY_TYPES = [*TASK_TYPES, 190]  # TntConnect logs its Data Change entries in History too
SUBJECTS = ["for appointment", "thank you note", "newsletter", "support letter", "follow up", ""]
APPEALS = 12
ORGANIZATION_ID = 925479547


@dataclass(frozen=True)
class ExportSize:
    contacts: int
    tasks: int
    history: int
    gifts: int

    @property
    def records(self) -> int:
        """Rows of the tables the importer reads for these: what a records-per-second figure counts."""
        return self.contacts + self.tasks + self.history + self.gifts

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser, default: ExportSize) -> None:
        """--contacts, --tasks, --history and --gifts, as both command lines take them."""
        for size in dataclasses.fields(cls):
            parser.add_argument(f"--{size.name}", type=int, default=getattr(default, size.name))

    @classmethod
    def from_arguments(cls, args: argparse.Namespace) -> ExportSize:
        return cls(**{size.name: getattr(args, size.name) for size in dataclasses.fields(cls)})


def write_export(path: Path, size: ExportSize, *, seed: int = 1) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for chunk in export_chunks(size, seed=seed):
            out.write(chunk)
    return path


def export_bytes(size: ExportSize, *, seed: int = 1) -> bytes:
    return "".join(export_chunks(size, seed=seed)).encode()


def export_chunks(size: ExportSize, *, seed: int = 1) -> Iterator[str]:
    rng = random.Random(seed)
    yield '<?xml version="1.0" encoding="utf-8"?>\n<Database>\n  <Application>TntConnect</Application>\n'
    yield "  <Version>3.0</Version>\n  <Tables>\n"
    yield from _table(
        "Appeal", ((f"{9000 + n}", {"Description": f"Appeal {n}", "Active": "true"}) for n in range(APPEALS))
    )
    yield from _table("Contact", (_contact(rng, n) for n in range(size.contacts)))
    yield from _table("Currency", [("1", {"Code": "USD", "Symbol": "$", "IsBase": "true"})])
    yield from _table("Donor", (_donor(n) for n in range(size.contacts) if n % 2 == 0))
    yield from _table("Gift", (_gift(rng, n, size.contacts) for n in range(size.gifts)))
    yield from _table("Group", [("1", {"Description": "Prayer partners", "Category": ""})])
    yield from _table(
        "GroupContact", ((f"{n}", {"GroupID": "1", "ContactID": f"{n + 1}"}) for n in range(0, size.contacts, 7))
    )
    yield from _table("History", (_history(rng, n) for n in range(size.history)))
    yield from _table(
        "HistoryContact",
        (
            (f"{n + 1}", {"HistoryID": f"{n + 1}", "ContactID": f"{n % max(size.contacts, 1) + 1}"})
            for n in range(size.history)
        ),
    )
    yield from _table("Login", [("1", {"Login": "someone@example.com", "Password": "not-exported"})])
    yield from _table("Organization", [(f"{ORGANIZATION_ID}", {"Code": "CCC-USA", "Description": "Cru"})])
    yield from _table("PendingAction", [])
    yield from _table("Picture", [("1", {"ContactID": "1", "Data": "R0lGODlhAQABAAAAACw="})])
    yield from _table("Promise", ((f"{n + 1}", _promise(n, size.contacts)) for n in range(size.contacts // 10)))
    yield from _table("Property", [("1", {"PropName": "MonthlySupportGoal", "PropValue": "6300"})])
    yield from _table("Task", (_task(rng, n) for n in range(size.tasks)))
    yield from _table(
        "TaskContact",
        (
            (f"{n + 1}", {"TaskID": f"{n + 1}", "ContactID": f"{n % max(size.contacts, 1) + 1}"})
            for n in range(size.tasks)
        ),
    )
    yield from _table("User", [("1", {"UserName": "Josh Starcher"})])
    yield "  </Tables>\n</Database>\n"


def _table(name: str, rows) -> Iterator[str]:
    yield f"    <{name}>\n"
    batch = []
    for row_id, fields in rows:
        cells = "".join(f"<{key}>{escape(value)}</{key}>" for key, value in fields.items())
        batch.append(f'      <row id="{row_id}"><LastEdit>2012-11-16 11:10:09</LastEdit>{cells}</row>\n')
        if len(batch) == 1000:
            yield "".join(batch)
            batch = []
    yield "".join(batch)
    yield f"    </{name}>\n"


def _contact(rng: random.Random, n: int) -> tuple[str, dict]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    spouse = rng.choice(FIRST_NAMES) if n % 3 else ""
    city, state, postal = rng.choice(CITIES)
    couple = f"{first} and {spouse}" if spouse else first
    fields = {
        "FileAs": f"{last}{n}, {couple}",
        "FullName": f"{couple} {last}{n}",
        "Greeting": couple,
        "MailingAddressBlock": f"{couple} {last}{n}\n{n} Main St.\n{city}, {state} {postal}",
        "FirstName": first,
        "LastName": f"{last}{n}",
        "SpouseFirstName": spouse,
        "HomeStreetAddress": f"{n} Main St.",
        "HomeCity": city,
        "HomeState": state,
        "HomePostalCode": postal,
        "HomeCountry": "United States of America",
        "MailingAddressType": "1",
        "HomePhone": f"(555) {n % 1000:03d}-{n % 10000:04d}",
        "MobilePhone": f"555-{(n * 7) % 1000:03d}-{n % 10000:04d}",
        "PreferredPhoneType": "0",
        "Email1": f"{first.lower()}.{last.lower()}{n}@example.com",
        "Email1IsValid": "true",
        "Notes": "Met at the conference." if n % 4 == 0 else "",
        "MPDPhaseID": rng.choice(["10", "20", "60", "80"]),
        "PledgeAmount": rng.choice(["0", "25", "50", "100"]),
        "PledgeFrequencyID": "1",
        "PledgeStartDate": "2010-01-01",
        "SendNewsletter": "true",
        "NewsletterMediaPref": "+E",
        "User1": "EFT" if n % 5 == 0 else "",
        "LastCall": "2012-10-01",
        "ReferredBy": f"{couple} {last}{n - 1}" if n and n % 9 == 0 else "",
    }
    return f"{n + 1}", {key: value for key, value in fields.items() if value}


def _donor(n: int) -> tuple[str, dict]:
    return f"{n + 1}", {
        "ContactID": f"{n + 1}",
        "OrganizationID": f"{ORGANIZATION_ID}",
        "OrgDonorCode": f"{400000000 + n}",
        "OrgDonorName": f"Donor {n}",
    }


def _gift(rng: random.Random, n: int, contacts: int) -> tuple[str, dict]:
    contact = n % max(contacts, 1)
    fields = {
        "ContactID": f"{contact + 1}",
        "OrganizationID": f"{ORGANIZATION_ID}",
        "GiftDate": (date(2012, 1, 1) + timedelta(days=n % 700)).isoformat(),
        "Amount": rng.choice(["25", "50", "100", "250"]),
        "CurrencyID": "1",
        "OrgGiftCode": f"G{n:08d}",
    }
    if contact % 2 == 0:
        fields["DonorID"] = f"{contact + 1}"
    if n % 10 == 0:
        fields["AppealID"] = f"{9000 + n % APPEALS}"
        fields["AppealAmount"] = fields["Amount"]
    return f"{n + 1}", fields


def _history(rng: random.Random, n: int) -> tuple[str, dict]:
    fields = {
        "TaskTypeID": str(rng.choice(HISTORY_TYPES)),
        "Description": rng.choice(SUBJECTS),
        "HistoryDate": f"{(date(2005, 1, 1) + timedelta(days=n % 3000)).isoformat()} 10:00:00",
        "Notes": "Talked about the summer project." if n % 3 == 0 else "",
        "HistoryResultID": rng.choice(["1", "2", "3"]),
        "LoggedByUserID": "1",
    }
    if n % 20 == 0:
        fields["AppealID"] = f"{9000 + n % APPEALS}"
    return f"{n + 1}", {key: value for key, value in fields.items() if value}


def _task(rng: random.Random, n: int) -> tuple[str, dict]:
    fields = {
        "TaskTypeID": str(rng.choice(TASK_TYPES)),
        "Description": rng.choice(SUBJECTS),
        "TaskDate": (date(2013, 1, 1) + timedelta(days=n % 365)).isoformat(),
        "TaskTime": "1899-12-30 16:30:00",
        "Status": rng.choice(["0", "2"]),
        "AssignedToUserID": "1",
        "Notes": "Bring the brochure." if n % 5 == 0 else "",
    }
    return f"{n + 1}", {key: value for key, value in fields.items() if value}


def _promise(n: int, contacts: int) -> dict:
    return {
        "ContactID": f"{(n * 10) % max(contacts, 1) + 1}",
        "Amount": "100",
        "CurrencyID": "1",
        "AppealID": f"{9000 + n % APPEALS}",
        "DateDue": "2013-06-01",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ExportSize.add_arguments(parser, ExportSize(contacts=1000, tasks=1000, history=10000, gifts=2500))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    size = ExportSize.from_arguments(args)
    write_export(args.output, size, seed=args.seed)
    print(f"{args.output}: {args.output.stat().st_size / 1e6:.1f} MB, {size.records} records")


if __name__ == "__main__":
    main()
