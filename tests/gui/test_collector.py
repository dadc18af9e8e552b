"""Reference cycles holding Qt objects are freed on the GUI thread, whichever thread allocated past the threshold."""

from __future__ import annotations

import gc
import threading
from typing import Any

from PySide6.QtCore import QObject, Qt

from gui.collector import GuiThreadCollector, collect_on_gui_thread


class _Cycle:
    """A window-like cycle: Python objects that hold each other and own a QObject (deleted when they are freed)."""

    def __init__(self, freed_in: list[int]) -> None:
        self.qobject = QObject()
        self.qobject.destroyed.connect(lambda *_: freed_in.append(threading.get_ident()),
                                       Qt.ConnectionType.DirectConnection)
        self.handlers = {"self": self}  # the cycle, as a window's table of actions bound to it makes one


def _allocate_cycles(count: int) -> None:
    """What a worker does while it parses: create and drop containers, enough for several collections."""
    for _ in range(count):
        junk: list[Any] = []
        junk.append(junk)


def test_the_application_collects_on_the_gui_thread_only(qapp: Any) -> None:
    assert isinstance(collect_on_gui_thread(qapp), GuiThreadCollector)
    assert collect_on_gui_thread(qapp) is collect_on_gui_thread(qapp)
    assert not gc.isenabled()


def test_a_cycle_holding_a_qobject_is_freed_on_the_gui_thread(qapp: Any, qtbot: Any) -> None:
    collector = collect_on_gui_thread(qapp)
    gc.collect()
    freed_in: list[int] = []
    _Cycle(freed_in)  # unreachable at once, freed only by the cyclic collector
    before = list(collector.collections)
    worker = threading.Thread(target=_allocate_cycles, args=(50 * gc.get_threshold()[0],))
    worker.start()
    worker.join()
    assert freed_in == []  # the worker allocated far past every threshold, yet collected nothing
    qtbot.waitUntil(lambda: bool(freed_in), timeout=10_000)
    assert freed_in == [threading.get_ident()]
    assert collector.collections[0] > before[0]


def test_full_collections_still_happen_and_free_old_cycles(qapp: Any, qtbot: Any) -> None:
    collector = collect_on_gui_thread(qapp)
    freed_in: list[int] = []
    survivor = _Cycle(freed_in)
    for _ in range(3):  # old enough to live in the oldest generation
        gc.collect(1)
    del survivor
    full_before = collector.collections[2]
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], 2, 2)  # a full collection after 9 young ones, not 121: the test stays short

    def allocate_and_check() -> bool:
        _allocate_cycles(2 * thresholds[0])
        return bool(freed_in)

    try:
        qtbot.waitUntil(allocate_and_check, timeout=60_000)
    finally:
        gc.set_threshold(*thresholds)
    assert freed_in == [threading.get_ident()]
    assert collector.collections[2] > full_before
