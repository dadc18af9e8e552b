"""How the conversation list and searches grow with the folder: 10k, 100k, 300k (and 1M) side by side.

    python -m bench.scale_bench [--sizes 10000 100000 300000] [--million] [--page 200] [--stores DIR]
    python -m bench.scale_bench --sync [--sizes 10000 100000] [--million]


For each size a store is filled with the same generated corpus (tests/connectors/store/sample_mail.py; with
``--stores DIR`` the stores are kept there and reused by later runs), then it prints, one column per size:

* the conversation view scrolled to its end through the real Qt model and view (offscreen, the store loader's
  thread as in the app): from ``set_folder`` to the last rows painted with their conversations (wall time, and
  CPU time of the whole process), and the longest single GUI-thread step meanwhile (wall, and the GUI thread's
  own CPU time in it: on a loaded machine most of a step's wall time is spent waiting for a core);
* the store's reads behind it: the conversation keys (the row count), a window of conversations at the top,
  middle and end, and the whole list paged to its end by keyset (``threads(after=...)``, the way the list read it
  before it was lazy) with the same deep page asked for by offset (the older way);
* each search operator (no-hit ones included, words in a column, prefix words, negations and combinations) and the
  median and slowest of twenty typed searches (every folder, 100 results), as "wall / CPU" (best of 3 each; the
  number of results in brackets);
* the message list's own searches (one folder, up to 5,000 results, in the list's order) through its model and
  the store loader's thread, from ``set_search`` to the first screenful of rows shown with their summaries and to
  every result listed, and beside each the same search read as the list read it before it was lazy (every
  result's summary built, ``search(query, folder, 5000)``, before its sort in memory). ``--list-cache-mib 16 64``
  runs them once per value, in turn, with the store loader's page cache of that size (rows suffixed with it, and
  the process's resident memory around them): a before/after of the cache in one run.

Wall times on a shared machine are inflated by the load (printed); CPU times of this process are printed beside
the slowest rows. Targets (issue 13.5): a page in constant time, the end of the conversation view under 2 s and
every search under 50 ms at 300k.

With ``--sync`` it measures the first header sync instead, against a loopback Dovecot, side by side with the
raw FETCH floor and IMAPClient's bulk fetch in the same run (bench/header_sync.py; issue 13.1: ≤ 2.5× the floor
and faster than IMAPClient); ``--million`` adds a 1,000,000-message folder (~6 GB of /dev/shm: its Maildir files
are written directly, ``--maildir-cache DIR`` keeps them for the next run; IMAPClient is not run at that size).
"""

from __future__ import annotations

