"""The local drafts store: what is being written, saved every few seconds, recoverable after a crash.

A draft being edited belongs to the process whose composer has it open. Each process holds an exclusive lock on
a small file named after its own random token (``locks/<token>.lock``); the OS drops that lock when the process
ends, however it ends. A draft ``editing`` under a token whose lock can be taken was therefore left by a process
that died (crash, SIGKILL, power cut): :meth:`DraftStore.orphans` offers it back. Attachment bytes are stored
once per content (sha256), so autosaving a draft with a large attachment writes only the small JSON part.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, cast

from .owners import OwnerLocks
from .paths import local_folders_dir
from .sqlite import immediate_transaction, insert_blob, open_checked

DraftState = Literal["editing", "saved", "queued"]
"""``editing``: a composer has it open; ``saved``: closed and kept; ``queued``: its message waits in the Outbox
(kept so Undo and Edit bring it back exactly; deleted once the message is sent)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT NOT NULL,
    updated REAL NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS server_copies (
    draft_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    uid INTEGER,
    uploaded REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS blobs (
    sha256 TEXT PRIMARY KEY,
    data BLOB NOT NULL
);
"""
_REQUIRED = {
    "drafts": frozenset({"id", "account_id", "state", "owner", "updated", "data"}),
    "blobs": frozenset({"sha256", "data"}),
    "server_copies": frozenset({"draft_id", "account_id", "uid", "uploaded"}),
}


@dataclass(frozen=True)
class DraftAttachment:
    name: str
    content_type: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Draft:
    """Everything a composer needs to come back exactly as it was. Address fields keep the text as typed."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    account_id: str = ""
    sender: str = ""
    to: str = ""
    cc: str = ""
    bcc: str = ""
    subject: str = ""
    html: str = ""
    text: str = ""
    plain_only: bool = False
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    answered: dict[str, str] | None = None
    attachments: tuple[DraftAttachment, ...] = ()
    updated: float = 0.0
    spell_language: str = ""
    server_message_id: str = ""
    """The Message-ID of another client's server draft this draft continues: its copy is replaced at the next
    save to the server, and removed when the message is sent."""
    """The spell checking language chosen for this message ("off" for none; "" for the identity's default)."""

    @property
    def is_empty(self) -> bool:
        return not any((self.to.strip(), self.cc.strip(), self.bcc.strip(), self.subject.strip(), self.text.strip(),
                        self.attachments))

    def to_json(self) -> str:
        data = asdict(self)
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Draft:
        data: dict[str, Any] = json.loads(text)
        data["references"] = tuple(data.get("references") or ())
        data["attachments"] = tuple(DraftAttachment(**item) for item in data.get("attachments") or ())
        known = set(cls.__dataclass_fields__)
        return cls(**{key: value for key, value in data.items() if key in known})


class DraftStore:
    """Drafts in one SQLite file under Local Folders. Thread-safe; ``clock`` is injectable for tests."""

    def __init__(self, path: str | Path | None = None, *, clock: Callable[[], float] = time.time,
                 busy_timeout: float = 10.0) -> None:
        """Open (creating if needed) the drafts at ``path``; a file that cannot be used as it is raises
        :class:`LocalFileUnusableError` (:func:`open_drafts` puts it aside and salvages it)."""
        self.path = Path(path) if path is not None else local_folders_dir() / "drafts.sqlite3"
        self.clock = clock
        self._lock = threading.RLock()
        self._closed = False
        self._conn = open_checked(self.path, _SCHEMA, _REQUIRED, timeout=busy_timeout)
        self._owners = OwnerLocks(self.path.parent / (self.path.stem + "-locks"))
        self.owner = self._owners.token
        # Lists are read on a connection of their own: in WAL they see the last commit at once, never waiting
        # behind a write in progress (storing a 25 MB attachment takes a while).
        self._list_lock = threading.Lock()
        self._list_conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10)

    @property
    def closed(self) -> bool:
        """True after :meth:`close` (quitting): late callbacks must leave the file alone."""
        return self._closed

    def close(self) -> None:
        with self._lock:
            self._closed = True
            with self._list_lock:
                self._list_conn.close()
            self._conn.close()
        self._owners.release()

    def __enter__(self) -> DraftStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return immediate_transaction(self._conn, self._lock)

    # -- attachment bytes ----------------------------------------------------------------------------------

    def put_blob(self, data: bytes) -> str:
        """Keep ``data`` (once per content) and return its sha256 for a DraftAttachment."""
        digest = hashlib.sha256(data).hexdigest()
        if self.has_blob(digest):
            return digest
        with self._transaction() as conn:
            insert_blob(conn, "INSERT OR IGNORE INTO blobs (sha256, data) VALUES (?, zeroblob(?))", (digest,),
                        "blobs", "data", data)
        return digest

    def has_blob(self, digest: str) -> bool:
        with self._lock:
            row = self._conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (digest,)).fetchone()
        return row is not None

    def blob(self, digest: str) -> bytes | None:
        with self._lock:
            row = self._conn.execute("SELECT data FROM blobs WHERE sha256 = ?", (digest,)).fetchone()
        return None if row is None else bytes(row[0])

    # -- drafts --------------------------------------------------------------------------------------------

    def save(self, draft: Draft, state: DraftState = "editing") -> Draft:
        """Write the draft (one transaction); it is owned by this process while ``editing``."""
        missing = [a.name for a in draft.attachments if not self.has_blob(a.sha256)]
        if missing:
            raise ValueError(f"Attachment data was not stored first: {', '.join(missing)}")
        saved = replace(draft, updated=self.clock())
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO drafts (id, account_id, state, owner, updated, data) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, state = excluded.state, "
                "owner = excluded.owner, updated = excluded.updated, data = excluded.data",
                (saved.id, saved.account_id, state, self.owner, saved.updated, saved.to_json()),
            )
        return saved

    def get(self, draft_id: str) -> Draft | None:
        with self._lock:
            row = self._conn.execute("SELECT data FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        return None if row is None else Draft.from_json(row[0])

    def state(self, draft_id: str) -> DraftState | None:
        with self._lock:
            row = self._conn.execute("SELECT state FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        return None if row is None else cast(DraftState, row[0])

    def drafts(self, state: DraftState | None = None, account_id: str | None = None) -> list[Draft]:
        """Drafts, most recently changed first."""
        clauses: list[str] = []
        params: list[str] = []
        if state is not None:
            clauses.append("state = ?")
            params.append(state)
        if account_id is not None:
            clauses.append("account_id = ?")
            params.append(account_id)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._list_lock:
            # Only this function's fixed clauses are interpolated; values are bound parameters.
            rows = self._list_conn.execute(f"SELECT data FROM drafts{where} ORDER BY updated DESC", params).fetchall()  # noqa: S608
        return [Draft.from_json(row[0]) for row in rows]

    def draft_ids(self, state: DraftState) -> list[str]:
        with self._lock:
            rows = self._conn.execute("SELECT id FROM drafts WHERE state = ?", (state,)).fetchall()
        return [str(row[0]) for row in rows]

    def orphans(self) -> list[Draft]:
        """Drafts being edited by a process that is gone: the ones to offer back after a crash."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT owner, data FROM drafts WHERE state = 'editing' AND owner != ? ORDER BY updated DESC",
                (self.owner,),
            ).fetchall()
        alive: dict[str, bool] = {}
        found = []
        for owner, data in rows:
            if owner not in alive:
                alive[owner] = self._owners.is_alive(owner)
            if not alive[owner]:
                found.append(Draft.from_json(data))
        return found

    def adopt(self, draft_id: str) -> Draft | None:
        """Take a draft over for a composer of this process (recovering an orphan, reopening a saved draft)."""
        with self._transaction() as conn:
            conn.execute("UPDATE drafts SET owner = ?, state = 'editing' WHERE id = ?", (self.owner, draft_id))
        return self.get(draft_id)

    def mark_saved(self, draft_id: str) -> None:
        """The person closed the composer keeping the draft: no longer 'being edited', not offered as a crash."""
        with self._transaction() as conn:
            conn.execute("UPDATE drafts SET state = 'saved' WHERE id = ?", (draft_id,))

    def mark_queued(self, draft_id: str) -> None:
        """Its message went to the Outbox: not offered back after a crash, kept until the message is sent."""
        with self._transaction() as conn:
            conn.execute("UPDATE drafts SET state = 'queued' WHERE id = ?", (draft_id,))

    # -- the copy in the server's Drafts folder --------------------------------------------------------------

    def mark_uploaded(self, draft_id: str, account_id: str, uid: int | None, asked: float) -> None:
        """The server holds the version asked at ``asked`` (a :meth:`save` made after that is still to go up)."""
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO server_copies (draft_id, account_id, uid, uploaded) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (draft_id) DO UPDATE SET account_id = excluded.account_id, uid = excluded.uid, "
                "uploaded = MAX(uploaded, excluded.uploaded)",
                (draft_id, account_id, uid, asked),
            )

    def server_copies(self, account_id: str | None = None) -> dict[str, tuple[int | None, float]]:
        """Draft id -> (UID of its server copy when the server said it, when the uploaded version was asked)."""
        query = "SELECT draft_id, uid, uploaded FROM server_copies"
        params: tuple[str, ...] = ()
        if account_id is not None:
            query += " WHERE account_id = ?"
            params = (account_id,)
        with self._list_lock:
            rows = self._list_conn.execute(query, params).fetchall()
        return {str(row[0]): (None if row[1] is None else int(row[1]), float(row[2])) for row in rows}

    def to_upload(self, account_id: str) -> list[Draft]:
        """The account's drafts (closed, kept) changed since their copy last went up to the server, or never sent
        up: what goes up when the account is back online."""
        copies = self.server_copies(account_id)
        return [d for d in self.drafts(state="saved", account_id=account_id)
                if not d.is_empty and (d.id not in copies or d.updated > copies[d.id][1])]

    def delete(self, draft_id: str) -> None:
        """Forget a draft (sent or discarded) and the attachment bytes no other draft uses."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))
            conn.execute("DELETE FROM server_copies WHERE draft_id = ?", (draft_id,))
            used: set[str] = set()
            for (data,) in conn.execute("SELECT data FROM drafts"):
                used.update(a.sha256 for a in Draft.from_json(data).attachments)
            for (digest,) in conn.execute("SELECT sha256 FROM blobs").fetchall():
                if digest not in used:
                    conn.execute("DELETE FROM blobs WHERE sha256 = ?", (digest,))
