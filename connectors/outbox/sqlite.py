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


BLOB_STEP = 1024 * 1024


def insert_blob(conn: sqlite3.Connection, sql: str, params: tuple[object, ...], table: str, column: str,
                data: bytes) -> bool:
    """Run ``sql`` (an INSERT whose last placeholder is the blob's, written ``zeroblob(?)``), then write ``data``
    into the new row a megabyte at a time. Binding a 25 MB value copies it in one call that holds the interpreter
    (no other thread runs meanwhile); these steps never do for long. False if the INSERT inserted nothing."""
    cursor = conn.execute(sql, (*params, len(data)))
    if cursor.rowcount < 1 or cursor.lastrowid is None:
        return False
    if data:
        view = memoryview(data)
        with conn.blobopen(table, column, cursor.lastrowid) as blob:
            for start in range(0, len(data), BLOB_STEP):
                blob.write(view[start:start + BLOB_STEP])
    return True
