"""The operation lifecycle every worker follows: progress(done, total), then exactly one of finished/failed.

An :class:`Operation` is a QObject whose ``run()`` executes in a worker thread (submitted to the runner,
:func:`gui.workers.runner.runner`, the one way to run one); ``cancel()`` may be called from any thread and is
honoured between steps (``check_cancelled()``). Cancellation is silent: it ends with ``cancelled``, never with
``failed``.

The operation itself stays on the GUI thread and its signals are said there (:mod:`gui.workers.gui_thread`): work
running in a worker thread reports with ``op.say("progress", done, total)`` / ``op.say("status", text)``, never
``op.progress.emit(...)``, so that whatever is connected to them is called on the GUI thread at the emission.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal, Slot

from .gui_thread import GuiThreadObject

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside an operation when cancel() was requested."""


class Operation(GuiThreadObject):
    progress = Signal(int, int)  # done, total (total 0 = unknown)
    status = Signal(str)  # a short human description of the current step
    finished = Signal(object)  # the result
    failed = Signal(object)  # the exception (a connectors.exceptions type when it came from a connector)
    cancelled = Signal()
    done = Signal()  # after any of finished/failed/cancelled: time to clean up

    def __init__(self, work: Callable[[Operation], Any] | None = None, name: str = "") -> None:
        super().__init__()
        self._work = work
        self.name = name or type(self).__name__
        self._cancel = threading.Event()

    @property
    def cancel_event(self) -> threading.Event:
        return self._cancel

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def check_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def execute(self) -> Any:
        """The work; subclasses override this or pass ``work`` to the constructor."""
        if self._work is None:
            raise NotImplementedError
        return self._work(self)

    @Slot()
    def run(self) -> None:
        try:
            result = self.execute()
            if self._cancel.is_set():
                raise Cancelled()
        except Cancelled:
            self.say("cancelled")
        except Exception as exc:  # noqa: BLE001 - every failure must reach the GUI as a signal, never kill the thread
            log.info("%s failed: %s", self.name, exc)
            self.say("failed", exc)
        else:
            self.say("finished", result)
        self.say("done")
