"""Waiting for a locked keyring without asking for it: what waits goes on by itself once the keyring is open.

Reading a secret from a locked keyring brings up its unlock prompt, so whatever found the keyring locked (the
Outbox's send worker, an account's worker) stops trying and waits. The keyring may be unlocked elsewhere meanwhile
(the desktop's own prompt, a login, another application): a :class:`KeyringWatch` looks every few seconds at the
Secret Service collection's ``Locked`` property (:func:`gui.secrets.keyring_locked`), which never prompts, and says
when it is open. When that cannot be known quietly (another keyring backend, no Secret Service), it keeps waiting for
the person's Unlock or Retry.

A watch is a worker's public part (see :mod:`gui.workers.gui_thread`): it stays on the GUI thread and says ``opened``
and ``looked`` there; its timer, and the quiet look it makes (a D-Bus call), live on the thread of the worker's thread
side it is given (``home``), where it is started and stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ..secrets import keyring_locked
from .gui_thread import GuiThreadObject, ThreadSide

log = logging.getLogger(__name__)

KEYRING_POLL_MS = 5_000
"""While something waits for the keyring: how often to look, quietly, whether it was unlocked elsewhere."""


class _Looker(ThreadSide):
    """The watch's timer and its looks, on the worker's thread."""

    def __init__(self, watch: KeyringWatch, home: QObject | None) -> None:
        super().__init__(watch)
        if home is not None:
            self.setParent(home)  # it moves to the worker's thread with its home
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)

    @Slot()
    def tick(self) -> None:
        self.call("_tick")


class KeyringWatch(GuiThreadObject):
    """Looks every ``poll_ms`` (read when a watch begins) while :meth:`watch`\\ ed; says ``opened`` once the keyring
    is seen open, and stops. ``home``: the thread side of the worker that owns it, in whose thread it looks."""

    opened = Signal()
    looked = Signal(object)  # after each look: True (locked), False (open) or None (cannot be known quietly)

    def __init__(self, state: Callable[[], bool | None] = keyring_locked, poll_ms: int = KEYRING_POLL_MS,
                 home: QObject | None = None) -> None:
        super().__init__()
        self.state = state
        self.poll_ms = poll_ms
        self._looker = _Looker(self, home)
        self._timer = self._looker.timer

    @property
    def watching(self) -> bool:
        return self._timer.isActive()

    def watch(self) -> None:
        """Begin looking (in the home's thread); nothing changes if it already looks."""
        if not self._timer.isActive():
            self._timer.start(max(1, self.poll_ms))

    def stop(self) -> None:
        """Stop looking (in the home's thread): what waited goes on, or is gone."""
        self._timer.stop()

    def _tick(self) -> None:
        locked = self.state()
        self.say("looked", locked)
        if locked is False and self._timer.isActive():
            log.info("The keyring was unlocked")
            self._timer.stop()
            self.say("opened")
