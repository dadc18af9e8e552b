"""Read-only store handles lent to background threads, kept open between uses.

Opening a :class:`StoreReader` costs a file open, a schema check and a few PRAGMAs, and closing it throws away its
page cache; a thread pool that opened one per task (each opening of a message) paid that every time and held the
interpreter meanwhile. A ``ReaderPool`` lends a reader to one thread at a time and takes it back afterwards:

    with pool.reader() as reader:
        reader.readable_body(folder, uid)

At most ``keep`` idle readers stay open; a borrower finding none idle opens one more, closed on return if
``keep`` are idle already. :meth:`close` (when the account's session ends) closes the idle readers at once and each
lent one as it comes back; borrowing afterwards raises :class:`StoreError`. Thread-safe.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import StoreError
from .queries import StoreReader

DEFAULT_KEEP = 2


class ReaderPool:
    def __init__(self, path: Path, keep: int = DEFAULT_KEEP) -> None:
        self._path = path
        self._keep = max(1, keep)
        self._lock = threading.Lock()
        self._idle: list[StoreReader] = []
        self._lent = 0
        self._closed = False
        self.opened = 0
        """How many readers this pool has opened so far (tests and benches read it)."""

    @property
    def path(self) -> Path:
        return self._path

    @property
    def closed(self) -> bool:
        return self._closed

    def open_readers(self) -> int:
        """How many of its readers are open now (idle or lent)."""
        with self._lock:
            return len(self._idle) + self._lent

    @contextmanager
    def reader(self) -> Iterator[StoreReader]:
        """Lend a reader for the block (StoreError if the pool is closed or the store cannot be opened)."""
        with self._lock:
            if self._closed:
                raise StoreError(f"The mail store {self._path} is closed")
            lent = self._idle.pop() if self._idle else None
            self._lent += 1
        if lent is None:
            try:
                lent = StoreReader(self._path, shared=True)
            except BaseException:
                with self._lock:
                    self._lent -= 1
                raise
            with self._lock:
                self.opened += 1
        try:
            yield lent
        finally:
            with self._lock:
                self._lent -= 1
                keep = not self._closed and len(self._idle) < self._keep
                if keep:
                    self._idle.append(lent)
            if not keep:
                lent.close()

    def close(self) -> None:
        """Close the idle readers now, and the lent ones when they come back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for reader in idle:
            reader.close()
