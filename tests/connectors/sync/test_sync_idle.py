"""IMAP IDLE push on the real Dovecot: new mail is pushed, and connections that die are noticed and rebuilt.

How fast (push latency, quitting) is measured by bench/timings: wall-clock limits here would fail on a loaded machine.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from connectors import create_connector
from connectors.exceptions import AuthenticationError, CertificateError
from connectors.messaging.imap import IMAPConnector
from connectors.store import MailStore, MessagesAdded
from connectors.sync import IdleWatcher, SyncEngine
from connectors.sync.idle import DEAD_LINK_BOUND_S
from tests.conftest import ALICE, USERS, make_message
from tests.servers.dovecot import DovecotServer
from tests.servers.proxy import FaultyProxy


class Watch:
    """An IdleWatcher on its own thread, with its changes and states recorded."""

    def __init__(self, connect: Callable[[], IMAPConnector], **kwargs: Any) -> None:
        self.changed = threading.Event()
        self.states: list[str] = []
        self.state_changed = threading.Condition()
        self.watcher = IdleWatcher(connect, on_change=self.changed.set, on_state=self._state, **kwargs)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.watcher.run, args=(self.stop,), daemon=True)

    def _state(self, state: str) -> None:
        with self.state_changed:
            self.states.append(state)
            self.state_changed.notify_all()

    def wait_state(self, state: str, count: int = 1, timeout: float = 10) -> None:
        with self.state_changed:
            assert self.state_changed.wait_for(lambda: self.states.count(state) >= count, timeout), self.states

    def close(self) -> float:
        started = time.monotonic()
        self.stop.set()
        self.watcher.interrupt()
        self.thread.join(5)
        assert not self.thread.is_alive()
        return time.monotonic() - started


def _connect(imap_config: dict[str, Any], port: int | None = None) -> Callable[[], IMAPConnector]:
    def connect() -> IMAPConnector:
        imap: IMAPConnector = create_connector("imap", {**imap_config, "timeout": 3,
                                                        **({"port": port} if port else {})})
        imap.connect()
        return imap

    return connect


@pytest.fixture
def watch(imap_config: dict[str, Any]) -> Iterator[Watch]:
    w = Watch(_connect(imap_config))
    w.thread.start()
    w.wait_state("online")
    yield w
    w.close()


def test_delivery_reaches_the_store(dovecot: DovecotServer, watch: Watch, imap_config: dict[str, Any],
                                    tmp_path: Path) -> None:
    with MailStore(tmp_path / "s.sqlite3") as store:
        engine = SyncEngine(store, _connect(imap_config))
        engine.sync_all()
        added: list[MessagesAdded] = []
        store.subscribe(lambda e: added.append(e) if isinstance(e, MessagesAdded) else None)
        dovecot.deliver(ALICE, make_message("Pushed to you"))
        # Well under the 30 s probe interval: only a push can have woken the watcher.
        assert watch.changed.wait(15)
        engine.sync_folder("INBOX")
        engine.close()
        assert [s.subject for s in store.summaries("INBOX")] == ["Pushed to you"]
        assert added and added[-1].folder == "INBOX"


def test_killed_connection_is_rebuilt_and_push_goes_on(dovecot: DovecotServer, imap_config: dict[str, Any]) -> None:
    with FaultyProxy(dovecot.imaps_port) as proxy:
        w = Watch(_connect(imap_config, proxy.port))
        w.thread.start()
        w.wait_state("online")
        proxy.kill_all()  # the server end goes away
        w.wait_state("offline")
        w.wait_state("online", count=2)
        assert w.watcher.connections == 2
        # A reconnect reports a change at once (mail may have come while offline): let that one pass first, so
        # that only a push can set the event below.
        assert w.changed.wait(10)
        w.changed.clear()
        dovecot.deliver(ALICE, make_message("After the reconnect"))
        assert w.changed.wait(15)  # under the 30 s probe interval: pushed, not found by a probe
        w.close()


def test_silently_dead_network_is_noticed(dovecot: DovecotServer, imap_config: dict[str, Any]) -> None:
    """No FIN, no RST: packets just stop. The periodic DONE/OK probe must notice (the bound itself is checked
    without waiting by test_dead_link_bound_holds_wherever_the_link_dies)."""
    with FaultyProxy(dovecot.imaps_port) as proxy:
        w = Watch(_connect(imap_config, proxy.port), probe_interval=1.0, answer_timeout=1.0, max_backoff=1.0)
        w.thread.start()
        w.wait_state("online")
        proxy.frozen = True
        w.wait_state("offline", timeout=15)
        proxy.frozen = False
        proxy.kill_all()
        w.wait_state("online", count=2, timeout=15)
        w.close()


def test_quitting_stops_idle(watch: Watch) -> None:
    watch.close()  # joins the thread (a bound meant only to catch a hang; the time is measured in bench/timings)
    assert watch.states[-1] == "stopped"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class LinkThatGoesSilent:
    """The IMAPClient calls IdleWatcher makes, over a link that goes silent at ``dies_at`` (fake seconds): no FIN, no
    RST, nothing to read. Waiting costs fake time: a poll its timeout, a read on the dead link the socket timeout."""

    def __init__(self, clock: FakeClock, dies_at: float) -> None:
        self.clock = clock
        self.dies_at = dies_at
        self.timeout: float | None = None
        self.noticed_at: float | None = None

    def socket(self) -> LinkThatGoesSilent:
        return self

    def settimeout(self, timeout: float) -> None:
        self.timeout = timeout

    def _answer(self) -> None:
        if self.clock.now >= self.dies_at:
            assert self.timeout is not None
            self.clock.now += self.timeout
            raise TimeoutError("timed out")  # what a socket read past its timeout raises

    def noop(self) -> tuple[bytes, list[Any]]:
        self._answer()
        return b"NOOP completed", []

    def idle(self) -> None:
        self._answer()

    def idle_check(self, timeout: float) -> list[Any]:
        self.clock.now += timeout
        return []

    def idle_done(self) -> tuple[bytes, list[Any]]:
        self._answer()
        return b"Idle completed", []


@pytest.mark.parametrize("dies_at", [0.0, 0.01, 5.0, 29.7, 29.99, 30.0, 30.01, 59.9, 75.3])
def test_dead_link_bound_holds_wherever_the_link_dies(dies_at: float) -> None:
    """The promise (noticed within DEAD_LINK_BOUND_S), checked on a fake clock at every phase of the probe cycle:
    right after a probe was answered is the worst place for a link to die."""
    clock = FakeClock()
    link = LinkThatGoesSilent(clock, dies_at)
    connector = SimpleNamespace(client=link, config=SimpleNamespace(timeout=30.0), select_mailbox=lambda *a, **k: None,
                                disconnect=lambda: None, is_connected=lambda: True)
    stop = threading.Event()
    noticed: list[float] = []

    def state(name: str) -> None:
        if name == "offline":
            noticed.append(clock.now)
            stop.set()

    watcher = IdleWatcher(lambda: cast(IMAPConnector, connector), on_change=lambda: None, on_state=state,
                          clock=clock)
    watcher.run(stop)
    assert noticed, "the dead link was never noticed"
    silent_for = noticed[0] - dies_at
    assert silent_for <= watcher.dead_link_bound <= DEAD_LINK_BOUND_S - 4, (silent_for, watcher.dead_link_bound)
    assert link.timeout == 30.0  # the connection's own timeout is back once a probe is over


def test_wrong_password_stops_idle_until_the_person_acts(dovecot: DovecotServer, imap_config: dict[str, Any]) -> None:
    """No retry loop on a refused password (providers lock accounts that fail logins all day): IDLE says "error"
    and waits; resume() (the person fixed it) tries again."""
    password = ["not the password"]
    attempts: list[str] = []
    errors: list[BaseException] = []

    def connect() -> IMAPConnector:
        attempts.append(password[0])
        imap: IMAPConnector = create_connector("imap", {**imap_config, "password": password[0], "timeout": 3})
        imap.connect()
        return imap

    w = Watch(connect, on_error=errors.append)
    w.thread.start()
    w.wait_state("error")
    assert isinstance(errors[0], AuthenticationError)
    assert "offline" not in w.states
    password[0] = USERS[ALICE]
    w.watcher.resume()
    w.wait_state("online")
    assert attempts == ["not the password", USERS[ALICE]]
    w.close()


def test_untrusted_certificate_stops_idle(imap_config: dict[str, Any]) -> None:
    config = {key: value for key, value in imap_config.items() if key != "ca_file"}
    errors: list[BaseException] = []
    w = Watch(_connect(config), on_error=errors.append)
    w.thread.start()
    w.wait_state("error")
    assert isinstance(errors[0], CertificateError)
    w.close()
    assert w.states == ["error", "stopped"]


class _ScriptedIMAP:
    """A loopback IMAP server just big enough for IdleWatcher, whose IDLE continuation and an EXISTS leave in one
    write: what Dovecot does when mail lands as the IDLE begins, and what a client reading ahead must not miss."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn, conn.makefile("rb") as lines:
            conn.sendall(b"* OK [CAPABILITY IMAP4rev1 IDLE AUTH=PLAIN] ready\r\n")
            idle_tag = b""
            for line in lines:
                tag, _, rest = line.strip().partition(b" ")
                verb = rest.split(b" ", 1)[0].upper()
                if tag.upper() == b"DONE":
                    conn.sendall(idle_tag + b" OK IDLE done\r\n")
                elif verb == b"IDLE":
                    idle_tag = tag
                    conn.sendall(b"+ idling\r\n* 1 EXISTS\r\n")
                elif verb == b"CAPABILITY":
                    conn.sendall(b"* CAPABILITY IMAP4rev1 IDLE AUTH=PLAIN\r\n" + tag + b" OK done\r\n")
                elif verb in (b"EXAMINE", b"SELECT"):
                    conn.sendall(b"* 0 EXISTS\r\n* OK [UIDVALIDITY 1] ok\r\n" + tag + b" OK [READ-ONLY] done\r\n")
                elif verb == b"LOGOUT":
                    conn.sendall(b"* BYE bye\r\n" + tag + b" OK done\r\n")
                    return
                else:
                    conn.sendall(tag + b" OK done\r\n")

    def close(self) -> None:
        self.listener.close()


def test_a_change_read_along_with_the_idle_continuation_is_reported_at_once() -> None:
    server = _ScriptedIMAP()

    def connect() -> IMAPConnector:
        imap: IMAPConnector = create_connector("imap", {
            "host": "127.0.0.1", "port": server.port, "username": ALICE, "password": "x", "use_ssl": False,
            "use_tls": False, "allow_insecure_auth": True, "timeout": 5})
        imap.connect()
        return imap

    # The first probe would find the change too, but only after an hour: the change must come from the IDLE itself.
    w = Watch(connect, probe_interval=3600)
    w.thread.start()
    try:
        w.wait_state("online")
        assert w.changed.wait(15)
    finally:
        w.close()
        server.close()
