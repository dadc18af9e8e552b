"""The one door for background work: a bounded pool of threads whose results arrive on the GUI thread.

Every operation that runs off the GUI thread goes through :func:`runner` (an :class:`OperationRunner`, one per
process). No other module keeps operations or threads alive in lists of its own.

* **Submitting.** ``runner().submit(operation, priority=..., key=...)`` is called on the GUI thread and returns the
  :class:`~gui.workers.operation.Operation` at once. It is queued on the next turn of the GUI event loop, so whatever
  the caller connects to its signals right after the call is connected before it can run (a signal emitted before a
  connection is made is lost). The operation object stays on the GUI thread; its ``run()`` is called in a pool
  thread, and its signals (progress, then exactly one of finished/failed/cancelled, then done) are said on the GUI
  thread (:mod:`gui.workers.gui_thread`), where whatever is connected to them is called — lambdas included.
* **Bounded pool.** At most ``max_threads`` operations run at once; the others wait. A thread with nothing to do for
  ``IDLE_EXPIRY_S`` ends, and a new one starts when work comes.
* **Priority.** Lower numbers run first (``INTERACTIVE`` before ``BACKGROUND``); equal priorities run in order of
  submission. A running operation is never pre-empted.
* **Cancel.** ``runner().cancel(operation)`` (or ``operation.cancel()``): a queued operation is dropped and ends
  with ``cancelled`` at once; a running one is asked to stop and ends with ``cancelled`` at its next
  ``check_cancelled()``. Cancellation is silent: never ``failed``.
* **Supersede.** Operations submitted with the same ``key`` (e.g. "the message being opened") replace each other:
  the new one cancels the earlier one, queued or running. Only the newest of a key delivers ``finished``.
* **Keeping alive.** The runner holds each operation until the thread that ran it is done with it and one GUI
  event-loop turn later, so every queued signal it emitted has been delivered (a queued signal to a Python callable
  is lost if its sender is deleted first). Workers that must run their operations on a thread of their own (an
  account's worker owns the account's IMAP connection, which serialises its commands) use :meth:`track` and
  :meth:`finished_with` for the same guarantee; they keep no list of their own.
* **Quitting.** The runner is a part like the others for :func:`gui.workers.quitting.stop_all`:
  ``request_stop()`` cancels everything, ``interrupt()`` breaks blocking network calls of its operations (those
  that ran under ``operation.interrupter``), ``wait(deadline)`` waits for its threads. A thread that outlives the
  budget stays referenced here (a running QThread is never dropped). Submitting again later starts new threads
  (tests reuse one runner across windows).
"""

from __future__ import annotations

import atexit
import heapq
import itertools
import logging
import os
import threading
import time
import weakref
from collections.abc import Hashable
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

from connectors.interrupt import Interrupter

from .operation import Operation

log = logging.getLogger(__name__)

INTERACTIVE = 0
BACKGROUND = 10
IDLE_EXPIRY_S = 5.0
# Work that mostly waits (a connection test, a browser sign-in) must not starve parsing: four threads even on two cores.
DEFAULT_MAX_THREADS = max(4, min(8, os.cpu_count() or 4))


@dataclass(order=True)
class _Queued:
    priority: int
    order: int
    operation: Operation = field(compare=False)
    key: Hashable | None = field(compare=False, default=None)


class _PoolWorker(QObject):
    """One pool thread's loop: takes the most urgent queued operation, runs it, until idle too long or stopped.
    It holds the runner weakly: the runner holds it, and a reference cycle between them could be broken by Python's
    collector on a pool thread, deleting the runner's QObjects there (see :mod:`gui.workers.gui_thread`)."""

    def __init__(self, pool: OperationRunner) -> None:
        super().__init__()
        self._pool = weakref.ref(pool)

    @Slot()
    def loop(self) -> None:
        pool = self._pool()
        while pool is not None:
            entry = pool._next_for_thread()
            if entry is None:
                break
            operation = entry.operation
            if operation.is_cancelled():
                operation.say("cancelled")
                operation.say("done")
            else:
                with pool.interrupter.watching():
                    operation.run()
            pool._ran(entry)
            del entry, operation  # the GUI thread lets go of it, never this one
        del pool
        app = QCoreApplication.instance()
        if app is not None:
            self.moveToThread(app.thread())  # so that it is deleted in the GUI thread, where the runner drops it
        QThread.currentThread().quit()


