"""Realistic TntDataSync donor files of any size, for benchmarks and tests of scale.

The sections and columns are those of real files (see
../shared/fixtures/tnt/tnt_data_sync_file.tntmpd): `[ORGANIZATION]`, then
`[DONORS]` and `[GIFTS]` as quoted CSV with blanks written as a space, CRLF
line ends as donor systems on Windows write them. Households with and
without spouses, some organisations (`PERSON_TYPE` O), phones and emails on
some, several designations; gifts spread over the donors and the years. The
same arguments always give the same file.

    python -m benchmarks.tnt_data_sync_file --donors 20000 --gifts 100000 -o donors.tntmpd
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from benchmarks.tnt_export import CITIES, FIRST_NAMES, LAST_NAMES

DONOR_COLUMNS = (
    "PEOPLE_ID ACCT_NAME PERSON_TYPE LAST_NAME_ORG FIRST_NAME MIDDLE_NAME TITLE SUFFIX SP_LAST_NAME SP_FIRST_NAME "
    "SP_MIDDLE_NAME SP_TITLE SP_SUFFIX ADDR1 ADDR2 ADDR3 ADDR4 CITY STATE ZIP COUNTRY CNTRY_DESCR ADDR_CHANGED "
    "PHONE PHONE_CHANGED EMAIL"
).split()
GIFT_COLUMNS = (
    "PEOPLE_ID ACCT_NAME DISPLAY_DATE AMOUNT DONATION_ID DESIGNATION MEMO MOTIVATION TENDERED_AMOUNT TENDERED_CURRENCY"
).split()
DESIGNATIONS = ["244402", "244403", "510077", "600001"]
AMOUNTS = ["25.00", "50.00", "85.00", "100.00", "250.00", "1,000.00"]
FIRST_GIFT = date(2012, 1, 1)
CHUNK_ROWS = 2_000


@dataclass(frozen=True)
class DataSyncSize:
    donors: int
    gifts: int

    @property
    def records(self) -> int:
        """The rows of [DONORS] and [GIFTS]: what a records-per-second figure counts."""
        return self.donors + self.gifts


def write_data_sync_file(path: Path, size: DataSyncSize, *, seed: int = 1) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        for chunk in data_sync_chunks(size, seed=seed):
            out.write(chunk)
    return path


def data_sync_chunks(size: DataSyncSize, *, seed: int = 1) -> Iterator[str]:
    rng = random.Random(seed)
    yield "[ORGANIZATION]\r\nName=Wycliffe USA\r\nAbbriviation=WBT\r\nCode=WBT-USA\r\nDefaultCurrencyCode=USD\r\n\r\n"
    yield "[DONORS]\r\n"
    yield from _csv([DONOR_COLUMNS], (_donor(rng, n) for n in range(size.donors)))
    yield "\r\n[GIFTS]\r\n"
    yield from _csv([GIFT_COLUMNS], (_gift(rng, n, size.donors) for n in range(size.gifts)))


def _csv(header: list[list[str]], rows: Iterator[list[str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerows(header)
    for number, row in enumerate(rows, start=1):
        writer.writerow(row)
        if number % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _donor(rng: random.Random, n: int) -> list[str]:
    city, state, postal = rng.choice(CITIES)
    phone = f"(555) {n % 1000:03d}-{n % 10000:04d}" if n % 2 else " "
    if n % 25 == 0:  # a church or a business
        name = f"{rng.choice(LAST_NAMES)} Community Church {n}"
        values = {"ACCT_NAME": name, "PERSON_TYPE": "O", "LAST_NAME_ORG": name, "EMAIL": f"office{n}@church.example"}
    else:
        first, last = rng.choice(FIRST_NAMES), f"{rng.choice(LAST_NAMES)}{n}"
        spouse = rng.choice(FIRST_NAMES) if n % 3 else ""
        account = f"Mr. and Mrs. {first} {last}" if spouse else f"{first} {last}"
        values = {
            "ACCT_NAME": account,
            "PERSON_TYPE": "P",
            "LAST_NAME_ORG": last,
            "FIRST_NAME": first,
            "MIDDLE_NAME": "A." if n % 7 == 0 else " ",
            "TITLE": "Mr." if spouse else " ",
            "SP_FIRST_NAME": spouse or " ",
            "SP_TITLE": "Mrs." if spouse else " ",
            "EMAIL": f"{first.lower()}.{last.lower()}@example.com" if n % 4 else " ",
        }
    values |= {
        "PEOPLE_ID": f"{100000 + n}",
        "ADDR1": f"{n} Main St",
        "ADDR2": "Apt 5" if n % 10 == 0 else " ",
        "CITY": city,
        "STATE": state,
        "ZIP": postal,
        "PHONE": phone,
    }
    return [values.get(column, " ") for column in DONOR_COLUMNS]


def _gift(rng: random.Random, n: int, donors: int) -> list[str]:
    donor = rng.randrange(donors) if donors else 0
    day = FIRST_GIFT + timedelta(days=rng.randrange(365 * 12))
    amount = rng.choice(AMOUNTS)
    return [
        f"{100000 + donor}",
        f"Donor {donor}",
        f"{day:%m/%d/%Y}",
        amount,
        f"{15530000000000 + n}",
        rng.choice(DESIGNATIONS),
        "In memory of Grandma" if n % 50 == 0 else " ",
        "SPECIAL" if n % 20 == 0 else " ",
        "",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--donors", type=int, default=1000)
    parser.add_argument("--gifts", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    size = DataSyncSize(args.donors, args.gifts)
    write_data_sync_file(args.output, size, seed=args.seed)
    print(f"{args.output}: {args.output.stat().st_size / 1e6:.1f} MB, {size.records} records")


if __name__ == "__main__":
    main()
