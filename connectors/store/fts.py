"""Keeping the contentless full-text index in step with the messages table.

A contentless FTS5 table stores no text, so removing an entry means handing FTS5 exactly the values it indexed.
The sender/recipients/subject values come from the message row (rows.fts_values) and the body words from
``bodies.text``, which stores them compressed for that reason. Every function here runs inside the caller's
write transaction.
"""

# SQL in this module is assembled only from its own constants and "?" placeholders; every value a caller
# or user supplies is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from typing import Any

from . import addresses
from .queries import chunks, placeholders
from .rows import FTS_SOURCE_COLUMNS, fts_values, fts_values_for_insert

_INSERT = "INSERT INTO message_fts (rowid, sender, recipients, subject, body) VALUES (?, ?, ?, ?, ?)"
_DELETE = (
    "INSERT INTO message_fts (message_fts, rowid, sender, recipients, subject, body) "
    "VALUES ('delete', ?, ?, ?, ?, ?)"
)
_SOURCE = f"SELECT {FTS_SOURCE_COLUMNS}, b.text FROM messages AS m LEFT JOIN bodies AS b ON b.id = m.id"


def compress_text(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 6)


def decompress_text(blob: bytes | None) -> str:
    return "" if blob is None else zlib.decompress(blob).decode("utf-8")


def index_new(conn: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> None:
    """Index freshly inserted rows (INSERT_COLUMNS tuples); they have no body yet."""
    conn.executemany(_INSERT, (fts_values_for_insert(row) for row in rows))


def defer(conn: sqlite3.Connection, ids: Sequence[int]) -> None:
    """Leave the entries (and address links) of freshly inserted messages ``ids`` to :func:`index_pending`."""
    conn.execute("INSERT INTO index_pending (id) SELECT value FROM json_each(?)", (json.dumps(list(ids)),))


def pending(conn: sqlite3.Connection) -> int:
    """How many stored messages wait for their full-text entry."""
    count: int = conn.execute("SELECT count(*) FROM index_pending").fetchone()[0]
    return count


# The same values as fts_values, computed by SQLite from the stored row (a header has no body words yet).
_INSERT_PENDING = (
    "INSERT INTO message_fts (rowid, sender, recipients, subject, body) "
    "SELECT m.id, m.from_name || ' ' || m.from_addr, m.to_addrs || ' ' || m.cc_addrs, m.subject, '' "
    "FROM index_pending AS p JOIN messages AS m ON m.id = p.id"
)


def index_pending(conn: sqlite3.Connection) -> int:
    """Write the full-text entries and address links of every message in ``index_pending`` (those a sync stored
    with ``defer``), in one statement each; returns how many. Every function that removes entries calls it
    first: a contentless index can only remove an entry it holds."""
    if conn.execute("SELECT 1 FROM index_pending LIMIT 1").fetchone() is None:
        return 0
    count = pending(conn)
    # No pending message has a body: caching one (store_body) comes here first.
    conn.execute(_INSERT_PENDING)
    addresses.index_stored(conn, "SELECT id FROM index_pending")
    conn.execute("DELETE FROM index_pending")
    return count


def _unindex_rows(conn: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> dict[int, str]:
    entries = [fts_values(row[:6], decompress_text(row[6])) for row in rows]
    conn.executemany(_DELETE, entries)
    return {entry[0]: entry[4] for entry in entries if entry[4]}


def unindex(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, str]:
    """Remove the entries of messages ``ids`` (still present in the table); returns their body texts."""
    index_pending(conn)
    bodies: dict[int, str] = {}
    for chunk in chunks(ids):
        rows = conn.execute(f"{_SOURCE} WHERE m.id IN ({placeholders(len(chunk))})", tuple(chunk)).fetchall()
        bodies.update(_unindex_rows(conn, rows))
    return bodies


def unindex_folder(conn: sqlite3.Connection, folder_id: int) -> None:
    """Remove the entries of every message in a folder."""
    index_pending(conn)
    cursor = conn.execute(f"{_SOURCE} WHERE m.folder_id = ?", (folder_id,))
    while rows := cursor.fetchmany(2000):
        _unindex_rows(conn, rows)


def reindex(conn: sqlite3.Connection, ids: Sequence[int], bodies: dict[int, str]) -> None:
    """Index messages ``ids`` from their current rows, with the body texts given (if any)."""
    for chunk in chunks(ids):
        rows = conn.execute(
            f"SELECT {FTS_SOURCE_COLUMNS} FROM messages AS m WHERE m.id IN ({placeholders(len(chunk))})",
            tuple(chunk),
        ).fetchall()
        conn.executemany(_INSERT, [fts_values(row, bodies.get(row[0], "")) for row in rows])


def replace_body_text(conn: sqlite3.Connection, rowid: int, new_text: str) -> None:
    """Re-index one message with ``new_text`` as its body words (before ``bodies`` is updated)."""
    unindex(conn, [rowid])
    reindex(conn, [rowid], {rowid: new_text})
