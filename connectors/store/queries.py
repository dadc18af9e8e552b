"""The read side of the store, shared by the writer (MailStore) and read-only handles (StoreReader)."""

# SQL in this module is assembled only from its own constants and "?" placeholders; every value a caller
# or user supplies is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
import sqlite3
import sys
import zlib
from array import array
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import views
from .addresses import KnownAddress, known_addresses
from .connection import READER_CACHE_KIB, open_reader
from .errors import FolderNotFoundError, SchemaVersionError, SearchQueryError, StoreError, store_error
from .flags import decode_flags
from .fulltext import full_text_ids, full_text_rows
from .models import SORT_KEYS, Folder, MessageSummary, SortKey, SpecialUse, ThreadSummary
from .rows import SUMMARY_COLUMNS, SUMMARY_FROM, summary_from_row
from .schema import MAX_UID, SCHEMA_VERSION, SENDER_SORT, SUBJECT_SORT, message_rowid, schema_version, uid_of
from .search import IN_FOLDER, Condition, ParsedQuery, parse_query, sparse_index
from .views import VIEWS, View, ViewCounts

FOLDER_COLUMNS = (
    "name, delimiter, attributes, special_use, uidvalidity, uidnext, highestmodseq, total, unread, last_sync, "
    "gmail_label"
)
_CHUNK = 500
# How many of the newest messages a search walks before it decides its criteria are sparse (see _search_rows).
_PROBE = 4000
# What a search answering ids only reads of each row: the id and date at SUMMARY_COLUMNS' positions (0 and 2).
_ID_COLUMNS = "m.id, f.name, m.date"
# What a search's results are sorted on in the message list (search_uids), when not by the search's own order:
# the text compared without case (casefold) then the date, or (the date, else the internal date; the id).
_SORT_COLUMNS: dict[str, str] = {
    "sender": "coalesce(nullif(m.from_name, ''), m.from_addr), m.date",
    "subject": "m.subject, m.date",
    "date": "CASE WHEN m.date THEN m.date ELSE m.internal_date END, m.id",
}


def folder_from_row(row: tuple[Any, ...]) -> Folder:
    name, delimiter, attributes, special_use, uidvalidity, uidnext, highestmodseq, total, unread, synced, label = row
    use: SpecialUse | None = special_use
    return Folder(
        name=name,
        delimiter=delimiter,
        flags=frozenset(attributes.split()),
        special_use=use,
        uidvalidity=uidvalidity,
        uidnext=uidnext,
        highestmodseq=highestmodseq,
        total=total,
        unread=unread,
        last_sync=synced,
        gmail_label=label,
    )


def order_by(sort: SortKey, descending: bool) -> str:
    """ORDER BY terms for a message list; each is served by an index on (folder_id, key)."""
    if sort not in SORT_KEYS:
        raise ValueError(f"Unknown sort {sort!r}; use one of {', '.join(SORT_KEYS)}")
    direction = "DESC" if descending else "ASC"
    keys = {
        "date": ["m.date"],
        "sender": [SENDER_SORT, "m.date"],
        "subject": [SUBJECT_SORT, "m.date"],
    }[sort]
    return ", ".join(f"{key} {direction}" for key in [*keys, "m.id"])


