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


_kept: dict[Stoppable, Callable[[], None] | None] = {}
"""Parts still running after their budget, with what to release (close their stores) once they end."""

GRACE_FRACTION = 1 / 3  # of the budget, to stop without breaking anything (log out, end the message being sent)


def stop_all(parts: Sequence[Stoppable], budget_s: float) -> list[Stoppable]:
    """Stop every part within ``budget_s`` seconds; returns those still running (kept, see the module's text)."""
    start = time.monotonic()
    for part in parts:
        part.request_stop()
    running = [part for part in parts if not part.wait(start + budget_s * GRACE_FRACTION)]
    for part in running:
        part.interrupt()
    interrupted = time.monotonic()
    left = [part for part in running if not part.wait(start + budget_s)]
    log.info("Quit: %d part(s) stopped in %.2f s, %d interrupted then, %d stopped %.2f s later, %d left",
             len(parts) - len(running), interrupted - start, len(running), len(running) - len(left),
             time.monotonic() - interrupted, len(left))
    for part in left:
        log.warning("%s did not stop within %.1f s; the window closes without waiting for it", type(part).__name__,
                    budget_s)
    keep(left)
    return left


def keep(parts: Sequence[Stoppable]) -> None:
    """Hold parts whose threads still run until they end (or the process does)."""
    for part in parts:
        _kept.setdefault(part, None)


def release_when_stopped(part: Stoppable, release: Callable[[], None], parent: QObject) -> None:
    """Call ``release`` (close the part's stores) once a part that outlived the quit budget has ended: by a poll
    while the event loop still runs, else in :func:`finish_leftovers`."""
    _kept[part] = release
    poll = QTimer(parent)
    poll.setInterval(50)

    def check() -> None:
        if part not in _kept:
            poll.stop()
            poll.deleteLater()
        elif part.wait(time.monotonic()):
            poll.stop()
            poll.deleteLater()
            _released(part)

    poll.timeout.connect(check)
    poll.start()


def _released(part: Stoppable) -> None:
    release = _kept.pop(part, None)
    if release is not None:
        release()


def finish_leftovers(timeout_s: float) -> int:
    """After the window has closed: give parts still running ``timeout_s`` more to end, release those that did,
    and return how many are still running (the process must then end without tearing them down)."""
    deadline = time.monotonic() + timeout_s
    for part in list(_kept):
        if part.wait(deadline):
            _released(part)
    return len(_kept)


def leftovers() -> int:
    """How many parts are still running after their quit budget (0 after every clean quit)."""
    return len(_kept)
