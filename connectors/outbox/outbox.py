"""The durable Outbox: outgoing messages in one SQLite file, safe across crashes, restarts and a lost network.

Every state change is one committed transaction, and each change that matters for "never sent twice" is a
compare-and-set (``UPDATE ... WHERE state IN (...)``): an entry is claimed for sending only if it is still waiting,
and Undo takes it back only if it has not been claimed. Two threads, or two Facteur processes, therefore agree on
who sends a message. The file is opened with ``synchronous = FULL`` so a committed ``sent`` survives a power cut.
"""

# SQL in this module is assembled only from its own constants and "?" placeholders; every value is bound.
# ruff: noqa: S608

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

from .entries import (
    EDITABLE_STATES,
    WAITING_STATES,
    CopyState,
    EntryState,
    ErrorKind,
    OutboxEntry,
    RetryPolicy,
)
from .owners import OwnerLocks
from .paths import local_folders_dir
from .sqlite import immediate_transaction, insert_blob, open_checked

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    raw BLOB NOT NULL,
    state TEXT NOT NULL,
    created REAL NOT NULL,
    send_after REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    error_kind TEXT NOT NULL DEFAULT '',
    sent_at REAL,
    copy_state TEXT NOT NULL DEFAULT 'pending',
    draft_id TEXT,
    compose_state TEXT,
    answered TEXT,
    owner TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS outbox_by_time ON outbox (state, send_after);
-- The message bytes apart: SQLite rewrites a whole row on every UPDATE, and a state change of a 25 MB message
-- must not write 25 MB (outbox.raw stays empty for new entries; older files keep their bytes there).
CREATE TABLE IF NOT EXISTS outbox_raw (
    id TEXT PRIMARY KEY,
    raw BLOB NOT NULL
);
CREATE TRIGGER IF NOT EXISTS outbox_raw_goes_with_its_entry AFTER DELETE ON outbox BEGIN
    DELETE FROM outbox_raw WHERE id = old.id;
