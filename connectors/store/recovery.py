"""Opening a store that may be damaged: a damaged file is moved aside and a fresh one takes its place.

The store is a cache of the server: everything in it can be fetched again, so a damaged file is never worth
repairing in place. Outgoing mail (the Outbox) and local drafts live in other files (``connectors.outbox``) and
are not touched. One thing in it exists nowhere else: the offline commands (flags, moves, deletes) not yet sent.
Those that can still be read are queued again in the new file, in their order, with the UIDVALIDITY and
Message-IDs they were made under, so the replay aims them exactly as it would have (and drops, with a note, those
whose messages cannot be found again).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from ..sqlite_salvage import readable, readable_rows
from .errors import StoreCorruptError, damage_marker
from .mailstore import MailStore
from .schema import SCHEMA_VERSION, schema_version

log = logging.getLogger(__name__)

_SIDE_FILES = ("", "-wal", "-shm", "-journal")


@dataclass
class OpenedStore:
    """A usable store; ``moved_aside`` is where the damaged file went when it had to be rebuilt (else None)."""

    store: MailStore
    moved_aside: Path | None = None
    reason: str = ""
    commands_kept: int = 0
    """Offline commands read from the damaged file and queued again in the new one."""
    commands_unreadable: bool = False
    """Part of the damaged file's command queue could not be read (some commands may be missing)."""


def open_store(path: str | os.PathLike[str], *, check: bool = True) -> OpenedStore:
    """Open the store at ``path``; if it is damaged (found at open, or marked while in use), move it aside and start
    an empty one, which the next sync fills from the server. Other failures (disk full, permissions) raise
    :class:`~connectors.store.StoreError` as usual. With ``check=False`` the whole-file check is left to the
    caller (``store.check_integrity()``, in a worker thread); a file that is not a database is still found."""
    path = Path(path)
    if damage_marker(path).exists():
        return _rebuild(path, "it was found damaged while in use")
    try:
        return OpenedStore(MailStore(path, check=check))
    except StoreCorruptError as exc:
        return _rebuild(path, str(exc))


def needs_upgrade(path: str | os.PathLike[str]) -> bool:
    """True when the store at ``path`` exists with an older schema: opening it will run migration steps, which can
    take seconds on a big store (the caller says so to the person). A file that cannot be read says False: opening
    it reports why."""
    path = Path(path)
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
    except sqlite3.Error:
        return False
    try:
        return schema_version(conn) < SCHEMA_VERSION
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _rebuild(path: Path, reason: str) -> OpenedStore:
    aside = _move_aside(path)
    log.warning("The mail store %s was damaged (%s): moved to %s, rebuilding it from the server", path, reason, aside)
    store = MailStore(path)
    with readable(aside) as conn:
        rows, whole = readable_rows(conn, "commands") if conn is not None else ([], False)
    kept = store.requeue(rows)
    if kept or not whole:
        log.warning("Offline commands of %s: %d queued again%s", path, kept,
                    ", part of the queue could not be read" if not whole else "")
    return OpenedStore(store, aside, reason, kept, not whole)


def _move_aside(path: Path) -> Path:
    """Rename the store and its WAL/SHM files to ``<name>.damaged-<time>`` (one such copy kept, for a look later)."""
    aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    for old in path.parent.glob(f"{path.name}.damaged-*"):
        old.unlink(missing_ok=True)
    for suffix in _SIDE_FILES:
        source = path.with_name(path.name + suffix)
        if source.exists():
            # A WAL left beside a new file would be replayed into it: the side files go with the database.
            os.replace(source, aside.with_name(aside.name + suffix))
    damage_marker(path).unlink(missing_ok=True)
    return aside
