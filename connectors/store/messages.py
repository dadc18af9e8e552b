"""Message writes: summaries in bulk, flag and label changes, removals and cached bodies."""

# SQL in this module is assembled only from its own constants and "?" placeholders; every value a caller
# or user supplies is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import sqlite3
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import addresses, deferred, fts
from .bodytext import MAX_INDEXED_CHARS, body_text
from .errors import MessageNotFoundError
from .events import EventBatch, MessagesAdded, MessagesChanged, MessagesRemoved
from .flags import SEEN, encode_flags
from .inserts import insert_rows
from .models import MessageSummary
from .queries import chunks, placeholders
from .rows import INSERT_COLUMNS, encode_labels, rekey_row, summary_row
from .schema import folder_id_range, message_rowid, uid_of
from .writer import WriterBase

_UPDATE_COLUMNS = INSERT_COLUMNS.split(", ")[2:]  # all but id and folder_id
_UPDATE_ALL = f"UPDATE messages SET {', '.join(f'{c} = ?' for c in _UPDATE_COLUMNS)} WHERE id = ?"


class MessageWrites(WriterBase):
    def add_messages(self, folder: str, summaries: Iterable[MessageSummary], *, defer_index: bool = False) -> None:
        """Insert or update summaries in ``folder`` in one transaction.

        New UIDs emit MessagesAdded, known UIDs are overwritten (keeping any cached body) and emit
        MessagesChanged. Thousands of rows per call is the intended use.

        ``defer_index``: the new messages' full-text entries and address links are left for
        :meth:`index_pending` (a header sync's batches: written later for many batches at once, in one statement,
        which costs a fraction of writing them row by row). Until then word searches do not find them.
        """
        summaries = list(summaries)
        for summary in summaries:
            if summary.folder not in ("", folder):
                raise ValueError(f"Summary for UID {summary.uid} names folder {summary.folder!r}, not {folder!r}")
        with self._write():
            folder_id = self._folder_id(self._conn, folder)
            self._add_rows(folder, folder_id, [summary_row(folder_id, summary) for summary in summaries],
                           defer_index)

    def folder_key(self, folder: str) -> int:
        """The store's id of ``folder``, which message rows carry (see :meth:`add_rows`); raises
        FolderNotFoundError."""
        with self._write_lock:
            return self._folder_id(self._conn, folder)

    def add_rows(self, folder: str, rows: Iterable[tuple[Any, ...]], *, defer_index: bool = False) -> None:
        """:meth:`add_messages` for rows already made (``rows.INSERT_COLUMNS``, as ``summary_row`` makes them),
        with the id :meth:`folder_key` gave for ``folder``: the header sync builds them straight from the FETCH
        data. Rows made for an id the folder no longer has (it was removed and made again meanwhile) are made
        again for its current one."""
        rows = list(rows)
        with self._write():
            folder_id = self._folder_id(self._conn, folder)
            if any(row[1] != folder_id for row in rows):
                rows = [rekey_row(row, folder_id) for row in rows]
            self._add_rows(folder, folder_id, rows, defer_index)

    def _add_rows(self, folder: str, folder_id: int, made: list[tuple[Any, ...]], defer_index: bool) -> None:
        """Inside a write: insert new rows, overwrite known ones (the last of a repeated id wins)."""
        batch = self._batch
        assert batch is not None
        conn = self._conn
        rows = {row[0]: row for row in made}
        existing = self._existing_ids(conn, folder_id, sorted(rows))
        new_rows = [row for rowid, row in rows.items() if rowid not in existing]
        insert_rows(conn, new_rows)
        if defer_index:
            fts.defer(conn, [row[0] for row in new_rows])
        else:
            fts.index_new(conn, new_rows)
            addresses.index_messages(conn, addresses.folder_role(conn, folder_id), new_rows)
        if existing:
            changed = sorted(existing)
            bodies = fts.unindex(conn, changed)
            conn.executemany(_UPDATE_ALL, [(*rows[rowid][2:], rowid) for rowid in changed])
            fts.reindex(conn, changed, bodies)
            batch.messages(MessagesChanged, folder, (uid_of(rowid) for rowid in changed))
        batch.messages(MessagesAdded, folder, (uid_of(row[0]) for row in new_rows))
        if rows:
            batch.folders_changed()

    def index_pending(self) -> int:
        """Write the full-text entries and address links ``add_messages(defer_index=True)`` left (one short
        transaction per call, whatever their number); returns how many messages were indexed. No event: no
        list changes."""
        with self._write_lock:
            if self._conn.execute("SELECT 1 FROM index_pending LIMIT 1").fetchone() is None:
                return 0  # the usual case: no write transaction
            with self._write():
                return fts.index_pending(self._conn)

    defer_indexes_over = deferred.DEFER_OVER
    """How many new messages a sync must be about to store for :meth:`defer_indexes` to leave indexes out."""

    def defer_indexes(self, coming: int) -> bool:
        """A sync is about to store ``coming`` new messages in one folder: when they are many and at least as many
        as the store holds, leave out the indexes their rows would land on at random (the sorts by sender and subject)
        until :meth:`build_deferred_indexes` builds them from the stored rows (see ``connectors.store.deferred``);
        True when they are out. Queries still answer meanwhile, some slower. No event."""
        with self._write_lock:
            if not deferred.worth_deferring(self._conn, coming, self.defer_indexes_over):
                return False
            with self._write():
                deferred.defer(self._conn)
            return True

    def build_deferred_indexes(self) -> bool:
        """Build one index :meth:`defer_indexes` left out (one transaction: ~0.2 s of CPU per 100k stored messages);
        True while more are left. Call it again until it returns False. No event."""
        with self._write_lock:
            if not deferred.deferred(self._conn):
                return False  # the usual case: no write transaction
            with self._write():
                return deferred.build_one(self._conn)

    def deferred_indexes(self) -> list[str]:
        """The names of the indexes left out now (see :meth:`defer_indexes`)."""
        with self._write_lock:
            return deferred.deferred(self._conn)

    def pending_index(self) -> int:
        """How many stored messages word searches cannot find yet (see ``add_messages``)."""
        with self._write_lock:
            return fts.pending(self._conn)

    @staticmethod
    def _existing_ids(conn: sqlite3.Connection, folder_id: int, ids: Sequence[int]) -> set[int]:
        """Which of ``ids`` (sorted) are stored. Sync mostly appends above the highest stored UID, and those
        need no lookup; a first sync goes newest first, so each batch lies below the last one, in a span of ids
        that holds few stored rows: one range read answers it, instead of a lookup per id."""
        low, high = folder_id_range(folder_id)
        top = conn.execute("SELECT max(id) FROM messages WHERE id BETWEEN ? AND ?", (low, high)).fetchone()[0]
        if top is None:
            return set()
        candidates = [rowid for rowid in ids if rowid <= top]
        if not candidates:
            return set()
        wanted = set(candidates)
        first, last = candidates[0], candidates[-1]
        if last - first < 4 * len(candidates) + 1000:  # the span holds at most a few times as many rows
            rows = conn.execute("SELECT id FROM messages WHERE id BETWEEN ? AND ?", (first, last))
            return {rowid for (rowid,) in rows if rowid in wanted}
        found: set[int] = set()
        for chunk in chunks(candidates):
            found.update(
                row[0] for row in conn.execute(
                    f"SELECT id FROM messages WHERE id IN ({placeholders(len(chunk))})", tuple(chunk)
                )
            )
        return found

    def note_written_to(self, people: Iterable[tuple[str, str]], when: float | None = None) -> None:
        """The person sent mail to these (name, address) pairs: completion offers them at once (see
        ``connectors.store.addresses``). No event: nothing listed changes."""
        with self._write():
            addresses.note_written_to(self._conn, people, time.time() if when is None else when)

    def backfill_addresses(self, limit: int = 5000) -> bool:
        """Index the correspondents of up to ``limit`` messages stored before addresses were indexed (one short
        transaction); True while more are left. Call it again until it returns False."""
        with self._write():
            return addresses.backfill_slice(self._conn, limit)

    def build_search_index(self, limit: int = 2000) -> bool:
        """Copy the full-text entries of up to ``limit`` messages into the index with prefix entries that a store
        made before it builds in the background (one short transaction; see ``connectors.store.fts``); True
        while more are left. Call it again until it returns False. No event: searches answer the same."""
        with self._write_lock:
            if not fts.building(self._conn):
                return False  # the usual case: no write transaction
            with self._write():
                return fts.build_slice(self._conn, limit)

    def update_flags(self, folder: str, flags: Mapping[int, Iterable[str | bytes]]) -> list[int]:
        """Replace the flags of the given UIDs (as a FETCH FLAGS reply states them).

        Only rows whose flags differ are written and reported (MessagesChanged); UIDs the store does not hold
        are ignored. Returns the UIDs that changed.
        """
        wanted = {uid: encode_flags(values) for uid, values in flags.items()}
        with self._write() as batch:
            folder_id = self._folder_id(self._conn, folder)
            current = self._stored_flags(self._conn, folder_id, list(wanted))
            return self._apply_flags(batch, folder, folder_id, current, wanted)

    def change_flags(
        self,
        folder: str,
        uids: Iterable[int],
        add: Iterable[str | bytes] = (),
        remove: Iterable[str | bytes] = (),
    ) -> list[int]:
        """Add and/or remove flags on some messages (the optimistic side of STORE +FLAGS / -FLAGS).

        Returns the UIDs whose flags changed.
        """
        add_bits, add_keywords = encode_flags(add)
        remove_bits, remove_keywords = encode_flags(remove)
        added = set(add_keywords.split())
        removed = {keyword.lower() for keyword in remove_keywords.split()}
        with self._write() as batch:
            folder_id = self._folder_id(self._conn, folder)
            current = self._stored_flags(self._conn, folder_id, list(uids))
            wanted: dict[int, tuple[int, str]] = {}
            for uid, (bits, keywords) in current.items():
                kept = {keyword for keyword in keywords.split() if keyword.lower() not in removed}
                wanted[uid] = ((bits | add_bits) & ~remove_bits, " ".join(sorted(kept | added)))
            return self._apply_flags(batch, folder, folder_id, current, wanted)

    def _apply_flags(
        self,
        batch: EventBatch,
        folder: str,
        folder_id: int,
        current: dict[int, tuple[int, str]],
        wanted: dict[int, tuple[int, str]],
    ) -> list[int]:
        updates = [
            (*wanted[uid], message_rowid(folder_id, uid)) for uid, stored in current.items() if stored != wanted[uid]
        ]
        self._conn.executemany("UPDATE messages SET flags = ?, keywords = ? WHERE id = ?", updates)
        changed = sorted(uid_of(rowid) for _, _, rowid in updates)
        batch.messages(MessagesChanged, folder, changed)
        if any((current[uid_of(rowid)][0] ^ bits) & SEEN for bits, _, rowid in updates):
            batch.folders_changed()  # the unread count moved
        return changed

    @staticmethod
    def _stored_flags(conn: sqlite3.Connection, folder_id: int, uids: list[int]) -> dict[int, tuple[int, str]]:
        result: dict[int, tuple[int, str]] = {}
        if len(uids) > 5000:  # cheaper to read the folder once than to probe this many ids
            wanted = set(uids)
            for rowid, bits, keywords in conn.execute(
                "SELECT id, flags, keywords FROM messages WHERE folder_id = ?", (folder_id,)
            ):
                if uid_of(rowid) in wanted:
                    result[uid_of(rowid)] = (bits, keywords)
            return result
        ids = [message_rowid(folder_id, uid) for uid in uids]
        for chunk in chunks(ids):
            for rowid, bits, keywords in conn.execute(
                f"SELECT id, flags, keywords FROM messages WHERE id IN ({placeholders(len(chunk))})", tuple(chunk)
            ):
                result[uid_of(rowid)] = (bits, keywords)
        return result

    def update_labels(self, folder: str, labels: Mapping[int, Iterable[str | bytes]]) -> list[int]:
        """Replace the Gmail labels (X-GM-LABELS) of the given UIDs; returns the UIDs that changed."""
        wanted = {
            uid: encode_labels([label.decode("utf-8", "replace") if isinstance(label, bytes) else label
                                for label in values])
            for uid, values in labels.items()
        }
        with self._write() as batch:
            conn = self._conn
            folder_id = self._folder_id(conn, folder)
            updates = []
            for chunk in chunks(list(wanted)):
                ids = [message_rowid(folder_id, uid) for uid in chunk]
                for rowid, stored in conn.execute(
                    f"SELECT id, gm_labels FROM messages WHERE id IN ({placeholders(len(ids))})", tuple(ids)
                ):
                    if stored != wanted[uid_of(rowid)]:
                        updates.append((wanted[uid_of(rowid)], rowid))
            conn.executemany("UPDATE messages SET gm_labels = ? WHERE id = ?", updates)
            changed = sorted(uid_of(rowid) for _, rowid in updates)
            batch.messages(MessagesChanged, folder, changed)
        return changed

    def remove_messages(self, folder: str, uids: Iterable[int]) -> list[int]:
        """Forget messages (expunged or moved away on the server); returns the UIDs actually removed."""
        with self._write() as batch:
            conn = self._conn
            folder_id = self._folder_id(conn, folder)
            ids = sorted(self._existing_ids(conn, folder_id, sorted({message_rowid(folder_id, u) for u in uids})))
            fts.unindex(conn, ids)
            conn.executemany("DELETE FROM messages WHERE id = ?", ((rowid,) for rowid in ids))
            removed = [uid_of(rowid) for rowid in ids]
            batch.messages(MessagesRemoved, folder, removed)
            if removed:
                batch.folders_changed()
        return removed

    def store_body(self, folder: str, uid: int, raw: bytes, *, complete: bool = True, text: str | None = None
                   ) -> None:
        """Cache a fetched message (RFC 822 bytes) and add its text to the full-text index.

        ``complete=False``: ``raw`` is the message rebuilt from its text parts (what opening it downloads); it is
        cached and indexed the same way, but never replaces a complete body already cached. ``text``: its
        searchable text (``bodytext.body_text(raw)``) when the caller has it already, e.g. from parsing the message
        in another process to show it: the message is not parsed again here.
        """
        text, raw_blob, text_blob = _prepared_body(raw, text)  # parse and compress before taking the write lock
        with self._write() as batch:
            conn = self._conn
            rowid = message_rowid(self._body_folder_id(conn, folder), uid)
            if conn.execute("SELECT 1 FROM messages WHERE id = ?", (rowid,)).fetchone() is None:
                raise MessageNotFoundError(folder, uid)
            if not complete and conn.execute(
                "SELECT 1 FROM bodies WHERE id = ? AND complete != 0", (rowid,)
            ).fetchone() is not None:
                return
            fts.replace_body_text(conn, rowid, text)
            conn.execute(
                "INSERT INTO bodies (id, raw, text, stored_at, complete) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) "
                "DO UPDATE SET raw = excluded.raw, text = excluded.text, stored_at = excluded.stored_at, "
                "complete = excluded.complete",
                (rowid, raw_blob, text_blob, time.time(), int(complete)),
            )
            batch.messages(MessagesChanged, folder, [uid])

    def store_bodies(self, folder: str, bodies: Iterable[tuple[int, bytes | CompressedBody]]) -> list[int]:
        """Cache many whole messages (``(uid, RFC 822 bytes or their CompressedBody)``) in one transaction, as
        :meth:`store_body` caches one: the offline download's write, a few statements per batch instead of six per
        message. UIDs no longer in the folder (expunged meanwhile) are left out; returns the UIDs stored."""
        prepared = [(uid, *_prepared_body(raw)) for uid, raw in bodies]
        with self._write() as batch:
            conn = self._conn
            folder_id = self._folder_id(conn, folder)
            by_id = {message_rowid(folder_id, uid): (text, raw_blob, text_blob)
                     for uid, text, raw_blob, text_blob in prepared}
            ids = sorted(self._existing_ids(conn, folder_id, sorted(by_id)))
            fts.unindex(conn, ids)
            fts.reindex(conn, ids, {rowid: by_id[rowid][0] for rowid in ids})
            now = time.time()
            conn.executemany(
                "INSERT INTO bodies (id, raw, text, stored_at, complete) VALUES (?, ?, ?, ?, 1) ON CONFLICT (id) "
                "DO UPDATE SET raw = excluded.raw, text = excluded.text, stored_at = excluded.stored_at, "
                "complete = 1",
                [(rowid, by_id[rowid][1], by_id[rowid][2], now) for rowid in ids],
            )
            stored = [uid_of(rowid) for rowid in ids]
            batch.messages(MessagesChanged, folder, stored)
        return stored

    def drop_body(self, folder: str, uid: int) -> None:
        """Forget a cached body (to free space); its words leave the full-text index."""
        with self._write() as batch:
            conn = self._conn
            rowid = message_rowid(self._body_folder_id(conn, folder), uid)
            if conn.execute("SELECT 1 FROM bodies WHERE id = ?", (rowid,)).fetchone() is None:
                return
            fts.replace_body_text(conn, rowid, "")
            conn.execute("DELETE FROM bodies WHERE id = ?", (rowid,))
            batch.messages(MessagesChanged, folder, [uid])



@dataclass(frozen=True)
class CompressedBody:
    """A whole message and its compressed form, made by :func:`compress_body` in another thread than the store's
    writer (zlib releases the GIL, so compressing overlaps the writer's parsing)."""

    raw: bytes
    blob: bytes


def compress_body(raw: bytes) -> CompressedBody:
    """zlib's fastest level: a third of the CPU of level 6 for 2% more bytes on ordinary mail (attachments hardly
    compress at any level)."""
    return CompressedBody(raw, zlib.compress(raw, 1))


def _prepared_body(body: bytes | CompressedBody, text: str | None = None) -> tuple[str, bytes, bytes]:
    """(searchable text, compressed message, compressed text) of a message to cache (``text``: known already)."""
    compressed = body if isinstance(body, CompressedBody) else compress_body(body)
    text = body_text(compressed.raw) if text is None else text[:MAX_INDEXED_CHARS]
    return text, compressed.blob, fts.compress_text(text)
