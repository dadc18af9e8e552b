"""The one way Local Folders' databases are written: a lock for this process, BEGIN IMMEDIATE for others."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def immediate_transaction(
    conn: sqlite3.Connection, lock: threading.Lock | threading.RLock
) -> Iterator[sqlite3.Connection]:
    """Commit on success, roll back on any exception; BEGIN IMMEDIATE takes the write lock at once, so two
    processes (the app and a crash-recovery run) never interleave a read-then-write."""
    with lock:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
