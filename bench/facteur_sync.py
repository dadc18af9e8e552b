"""One measured Facteur operation, in its own process so its peak memory is its own.

    python -m bench.facteur_sync ACTION --port P --user U --password W --ca CA --store PATH [--folder F]

ACTION: initial (folder list + headers), resync, prefetch (bodies), search (20 queries). Prints one JSON line.
``--searched-first``: the initial sync searches the folder's UIDs before fetching its newest headers (the engine
before issue 13.1 fetched the newest by sequence number first), for a same-run comparison. ``--rows-in thread``:
the header rows are made in the sync's own thread, ``child``: in a child process (``connectors.sync.header_process``),
``auto`` (default): as the engine chooses (by the number of CPUs). The CPU time printed is this process's plus its
children's (the header process).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from typing import Any

from connectors import create_connector
from connectors.messaging.imap import IMAPConnector
from connectors.store import MailStore
from connectors.store.events import MessagesAdded
from connectors.sync import SyncEngine
from connectors.sync import engine as engine_module

QUERIES = [
    "meeting", "invoice", "from:alice", "subject:report", "has:attachment", "is:unread", '"next steps"', "café",
    "budget review", "zucchini", "deploy -outage", "from:martin subject:plan", "résumé", "kumquat", "conference",
    "to:alice hotel", "release version", '"action items"', "subject:re", "quarterly",
]


def _count_cpu(stages: dict[str, float], owner: Any, name: str, stage: str) -> None:
    """Add the CPU time of every call of ``owner.name`` to ``stages[stage]``: the calling thread's own (the header
    batches are stored by a writer thread while the engine's thread fetches the next)."""
    original = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            stages[stage] = stages.get(stage, 0.0) + time.thread_time() - started

    setattr(owner, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["initial", "resync", "prefetch", "search"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--folder", default="INBOX")
    parser.add_argument("--searched-first", action="store_true",
                        help="initial: search the folder's UIDs before fetching its newest (as before issue 13.1)")
    parser.add_argument("--rows-in", choices=["auto", "child", "thread"], default="auto",
                        help="initial: where the header rows are made (auto: as the engine chooses)")
    parser.add_argument("--indexes-kept", action="store_true",
                        help="initial: keep every index while the rows are stored (as before schema step 13)")
    args = parser.parse_args()
    if args.searched_first:
        engine_module.NEWEST_FIRST_OVER = 2**62

    def connect() -> IMAPConnector:
        imap: IMAPConnector = create_connector("imap", {
            "host": args.host, "port": args.port, "username": args.user, "password": args.password,
            "ca_file": args.ca, "timeout": 120,
        })
        imap.connect()
        return imap

    out: dict[str, Any] = {}
    with MailStore(args.store) as store:
        if args.indexes_kept:
            store.defer_indexes_over = 2**62
        engine = SyncEngine(store, connect, rows_in_child={"auto": None, "child": True, "thread": False}[args.rows_in])
        started = time.perf_counter()
        cpu_started = time.process_time()
        if args.action == "initial":
            stored = 0
            stages: dict[str, float] = {}
            _count_cpu(stages, IMAPConnector, "fetch", "read and parse the FETCH answers")
            _count_cpu(stages, engine_module, "row_from_fetch", "build the rows from the header fields")
            _count_cpu(stages, store, "add_rows", "store the rows (indexes, conversations, commit)")
            _count_cpu(stages, store, "index_pending", "full-text entries and address links")
            _count_cpu(stages, store, "build_deferred_indexes", "indexes left out, built at the end")
            out["stages"] = stages

            def count(event: object) -> None:  # when the newest 500 are in the store, for the list to show
                nonlocal stored
                if isinstance(event, MessagesAdded) and event.folder == args.folder:
                    stored += len(event.uids)
                    if stored >= 500 and "first_500" not in out:
                        out["first_500"] = time.perf_counter() - started

            store.subscribe(count)
            engine.sync_folder_list()
            result = engine.sync_folder(args.folder)
            out["added"] = result.added
        elif args.action == "resync":
            engine.connection()  # a running client already has its connection open
            started = time.perf_counter()
            result = engine.sync_folder(args.folder)
            out.update(added=result.added, changed=result.changed, removed=result.removed)
        elif args.action == "prefetch":
            out["fetched"] = engine.prefetch_bodies(args.folder)
        else:
            timings, hits = [], []
            for query in QUERIES:
                t = time.perf_counter()
                hits.append(len(store.search(query, limit=50)))
                timings.append(time.perf_counter() - t)
            out.update(median_ms=statistics.median(timings) * 1000, max_ms=max(timings) * 1000, hits=hits)
        out["seconds"] = time.perf_counter() - started
        out["cpu_seconds"] = time.process_time() - cpu_started
        engine.close()
        # The header process ended with the folder's sync (and was waited for): its CPU time counts too.
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        if args.action == "initial":
            out["stages"]["header process: read, parse, rows (child)"] = children.ru_utime + children.ru_stime
        out["cpu_seconds"] += children.ru_utime + children.ru_stime
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
