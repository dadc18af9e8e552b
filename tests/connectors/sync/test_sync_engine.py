"""The sync engine against the real Dovecot: first sync, resync, UIDVALIDITY, drops mid-sync, offline commands."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.store import MailStore, MessagesAdded
from connectors.sync import SyncEngine, SyncProgress
from tests.conftest import ALICE, make_message
from tests.connectors.sync.connections import connector_to as _connector
from tests.servers.dovecot import DovecotServer
from tests.servers.proxy import FaultyProxy

# UIDs restart at 1 only in a new folder: tests that name UIDs use one (the fixtures delete it afterwards).
BOX = "Boîte"


def _messages(count: int, prefix: str = "Message") -> list[bytes]:
    return [make_message(f"{prefix} {i}", body=f"Body {i} " + "lorem ipsum " * 40,
                         date=f"Tue, 24 Nov 2026 10:{i // 60 % 60:02d}:{i % 60:02d} +0000") for i in range(count)]




@pytest.fixture
def engine(store: MailStore, imap_config: dict[str, Any]) -> Iterator[SyncEngine]:
    sync = SyncEngine(store, _connector(imap_config), header_batch=500)
    yield sync
    sync.close()


def test_initial_sync_newest_first_with_progress(dovecot: DovecotServer, engine: SyncEngine,
                                                 store: MailStore) -> None:
    dovecot.seed(ALICE, "INBOX", _messages(1200))
    dovecot.seed(ALICE, "Archive", _messages(3, "Old"), flags=("\\Seen",))
    added: list[int] = []
    store.subscribe(lambda e: added.extend(e.uids) if isinstance(e, MessagesAdded) else None)
    seen: list[SyncProgress] = []
    engine.sync_all(progress=seen.append)

    folders = {f.name: f for f in store.folders()}
    assert {"INBOX", "Sent", "Trash", "Drafts", "Junk", "Archive"} <= set(folders)
    assert folders["Sent"].special_use == "sent" and folders["Trash"].special_use == "trash"
    assert (folders["INBOX"].total, folders["INBOX"].unread) == (1200, 1200)
    assert (folders["Archive"].total, folders["Archive"].unread) == (3, 0)
    assert sorted(added[:500]) == store.uids("INBOX")[-500:]  # the newest batch arrives first
    inbox = [p for p in seen if p.folder == "INBOX"]
    assert inbox[0].folder == seen[0].folder == "INBOX"  # INBOX before the rest
    assert [p.done for p in inbox] == [0, 500, 1000, 1200] and inbox[-1].total == 1200
    top = store.summaries("INBOX", sort="date", limit=1)[0]
    assert top.subject == "Message 1199" and top.from_addr == "sender@example.test" and top.unread


def test_resync_sees_flags_and_expunges_from_another_client(dovecot: DovecotServer, engine: SyncEngine,
                                                            store: MailStore) -> None:
    dovecot.seed(ALICE, BOX, _messages(300))
    engine.sync_folder(BOX)
    assert engine.sync_folder(BOX).added == 0  # nothing changed: nothing done

    other = dovecot.client(ALICE)
    other.select_folder(BOX)
    other.add_flags(list(range(1, 101)), [b"\\Seen"])
    other.delete_messages([150, 151, 152])
    other.expunge()
    other.logout()
    dovecot.seed(ALICE, BOX, [make_message("Fresh")])

    result = engine.sync_folder(BOX)
    assert (result.added, result.changed, result.removed) == (1, 100, 3)
    folder = store.folder(BOX)
    assert folder is not None and (folder.total, folder.unread) == (298, 198)
    assert 150 not in store.uids(BOX) and store.max_uid(BOX) == 301


def test_uidvalidity_change_rebuilds_the_folder(dovecot: DovecotServer, engine: SyncEngine,
                                                store: MailStore) -> None:
    dovecot.seed(ALICE, "Projects", _messages(5, "First life"))
    engine.sync_all()
    assert store.count("Projects") == 5
    other = dovecot.client(ALICE)
    other.delete_folder("Projects")
    other.logout()
    dovecot.seed(ALICE, "Projects", _messages(2, "Second life"))
    engine.sync_folder("Projects")
    assert sorted(s.subject for s in store.summaries("Projects")) == ["Second life 0", "Second life 1"]


def test_folder_removed_on_server_disappears_locally(dovecot: DovecotServer, engine: SyncEngine,
                                                     store: MailStore) -> None:
    dovecot.seed(ALICE, "Temp", _messages(2))
    engine.sync_folder_list()
    assert store.folder("Temp") is not None
    other = dovecot.client(ALICE)
    other.rename_folder("Temp", "Renamed")
    other.logout()
    engine.sync_all()
    assert store.folder("Temp") is None and store.count("Renamed") == 2


def test_connection_dropped_mid_sync_loses_nothing_and_duplicates_nothing(
        dovecot: DovecotServer, store: MailStore, imap_config: dict[str, Any]) -> None:
    dovecot.seed(ALICE, BOX, _messages(3000))
    with FaultyProxy(dovecot.imaps_port) as proxy:
        proxy.cut_after_bytes = 400_000  # somewhere in the middle of the header batches, on every connection
        engine = SyncEngine(store, _connector(imap_config, proxy.port), header_batch=500)
        engine.sync_folder(BOX)  # reconnects and goes on while each connection brings something
        assert proxy.connections > 1
        proxy.cut_after_bytes = None
        assert engine.sync_folder(BOX).added == 0
        engine.close()
    assert store.uids(BOX) == list(range(1, 3001))
    assert store.count(BOX) == 3000


def test_offline_commands_are_queued_and_replayed_across_a_restart(
        dovecot: DovecotServer, tmp_path: Path, imap_config: dict[str, Any]) -> None:
    dovecot.seed(ALICE, BOX, _messages(5))
    path = tmp_path / "offline.sqlite3"
    with FaultyProxy(dovecot.imaps_port) as proxy:
        with MailStore(path) as store:
            engine = SyncEngine(store, _connector(imap_config, proxy.port))
            engine.sync_all()
            engine.close()
            proxy.stop()  # the network is gone
            assert engine.set_flags(BOX, [1, 2], add=["\\Seen"]) == []
            engine.move_messages(BOX, [3], "Archive")
            engine.delete_messages(BOX, [4])
            assert store.count(BOX) == 3 and store.count(BOX, unread_only=True) == 1  # optimistic
            assert len(store.pending()) == 3
    # Facteur restarts, the server is reachable again.
    with MailStore(path) as store:
        assert [c.kind for c in store.pending()] == ["flags", "move", "delete"]
        engine = SyncEngine(store, _connector(imap_config))
        assert engine.replay_queue() == []
        assert store.pending() == []
        engine.sync_all()
        engine.close()
    client = dovecot.client(ALICE)
    client.select_folder(BOX)
    assert sorted(client.search(["ALL"])) == [1, 2, 5]
    assert sorted(client.search(["SEEN"])) == [1, 2]
    client.select_folder("Archive")
    assert len(client.search(["ALL"])) == 1
    client.select_folder("Trash")
    assert len(client.search(["ALL"])) == 1
    client.logout()


def test_refused_command_is_rolled_back_and_the_queue_moves_on(dovecot: DovecotServer, engine: SyncEngine,
                                                               store: MailStore) -> None:
    dovecot.seed(ALICE, BOX, _messages(3))
    engine.sync_all()
    refused = engine.move_messages(BOX, [1], "No such folder")
    assert len(refused) == 1 and refused[0].kind == "move"
    assert "No such folder" in str(refused[0].error)
    assert store.count(BOX) == 3  # rolled back
    assert engine.set_flags(BOX, [2], add=["\\Flagged"]) == []
    summary = store.summary(BOX, 2)
    assert summary is not None and summary.flagged
    assert store.pending() == []


def test_message_gone_on_server_does_not_block_the_queue(dovecot: DovecotServer, engine: SyncEngine,
                                                         store: MailStore) -> None:
    dovecot.seed(ALICE, BOX, _messages(2))
    engine.sync_all()
    other = dovecot.client(ALICE)
    other.select_folder(BOX)
    other.delete_messages([1])
    other.expunge()
    other.logout()
    assert engine.set_flags(BOX, [1], add=["\\Seen"]) == []
    assert engine.set_flags(BOX, [2], add=["\\Seen"]) == []
    assert store.pending() == []
    engine.sync_folder(BOX)
    assert store.uids(BOX) == [2]


def test_body_fetched_once_then_cached_and_searchable(dovecot: DovecotServer, engine: SyncEngine,
                                                      store: MailStore) -> None:
    dovecot.seed(ALICE, BOX, [make_message("Recipe", body="Add the zucchini and stir")])
    engine.sync_all()
    assert store.search("zucchini") == []  # bodies are indexed once cached
    raw = engine.fetch_body(BOX, 1)
    assert b"zucchini" in raw
    assert [s.subject for s in store.search("zucchini")] == ["Recipe"]
    assert [s.subject for s in store.search("from:sender subject:recipe")] == ["Recipe"]
    assert store.summary(BOX, 1).unread  # type: ignore[union-attr]  # fetching did not mark it read
    engine.close()
    assert engine.fetch_body(BOX, 1) == raw  # from the cache: no connection needed


def test_sync_can_be_cancelled(dovecot: DovecotServer, engine: SyncEngine, store: MailStore) -> None:
    from connectors.sync import Cancelled

    dovecot.seed(ALICE, BOX, _messages(1500))
    cancel = threading.Event()

    def stop_after_first_batch(done: int, total: int) -> None:
        if done >= 500:
            cancel.set()

    with pytest.raises(Cancelled):
        engine.sync_folder(BOX, progress=stop_after_first_batch, cancel=cancel)
    assert store.count(BOX) == 500
    engine.sync_folder(BOX)
    assert store.count(BOX) == 1500


def test_a_store_write_that_fails_in_the_writer_thread_fails_the_sync(
        dovecot: DovecotServer, engine: SyncEngine, store: MailStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Header batches are stored by a writer thread while the next is fetched: a write that fails there fails the
    sync in the caller's thread, what was stored before stays (and searchable), nothing after it is stored, and the
    next sync finishes the folder."""
    from connectors.store import StoreError

    dovecot.seed(ALICE, BOX, _messages(1500))
    original = store.add_rows
    writers: list[threading.Thread] = []

    def failing(folder: str, rows: Any, **options: Any) -> None:
        writers.append(threading.current_thread())
        if len(writers) == 2:
            raise StoreError("the disk is full")
        original(folder, rows, **options)

    monkeypatch.setattr(store, "add_rows", failing)
    with pytest.raises(StoreError, match="disk is full"):
        engine.sync_folder(BOX)
    assert threading.current_thread() not in writers
    assert store.count(BOX) == 500 and store.pending_index() == 0
    assert store.uids(BOX) == list(range(1001, 1501))
    monkeypatch.undo()
    engine.sync_folder(BOX)
    assert store.count(BOX) == 1500 and store.folder(BOX).total == 1500  # type: ignore[union-attr]


