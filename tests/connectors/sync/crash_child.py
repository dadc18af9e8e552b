"""A Facteur sync process to kill: ``python -m tests.connectors.sync.crash_child '<job as JSON>'``.

It opens the account's store as the app does (``open_store``), then runs one job with the real sync engine:
``sync`` (one folder's sync, printing ``progress DONE TOTAL`` after each stored batch), ``prefetch`` (the
offline download of a synced folder's bodies, printing the same) or ``replay`` (the offline queue). The test
kills it with SIGKILL at a point it picks:

* by the network: the proxy between this process and Dovecot tells the test when the server has sent N bytes, or
  when it received a given command (it holds the answer back);
* by the store: ``pause_on`` names an SQL statement (a prefix) and which occurrence of it; when the store's
  connection is about to run it, this process prints ``paused`` and waits on stdin for ever, inside the write
  transaction. The test then kills it there.

Every line it prints is flushed at once: the test reads them from a pipe.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from connectors import create_connector
from connectors.messaging.imap import IMAPConnector
from connectors.store import open_store
from connectors.sync import SyncEngine


def _say(*words: object) -> None:
    print(*words, flush=True)


def _pause_on(store: Any, prefix: str, occurrence: int) -> None:
    seen = [0]

    def trace(statement: str) -> None:
        if statement.lstrip().upper().startswith(prefix.upper()):
            seen[0] += 1
            if seen[0] == occurrence:
                _say("paused")
                sys.stdin.read()  # until killed: the test never writes

    store._conn.set_trace_callback(trace)


def main() -> None:
    job: dict[str, Any] = json.loads(sys.argv[1])
    opened = open_store(job["store"])
    _say("opened", "rebuilt" if opened.moved_aside is not None else "intact")
    store = opened.store

    def connect() -> IMAPConnector:
        imap: IMAPConnector = create_connector("imap", job["imap"])
        imap.connect()
        return imap

    if job.get("pause_on"):
        _pause_on(store, job["pause_on"], int(job.get("occurrence", 1)))
    store.defer_indexes_over = int(job.get("defer_indexes_over", store.defer_indexes_over))
    engine = SyncEngine(store, connect, header_batch=int(job.get("header_batch", 2000)))
    if job["mode"] == "sync":
        engine.sync_folder(job["folder"], progress=lambda done, total: _say("progress", done, total))
    elif job["mode"] == "prefetch":
        engine.prefetch_bodies(job["folder"], batch=int(job.get("batch", 500)),
                               progress=lambda done, total: _say("progress", done, total))
    elif job["mode"] == "replay":
        refused = engine.replay_queue()
        _say("refused", len(refused))
    else:
        raise SystemExit(f"unknown mode {job['mode']!r}")
    engine.close()
    store.close()
    _say("done")


if __name__ == "__main__":
    main()
