"""Reading the store for the models without holding up the GUI thread.

A sync worker keeps the interpreter busy with Python code (parsing thousands of headers). SQLite's Python module
gives the GIL up around every row it steps, so a read of 10,000 UIDs on the GUI thread waits for the GIL 10,000
times and freezes the window for a noticeable fraction of a second. Models therefore hand their big reads (a
folder's sorted UID list, a window of summaries, a page of conversations) to this loader, which runs them on a
thread of its own with one read-only store handle per store, and get the result back as a queued signal.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from connectors.store import StoreCorruptError, StoreError, StoreReader

log = logging.getLogger(__name__)

ReadWork = Callable[[StoreReader], Any]
Deliver = Callable[[Any], None]

LIST_CACHE_KIB = 64 * 1024
"""The page cache of the loader's handles, at most: a list search of 5,000 results reads each result's row by id,
and for sparse ones (``to:emma``, 2.7% of a 300k folder) those rows lie on pages spread over the whole table, which
SQLite's default reader cache (16 MB) keeps evicting (measured in bench/RESULTS.md, issue 13.5). SQLite takes the
memory as pages are read, for a large store only."""


class _Reader(QObject):
    """Lives in the loader's thread; owns the StoreReader handles (SQLite connections belong to one thread)."""

    finished = Signal(int, object)  # ticket, result (or the StoreError raised)

    def __init__(self, cache_kib: int) -> None:
        super().__init__()
        self._readers: dict[Path, StoreReader] = {}
        self._cache_kib = cache_kib

    @Slot(int, object, object)
    def run(self, ticket: int, path: Path, work: ReadWork) -> None:
        try:
            reader = self._readers.get(path)
            if reader is None:
                reader = self._readers[path] = StoreReader(path, cache_kib=self._cache_kib)
            result: Any = work(reader)
        except StoreError as exc:
            result = exc
        except Exception as exc:  # noqa: BLE001 - a failed read must reach the model, never kill the thread
            log.exception("A store read for the views failed")
            result = StoreError(str(exc))
        self.finished.emit(ticket, result)

    @Slot(object)
    def forget(self, path: Path) -> None:
        reader = self._readers.pop(path, None)
        if reader is not None:
            reader.close()

    @Slot()
    def close_all(self) -> None:
        for reader in self._readers.values():
            reader.close()
        self._readers.clear()
        QThread.currentThread().quit()


class StoreLoader(QObject):
    """Runs ``work(reader)`` off the GUI thread and calls ``deliver(result)`` back on it."""

    damaged = Signal(object)  # the Path of a store a read found damaged (it is marked for rebuilding)
    _request = Signal(int, object, object)
    _forget = Signal(object)
    _close = Signal()

    def __init__(self, parent: QObject | None = None, *, cache_kib: int = LIST_CACHE_KIB) -> None:
        super().__init__(parent)
        self._tickets = itertools.count(1)
        self._waiting: dict[int, Deliver] = {}
        self._stopping = False
        self._thread = QThread()
        self._thread.setObjectName("store-loader")
        self._reader = _Reader(cache_kib)
        self._reader.moveToThread(self._thread)
        self._request.connect(self._reader.run)
        self._forget.connect(self._reader.forget)
        self._close.connect(self._reader.close_all)
        self._reader.finished.connect(self._finished)
        self._thread.start()

    def submit(self, path: Path, work: ReadWork, deliver: Deliver) -> int:
        ticket = next(self._tickets)
        self._waiting[ticket] = deliver
        self._request.emit(ticket, Path(path), work)
        return ticket

    def pending(self) -> int:
        return len(self._waiting)

    @Slot(int, object)
    def _finished(self, ticket: int, result: Any) -> None:
        if isinstance(result, StoreCorruptError) and result.path is not None:
            self.damaged.emit(result.path)
        deliver = self._waiting.pop(ticket, None)
        if deliver is not None:
            deliver(result)

    def forget(self, path: Path) -> None:
        """Close the handle on a store (its account is being removed)."""
        self._forget.emit(Path(path))

    def stop(self, timeout_ms: int = 1000) -> bool:
        self.request_stop()
        return self.wait(time.monotonic() + timeout_ms / 1000)

    @property
    def thread_handle(self) -> QThread:
        return self._thread

    def request_stop(self) -> None:
        """Drop what is waiting and close the handles after the current read (returns at once)."""
        self._waiting.clear()
        if self._thread.isRunning() and not self._stopping:
            self._stopping = True
            self._close.emit()

    def interrupt(self) -> None:
        """Reads are local and short: nothing to break."""

    def wait(self, deadline: float) -> bool:
        if not self._thread.isRunning():
            return True
        return self._thread.wait(max(0, int((deadline - time.monotonic()) * 1000))) or self._thread.isFinished()
