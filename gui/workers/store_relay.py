"""Store events → Qt signals on the GUI thread, merged so that a busy sync never floods the views.

The store calls its subscribers in the writing thread (an account worker) after each commit. The relay turns each
event into a queued signal to itself on the GUI thread, merges what arrives within a short interval, and emits one
signal per (kind, folder) with plain data. The interval grows with the time the views took to digest the previous
batch, so the GUI thread never spends more than a fraction of its time on updates, however fast the sync writes.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from connectors.store import (
    FolderReset,
    FoldersChanged,
    MailStore,
    MessagesAdded,
    MessagesChanged,
    MessagesRemoved,
    StoreEvent,
)

MIN_INTERVAL_MS = 30
BUSY_INTERVAL_MS = 250
MAX_INTERVAL_MS = 500
# Dispatches closer together than this mean a sync is pouring in: the views then take changes a few times a
# second, which keeps the list current to the eye while leaving the GUI thread (and the GIL) mostly free.
BUSY_WITHIN_S = 0.5


@dataclass
class _Pending:
    """What changed in one account since the last dispatch."""

    folders_changed: bool = False
    resets: set[str] = field(default_factory=set)
    added: dict[str, set[int]] = field(default_factory=dict)
    changed: dict[str, set[int]] = field(default_factory=dict)
    removed: dict[str, set[int]] = field(default_factory=dict)

    def merge(self, event: StoreEvent) -> None:
        if isinstance(event, FoldersChanged):
            self.folders_changed = True
        elif isinstance(event, FolderReset):
            self.resets.add(event.folder)
        elif isinstance(event, MessagesAdded):
            self.added.setdefault(event.folder, set()).update(event.uids)
            self.removed.get(event.folder, set()).difference_update(event.uids)
        elif isinstance(event, MessagesRemoved):
            self.removed.setdefault(event.folder, set()).update(event.uids)
            self.added.get(event.folder, set()).difference_update(event.uids)
            self.changed.get(event.folder, set()).difference_update(event.uids)
        elif isinstance(event, MessagesChanged):
            self.changed.setdefault(event.folder, set()).update(event.uids)


class StoreEventRelay(QObject):
    """Relays the events of any number of account stores; every signal names the account first."""

    foldersChanged = Signal(str)  # account id
    folderReset = Signal(str, str)  # account id, folder
    messagesAdded = Signal(str, str, list)  # account id, folder, uids
    messagesChanged = Signal(str, str, list)
    messagesRemoved = Signal(str, str, list)

    _received = Signal(str, object)  # account id, event: crosses from the writer thread to this one

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: dict[str, _Pending] = {}
        self._last_flush = 0.0
        self._unsubscribers: dict[str, list[Callable[[], None]]] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(MIN_INTERVAL_MS)
        self._timer.timeout.connect(self.flush)
        self._received.connect(self._collect)

    def attach(self, account_id: str, store: MailStore) -> None:
        """Relay ``store``'s events as ``account_id``'s (the store may be written from any thread). The store holds
        this relay weakly: no relay → store → relay cycle that Python's collector could break on a worker thread."""
        ref = weakref.ref(self)

        def relay(event: StoreEvent) -> None:
            relay_object = ref()
            if relay_object is not None:
                relay_object._received.emit(account_id, event)  # noqa: SLF001

        self._unsubscribers.setdefault(account_id, []).append(store.subscribe(relay))

    def detach(self, account_id: str) -> None:
        for unsubscribe in self._unsubscribers.pop(account_id, []):
            unsubscribe()
        self._pending.pop(account_id, None)

    @Slot(str, object)
    def _collect(self, account_id: str, event: StoreEvent) -> None:
        if account_id not in self._unsubscribers:
            return  # arrived after the account was detached
        self._pending.setdefault(account_id, _Pending()).merge(event)
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def flush(self) -> None:
        """Emit everything merged so far (also called directly by tests and before quitting)."""
        started = time.perf_counter()
        pending, self._pending = self._pending, {}
        for account_id, changes in pending.items():
            for folder in sorted(changes.resets):
                self.folderReset.emit(account_id, folder)
            for kind, signal in ((changes.removed, self.messagesRemoved), (changes.added, self.messagesAdded),
                                 (changes.changed, self.messagesChanged)):
                for folder, uids in kind.items():
                    if uids and folder not in changes.resets:
                        signal.emit(account_id, folder, sorted(uids))
            if changes.folders_changed or changes.resets:
                self.foldersChanged.emit(account_id)
        spent_ms = (time.perf_counter() - started) * 1000
        busy = started - self._last_flush < BUSY_WITHIN_S
        self._last_flush = started
        # Give the event loop at least four times what the views just needed before the next batch.
        floor = BUSY_INTERVAL_MS if busy else MIN_INTERVAL_MS
        self._timer.setInterval(int(min(MAX_INTERVAL_MS, max(floor, 4 * spent_ms))))
