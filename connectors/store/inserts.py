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
from .rows import INSERT_COLUMNS, INSERT_PLACEHOLDERS

_INSERT = f"INSERT INTO messages ({INSERT_COLUMNS}) VALUES ({INSERT_PLACEHOLDERS})"
_COUNT = "UPDATE folders SET total = total + ?, unread = unread + ? WHERE id = ?"
# What the step-4 trigger's upsert did for one row, for a group of rows of one conversation: a newer (date, id)
# becomes the latest, ties broken by the larger id.
_THREAD = """INSERT INTO threads (folder_id, thread_key, latest_date, latest_id, count, unread)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (folder_id, thread_key) DO UPDATE SET
        count = count + excluded.count,
        unread = unread + excluded.unread,
        latest_date = CASE WHEN (excluded.latest_date, excluded.latest_id) > (latest_date, latest_id)
                      THEN excluded.latest_date ELSE latest_date END,
        latest_id = CASE WHEN (excluded.latest_date, excluded.latest_id) > (latest_date, latest_id)
                    THEN excluded.latest_id ELSE latest_id END"""


def insert_rows(conn: sqlite3.Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert INSERT_COLUMNS rows (ids not stored yet) with their folder counts and conversations."""
    if not rows:
        return
    conn.executemany(_INSERT, rows)
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
    conn.executemany(_THREAD, [(folder_id, key, *values) for (folder_id, key), values in threads.items()])
