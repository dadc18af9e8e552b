"""The store's budgets at mailbox scale: bytes per message, bulk insert time, window and search latency."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sample_mail import SEARCHES, realistic_summaries

from connectors.store import MailStore, SortKey

BATCH = 5000


def fill(store: MailStore, folder: str, count: int) -> float:
    summaries = list(realistic_summaries(count))
    started = time.perf_counter()
    for start in range(0, count, BATCH):
        store.add_messages(folder, summaries[start:start + BATCH])
    return time.perf_counter() - started


def test_a_message_costs_at_most_1_kb_including_indexes(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    count = 20_000
    with MailStore(path) as store:
        store.upsert_folders([((), "/", "INBOX")])
        fill(store, "INBOX", count)
    # Closing the last connection checkpoints the WAL into the database file.
    assert not path.with_name(path.name + "-wal").exists() or path.with_name(path.name + "-wal").stat().st_size == 0
    per_message = path.stat().st_size / count
    assert per_message <= 1024, f"{per_message:.0f} bytes per message"


@dataclass
class BigStore:
    store: MailStore
    insert_seconds: float


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BigStore]:
    with MailStore(tmp_path_factory.mktemp("big") / "store.sqlite3") as store:
        store.upsert_folders([((), "/", "INBOX")])
        yield BigStore(store, fill(store, "INBOX", 100_000))


def test_100k_summaries_insert_in_a_few_seconds(big_store: BigStore) -> None:
    assert big_store.store.count("INBOX") == 100_000
    assert big_store.insert_seconds < 10, f"{big_store.insert_seconds:.1f} s"


@pytest.mark.parametrize("sort", ["date", "sender", "subject"])
def test_windows_of_a_100k_folder_take_milliseconds(big_store: BigStore, sort: SortKey) -> None:
    with big_store.store.open_reader() as reader:
        timings = []
        for offset in (0, 200, 25_000, 50_000, 99_800):
            for descending in (True, False):
                started = time.perf_counter()
                window = reader.summaries("INBOX", sort, descending, offset, 200)
                timings.append(time.perf_counter() - started)
                assert len(window) == 200
    assert statistics.median(timings) < 0.02, [f"{t * 1000:.1f} ms" for t in timings]


def test_median_search_over_100k_messages_is_within_50_ms(big_store: BigStore) -> None:
    with big_store.store.open_reader() as reader:
        timings = []
        for query in SEARCHES:
            started = time.perf_counter()
            reader.search(query)
            timings.append(time.perf_counter() - started)
    assert statistics.median(timings) <= 0.05, [f"{t * 1000:.1f} ms" for t in timings]