def chunks(values: Sequence[int], size: int = _CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def placeholders(count: int) -> str:
    return ", ".join("?" * count)


class ReadQueries:
    """Everything the GUI models and the benchmarks may ask the store.

    Subclasses provide the connection and a lock (the writer shares its connection between calls from its
    lock holder; a reader's connection belongs to one thread and needs none).
    """

    def __init__(self, conn: sqlite3.Connection, lock: AbstractContextManager[Any], path: Path) -> None:
        self._conn = conn
        self._lock = lock
        self._path = path

    @property
    def path(self) -> Path:
        return self._path

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as error:
                raise store_error(f"Reading the mail store {self._path} failed: {error}", error, self._path) from error

    def _folder_id(self, conn: sqlite3.Connection, folder: str) -> int:
        row = conn.execute("SELECT id FROM folders WHERE name = ?", (folder,)).fetchone()
        if row is None:
            raise FolderNotFoundError(folder)
        folder_id: int = row[0]
        return folder_id

    @staticmethod
    def _body_folder_id(conn: sqlite3.Connection, folder: str) -> int:
        """Where a folder's messages keep their bodies: the folder itself, or All Mail for a Gmail label's view
        (the same UIDs: a body downloaded once serves every label)."""
        row = conn.execute("SELECT coalesce(view_of, id) FROM folders WHERE name = ?", (folder,)).fetchone()
        if row is None:
            raise FolderNotFoundError(folder)
        folder_id: int = row[0]
        return folder_id

    # Folders

    def folders(self) -> list[Folder]:
        """All folders, sorted by name."""
        with self._reading() as conn:
            rows = conn.execute(f"SELECT {FOLDER_COLUMNS} FROM folders ORDER BY name").fetchall()
        return [folder_from_row(row) for row in rows]

    def folder(self, name: str) -> Folder | None:
        with self._reading() as conn:
            row = conn.execute(f"SELECT {FOLDER_COLUMNS} FROM folders WHERE name = ?", (name,)).fetchone()
        return None if row is None else folder_from_row(row)

    # Message lists

    def count(self, folder: str, unread_only: bool = False) -> int:
        """Messages (or unread messages) in ``folder``, from the counters the store maintains: O(1)."""
        with self._reading() as conn:
            row = conn.execute("SELECT total, unread FROM folders WHERE name = ?", (folder,)).fetchone()
        if row is None:
            raise FolderNotFoundError(folder)
        return int(row[1] if unread_only else row[0])

    def uids(self, folder: str) -> list[int]:
        """Every UID stored for ``folder``, ascending."""
        with self._reading() as conn:
            folder_id = self._folder_id(conn, folder)
            rows = conn.execute("SELECT id FROM messages WHERE folder_id = ?", (folder_id,)).fetchall()
        return sorted(uid_of(row[0]) for row in rows)

    def max_uid(self, folder: str) -> int:
        """The highest stored UID of ``folder``, 0 when it is empty."""
        with self._reading() as conn:
            folder_id = self._folder_id(conn, folder)
            row = conn.execute(
                "SELECT max(id) FROM messages WHERE id BETWEEN ? AND ?",
                (message_rowid(folder_id, 1), message_rowid(folder_id, 2**32 - 1)),
            ).fetchone()
        return 0 if row[0] is None else uid_of(row[0])

    def flags_by_uid(self, folder: str) -> dict[int, frozenset[str]]:
        with self._reading() as conn:
            folder_id = self._folder_id(conn, folder)
            rows = conn.execute(
                "SELECT id, flags, keywords FROM messages WHERE folder_id = ?", (folder_id,)
            ).fetchall()
        return {uid_of(rowid): decode_flags(bits, keywords) for rowid, bits, keywords in rows}

    def summaries(
        self,
        folder: str,
        sort: SortKey = "date",
        descending: bool = True,
        offset: int = 0,
        limit: int = 200,
    ) -> list[MessageSummary]:
        """One window of ``folder``'s message list in the given order (ties broken by UID)."""
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must not be negative")
        order = order_by(sort, descending)
        with self._reading() as conn:
            folder_id = self._folder_id(conn, folder)
            rows = conn.execute(
                f"SELECT {SUMMARY_COLUMNS} FROM {SUMMARY_FROM} WHERE m.folder_id = ? "
                f"ORDER BY {order} LIMIT ? OFFSET ?",
                (folder_id, limit, offset),
            ).fetchall()
        return [summary_from_row(row) for row in rows]

    def sorted_uids(self, folder: str, sort: SortKey = "date", descending: bool = True) -> list[int]:
        """Every UID of ``folder`` in list order: the cheap skeleton of a lazy model (row → UID)."""
        order = order_by(sort, descending)
        with self._reading() as conn:
            folder_id = self._folder_id(conn, folder)
            # One string of 8 hex digits per UID rather than a row each (300,000 rows would cost as many trips
            # through the interpreter, each handing the GIL to and from the GUI thread), decoded in C: json.loads
            # of 100,000 UIDs held the interpreter lock for 27 ms in one go, this takes under a third of it.
            found = conn.execute(
                f"SELECT group_concat(printf('%08x', id & {MAX_UID}), '') FROM "
                f"(SELECT m.id FROM messages AS m WHERE m.folder_id = ? ORDER BY {order})", (folder_id,)
            ).fetchone()[0]
        return unpack_uids(found or "")

    def uid_at(self, folder: str, row: int, sort: SortKey = "date", descending: bool = True) -> int | None:
        """The UID shown at ``row`` of the list in this order, or None past the end."""
        if row < 0:
            return None
        order = order_by(sort, descending)
        with self._reading() as conn:
            folder_id = self._folder_id(conn, folder)
            found = conn.execute(
                f"SELECT m.id FROM messages AS m WHERE m.folder_id = ? ORDER BY {order} LIMIT 1 OFFSET ?",
                (folder_id, row),
            ).fetchone()
        return None if found is None else uid_of(found[0])

    def summary(self, folder: str, uid: int) -> MessageSummary | None:
        found = self.summaries_for(folder, [uid])
        return found[0] if found else None

    def summaries_for(self, folder: str, uids: Sequence[int]) -> list[MessageSummary]:
        """Summaries of ``uids`` in the order given; UIDs the store does not hold are skipped."""
        by_uid: dict[int, MessageSummary] = {}
        with self._reading() as conn:
            folder_id = self._folder_id(conn, folder)
            ids = [message_rowid(folder_id, uid) for uid in uids]
            for chunk in chunks(ids):
                rows = conn.execute(
                    f"SELECT {SUMMARY_COLUMNS} FROM {SUMMARY_FROM} WHERE m.id IN ({placeholders(len(chunk))})",
                    tuple(chunk),
                ).fetchall()
                by_uid.update((uid_of(row[0]), summary_from_row(row)) for row in rows)
        return [by_uid[uid] for uid in uids if uid in by_uid]

    def uids_with_message_ids(self, folder: str, message_ids: Sequence[str]) -> dict[str, int]:
        """The UID of each of ``message_ids`` held in ``folder`` (the newest when several carry one), e.g. to find
        messages again after they were moved away and back (a scan of the folder's rows: for a few messages)."""
        wanted = sorted(set(message_ids))
        found: dict[str, int] = {}
        if not wanted:
            return found
        with self._reading() as conn:
            folder_id = self._folder_id(conn, folder)
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start:start + _CHUNK]
                for rowid, message_id in conn.execute(
                    f"SELECT id, message_id FROM messages WHERE folder_id = ? "
                    f"AND message_id IN ({placeholders(len(chunk))}) ORDER BY id",
                    (folder_id, *chunk),
                ):
                    found[message_id] = uid_of(rowid)
        return found

    # Threads

    def thread(self, thread_key: int, folder: str | None = None) -> list[MessageSummary]:
        """The messages of one conversation, oldest first; across all folders unless ``folder`` is given."""
        sql = f"SELECT {SUMMARY_COLUMNS} FROM {SUMMARY_FROM} WHERE m.thread_key = ?"
        params: list[object] = [thread_key]
        with self._reading() as conn:
            if folder is not None:
                sql += " AND m.folder_id = ?"
                params.append(self._folder_id(conn, folder))
            rows = conn.execute(sql + " ORDER BY m.date, m.id", params).fetchall()
        return [summary_from_row(row) for row in rows]

    def threads(self, folder: str, offset: int = 0, limit: int = 200, *,
                after: tuple[int, int] | None = None) -> list[ThreadSummary]:
        """A window of ``folder``'s conversations, the one with the newest message first.

        Pages come from the ``threads`` table's index: ``after`` (the ``position`` of the last conversation
        already shown) starts the next page in constant time however deep it is; ``offset`` still works but
        costs in proportion to its depth, so lists page with ``after``.
        """
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must not be negative")
        with self._reading() as conn:
            folder_id = self._folder_id(conn, folder)
            sql = f"SELECT t.thread_key, t.count, t.unread, t.latest_date, {SUMMARY_COLUMNS} FROM threads AS t " \
                  "JOIN messages AS m ON m.id = t.latest_id JOIN folders AS f ON f.id = m.folder_id " \
                  "WHERE t.folder_id = ?"
            params: list[object] = [folder_id]
            if after is not None:
                sql += " AND (t.latest_date, t.latest_id) < (?, ?)"
                params += [after[0], message_rowid(folder_id, after[1]) if after[1] else 0]
            sql += " ORDER BY t.latest_date DESC, t.latest_id DESC LIMIT ? OFFSET ?"
            rows = conn.execute(sql, (*params, limit, offset)).fetchall()
            return self._thread_summaries(conn, folder_id, rows)

    def thread_keys(self, folder: str) -> list[int]:
        """Every conversation of ``folder`` in list order (the newest message first), as thread keys: the cheap
        skeleton of a lazy conversation list (row → conversation), read from the ``threads_by_latest`` index
        alone. Read the rows a view paints with ``threads_for``."""
        with self._reading() as conn:
            folder_id = self._folder_id(conn, folder)
            # One JSON array rather than a row each: 180,000 rows cost as many trips through the interpreter
            # (and hand-overs of the GIL, which the GUI thread waits for) as there are conversations.
            found = conn.execute(
                "SELECT json_group_array(thread_key) FROM (SELECT thread_key FROM threads INDEXED BY "
                "threads_by_latest WHERE folder_id = ? ORDER BY latest_date DESC, latest_id DESC)",
                (folder_id,)).fetchone()[0]
        keys: list[int] = json.loads(found)
        return keys

    def threads_for(self, folder: str, keys: Sequence[int]) -> list[ThreadSummary]:
        """The conversations ``keys`` of ``folder`` in the order given (those the folder no longer holds are
        skipped): one primary-key lookup each, however deep in the list they are."""
        found: dict[int, ThreadSummary] = {}
        with self._reading() as conn:
            folder_id = self._folder_id(conn, folder)
            for chunk in chunks(list(keys)):
                rows = conn.execute(
                    f"SELECT t.thread_key, t.count, t.unread, t.latest_date, {SUMMARY_COLUMNS} FROM threads AS t "
                    "JOIN messages AS m ON m.id = t.latest_id JOIN folders AS f ON f.id = m.folder_id "
                    f"WHERE t.folder_id = ? AND t.thread_key IN ({placeholders(len(chunk))})",
                    (folder_id, *chunk)).fetchall()
                found.update((thread.thread_key, thread)
                             for thread in self._thread_summaries(conn, folder_id, rows))
        return [found[key] for key in keys if key in found]

    def thread_uids(self, folder: str, keys: Sequence[int]) -> dict[int, tuple[int, ...]]:
        """The UIDs of each of the conversations ``keys`` (oldest first), without their summaries: what a
        selection of many conversation rows stands for."""
        found: dict[int, tuple[int, ...]] = {}
        with self._reading() as conn:
            folder_id = self._folder_id(conn, folder)
            for chunk in chunks(list(keys)):
                rows = conn.execute(
                    f"SELECT thread_key, count, latest_id FROM threads "
                    f"WHERE folder_id = ? AND thread_key IN ({placeholders(len(chunk))})",
                    (folder_id, *chunk)).fetchall()
                members = self._thread_members(conn, folder_id, [row[0] for row in rows if row[1] > 1])
                found.update((key, (uid_of(latest),) if count == 1 else tuple(members.get(key, ())))
                             for key, count, latest in rows)
        return found

    def _thread_summaries(self, conn: sqlite3.Connection, folder_id: int,
                          rows: Sequence[tuple[Any, ...]]) -> list[ThreadSummary]:
        # Most conversations are one message: only the others need their members read.
        members = self._thread_members(conn, folder_id, [row[0] for row in rows if row[1] > 1])
        result = []
        for key, count, unread, latest_date, *summary in rows:
            latest = summary_from_row(tuple(summary))
            uids = (latest.uid,) if count == 1 else tuple(members.get(key, ()))
            result.append(ThreadSummary(key, count, unread, latest, uids, (latest_date, latest.uid)))
        return result

    @staticmethod
    def _thread_members(conn: sqlite3.Connection, folder_id: int, keys: Sequence[int]) -> dict[int, list[int]]:
        """The UIDs of each conversation in ``keys``, oldest first (from the (thread_key, folder_id, date) index)."""
        members: dict[int, list[int]] = {}
        for chunk in chunks(list(keys)):
            for key, rowid in conn.execute(
                f"SELECT thread_key, id FROM messages INDEXED BY messages_by_thread "
                f"WHERE thread_key IN ({placeholders(len(chunk))}) AND folder_id = ? ORDER BY thread_key, date, id",
                (*chunk, folder_id),
            ):
                members.setdefault(key, []).append(uid_of(rowid))
        return members

    def thread_count(self, folder: str) -> int:
        """How many conversations ``folder`` holds."""
        with self._reading() as conn:
            folder_id = self._folder_id(conn, folder)
            row = conn.execute("SELECT count(*) FROM threads WHERE folder_id = ?", (folder_id,)).fetchone()
        return int(row[0])

    # Views across folders (connectors.store.views)

    def view_listing(self, view: View) -> list[tuple[int, int]]:
        """(date, message id) of every message of ``view`` ("inbox", "unread", "starred") in this store, newest
        first: the skeleton of a list across accounts, merged by date. Ids are stable; see ``summaries_by_id``."""
        if view not in VIEWS:
            raise ValueError(f"No view {view!r}; use one of {', '.join(VIEWS)}")
        with self._reading() as conn:
            return views.listing(conn, view)

    def view_counts(self, view: View) -> ViewCounts:
        """How many messages ``view`` lists here, and how many are unread."""
        if view not in VIEWS:
            raise ValueError(f"No view {view!r}; use one of {', '.join(VIEWS)}")
        with self._reading() as conn:
            return views.counts(conn, view)

    def summaries_by_id(self, ids: Sequence[int]) -> dict[int, MessageSummary]:
        """Message id → summary (its ``folder`` filled in) for the ids a ``view_listing`` gave that are still
        stored."""
        found: dict[int, MessageSummary] = {}
        with self._reading() as conn:
            for chunk in chunks(list(ids)):
                rows = conn.execute(
                    f"SELECT {SUMMARY_COLUMNS} FROM {SUMMARY_FROM} WHERE m.id IN ({placeholders(len(chunk))})",
                    tuple(chunk),
                ).fetchall()
                found.update((row[0], summary_from_row(row)) for row in rows)
        return found

    def folder_names(self) -> dict[int, str]:
        """Folder id → name: which folder a message id (``folder_id << 32 | uid``) is in."""
        with self._reading() as conn:
            return dict(conn.execute("SELECT id, name FROM folders").fetchall())

    # People

    def known_addresses(self, prefix: str, limit: int = 12, *, now: float | None = None) -> list[KnownAddress]:
        """People whose address, domain or a word of whose name starts with ``prefix`` (case and accents
        ignored), the ones the person writes to most and most lately first (as of ``now``, epoch seconds; the
        present by default). An indexed range scan."""
        with self._reading() as conn:
            return known_addresses(conn, prefix, limit, now)

    # Bodies

    def body(self, folder: str, uid: int) -> bytes | None:
        """The cached raw message (RFC 822 bytes), or None if the whole message has not been fetched yet."""
        cached = self.readable_body(folder, uid)
        return cached[0] if cached is not None and cached[1] else None

    def readable_body(self, folder: str, uid: int) -> tuple[bytes, bool] | None:
        """What is cached to show the message: ``(raw, complete)``, where an incomplete ``raw`` is the message
        rebuilt from its text parts (parse it with ``partial=True``); None if nothing is cached."""
        with self._reading() as conn:
            folder_id = self._body_folder_id(conn, folder)
            row = conn.execute(
                "SELECT raw, complete FROM bodies WHERE id = ?", (message_rowid(folder_id, uid),)
            ).fetchone()
        return None if row is None else (zlib.decompress(row[0]), bool(row[1]))

    def compressed_readable_body(self, folder: str, uid: int) -> tuple[bytes, bool] | None:
        """:meth:`readable_body` as the store keeps it, zlib-compressed, for another process to decompress (a
        parsing process): read through a blob handle, which copies it with the interpreter lock released (a
        column value is copied with it held: ~20 ms for a 20 MB attachment, felt by every other thread)."""
        with self._reading() as conn:
            rowid = message_rowid(self._body_folder_id(conn, folder), uid)
            own = not conn.in_transaction
            if own:
                conn.execute("BEGIN")  # the flag and the bytes of the same row
            try:
                row = conn.execute("SELECT complete FROM bodies WHERE id = ?", (rowid,)).fetchone()
                if row is None:
                    return None
                try:
                    blob = conn.blobopen("bodies", "raw", rowid, readonly=True)
                except OverflowError:
                    # Python 3.11 before 3.11.4 (Debian 12 has 3.11.2) takes the row as a C int, and a message's
                    # rowid is its folder id shifted left 32 bits: read the column instead, lock held.
                    raw = conn.execute("SELECT raw FROM bodies WHERE id = ?", (rowid,)).fetchone()[0]
                    return bytes(raw), bool(row[0])
                with blob:
                    return blob.read(), bool(row[0])
            finally:
                if own:
                    conn.execute("COMMIT")

    def has_body(self, folder: str, uid: int) -> bool:
        """Whether the whole message is cached (its text parts alone do not count)."""
        with self._reading() as conn:
            folder_id = self._body_folder_id(conn, folder)
            row = conn.execute(
                "SELECT 1 FROM bodies WHERE id = ? AND complete != 0", (message_rowid(folder_id, uid),)
            ).fetchone()
        return row is not None

    def has_readable_body(self, folder: str, uid: int) -> bool:
        """Whether anything is cached to show the message (the whole message, or its text parts)."""
        with self._reading() as conn:
            folder_id = self._body_folder_id(conn, folder)
            row = conn.execute("SELECT 1 FROM bodies WHERE id = ?", (message_rowid(folder_id, uid),)).fetchone()
        return row is not None

    def missing_bodies(self, folder: str) -> list[tuple[int, int]]:
        """(UID, size in bytes) of the messages of ``folder`` whose whole message is not cached, newest UID first:
        what an offline download still has to fetch."""
        with self._reading() as conn:
            folder_id = self._folder_id(conn, folder)
            rows = conn.execute(
                "SELECT m.id, m.size FROM messages AS m LEFT JOIN bodies AS b ON b.id = m.id AND b.complete != 0 "
                "WHERE m.folder_id = ? AND b.id IS NULL", (folder_id,)
            ).fetchall()
        return sorted(((uid_of(rowid), int(size)) for rowid, size in rows), reverse=True)

    # Search

    def search(self, query: str, folder: str | None = None, limit: int = 100) -> list[MessageSummary]:
        """Messages matching ``query`` (see connectors.store.search), newest first, in ``folder`` or in every
        folder. Across folders a Gmail message is found once, in All Mail, however many labels' views hold it
        (``in:label`` finds it by its label); in a label's view it is found there.

        Raises SearchQueryError (a ValueError) for queries the person must fix; never an sqlite error.
        """
        parsed = parse_query(query)
        if parsed.matches_nothing or limit <= 0:
            return []
        with self._reading() as conn:
            rows = self._searched(conn, query, parsed, folder, limit, ids_only=False)
        found = [summary_from_row(row) for row in rows]
        if folder is not None:
            found = [replace(summary, folder=folder) for summary in found]
        return found

    def search_uids(self, query: str, folder: str, limit: int = 100, *, sort: SortKey = "date",
                    descending: bool = True, include: Sequence[int] = ()) -> list[int]:
        """The UIDs of the messages ``search(query, folder, limit)`` answers, and of ``include`` (found elsewhere:
        a search on the server) that ``folder`` holds, in list order: ``sort`` and ``descending`` as in
        :meth:`sorted_uids`, ties kept newest first.

        What a message list needs to show a search lazily, as it shows a folder: no summary is built (a list
        asks for thousands of results, and reads the summaries of the rows it paints by window).
        """
        if sort not in SORT_KEYS:
            raise ValueError(f"Unknown sort {sort!r}; use one of {', '.join(SORT_KEYS)}")
        parsed = parse_query(query)
        with self._reading() as conn:
            folder_id = self._folder_id(conn, folder)
            # In another order than the search's, the list sorts on a few columns: the search reads them with the
            # rows it reads anyway (a Gmail label's view is searched through All Mail: its own rows are read).
            read: dict[int, tuple[Any, ...]] | None = None
            in_view = self._body_folder_id(conn, folder) != folder_id
            if (sort != "date" or include) and not in_view:
                read = {}
            found: list[int] = []  # message ids of the folder
            if not parsed.matches_nothing and limit > 0:
                found = self._searched(conn, query, parsed, folder, limit, ids_only=True, keys=read,
                                       key_columns=_SORT_COLUMNS[sort])
                if in_view:  # a Gmail view's messages were found on their All Mail rows
                    found = [message_rowid(folder_id, uid_of(rowid)) for rowid in found]
            if include:
                local = set(found)
                found += [rowid for rowid in dict.fromkeys(message_rowid(folder_id, uid) for uid in include)
                          if rowid not in local]
            if not found:
                return []
            if sort == "date" and not include:
                # The search's own order, (date, id) newest first, is the list's: a message's date is its
                # internal date when it has none, and one folder's ids go as its UIDs (a Gmail view's too).
                return [rowid & MAX_UID for rowid in (found if descending else found[::-1])]
            # The list's order, from the few columns it depends on; a UID the folder does not hold is dropped.
            keys = {} if read is None else read
            missing = [rowid for rowid in found if rowid not in keys]
            if missing and max(missing) - min(missing) < len(missing) * 3 // 2:
                # Nearly every row between the first and the last (the newest before a date...): one range read
                # costs less than as many lookups by id.
                wanted = set(missing)
                keys.update((row[0], row[1:]) for row in conn.execute(
                    f"SELECT m.id, {_SORT_COLUMNS[sort]} FROM messages AS m WHERE m.id BETWEEN ? AND ?",
                    (min(missing), max(missing))) if row[0] in wanted)
            else:
                for chunk in chunks(missing):
                    keys.update((row[0], row[1:]) for row in conn.execute(
                        f"SELECT m.id, {_SORT_COLUMNS[sort]} FROM messages AS m "
                        f"WHERE m.id IN ({placeholders(len(chunk))})", tuple(chunk)))
        listed = [rowid for rowid in found if rowid in keys]
        if sort == "date":
            listed.sort(key=keys.__getitem__, reverse=descending)
        elif include or in_view:  # the server's finds come last, out of date order (a view's rows are read by
            # id from its own rows): ties are broken on the date too
            order = {rowid: (keys[rowid][0].casefold(), keys[rowid][1]) for rowid in listed}
            listed.sort(key=order.__getitem__, reverse=descending)
        else:
            # The search's own order is (date, id) newest first, so one stable sort on the text alone leaves ties
            # newest first, as the (text, date) order wants descending; ascending, the dates go oldest first
            # (ties on the date still newest first) before that sort.
            if not descending:
                listed.sort(key=lambda rowid: keys[rowid][1])
            listed.sort(key=lambda rowid: keys[rowid][0].casefold(), reverse=descending)
        return [rowid & MAX_UID for rowid in listed]

    def _searched(self, conn: sqlite3.Connection, query: str, parsed: ParsedQuery, folder: str | None, limit: int,
                  *, ids_only: bool, keys: dict[int, tuple[Any, ...]] | None = None,
                  key_columns: str = "") -> list[Any]:
        """The newest ``limit`` matches of ``parsed``, newest first: SUMMARY_COLUMNS rows, or their ids only;
        with ``keys`` (ids only), the ``key_columns`` of ``m`` of matches found by words are put there by id (read
        with the rows the search reads to check them)."""
        where = [condition.sql for condition in parsed.conditions]
        params: list[object] = [param for condition in parsed.conditions for param in condition.params]
        source_id: int | None = None
        extra: list[str] = []
        extra_params: list[object] = []
        if folder is not None:
            folder_id = self._folder_id(conn, folder)
            source_id = self._body_folder_id(conn, folder)
            if source_id != folder_id:
                # A Gmail label's view: its messages' words (bodies included) are indexed on their All Mail
                # rows, so All Mail is searched for the messages the view holds.
                extra.append("EXISTS (SELECT 1 FROM messages AS v WHERE v.id = ((? << 32) | (m.id & ?)))")
                extra_params.extend((folder_id, MAX_UID))
        try:
            if parsed.match is not None or parsed.exclude is not None:
                if ids_only:
                    return full_text_ids(conn, parsed, source_id, limit, extra, extra_params,
                                         columns=f", {key_columns}" if keys is not None else "", keys=keys)
                return full_text_rows(conn, parsed, source_id, limit, extra, extra_params)
            where += extra
            params += extra_params
            if source_id is not None:
                where.append("m.folder_id = ?")
                params.append(source_id)
            else:  # across folders a Gmail message is found once, on its All Mail row, not again in each label
                where.insert(0, "f.view_of IS NULL")
            # (Their keys are left to the caller: read by id, in id order, they cost less than in the walk's date
            # order, from rows all over the table.)
            rows = self._search_rows(conn, parsed.conditions, source_id is not None, " AND ".join(where),
                                     params, limit, _ID_COLUMNS if ids_only else SUMMARY_COLUMNS)
            return [row[0] for row in rows] if ids_only else rows
        except sqlite3.OperationalError as error:
            # The parser quotes every user value, so this is a parser bug; still, tell the person
            # something they can act on rather than an SQLite message.
            if "fts5" not in str(error):
                raise
            raise SearchQueryError(f"Facteur could not understand the search {query!r}") from error

    @staticmethod
    def _search_rows(conn: sqlite3.Connection, conditions: Sequence[Condition], in_folder: bool,
                     where: str, params: Sequence[object], limit: int,
                     columns: str = SUMMARY_COLUMNS) -> list[tuple[Any, ...]]:
        """The newest ``limit`` rows matching ``where`` (criteria without words; see _full_text_rows for those),
        by the cheapest of a few plans, each served by an index:

        1. walk the date index down to the date of the ``_PROBE``-th newest message; if that yields
           ``limit`` matches they are the newest ones (a dense criterion such as is:read);
        2. otherwise the matches are sparse: walk the partial index of a rare criterion (has:attachment,
           is:flagged, ...) newest first in each folder, or read the folder index for in:;
        3. otherwise walk the whole date index, as bounded by after:/before:.
        """
        order = f"ORDER BY m.date DESC, m.id DESC LIMIT {int(limit)}"
        date_index = "messages_by_date" if in_folder else "messages_by_time"
        walk = f"SELECT {columns} FROM messages AS m INDEXED BY {date_index} " \
               f"JOIN folders AS f ON f.id = m.folder_id WHERE {where}"
        # The date of the _PROBE-th newest message bounds the first walk (read from the index alone).
        bound = conn.execute(
            f"SELECT date FROM messages INDEXED BY {date_index} {'WHERE folder_id = ?' if in_folder else ''} "
            f"ORDER BY date DESC, id DESC LIMIT 1 OFFSET {_PROBE}",
            params[-1:] if in_folder else (),
        ).fetchone()
        if bound is None:  # no more messages than the probe: the walk is short anyway
            return conn.execute(f"{walk} {order}", params).fetchall()
        probe = conn.execute(f"{walk} AND m.date >= ? {order}", (*params, bound[0])).fetchall()
        if len(probe) >= limit:
            return probe
        index = sparse_index(conditions)
        if index is None:
            if any(c.sql == IN_FOLDER for c in conditions):
                index = "messages_by_date"
            return conn.execute(
                f"SELECT {columns} FROM messages AS m INDEXED BY {index or date_index} "
                f"JOIN folders AS f ON f.id = m.folder_id WHERE {where} {order}", params).fetchall()
        # A partial index is ordered by (folder, date): within one folder the walk goes newest first and stops
        # at ``limit`` matches of the other criteria; across folders, each folder is walked so and the newest
        # of their answers kept.
        in_one = f"SELECT {columns} FROM messages AS m INDEXED BY {index} " \
                 f"JOIN folders AS f ON f.id = m.folder_id WHERE {where} AND m.folder_id = ? {order}"
        folder_ids = params[-1:] if in_folder else [
            row[0] for row in conn.execute("SELECT id FROM folders WHERE view_of IS NULL")]
        rows = [row for folder_id in folder_ids for row in conn.execute(in_one, (*params, folder_id))]
        rows.sort(key=lambda row: (row[2], row[0]), reverse=True)  # m.date, m.id
        return rows[:limit]


