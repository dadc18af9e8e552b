"""Errors raised by the local mail store, rooted in the connectors' one hierarchy."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from ..exceptions import ConnectorError

log = logging.getLogger(__name__)

# SQLite's primary result codes for a damaged file: SQLITE_CORRUPT and SQLITE_NOTADB.
_DAMAGE_CODES = frozenset({11, 26})


class StoreError(ConnectorError):
    """Something the local store cannot do; the message says what and where."""


class FolderNotFoundError(StoreError):
    """A write or read named a folder that the store does not hold."""

    def __init__(self, folder: str) -> None:
        super().__init__(f"The local store has no folder named {folder!r}")
        self.folder = folder


class MessageNotFoundError(StoreError):
    """A write named a message (folder, UID) that the store does not hold."""

    def __init__(self, folder: str, uid: int) -> None:
        super().__init__(f"The local store has no message with UID {uid} in folder {folder!r}")
        self.folder = folder
        self.uid = uid


class SchemaVersionError(StoreError):
    """The database was written by a newer Facteur (or is not a Facteur store at all)."""


class SearchQueryError(StoreError, ValueError):
    """A search query the parser cannot turn into a search; the message tells the person what to fix."""


class StoreCorruptError(StoreError):
    """The store's file is damaged ("database disk image is malformed", "file is not a database"). Nothing in it
    can be trusted: it is moved aside and rebuilt from the server (:func:`connectors.store.open_store`)."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


def damage_marker(path: Path) -> Path:
    """The note left next to a store found damaged while in use: the next open rebuilds it."""
    return path.with_name(path.name + ".damaged")


def is_damage(error: BaseException) -> bool:
    """Whether an SQLite error says the file itself is damaged (not busy, full or read-only)."""
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in _DAMAGE_CODES:
        return True
    text = str(error).lower()
    return isinstance(error, sqlite3.DatabaseError) and ("malformed" in text or "not a database" in text)


def store_error(message: str, error: BaseException, path: Path) -> StoreError:
    """The StoreError for an SQLite failure: a :class:`StoreCorruptError` when the file is damaged — and then a
    note is left next to it so that the next open moves it aside instead of trusting it again."""
    if not is_damage(error):
        return StoreError(message)
    log.error("The mail store %s is damaged: %s", path, error)
    try:
        damage_marker(path).touch()
    except OSError as exc:
        log.warning("Could not mark %s as damaged: %s", path, exc)
    return StoreCorruptError(f"{message}. The file is damaged; Facteur rebuilds it from the server", path)
