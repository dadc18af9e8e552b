"""Keeping the contentless full-text index in step with the messages table.

A contentless FTS5 table stores no text, so removing an entry means handing FTS5 exactly the values it indexed.
The sender/recipients/subject values come from the message row (rows.fts_values) and the body words from
``bodies.text``, which stores them compressed for that reason. Every function here runs inside the caller's
write transaction.

Stores made before the index had prefix entries (schema step 12) build a second index, ``message_fts_building``
(prefix='2 3'), in the background a slice at a time (:func:`build_slice`, from each folder's smallest message id,
recorded in ``fts_backfill``), while ``message_fts`` keeps answering searches and receiving every write. Until
then a write reaches the new index too for the messages the build has passed (ids up to their folder's
``next_id``, or any id of a folder not listed), so each message's entry is written there exactly once: by the build
or by the write. The slice that finishes the last folder replaces ``message_fts`` with it, in its transaction.
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
# Writes to the index being built, for the messages the build has passed (?1 is the message id).
BUILDING = "message_fts_building"
_BUILT = "?1 <= coalesce((SELECT next_id FROM fts_backfill WHERE folder_id = ?1 >> 32), 9223372036854775807)"
_INSERT_BUILT = (
    f"INSERT INTO {BUILDING} (rowid, sender, recipients, subject, body) SELECT ?1, ?2, ?3, ?4, ?5 WHERE {_BUILT}"
)
_DELETE_BUILT = (
    f"INSERT INTO {BUILDING} ({BUILDING}, rowid, sender, recipients, subject, body) "
    f"SELECT 'delete', ?1, ?2, ?3, ?4, ?5 WHERE {_BUILT}"
)
_SOURCE = f"SELECT {FTS_SOURCE_COLUMNS}, b.text FROM messages AS m LEFT JOIN bodies AS b ON b.id = m.id"


def compress_text(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 6)


def decompress_text(blob: bytes | None) -> str:
    return "" if blob is None else zlib.decompress(blob).decode("utf-8")


def building(conn: sqlite3.Connection) -> bool:
    """Whether the index with prefix entries is still being built (see the module's docstring)."""
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (BUILDING,)).fetchone() is not None


def _add(conn: sqlite3.Connection, entries: Sequence[tuple[int, str, str, str, str]]) -> None:
    conn.executemany(_INSERT, entries)
    if building(conn):
        conn.executemany(_INSERT_BUILT, entries)


def _remove(conn: sqlite3.Connection, entries: Sequence[tuple[int, str, str, str, str]]) -> None:
    conn.executemany(_DELETE, entries)
    if building(conn):
        conn.executemany(_DELETE_BUILT, entries)


def index_new(conn: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> None:
    """Index freshly inserted rows (INSERT_COLUMNS tuples); they have no body yet."""
    _add(conn, [fts_values_for_insert(row) for row in rows])


def defer(conn: sqlite3.Connection, ids: Sequence[int]) -> None:
    """Leave the entries (and address links) of freshly inserted messages ``ids`` to :func:`index_pending`."""
    conn.execute("INSERT INTO index_pending (id) SELECT value FROM json_each(?)", (json.dumps(list(ids)),))


def pending(conn: sqlite3.Connection) -> int:
    """How many stored messages wait for their full-text entry."""
    count: int = conn.execute("SELECT count(*) FROM index_pending").fetchone()[0]
    return count


# The same values as fts_values, computed by SQLite from the stored row (a header has no body words yet).
_PENDING_VALUES = (
    "SELECT m.id, m.from_name || ' ' || m.from_addr, m.to_addrs || ' ' || m.cc_addrs, m.subject, '' "
    "FROM index_pending AS p JOIN messages AS m ON m.id = p.id"
)
_INSERT_PENDING = f"INSERT INTO message_fts (rowid, sender, recipients, subject, body) {_PENDING_VALUES}"
_INSERT_PENDING_BUILT = (
    f"INSERT INTO {BUILDING} (rowid, sender, recipients, subject, body) {_PENDING_VALUES} "
    f"WHERE {_BUILT.replace('?1', 'm.id')}"
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
    if building(conn):
        conn.execute(_INSERT_PENDING_BUILT)
    addresses.index_stored(conn, "SELECT id FROM index_pending")
    conn.execute("DELETE FROM index_pending")
    return count


def _unindex_rows(conn: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> dict[int, str]:
    entries = [fts_values(row[:6], decompress_text(row[6])) for row in rows]
    _remove(conn, entries)
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
        _add(conn, [fts_values(row, bodies.get(row[0], "")) for row in rows])


def replace_body_text(conn: sqlite3.Connection, rowid: int, new_text: str) -> None:
    """Re-index one message with ``new_text`` as its body words (before ``bodies`` is updated)."""
    unindex(conn, [rowid])
    reindex(conn, [rowid], {rowid: new_text})


def build_slice(conn: sqlite3.Connection, limit: int) -> bool:
    """Copy the entries of up to ``limit`` more messages into the index being built (see the module's
    docstring), and replace the old index with it once every folder is done; True while more are left."""
    if not building(conn):
        return False
    row = conn.execute("SELECT folder_id, next_id FROM fts_backfill ORDER BY folder_id LIMIT 1").fetchone()
    if row is not None:
        folder_id, next_id = row
        # A message whose entry a sync left to write later gets it from index_pending, in both indexes once
        # the build has passed it.
        found = conn.execute(
            f"{_SOURCE} WHERE m.id > ? AND m.id <= ? AND m.id NOT IN (SELECT id FROM index_pending) "
            "ORDER BY m.id LIMIT ?", (next_id, (folder_id << 32) | 0xFFFFFFFF, limit)).fetchall()
        conn.executemany(f"INSERT INTO {BUILDING} (rowid, sender, recipients, subject, body) VALUES (?, ?, ?, ?, ?)",
                         [fts_values(found_row[:6], decompress_text(found_row[6])) for found_row in found])
        if len(found) < limit:
            conn.execute("DELETE FROM fts_backfill WHERE folder_id = ?", (folder_id,))
        else:
            conn.execute("UPDATE fts_backfill SET next_id = ? WHERE folder_id = ?", (found[-1][0], folder_id))
    if conn.execute("SELECT 1 FROM fts_backfill LIMIT 1").fetchone() is not None:
        return True
    _swap(conn)
    return False


def _swap(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TABLE message_fts")
    conn.execute(f"ALTER TABLE {BUILDING} RENAME TO message_fts")


def finish_empty_build(conn: sqlite3.Connection) -> None:
    """At open (``conn`` in autocommit mode): a store with nothing to copy (a new one, or one without messages
    when it was migrated) takes the index with prefix entries at once, in one short transaction."""
    if not building(conn) or conn.execute("SELECT 1 FROM fts_backfill LIMIT 1").fetchone() is not None:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        if building(conn) and conn.execute("SELECT 1 FROM fts_backfill LIMIT 1").fetchone() is None:
            _swap(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
