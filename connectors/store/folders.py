"""Folder writes: mirroring the server's folder list and each folder's sync state."""

# SQL in this module is assembled only from its own constants and "?" placeholders; every value a caller
# or user supplies is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from . import fts
from .errors import FolderNotFoundError, StoreError
from .flags import flag_text
from .models import SpecialUse
from .writer import WriterBase

FolderListing = tuple[Iterable[str | bytes], str | bytes | None, str]
"""One LIST reply entry as IMAPClient's ``list_folders()`` returns it: (flags, delimiter, decoded name)."""

_SPECIAL_USE_FLAGS: dict[str, SpecialUse] = {
    "\\inbox": "inbox",
    "\\drafts": "drafts",
    "\\sent": "sent",
    "\\trash": "trash",
    "\\junk": "junk",
    "\\spam": "junk",  # Gmail's pre-RFC 6154 XLIST names
    "\\archive": "archive",
    "\\all": "all",
    "\\allmail": "all",
    "\\flagged": "flagged",
    "\\starred": "flagged",
    "\\important": "important",
}


def special_use_of(name: str, attributes: Iterable[str]) -> SpecialUse | None:
    """What a folder is for: INBOX by name (RFC 3501), the rest from SPECIAL-USE attributes."""
    if name.upper() == "INBOX":
        return "inbox"
    for attribute in attributes:
        use = _SPECIAL_USE_FLAGS.get(attribute.lower())
        if use is not None:
            return use
    return None


class FolderWrites(WriterBase):
    def upsert_folders(self, listing: Iterable[FolderListing], *, prune: bool = False) -> None:
        """Record the folders of a LIST reply; with ``prune``, forget the folders the listing lacks.

        Emits FoldersChanged only if something actually changed, and FolderReset for each pruned folder.
        """
        entries: dict[str, tuple[str | None, str, SpecialUse | None]] = {}
        for flags, delimiter, name in listing:
            attributes = [flag_text(flag) for flag in flags]
            delimiter_text = None if delimiter is None else flag_text(delimiter)
            entries[name] = (delimiter_text, " ".join(attributes), special_use_of(name, attributes))
        with self._write() as batch:
            conn = self._conn
            known = {
                row[0]: tuple(row[1:])
                for row in conn.execute("SELECT name, delimiter, attributes, special_use FROM folders")
            }
            for name, values in entries.items():
                if known.get(name) != values:
                    conn.execute(
                        "INSERT INTO folders (name, delimiter, attributes, special_use) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (name) DO UPDATE SET delimiter = excluded.delimiter, "
                        "attributes = excluded.attributes, special_use = excluded.special_use",
                        (name, *values),
                    )
                    batch.folders_changed()
            if prune:
                for name in known.keys() - entries.keys():
                    self._delete_folder(conn, name)
                    batch.folder_reset(name)
                    batch.folders_changed()

    def update_folder_state(
        self,
        name: str,
        *,
        uidvalidity: int | None = None,
        uidnext: int | None = None,
        highestmodseq: int | None = None,
        last_sync: float | None = None,
    ) -> None:
        """Record what the sync engine learnt from SELECT/STATUS; None leaves a value unchanged."""
        changes = {
            "uidvalidity": uidvalidity,
            "uidnext": uidnext,
            "highestmodseq": highestmodseq,
            "last_sync": last_sync,
        }
        given = {column: value for column, value in changes.items() if value is not None}
        if not given:
            return
        assignments = ", ".join(f"{column} = ?" for column in given)
        differs = " OR ".join(f"{column} IS NOT ?" for column in given)
        with self._write() as batch:
            self._folder_id(self._conn, name)
            cursor = self._conn.execute(
                f"UPDATE folders SET {assignments} WHERE name = ? AND ({differs})",
                (*given.values(), name, *given.values()),
            )
            if cursor.rowcount:
                batch.folders_changed()

    def rename_folder(self, old: str, new: str) -> None:
        """Rename a folder and, as IMAP RENAME does, every folder below it; messages stay with their folder."""
        if old == new:
            return
        with self._write() as batch:
            conn = self._conn
            row = conn.execute("SELECT delimiter FROM folders WHERE name = ?", (old,)).fetchone()
            if row is None:
                raise FolderNotFoundError(old)
            delimiter: str | None = row[0]
            renamed = [old]
            if delimiter:
                prefix = old + delimiter
                renamed += [
                    child for (child,) in conn.execute(
                        "SELECT name FROM folders WHERE substr(name, 1, ?) = ?", (len(prefix), prefix)
                    )
                ]
            targets = {name: new + name[len(old):] for name in renamed}
            clash = conn.execute(
                f"SELECT name FROM folders WHERE name IN ({', '.join('?' * len(targets))})",
                tuple(targets.values()),
            ).fetchone()
            if clash is not None:
                raise StoreError(f"Cannot rename folder {old!r} to {new!r}: {clash[0]!r} already exists")
            for name, target in targets.items():
                conn.execute("UPDATE folders SET name = ? WHERE name = ?", (target, name))
                batch.folder_reset(name)
            batch.folders_changed()

    def remove_folder(self, name: str) -> None:
        """Forget a folder and everything stored for its messages (summaries, bodies, index entries)."""
        with self._write() as batch:
            self._delete_folder(self._conn, name)
            batch.folder_reset(name)
            batch.folders_changed()

    def reset_folder(self, name: str, uidvalidity: int) -> None:
        """UIDVALIDITY changed: drop the folder's messages, keep the folder, restart its sync state.

        Queued commands on the folder keep the UIDVALIDITY they were made under (those made before the folder
        had one get the one being replaced), so that their replay knows their UIDs are stale.
        """
        with self._write() as batch:
            folder_id = self._folder_id(self._conn, name)
            self._conn.execute(
                "UPDATE commands SET uidvalidity = (SELECT uidvalidity FROM folders WHERE id = ?) "
                "WHERE folder = ? AND uidvalidity IS NULL",
                (folder_id, name),
            )
            self._delete_messages_of(self._conn, folder_id)
            self._conn.execute(
                "UPDATE folders SET uidvalidity = ?, uidnext = NULL, highestmodseq = NULL, last_sync = NULL "
                "WHERE id = ?",
                (uidvalidity, folder_id),
            )
            batch.folder_reset(name)
            batch.folders_changed()

    def _delete_folder(self, conn: sqlite3.Connection, name: str) -> None:
        folder_id = self._folder_id(conn, name)
        self._delete_messages_of(conn, folder_id)
        conn.execute("DELETE FROM folders WHERE id = ?", (folder_id,))

    @staticmethod
    def _delete_messages_of(conn: sqlite3.Connection, folder_id: int) -> None:
        fts.unindex_folder(conn, folder_id)
        # The folder's conversations go first, so the per-row thread triggers find nothing left to update.
        conn.execute("DELETE FROM threads WHERE folder_id = ?", (folder_id,))
        conn.execute("DELETE FROM messages WHERE folder_id = ?", (folder_id,))
