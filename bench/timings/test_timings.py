"""Timing targets that used to be assertions in tests/ (where they failed on a loaded machine): each test measures
one, records it in the table printed at the end, and fails when the target is missed."""

from __future__ import annotations

import statistics
import threading
import time
from typing import Any

import pytest

from bench.timings.conftest import Timings
from connectors import create_connector
from connectors.exceptions import AuthenticationError, TimeoutError
from connectors.store import MailStore, SortKey
from connectors.sync import SyncEngine
from tests.conftest import ALICE, make_message
from tests.connectors.store.sample_mail import SEARCHES, realistic_summaries
from tests.connectors.sync.test_sync_idle import Watch, _connect
from tests.gui.main.conftest import tree_index, unread_count
from tests.gui.main.test_responsiveness import COUNT, Heartbeat, many_messages
from tests.servers.proxy import FaultyProxy


def test_a_reader_waits_little_while_the_writer_commits_a_big_batch(store: MailStore, timings: Timings) -> None:
    batch = list(realistic_summaries(30_000, seed=5))
    store.add_messages("INBOX", batch[:1000])
    done = threading.Event()

    def write() -> None:
        store.add_messages("INBOX", batch[1000:])
        done.set()

    writer = threading.Thread(target=write)
    slowest = 0.0
    with store.open_reader() as reader:
        writer.start()
        while not done.is_set():
            started = time.perf_counter()
            reader.count("INBOX")
            reader.summaries("INBOX", limit=50)
            slowest = max(slowest, time.perf_counter() - started)
        writer.join()
    timings.record("store: slowest read during a 29k commit", slowest, 0.25)


def test_the_message_list_opens_a_100k_folder_lazily(store: MailStore, qtbot: Any, timings: Timings) -> None:
    from gui.models.message_columns import Column
    from gui.models.message_list import MessageListModel

    store.add_messages("INBOX", list(realistic_summaries(100_000)))
    model = MessageListModel(window=200)
    started = time.perf_counter()
    model.set_folder(store, "acct", "INBOX")
    timings.record("message list: open a 100k folder", time.perf_counter() - started, 1.0)
    started = time.perf_counter()
    for row in range(50_000, 50_060):
        assert model.index(row, Column.SUBJECT).data()
    timings.record("message list: 60 rows from the middle", time.perf_counter() - started, 0.2)


def test_store_at_100k(tmp_path: Any, timings: Timings) -> None:
    with MailStore(tmp_path / "store.sqlite3") as store:
        store.upsert_folders([((), "/", "INBOX")])
        summaries = list(realistic_summaries(100_000))
        started = time.perf_counter()
        for start in range(0, len(summaries), 5000):
            store.add_messages("INBOX", summaries[start:start + 5000])
        timings.record("store: insert 100k summaries", time.perf_counter() - started, 10.0)
        with store.open_reader() as reader:
            windows = []
            sorts: tuple[SortKey, ...] = ("date", "sender", "subject")
            for sort in sorts:
                for offset in (0, 200, 25_000, 50_000, 99_800):
                    for descending in (True, False):
                        started = time.perf_counter()
                        reader.summaries("INBOX", sort, descending, offset, 200)
                        windows.append(time.perf_counter() - started)
            timings.record("store: 200-row window, median", statistics.median(windows), 0.02)
            searches = []
            for query in SEARCHES:
                started = time.perf_counter()
                reader.search(query)
                searches.append(time.perf_counter() - started)
            timings.record("store: search over 100k, median", statistics.median(searches), 0.0501)


@pytest.mark.parametrize("kind", ["imap", "smtp"])
def test_a_wrong_password_is_refused_at_once(kind: str, imap_config: dict[str, Any], smtp_config: dict[str, Any],
                                             timings: Timings) -> None:
    connector = create_connector(kind, {**(imap_config if kind == "imap" else smtp_config), "password": "wrong"})
    started = time.perf_counter()
    with pytest.raises(AuthenticationError):
        connector.connect()
    timings.record(f"{kind}: wrong password refused", time.perf_counter() - started, 5.0)


@pytest.mark.parametrize("kind", ["imap", "smtp"])
def test_a_silent_server_times_out_on_time(kind: str, timings: Timings) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(5)
        connector = create_connector(kind, {"host": "127.0.0.1", "port": sock.getsockname()[1], "username": ALICE,
                                            "password": "x", "timeout": 1})
        started = time.perf_counter()
        with pytest.raises(TimeoutError):
            connector.connect()
        timings.record(f"{kind}: silent server, timeout 1 s", time.perf_counter() - started, 5.0)