END;
"""
_REQUIRED = {
    "outbox": frozenset({"id", "account_id", "message_id", "sender", "recipients", "subject", "raw", "state",
                         "created", "send_after", "attempts", "last_error", "error_kind", "sent_at", "copy_state",
                         "draft_id", "compose_state", "answered", "owner"}),
    "outbox_raw": frozenset({"id", "raw"}),
}
_COLUMNS = (
    "id, account_id, message_id, sender, recipients, subject, raw, state, created, send_after, attempts, "
    "last_error, error_kind, sent_at, copy_state, draft_id, compose_state, answered"
)
_SELECT = (
    "SELECT id, account_id, message_id, sender, recipients, subject, coalesce(outbox_raw.raw, outbox.raw), state, "
    "created, send_after, attempts, last_error, error_kind, sent_at, copy_state, draft_id, compose_state, answered "
    "FROM outbox LEFT JOIN outbox_raw USING (id)"
)
# The same columns without the message's bytes, for lists (a 25 MB message is not read to show its subject).
_SELECT_LIGHT = _SELECT.replace("coalesce(outbox_raw.raw, outbox.raw)", "x''").replace(
    " LEFT JOIN outbox_raw USING (id)", "")
_WAITING = "(" + ", ".join(f"'{state}'" for state in WAITING_STATES) + ")"
_EDITABLE = "(" + ", ".join(f"'{state}'" for state in EDITABLE_STATES) + ")"

Listener = Callable[[str, EntryState | None], None]
"""Called after each committed change with the entry id and its new state (None: it left the Outbox)."""


class Outbox:
    """Outgoing messages waiting, being sent, or needing the person.

    Thread-safe: one connection guarded by a lock, so the GUI thread may queue while the send worker sends.
    ``clock`` (epoch seconds) is injectable so tests can move time instead of sleeping.
    """

    def __init__(self, path: str | Path | None = None, *, clock: Callable[[], float] = time.time,
                 retry: RetryPolicy | None = None, busy_timeout: float = 10.0) -> None:
        """Open (creating if needed) the Outbox at ``path``. A file that cannot be used as it is (damaged, of
        another layout, read-only, locked) raises :class:`LocalFileUnusableError`: :func:`open_outbox` then puts
        it aside and salvages it."""
        self.path = Path(path) if path is not None else local_folders_dir() / "outbox.sqlite3"
        self.clock = clock
        self.retry = retry or RetryPolicy()
        self._lock = threading.RLock()
        self._closed = False
        self._listeners: list[Listener] = []
        # Raw messages, Bcc included: the file is the person's alone (open_checked creates it 0600).
        self._conn = open_checked(self.path, _SCHEMA, _REQUIRED, timeout=busy_timeout, migrate=_add_owner)
        self._owners = OwnerLocks(self.path.parent / (self.path.stem + "-locks"))
        self.owner = self._owners.token
        """This process's token: written on the entries it claims, locked while it lives."""
        # Lists are read on a connection of their own: in WAL they see the last commit at once, never waiting
        # behind a writer's transaction (queueing a 25 MB message takes a while).
        self._list_lock = threading.Lock()
        self._list_conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10)

    @property
    def closed(self) -> bool:
        """True after :meth:`close` (quitting): late callbacks must leave the file alone."""
        return self._closed

    def close(self) -> None:
        """Close the file (SQLite folds the write-ahead log back into it) and let go of this process's token."""
        with self._lock:
            self._closed = True
            with self._list_lock:
                self._list_conn.close()
            self._conn.close()
        self._owners.release()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- listeners -----------------------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _notify(self, entry_id: str, state: EntryState | None) -> None:
        for listener in list(self._listeners):
            listener(entry_id, state)

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return immediate_transaction(self._conn, self._lock)

    # -- queueing ------------------------------------------------------------------------------------------

    def enqueue(
        self,
        *,
        account_id: str,
        raw: bytes,
        message_id: str,
        sender: str,
        recipients: Sequence[str],
        subject: str = "",
        delay: float = 0.0,
        draft_id: str | None = None,
        compose_state: dict[str, Any] | None = None,
        answered: dict[str, str] | None = None,
    ) -> OutboxEntry:
        """Queue a fully built message. With ``delay`` > 0 it is ``scheduled`` (Undo possible) until then."""
        if not recipients:
            raise ValueError("A message in the Outbox needs at least one envelope recipient")
        now = self.clock()
        entry_id = uuid.uuid4().hex
        state: EntryState = "scheduled" if delay > 0 else "queued"
        with self._transaction() as conn:
            conn.execute(
                f"INSERT INTO outbox ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', '', NULL, 'pending', "
                "?, ?, ?)",
                (entry_id, account_id, message_id, sender, json.dumps(list(recipients)), subject, b"", state, now,
                 now + max(0.0, delay), draft_id, _dump(compose_state), _dump(answered)),
            )
            insert_blob(conn, "INSERT INTO outbox_raw (id, raw) VALUES (?, zeroblob(?))", (entry_id,), "outbox_raw",
                        "raw", raw)
        self._notify(entry_id, state)
        with self._lock:
            row = self._conn.execute(f"{_SELECT_LIGHT} WHERE id = ?", (entry_id,)).fetchone()
        return replace(_entry(row), raw=raw)  # the bytes as given, not read back

    def restore(self, entries: Sequence[OutboxEntry]) -> None:
        """Put back entries salvaged from a damaged Outbox file (:func:`open_outbox`), as given: ids, states,
        times and errors. An id already here is left alone."""
        with self._transaction() as conn:
            for e in entries:
                conn.execute(
                    f"INSERT OR IGNORE INTO outbox ({_COLUMNS}) VALUES ({', '.join('?' * 18)})",
                    (e.id, e.account_id, e.message_id, e.sender, json.dumps(list(e.recipients)), e.subject, b"",
                     e.state, e.created, e.send_after, e.attempts, e.last_error, e.error_kind, e.sent_at,
                     e.copy_state, e.draft_id, _dump(e.compose_state), _dump(e.answered)),
                )
                conn.execute("INSERT OR IGNORE INTO outbox_raw (id, raw) VALUES (?, ?)", (e.id, e.raw))
        for e in entries:
            self._notify(e.id, e.state)

    # -- reading -------------------------------------------------------------------------------------------

    def get(self, entry_id: str) -> OutboxEntry | None:
        with self._lock:
            row = self._conn.execute(f"{_SELECT} WHERE id = ?", (entry_id,)).fetchone()
        return None if row is None else _entry(row)

    def head(self, entry_id: str, size: int = 256 * 1024) -> tuple[str, bytes] | None:
        """An entry's account and the first ``size`` bytes of its message (enough for its header block), without
        handing the rest of a big message to Python; read without waiting for a write in progress."""
        with self._list_lock:
            # Read through a blob handle: substr() would load the whole value first (25 MB of a big message, held
            # here while the Outbox's list, read on the GUI thread, waited for this lock).
            row = self._list_conn.execute(
                "SELECT outbox.account_id, outbox_raw.rowid, outbox.rowid FROM outbox "
                "LEFT JOIN outbox_raw USING (id) WHERE id = ?", (entry_id,)).fetchone()
            if row is None:
                return None
            account_id, raw_rowid, entry_rowid = row
            table, rowid = ("outbox_raw", raw_rowid) if raw_rowid is not None else ("outbox", entry_rowid)
            with self._list_conn.blobopen(table, "raw", rowid, readonly=True) as blob:
                start = blob.read(size)
        return str(account_id), start

    def draft_ids(self) -> set[str]:
        """The drafts whose messages are in the Outbox (without reading any message's bytes)."""
        with self._lock:
            rows = self._conn.execute("SELECT draft_id FROM outbox WHERE draft_id IS NOT NULL").fetchall()
        return {str(row[0]) for row in rows if row[0]}

    def entries(self, account_id: str | None = None, *, with_raw: bool = True) -> list[OutboxEntry]:
        """Every entry, oldest first. ``with_raw=False``: without the messages' bytes (``raw`` is empty), read
        without waiting for a write in progress (for views)."""
        sql = _SELECT if with_raw else _SELECT_LIGHT
        params: tuple[Any, ...] = ()
        if account_id is not None:
            sql += " WHERE account_id = ?"
            params = (account_id,)
        if with_raw:
            with self._lock:
                rows = self._conn.execute(sql + " ORDER BY created, id", params).fetchall()
        else:
            with self._list_lock:
                rows = self._list_conn.execute(sql + " ORDER BY created, id", params).fetchall()
        return [_entry(row) for row in rows]

    def due(self, now: float | None = None) -> list[OutboxEntry]:
        """Waiting entries whose time has come, the longest-waiting first."""
        moment = self.clock() if now is None else now
        with self._lock:
            rows = self._conn.execute(
                f"{_SELECT} WHERE state IN {_WAITING} AND send_after <= ? "
                "ORDER BY send_after, created",
                (moment,),
            ).fetchall()
        return [_entry(row) for row in rows]

    def copies_pending(self) -> list[OutboxEntry]:
        """Sent entries whose copy to Sent still has to be filed (retried until it is)."""
        with self._lock:
            rows = self._conn.execute(
                f"{_SELECT} WHERE state = 'sent' AND copy_state = 'pending' "
                "AND send_after <= ? ORDER BY sent_at", (self.clock(),)
            ).fetchall()
        return [_entry(row) for row in rows]

    def unconfirmed(self) -> list[OutboxEntry]:
        with self._lock:
            rows = self._conn.execute(
                f"{_SELECT} WHERE state = 'unconfirmed' AND send_after <= ? ORDER BY created",
                (self.clock(),),
            ).fetchall()
        return [_entry(row) for row in rows]

    def next_wakeup(self, *, excluding: Collection[str] = ()) -> float | None:
        """When something next becomes due (a waiting entry, a pending copy or an unconfirmed check), leaving out
        the entries of the accounts in ``excluding`` (those the caller is not working on for now)."""
        left_out = tuple(excluding)
        with self._lock:
            row = self._conn.execute(
                f"SELECT min(send_after) FROM outbox WHERE (state IN {_WAITING} OR state = 'unconfirmed' "
                "OR (state = 'sent' AND copy_state = 'pending')) "
                f"AND account_id NOT IN ({', '.join('?' * len(left_out))})",
                left_out,
            ).fetchone()
        return None if row[0] is None else float(row[0])

    # -- the sending protocol ------------------------------------------------------------------------------

    def recover_interrupted(self) -> list[str]:
        """Call at start-up, before any worker runs: entries left ``sending`` by a process that died become
        ``unconfirmed`` so the Sent folder is checked before they are ever sent again. Entries another living
        process is sending are left to it."""
        with self._transaction() as conn:
            rows = conn.execute("SELECT id, owner FROM outbox WHERE state = 'sending'").fetchall()
            ids = [entry_id for entry_id, owner in rows if owner != self.owner and not self._owners.is_alive(owner)]
            for entry_id in ids:
                conn.execute("UPDATE outbox SET state = 'unconfirmed', send_after = ? WHERE id = ? AND state = "
                             "'sending'", (self.clock(), entry_id))
        for entry_id in ids:
            self._notify(entry_id, "unconfirmed")
        return ids

    def claim(self, entry_id: str) -> OutboxEntry | None:
        """Mark a due entry ``sending`` (just before the SMTP transaction); None if it was taken back, claimed by
        someone else or is not due."""
        with self._transaction() as conn:
            changed = conn.execute(
                f"UPDATE outbox SET state = 'sending', attempts = attempts + 1, owner = ? WHERE id = ? AND state IN "
                f"{_WAITING} AND send_after <= ?",
                (self.owner, entry_id, self.clock()),
            ).rowcount
        if not changed:
            return None
        self._notify(entry_id, "sending")
        return self.get(entry_id)

    def mark_sent(self, entry_id: str, *, copy_state: CopyState = "pending", warning: str = "") -> None:
        """The server accepted the message (250). From here on it is never sent again."""
        self._set(entry_id, "sent", ("sending", "unconfirmed"), sent_at=self.clock(), copy_state=copy_state,
                  last_error=warning, error_kind="partial" if warning else "", send_after=self.clock())

    def mark_unconfirmed(self, entry_id: str, error: str) -> float:
        """The link broke after the whole message was sent, before the server's reply: it may have been delivered.
        Like an interrupted send it is looked for on the server — after the first backoff delay, so that a message
        the server did accept has had time to arrive — and then left to the person; never resent. Returns when."""
        when = self.clock() + self.retry.delay(1)
        self._set(entry_id, "unconfirmed", ("sending",), send_after=when, last_error=error, error_kind="uncertain")
        return when

    def mark_retry(self, entry_id: str, error: str) -> float:
        """A temporary failure: back to ``queued`` with the next attempt after the backoff; returns that time.

        Also valid before the entry was claimed (the server could not even be reached): that counts as an attempt.
        """
        entry = self.get(entry_id)
        claimed = entry is not None and entry.state == "sending"
        attempts = (entry.attempts if claimed else entry.attempts + 1) if entry else 1
        when = self.clock() + self.retry.delay(attempts)
        self._set(entry_id, "queued", ("sending", *WAITING_STATES), attempts_delta=0 if claimed else 1,
                  send_after=when, last_error=error, error_kind="temporary")
        return when

    def mark_failed(self, entry_id: str, error: str, kind: ErrorKind = "permanent") -> None:
        """Needs the person: kept, with the server's words, until it is edited, retried or deleted."""
        self._set(entry_id, "failed", ("sending", "unconfirmed", "scheduled", "queued"), last_error=error,
                  error_kind=kind)

    def postpone_check(self, entry_id: str, error: str) -> float:
        """An unconfirmed entry could not be checked (Sent unreachable): look again after the backoff."""
        entry = self.get(entry_id)
        when = self.clock() + self.retry.delay(entry.attempts if entry else 1)
        self._set(entry_id, "unconfirmed", ("unconfirmed",), send_after=when, last_error=error)
        return when

    def mark_copied(self, entry_id: str) -> None:
        """The copy is in Sent (or needs none): the entry's work is over and it leaves the Outbox."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM outbox WHERE id = ? AND state = 'sent'", (entry_id,))
        self._notify(entry_id, None)

    def copy_failed(self, entry_id: str, error: str) -> float:
        """Filing in Sent failed: the message is sent all the same; only the copy is tried again later."""
        entry = self.get(entry_id)
        when = self.clock() + self.retry.delay(entry.attempts if entry else 1)
        self._set(entry_id, "sent", ("sent",), send_after=when, last_error=error)
        return when

    # -- what the person can do ----------------------------------------------------------------------------

    def take_back(self, entry_id: str) -> OutboxEntry | None:
        """Undo send / edit: remove an entry that is not being sent and return it; None if too late."""
        with self._transaction() as conn:
            row = conn.execute(f"{_SELECT} WHERE id = ? AND state IN {_EDITABLE}",
                               (entry_id,)).fetchone()
            if row is None:
                return None
            conn.execute("DELETE FROM outbox WHERE id = ?", (entry_id,))
        self._notify(entry_id, None)
        return _entry(row)

    def send_now(self, entry_id: str) -> bool:
        """Skip the undo delay or the backoff, or retry a failed entry now (the person asked)."""
        with self._transaction() as conn:
            changed = conn.execute(
                f"UPDATE outbox SET state = 'queued', send_after = ? WHERE id = ? AND state IN {_EDITABLE}",
                (self.clock(), entry_id),
            ).rowcount
        if changed:
            self._notify(entry_id, "queued")
        return bool(changed)

    def retry_all_now(self, account_ids: Collection[str] | None = None) -> list[str]:
        """Bring every waiting entry (of ``account_ids``, default all) forward (the network came back, the keyring
        was unlocked); failed entries stay for the person."""
        where = "state = 'queued'"
        params: tuple[str, ...] = ()
        if account_ids is not None:
            params = tuple(account_ids)
            where += f" AND account_id IN ({', '.join('?' * len(params))})"
        with self._transaction() as conn:
            ids = [row[0] for row in conn.execute(f"SELECT id FROM outbox WHERE {where}", params)]
            conn.execute(f"UPDATE outbox SET send_after = ? WHERE {where} AND send_after > ?",
                         (self.clock(), *params, self.clock()))
        for entry_id in ids:
            self._notify(entry_id, "queued")
        return ids

    def confirm_interrupted_as_sent(self, entry_id: str) -> None:
        """The person checked that an interrupted message did go out: forget it without sending again."""
        with self._transaction() as conn:
            conn.execute("DELETE FROM outbox WHERE id = ? AND state = 'failed' AND error_kind = 'interrupted'",
                         (entry_id,))
        self._notify(entry_id, None)

    # -- internals -----------------------------------------------------------------------------------------

    def _set(self, entry_id: str, state: EntryState, expected: Sequence[EntryState], *, attempts_delta: int = 0,
             **fields: Any) -> bool:
        assignments = ["state = ?", "attempts = max(0, attempts + ?)"]
        params: list[Any] = [state, attempts_delta]
        for name, value in fields.items():
            assignments.append(f"{name} = ?")
            params.append(value)
        marks = ", ".join("?" * len(expected))
        with self._transaction() as conn:
            changed = conn.execute(
                f"UPDATE outbox SET {', '.join(assignments)} WHERE id = ? AND state IN ({marks})",
                (*params, entry_id, *expected),
            ).rowcount
        if changed:
            self._notify(entry_id, state)
        return bool(changed)


def _add_owner(conn: sqlite3.Connection) -> None:
    columns = {row[1] for row in conn.execute("PRAGMA table_info(outbox)")}
    if "owner" not in columns:  # a file from before owners were recorded
        conn.execute("ALTER TABLE outbox ADD COLUMN owner TEXT NOT NULL DEFAULT ''")


def _dump(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _entry(row: tuple[Any, ...]) -> OutboxEntry:
    (entry_id, account_id, message_id, sender, recipients, subject, raw, state, created, send_after, attempts,
     last_error, error_kind, sent_at, copy_state, draft_id, compose_state, answered) = row
    return OutboxEntry(
        id=entry_id,
        account_id=account_id,
        message_id=message_id,
        sender=sender,
        recipients=tuple(json.loads(recipients)),
        subject=subject,
        raw=bytes(raw),
        state=cast(EntryState, state),
        created=float(created),
        send_after=float(send_after),
        attempts=int(attempts),
        last_error=last_error,
        error_kind=cast(ErrorKind, error_kind),
        sent_at=None if sent_at is None else float(sent_at),
        copy_state=cast(CopyState, copy_state),
        draft_id=draft_id,
        compose_state=json.loads(compose_state) if compose_state else None,
        answered=json.loads(answered) if answered else None,
    )
