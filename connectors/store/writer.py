"""The writer's connection, its transactions and the events they produce."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from . import deferred, fts
from .connection import open_writer
from .errors import StoreCorruptError, StoreError, store_error
from .events import EventBatch, EventHub, Subscriber
from .queries import ReadQueries
from .schema import migrate


def _damage_found(conn: sqlite3.Connection) -> str:
    """What ``PRAGMA quick_check`` found wrong ("" when the file is sound). A damaged file can open, sync and
    search while returning wrong or missing rows; this reads every page to find it before anything is trusted."""
    problems = [str(row[0]) for row in conn.execute("PRAGMA quick_check(5)")]
    return "" if problems == ["ok"] else "; ".join(problems)[:300]


class WriterBase(ReadQueries):
    """Owns the single read-write connection of a store and runs every write as one transaction.

    Writes are meant to come from one thread (the account's sync worker); a re-entrant lock still serialises
    calls from elsewhere so a stray call cannot interleave with a transaction. Reads through this object use the
    same connection (and lock): other threads should read through ``open_reader()`` handles instead.
    """

    def __init__(self, path: Path, *, check: bool = True) -> None:
        try:
            conn = open_writer(path)
        except sqlite3.Error as error:
            raise store_error(f"Could not open the mail store {path}: {error}", error, path) from error
        except OSError as error:  # preparing the file (folders, permissions) failed
            raise StoreError(f"Could not open the mail store {path}: {error}") from error
        try:
            damage = _damage_found(conn) if check else ""
            if damage:
                conn.close()
                raise StoreCorruptError(f"The mail store {path} is damaged ({damage})", path)
            deferred.build_all(conn)  # left out by a sync that was stopped: before any step that may redefine them
            migrate(conn)
            fts.finish_empty_build(conn)
        except sqlite3.Error as error:
            conn.close()
            raise store_error(f"Could not prepare the mail store {path}: {error}", error, path) from error
        except BaseException:
            conn.close()
            raise
        self._write_lock = threading.RLock()
        super().__init__(conn, self._write_lock, path)
        self._events = EventHub()
        self._batch: EventBatch | None = None
        self._closed = False

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(event)`` after each committed write; returns the function that unsubscribes.

        Callbacks run in the writing thread, after the commit and before the write call returns, one event per
        (kind, folder) per write. They must be quick and must not wait for another thread that might be
        writing (relaying to a queued Qt signal is the intended use).
        """
        return self._events.subscribe(callback)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group several write calls into one transaction whose events are delivered once, after it commits.

        If the block raises, everything written inside it is rolled back and no event is delivered.
        """
        with self._write():
            yield

    @contextmanager
    def _write(self) -> Iterator[EventBatch]:
        """One write: a transaction (or a savepoint inside ``batch()``) whose events go out after commit."""
        with self._write_lock:
            if self._closed:
                raise StoreError(f"The mail store {self._path} is closed")
            outer = self._batch
            batch = EventBatch()
            self._begin(nested=outer is not None)
            self._batch = batch
            try:
                yield batch
                if outer is None:
                    self._before_commit(batch)
            except sqlite3.Error as error:
                self._batch = outer
                self._rollback(nested=outer is not None)
                raise store_error(f"Writing the mail store {self._path} failed: {error}", error, self._path) from error
            except BaseException:
                self._batch = outer
                self._rollback(nested=outer is not None)
                raise
            self._batch = outer
            if outer is not None:
                self._execute("RELEASE facteur_nested")
                outer.merge(batch)
                return
            self._commit()
            self._events.emit(batch.events())

    def _before_commit(self, batch: EventBatch) -> None:
        """Runs at the end of each outermost write, inside its transaction: what follows from it in other rows
        (Gmail's label views, see ``connectors.store.gmail``) is written there, its events added to ``batch``."""

    def _execute(self, statement: str) -> None:
        try:
            self._conn.execute(statement)
        except sqlite3.Error as error:
            raise store_error(f"Writing the mail store {self._path} failed: {error}", error, self._path) from error

    def _begin(self, nested: bool) -> None:
        self._execute("SAVEPOINT facteur_nested" if nested else "BEGIN IMMEDIATE")

    def _commit(self) -> None:
        try:
            self._conn.execute("COMMIT")
        except sqlite3.Error as error:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise store_error(f"Saving to the mail store {self._path} failed: {error}", error, self._path) from error

    def _rollback(self, nested: bool) -> None:
        if not self._conn.in_transaction:
            return  # SQLite already rolled back (e.g. on a full disk)
        if nested:
            self._conn.execute("ROLLBACK TO facteur_nested")
            self._conn.execute("RELEASE facteur_nested")
        else:
            self._conn.execute("ROLLBACK")

    def check_integrity(self) -> None:
        """Read the whole file (``PRAGMA quick_check``); raise :class:`StoreCorruptError`, and mark the store for
        rebuilding at its next open, if it is damaged. For stores opened with ``check=False`` (the check takes
        about a second per 100 MB, better spent in a worker thread than where the store is opened)."""
        with self._write_lock:
            try:
                damage = _damage_found(self._conn)
            except sqlite3.Error as error:
                raise store_error(f"Checking the mail store {self._path} failed: {error}", error, self._path) from error
        if damage:
            raise store_error(f"The mail store {self._path} is damaged ({damage})",
                              sqlite3.DatabaseError("database disk image is malformed"), self._path)

    def close(self) -> None:
        """Close the writer connection (open readers stay usable until they are closed)."""
        with self._write_lock:
            if self._closed:
                return
            self._closed = True
            with suppress(sqlite3.Error):  # best effort: it only refreshes planner statistics
                self._conn.execute("PRAGMA optimize")
            self._conn.close()
