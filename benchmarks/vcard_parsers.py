"""The service's vCard reader against vobject, on one generated file of many cards: time and peak memory.

    .venv/bin/python -m benchmarks.vcard_parsers --cards 100000

Generates a vCard 3.0 file of realistic contacts (N, FN, ORG, two EMAIL, two
TEL, an ADR with a PO box and an extended address, a folded NOTE, CATEGORIES,
a URL, every tenth card a small base64 PHOTO), then reads it, each reader in
a fresh Python process so each peak is its own:

- **service reader**: `imports.pipeline.readers.vcard.read_vcard`, every card
  to a row (what the job streams);
- **vobject**: `vobject.readComponents(allowQP=True)` (which reads line by line and
  understands vCard 2.1 quoted-printable) over the decoded text stream, every
  card's properties read (`contents`), which is less than the service reader
  does with each card (no ranking, no row).

Prints cards per second and how much the process's peak resident memory
grew while reading, side by side. Needs no database.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

WORKDIR = Path("/tmp/imports-benchmark")
FIRST = ["Ann", "Bo", "Chloé", "Dmitri", "Émile", "Fatima", "Grace", "Hiro", "Ingrid", "José", "Kofi", "Łucja"]
LAST = ["Lee", "Diaz", "Åberg", "Okafor", "Nowak", "Tanaka", "Müller", "Haddad", "Silva", "O'Brien", "Iksiński"]
PHOTO = base64.b64encode(bytes(range(256)) * 8).decode()


def generate(path: Path, cards: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        for n in range(cards):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            lines = [
                "BEGIN:VCARD",
                "VERSION:3.0",
                f"N:{last};{first};;;",
                f"FN:{first} {last}",
                f"ORG:Company {n % 500};Sales",
                f"EMAIL;type=INTERNET;type=HOME;type=pref:{first.lower()}.{n}@example.com",
                f"EMAIL;type=INTERNET;type=WORK:{first.lower()}{n}@work.example",
                f"TEL;type=CELL;type=VOICE;type=pref:+1 (319) 555-{n % 10000:04d}",
                f"item1.TEL:(213) 222-{n % 10000:04d}",
                f"item2.ADR;type=HOME;type=pref:PO Box {n % 90};Apt {n % 40};{n} Main St;Springfield;IL;62701;USA",
                "NOTE:Met at the fair and talked for a long while about the harvest\\, the weather and t",
                " he summer trip.",
                "CATEGORIES:Supporters,Newsletter",
                f"URL:https://example.com/{n}",
            ]
            if n % 10 == 0:
                lines.append("PHOTO;ENCODING=b;TYPE=JPEG:" + PHOTO)
            lines.append("END:VCARD")
            out.write("\r\n".join(lines) + "\r\n")


def run_service_reader(path: Path) -> int:
    from imports.pipeline.readers.vcard import read_vcard

    with path.open("rb") as stream:
        return sum(1 for _ in read_vcard(stream))


def run_vobject(path: Path) -> int:
    import vobject

    count = 0
    with path.open(encoding="utf-8", newline="") as text:
        for card in vobject.readComponents(text, allowQP=True):  # line by line (else it reads the whole file)
            for lines in card.contents.values():
                for line in lines:
                    _ = line.value
            count += 1
    return count


READERS = {"service": run_service_reader, "vobject": run_vobject}


def measure(reader: str, path: Path) -> dict:
    """Time and the growth of peak RSS over the process's size once the reader's modules are loaded."""
    import vobject  # noqa: F401  (loaded before the baseline, like the service's reader)

    from imports.pipeline.readers import vcard  # noqa: F401

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    cards = READERS[reader](path)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"reader": reader, "cards": cards, "seconds": seconds, "peak_mib": (peak - baseline) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--measure", choices=READERS, help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.path)))
        return
    WORKDIR.mkdir(parents=True, exist_ok=True)
    path = WORKDIR / f"cards-{args.cards}.vcf"
    if not path.exists():
        generate(path, args.cards)
    print(f"{args.cards:,} cards, {path.stat().st_size / 2**20:.1f} MiB: {path}")
    results = []
    for reader in READERS:
        command = [sys.executable, "-m", "benchmarks.vcard_parsers", "--measure", reader, "--path", str(path)]
        results.append(json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout))
    print(f"{'reader':<10} {'cards':>9} {'seconds':>9} {'cards/s':>9} {'+peak MiB':>9}")
    for result in results:
        rate = result["cards"] / result["seconds"]
        print(
            f"{result['reader']:<10} {result['cards']:>9,} {result['seconds']:>9.1f} {rate:>9,.0f} "
            f"{result['peak_mib']:>9.1f}"
        )


if __name__ == "__main__":
    main()
