"""The job's read-ahead: same items in the same order, errors where they happened, no thread left behind."""

import threading
from contextlib import closing

import pytest

from imports.pipeline.read_ahead import read_ahead


def live_read_ahead_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "import-read-ahead"]


def test_items_come_in_order_and_the_thread_ends():
    assert list(read_ahead(iter(range(1_000)), depth=2)) == list(range(1_000))
    assert live_read_ahead_threads() == []


def test_an_error_while_producing_is_raised_where_its_item_would_come():
    def items():
        yield 1
        yield 2
        raise ValueError("line 3 could not be read")

    received = []
    with pytest.raises(ValueError, match="line 3"):
        for item in read_ahead(items()):
            received.append(item)
    assert received == [1, 2]
    assert live_read_ahead_threads() == []


def test_stopping_early_stops_the_producer_before_it_reads_everything():
    produced = []

    def items():
        for number in range(10_000):
            produced.append(number)
            yield number

    with closing(read_ahead(items(), depth=1)) as ahead:
        for item in ahead:
            if item == 3:
                break
    assert live_read_ahead_threads() == []
    assert len(produced) < 10  # at most the item in hand, the queued one and the one being handed over


def test_the_items_are_produced_in_another_thread():
    threads = []

    def items():
        for number in range(3):
            threads.append(threading.current_thread())
            yield number

    assert list(read_ahead(items())) == [0, 1, 2]
    assert all(thread is not threading.main_thread() for thread in threads)
