"""Downloading a folder's whole messages for offline use (issue 13.6), against the real Dovecot: every body
cached byte for byte and searchable, in batches bounded in messages and bytes, the fetch of the next batch
overlapping the storing of the last; cancelled between batches; a broken link or a kill -9 (in a child process)
loses at most the batch under way, and the next run fetches only what is missing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.mailgen import messages as realistic_messages
from connectors.exceptions import ConnectionError
from connectors.store import MailStore
from connectors.sync import Cancelled, SyncEngine
from connectors.sync.offline import batches, download_bodies
from tests.conftest import ALICE
from tests.connectors.sync.connections import connector_to
from tests.connectors.sync.test_sync_kill import reopen
from tests.killable import Children
from tests.servers.dovecot import DovecotServer
from tests.servers.proxy import FaultyProxy

BOX = "Offline"
CHILD = "tests.connectors.sync.crash_child"


@pytest.fixture
def children() -> Iterator[Children]:
    made = Children()
    yield made
    made.close()


def server_bodies(dovecot: DovecotServer) -> dict[int, bytes]:
    client = dovecot.client(ALICE)
    try:
        client.select_folder(BOX, readonly=True)
        return {uid: data[b"BODY[]"] for uid, data in client.fetch(client.search(["ALL"]), ["BODY.PEEK[]"]).items()}
    finally:
        client.logout()


def synced(dovecot: DovecotServer, store: MailStore, imap_config: dict[str, Any], count: int,
           port: int | None = None) -> SyncEngine:
    dovecot.seed(ALICE, BOX, list(realistic_messages(count, seed=11)))
    engine = SyncEngine(store, connector_to(imap_config, port))
    engine.sync_folder(BOX)
    return engine


def test_batches_are_bounded_in_messages_and_bytes() -> None:
    sizes = [(100, 10), (99, 10), (98, 500), (97, 10), (96, 10), (95, 10), (94, 10)]
    assert list(batches(sizes, most=3, most_bytes=100)) == [[100, 99], [98], [97, 96, 95], [94]]
    assert list(batches([(5, 10_000)], most=3, most_bytes=100)) == [[5]], "a big message is a batch of its own"
    assert list(batches([], most=3, most_bytes=100)) == []


def test_every_body_is_cached_whole_and_searchable(dovecot: DovecotServer, store: MailStore,
                                                   imap_config: dict[str, Any]) -> None:
    engine = synced(dovecot, store, imap_config, 240)
    seen: list[tuple[int, int]] = []
    assert engine.prefetch_bodies(BOX, batch=37, progress=lambda done, total: seen.append((done, total))) == 240
    assert [done for done, _ in seen] == sorted({done for done, _ in seen}) and seen[-1] == (240, 240)
    assert len(seen) >= 240 // 37
    expected = server_bodies(dovecot)
    assert {uid: store.body(BOX, uid) for uid in store.uids(BOX)} == expected
    assert store.missing_bodies(BOX) == []
    # A word that only the body of one message holds finds it, once.
    uid, raw = max(expected.items())
    assert store.search("kumquat", folder=BOX, limit=500)
    assert engine.prefetch_bodies(BOX) == 0, "nothing left to fetch"
    assert raw == store.body(BOX, uid)
    engine.close()


def test_a_cancel_between_batches_keeps_what_was_stored(dovecot: DovecotServer, store: MailStore,
                                                        imap_config: dict[str, Any]) -> None:
    engine = synced(dovecot, store, imap_config, 120)
    cancel = threading.Event()
    with pytest.raises(Cancelled):
        engine.prefetch_bodies(BOX, batch=25, cancel=cancel, progress=lambda done, total: cancel.set())
    stored = 120 - len(store.missing_bodies(BOX))
    assert stored == 25, "the batch under way when the cancel came, and no other"
    # The reader thread is gone: the connection carries on with the rest.
    assert engine.prefetch_bodies(BOX) == 95
    assert store.missing_bodies(BOX) == []
    engine.close()


def test_a_broken_link_keeps_the_whole_batches_and_the_next_run_fetches_the_rest(
        dovecot: DovecotServer, store: MailStore, imap_config: dict[str, Any]) -> None:
    dovecot.seed(ALICE, BOX, list(realistic_messages(300, seed=5)))
    with FaultyProxy(dovecot.imaps_port) as proxy:
        engine = SyncEngine(store, connector_to(imap_config, proxy.port))
        engine.sync_folder(BOX)
        imap = engine.connection()
        imap.select_mailbox(BOX)
        total = sum(len(raw) for raw in server_bodies(dovecot).values())
        halfway = proxy.when_server_bytes(proxy.server_bytes + total // 2)
        cutter = threading.Thread(target=lambda: halfway.wait(60) and proxy.kill_all(), daemon=True)
        cutter.start()
        with pytest.raises(ConnectionError):
            download_bodies(store, imap, BOX, most=40)
        cutter.join()
        kept = 300 - len(store.missing_bodies(BOX))
        assert 0 < kept < 300 and kept % 40 == 0, kept
        engine.close()
    engine = SyncEngine(store, connector_to(imap_config))
    assert engine.prefetch_bodies(BOX) == 300 - kept
    assert {uid: store.body(BOX, uid) for uid in store.uids(BOX)} == server_bodies(dovecot)
    engine.close()


def test_kill_9_mid_download_then_a_restart_completes_it(dovecot: DovecotServer, imap_config: dict[str, Any],
                                                         tmp_path: Path, children: Children) -> None:
    path = tmp_path / "store.sqlite3"
    with MailStore(path) as store:
        synced(dovecot, store, imap_config, 400).close()
    job = {"store": str(path), "imap": imap_config, "mode": "prefetch", "folder": BOX, "batch": 50,
           "pause_on": "INSERT INTO bodies", "occurrence": 101}
    child = children.start(CHILD, job)
    # The trace sees each row of a batch's one INSERT: the 101st is the third batch's first body, inside its
    # transaction.
    child.wait_for("paused")
    child.kill()
    assert [line for line in child.lines if line.startswith("progress")][-1] == "progress 100 400"
    expected = server_bodies(dovecot)
    with reopen(path) as store:
        missing = {uid for uid, _ in store.missing_bodies(BOX)}
        assert len(missing) == 300, "two whole batches, nothing of the third"
        assert all(store.body(BOX, uid) == expected[uid] for uid in set(expected) - missing)
    job = {key: value for key, value in job.items() if key not in ("pause_on", "occurrence")}
    last = children.start(CHILD, job)
    last.wait_for("done")
    last.finish()
    with reopen(path) as store:
        assert {uid: store.body(BOX, uid) for uid in store.uids(BOX)} == expected
