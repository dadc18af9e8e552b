"""Checks for workers split between the GUI thread and their own (see :mod:`gui.workers.gui_thread`): on which thread
the callables connected to their signals run, and whether a thread side holds its public object strongly."""

from __future__ import annotations

import gc
import sys
import types
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread


def on_gui_thread() -> bool:
    app = QCoreApplication.instance()
    assert app is not None
    return QThread.currentThread() is app.thread()


class Calls:
    """Per signal, for each call of a plain callable connected to it: was it on the GUI thread?"""

    def __init__(self) -> None:
        self.seen: dict[str, list[bool]] = {}

    def watch(self, name: str, signal: Any) -> None:
        signal.connect(lambda *_args: self.seen.setdefault(name, []).append(on_gui_thread()))

    def check(self, name: str) -> Callable[..., bool]:
        """A ``check_params_cb`` for ``qtbot.waitSignal``: pytest-qt calls it from its own slot."""

        def check(*_args: object) -> bool:
            self.seen.setdefault(f"waitSignal {name}", []).append(on_gui_thread())
            return True

        return check

    def assert_all_on_gui_thread(self, *names: str) -> None:
        assert set(names) <= set(self.seen), f"never called: {set(names) - set(self.seen)}"
        off = {name: calls for name, calls in self.seen.items() if not all(calls)}
        assert not off, f"called off the GUI thread: {off}"


def strongly_reaches(start: object, target: object) -> bool:
    """Whether ``target`` can be reached from ``start`` through strong references (as the cyclic collector sees
    them), not counting modules, classes and module globals (every object reaches those)."""
    module_dicts = {id(vars(module)) for module in list(sys.modules.values()) if module is not None}
    seen: set[int] = set()
    stack = list(gc.get_referents(start))
    while stack:
        obj = stack.pop()
        if obj is target:
            return True
        if id(obj) in seen or id(obj) in module_dicts or isinstance(obj, type | types.ModuleType):
            continue
        seen.add(id(obj))
        stack.extend(gc.get_referents(obj))
    return False


def assert_thread_side_holds_owner_weakly(side: QObject, owner: QObject) -> None:
    assert strongly_reaches(owner, side), "the walk must see the public object's own reference to its thread side"
    assert not strongly_reaches(side, owner)
