"""Fill a mail store with realistic summaries and print what it costs.

    python bench/store_bench.py [--count 100000] [--batch 5000] [--path store.sqlite3] [--queries]
    python bench/store_bench.py --sync-writes [--count 100000] [--batch 2000] [--rounds 3]

Prints insert time, list-window latency per sort order, full-text search latency over twenty typical
searches, and the database bytes per message (file size after checkpoint, then per table and index).

``--sync-writes`` measures the store's side of a first header sync instead (issue 13.1): rows stored newest
first in transactions of ``--batch`` (``add_rows(defer_index=True)``, as the sync engine's writer thread does),
full-text entries and address links every 20,000, in one thread; with the random-order indexes left out and built
at the end (``defer_indexes``, ``connectors.store.deferred``) and with them kept, the two alternating for
``--rounds`` rounds in one run. Prints CPU µs per message of each stage (best and median of the rounds: the
machine's load inflates single runs), the longest single write transaction (what a GUI write may wait for), and,
halfway through, what the reads the list makes during a sync cost in each mode.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from connectors.store import MailStore  # noqa: E402
from tests.connectors.store.sample_mail import SEARCHES, realistic_summaries  # noqa: E402

T = TypeVar("T")


def timed(action: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def table(rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 20}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="messages to insert (default 100000)")
    parser.add_argument("--batch", type=int, default=5000, help="summaries per add_messages call")
    parser.add_argument("--path", type=Path, help="database file to create (default: a temporary one)")
    parser.add_argument("--queries", action="store_true", help="also print each search's latency")
    parser.add_argument("--sync-writes", action="store_true", help="the store's side of a first header sync")
    parser.add_argument("--rounds", type=int, default=3, help="with --sync-writes: rounds of each mode")
    options = parser.parse_args()
    if options.sync_writes:
        sync_writes(options.count, 2000 if options.batch == 5000 else options.batch, options.rounds)
        return

    workdir = None
    if options.path is None:
        workdir = tempfile.TemporaryDirectory(prefix="facteur-bench-")
        options.path = Path(workdir.name) / "store.sqlite3"
    if options.path.exists():
        sys.exit(f"{options.path} exists; give a new --path")

    summaries = list(realistic_summaries(options.count))
    rows: list[tuple[str, str]] = [("messages", f"{options.count:,}")]
    with MailStore(options.path) as store:
        store.upsert_folders([((), "/", "INBOX")])

        def insert() -> None:
            for start in range(0, options.count, options.batch):
                store.add_messages("INBOX", summaries[start:start + options.batch])

        _, seconds = timed(insert)
        rows.append((f"insert ({options.batch:,} per transaction)", f"{seconds:.2f} s"))

        with store.open_reader() as reader:
            for sort in ("date", "sender", "subject"):
                timings = [
                    timed(partial(reader.summaries, "INBOX", sort, True, offset, 200))[1]
                    for offset in (0, options.count // 4, options.count // 2, max(0, options.count - 200))
                ]
                rows.append((f"window of 200 by {sort} (median, 4 offsets)", ms(statistics.median(timings))))
            rows.append(("sorted_uids (whole folder)", ms(timed(partial(reader.sorted_uids, "INBOX"))[1])))
            rows.append(("threads, first 200", ms(timed(partial(reader.threads, "INBOX"))[1])))
            search_times = []
            per_query = []
            for query in SEARCHES:
                found, seconds = timed(partial(reader.search, query))
                search_times.append(seconds)
                per_query.append((f"  search {query!r} ({len(found)} hits)", ms(seconds)))
            rows.append((f"search median ({len(SEARCHES)} queries)", ms(statistics.median(search_times))))
            rows.append(("search slowest", ms(max(search_times))))
            if options.queries:
                rows.extend(per_query)

    size = options.path.stat().st_size
    rows.append(("database bytes per message", f"{size / options.count:.0f} B ({size / 2**20:.1f} MiB)"))
    conn = sqlite3.connect(options.path)
    try:
        parts = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8").fetchall()
        rows.extend((f"  {name}", f"{total / options.count:.0f} B/message") for name, total in parts)
    except sqlite3.OperationalError:
        pass  # this SQLite build has no dbstat table; the total above is what matters
    finally:
        conn.close()
    table(rows)
    if workdir is not None:
        workdir.cleanup()


INDEX_EVERY = 20_000  # as connectors.sync.engine: full-text entries and address links written in one go


def _sync_round(rows: list[tuple[object, ...]], batch: int, defer: bool) -> dict[str, float]:
    """One first sync's store writes into a fresh store (CPU seconds per stage, in this thread), and the list's
    reads halfway through (wall seconds, from a reader connection)."""
    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="facteur-bench-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None
                                     ) as work, MailStore(Path(work) / "store.sqlite3") as store:
        store.upsert_folders([((), "/", "INBOX")])
        folder_id = store.folder_key("INBOX")
        made = [(row[0] | folder_id << 32, folder_id, *row[2:]) for row in rows]

        def write(action: Callable[[], object], stage: str) -> None:
            started, cpu = time.perf_counter(), time.thread_time()
            action()
            result[stage] = result.get(stage, 0.0) + time.thread_time() - cpu
            longest = f"  longest transaction (wall): {stage}"
            result[longest] = max(result.get(longest, 0.0), time.perf_counter() - started)

        if defer:
            write(partial(store.defer_indexes, len(made)), "rows")
            assert store.deferred_indexes(), "the indexes were kept"
        deferred = 0
        for start in range(0, len(made), batch):
            write(partial(store.add_rows, "INBOX", made[start:start + batch], defer_index=True), "rows")
            deferred += min(batch, len(made) - start)
            if deferred >= INDEX_EVERY:
                write(store.index_pending, "full-text entries and address links")
                deferred = 0
            if start < len(made) // 2 <= start + batch:
                with store.open_reader() as reader:
                    thread_page = reader.threads("INBOX")
                    result["halfway: a window by sender (wall)"] = best_of(
                        partial(reader.summaries, "INBOX", "sender", True, 0, 200))
                    result["halfway: a conversation page (wall)"] = best_of(partial(reader.threads, "INBOX"))
                    assert thread_page
        write(store.index_pending, "full-text entries and address links")
        while True:
            more = [False]

            def build() -> None:
                more[0] = store.build_deferred_indexes()  # noqa: B023  (called at once)

            write(build, "indexes built at the end")
            if not more[0]:
                break
        assert not store.deferred_indexes()
    return result


def best_of(action: Callable[[], object], repeat: int = 3) -> float:
    return min(timed(action)[1] for _ in range(repeat))


def sync_writes(count: int, batch: int, rounds: int) -> None:
    """See the module's docstring (``--sync-writes``)."""
    import os
    from dataclasses import replace

    from connectors.store.rows import summary_row

    # Dovecot's folders have no Gmail ids: thread keys are hashes of the root Message-ID, as in the sync bench.
    summaries = [replace(summary, gm_thrid=None, gm_msgid=None, gm_labels=())
                 for summary in realistic_summaries(count)]
    rows = [summary_row(0, summary) for summary in reversed(summaries)]  # newest first, re-keyed per store
    measured: dict[bool, list[dict[str, float]]] = {True: [], False: []}
    loads = []
    for _ in range(rounds):
        for defer in (False, True):
            measured[defer].append(_sync_round(rows, batch, defer))
            loads.append(os.getloadavg()[0])
    stages = list(dict.fromkeys(stage for results in measured.values() for result in results for stage in result))
    print(f"{count:,} messages, {batch:,} per transaction, {rounds} rounds; load average (1 min) "
          f"{min(loads):.1f}–{max(loads):.1f}")
    width = max(len(stage) for stage in stages) + 8
    heading = "stage (CPU µs per message, best / median)"
    print(f"{heading:<{width}}  {'indexes kept':>16}  {'left out, built after':>22}")
    totals: dict[bool, list[float]] = {True: [], False: []}
    for defer in (False, True):
        for result in measured[defer]:
            totals[defer].append(sum(v for k, v in result.items() if "(wall)" not in k) * 1e6 / count)

    def cell(values: list[float], unit: str) -> str:
        return f"{min(values):.1f} / {statistics.median(values):.1f}{unit}" if values else "—"

    for stage in stages:
        wall = "(wall)" in stage
        scale, unit = (1000.0, " ms") if wall else (1e6 / count, "")
        line = [cell([r[stage] * scale for r in measured[defer] if stage in r], unit) for defer in (False, True)]
        print(f"{stage:<{width}}  {line[0]:>16}  {line[1]:>22}")
    print(f"{'total CPU of the writes':<{width}}  {cell(totals[False], ''):>16}  {cell(totals[True], ''):>22}")


if __name__ == "__main__":
    main()
