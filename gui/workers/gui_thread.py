"""How a worker's signals reach their receivers on the GUI thread, whichever thread does the work.

PySide calls a Python callable connected to a signal (a lambda, a function, a bound method of a plain object such as
pytest-qt's ``waitSignal`` blocker) in the thread of the signal's *object*, and when the signal is emitted from
another thread, through a queued event of the callable's own. Both went wrong in this code base:

* a worker object moved to its QThread had every callable connected to its signals called on that thread: a
  ``waitSignal`` slot stopped and let go of a started QTimer there, and the GUI thread later fired the freed timer
  (a segfault in ``QTimerInfoList::activateTimers``);
* a signal emitted from a worker thread on a GUI-thread object queued an event for the callable; the callable was
  disconnected and freed before the event came, and delivering it crashed (``callPythonMetaMethod``).

So every worker whose signals are public is made of two objects:

1. **The public object** (a :class:`GuiThreadObject`) is created on the GUI thread and never moved. It emits its
   public signals with :meth:`GuiThreadObject.say`: at once when called on the GUI thread, otherwise through one
   queued hop to its own slot (a slot of a QObject: Qt drops that event if the object is deleted first), which emits
   the signal there. Whatever is connected to its signals is thus called on the GUI thread, at the emission itself.
   A private signal may still be emitted from any thread when it only reaches slots of QObjects (requests queued to
   the thread side).
2. **The thread side** (a :class:`ThreadSide`) is moved to the worker's thread: requests are queued to its slots,
   and the timers the work needs are its children, created, started and stopped on that thread.
3. The thread side holds the public object **weakly** (:meth:`ThreadSide.owner`), so the two never form a reference
   cycle: Python's collector runs on whichever thread allocates, and breaking such a cycle on the worker thread
   would delete the public object's QObject there (a hang was seen: that thread waited for the GIL inside ~QObject
   while the GUI thread held it waiting in ``QObject::connect``). The public object may hold its thread side.
4. When the work ends, the thread side is handed back to the GUI thread from its own thread
   (:meth:`ThreadSide.hand_back`), so it is deleted in a living thread, like every QObject must be.

Tests (``tests/gui/main/test_worker_threads.py``, ``tests/gui/composer/test_send_worker_threads.py``) connect plain
callables and ``qtbot.waitSignal`` to each worker's public signals and check that they run on the GUI thread, and
that no thread side reaches its public object through strong references.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot


class GuiThreadObject(QObject):
    """A QObject that stays on the GUI thread and emits its public signals there (see the module's text)."""

    _relayed = Signal(str, object)  # a public signal's name and arguments, said off this object's thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._relayed.connect(self._say_relayed)

    def say(self, name: str, *args: object) -> None:
        """Emit the signal ``name`` on this object's thread (the GUI thread): at once when called there, otherwise
        through one queued hop to this object's own slot. Signals said from one thread arrive in the order said."""
        if QThread.currentThread() is self.thread():
            getattr(self, name).emit(*args)
        else:
            self._relayed.emit(name, args)

    def sayer(self, name: str) -> Callable[..., None]:
        """A callable that says the signal ``name`` from any thread (for a callback kept by a plain Python object):
        it holds this object weakly, so the keeper forms no reference cycle with it."""
        ref = weakref.ref(self)

        def say(*args: object) -> None:
            speaker = ref()
            if speaker is not None:
                speaker.say(name, *args)

        return say

    @Slot(str, object)
    def _say_relayed(self, name: str, args: tuple[object, ...]) -> None:
        getattr(self, name).emit(*args)


class ThreadSide(QObject):
    """A worker's presence on its thread: its slots receive the worker's queued requests, its children (timers)
    live there. It holds its public object weakly (see the module's text)."""

    def __init__(self, owner: QObject) -> None:
        super().__init__()
        self._owner = weakref.ref(owner)

    def owner(self) -> Any:
        """The public object, or None once it is gone."""
        return self._owner()

    def call(self, name: str, *args: object) -> None:
        """Call the public object's method ``name`` here (on the worker's thread), if the object still exists."""
        owner = self._owner()
        if owner is not None:
            getattr(owner, name)(*args)

    def hand_back(self) -> None:
        """From its own thread, at the end: move to the GUI thread, where Python will delete it."""
        app = QCoreApplication.instance()
        if app is not None and self.thread() is not app.thread():
            self.moveToThread(app.thread())
