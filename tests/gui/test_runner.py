"""The operation runner: bounded pool, priority, cancel, supersede, results on the GUI thread, bounded stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QObject, QThread
from pytestqt.qtbot import QtBot

from gui.workers.operation import Operation
from gui.workers.runner import BACKGROUND, INTERACTIVE, OperationRunner

WAIT_MS = 10_000


class Gate:
    """Work that blocks its pool thread until opened (or cancelled), recording that it started."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.opened = threading.Event()

    def work(self, op: Operation) -> str:
        self.started.set()
        while not self.opened.wait(0.01):
            op.check_cancelled()
        return "opened"


class Recorder(QObject):
    """A GUI-thread receiver: what arrived, in which order, on which thread."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, Any]] = []
        self.threads: set[QThread] = set()

    def watch(self, op: Operation) -> Operation:
        op.finished.connect(lambda result, name=op.name: self._note("finished", (name, result)))
        op.failed.connect(lambda exc, name=op.name: self._note("failed", (name, exc)))
        op.cancelled.connect(lambda name=op.name: self._note("cancelled", name))
        return op

    def _note(self, kind: str, value: Any) -> None:
        self.threads.add(QThread.currentThread())
        self.events.append((kind, value))

    def of(self, kind: str) -> list[Any]:
        return [value for event, value in self.events if event == kind]


@pytest.fixture
def pool(qtbot: QtBot) -> Iterator[OperationRunner]:
    one = OperationRunner(max_threads=1)
    yield one
    assert one.stop(5.0)
    qtbot.waitUntil(lambda: one.held() == 0, timeout=WAIT_MS)


def test_results_arrive_on_the_gui_thread(qtbot: QtBot, pool: OperationRunner) -> None:
    seen = Recorder()
    ran_in: list[QThread] = []

    def work(_op: Operation) -> int:
        ran_in.append(QThread.currentThread())
        return 42

    op = seen.watch(Operation(work, name="answer"))
    with qtbot.waitSignal(op.done, timeout=WAIT_MS):
        pool.submit(op)
    qtbot.waitUntil(lambda: bool(seen.events), timeout=WAIT_MS)
    assert seen.of("finished") == [("answer", 42)]
    assert ran_in and ran_in[0] is not seen.thread()
    assert seen.threads == {seen.thread()}


def test_failures_are_signals(qtbot: QtBot, pool: OperationRunner) -> None:
    seen = Recorder()

    def work(_op: Operation) -> None:
        raise ValueError("broken")

    op = seen.watch(Operation(work, name="broken"))
    with qtbot.waitSignal(op.done, timeout=WAIT_MS):
        pool.submit(op)
    qtbot.waitUntil(lambda: bool(seen.events), timeout=WAIT_MS)
    [(name, exc)] = seen.of("failed")
    assert name == "broken" and isinstance(exc, ValueError)
    assert not seen.of("finished")


def test_priority_orders_the_queue(qtbot: QtBot, pool: OperationRunner) -> None:
    gate, order = Gate(), []
    blocker = Operation(gate.work, name="blocker")
    pool.submit(blocker)
    qtbot.waitUntil(gate.started.is_set, timeout=WAIT_MS)
    ops = []
    for name, priority in (("late background", BACKGROUND), ("sync", BACKGROUND), ("open", INTERACTIVE),
                           ("click", INTERACTIVE)):
        op = Operation(lambda _op, name=name: order.append(name), name=name)
        ops.append(op)
        pool.submit(op, priority=priority)
    qtbot.waitUntil(lambda: pool.busy() and len(pool._queue) == 4, timeout=WAIT_MS)
    with qtbot.waitSignals([op.done for op in ops], timeout=WAIT_MS):
        gate.opened.set()
    # One thread: interactive work first, in order of submission, then background work in order.
    assert order == ["open", "click", "late background", "sync"]


def test_the_pool_is_bounded(qtbot: QtBot) -> None:
    pool = OperationRunner(max_threads=2)
    gates = [Gate() for _ in range(3)]
    ops = [pool.submit(Operation(gate.work, name=f"gate {n}")) for n, gate in enumerate(gates)]
    qtbot.waitUntil(lambda: gates[0].started.is_set() and gates[1].started.is_set(), timeout=WAIT_MS)
    # Two run; the third waits for a thread, however long the first two take.
    assert not gates[2].started.is_set()
    assert len(pool._running) == 2 and len(pool._queue) == 1
    gates[0].opened.set()
    qtbot.waitUntil(gates[2].started.is_set, timeout=WAIT_MS)
    with qtbot.waitSignals([op.done for op in ops[1:]], timeout=WAIT_MS):
        for gate in gates:
            gate.opened.set()
    assert pool.stop(5.0)


def test_cancel_a_queued_operation(qtbot: QtBot, pool: OperationRunner) -> None:
    gate, seen, ran = Gate(), Recorder(), threading.Event()
    pool.submit(Operation(gate.work, name="blocker"))
    qtbot.waitUntil(gate.started.is_set, timeout=WAIT_MS)
    queued = seen.watch(Operation(lambda _op: ran.set(), name="queued"))
    pool.submit(queued)
    qtbot.waitUntil(lambda: len(pool._queue) == 1, timeout=WAIT_MS)
    with qtbot.waitSignal(queued.cancelled, timeout=WAIT_MS):
        pool.cancel(queued)
    assert not pool._queue
    gate.opened.set()
    qtbot.waitUntil(lambda: not pool.busy(), timeout=WAIT_MS)
    assert not ran.is_set()
    assert seen.of("cancelled") == ["queued"] and not seen.of("finished") and not seen.of("failed")


def test_cancel_a_running_operation(qtbot: QtBot, pool: OperationRunner) -> None:
    gate, seen = Gate(), Recorder()
    running = seen.watch(Operation(gate.work, name="running"))
    pool.submit(running)
    qtbot.waitUntil(gate.started.is_set, timeout=WAIT_MS)
    with qtbot.waitSignal(running.done, timeout=WAIT_MS):
        pool.cancel(running)
    qtbot.waitUntil(lambda: bool(seen.events), timeout=WAIT_MS)
    assert seen.of("cancelled") == ["running"] and not seen.of("finished") and not seen.of("failed")


def test_cancel_before_the_next_event_loop_turn(qtbot: QtBot, pool: OperationRunner) -> None:
    seen, ran = Recorder(), threading.Event()
    op = seen.watch(Operation(lambda _op: ran.set(), name="never"))
    pool.submit(op)
    pool.cancel(op)  # not even queued yet
    qtbot.waitUntil(lambda: bool(seen.events) and not pool.busy(), timeout=WAIT_MS)
    assert seen.of("cancelled") == ["never"] and not ran.is_set()


def test_supersede_replaces_the_queued_one(qtbot: QtBot, pool: OperationRunner) -> None:
    gate, seen, ran = Gate(), Recorder(), []
    pool.submit(Operation(gate.work, name="blocker"))
    qtbot.waitUntil(gate.started.is_set, timeout=WAIT_MS)
    opened = [seen.watch(Operation(lambda _op, n=n: ran.append(n) or n, name=f"message {n}")) for n in range(50)]
    for op in opened:
        pool.submit(op, key="the message being opened")
    gate.opened.set()
    qtbot.waitUntil(lambda: not pool.busy() and len(seen.events) == 50, timeout=WAIT_MS)
    # Holding the down arrow over 50 messages: only the last one is worked on.
    assert ran == [49]
    assert seen.of("finished") == [("message 49", 49)]
    assert sorted(seen.of("cancelled")) == sorted(f"message {n}" for n in range(49))


def test_supersede_cancels_the_running_one(qtbot: QtBot, pool: OperationRunner) -> None:
    gate, seen = Gate(), Recorder()
    first = seen.watch(Operation(gate.work, name="first"))
    pool.submit(first, key="open")
    qtbot.waitUntil(gate.started.is_set, timeout=WAIT_MS)
    second = seen.watch(Operation(lambda _op: "second result", name="second"))
    with qtbot.waitSignals([first.done, second.done], timeout=WAIT_MS):
        pool.submit(second, key="open")
    qtbot.waitUntil(lambda: len(seen.events) == 2, timeout=WAIT_MS)
    assert seen.of("cancelled") == ["first"]
    assert seen.of("finished") == [("second", "second result")]
    # Other keys are left alone.
    other_gate = Gate()
    third = seen.watch(Operation(other_gate.work, name="third"))
    pool.submit(third, key="open")
    qtbot.waitUntil(other_gate.started.is_set, timeout=WAIT_MS)
    fourth = seen.watch(Operation(lambda _op: "fourth", name="fourth"))
    pool.submit(fourth, key="something else")
    other_gate.opened.set()
    qtbot.waitUntil(lambda: len(seen.events) == 4, timeout=WAIT_MS)
    assert ("third", "opened") in seen.of("finished") and ("fourth", "fourth") in seen.of("finished")


def test_operations_are_held_until_delivered_then_released(qtbot: QtBot, pool: OperationRunner) -> None:
    seen = Recorder()
    for n in range(20):
        pool.submit(seen.watch(Operation(lambda _op, n=n: n, name=f"n{n}")))
        # The caller keeps no reference: the runner does until every signal has arrived.
    qtbot.waitUntil(lambda: len(seen.events) == 20, timeout=WAIT_MS)
    assert sorted(value for _name, value in seen.of("finished")) == list(range(20))
    qtbot.waitUntil(lambda: pool.held() == 0, timeout=WAIT_MS)


def test_stop_is_bounded_and_threads_end(qtbot: QtBot) -> None:
    pool = OperationRunner(max_threads=2)
    seen = Recorder()
    stuck = threading.Event()

    def ignores_cancel(_op: Operation) -> None:
        stuck.wait(30)  # honours nothing: only the end of the wait releases it

    gate = Gate()
    polite = seen.watch(Operation(gate.work, name="polite"))
    rude = Operation(ignores_cancel, name="rude")
    queued = seen.watch(Operation(lambda _op: None, name="queued"))
    pool.submit(polite)
    pool.submit(rude)
    pool.submit(queued)
    qtbot.waitUntil(lambda: gate.started.is_set() and len(pool._running) == 2, timeout=WAIT_MS)
    assert not pool.stop(0.4)  # the rude one outlives the budget: reported, its thread kept
    assert pool._running_threads()  # still referenced, never dropped while running
    stuck.set()
    assert pool.wait(time.monotonic() + 10)
    assert not pool._running_threads()
    qtbot.waitUntil(lambda: len(seen.events) == 2, timeout=WAIT_MS)
    assert sorted(seen.of("cancelled")) == ["polite", "queued"]
    # Work submitted after a stop runs on new threads.
    again = seen.watch(Operation(lambda _op: "again", name="again"))
    with qtbot.waitSignal(again.done, timeout=WAIT_MS):
        pool.submit(again)
    assert pool.stop(5.0)
