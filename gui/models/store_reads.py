"""How the list models read the store: one place for what the flat list and the conversation list share.

A read is a function of a store reader. With a :class:`StoreLoader` it runs on the loader's thread and its result
comes back later on the GUI thread; without one (tests, small tools) it runs in place. Either way the model's
callback receives the result or the ``StoreError`` raised, and never a result made stale by a newer folder,
order or search (``forget``). A *serial* read (re-reading what is listed after a store change) runs one at a
time: asked for again while one is on its way, it is asked for once more when that one has arrived.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from connectors.store import StoreError

from .store_loader import StoreLoader

Then = Callable[[Any], None]


class Source(Protocol):
    @property
    def path(self) -> Any: ...


class StoreReads:
    def __init__(self, loader: StoreLoader | None) -> None:
        self._loader = loader
        self._generation = 0
        self._serial_reading = False
        self._again: Callable[[], None] | None = None

    @property
    def deferred(self) -> bool:
        """Whether reads arrive later (through the loader) rather than at once."""
        return self._loader is not None

    @property
    def serial_reading(self) -> bool:
        return self._serial_reading

    def forget(self) -> None:
        """What is listed changed: results of reads already asked for are dropped when they arrive."""
        self._generation += 1
        self._serial_reading = False
        self._again = None

    def read(self, source: Source, work: Callable[[Any], Any], then: Then, *, serial: bool = False,
             again: Callable[[], None] | None = None) -> None:
        """Run ``work(reader)`` and hand ``then`` its result (or the StoreError it raised).

        If a ``serial`` read is asked for while another is on its way, nothing is read now; ``again`` (the
        caller's own request, which looks at its state afresh), if given, is called once that one has arrived.
        """
        if serial and self._serial_reading:
            if again is not None:
                self._again = again
            return
        if self._loader is None:
            try:
                result = work(source)
            except StoreError as exc:
                result = exc
            then(result)
            return
        generation = self._generation
        if serial:
            self._serial_reading = True

        def arrived(result: Any) -> None:
            if generation != self._generation:
                return
            if serial:
                self._serial_reading = False
            then(result)
            if serial and self._again is not None and generation == self._generation and not self._serial_reading:
                rerun, self._again = self._again, None
                rerun()

        self._loader.submit(source.path, work, arrived)
