"""One account's worker: the account's IMAP connection and sync engine, on a QThread of their own.

The :class:`AccountWorker` stays on the GUI thread and says its signals there; its thread side (requests, the
reconnection timer, the keyring watch's timer) lives on the account's thread (see :mod:`gui.workers.gui_thread`).

Operations (:class:`gui.workers.operation.Operation`) are created on the GUI thread and submitted here; they run
one at a time in this thread, so commands to the server never overlap. User actions (open a message, star it,
move it) jump ahead of background synchronisation, which is split per folder so that they never wait long. The
operations are kept alive by the process's runner (:mod:`gui.workers.runner`, ``track``/``finished_with``): this
thread is the account's own because the connection serialises its commands, not a second way of running work.

The worker knows whether the account is reachable: a network failure turns it "offline", drops the queued
background work, and schedules a reconnection with exponential backoff; while offline, new connections fail at
once instead of waiting out a timeout, and user actions still change the store and wait in its durable queue.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import sys
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, QTimer, Signal, Slot

from connectors.exceptions import (
    AuthenticationError,
    CertificateError,
    ConnectionError,
    InsecureConnectionError,
    SecretsUnavailable,
)
from connectors.interrupt import Interrupter
from connectors.messaging.imap import IMAPConnector
from connectors.store import MailStore, StoreCorruptError
from connectors.sync import Cancelled as SyncCancelled
from connectors.sync import SyncEngine

from .gui_thread import GuiThreadObject, ThreadSide
from .keyring_watch import KeyringWatch
from .operation import Cancelled, Operation
from .runner import BACKGROUND, INTERACTIVE, runner

log = logging.getLogger(__name__)

GUI_SWITCH_INTERVAL_S = 0.001
FIRST_BACKOFF_S = 2.0
MAX_BACKOFF_S = 300.0

Work = Callable[[Operation, SyncEngine], Any]


class _Job(Operation):
    """An operation whose work receives the account's engine (created lazily in the worker thread). It holds its
    worker weakly: the worker's queue holds it (no reference cycle, see :mod:`gui.workers.gui_thread`)."""

    def __init__(self, work: Work, name: str, priority: int) -> None:
        super().__init__(name=name)
        self.priority = priority
        self.account_work = work
        self.last = False  # the logout: the thread ends after it
        self.worker: weakref.ref[AccountWorker] | None = None

    def execute(self) -> Any:
        worker = self.worker() if self.worker is not None else None
        if worker is None:
            raise Cancelled()
        return worker._guarded(self, lambda: self.account_work(self, worker._engine_or_create()))  # noqa: SLF001


def _weak_connect(worker: AccountWorker) -> Callable[[], IMAPConnector]:
    ref = weakref.ref(worker)

    def connect() -> IMAPConnector:
        alive = ref()
        if alive is None:
            raise ConnectionError("the account's worker is gone")
        return alive._connect_now()  # noqa: SLF001

    return connect


class _AccountSide(ThreadSide):
    """The worker's presence on the account's thread: it runs the queue and owns the reconnection timer."""

    def __init__(self, worker: AccountWorker) -> None:
        super().__init__(worker)
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.timeout.connect(self.retry_due)

    @Slot()
    def drain(self) -> None:
        self.call("_drain")

    @Slot()
    def retry_due(self) -> None:
        self.call("_retry_due")

    @Slot()
    def stop_retry(self) -> None:
        self.retry.stop()


