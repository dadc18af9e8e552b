"""The send worker works on a thread of its own, but its signals reach whatever is connected to them on the GUI thread
(Python callables included), so nothing connected to them ever runs, or lets go of a GUI object, on the worker thread.

A callable run on the worker thread was how full test runs crashed: pytest-qt's ``waitSignal`` on ``worker.sent``
ran its slot there, failed to stop its started QTimer ("QObject::killTimer: Timers cannot be stopped from another
thread") and, holding the last reference, deleted its event loop and that timer on the worker thread; the GUI thread's
timer list then fired the freed timer (a segfault in QTimerInfoList::activateTimers)."""

from __future__ import annotations

import threading
from typing import Any

from tests.conftest import BOB
from tests.gui.thread_checks import assert_thread_side_holds_owner_weakly, strongly_reaches


def test_the_send_workers_signals_reach_python_callables_on_the_gui_thread(account_store: Any, make_postbox: Any,
                                                                          qtbot: Any, qtlog: Any) -> None:
    worked_in: set[str] = set()
    postbox = make_postbox(account_store)
    worker = postbox.worker
    ran_in: dict[str, set[str]] = {}
    for name in ("stateChanged", "sending", "sent", "passFinished"):
        getattr(worker, name).connect(
            lambda *_args, signal=name: ran_in.setdefault(signal, set()).add(threading.current_thread().name))
    worker.outbox.subscribe(lambda *_args: worked_in.add(threading.current_thread().name))
    composer = postbox.open_composer(to=[BOB], subject="On which thread?")
    with qtbot.waitSignal(worker.sent, timeout=15_000), qtbot.waitSignal(worker.passFinished, timeout=15_000):
        assert composer.send()
    qtbot.waitUntil(lambda: {"stateChanged", "sending", "sent", "passFinished"} <= set(ran_in), timeout=15_000)
    assert len(worked_in) > 1  # the Outbox was changed off the GUI thread (the writer's pool, the worker's thread)
    gui = threading.main_thread().name
    assert ran_in == {name: {gui} for name in ran_in}
    assert not [record.message for record in qtlog.records if "another thread" in record.message]


def test_the_send_workers_thread_side_holds_it_weakly(account_store: Any, make_postbox: Any) -> None:
    """No reference cycle between the worker and its thread side (or the keyring watch's timer there): Python's
    collector, running on whichever thread allocates, could otherwise delete the worker's QObject on its thread."""
    worker = make_postbox(account_store).worker
    assert_thread_side_holds_owner_weakly(worker._side, worker)  # noqa: SLF001
    assert_thread_side_holds_owner_weakly(worker.keyring_watch._looker, worker.keyring_watch)  # noqa: SLF001
    assert worker.keyring_watch._looker.thread() is worker.thread_handle  # noqa: SLF001 - its timer lives there
    assert not strongly_reaches(worker.outbox, worker)  # the Outbox (changed from any thread) holds it weakly
