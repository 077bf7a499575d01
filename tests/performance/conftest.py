"""Fixtures of the performance tests: files of the benchmark's generator."""

import pytest

from benchmarks.data import write_csv


@pytest.fixture
def generated_csv(tmp_path):
    """A seeded file of the benchmark's generator: generated_csv(rows, seed=...) -> its bytes."""

    def make(rows: int, *, seed: int = 7) -> bytes:
        return write_csv(tmp_path / f"contacts-{rows}-{seed}.csv", rows, seed=seed).read_bytes()

    return make
