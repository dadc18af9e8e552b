"""Change events: what the store tells its subscribers after each committed write.

Events are small frozen values, delivered by plain callbacks in the writer's thread right after the commit, one
batch per write call (or per ``MailStore.batch()`` block). The GUI worker relays them as queued Qt signals; a
model then reads what changed through its own reader connection.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FoldersChanged:
    """The folder list, a folder's attributes or a folder's counts changed: re-read ``folders()``."""


@dataclass(frozen=True, slots=True)
class MessagesAdded:
    folder: str
    uids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MessagesChanged:
    """Flags, labels or the cached body of these messages changed."""

    folder: str
    uids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MessagesRemoved:
    folder: str
    uids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class FolderReset:
    """Every message of the folder is gone (UIDVALIDITY changed, or the folder was renamed away)."""

    folder: str


StoreEvent = FoldersChanged | MessagesAdded | MessagesChanged | MessagesRemoved | FolderReset
Subscriber = Callable[[StoreEvent], None]

_MessageEventType = type[MessagesAdded] | type[MessagesChanged] | type[MessagesRemoved]


class EventBatch:
    """Collects the events of one write so that each (kind, folder) is reported once.

    Order: folder resets, then message events in first-seen order, then FoldersChanged. A reset supersedes the
    message events collected before it for that folder.
    """

    def __init__(self) -> None:
        self._resets: dict[str, None] = {}
        self._uids: dict[tuple[_MessageEventType, str], set[int]] = {}
        self._folders_changed = False

    def folders_changed(self) -> None:
        self._folders_changed = True

    def folder_reset(self, folder: str) -> None:
        self._resets[folder] = None
        for key in [key for key in self._uids if key[1] == folder]:
            del self._uids[key]

    def messages(self, kind: _MessageEventType, folder: str, uids: Iterable[int]) -> None:
        uid_set = set(uids)
        if uid_set:
            self._uids.setdefault((kind, folder), set()).update(uid_set)

    def touched(self, folder: str) -> tuple[bool, set[int]]:
        """Whether ``folder`` was reset in this write, and the UIDs of its messages added, changed or removed."""
        uids: set[int] = set()
        for (_kind, name), found in self._uids.items():
            if name == folder:
                uids |= found
        return folder in self._resets, uids

    def merge(self, other: EventBatch) -> None:
        """Fold a nested write's events into this one (after that nested write succeeded)."""
        for folder in other._resets:
            self.folder_reset(folder)
        for (kind, folder), uids in other._uids.items():
            self.messages(kind, folder, uids)
        self._folders_changed |= other._folders_changed

    def events(self) -> list[StoreEvent]:
        result: list[StoreEvent] = [FolderReset(folder) for folder in self._resets]
        result.extend(kind(folder, tuple(sorted(uids))) for (kind, folder), uids in self._uids.items())
        if self._folders_changed:
            result.append(FoldersChanged())
        return result


class EventHub:
    """The subscriber list. Subscribing and unsubscribing are safe from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Subscriber] = []

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def emit(self, events: Iterable[StoreEvent]) -> None:
        """Deliver each event to every subscriber. A failing subscriber is logged and skipped: the write it
        reports is already committed, so raising into the writer would only mislead it."""
        with self._lock:
            subscribers = list(self._subscribers)
        for event in events:
            for callback in subscribers:
                try:
                    callback(event)
                except Exception:
                    logger.exception("Mail store subscriber %r failed on %r", callback, event)