class AccountWorker(GuiThreadObject):
    """Works in its own thread (``start()``); every public method may be called from the GUI thread, and its signals
    are said on the GUI thread (see :mod:`gui.workers.gui_thread`)."""

    stateChanged = Signal(str)
    """"connecting", "online", "offline" (will retry), "error" (needs the person: password, certificate) or "locked"
    (the keyring is locked: waits until the person unlocks it, without prompting again by itself)."""
    connectionProblem = Signal(object)
    """The exception that made the account offline or in error (once per change of state)."""
    reconnectDue = Signal()
    """Backoff elapsed: the session should try again (it queues a reconnection and a sync)."""
    storeDamaged = Signal()
    """SQLite found the store's file damaged: it is marked, and rebuilt when the account's session is reopened."""
    keyringOpened = Signal()
    """While "locked": the keyring was seen unlocked (elsewhere, without a prompt): the session connects again."""

    _wake = Signal()  # queued to the thread side: run the queue
    _stopRetry = Signal()

    def __init__(self, account_id: str, store: MailStore, connect: Callable[[], IMAPConnector], *,
                 engine_factory: Callable[[MailStore, Callable[[], IMAPConnector]], SyncEngine] = SyncEngine) -> None:
        super().__init__()
        self.account_id = account_id
        self.store = store
        self._connect = connect
        self._engine_factory = engine_factory
        self._engine: SyncEngine | None = None
        self._lock = threading.Lock()
        self._queue: list[tuple[int, int, _Job]] = []
        self._order = itertools.count()
        self._current: _Job | None = None
        self._yielding = False
        self._live: IMAPConnector | None = None
        self._state = "offline"
        self._offline_since: float | None = None
        self._next_attempt = 0.0  # monotonic time before which connecting fails at once (while offline)
        self._backoff = FIRST_BACKOFF_S
        self._stopping = False
        self._interrupter = Interrupter()
        # The runner holds this worker's operations until the worker is done with them (it lives on the GUI thread).
        self._runner = runner()
        self._thread = QThread()
        self._thread.setObjectName(f"account-{account_id}")
        self._side = _AccountSide(self)
        self._retry = self._side.retry
        # While "locked", looks quietly whether the keyring was opened elsewhere (as the Outbox does); its timer is a
        # child of the thread side, and moves with it.
        self.keyring_watch = KeyringWatch(home=self._side)
        self._side.moveToThread(self._thread)
        self._wake.connect(self._side.drain)
        self._stopRetry.connect(self._side.stop_retry)
        self.keyring_watch.opened.connect(self._keyring_seen_open)

    # -- life ------------------------------------------------------------------------------------------------

    @property
    def thread_handle(self) -> QThread:
        return self._thread

    @property
    def state(self) -> str:
        return self._state

    def start(self) -> None:
        # While a worker runs Python code (parsing thousands of headers), every call Qt makes into Python on the
        # GUI thread (each data() of a painted cell) first waits for the GIL, up to the switch interval. The
        # default 5 ms makes painting a list take a good fraction of a second; 1 ms keeps it fluid.
        if sys.getswitchinterval() > GUI_SWITCH_INTERVAL_S:
            sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
        self._thread.start()

    def stop(self, timeout_ms: int = 2000) -> bool:
        """Cancel everything, log out if that is quick, and end the thread. Returns False if it had to be
        abandoned (a blocked network call that even a closed socket did not break)."""
        self.request_stop()
        return self.wait_stopped(time.monotonic() + timeout_ms / 1000)

    def request_stop(self) -> None:
        """Cancel the queue and the running operation and queue the logout; returns at once."""
        with self._lock:
            if self._stopping:
                return
            self._stopping = True
            dropped = [job for _, _, job in self._queue]
            self._queue.clear()
            current = self._current
        for job in dropped:
            self._drop(job)
        if current is not None:
            current.cancel()
        closing = _Job(lambda _op, engine: engine.close(), "close", INTERACTIVE)
        closing.last = True
        self._enqueue(closing, force=True)

    def _end_on_thread(self) -> None:
        """After the logout, in the worker thread: stop the timers there, hand the thread side back to the GUI
        thread (a QObject must die in a living thread) and end the thread. Said here, not by a signal: the GUI
        thread may be blocked in wait() meanwhile, so a queued quit would never be delivered."""
        self._retry.stop()
        self.keyring_watch.stop()
        self._side.hand_back()
        QThread.currentThread().quit()

    def wait_stopped(self, deadline: float) -> bool:
        """Wait until ``deadline`` (time.monotonic()) for the thread to end, breaking a blocked call halfway."""
        if not self._thread.isRunning():
            return True
        halfway = (deadline - time.monotonic()) / 2
        if self.wait(time.monotonic() + halfway):
            return True
        self.interrupt()
        return self.wait(deadline)

    def wait(self, deadline: float) -> bool:
        """Wait until ``deadline`` (time.monotonic()) for the thread to end; True if it has."""
        return self._thread.wait(max(0, int((deadline - time.monotonic()) * 1000))) or self._thread.isFinished()

    def interrupt(self) -> None:
        """Break the worker's blocking network call — a connect, a read, a write — from any thread; connections
        it tries afterwards fail at once (used when quitting)."""
        self._interrupter.interrupt()

    # -- the queue -------------------------------------------------------------------------------------------

    def submit(self, work: Work, name: str, priority: int = INTERACTIVE) -> Operation:
        """Queue ``work(operation, engine)`` and return its operation (call from the GUI thread).

        The operation is queued on the next turn of the GUI event loop, so that whatever the caller connects to
        its signals right after this call is connected before it can run (a signal emitted before a connection
        is made is lost). It runs in the worker thread; its signals are said on the GUI thread.
        """
        job = _Job(work, name, priority)
        job.worker = weakref.ref(self)
        self._runner.track(job)
        QTimer.singleShot(0, self._runner, lambda: self._enqueue(job))
        return job

    def _enqueue(self, job: _Job, force: bool = False) -> None:
        self._runner.track(job)
        job.worker = weakref.ref(self)
        with self._lock:
            if self._stopping and not force:
                refused = True
            else:
                refused = False
                heapq.heappush(self._queue, (job.priority, next(self._order), job))
        if refused:
            QTimer.singleShot(0, self._runner, lambda: self._drop(job))  # reported as cancelled, like the rest
            return
        self._wake.emit()

    def _drop(self, job: _Job) -> None:
        """A queued operation that will not run: it ends as cancelled (from whichever thread drops it)."""
        job.cancel()
        job.say("cancelled")
        job.say("done")
        self._runner.finished_with(job)

    def cancel_background(self) -> None:
        """Stop synchronising: the running background operation stops at its next step, queued ones are dropped."""
        with self._lock:
            kept = [entry for entry in self._queue if entry[2].priority < BACKGROUND]
            dropped = [entry[2] for entry in self._queue if entry[2].priority >= BACKGROUND]
            self._queue = kept
            heapq.heapify(self._queue)
            current = self._current
        for job in dropped:
            self._drop(job)
        if current is not None and current.priority >= BACKGROUND:
            current.cancel()

    def run_interactive_now(self) -> None:
        """Run the queued INTERACTIVE operations at once (in the worker thread, from inside a long background
        operation such as a big folder's header sync, between two batches): opening a message does not wait for
        the sync to end. Never nested: an operation run here cannot itself yield."""
        if self._yielding:
            return
        self._yielding = True
        try:
            while True:
                with self._lock:
                    if not self._queue or self._queue[0][0] > INTERACTIVE:
                        return
                    _, _, job = heapq.heappop(self._queue)
                self._run(job)
        finally:
            self._yielding = False

    def _drain(self) -> None:
        """Run queued operations until none is left (in the worker thread)."""
        while True:
            with self._lock:
                if not self._queue:
                    self._current = None
                    return
                _, _, job = heapq.heappop(self._queue)
                self._current = job
            self._run(job)

    def _run(self, job: _Job) -> None:
        """Run one operation (in the worker thread); after the logout, the thread ends."""
        try:
            if job.is_cancelled():
                job.say("cancelled")
                job.say("done")
            else:
                job.run()
            self._runner.finished_with(job)
        finally:
            if job.last:
                self._end_on_thread()

    # -- connection state ------------------------------------------------------------------------------------

    def _engine_or_create(self) -> SyncEngine:
        if self._engine is None:
            # The engine holds its connection factory: a weak one, or worker → engine → worker would be a cycle.
            self._engine = self._engine_factory(self.store, _weak_connect(self))
        return self._engine

    def _connect_now(self) -> IMAPConnector:
        """The engine's connection factory: fails at once while offline and the backoff has not elapsed."""
        if self._state == "offline" and time.monotonic() < self._next_attempt:
            raise ConnectionError(f"{self.account_id} is offline; Facteur will try again shortly")
        self._set_state("connecting")
        imap = self._connect()
        self._live = imap
        return imap

    def _guarded(self, job: Operation, work: Callable[[], Any]) -> Any:
        """Run ``work`` with the account's error policy: cancellations are silent, network failures make the
        account offline (and schedule a retry), authentication and certificate failures need the person."""
        job.check_cancelled()
        try:
            with self._interrupter.watching():
                result = work()
        except SyncCancelled:
            raise Cancelled() from None
        except StoreCorruptError:
            self.say("storeDamaged")
            raise
        except SecretsUnavailable as exc:
            self._went_wrong("locked", exc)
            raise
        except (AuthenticationError, CertificateError, InsecureConnectionError) as exc:
            self._went_wrong("error", exc)
            raise
        except ConnectionError as exc:
            if job.is_cancelled() or self._stopping:
                raise Cancelled() from None  # the socket was closed on purpose
            self._went_wrong("offline", exc)
            raise
        if self._live is not None and self._live.is_connected():
            self._came_back()
        return result

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.say("stateChanged", state)

    def _came_back(self) -> None:
        self.keyring_watch.stop()
        self._offline_since = None
        self._next_attempt = 0.0
        self._backoff = FIRST_BACKOFF_S
        self._set_state("online")

    def _went_wrong(self, state: str, exc: BaseException) -> None:
        first = self._state not in ("offline", "error", "locked")
        if self._offline_since is None:
            self._offline_since = time.monotonic()
        self._set_state(state)
        if first:
            self.say("connectionProblem", exc)
        # Queued background work would only fail the same way: it is queued again once reconnected.
        with self._lock:
            dropped = [entry[2] for entry in self._queue if entry[2].priority >= BACKGROUND]
            self._queue = [entry for entry in self._queue if entry[2].priority < BACKGROUND]
            heapq.heapify(self._queue)
        for queued in dropped:
            self._drop(queued)
        if state == "locked" and not self._stopping:
            self.keyring_watch.watch()  # never a new try by itself (each brings the unlock prompt back): a look
        if state == "offline" and not self._stopping:
            self._next_attempt = time.monotonic() + self._backoff
            self._retry.start(int(self._backoff * 1000))
            self._backoff = min(self._backoff * 2, MAX_BACKOFF_S)

    @Slot()
    def _keyring_seen_open(self) -> None:
        if self._state == "locked" and not self._stopping:
            log.info("The keyring of %s was unlocked: connecting again", self.account_id)
            self.say("keyringOpened")

    def _retry_due(self) -> None:
        if not self._stopping:
            self.say("reconnectDue")

    def retry_now(self) -> None:
        """Forget the backoff (the person pressed "Try again", or the IDLE connection came back)."""
        self._backoff = FIRST_BACKOFF_S
        self._next_attempt = 0.0
        self._stopRetry.emit()  # the timer belongs to the worker thread
        self.say("reconnectDue")
