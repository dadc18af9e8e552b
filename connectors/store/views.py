"""Views across an account's folders: its inbox(es), its unread messages, its starred messages.

A window shows these views for every account at once ("All Inboxes", "All Unread", "Starred"): it asks each store
for the messages of the view as (date, message id) pairs, newest first, merges the lists, and reads the summaries of
the rows it paints by message id (``summaries_by_id``), a window at a time, like a folder's list.

Folders whose messages repeat others' or are not mail the person reads count for no view: Drafts, Junk, Trash, and
Gmail's All Mail, Starred and Important. On Gmail the labels' folders are themselves views of All Mail
(``connectors.store.gmail``): a message with two labels has a row in each, and is listed once (the INBOX row first).
"""

# SQL in this module is assembled only from its own constants and "?" placeholders; every value a caller
# or user supplies is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Literal

View = Literal["inbox", "unread", "starred"]
VIEWS: tuple[View, ...] = ("inbox", "unread", "starred")

_LEFT_OUT = ("drafts", "junk", "trash", "all", "flagged", "important")
# The partial index (folder_id, date) of each view's messages, and the condition it holds.
_CONDITIONS: dict[View, tuple[str | None, str]] = {
    "inbox": (None, "1"),
    "unread": ("messages_unread", "(flags & 1) = 0"),
    "starred": ("messages_flagged", "(flags & 4) != 0"),
}


@dataclass(frozen=True, slots=True)
class ViewCounts:
    """How many messages a view lists in one account, and how many of them are unread."""

    total: int
    unread: int


def folder_ids(conn: sqlite3.Connection, view: View) -> list[int]:
    """The folders a view takes its messages from, INBOX first."""
    if view == "inbox":
        rows = conn.execute("SELECT id FROM folders WHERE special_use = 'inbox' ORDER BY id").fetchall()
    else:
        rows = conn.execute(
            f"SELECT id FROM folders WHERE coalesce(special_use, '') NOT IN ({', '.join('?' * len(_LEFT_OUT))}) "
            "AND ' ' || lower(attributes) || ' ' NOT LIKE '% \\noselect %' "
            "ORDER BY special_use IS NOT 'inbox', id", _LEFT_OUT).fetchall()
    return [row[0] for row in rows]


def listing(conn: sqlite3.Connection, view: View) -> list[tuple[int, int]]:
    """(date, message id) of the view's messages, newest first; a Gmail message in several folders once."""
    index, condition = _CONDITIONS[view]
    indexed = f"INDEXED BY {index}" if index else "INDEXED BY messages_by_date"
    found: list[tuple[int, int]] = []
    seen: set[int] = set()
    for folder_id in folder_ids(conn, view):
        for date, rowid, gm_msgid in conn.execute(
                f"SELECT date, id, gm_msgid FROM messages {indexed} WHERE folder_id = ? AND {condition}",
                (folder_id,)):
            if gm_msgid is not None:
                if gm_msgid in seen:
                    continue
                seen.add(gm_msgid)
            found.append((date, rowid))
    found.sort(reverse=True)
    return found


def counts(conn: sqlite3.Connection, view: View) -> ViewCounts:
    """The view's size and unread count (from the folders' counters for the inbox, from a partial index otherwise)."""
    ids = folder_ids(conn, view)
    if not ids:
        return ViewCounts(0, 0)
    marks = ", ".join("?" * len(ids))
    if view == "inbox":
        total, unread = conn.execute(f"SELECT sum(total), sum(unread) FROM folders WHERE id IN ({marks})",
                                     ids).fetchone()
        return ViewCounts(total or 0, unread or 0)
    index, condition = _CONDITIONS[view]
    total, unread = conn.execute(
        f"SELECT count(DISTINCT coalesce(gm_msgid, id)), "
        f"count(DISTINCT CASE WHEN (flags & 1) = 0 THEN coalesce(gm_msgid, id) END) "
        f"FROM messages INDEXED BY {index} WHERE folder_id IN ({marks}) AND {condition}", ids).fetchone()
    return ViewCounts(total or 0, unread or 0)
