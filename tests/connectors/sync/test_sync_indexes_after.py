"""A big first sync stores its rows without the sender and subject indexes and builds them once the rows are in
(connectors.store.deferred), against the real Dovecot: they are out while the headers stream in and back, as they
were, when the sync ends, is cancelled, or when the store is opened again after a kill."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from connectors.store import MailStore
from connectors.store.deferred import DEFERRABLE
from connectors.sync import Cancelled, SyncEngine
from tests.conftest import ALICE, make_message
from tests.connectors.sync.connections import connector_to
from tests.connectors.sync.test_sync_kill import CHILD, children, reopen, server_view, store_view  # noqa: F401
from tests.killable import Children
from tests.servers.dovecot import DovecotServer

BOX = "Big"
COUNT = 1500


def _seed(dovecot: DovecotServer) -> None:
    dovecot.seed(ALICE, BOX, [
        make_message(f"{'Re: ' if i % 3 else ''}Topic {i // 3}", sender=f"person{i % 7}@example.test",
                     body=f"Body {i}", date=f"Tue, 24 Nov 2026 {i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d} +0000")
        for i in range(COUNT)])


def _indexes(store: MailStore) -> dict[str, str]:
    conn: sqlite3.Connection = store._conn  # noqa: SLF001 - the schema itself is what is compared
    return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))


def _expected_indexes(tmp_path: Path) -> dict[str, str]:
    with MailStore(tmp_path / "fresh.sqlite3") as fresh:
        return _indexes(fresh)


def test_the_indexes_are_out_while_headers_stream_in_and_back_when_the_sync_ends(
        dovecot: DovecotServer, store: MailStore, imap_config: dict[str, Any], tmp_path: Path) -> None:
    _seed(dovecot)
    store.defer_indexes_over = 500
    out_during: list[list[str]] = []
    engine = SyncEngine(store, connector_to(imap_config), header_batch=300)
    try:
        engine.sync_folder_list()
        # After each batch: the list's reads answer while the indexes are out.
        result = engine.sync_folder(BOX, between_batches=lambda: (
            out_during.append(store.deferred_indexes()), store.summaries(BOX, "sender", limit=50),
            store.threads(BOX, limit=50)))
        assert result.added == COUNT
        full = [names for names in out_during if names == sorted(DEFERRABLE)]
        assert len(full) >= 3, f"out while the header batches were stored: {out_during}"
        # The GUI's writes also run between the indexes built at the end, one transaction each.
        assert out_during[len(full):] == [sorted(DEFERRABLE)[i:] for i in range(1, len(DEFERRABLE))]
        assert store.deferred_indexes() == []
        assert _indexes(store) == _expected_indexes(tmp_path)
        assert store_view(store, BOX) == server_view(dovecot, BOX)
        # A second sync has nothing to store: it leaves every index in place.
        dovecot.seed(ALICE, BOX, [make_message("One more")])
        calls: list[int] = []
        original = store.defer_indexes
        store.defer_indexes = lambda coming: calls.append(coming) or original(coming)  # type: ignore[method-assign]
        assert engine.sync_folder(BOX).added == 1
        assert calls == [1] and store.deferred_indexes() == []
    finally:
        engine.close()


def test_a_small_sync_run_between_the_batches_of_a_big_one_leaves_its_indexes_out(
        dovecot: DovecotServer, store: MailStore, imap_config: dict[str, Any], tmp_path: Path) -> None:
    _seed(dovecot)
    dovecot.seed(ALICE, "INBOX", [make_message(f"Inbox {i}") for i in range(5)])
    store.defer_indexes_over = 500
    engine = SyncEngine(store, connector_to(imap_config), header_batch=300)
    out_after: list[list[str]] = []

    def between() -> None:  # what the GUI's worker runs between two batches: here, opening INBOX syncs it
        if not out_after:
            assert engine.sync_folder("INBOX").added == 5
        out_after.append(store.deferred_indexes())

    try:
        engine.sync_folder_list()
        assert engine.sync_folder(BOX, between_batches=between).added == COUNT
        assert out_after[:3] == [sorted(DEFERRABLE)] * 3, "the big sync's indexes stayed out"
        assert store.deferred_indexes() == []
        assert _indexes(store) == _expected_indexes(tmp_path)
        assert store_view(store, BOX) == server_view(dovecot, BOX)
        assert store_view(store, "INBOX") == server_view(dovecot, "INBOX")
    finally:
        engine.close()


def test_a_cancelled_first_sync_builds_the_indexes_before_it_returns(
        dovecot: DovecotServer, store: MailStore, imap_config: dict[str, Any], tmp_path: Path) -> None:
    _seed(dovecot)
    store.defer_indexes_over = 500
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done >= 800:
            assert store.deferred_indexes() == sorted(DEFERRABLE)
            cancel.set()

    engine = SyncEngine(store, connector_to(imap_config), header_batch=300)
    try:
        engine.sync_folder_list()
        with pytest.raises(Cancelled):
            engine.sync_folder(BOX, progress=progress, cancel=cancel)
        assert cancel.is_set() and 0 < store.count(BOX) < COUNT
        assert store.deferred_indexes() == []
        assert _indexes(store) == _expected_indexes(tmp_path)
        stored = store.count(BOX)
        assert engine.sync_folder(BOX).added == COUNT - stored
        assert store_view(store, BOX) == server_view(dovecot, BOX)
    finally:
        engine.close()


def test_a_kill_while_the_indexes_are_out_builds_them_at_the_next_open(
        dovecot: DovecotServer, imap_config: dict[str, Any], tmp_path: Path, children: Children) -> None:  # noqa: F811
    _seed(dovecot)
    path = tmp_path / "store.sqlite3"
    # Batches of 300 after the newest 300: the child is killed inside the transaction of its fourth INSERT of
    # rows, the indexes out since the third.
    child = children.start(CHILD, {"store": str(path), "imap": imap_config, "mode": "sync", "folder": BOX,
                                   "header_batch": 300, "defer_indexes_over": 500,
                                   "pause_on": "INSERT INTO messages", "occurrence": 4})
    child.wait_for("paused")
    child.kill()
    conn = sqlite3.connect(path)
    assert sorted(name for (name,) in conn.execute("SELECT name FROM deferred_indexes")) == sorted(DEFERRABLE)
    conn.close()
    with reopen(path) as store:
        assert store.deferred_indexes() == []
        assert _indexes(store) == _expected_indexes(tmp_path)
        assert 0 < store.count(BOX) < COUNT
        engine = SyncEngine(store, connector_to(imap_config), header_batch=300)
        engine.sync_folder(BOX)
        engine.close()
        assert store_view(store, BOX) == server_view(dovecot, BOX)
        assert store.deferred_indexes() == []
