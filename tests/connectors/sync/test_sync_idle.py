"""IMAP IDLE push on the real Dovecot: new mail within 2 s, and connections that die are noticed and rebuilt."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors import create_connector
from connectors.messaging.imap import IMAPConnector
from connectors.store import MailStore, MessagesAdded
from connectors.sync import IdleWatcher, SyncEngine
from tests.conftest import ALICE, make_message
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


def test_delivery_reaches_the_store_within_two_seconds(dovecot: DovecotServer, watch: Watch,
                                                       imap_config: dict[str, Any], tmp_path: Path) -> None:
    with MailStore(tmp_path / "s.sqlite3") as store:
        engine = SyncEngine(store, _connect(imap_config))
        engine.sync_all()
        added: list[MessagesAdded] = []
        store.subscribe(lambda e: added.append(e) if isinstance(e, MessagesAdded) else None)
        delivered = time.monotonic()
        dovecot.deliver(ALICE, make_message("Pushed to you"))
        assert watch.changed.wait(2)
        engine.sync_folder("INBOX")
        elapsed = time.monotonic() - delivered
        engine.close()
        assert elapsed < 2, elapsed
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
        w.changed.clear()
        dovecot.deliver(ALICE, make_message("After the reconnect"))
        assert w.changed.wait(3)
        assert w.close() < 2


def test_silently_dead_network_is_noticed(dovecot: DovecotServer, imap_config: dict[str, Any]) -> None:
    """No FIN, no RST: packets just stop. The periodic DONE/OK probe must notice (here within 1 s + 3 s)."""
    with FaultyProxy(dovecot.imaps_port) as proxy:
        w = Watch(_connect(imap_config, proxy.port), probe_interval=1.0, max_backoff=1.0)
        w.thread.start()
        w.wait_state("online")
        started = time.monotonic()
        proxy.frozen = True
        w.wait_state("offline", timeout=15)
        assert time.monotonic() - started < 10
        proxy.frozen = False
        proxy.kill_all()
        w.wait_state("online", count=2, timeout=15)
        w.close()


def test_quitting_stops_idle_quickly(watch: Watch) -> None:
    assert watch.close() < 2
    assert watch.states[-1] == "stopped"
