"""Quitting within a bound: every part is asked at once, none waits behind another, none is dropped while running.

Each part (an account's workers, the send worker, the store loader) has three moves: ``request_stop()`` begins a
graceful stop and returns at once (cancel, log out, finish the message being sent), ``interrupt()`` breaks its
blocking network calls, and ``wait(deadline)`` waits for its threads. :func:`stop_all` gives every part the first
half of the budget to stop gracefully, then interrupts those still running and waits out the rest.

A part that outlives even that (a DNS lookup cannot be broken) is kept here for the life of the process: dropping
the last reference to a running QThread destroys it, and Qt aborts the process. :func:`main` in :mod:`gui.app`
then ends the process without tearing those objects down (see :func:`leftovers`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)


class Stoppable(Protocol):
    def request_stop(self) -> None: ...

    def interrupt(self) -> None: ...

    def wait(self, deadline: float) -> bool: ...


_kept: list[object] = []


def stop_all(parts: Sequence[Stoppable], budget_s: float) -> list[Stoppable]:
    """Stop every part within ``budget_s`` seconds; returns those still running (kept, see the module's text)."""
    start = time.monotonic()
    for part in parts:
        part.request_stop()
    graceful = start + budget_s / 2
    running = [part for part in parts if not part.wait(graceful)]
    for part in running:
        part.interrupt()
    deadline = start + budget_s
    left = [part for part in running if not part.wait(deadline)]
    for part in left:
        log.warning("%s did not stop within %.1f s; Facteur ends without waiting for it", type(part).__name__,
                    budget_s)
    keep(left)
    return left


def keep(objects: Sequence[object]) -> None:
    """Hold objects whose threads still run until they end (or the process does)."""
    _kept.extend(objects)


def release_when_stopped(part: Stoppable, release: Callable[[], None], parent: QObject) -> None:
    """Call ``release`` (close the part's stores) once a part that outlived the quit budget has ended, if the
    event loop still runs by then; and stop keeping it."""
    poll = QTimer(parent)
    poll.setInterval(50)

    def check() -> None:
        if part.wait(time.monotonic()):
            poll.stop()
            poll.deleteLater()
            if part in _kept:
                _kept.remove(part)
            release()

    poll.timeout.connect(check)
    poll.start()


def leftovers() -> int:
    """How many parts were left running at quit (0 after every clean quit)."""
    return len(_kept)
