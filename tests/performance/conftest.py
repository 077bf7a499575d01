"""Fixtures of the performance tests: files of the benchmark's generator."""

import pytest

from benchmarks.data import write_csv
from tests.imports.helpers import GENERATED, make_import


@pytest.fixture
def generated_csv(tmp_path):
    """A seeded file of the benchmark's generator: generated_csv(rows, seed=...) -> its bytes."""

    def make(rows: int, *, seed: int = 7) -> bytes:
        return write_csv(tmp_path / f"contacts-{rows}-{seed}.csv", rows, seed=seed).read_bytes()

    return make


@pytest.fixture
def run_csv_import(member):
    """make_import of a generated file into the member's list (kept for the tests of the row documents)."""

    def run(content, *, account_list=None, **attributes):
        return make_import(
            account_list=account_list or member.account_list,
            user=member.user,
            content=content,
            mappings=GENERATED,
            **attributes,
        )

    return run