import argparse
import itertools
import os
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
    "has:attachment", "-has:attachment", "is:unread", "is:read", "-is:read", "is:flagged", "-is:flagged",
    "is:answered", "is:draft", "is:deleted", "in:inbox", "in:sent", "after:2018-01-01", "before:2017-03-01",
    "from:alice", "-from:alice", "to:emma", "cc:gmail", "subject:report", "-subject:report", "re", "proj",
    "-meeting", "meeting -report", "has:attachment is:flagged", "is:unread is:flagged",
    "is:flagged -has:attachment", "is:unread has:attachment -is:answered", "is:draft has:attachment",
    "before:2020-01-01 -is:read", "meeting has:attachment", "from:alice is:unread", "zzzunknownword",
)
# The message list's own searches: one folder, up to 5,000 results, in the list's order (the model's read).
LIST_SEARCHES = (
    ("meeting", "date"), ("meeting", "sender"), ("has:attachment", "date"), ("invoice payment", "date"),
    ("re", "date"), ("proj", "date"), ("from:alice", "date"), ("to:emma", "date"), ("cc:gmail", "date"),
    ("-meeting", "date"), ("is:unread is:flagged", "date"), ("-is:read", "date"),
    ("is:flagged -has:attachment", "date"), ("before:2020-01-01", "subject"),
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


def cpu_timed(action: Callable[[], Any]) -> tuple[Any, float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - started, time.process_time() - cpu


def scroll_to_end(path: Path) -> dict[str, str]:
    """Open the folder in the conversation view (offscreen) and go to its end, as a person pressing End would."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QApplication

    from gui.collector import collect_on_gui_thread
    from gui.models.store_loader import StoreLoader
    from gui.models.thread_list import ThreadListModel
    from gui.views.message_list_view import MessageListView

    app = QApplication.instance() or QApplication([])
    collect_on_gui_thread(app)  # as the application does
    loader = StoreLoader()
    model = ThreadListModel(loader=loader)
    view = MessageListView()
    view.resize(1100, 700)
    view.set_message_model(model)
    view.show()
    longest, longest_cpu = 0.0, 0.0
    settle = time.monotonic() + 0.5
    while time.monotonic() < settle:  # the window is shown and polished before anything is timed
        app.processEvents()

    def run_until(done: Callable[[], bool], timeout: float = 120.0) -> None:
        nonlocal longest, longest_cpu
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                raise TimeoutError("the conversation view did not get there")
            step, step_cpu = time.perf_counter(), time.thread_time()
            app.processEvents()
            longest = max(longest, time.perf_counter() - step)
            longest_cpu = max(longest_cpu, time.thread_time() - step_cpu)
            loader.thread_handle.wait(1)

    def shown_rows() -> range:
        first = view.rowAt(0)
        last = view.rowAt(view.viewport().height() - 1)
        return range(first, (last if last >= 0 else model.rowCount() - 1) + 1)

    with StoreReader(path) as reader:
        loaded: list[bool] = []
        model.folderLoaded.connect(lambda: loaded.append(True))
        started, cpu = time.perf_counter(), time.process_time()
        model.set_folder(reader, "bench", "INBOX")
        run_until(lambda: bool(loaded))
        opened = time.perf_counter() - started
        end = model.index(model.rowCount() - 1, 0)
        view.selectionModel().setCurrentIndex(end, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                              | QItemSelectionModel.SelectionFlag.Rows)
        view.scrollTo(end)
        view.viewport().update()
        run_until(lambda: view.rowAt(view.viewport().height() - 1) in (-1, model.rowCount() - 1)
                  and all(model.is_loaded(row) for row in shown_rows()))
        whole, whole_cpu = time.perf_counter() - started, time.process_time() - cpu
        rows = model.rowCount()
        view.close()
    assert loader.stop(5000)
    return {
        "conversation view: rows (conversations)": f"{rows:,}",
        "conversation view: open, first rows shown": f"{opened:.2f} s",
        "conversation view: scrolled to its end, shown": f"{whole:.2f} s (cpu {whole_cpu:.2f} s)",
        "conversation view: longest GUI-thread step": f"{ms(longest)} (cpu {ms(longest_cpu)})",
    }


def measure(reader: StoreReader, page: int, list_caches: list[int] | None = None) -> dict[str, str]:
    rows: dict[str, str] = {}
    conversations = reader.thread_count("INBOX")
    keys, seconds = timed(lambda: reader.thread_keys("INBOX"))
    rows["conversation keys (the row count)"] = ms(seconds)
    for name, start in (("top", 0), ("middle", len(keys) // 2), ("end", max(0, len(keys) - page))):
        rows[f"window of {page} conversations by key, {name}"] = ms(best_of(
            lambda start=start: reader.threads_for("INBOX", keys[start:start + page])))
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
    rows["conversation list paged to its end (keyset)"] = f"{whole:.2f} s ({len(positions)} pages)"
    rows["same end page by offset (the old way)"] = ms(best_of(
        lambda: reader.threads("INBOX", offset=max(0, conversations - page), limit=page), 1))
    slowest = (0.0, 0.0)
    for query in OPERATORS:
        found, _ = timed(lambda query=query: reader.search(query, limit=100))
        wall, cpu = best_both(lambda query=query: reader.search(query, limit=100))
        slowest = (max(slowest[0], wall), max(slowest[1], cpu))
        rows[f"search {query!r}"] = f"{ms(wall)} / {ms(cpu)} ({len(found)})"
    rows["search operators, slowest"] = f"{ms(slowest[0])} / {ms(slowest[1])}"
    typed = {query: best_both(lambda query=query: reader.search(query)) for query in SEARCHES}
    walls, cpus = [wall for wall, _ in typed.values()], [cpu for _, cpu in typed.values()]
    rows[f"typed searches, median of {len(SEARCHES)}"] = f"{ms(statistics.median(walls))} / " \
                                                         f"{ms(statistics.median(cpus))}"
    worst = max(typed, key=lambda query: typed[query][1])
    rows["typed searches, slowest"] = f"{ms(max(walls))} / {ms(max(cpus))} ({worst})"
    if not list_caches:
        rows.update(list_searches(reader))
    for turn, mib in enumerate(list_caches or ()):
        rows.update(list_searches(reader, mib * 1024, f" [{mib} MB cache, turn {turn + 1}]"))
    return rows


def resident_mb() -> float:
    """This process's resident memory now (Linux), in MB."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def list_searches(reader: StoreReader, cache_kib: int | None = None, label: str = "") -> dict[str, str]:
    """The message list's searches through its model and the store loader's thread, as the window runs them:
    from ``set_search`` to the first screenful of rows shown with their summaries, and to the whole list of
    results; beside them, the same search read as the list read it before it was lazy (every result's summary
    built). Wall and CPU time of the whole process (both threads), best of 3. ``cache_kib``: the loader's page
    cache (``--list-cache-mib``; the app's default otherwise), its rows named with ``label``, and the process's
    resident memory before and after."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication

    from gui.models.message_columns import Column
    from gui.models.message_list import SEARCH_LIMIT, MessageListModel
    from gui.models.store_loader import StoreLoader

    app = QCoreApplication.instance() or QCoreApplication([])
    resident = resident_mb()
    loader = StoreLoader() if cache_kib is None else StoreLoader(cache_kib=cache_kib)
    model = MessageListModel(loader=loader)
    loaded: list[bool] = []
    model.folderLoaded.connect(lambda: loaded.append(True))

    def run_until(done: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 120
        while not done():
            if time.monotonic() > deadline:
                raise TimeoutError("the search did not arrive")
            app.processEvents()
            loader.thread_handle.wait(1)

    def shown() -> bool:
        rows = range(min(25, model.rowCount()))
        return all(model.index(row, Column.SUBJECT).data() != "…" for row in rows)

    rows: dict[str, str] = {}
    slowest = (0.0, 0.0, "")
    loaded.clear()
    model.set_folder(reader, "bench", "INBOX")
    run_until(lambda: bool(loaded))
    for query, sort in LIST_SEARCHES:
        model.set_sort(sort, True)
        first: list[tuple[float, float]] = []
        whole: list[tuple[float, float]] = []
        for _ in range(3):
            if model.search_query:
                loaded.clear()
                model.set_search("")  # (not timed: the folder's own list is read again)
                run_until(lambda: bool(loaded) and not model._reads.serial_reading)
            loaded.clear()
            started, cpu = time.perf_counter(), time.process_time()
            model.set_search(query)
            run_until(lambda: bool(loaded) and shown())
            first.append((time.perf_counter() - started, time.process_time() - cpu))
            run_until(lambda: not model._reads.serial_reading)
            whole.append((time.perf_counter() - started, time.process_time() - cpu))
        wall, cpu = min(w for w, _ in first), min(c for _, c in first)
        all_wall, all_cpu = min(w for w, _ in whole), min(c for _, c in whole)
        old_wall, old_cpu = best_both(lambda query=query: reader.search(query, "INBOX", SEARCH_LIMIT))
        name = f"list search {query!r}" + (f" by {sort}" if sort != "date" else "") + label
        rows[f"{name}: first rows shown"] = f"{ms(wall)} / {ms(cpu)}"
        rows[f"{name}: every result listed"] = f"{ms(all_wall)} / {ms(all_cpu)} ({model.rowCount()})"
        rows[f"{name}: read as before"] = f"{ms(old_wall)} / {ms(old_cpu)}"
        slowest = max(slowest, (cpu, wall, name))
    worst = slowest[2].removeprefix("list search ")
    rows[f"list searches, first rows shown, slowest (CPU){label}"] = f"{ms(slowest[1])} / {ms(slowest[0])} ({worst})"
    rows[f"resident memory before / after the list searches{label}"] = f"{resident:.0f} / {resident_mb():.0f} MB"
    model.set_folder(None, "", "")
    assert loader.stop(5000)
    return rows


def best_both(action: Callable[[], Any], repeat: int = 3) -> tuple[float, float]:
    """The best wall and the best CPU time of ``repeat`` runs (the CPU time of this process: searches run here)."""
    runs = [cpu_timed(action)[1:] for _ in range(repeat)]
    return min(wall for wall, _ in runs), min(cpu for _, cpu in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 300_000])
    parser.add_argument("--page", type=int, default=200)
    parser.add_argument("--sync", action="store_true", help="first header sync vs the floor and IMAPClient")
    parser.add_argument("--million", action="store_true", help="add a 1,000,000-message folder")
    parser.add_argument("--maildir-cache", type=Path, help="with --sync: keep the corpus's Maildir files here "
                        "and reuse them in later runs (a million take ~6 GB and a quarter of an hour to write)")
    parser.add_argument("--searched-first", action="store_true", help="with --sync: a second first sync that "
                        "searches the UIDs before fetching the newest (the engine before issue 13.1), same run")
    parser.add_argument("--no-imapclient", action="store_true", help="with --sync: leave IMAPClient out")
    parser.add_argument("--in-process-too", action="store_true", help="with --sync: Facteur's rows made in a child "
                        "process, and another first sync just before with them made in the sync's thread, same run")
    parser.add_argument("--indexes-kept-too", action="store_true", help="with --sync: another first sync right "
                        "after, keeping every index while it stores its rows (before schema step 13), same run")
    parser.add_argument("--stores", type=Path, help="keep the filled stores in this folder and reuse them")
    parser.add_argument("--no-view", action="store_true", help="skip the conversation view (Qt) rows")
    parser.add_argument("--list-cache-mib", type=int, nargs="+", help="the list searches once per value, in turn, "
                        "with the store loader's page cache set to it (e.g. 16 64 16 64: before/after, one run)")
    options = parser.parse_args()
    if options.sync:
        from bench.header_sync import measure_sizes

        sizes = options.sizes if "--sizes" in sys.argv else [10_000, 100_000]
        print_table(measure_sizes(sizes + ([1_000_000] if options.million else []), options.maildir_cache,
                                  options.searched_first, not options.no_imapclient, options.in_process_too,
                                  options.indexes_kept_too))
        return
    columns: dict[int, dict[str, str]] = {}
    sizes = options.sizes + ([1_000_000] if options.million and 1_000_000 not in options.sizes else [])
    with tempfile.TemporaryDirectory(prefix="facteur-scale-") as workdir:
        for count in sizes:
            folder = options.stores or Path(workdir)
            path = folder / f"{count}.sqlite3"
            if path.exists():
                fill_column = "reused"
            else:
                fill_column = f"{fill(path, count):.1f} s"
            column = {"insert (5,000 per transaction)": fill_column}
            if not options.no_view:
                column.update(scroll_to_end(path))
            with StoreReader(path) as reader:
                column.update(measure(reader, options.page, options.list_cache_mib))
            column["load average (1 min) when measured"] = f"{os.getloadavg()[0]:.1f}"
            columns[count] = column
            if options.stores is None:
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
