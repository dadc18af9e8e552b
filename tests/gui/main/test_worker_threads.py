"""Every worker works on a thread of its own, but whatever is connected to its public signals (plain Python callables,
pytest-qt's ``waitSignal``) runs on the GUI thread, and no thread side holds its public object strongly (see
:mod:`gui.workers.gui_thread`): the account's worker and IDLE, the keyring watch, the operations of the account's
queue and of the runner's pool, the wizard's connection test. The send worker has its own module
(tests/gui/composer/test_send_worker_threads.py)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from connectors import create_connector
from connectors.credentials import StaticCredentials
from connectors.exceptions import SecretsUnavailable
from connectors.messaging.imap import IMAPConnector
from connectors.store import MailStore
from gui.wizard.connection_test import ConnectionTest
from gui.workers.account_session import AccountSession
from gui.workers.account_worker import AccountWorker
from gui.workers.operation import Operation
from gui.workers.runner import runner
from gui.workers.store_relay import StoreEventRelay
from tests.conftest import ALICE, make_message
from tests.gui.main.conftest import alice_account
from tests.gui.thread_checks import Calls, assert_thread_side_holds_owner_weakly, on_gui_thread, strongly_reaches


def connector(dovecot: Any, ca: Any, password: str) -> Callable[[], IMAPConnector]:
    def connect() -> IMAPConnector:
        imap: IMAPConnector = create_connector("imap", {"host": "127.0.0.1", "port": dovecot.imaps_port,
                                                        "username": ALICE, "password": password,
                                                        "ca_file": str(ca.cert_path), "timeout": 10})
        imap.connect()
        return imap

    return connect


def test_account_and_idle_signals_reach_python_callables_on_the_gui_thread(
        tmp_path: Path, dovecot: Any, smtp_server: Any, ca: Any, accounts: Any, qtbot: Any, qtlog: Any) -> None:
    account = alice_account(dovecot, smtp_server.port, ca)
    relay = StoreEventRelay()
    session = AccountSession(account, relay, store=MailStore(tmp_path / "store.sqlite3"),
                             connect=connector(dovecot, ca, accounts[ALICE]))
    assert session.idle is not None
    calls = Calls()
    calls.watch("worker.stateChanged", session.worker.stateChanged)
    for name in ("changed", "stateChanged"):
        calls.watch(f"idle.{name}", getattr(session.idle, name))
    idle_states: list[str] = []
    session.idle.stateChanged.connect(idle_states.append)
    try:
        with qtbot.waitSignal(session.worker.stateChanged, timeout=15_000,
                              check_params_cb=calls.check("worker.stateChanged")):
            session.start()
        qtbot.waitUntil(lambda: session.state == "online" and "online" in idle_states, timeout=15_000)
        # The account's queue: an operation's progress and end reach callables on the GUI thread too.
        def work(op: Operation, engine: Any) -> int:
            op.say("progress", 1, 1)
            return len(engine.store.folders())

        job = session.worker.submit(work, "count folders")
        for name in ("progress", "finished", "done"):
            calls.watch(f"job.{name}", getattr(job, name))
        with qtbot.waitSignal(job.done, timeout=15_000, check_params_cb=calls.check("job.done")):
            pass
        with qtbot.waitSignal(session.idle.changed, timeout=15_000, check_params_cb=calls.check("idle.changed")):
            dovecot.deliver(ALICE, make_message("Pushed"))
        calls.assert_all_on_gui_thread("worker.stateChanged", "idle.changed", "idle.stateChanged", "job.progress",
                                       "job.finished", "job.done", "waitSignal worker.stateChanged",
                                       "waitSignal idle.changed", "waitSignal job.done")
        assert_thread_side_holds_owner_weakly(session.worker._side, session.worker)  # noqa: SLF001
        assert_thread_side_holds_owner_weakly(session.idle._side, session.idle)  # noqa: SLF001
        assert not strongly_reaches(session.idle.watcher, session.idle)  # its callbacks hold it weakly
        assert not strongly_reaches(job, session.worker)  # the queue holds its operations, never the reverse
        assert not strongly_reaches(session.worker._engine, session.worker)  # noqa: SLF001 - nor its engine
        # The store's subscribers are called on the worker's thread: the store holds the relay weakly (the relay
        # holds the store's subscription, to let go of it).
        assert not strongly_reaches(session.store, relay)
    finally:
        assert session.stop()
    assert not [record.message for record in qtlog.records if "another thread" in record.message]


def test_offline_retry_timer_and_keyring_watch_live_on_the_worker_thread(
        tmp_path: Path, dovecot: Any, qtbot: Any, qtlog: Any) -> None:
    """The reconnection timer and the keyring watch's timer belong to the account's thread; what they say reaches
    callables on the GUI thread, and the quiet look at the keyring is made on the worker's thread."""
    looked_on_gui: list[bool] = []
    locked = [True, True]

    def keyring_state() -> bool:
        looked_on_gui.append(on_gui_thread())
        return locked.pop(0) if locked else False

    def connect() -> IMAPConnector:
        raise SecretsUnavailable("The keyring is locked", locked=True)

    worker = AccountWorker("threads", MailStore(tmp_path / "store.sqlite3"), connect)
    worker.keyring_watch.state = keyring_state
    worker.keyring_watch.poll_ms = 20
    calls = Calls()
    for name in ("stateChanged", "connectionProblem", "keyringOpened"):
        calls.watch(f"worker.{name}", getattr(worker, name))
    calls.watch("watch.looked", worker.keyring_watch.looked)
    calls.watch("watch.opened", worker.keyring_watch.opened)
    assert worker.keyring_watch._looker.thread() is worker.thread_handle  # noqa: SLF001
    assert worker._retry.thread() is worker.thread_handle  # noqa: SLF001
    try:
        worker.start()
        with qtbot.waitSignal(worker.keyringOpened, timeout=15_000, check_params_cb=calls.check("keyringOpened")):
            worker.submit(lambda _op, engine: engine.sync_folder_list(), "folder list")
        assert worker.state == "locked"
        calls.assert_all_on_gui_thread("worker.stateChanged", "worker.connectionProblem", "worker.keyringOpened",
                                       "watch.looked", "watch.opened", "waitSignal keyringOpened")
        assert looked_on_gui and not any(looked_on_gui)  # the D-Bus look never blocks the GUI thread
        qtbot.waitUntil(lambda: not worker.keyring_watch.watching)
        assert_thread_side_holds_owner_weakly(worker.keyring_watch._looker, worker.keyring_watch)  # noqa: SLF001
    finally:
        assert worker.stop()
    assert worker._side.thread() is QCoreApplication.instance().thread()  # noqa: SLF001 - handed back to die there
    assert not [record.message for record in qtlog.records if "another thread" in record.message]


