"""The sync engine (server → local store) and IMAP IDLE push. Pure Python, blocking: run them in worker threads."""

from .engine import Cancelled, CommandRefused, PermanentDeleteNeeded, SyncEngine, SyncProgress, SyncResult
from .idle import IdleWatcher
from .undo import NotUndoable

__all__ = [
    "Cancelled", "CommandRefused", "IdleWatcher", "NotUndoable", "PermanentDeleteNeeded", "SyncEngine", "SyncProgress",
    "SyncResult",
]
