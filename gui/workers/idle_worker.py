"""IMAP IDLE for one account's INBOX on its own connection and QThread, so new mail shows up by itself.

The :class:`IdleWorker` stays on the GUI thread and says its signals there; the IDLE loop runs in its thread side
(see :mod:`gui.workers.gui_thread`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QThread, Signal, Slot

from connectors.interrupt import Interrupter
from connectors.messaging.imap import IMAPConnector
from connectors.sync import IdleWatcher

from .gui_thread import GuiThreadObject, ThreadSide


class _IdleSide(ThreadSide):
    """Runs the IDLE loop on the worker's thread."""

    @Slot()
    def run(self) -> None:
        try:
            self.call("_run")
        finally:
            self.hand_back()
            QThread.currentThread().quit()


class IdleWorker(GuiThreadObject):
    """Runs ``IdleWatcher.run`` in its thread until ``stop()``; reports changes and connection state."""

    changed = Signal()
    """The watched folder changed on the server (new, expunged or re-flagged mail): sync it."""
    stateChanged = Signal(str)  # "online", "offline", "error" (waits for resume()), "stopped"
    failed = Signal(object)
    """What stopped IDLE until the person acts (refused password, untrusted certificate, locked keyring)."""

    _begin = Signal()

    def __init__(self, account_id: str, connect: Callable[[], IMAPConnector], folder: str = "INBOX", *,
                 watcher_factory: Callable[..., IdleWatcher] = IdleWatcher) -> None:
        super().__init__()
        self.account_id = account_id
        self.folder = folder
        self._stop = threading.Event()
        self._interrupter = Interrupter()
        # The watcher calls these on the worker's thread; they hold this object weakly (no reference cycle).
        self._watcher = watcher_factory(connect, folder, on_change=self.sayer("changed"),
                                        on_state=self.sayer("stateChanged"), on_error=self.sayer("failed"))
        self._thread = QThread()
        self._thread.setObjectName(f"idle-{account_id}")
        self._side = _IdleSide(self)
        self._side.moveToThread(self._thread)
        self._begin.connect(self._side.run)

    @property
    def thread_handle(self) -> QThread:
        return self._thread

    @property
    def watcher(self) -> IdleWatcher:
        return self._watcher

    def start(self) -> None:
        self._thread.start()
        self._begin.emit()

    def _run(self) -> None:
        """(Worker thread) IDLE until stopped."""
        with self._interrupter.watching():
            self._watcher.run(self._stop)

    def resume(self) -> None:
        """Try again after an error the person fixed (any thread)."""
        self._watcher.resume()

    def stop(self, timeout_ms: int = 2000) -> bool:
        """Leave IDLE (closing the socket if it is blocked) and end the thread within ``timeout_ms``."""
        self.request_stop()
        return self.wait_stopped(time.monotonic() + timeout_ms / 1000)

    def request_stop(self) -> None:
        """Leave at once: IDLE has nothing to finish, so its connection (or a connect in progress) is broken."""
        self._stop.set()
        self._interrupter.interrupt()
        self._thread.quit()

    def interrupt(self) -> None:
        self._interrupter.interrupt()

    def wait_stopped(self, deadline: float) -> bool:
        return self.wait(deadline)

    def wait(self, deadline: float) -> bool:
        """Wait until ``deadline`` (time.monotonic()) for the thread to end; True if it has."""
        if not self._thread.isRunning():
            return True
        return self._thread.wait(max(0, int((deadline - time.monotonic()) * 1000))) or self._thread.isFinished()

