"""The one way Local Folders' databases are opened and written: checked at open; a lock for this process and
BEGIN IMMEDIATE for others."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from ..private_files import private_sqlite
from .errors import LocalFileUnusableError


def open_checked(path: Path, schema: str, required: Mapping[str, frozenset[str]], *, timeout: float,
                 migrate: Callable[[sqlite3.Connection], None] | None = None) -> sqlite3.Connection:
    """A read-write connection to the Local Folders database at ``path`` (created if missing), or
    :class:`LocalFileUnusableError` when the file cannot be trusted or written: not a database, damaged (a
    truncated or overwritten file fails ``quick_check``), another program's tables, missing columns, read-only,
    or locked by another program for longer than ``timeout`` seconds."""
    conn: sqlite3.Connection | None = None
    try:
        private_sqlite(path)  # opening it for writing: a file we may not write fails here
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=timeout)
        conn.execute("PRAGMA journal_mode = WAL")
        # A committed row must survive a power cut: it is what stops a second delivery or a lost draft.
        conn.execute("PRAGMA synchronous = FULL")
        problems = [str(row[0]) for row in conn.execute("PRAGMA quick_check(5)")]
        if problems != ["ok"]:
            raise LocalFileUnusableError(f"{path} is damaged ({'; '.join(problems)[:300]})", path)
        ours = set(required) | {"sqlite_sequence"}
        tables = {str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables - ours:
            raise LocalFileUnusableError(
                f"{path} holds tables Facteur does not know ({', '.join(sorted(tables - ours))[:200]})", path)
        conn.executescript(schema)
        if migrate is not None:
            migrate(conn)
        for table, columns in required.items():
            missing = columns - {str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")}
            if missing:
                raise LocalFileUnusableError(f"{path} has another layout (no {', '.join(sorted(missing))} in "
                                             f"{table})", path)
        conn.execute("BEGIN IMMEDIATE")  # proves the file can be written now, not at the first message sent
        conn.execute("COMMIT")
    except LocalFileUnusableError:
        if conn is not None:
            conn.close()
        raise
    except (sqlite3.Error, OSError) as error:
        if conn is not None:
            conn.close()
        raise LocalFileUnusableError(f"{path} cannot be used: {error}", path) from error
    return conn


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
