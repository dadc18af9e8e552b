"""Operations that may outlive the page that started them (a connection test left running when the wizard closes).

Their threads are parented to the application, not to a widget, so closing a window never destroys a running
thread; when the application quits they are cancelled and waited for.

Python must keep each operation alive until Qt has deleted it: ``start_operation`` schedules ``deleteLater`` in
the worker thread, and if the last Python reference went away first, Python would delete the same object a
second time, from the wrong thread. So references are dropped only once Qt reports the object gone.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QCoreApplication, QThread, QTimer

from ..workers.operation import Operation, start_operation

_QUIT_WAIT_MS = 5000
_SWEEP_MS = 200


@dataclass
class _Entry:
    thread: QThread
    operation: Operation
    done: threading.Event


_entries: list[_Entry] = []
_sweeper: QTimer | None = None


def _sweep() -> None:
    _entries[:] = [e for e in _entries if not e.done.is_set() or shiboken6.isValid(e.operation)]
    if not _entries and _sweeper is not None:
        _sweeper.stop()


def _cancel_all() -> None:
    for entry in list(_entries):
        if not entry.done.is_set():
            entry.operation.cancel()
            if shiboken6.isValid(entry.thread):
                entry.thread.wait(_QUIT_WAIT_MS)


def _ensure_hooks(app: QCoreApplication) -> None:
    global _sweeper
    if _sweeper is None:
        _sweeper = QTimer(app)
        _sweeper.setInterval(_SWEEP_MS)
        _sweeper.timeout.connect(_sweep)
        app.aboutToQuit.connect(_cancel_all)
    if not _sweeper.isActive():
        _sweeper.start()


def run_in_background(operation: Operation) -> QThread:
    app = QCoreApplication.instance()
    assert app is not None, "a QApplication must exist"
    _ensure_hooks(app)
    done = threading.Event()
    # A plain function of the event only (no reference to the operation), called in the worker thread.
    operation.done.connect(done.set)
    thread = start_operation(operation, app)
    _entries.append(_Entry(thread, operation, done))
    return thread


def running_operations() -> list[Operation]:
    """Operations whose work has not ended yet (finished, failed or cancelled)."""
    return [e.operation for e in _entries if not e.done.is_set()]
