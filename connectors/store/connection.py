"""Where an account's store lives and how its SQLite connections are opened.

One writer connection per store (the sync engine's thread), any number of read-only connections, one per
reading thread. WAL mode lets readers work on the last committed snapshot while the writer appends, so neither
waits for the other; ``busy_timeout`` only matters for the brief moments WAL itself needs a lock.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

import platformdirs

from ..private_files import private_sqlite

_BUSY_TIMEOUT_MS = 5000
_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._@+-]")
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(1, 10)} | {f"lpt{i}" for i in range(1, 10)}
)


def safe_account_dirname(account_id: str) -> str:
    """A directory name for ``account_id`` on every desktop file system.

    Ids that are already safe (``alice@example.com``) are used as they are; any other id is sanitised and
    suffixed with a short hash of the original, so two ids never share a store.
    """
    cleaned = _UNSAFE_CHARS.sub("_", account_id).strip(".")[:80]
    if cleaned and cleaned == account_id and cleaned.split(".")[0].lower() not in _WINDOWS_RESERVED:
        return cleaned
    digest = hashlib.sha256(account_id.encode("utf-8")).hexdigest()[:12]
    return f"{cleaned or 'account'}-{digest}"


def default_store_path(account_id: str) -> Path:
    """``<user data dir>/Facteur/accounts/<safe account id>/store.sqlite3``; nothing is created."""
    base = Path(platformdirs.user_data_dir("Facteur", "Facteur"))
    return base / "accounts" / safe_account_dirname(account_id) / "store.sqlite3"


def open_writer(path: Path) -> sqlite3.Connection:
    """The store's single read-write connection.

    ``check_same_thread`` is off because a MailStore may be created in one thread and handed to its worker
    thread; MailStore serialises every use of this connection with its own lock.
    """
    private_sqlite(path)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"could not switch {path} to WAL mode (got {mode})")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA cache_size = -32000")
        # After a big sync the WAL would otherwise keep its peak size on disk.
        conn.execute("PRAGMA journal_size_limit = 67108864")
    except BaseException:
        conn.close()
        raise
    return conn


READER_CACHE_KIB = 16_000
"""A reader's page cache, at most (SQLite takes the memory as pages are read)."""


def open_reader(path: Path, *, shared: bool = False, cache_kib: int = READER_CACHE_KIB) -> sqlite3.Connection:
    """A read-only connection for the calling thread only (``check_same_thread`` stays on), or, ``shared``, for
    one thread at a time among several (a :class:`~connectors.store.reader_pool.ReaderPool` lends it).
    ``cache_kib``: its page cache's size at most, in KiB."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=not shared)
    try:
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only = ON")
        conn.execute(f"PRAGMA cache_size = {-max(1, int(cache_kib))}")
    except BaseException:
        conn.close()
        raise
    return conn
