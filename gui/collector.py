"""Python's cyclic garbage collector, run on the GUI thread only.

CPython runs a collection in whichever thread happens to allocate past the collector's threshold. A reference cycle
that holds a Qt object (a window and a lambda connected to its signals, a worker and its thread, a composer and its
drop filter) is then freed in that thread: its QObjects are deleted by a thread that does not own them, which Qt
forbids. The result is a crash, or a deadlock between the interpreter lock and one of Qt's own locks (a CI run hung
on one). Breaking every cycle is never finished; choosing the thread is.

So :func:`collect_on_gui_thread` turns automatic collection off, and a timer on the GUI thread collects when
CPython would have: it reads the same allocation counts against the same thresholds, collects the same
generations, and every collection happens on the GUI thread, between two events. Worker threads only allocate and
free by reference count, as before. Full collections, which scan every long-lived object, are paced: the next one
waits at least twenty times as long as the last one took, so their cost stays a small share of the GUI thread's
time however fast a sync allocates. (Anki's ``aqt`` does the same with its own collector timer.)
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QCoreApplication, QObject, QTimer

TICK_MS = 200
FULL_COLLECTION_SPACING = 20  # a full collection waits at least this many times the last one's duration


class GuiThreadCollector(QObject):
    """Owns the application's cyclic garbage collection; lives on the GUI thread as a child of the application."""

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self.setObjectName("facteur-gui-thread-collector")
        self._next_full_at = 0.0
        self.collections = [0, 0, 0]  # collections made, per generation (the tests read them)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.collect_due)
        gc.disable()
        self._timer.start()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count is over its threshold; return it, or -1 if none was due."""
        counts, thresholds = gc.get_count(), gc.get_threshold()  # gc.set_threshold() still tunes it
        if counts[0] <= thresholds[0]:  # as in CPython: older generations are looked at when gen 0 is due
            return -1
        due = [g for g in (0, 1, 2) if counts[g] > thresholds[g]]
        if 2 in due and time.monotonic() < self._next_full_at:
            due.remove(2)
        generation = max(due)
        started = time.monotonic()
        gc.collect(generation)
        if generation == 2:
            ended = time.monotonic()
            self._next_full_at = ended + FULL_COLLECTION_SPACING * (ended - started)
        self.collections[generation] += 1
        return generation

    def stop(self) -> None:
        """Hand collection back to CPython (the application is gone, or a test is done with it)."""
        self._timer.stop()
        gc.enable()


def collect_on_gui_thread(app: QCoreApplication) -> GuiThreadCollector:
    """Make the application's GUI thread the only one that collects reference cycles (idempotent)."""
    existing = app.findChild(GuiThreadCollector, "facteur-gui-thread-collector")
    if isinstance(existing, GuiThreadCollector):
        return existing
    return GuiThreadCollector(app)