def test_offline_account_says_reconnect_due_on_the_gui_thread(tmp_path: Path, qtbot: Any, qtlog: Any) -> None:
    """Nothing listens on the port: the account is offline, and its backoff timer (on the account's thread) comes
    due; the reconnection it asks for reaches callables on the GUI thread."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]

    def connect() -> IMAPConnector:
        imap: IMAPConnector = create_connector("imap", {"host": "127.0.0.1", "port": port, "username": ALICE,
                                                        "password": "unused", "security": "none", "timeout": 5})
        imap.connect()
        return imap

    worker = AccountWorker("offline", MailStore(tmp_path / "store.sqlite3"), connect)
    calls = Calls()
    calls.watch("worker.reconnectDue", worker.reconnectDue)
    calls.watch("worker.connectionProblem", worker.connectionProblem)
    try:
        worker.start()
        op = worker.submit(lambda _op, engine: engine.sync_folder_list(), "folder list")
        calls.watch("op.failed", op.failed)
        with qtbot.waitSignal(worker.reconnectDue, timeout=15_000, check_params_cb=calls.check("reconnectDue")):
            pass
        assert worker.state == "offline"
        calls.assert_all_on_gui_thread("worker.reconnectDue", "worker.connectionProblem", "op.failed",
                                       "waitSignal reconnectDue")
    finally:
        assert worker.stop()
    assert not [record.message for record in qtlog.records if "another thread" in record.message]


def test_pool_operations_and_the_connection_test_report_on_the_gui_thread(
        dovecot: Any, smtp_server: Any, ca: Any, accounts: Any, qtbot: Any) -> None:
    ran_on_gui: list[bool] = []

    def work(op: Operation) -> str:
        ran_on_gui.append(on_gui_thread())
        op.say("progress", 1, 2)
        op.say("status", "halfway")
        return "done"

    calls = Calls()
    op = Operation(work, name="threads")
    for name in ("progress", "status", "finished", "done"):
        calls.watch(f"op.{name}", getattr(op, name))
    with qtbot.waitSignal(op.finished, timeout=15_000, check_params_cb=calls.check("op.finished")):
        runner().submit(op)
    qtbot.waitUntil(lambda: "op.done" in calls.seen)
    assert ran_on_gui == [False]  # the work ran in the pool
    calls.assert_all_on_gui_thread("op.progress", "op.status", "op.finished", "op.done", "waitSignal op.finished")
    for thread, pool_worker in runner()._threads:  # noqa: SLF001
        assert thread is not None and not strongly_reaches(pool_worker, runner())

    account = alice_account(dovecot, smtp_server.port, ca)
    test = ConnectionTest(account, StaticCredentials(accounts[ALICE]), timeout=10)
    for name in ("progress", "status", "finished"):
        calls.watch(f"test.{name}", getattr(test, name))
    with qtbot.waitSignal(test.finished, timeout=20_000, check_params_cb=calls.check("test.finished")) as finished:
        runner().submit(test)
    assert finished.args[0]["smtp"] is True
    calls.assert_all_on_gui_thread("test.progress", "test.status", "test.finished", "waitSignal test.finished")

