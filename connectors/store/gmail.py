"""Gmail stores each message once: its labels' folders are views of All Mail.

On Gmail a message with three labels is in four IMAP folders (All Mail and one per label), each with UIDs of its own;
synchronising every folder downloaded and stored it four times, against Gmail's download quota. Instead the sync
engine synchronises ``[Gmail]/All Mail`` with each message's X-GM-LABELS, and Trash and Spam, which Gmail keeps out
of All Mail, as ordinary folders. Every other folder (INBOX, Sent, Drafts, Important, Starred and the person's
labels) is a *view*: it holds a row for each All Mail message that carries its label (Starred: the \\Flagged flag),
under the message's All Mail UID, copied from the All Mail row by the store itself, in the same transaction as each
write to All Mail (``_before_commit``). So a view's counts, unread count, conversations, sorting, lists and change
events work as any folder's, at the cost of one summary row per label and no download. The message's body is cached
once, on its All Mail row (``ReadQueries._body_folder_id``), and its words are searched there; the engine sends what
the person does in a view to All Mail (a move between labels is a label change, an archive removes the label).

Folders become views through ``set_gmail_views``. A store made by an older Facteur, whose label folders hold rows of
their own (their own UIDs and cached bodies), is converted then: each cached body moves to the All Mail row of the
same X-GM-MSGID (unless that row already has a complete one), the label's own rows go, and the view is filled from
All Mail. The engine does this right after a complete sync of All Mail, so every message of a label is found there.
Offline commands queued on a label folder before stay queued: they name the label's own UIDs under its UIDVALIDITY
and the engine replays them on the server's label folder, as they were meant.
"""

# SQL in this module is assembled only from its own constants and "?" placeholders; every value a caller
# or user supplies is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import addresses, fts
from .events import EventBatch, MessagesAdded, MessagesChanged, MessagesRemoved
from .flags import FLAGGED
from .folders import FolderWrites
from .inserts import insert_rows
from .queries import chunks, placeholders
from .rows import INSERT_COLUMNS, encode_labels
from .schema import folder_id_range, message_rowid, uid_of

STARRED = "\\Starred"
"""The label of Gmail's Starred folder, which follows the \\Flagged flag."""

_COLUMNS = INSERT_COLUMNS.split(", ")
_FLAGS_AT = _COLUMNS.index("flags")
_LABELS_AT = _COLUMNS.index("gm_labels")
_FTS_AT = tuple(_COLUMNS.index(name) for name in ("from_name", "from_addr", "to_addrs", "cc_addrs", "subject"))
_UPDATE = f"UPDATE messages SET {', '.join(f'{name} = ?' for name in _COLUMNS[2:])} WHERE id = ?"
_LABEL_SEPARATOR = "\n"


@dataclass(frozen=True, slots=True)
class _View:
    id: int
    name: str
    label: str


def _labels(text: str) -> list[str]:
    return text.split(_LABEL_SEPARATOR) if text else []


def _in_view(row: Sequence[Any], label: str) -> bool:
    if label == STARRED:
        return bool(row[_FLAGS_AT] & FLAGGED)
    return label in _labels(row[_LABELS_AT])


