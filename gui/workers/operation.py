"""The operation lifecycle every worker follows: progress(done, total), then exactly one of finished/failed.

An :class:`Operation` is a QObject whose ``run()`` executes in a worker thread (started by
:func:`start_operation`); ``cancel()`` may be called from any thread and is honoured between steps
(``check_cancelled()``). Cancellation is silent: it ends with ``cancelled``, never with ``failed``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside an operation when cancel() was requested."""


class Operation(QObject):
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
            self.cancelled.emit()
        except Exception as exc:  # noqa: BLE001 - every failure must reach the GUI as a signal, never kill the thread
            log.info("%s failed: %s", self.name, exc)
            self.failed.emit(exc)
        else:
            self.finished.emit(result)
        self.done.emit()


# Python must keep every running operation alive until Qt has deleted it: if the caller drops its last reference,
# the wrapper would be collected (and the C++ object deleted) from the wrong thread, mid-run.
_running: set[tuple[Operation, QThread]] = set()


class _Reaper(QObject):
    """Lives on the GUI thread: lets go of a finished operation's thread there, once the thread has really ended.

    ``QThread.finished`` is emitted by the ending thread itself; letting go of the last reference right then (in a
    function called directly in that thread) would destroy a QThread that is still running its own finish.
    """

    releaseRequested = Signal(object)  # emitted by the ending thread, delivered here queued

    def __init__(self) -> None:
        super().__init__()
        self.releaseRequested.connect(self.release)

    @Slot(object)
    def release(self, entry: tuple[Operation, QThread]) -> None:
        try:
            entry[1].wait()  # returns at once: the thread has emitted finished and is only unwinding
        except RuntimeError:
            pass  # Qt already deleted it (deleteLater ran first): it had ended
        _running.discard(entry)


_reaper: _Reaper | None = None


def _reaper_on_gui_thread() -> _Reaper:
    global _reaper
    if _reaper is None:
        _reaper = _Reaper()
        app = QCoreApplication.instance()
        if app is not None and _reaper.thread() is not app.thread():
            _reaper.moveToThread(app.thread())
    return _reaper


def start_operation(operation: Operation, parent: QObject | None = None) -> QThread:
    """Run ``operation`` on a new QThread that quits and is cleaned up when the operation is done."""
    thread = QThread(parent)
    entry = (operation, thread)
    _running.add(entry)
    reaper = _reaper_on_gui_thread()
    thread.finished.connect(lambda: reaper.releaseRequested.emit(entry))
    thread.setObjectName(operation.name)
    operation.moveToThread(thread)
    thread.started.connect(operation.run)
    operation.done.connect(thread.quit)
    thread.finished.connect(operation.deleteLater)
    thread.finished.connect(thread.deleteLater)
    thread.start()
    return thread


def running_threads() -> list[QThread]:
    """Operation threads not yet released (quitting waits for them)."""
    return [thread for _operation, thread in list(_running)]