def test_idle_push_reaches_the_store(dovecot: Any, imap_config: dict[str, Any], tmp_path: Any,
                                     timings: Timings) -> None:
    watch = Watch(_connect(imap_config))
    watch.thread.start()
    watch.wait_state("online")
    with MailStore(tmp_path / "s.sqlite3") as store:
        engine = SyncEngine(store, _connect(imap_config))
        engine.sync_all()
        delivered = time.perf_counter()
        dovecot.deliver(ALICE, make_message("Pushed to you"))
        assert watch.changed.wait(30)
        engine.sync_folder("INBOX")
        timings.record("IDLE: delivery to the store", time.perf_counter() - delivered, 2.0)
        engine.close()
    timings.record("IDLE: quitting", watch.close(), 2.0)


def test_idle_notices_a_silently_dead_network(dovecot: Any, imap_config: dict[str, Any], timings: Timings) -> None:
    with FaultyProxy(dovecot.imaps_port) as proxy:
        watch = Watch(_connect(imap_config, proxy.port), probe_interval=1.0, answer_timeout=1.0, max_backoff=1.0)
        watch.thread.start()
        watch.wait_state("online")
        started = time.perf_counter()
        proxy.frozen = True
        watch.wait_state("offline", timeout=30)
        timings.record("IDLE: silent link noticed (probe 1 s, answer 1 s)", time.perf_counter() - started, 10.0)
        proxy.frozen = False
        proxy.kill_all()
        watch.close()


def test_the_gui_thread_never_stalls_while_10k_messages_sync(make_window: Any, dovecot: Any, qtbot: Any,
                                                              timings: Timings) -> None:
    dovecot.seed(ALICE, "INBOX", many_messages(COUNT))
    window = make_window(start=False)
    heartbeat = Heartbeat()
    heartbeat.start()
    window.start()
    qtbot.waitUntil(lambda: tree_index(window, "INBOX").isValid(), timeout=30000)
    window.tree.setCurrentIndex(tree_index(window, "INBOX"))
    session = next(iter(window.sessions.values()))
    qtbot.waitUntil(lambda: session.synced_once, timeout=120000)
    qtbot.waitUntil(lambda: window.messages.model().rowCount() == COUNT, timeout=30000)
    qtbot.waitUntil(lambda: unread_count(window, "INBOX") == COUNT, timeout=30000)
    window.messages.scrollToBottom()
    qtbot.wait(50)
    heartbeat.stop()
    timings.record("GUI: longest stall during a 10k sync", heartbeat.longest, 0.1)


def test_quitting_the_window(make_window: Any, dovecot: Any, qtbot: Any, timings: Timings) -> None:
    dovecot.seed(ALICE, "INBOX", many_messages(3000))
    window = make_window()
    session = next(iter(window.sessions.values()))
    qtbot.waitUntil(lambda: session.idle is not None and session.idle.watcher.connections >= 1, timeout=30000)
    qtbot.waitUntil(lambda: session.state == "online", timeout=30000)
    started = time.perf_counter()
    window.close()
    timings.record("GUI: quitting while syncing 3k", time.perf_counter() - started, 2.0)


def test_the_fixtures_stay_fast(dovecot: Any, ca: Any, accounts: Any, timings: Timings) -> None:
    """What keeps the suite quick: no auth penalty on failed logins (the nodelay passdb), bulk seeding, and an SMTP
    server that stops with a client still connected."""
    import smtplib

    import imapclient
    from imapclient.exceptions import LoginError

    from tests.conftest import USERS
    from tests.servers.smtp import SMTPServer

    started = time.perf_counter()
    for _ in range(3):
        with imapclient.IMAPClient(dovecot.host, port=dovecot.imaps_port, ssl_context=dovecot.ssl_context(),
                                   timeout=5) as imap, pytest.raises(LoginError):
            imap.login(ALICE, "wrong password")
    timings.record("Dovecot: three refused logins in a row", time.perf_counter() - started, 1.0)
    started = time.perf_counter()
    dovecot.seed(ALICE, "Big/Folder", [make_message(f"Seeded {n}") for n in range(2000)], flags=("\\Seen",))
    timings.record("Dovecot: seeding 2,000 messages", time.perf_counter() - started, 5.0)
    server = SMTPServer(ca, USERS, lmtp_socket=None)
    server.start()
    with smtplib.SMTP(server.host, server.port, timeout=5) as smtp:
        smtp.ehlo()
        started = time.perf_counter()
        server.stop()
        timings.record("SMTP fixture: stop with a client connected", time.perf_counter() - started, 1.0)
