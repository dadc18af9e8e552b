"""Inserting message rows: the folder counts and conversations that follow from them (schema step 9).

Every path that inserts into ``messages`` goes through :func:`insert_rows`, which writes, in the same transaction,
what the AFTER INSERT triggers wrote before step 9, per statement instead of per row: each folder's ``total`` and
``unread`` moved once, each conversation of the batch upserted once with its count, unread count and latest
(date, id). Removals and updates are still counted by triggers (see schema ``_V1``/``_V4``).
"""

# SQL in this module is assembled only from its own constants and "?" placeholders.
# ruff: noqa: S608

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from .flags import SEEN
from .rows import INSERT_COLUMNS

_INSERT = f"INSERT INTO messages ({INSERT_COLUMNS}) VALUES "
_COUNT = "UPDATE folders SET total = total + ?, unread = unread + ? WHERE id = ?"
# What the step-4 trigger's upsert did for one row, for a group of rows of one conversation: a newer (date, id)
# becomes the latest, ties broken by the larger id.
_THREAD = ("INSERT INTO threads (folder_id, thread_key, latest_date, latest_id, count, unread) VALUES ", """
    ON CONFLICT (folder_id, thread_key) DO UPDATE SET
        count = count + excluded.count,
        unread = unread + excluded.unread,
        latest_date = CASE WHEN (excluded.latest_date, excluded.latest_id) > (latest_date, latest_id)
                      THEN excluded.latest_date ELSE latest_date END,
        latest_id = CASE WHEN (excluded.latest_date, excluded.latest_id) > (latest_date, latest_id)
                    THEN excluded.latest_id ELSE latest_id END""")
# Rows per statement: a statement of many rows is bound in one go and runs in one step, during which SQLite lets
# other Python threads run; executemany steps once per row, taking the interpreter lock back each time, and a
# header sync's writer thread then waits for the engine's thread (parsing the next batch) at every row.
_ROWS_PER_STATEMENT = 500


def execute_rows(conn: sqlite3.Connection, statement: str | tuple[str, str], rows: Sequence[Sequence[Any]]) -> None:
    """``conn.executemany(statement, rows)`` in statements of up to _ROWS_PER_STATEMENT rows each
    (``INSERT ... VALUES (...), (...), ...``): ``statement`` is the text before the rows (ending in VALUES), or
    that and the text after them (an upsert's ON CONFLICT clause)."""
    if not rows:
        return
    head, tail = (statement, "") if isinstance(statement, str) else statement
    width = len(rows[0])
    one = "(" + ", ".join("?" * width) + ")"
    for start in range(0, len(rows), _ROWS_PER_STATEMENT):
        part = rows[start:start + _ROWS_PER_STATEMENT]
        conn.execute(head + ", ".join([one] * len(part)) + tail, [value for row in part for value in row])


def insert_rows(conn: sqlite3.Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert INSERT_COLUMNS rows (ids not stored yet) with their folder counts and conversations."""
    if not rows:
        return
    execute_rows(conn, _INSERT, rows)
    folders: dict[int, list[int]] = {}
    threads: dict[tuple[int, int], list[int]] = {}
    for row in rows:
        rowid, folder_id, date, flags, key = row[0], row[1], row[2], row[4], row[8]
        unread = 0 if flags & SEEN else 1
        counts = folders.get(folder_id)
        if counts is None:
            folders[folder_id] = [1, unread]
        else:
            counts[0] += 1
            counts[1] += unread
        thread = threads.get((folder_id, key))
        if thread is None:
            threads[(folder_id, key)] = [date, rowid, 1, unread]
        else:
            if (date, rowid) > (thread[0], thread[1]):
                thread[0], thread[1] = date, rowid
            thread[2] += 1
            thread[3] += unread
    conn.executemany(_COUNT, [(total, unread, folder_id) for folder_id, (total, unread) in folders.items()])
    execute_rows(conn, _THREAD, [(folder_id, key, *values) for (folder_id, key), values in threads.items()])
