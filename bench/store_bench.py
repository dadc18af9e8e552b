"""Fill a mail store with realistic summaries and print what it costs.

    python bench/store_bench.py [--count 100000] [--batch 5000] [--path store.sqlite3] [--queries]

Prints insert time, list-window latency per sort order, full-text search latency over twenty typical
searches, and the database bytes per message (file size after checkpoint, then per table and index).
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
    options = parser.parse_args()

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


if __name__ == "__main__":
    main()
