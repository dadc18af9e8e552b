"""A folder's first sync stores its newest messages before it searches the folder's UIDs (issue 13.1): they are
fetched by sequence number right after SELECT. Against the real Dovecot: the newest are stored before any older
header is fetched, and the store ends exactly as a plain sync (UIDs searched first) leaves it, including when a
message is expunged or arrives meanwhile and when the link breaks during the newest's FETCH."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from connectors.messaging.imap import IMAPConnector
from connectors.store import MailStore, MessagesAdded
from connectors.sync import SyncEngine
from connectors.sync import engine as engine_module
from tests.conftest import ALICE, make_message
from tests.connectors.sync.connections import connector_to as _connector
from tests.servers.dovecot import DovecotServer
from tests.servers.proxy import FaultyProxy

BOX = "Newest"
COUNT = 1300


def _messages(count: int) -> list[bytes]:
    # Replies among them, so that conversations are compared too.
    return [make_message(f"{'Re: ' if i % 3 else ''}Topic {i // 3}", sender=f"person{i % 7}@example.test",
                         body=f"Body {i}",
                         date=f"Tue, 24 Nov 2026 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d} +0000")
            for i in range(count)]


def _dump(store: MailStore) -> tuple[Any, ...]:
    conn: sqlite3.Connection = store._conn  # noqa: SLF001 - the rows themselves are what is compared
    folder = store.folder(BOX)
    assert folder is not None
    return (
        conn.execute("SELECT * FROM messages ORDER BY id").fetchall(),
        conn.execute("SELECT * FROM threads ORDER BY folder_id, thread_key").fetchall(),
        (folder.total, folder.unread, folder.uidnext, folder.uidvalidity),
        store.pending_index(),
        [s.uid for s in store.search("from:person3", limit=2000)],
        [s.uid for s in store.search("topic", limit=2000)],
    )


def _plain_sync(tmp_path: Path, imap_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    """The folder synced into a fresh store the plain way: its UIDs searched first, then fetched newest first."""
    with monkeypatch.context() as patch:
        patch.setattr(engine_module, "NEWEST_FIRST_OVER", 10**9)
        with MailStore(tmp_path / "plain.sqlite3") as store:
            engine = SyncEngine(store, _connector(imap_config), header_batch=500)
            try:
                engine.sync_folder_list()
                assert engine.sync_folder(BOX).added == COUNT
            finally:
                engine.close()
            return _dump(store)


def _spy(monkeypatch: pytest.MonkeyPatch, name: str, before: Callable[..., None] | None = None,
         after: Callable[..., None] | None = None) -> None:
    original = getattr(IMAPConnector, name)

    def spied(self: IMAPConnector, *args: Any, **kwargs: Any) -> Any:
        if before is not None:
            before(*args)
        result = original(self, *args, **kwargs)
        if after is not None:
            after(result)
        return result

    monkeypatch.setattr(IMAPConnector, name, spied)


def test_the_newest_are_stored_before_any_older_header_is_fetched(
        dovecot: DovecotServer, store: MailStore, imap_config: dict[str, Any], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    dovecot.seed(ALICE, BOX, _messages(COUNT))
    plain = _plain_sync(tmp_path, imap_config, monkeypatch)

    added: list[list[int]] = []
    store.subscribe(lambda e: added.append(list(e.uids)) if isinstance(e, MessagesAdded) and e.folder == BOX else None)
    stored_when_fetching: list[list[int]] = []
    searched_after: list[int] = []
    _spy(monkeypatch, "fetch", before=lambda uids, items: stored_when_fetching.append(store.uids(BOX)))
    _spy(monkeypatch, "all_uids", before=lambda *args: searched_after.append(len(added)))
    engine = SyncEngine(store, _connector(imap_config), header_batch=500)
    progress: list[tuple[int, int]] = []
    try:
        engine.sync_folder_list()
        result = engine.sync_folder(BOX, progress=lambda done, total: progress.append((done, total)))
    finally:
        engine.close()

    newest = list(range(COUNT - 499, COUNT + 1))
    assert sorted(added[0]) == newest  # the first rows the list is told about
    assert stored_when_fetching[0] == newest  # in the store before the first UID FETCH of older headers
    assert all(min(uids) < COUNT - 499 for uids in map(sorted, added[1:]))
    assert searched_after == [0]  # the UIDs were searched once, after the newest were sent to be stored
    assert (result.added, result.removed) == (COUNT, 0)
    assert progress == [(0, COUNT), (500, COUNT), (1000, COUNT), (COUNT, COUNT)]
    assert _dump(store) == plain
    assert engine.sync_folder(BOX).added == 0  # a resync finds nothing to do


def test_a_message_expunged_or_arriving_after_the_newest_were_fetched(
        dovecot: DovecotServer, store: MailStore, imap_config: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    dovecot.seed(ALICE, BOX, _messages(COUNT))

    def meanwhile(_result: object) -> None:  # another client, between the newest's FETCH and the UID search
        other = dovecot.client(ALICE)
        other.select_folder(BOX)
        other.delete_messages([COUNT, COUNT - 10, 3])
        other.expunge()
        other.logout()
        dovecot.seed(ALICE, BOX, [make_message("Arrived meanwhile")])

    _spy(monkeypatch, "fetch_newest", after=meanwhile)
    engine = SyncEngine(store, _connector(imap_config), header_batch=500)
    try:
        engine.sync_folder_list()
        first = engine.sync_folder(BOX)
        # The session sees the other client's changes when the server tells it (Dovecot: at the first UID FETCH,
        # after the UID search), as in a plain sync whose SELECT came before them: what it stored is what it saw.
        after_first = store.uids(BOX)
        assert first.removed == 0 and len(after_first) == store.count(BOX)
        assert set(range(1, COUNT)) - {3, COUNT - 10} <= set(after_first) <= set(range(1, COUNT + 2))
        monkeypatch.undo()
        again = engine.sync_folder(BOX)
        assert engine.sync_folder(BOX).added == 0
    finally:
        engine.close()

    expected = [uid for uid in range(1, COUNT + 2) if uid not in (COUNT, COUNT - 10, 3)]
    assert store.uids(BOX) == expected
    assert store.count(BOX) == len(expected)
    assert again.removed == len(set(after_first) - set(expected))
    assert store.summaries_for(BOX, [COUNT + 1])[0].subject == "Arrived meanwhile"


def test_a_link_broken_during_the_newest_fetch_keeps_what_came_and_completes(
        dovecot: DovecotServer, store: MailStore, imap_config: dict[str, Any]) -> None:
    dovecot.seed(ALICE, BOX, _messages(COUNT))
    with FaultyProxy(dovecot.imaps_port) as proxy:
        # Login, LIST, SELECT and the start of the newest's answer (~200 kB for 500 headers), on every connection.
        proxy.cut_after_bytes = 90_000
        engine = SyncEngine(store, _connector(imap_config, proxy.port), header_batch=500)
        added: list[list[int]] = []
        store.subscribe(lambda e: added.append(list(e.uids)) if isinstance(e, MessagesAdded) else None)
        try:
            engine.sync_folder_list()
            result = engine.sync_folder(BOX)
            assert proxy.connections > 2
            proxy.cut_after_bytes = None
            assert engine.sync_folder(BOX).added == 0
        finally:
            engine.close()
    assert added and 0 < len(added[0]) < 500 and min(added[0]) > COUNT - 500  # what came whole, kept first
    assert result.added == COUNT
    assert store.uids(BOX) == list(range(1, COUNT + 1))
    assert store.count(BOX) == COUNT
    subjects = [s.subject for s in store.summaries_for(BOX, range(1, COUNT + 1))]
    assert subjects == [f"{'Re: ' if i % 3 else ''}Topic {i // 3}" for i in range(COUNT)]
