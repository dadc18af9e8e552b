"""Reading what can still be read from a damaged SQLite file (for salvage, never for use): read-only, through
another program's lock if need be, and from a truncated file too."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .private_files import write_private

_MAX_SKIPS = 256  # unreadable rows stepped over, one rowid at a time, before giving a table up


@contextmanager
def readable(path: Path) -> Iterator[sqlite3.Connection | None]:
    """A read-only connection that can read ``path``, or None when it cannot be read as a database at all.

    ``immutable`` reads through another program's lock but without the write-ahead log, so it comes second when a
    log is there; then a private copy whose header states the pages the file really has: SQLite refuses a
    truncated file whose header promises more pages, though every page left is whole."""
    # Without a write-ahead log beside it, immutable first: a plain read-only open would leave -wal/-shm files.
    with_log = path.with_name(path.name + "-wal").exists()
    for options in ("mode=ro", "mode=ro&immutable=1") if with_log else ("mode=ro&immutable=1", "mode=ro"):
        conn = _try_open(path, options)
        if conn is not None:
            try:
                yield conn
            finally:
                conn.close()
            return
    with tempfile.TemporaryDirectory(prefix="facteur-salvage-") as folder:
        copy = Path(folder) / "copy.sqlite3"
        if _copy_with_true_size(path, copy):
            conn = _try_open(copy, "mode=ro&immutable=1")
            if conn is not None:
                try:
                    yield conn
                finally:
                    conn.close()
                return
    yield None


def _try_open(path: Path, options: str) -> sqlite3.Connection | None:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{options}", uri=True)
    except sqlite3.Error:
        return None
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        conn.close()
        return None
    return conn


def _copy_with_true_size(path: Path, copy: Path) -> bool:
    """Copy an SQLite file, setting its header's page count (bytes 28-31) to the whole pages it holds."""
    try:
        data = bytearray(path.read_bytes())
    except OSError:
        return False
    if not data.startswith(b"SQLite format 3\x00") or len(data) < 100:
        return False
    page_size = int.from_bytes(data[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512:
        return False
    pages = len(data) // page_size
    data[28:32] = pages.to_bytes(4, "big")
    del data[pages * page_size:]
    write_private(copy, bytes(data))
    return True


def readable_rows(conn: sqlite3.Connection, table: str, *, optional: bool = False) -> tuple[list[dict[str, Any]], bool]:
    """Every row of ``table`` that can be read, in rowid order, stepping over rows on damaged pages; and whether
    the table was read whole (a missing table counts as whole when ``optional``)."""
    found: list[dict[str, Any]] = []
    after: int | None = None
    whole = True
    for _attempt in range(_MAX_SKIPS):
        where = "" if after is None else f" WHERE rowid > {int(after)}"
        try:
            cursor = conn.execute(f"SELECT rowid AS facteur_rowid, * FROM {table}{where} ORDER BY rowid")  # noqa: S608
            names = [column[0] for column in cursor.description]
            for values in cursor:
                row = dict(zip(names, values, strict=True))
                after = int(row["facteur_rowid"])
                found.append(row)
            return found, whole
        except sqlite3.Error as error:
            if "no such table" in str(error):
                return found, whole and optional
            whole = False
            after = (after or 0) + 1
    return found, False
