"""The Unlock action of a "keyring locked" account: the keyring's own prompt, off the GUI thread, then everything
that waited for a password (each account's worker and IDLE, the Outbox) goes on."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Signal, Slot

from ..secrets import unlock_keyring
from .account_session import AccountSession
from .operation import Operation
from .runner import runner


class KeyringUnlocker(QObject):
    unlocked = Signal()
    stillLocked = Signal(object)  # the SecretsUnavailable: the prompt was dismissed, or there is no keyring

    def __init__(self, sessions: Callable[[], Iterable[AccountSession]], retry_outbox: Callable[[], None],
                 parent: QObject | None = None, *, unlock: Callable[[], None] = unlock_keyring) -> None:
        super().__init__(parent)
        self._sessions = sessions
        self._retry_outbox = retry_outbox
        self._unlock = unlock
        self.running = False

    def unlock(self) -> None:
        """Ask once (a second click while the prompt is up does nothing)."""
        if self.running:
            return
        self.running = True
        operation = Operation(lambda _op: self._unlock(), name="unlock keyring")
        operation.finished.connect(self._opened)
        operation.failed.connect(self._refused)
        runner().submit(operation)

    @Slot(object)
    def _opened(self, _result: object) -> None:
        self.running = False
        for session in self._sessions():
            session.keyring_unlocked()
        self._retry_outbox()
        self.unlocked.emit()

    @Slot(object)
    def _refused(self, error: BaseException) -> None:
        self.running = False
        self.stillLocked.emit(error)
