"""The window stays responsive while a large folder syncs, and quits with its workers stopped whatever they are doing.

How long the GUI thread may stall and how long quitting takes are measured by bench/timings: wall-clock limits in
tests fail on a loaded machine. Here, what must happen: the event loop keeps running between sync batches.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer

from tests.conftest import ALICE
from tests.gui.main.conftest import tree_index, unread_count

COUNT = 10_000


def many_messages(count: int) -> list[bytes]:
    return [
        (f"From: Sender {n % 97} <sender{n % 97}@example.test>\r\nTo: {ALICE}\r\nSubject: Message number {n}\r\n"
         f"Date: Tue, 24 Nov 2026 {n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d} +0000\r\n"
         f"Message-ID: <bulk-{n}@example.test>\r\nContent-Type: text/plain\r\n\r\nBody {n}\r\n").encode()
        for n in range(count)
    ]


class Heartbeat:
    """A 10 ms timer on the GUI thread, recording the longest time between two of its ticks, and what ``probe``
    returned at each tick."""

    def __init__(self, probe: Callable[[], int] = lambda: 0) -> None:
        self.longest = 0.0
        self.ticks = 0
        self.seen: list[int] = []
        self._probe = probe
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now
        self.ticks += 1
        self.seen.append(self._probe())


def test_gui_thread_keeps_running_while_10k_messages_sync(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    dovecot.seed(ALICE, "INBOX", many_messages(COUNT))
    window = make_window(start=False)
    # Each batch the sync stores reaches the GUI thread as its own store event (the relay merges them only later,
    # for the views). The heartbeat notes how many had been handled at each of its ticks.
    events: list[object] = []
    window.relay._received.connect(lambda _account, event: events.append(event))  # noqa: SLF001
    heartbeat = Heartbeat(lambda: len(events))
    heartbeat.start()
    window.start()
    # Show INBOX as soon as it exists, so the list takes every batch while the sync runs: the worst case.
    qtbot.waitUntil(lambda: tree_index(window, "INBOX").isValid(), timeout=10000)
    window.tree.setCurrentIndex(tree_index(window, "INBOX"))
    session = next(iter(window.sessions.values()))
    qtbot.waitUntil(lambda: session.synced_once, timeout=60000)
    qtbot.waitUntil(lambda: window.messages.model().rowCount() == COUNT, timeout=10000)
    qtbot.waitUntil(lambda: unread_count(window, "INBOX") == COUNT, timeout=5000)
    window.messages.scrollToBottom()
    qtbot.wait(50)
    heartbeat.stop()
    # The timer kept firing between the batches' events: the GUI thread was never held for the whole sync. (The
    # list's own row count is no measure: it re-reads at most once a second, and the 10k sync may take less.)
    between = {handled for handled in heartbeat.seen if 0 < handled < len(events)}
    assert len(between) >= 2, (sorted(between), len(events))


def test_quitting_stops_every_worker(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    dovecot.seed(ALICE, "INBOX", many_messages(3000))
    window = make_window()
    session = next(iter(window.sessions.values()))
    qtbot.waitUntil(lambda: session.idle is not None and session.idle.watcher.connections >= 1, timeout=10000)
    qtbot.waitUntil(lambda: session.state == "online", timeout=10000)
    threads = [session.worker.thread_handle, session.idle._thread]
    window.close()
    # Quitting is bounded: a part that overran its budget (a loaded machine) is kept and stops by itself soon after.
    qtbot.waitUntil(lambda: not any(thread.isRunning() for thread in threads), timeout=30000)


def test_opening_a_message_does_not_wait_for_a_big_folder_sync(dovecot: Any, imap_config: dict[str, Any],
                                                               tmp_path: Any, qtbot: Any) -> None:
    """A background header sync yields between batches to what the person asked for (AccountWorker)."""
    from connectors import create_connector
    from connectors.store import MailStore
    from connectors.sync import SyncEngine
    from gui.workers.account_worker import BACKGROUND, INTERACTIVE, AccountWorker

    dovecot.seed(ALICE, "Other", [many_messages(1)[0]])
    dovecot.seed(ALICE, "Big", many_messages(12_000))  # 24 batches: time enough to ask for something

    def connect() -> Any:
        imap = create_connector("imap", imap_config)
        imap.connect()
        return imap

    store = MailStore(tmp_path / "s.sqlite3")
    worker = AccountWorker("a", store, connect, engine_factory=lambda st, c: SyncEngine(st, c, header_batch=500))
    worker.start()
    try:
        ready = worker.submit(lambda _op, engine: (engine.sync_folder_list(), engine.sync_folder("Other")),
                              "prepare", INTERACTIVE)
        with qtbot.waitSignal(ready.finished, timeout=10000):
            pass
        order: list[str] = []
        big = worker.submit(lambda op, engine: engine.sync_folder(
            "Big", progress=op.progress.emit, between_batches=worker.run_interactive_now), "sync Big", BACKGROUND)
        big.finished.connect(lambda _result: order.append("sync"))
        with qtbot.waitSignal(big.progress, timeout=10000, check_params_cb=lambda done, total: done >= 500):
            pass
        opened = worker.submit(lambda _op, engine: engine.fetch_body("Other", store.uids("Other")[0]),
                               "fetch body", INTERACTIVE)
        opened.finished.connect(lambda _raw: order.append("open"))
        with qtbot.waitSignal(big.finished, timeout=30000):
            pass
        assert order == ["open", "sync"], order
    finally:
        worker.stop()
        store.close()