def test_message_without_date_header_is_dated_by_the_server(dovecot: DovecotServer, engine: SyncEngine,
                                                            store: MailStore) -> None:
    undated = b"From: a@example.test\r\nSubject: No date\r\n\r\nbody\r\n"
    dovecot.seed(ALICE, BOX, [undated, make_message("Dated")])
    engine.sync_all()
    by_subject = {s.subject: s for s in store.summaries(BOX)}
    assert by_subject["No date"].internal_date > 1_700_000_000  # the server's arrival time
    assert by_subject["No date"].date == by_subject["No date"].internal_date  # the store falls back to it
    assert by_subject["Dated"].date > 0


def test_opening_a_message_settles_the_attachment_guess(dovecot: DovecotServer, engine: SyncEngine,
                                                        store: MailStore) -> None:
    mixed_without_files = (b"From: a@example.test\r\nSubject: Mixed but plain\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000"
                           b'\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n'
                           b"\r\nJust text\r\n--b--\r\n")
    dovecot.seed(ALICE, BOX, [mixed_without_files])
    engine.sync_all()
    assert store.summary(BOX, 1).has_attachments  # type: ignore[union-attr]  # the header-only guess
    engine.fetch_body(BOX, 1)
    assert not store.summary(BOX, 1).has_attachments  # type: ignore[union-attr]
    assert store.body(BOX, 1) is not None  # the cached body survived the summary update


def test_work_between_batches_runs_on_the_same_connection_without_harm(dovecot: DovecotServer, engine: SyncEngine,
                                                                      store: MailStore) -> None:
    dovecot.seed(ALICE, "Elsewhere", [make_message("Read me meanwhile")])
    engine.sync_folder_list()
    engine.sync_folder("Elsewhere")
    dovecot.seed(ALICE, BOX, _messages(1600))
    meanwhile: list[bytes] = []

    def open_another_message() -> None:  # as the GUI worker does when the person opens a message mid-sync
        if not meanwhile:
            meanwhile.append(engine.fetch_body("Elsewhere", store.uids("Elsewhere")[0]))

    engine.sync_folder_list()
    result = engine.sync_folder(BOX, between_batches=open_another_message)
    assert b"Read me meanwhile" in meanwhile[0]
    assert result.added == 1600 and store.uids(BOX) == list(range(1, 1601))  # re-selected, nothing mixed up
