"""How good are the suggested mappings? Precision and recall on realistic exports.

    python -m benchmarks.mapping_quality [FIXTURES_DIR] [--quiet]      (or scripts/mapping_quality)

A fixtures directory holds export files (CSV, .xlsx, .vcf) and
``expected.json``: for each file the mappings a careful person makes (and,
for a workbook, the sheet). Without FIXTURES_DIR two parts are measured and
reported separately: ``tests/fixtures/exports`` (the exports the rules were
tuned on) and ``tests/fixtures/exports_kept_aside`` (exports of other
applications, kept aside while tuning: how the rules do on files they were
not written for). Each file is read by the same readers as an upload and the
suggestions are made as at upload; then, for every file and overall:

- header precision: suggested (field, column) pairs that are right / all suggested;
- header recall: right pairs / all expected pairs;
- constant precision and recall, over (field, file value, constant id) triples,
  with the constant suggestions made on the *suggested* header mappings (what
  a person really gets).

Exits 1 below the targets: on the tuned part header precision 0.97, header
recall 0.9, constant precision 0.97; on the kept-aside part header precision
0.98, header recall 0.95, constant precision 0.97. Needs no database and no
Django settings.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from imports.pipeline.readers.tabular import analyze_tabular
from imports.suggestions import suggest_mappings

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
DEFAULT_DIRECTORY = FIXTURES / "exports"
KEPT_ASIDE_DIRECTORY = FIXTURES / "exports_kept_aside"
TARGETS = {"header_precision": 0.97, "header_recall": 0.9, "constant_precision": 0.97}
KEPT_ASIDE_TARGETS = {"header_precision": 0.98, "header_recall": 0.95, "constant_precision": 0.97}


@dataclass
class Counts:
    right: int = 0
    suggested: int = 0
    expected: int = 0

    def add(self, suggested: set, expected: set) -> None:
        self.right += len(suggested & expected)
        self.suggested += len(suggested)
        self.expected += len(expected)

    @property
    def precision(self) -> float:
        return self.right / self.suggested if self.suggested else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0

    def __iadd__(self, other: Counts) -> Counts:
        self.right += other.right
        self.suggested += other.suggested
        self.expected += other.expected
        return self


@dataclass
class FileResult:
    name: str
    headers: Counts
    constants: Counts
    wrong: list[str] = field(default_factory=list)  # what was suggested but not expected
    missed: list[str] = field(default_factory=list)  # what was expected but not suggested


@dataclass
class Report:
    files: list[FileResult]
    headers: Counts
    constants: Counts
    targets: Mapping[str, float] = field(default_factory=lambda: TARGETS)

    @property
    def meets_targets(self) -> bool:
        return (
            self.headers.precision >= self.targets["header_precision"]
            and self.headers.recall >= self.targets["header_recall"]
            and self.constants.precision >= self.targets["constant_precision"]
        )


def header_pairs(mappings: Mapping[str, str]) -> set[tuple[str, str]]:
    return set(mappings.items())


def constant_triples(mappings: Mapping[str, Iterable[Mapping]]) -> set[tuple[str, str, str]]:
    return {
        (field_key, value, entry["id"])
        for field_key, entries in mappings.items()
        for entry in entries
        for value in entry["values"]
    }


def measure_file(path: Path, expected: Mapping) -> FileResult:
    with path.open("rb") as stream:
        analysis = analyze_tabular(stream, sheet=expected.get("sheet"))
    sample_rows = [{"line_number": row.line_number, "values": row.values} for row in analysis.samples]
    headers, constants = suggest_mappings(
        file_headers=analysis.headers, file_constants=analysis.constants, sample_rows=sample_rows
    )
    result = FileResult(path.name, Counts(), Counts())
    suggested_pairs, expected_pairs = header_pairs(headers), header_pairs(expected["file_headers_mappings"])
    result.headers.add(suggested_pairs, expected_pairs)
    suggested_triples = constant_triples(constants)
    expected_triples = constant_triples(expected.get("file_constants_mappings", {}))
    result.constants.add(suggested_triples, expected_triples)
    result.wrong = [f"{f} <- {c}" for f, c in sorted(suggested_pairs - expected_pairs)]
    result.wrong += [f"{f}: {v!r} -> {i}" for f, v, i in sorted(suggested_triples - expected_triples)]
    result.missed = [f"{f} <- {c}" for f, c in sorted(expected_pairs - suggested_pairs)]
    result.missed += [f"{f}: {v!r} -> {i}" for f, v, i in sorted(expected_triples - suggested_triples)]
    return result


def measure(directory: Path = DEFAULT_DIRECTORY, targets: Mapping[str, float] = TARGETS) -> Report:
    expected_by_file = json.loads((directory / "expected.json").read_text(encoding="utf-8"))
    files = [measure_file(directory / name, expected) for name, expected in expected_by_file.items()]
    headers, constants = Counts(), Counts()
    for result in files:
        headers += result.headers
        constants += result.constants
    return Report(files=files, headers=headers, constants=constants, targets=targets)


def _ratio(value: float) -> str:
    return f"{value:.3f}"


def format_report(report: Report, *, verbose: bool = True) -> str:
    lines = [
        f"{'file':<40} {'header P':>9} {'header R':>9} {'const P':>8} {'const R':>8}",
    ]
    for result in report.files:
        constants_p = _ratio(result.constants.precision) if result.constants.suggested else "-"
        constants_r = _ratio(result.constants.recall) if result.constants.expected else "-"
        lines.append(
            f"{result.name:<40} {_ratio(result.headers.precision):>9} {_ratio(result.headers.recall):>9} "
            f"{constants_p:>8} {constants_r:>8}"
        )
        if verbose:
            lines += [f"    wrong:  {item}" for item in result.wrong]
            lines += [f"    missed: {item}" for item in result.missed]
    h, c = report.headers, report.constants
    lines += [
        "",
        f"headers:   precision {_ratio(h.precision)} ({h.right}/{h.suggested}), "
        f"recall {_ratio(h.recall)} ({h.right}/{h.expected})",
        f"constants: precision {_ratio(c.precision)} ({c.right}/{c.suggested}), "
        f"recall {_ratio(c.recall)} ({c.right}/{c.expected})",
        f"targets:   header precision >= {report.targets['header_precision']}, "
        f"header recall >= {report.targets['header_recall']}, "
        f"constant precision >= {report.targets['constant_precision']}: {'met' if report.meets_targets else 'NOT MET'}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    quiet = "--quiet" in args
    args = [arg for arg in args if arg != "--quiet"]
    if args:
        parts = [(Path(args[0]).name, measure(Path(args[0])))]
    else:
        parts = [
            ("tuned (tests/fixtures/exports)", measure(DEFAULT_DIRECTORY)),
            ("kept aside (tests/fixtures/exports_kept_aside)", measure(KEPT_ASIDE_DIRECTORY, KEPT_ASIDE_TARGETS)),
        ]
    for number, (title, report) in enumerate(parts):
        print(("\n" if number else "") + f"== {title}")
        print(format_report(report, verbose=not quiet))
    return 0 if all(report.meets_targets for _, report in parts) else 1


if __name__ == "__main__":
    sys.exit(main())