class StoreReader(ReadQueries):
    """A read-only handle on a store for one thread (a GUI model, a benchmark); open it in that thread.

    Each call sees the latest committed state. ``snapshot()`` pins one state across several calls; keep such
    blocks short, since the WAL file cannot be checkpointed past a reader that holds an old snapshot.
    """

    def __init__(self, path: Path, *, shared: bool = False, cache_kib: int = READER_CACHE_KIB) -> None:
        """``shared``: used by one thread at a time, not always the same one (see ``ReaderPool``). ``cache_kib``:
        the size of its page cache at most, in KiB."""
        if not path.exists():
            raise StoreError(f"There is no mail store at {path}")
        try:
            conn = open_reader(path, shared=shared, cache_kib=cache_kib)
        except sqlite3.Error as error:
            raise store_error(f"Could not open the mail store {path} for reading: {error}", error, path) from error
        try:
            version = schema_version(conn)
        except sqlite3.Error as error:
            conn.close()
            raise store_error(f"Could not read the mail store {path}: {error}", error, path) from error
        if version != SCHEMA_VERSION:
            conn.close()
            raise SchemaVersionError(
                f"The mail store {path} has schema version {version}, this Facteur expects {SCHEMA_VERSION}; "
                "open it with MailStore first so it is migrated"
            )
        super().__init__(conn, _NoLock(), path)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Run the calls inside this block against the state of the store when the block starts."""
        self._conn.execute("BEGIN")
        self._conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()  # a read starts the snapshot now
        try:
            yield
        finally:
            self._conn.execute("COMMIT")

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> StoreReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _NoLock(AbstractContextManager[None]):
    """A reader's connection belongs to one thread at a time (sqlite3 checks, or a ReaderPool lends it), so its
    calls need no lock."""

    def __exit__(self, *exc_info: object) -> None:
        return None


_UID_ARRAY = next(code for code in "IL" if array(code).itemsize == 4)


def unpack_uids(packed: str) -> list[int]:
    """UIDs from 8 hex digits each (big-endian, as SQLite's ``printf('%08x')`` writes them)."""
    uids = array(_UID_ARRAY, bytes.fromhex(packed))
    if sys.byteorder == "little":
        uids.byteswap()
    return uids.tolist()