class GmailViews(FolderWrites):
    def gmail_source(self) -> str | None:
        """All Mail's name when this store keeps Gmail's labels as views of it, else None."""
        with self._reading() as conn:
            row = conn.execute(
                "SELECT s.name FROM folders AS f JOIN folders AS s ON s.id = f.view_of LIMIT 1").fetchone()
        return None if row is None else str(row[0])

    def set_gmail_views(self, all_mail: str, labels: Mapping[str, str]) -> list[str]:
        """Make each folder of ``labels`` (folder name → the X-GM-LABELS value that puts a message in it, or
        ``\\\\Starred``) a view of ``all_mail``, and every other folder an ordinary one. A folder that becomes a view
        (or shows another label) is rebuilt from All Mail (FolderReset); an older store's rows there give their
        cached bodies to All Mail first (see the module's docstring). Returns the folders rebuilt."""
        rebuilt: list[str] = []
        with self._write() as batch:
            conn = self._conn
            source_id = self._folder_id(conn, all_mail)
            for folder_id, name, view_of, label in conn.execute(
                    "SELECT id, name, view_of, gmail_label FROM folders").fetchall():
                wanted = labels.get(name) if folder_id != source_id else None
                if wanted == label and (wanted is None or view_of == source_id):
                    continue
                if view_of is None and wanted is not None:
                    self._give_bodies(conn, batch, folder_id, source_id, all_mail)
                self._delete_messages_of(conn, folder_id)
                conn.execute(
                    "UPDATE folders SET view_of = ?, gmail_label = ?, uidvalidity = NULL, uidnext = NULL, "
                    "highestmodseq = NULL, last_sync = NULL WHERE id = ?",
                    (source_id if wanted is not None else None, wanted, folder_id))
                batch.folder_reset(name)
                batch.folders_changed()
                if wanted is not None:
                    rebuilt.append(name)
            if rebuilt:
                low, high = folder_id_range(source_id)
                # All Mail now counts its messages for the address index, each once, by its labels.
                addresses.index_stored(conn, f"SELECT id FROM messages WHERE id BETWEEN {int(low)} AND {int(high)}")
                uids = [uid_of(rowid) for (rowid,) in conn.execute(
                    "SELECT id FROM messages WHERE id BETWEEN ? AND ? ORDER BY id", (low, high))]
                views = [view for view in self._views(conn)[1] if view.name in rebuilt]
                self._refresh(conn, batch, source_id, views, uids)
        return rebuilt

    def change_labels(self, folder: str, uids: Iterable[int], add: Iterable[str] = (),
                      remove: Iterable[str] = ()) -> list[int]:
        """Add and/or remove Gmail labels on messages of ``folder`` (All Mail): the optimistic side of STORE
        +X-GM-LABELS / -X-GM-LABELS; ``\\\\Starred`` sets or clears \\Flagged. Returns the UIDs that changed."""
        added, removed = list(dict.fromkeys(add)), set(remove)
        with self._write() as batch:
            conn = self._conn
            folder_id = self._folder_id(conn, folder)
            updates: list[tuple[str, int, int]] = []
            for chunk in chunks([message_rowid(folder_id, uid) for uid in sorted(set(uids))]):
                for rowid, text, bits in conn.execute(
                        f"SELECT id, gm_labels, flags FROM messages WHERE id IN ({placeholders(len(chunk))})",
                        tuple(chunk)):
                    kept = [label for label in _labels(text) if label not in removed]
                    new = kept + [label for label in added if label not in kept and label != STARRED]
                    new_bits = bits | FLAGGED if STARRED in added else bits & ~FLAGGED if STARRED in removed else bits
                    new_text = encode_labels(new)
                    if (new_text, new_bits) != (text, bits):
                        updates.append((new_text, new_bits, rowid))
            conn.executemany("UPDATE messages SET gm_labels = ?, flags = ? WHERE id = ?", updates)
            changed = sorted(uid_of(rowid) for _, _, rowid in updates)
            batch.messages(MessagesChanged, folder, changed)
        return changed

    # -- keeping the views in step with All Mail --------------------------------------------------------------

    def _before_commit(self, batch: EventBatch) -> None:
        super()._before_commit(batch)
        conn = self._conn
        source, views = self._views(conn)
        if source is None:
            return
        source_id, source_name = source
        reset, uids = batch.touched(source_name)
        if reset:  # All Mail's UIDVALIDITY changed: every view's UIDs are stale with it
            for view in views:
                self._delete_messages_of(conn, view.id)
                batch.folder_reset(view.name)
            batch.folders_changed()
            low, high = folder_id_range(source_id)
            uids = {uid_of(rowid) for (rowid,) in conn.execute(
                "SELECT id FROM messages WHERE id BETWEEN ? AND ?", (low, high))}
        if uids and views:
            self._refresh(conn, batch, source_id, views, sorted(uids))

    @staticmethod
    def _views(conn: sqlite3.Connection) -> tuple[tuple[int, str] | None, list[_View]]:
        rows = conn.execute(
            "SELECT f.id, f.name, f.gmail_label, s.id, s.name FROM folders AS f JOIN folders AS s ON s.id = f.view_of "
            "WHERE f.gmail_label IS NOT NULL ORDER BY f.id").fetchall()
        if not rows:
            return None, []
        return (rows[0][3], rows[0][4]), [_View(row[0], row[1], row[2]) for row in rows]

    @staticmethod
    def _refresh(conn: sqlite3.Connection, batch: EventBatch, source_id: int, views: Sequence[_View],
                 uids: Sequence[int]) -> None:
        """Make the views' rows of ``uids`` what All Mail's rows say: added, removed or updated."""
        for chunk in chunks(uids):
            ids = tuple(message_rowid(source_id, uid) for uid in chunk)
            source = {uid_of(row[0]): row for row in conn.execute(
                f"SELECT {INSERT_COLUMNS} FROM messages WHERE id IN ({placeholders(len(ids))})", ids)}
            for view in views:
                view_ids = tuple(message_rowid(view.id, uid) for uid in chunk)
                present = {uid_of(row[0]): row for row in conn.execute(
                    f"SELECT {INSERT_COLUMNS} FROM messages WHERE id IN ({placeholders(len(view_ids))})", view_ids)}
                added: list[tuple[Any, ...]] = []
                removed: list[int] = []
                changed: list[tuple[Any, ...]] = []
                for uid in chunk:
                    row, have = source.get(uid), present.get(uid)
                    wanted = row is not None and _in_view(row, view.label)
                    if row is not None and wanted and have is None:
                        added.append((message_rowid(view.id, uid), view.id, *row[2:]))
                    elif have is not None and not wanted:
                        removed.append(have[0])
                    elif row is not None and have is not None and tuple(have[2:]) != tuple(row[2:]):
                        changed.append((have[0], view.id, *row[2:]))
                if removed:
                    fts.unindex(conn, removed)
                    conn.executemany("DELETE FROM messages WHERE id = ?", ((rowid,) for rowid in removed))
                    batch.messages(MessagesRemoved, view.name, (uid_of(rowid) for rowid in removed))
                if added:
                    insert_rows(conn, added)
                    fts.index_new(conn, added)  # a view's row counts for no address (its All Mail row does)
                    batch.messages(MessagesAdded, view.name, (uid_of(row[0]) for row in added))
                if changed:
                    before = {uid_of(row[0]): row for row in present.values()}
                    words = [row[0] for row in changed
                             if any(row[at] != before[uid_of(row[0])][at] for at in _FTS_AT)]
                    if words:  # a view's row is indexed without body words (All Mail has them)
                        fts.unindex(conn, words)
                    conn.executemany(_UPDATE, [(*row[2:], row[0]) for row in changed])
                    if words:
                        fts.reindex(conn, words, {})
                    batch.messages(MessagesChanged, view.name, (uid_of(row[0]) for row in changed))
                if added or removed or changed:
                    batch.folders_changed()

    @staticmethod
    def _give_bodies(conn: sqlite3.Connection, batch: EventBatch, folder_id: int, source_id: int,
                     source_name: str) -> None:
        """An older store's label folder becomes a view: its cached bodies go to the All Mail rows of the same
        X-GM-MSGID (a complete body replaces an incomplete one, never the other way round)."""
        cached = conn.execute(
            "SELECT m.gm_msgid, b.raw, b.text, b.stored_at, b.complete FROM bodies AS b "
            "JOIN messages AS m ON m.id = b.id WHERE m.folder_id = ? AND m.gm_msgid IS NOT NULL", (folder_id,)
        ).fetchall()
        if not cached:
            return
        low, high = folder_id_range(source_id)
        in_all_mail = {gm_msgid: (rowid, complete) for rowid, gm_msgid, complete in conn.execute(
            "SELECT m.id, m.gm_msgid, b.complete FROM messages AS m LEFT JOIN bodies AS b ON b.id = m.id "
            "WHERE m.id BETWEEN ? AND ? AND m.gm_msgid IS NOT NULL", (low, high))}
        given: list[int] = []
        for gm_msgid, raw, text, stored_at, complete in cached:
            target = in_all_mail.get(gm_msgid)
            if target is None:
                continue  # not in All Mail on the server any more, so not in the label either
            rowid, has = target
            if has is not None and (has or not complete):
                continue
            fts.replace_body_text(conn, rowid, fts.decompress_text(text))
            conn.execute(
                "INSERT INTO bodies (id, raw, text, stored_at, complete) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) "
                "DO UPDATE SET raw = excluded.raw, text = excluded.text, stored_at = excluded.stored_at, "
                "complete = excluded.complete", (rowid, raw, text, stored_at, complete))
            in_all_mail[gm_msgid] = (rowid, complete)
            given.append(uid_of(rowid))
        batch.messages(MessagesChanged, source_name, given)
