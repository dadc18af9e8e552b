"""Indexes a big first sync leaves out while it stores its rows, built once the rows are in (schema step 13).

A first sync stores rows newest first, so the indexes ordered by folder and date grow at one end. Two are in no
order the rows arrive in: the list's sort by sender and by subject (``messages_by_sender``,
``messages_by_subject``). Each row lands on a random page of each, so a transaction of 2,000 rows rewrites most of
their pages, and their cost per row grows with the folder (bench/store_bench.py ``--sync-writes``). Building them
from the stored rows afterwards is a sort. ``messages_by_thread`` is as random (a hash) and cost as much, but the
conversation view reads a page's conversations through it while the sync runs (without it, a page read the
folder's rows: 1.6 s at 500k), so it stays.

:func:`defer` drops them and records each definition in ``deferred_indexes``, in one write transaction;
:func:`build_one` builds one back (in the caller's transaction) and :func:`build_all` all of them, each in a
transaction of its own, when a store is opened: a Facteur stopped in the middle of a sync leaves them for that.
While they are out every query still answers, slower: the list sorted by sender or subject sorts the folder.

When it pays (:func:`worth_deferring`): the rows to come are many (``DEFER_OVER``) and at least as many as the
store holds already, in every folder (the build reads them all, and their queries slow down meanwhile).
"""

# The index names and definitions executed here come from sqlite_master and this module's constants, never from
# outside input.
# ruff: noqa: S608

from __future__ import annotations

import sqlite3

DEFERRABLE = ("messages_by_sender", "messages_by_subject")
DEFER_OVER = 10_000


def worth_deferring(conn: sqlite3.Connection, coming: int, at_least: int = DEFER_OVER) -> bool:
    """Whether ``coming`` new rows (one folder's first sync) are worth storing without the deferrable indexes."""
    if coming < at_least:
        return False
    stored: int = conn.execute("SELECT coalesce(sum(total), 0) FROM folders").fetchone()[0]
    return coming >= stored


def deferred(conn: sqlite3.Connection) -> list[str]:
    """The indexes left out now, by name."""
    if not _has_table(conn):
        return []
    return [name for (name,) in conn.execute("SELECT name FROM deferred_indexes ORDER BY name")]


def defer(conn: sqlite3.Connection) -> list[str]:
    """Inside a write transaction: drop the deferrable indexes still there, keeping their definitions; returns
    their names."""
    dropped = []
    for name in DEFERRABLE:
        row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone()
        if row is None:
            continue
        conn.execute("INSERT OR REPLACE INTO deferred_indexes (name, sql) VALUES (?, ?)", (name, row[0]))
        conn.execute(f'DROP INDEX "{name}"')
        dropped.append(name)
    return dropped


def build_one(conn: sqlite3.Connection) -> bool:
    """Inside a write transaction: build one index left out; True while others are left after it."""
    if not _has_table(conn):
        return False
    waiting = conn.execute("SELECT name, sql FROM deferred_indexes ORDER BY name").fetchall()
    if not waiting:
        return False
    name, sql = waiting[0]
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)).fetchone() is None:
        conn.execute(sql)
    conn.execute("DELETE FROM deferred_indexes WHERE name = ?", (name,))
    return len(waiting) > 1


def build_all(conn: sqlite3.Connection) -> int:
    """On an autocommit connection outside a transaction (a store being opened): build every index left out, each
    in its own transaction; returns how many."""
    built = len(deferred(conn))
    more = built > 0
    while more:
        conn.execute("BEGIN IMMEDIATE")
        try:
            more = build_one(conn)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return built


def _has_table(conn: sqlite3.Connection) -> bool:
    """Whether the store has ``deferred_indexes`` (a store opened before migrating to step 13 has not)."""
    return conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'deferred_indexes'").fetchone() is not None
