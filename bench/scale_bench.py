"""How the store's conversation pages and searches grow with the folder: 10k, 100k, 300k side by side.

    python -m bench.scale_bench [--sizes 10000 100000 300000] [--page 200]
    python -m bench.scale_bench --sync [--sizes 10000 100000] [--million]


For each size a fresh store is filled with the same generated corpus (tests/connectors/store/sample_mail.py),
then it prints, one column per size: a conversation page at the top, middle and end of the list (keyset:
``threads(after=...)``), the whole list paged to its end, the same deep page asked for by offset (the old way,
for comparison), and each search operator (no-hit ones included) plus the median and slowest of twenty typed
searches. Targets (issue 13.5): a page in constant time, the end of the list under 2 s and every search under
50 ms at 300k.

With ``--sync`` it measures the first header sync instead, against a loopback Dovecot, side by side with the
raw FETCH floor and IMAPClient's bulk fetch in the same run (bench/header_sync.py; issue 13.1: ≤ 2.5× the floor
and faster than IMAPClient); ``--million`` adds a 1,000,000-message folder (~6 GB of /dev/shm: its Maildir files
are written directly, ``--maildir-cache DIR`` keeps them for the next run; IMAPClient is not run at that size).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from connectors.store import MailStore, StoreReader  # noqa: E402
from tests.connectors.store.sample_mail import SEARCHES, realistic_summaries  # noqa: E402

OPERATORS = (
    "has:attachment", "-has:attachment", "is:unread", "is:read", "is:flagged", "-is:flagged", "is:answered",
    "is:draft", "is:deleted", "in:inbox", "in:sent", "after:2018-01-01", "before:2017-03-01",
    "has:attachment is:flagged", "is:unread has:attachment -is:answered", "is:draft has:attachment",
    "meeting has:attachment", "zzzunknownword",
)


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def best_of(action: Callable[[], Any], repeat: int = 3) -> float:
    return min(timed(action)[1] for _ in range(repeat))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def fill(path: Path, count: int) -> float:
    with MailStore(path) as store:
        store.upsert_folders([((), "/", "INBOX"), ((b"\\Sent",), "/", "Sent")])
        summaries = realistic_summaries(count)
        started = time.perf_counter()
        while batch := list(itertools.islice(summaries, 5000)):
            store.add_messages("INBOX", batch)
        return time.perf_counter() - started


def measure(reader: StoreReader, page: int) -> dict[str, str]:
    rows: dict[str, str] = {}
    conversations = reader.thread_count("INBOX")
    rows["conversations"] = f"{conversations:,}"
    positions: list[tuple[int, int]] = []
    after = None

    def walk() -> None:
        nonlocal after
        after = None
        positions.clear()
        while True:
            threads = reader.threads("INBOX", limit=page, after=after)
            if threads:
                positions.append(threads[-1].position)
            if len(threads) < page:
                return
            after = threads[-1].position

    _, whole = timed(walk)
    for name, start in (("top", None), ("middle", positions[len(positions) // 2 - 1] if len(positions) > 1 else None),
                        ("end", positions[-2] if len(positions) > 1 else None)):
        rows[f"conversation page of {page}, {name}"] = ms(best_of(
            lambda start=start: reader.threads("INBOX", limit=page, after=start)))
    rows["conversation list paged to its end"] = f"{whole:.2f} s ({len(positions)} pages)"
    rows["same end page by offset (the old way)"] = ms(best_of(
        lambda: reader.threads("INBOX", offset=max(0, conversations - page), limit=page), 1))
    slowest = 0.0
    for query in OPERATORS:
        found, _ = timed(lambda query=query: reader.search(query, limit=100))
        seconds = best_of(lambda query=query: reader.search(query, limit=100))
        slowest = max(slowest, seconds)
        rows[f"search {query!r}"] = f"{ms(seconds)} ({len(found)})"
    rows["search operators, slowest"] = ms(slowest)
    typed = [best_of(lambda query=query: reader.search(query)) for query in SEARCHES]
    rows[f"typed searches, median of {len(SEARCHES)}"] = ms(statistics.median(typed))
    rows["typed searches, slowest"] = ms(max(typed))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 300_000])
    parser.add_argument("--page", type=int, default=200)
    parser.add_argument("--sync", action="store_true", help="first header sync vs the floor and IMAPClient")
    parser.add_argument("--million", action="store_true", help="with --sync: add a 1,000,000-message folder")
    parser.add_argument("--maildir-cache", type=Path, help="with --sync: keep the corpus's Maildir files here "
                        "and reuse them in later runs (a million take ~6 GB and a quarter of an hour to write)")
    options = parser.parse_args()
    if options.sync:
        from bench.header_sync import measure_sizes

        sizes = options.sizes if "--sizes" in sys.argv else [10_000, 100_000]
        print_table(measure_sizes(sizes + ([1_000_000] if options.million else []), options.maildir_cache))
        return
    columns: dict[int, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="facteur-scale-") as workdir:
        for count in options.sizes:
            path = Path(workdir) / f"{count}.sqlite3"
            seconds = fill(path, count)
            with StoreReader(path) as reader:
                columns[count] = {"insert (5,000 per transaction)": f"{seconds:.1f} s", **measure(reader, options.page)}
            path.unlink()
            print(f"measured {count:,} messages", file=sys.stderr, flush=True)
    print_table(columns)


def print_table(columns: dict[int, dict[str, str]]) -> None:
    names = list(next(iter(columns.values())))
    width = max(len(name) for name in names)
    header = " | ".join(f"{count:>22,}" for count in columns)
    print(f"| {'measure':<{width}} | {header} |")
    print(f"|{'-' * (width + 2)}|" + "|".join("-" * 24 for _ in columns) + "|")
    for name in names:
        print(f"| {name:<{width}} | " + " | ".join(f"{columns[c].get(name, ''):>22}" for c in columns) + " |")


if __name__ == "__main__":
    main()
