"""Opening a store that may be damaged: a damaged file is moved aside and a fresh one takes its place.

The store is a cache of the server: everything in it can be fetched again, so a damaged file is never worth
repairing in place. Outgoing mail (the Outbox) and local drafts live in other files (``connectors.outbox``) and
are not touched. Offline commands queued in the damaged file are lost with it; the messages they changed come
back as the server has them.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import StoreCorruptError, damage_marker
from .mailstore import MailStore

log = logging.getLogger(__name__)

_SIDE_FILES = ("", "-wal", "-shm", "-journal")


@dataclass
class OpenedStore:
    """A usable store; ``moved_aside`` is where the damaged file went when it had to be rebuilt (else None)."""

    store: MailStore
    moved_aside: Path | None = None
    reason: str = ""


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


def _rebuild(path: Path, reason: str) -> OpenedStore:
    aside = _move_aside(path)
    log.warning("The mail store %s was damaged (%s): moved to %s, rebuilding it from the server", path, reason, aside)
    return OpenedStore(MailStore(path), aside, reason)


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