class OperationRunner(QObject):
    """See the module's text. Create it on the GUI thread (:func:`runner` does)."""

    operationDone = Signal(object)
    """An operation this runner ran (or dropped) has ended; emitted on the GUI thread after its own signals."""
    _finishedWith = Signal(object)  # from any thread: an operation its runner is done with (queued to the GUI)

    def __init__(self, max_threads: int = DEFAULT_MAX_THREADS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.max_threads = max(1, max_threads)
        self.interrupter = Interrupter()
        self._lock = threading.Lock()
        self._wakeup = threading.Condition(self._lock)
        self._queue: list[_Queued] = []
        self._order = itertools.count()
        self._running: dict[int, _Queued] = {}  # id(operation) -> entry, while a pool thread runs it
        self._idle_threads = 0
        self._stopping = False
        self._threads: list[tuple[QThread, _PoolWorker]] = []
        self._held: dict[int, Operation] = {}  # every operation not yet released on the GUI thread
        self._keys: dict[Hashable, Operation] = {}
        self._unfinished: set[int] = set()  # id() of operations submitted here that have not ended yet
        self._finishedWith.connect(self._release)

    # -- submitting ------------------------------------------------------------------------------------------

    def submit(self, operation: Operation, *, priority: int = INTERACTIVE, key: Hashable | None = None) -> Operation:
        """Queue ``operation`` (see the module's text); returns it. Call on the GUI thread."""
        self.track(operation)
        with self._lock:
            self._unfinished.add(id(operation))
        if key is not None:
            earlier = self._keys.get(key)
            if earlier is not None and earlier is not operation:
                self.cancel(earlier)
            self._keys[key] = operation
        entry = _Queued(priority, next(self._order), operation, key)
        QTimer.singleShot(0, self, lambda: self._enqueue(entry))
        return operation

    def _enqueue(self, entry: _Queued) -> None:
        operation = entry.operation
        if operation.is_cancelled():
            self._drop(entry)
            return
        with self._lock:
            self._stopping = False
            heapq.heappush(self._queue, entry)
            start = len(self._queue) > self._idle_threads and len(self._running_threads()) < self.max_threads
            self._wakeup.notify()
        if start:
            self._start_thread()

    def cancel(self, operation: Operation) -> None:
        """Drop ``operation`` if it is queued, or ask it to stop if it runs (see the module's text)."""
        operation.cancel()
        with self._lock:
            queued = [entry for entry in self._queue if entry.operation is operation]
            if queued:
                self._queue = [entry for entry in self._queue if entry.operation is not operation]
                heapq.heapify(self._queue)
        for entry in queued:
            self._drop(entry)

    def _drop(self, entry: _Queued) -> None:
        """A queued operation that will not run ends as cancelled (on the GUI thread)."""
        operation = entry.operation
        operation.cancel()
        operation.cancelled.emit()
        operation.done.emit()
        with self._lock:
            self._unfinished.discard(id(operation))
        self.finished_with(operation)

    # -- keeping operations alive ----------------------------------------------------------------------------

    def track(self, operation: Operation) -> None:
        """Hold ``operation`` until :meth:`finished_with` (this runner's own submissions do both)."""
        self._held[id(operation)] = operation

    def finished_with(self, operation: Operation) -> None:
        """From any thread: ``operation`` has ended and its thread no longer touches it; it is released on the GUI
        thread one event-loop turn after its last queued signal."""
        self._finishedWith.emit(operation)

    @Slot(object)
    def _release(self, operation: Operation) -> None:
        def drop() -> None:
            self._held.pop(id(operation), None)
            for key, holder in list(self._keys.items()):
                if holder is operation:
                    del self._keys[key]

        QTimer.singleShot(0, self, drop)
        self.operationDone.emit(operation)

    def held(self) -> int:
        """How many operations are held (queued, running, or ended and not yet released)."""
        return len(self._held)

    def busy(self) -> bool:
        """True while an operation submitted here has not ended (about to be queued, queued or running)."""
        with self._lock:
            return bool(self._unfinished)

    # -- the pool --------------------------------------------------------------------------------------------

    def _running_threads(self) -> list[QThread]:
        alive = []
        for thread, _worker in self._threads:
            try:
                if not thread.isFinished():
                    alive.append(thread)
            except RuntimeError:
                pass  # deleted by Qt: it had ended
        return alive

    def _start_thread(self) -> None:
        self._reap()
        thread = QThread()
        thread.setObjectName("facteur-pool")
        worker = _PoolWorker(self)
        worker.moveToThread(thread)
        thread.started.connect(worker.loop)
        self._threads.append((thread, worker))
        thread.start()

    def _reap(self) -> None:
        """Let go of threads that have really ended (on the GUI thread; a running QThread is never dropped)."""
        kept = []
        for thread, worker in self._threads:
            if thread.isFinished():
                thread.wait()
            else:
                kept.append((thread, worker))
        self._threads = kept

    def _next_for_thread(self) -> _Queued | None:
        """In a pool thread: the next operation to run, or None when this thread should end."""
        with self._lock:
            deadline = time.monotonic() + IDLE_EXPIRY_S
            while not self._queue:
                if self._stopping:
                    return None
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._idle_threads += 1
                try:
                    self._wakeup.wait(left)
                finally:
                    self._idle_threads -= 1
            entry = heapq.heappop(self._queue)
            self._running[id(entry.operation)] = entry
            return entry

    def _ran(self, entry: _Queued) -> None:
        with self._lock:
            self._running.pop(id(entry.operation), None)
            self._unfinished.discard(id(entry.operation))
        self.finished_with(entry.operation)

    # -- quitting --------------------------------------------------------------------------------------------

    def request_stop(self) -> None:
        """Cancel every queued and running operation and let the threads end; returns at once."""
        with self._lock:
            self._stopping = True
            queued, self._queue = self._queue, []
            running = [entry.operation for entry in self._running.values()]
            self._wakeup.notify_all()
        for entry in queued:
            self._drop(entry)
        for operation in running:
            operation.cancel()

    def interrupt(self) -> None:
        """Break the running operations' blocking network calls (from any thread)."""
        self.interrupter.interrupt()

    def wait(self, deadline: float) -> bool:
        """Wait until ``deadline`` (time.monotonic()) for every pool thread to end; True if they have."""
        for thread in self._running_threads():
            if not thread.wait(max(0, int((deadline - time.monotonic()) * 1000))):
                return False
        self._reap()
        self.interrupter.reset()
        return True

    def stop(self, timeout_s: float = 2.0) -> bool:
        """Stop within ``timeout_s``: gracefully in the first half, then interrupted."""
        start = time.monotonic()
        self.request_stop()
        if self.wait(start + timeout_s / 2):
            return True
        self.interrupt()
        return self.wait(start + timeout_s)


_runner: OperationRunner | None = None


def runner() -> OperationRunner:
    """The process's runner, created on first use (a QApplication must exist; call on the GUI thread)."""
    global _runner
    if _runner is None:
        app = QCoreApplication.instance()
        assert app is not None, "a QApplication must exist"
        _runner = OperationRunner()
        if _runner.thread() is not app.thread():
            _runner.moveToThread(app.thread())
        app.aboutToQuit.connect(_stop_at_quit)
        atexit.register(_stop_at_exit)
    return _runner


def _stop_at_quit() -> None:
    if _runner is not None and _runner.busy():
        _stop_at_exit()


def _stop_at_exit() -> None:
    """Before the interpreter tears down: no pool thread may still run when its QThread is destroyed."""
    if _runner is None:
        return
    if not _runner.stop(2.0):
        from .quitting import keep

        log.warning("Background work did not stop in time; Facteur ends without waiting for it")
        keep([_runner])
