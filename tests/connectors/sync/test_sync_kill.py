"""kill -9 of a syncing Facteur, then a restart on the same store (real Dovecot; the sync runs in a child process,
``crash_child``): the store opens sound, the sync resumes exactly (every message of the server once, nothing
else), and the offline queue is neither lost nor carried out twice.

The kill point is picked by events, never by time: bytes the proxy has forwarded, an answer it holds back after
the server did the work, or a statement the child's store is about to run inside its write transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.exceptions import ConnectionError
from connectors.messaging.imap import IMAPConnector
from connectors.store import MailStore, open_store
from connectors.sync import SyncEngine
from tests.conftest import ALICE, make_message
from tests.connectors.sync.connections import connector_to
from tests.killable import WAIT, Children
from tests.servers.dovecot import DovecotServer
from tests.servers.proxy import CommandFaultProxy, FaultyProxy

BOX = "Killed"
CHILD = "tests.connectors.sync.crash_child"


@pytest.fixture
def children() -> Iterator[Children]:
    made = Children()
    yield made
    made.close()


def _messages(count: int) -> list[bytes]:
    return [make_message(f"Killed {i}", body=f"Body {i}",
                         date=f"Tue, 24 Nov 2026 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d} +0000")
            for i in range(count)]


def _seed(dovecot: DovecotServer, count: int) -> None:
    messages = _messages(count)
    dovecot.seed(ALICE, BOX, messages[: count // 3], flags=("\\Seen",))
    dovecot.seed(ALICE, BOX, messages[count // 3:])


def server_view(dovecot: DovecotServer, folder: str) -> dict[int, tuple[str, frozenset[str]]]:
    """What the server holds in ``folder``, read by a client of its own: UID → (subject, flags)."""
    client = dovecot.client(ALICE)
    try:
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        fetched = client.fetch(uids, ["FLAGS", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]"]) if uids else {}
    finally:
        client.logout()
    return {uid: (data[b"BODY[HEADER.FIELDS (SUBJECT)]"].decode().split(":", 1)[1].strip(),
                  frozenset(flag.decode() for flag in data[b"FLAGS"]))
            for uid, data in fetched.items()}


def store_view(store: MailStore, folder: str) -> dict[int, tuple[str, frozenset[str]]]:
    uids = store.uids(folder)
    assert store.count(folder) == len(uids) == len(set(uids)), "each message once"
    return {s.uid: (s.subject, s.flags) for s in store.summaries_for(folder, uids)}


def reopen(path: Path) -> MailStore:
    """The restart: the store opens as the app opens it, whole-file check included, and needs no rebuild."""
    opened = open_store(path)
    assert opened.moved_aside is None, f"the kill damaged the store: {opened.reason}"
    assert opened.store._conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    return opened.store


# -- the first header sync -----------------------------------------------------------------------------------


def test_kills_mid_batch_of_a_first_sync_resume_exactly(dovecot: DovecotServer, imap_config: dict[str, Any],
                                                        tmp_path: Path, children: Children) -> None:
    """Three kills while headers stream in (wherever the child is at that moment: reading, parsing, writing,
    committing), a restart after each; the last run completes exactly."""
    count = 6000
    _seed(dovecot, count)
    path = tmp_path / "store.sqlite3"
    held: list[int] = []
    with FaultyProxy(dovecot.imaps_port) as proxy:
        job = {"store": str(path), "imap": {**imap_config, "port": proxy.port}, "mode": "sync", "folder": BOX,
               "header_batch": 500}
        for mark in (250_000, 900_000, 1_500_000):  # server bytes, all runs together: ~2.3 MB make the sync
            reached = proxy.when_server_bytes(mark)
            child = children.start(CHILD, job)
            assert child.wait_for("opened") == "opened intact"
            assert reached.wait(WAIT), f"the sync stopped before {mark} bytes: {child.lines}"
            child.kill()
            assert "done" not in child.lines, "killed mid-sync"
            with reopen(path) as store:
                uids = store.uids(BOX)
                assert store.count(BOX) == len(uids) == len(set(uids))
                assert len(uids) < count
                held.append(len(uids))
        assert held[-1] > 0 and held == sorted(held), f"what each run stored was kept: {held}"
        last = children.start(CHILD, job)
        last.wait_for("done")
        last.finish()
        assert last.lines[0] == "opened intact"
    with reopen(path) as store:
        assert store_view(store, BOX) == server_view(dovecot, BOX)
        assert len(store.uids(BOX)) == count


def test_a_kill_inside_the_stores_write_of_a_batch_loses_only_that_batch(
        dovecot: DovecotServer, imap_config: dict[str, Any], tmp_path: Path, children: Children) -> None:
    count = 2000
    _seed(dovecot, count)
    path = tmp_path / "store.sqlite3"
    # Batches of 500, newest first: the third batch's transaction has written its summaries (with their
    # indexes and triggers) and is about to list them for the search index, its last statement before COMMIT.
    child = children.start(CHILD, {"store": str(path), "imap": imap_config, "mode": "sync", "folder": BOX,
                                   "header_batch": 500, "pause_on": "INSERT INTO index_pending", "occurrence": 3})
    child.wait_for("paused")
    child.kill()
    assert [line for line in child.lines if line.startswith("progress")][-1] == f"progress 1000 {count}"
    with reopen(path) as store:
        assert store.uids(BOX) == list(range(count - 999, count + 1)), "two whole batches, nothing of the third"
        assert store.count(BOX) == 1000
        engine = SyncEngine(store, connector_to(imap_config))
        engine.sync_folder(BOX)
        engine.close()
        assert store_view(store, BOX) == server_view(dovecot, BOX)


def test_a_kill_while_the_search_index_is_written_loses_nothing(
        dovecot: DovecotServer, imap_config: dict[str, Any], tmp_path: Path, children: Children) -> None:
    count = 2000
    _seed(dovecot, count)
    path = tmp_path / "store.sqlite3"
    # The headers are stored batch by batch; their full-text entries are written after the last batch, in one
    # statement: the kill lands inside it.
    child = children.start(CHILD, {"store": str(path), "imap": imap_config, "mode": "sync", "folder": BOX,
                                   "header_batch": 500, "pause_on": "INSERT INTO message_fts", "occurrence": 1})
    child.wait_for("paused")
    child.kill()
    assert [line for line in child.lines if line.startswith("progress")][-1] == f"progress {count} {count}"
    with reopen(path) as store:
        assert store.count(BOX) == count, "every stored batch is kept"
        assert store.pending_index() == count, "and still listed for the search index"
        engine = SyncEngine(store, connector_to(imap_config))
        engine.sync_folder(BOX)  # nothing new to fetch: it finishes the index
        engine.close()
        assert store.pending_index() == 0
        assert store_view(store, BOX) == server_view(dovecot, BOX)
        assert len(store.search("killed", limit=count + 1)) == count, "each message found once"
        assert [s.uid for s in store.search('"Killed 7"', limit=5)] == [8]


# -- the offline queue ---------------------------------------------------------------------------------------


def _offline() -> IMAPConnector:
    raise ConnectionError("The network is down (test)", "127.0.0.1", 1)


def _queue_offline(dovecot: DovecotServer, imap_config: dict[str, Any], path: Path) -> dict[str, int]:
    """Sync BOX, then, offline, flag one message, move one to Archive, delete one (to the Trash), mark one read:
    four commands wait in the store's queue. Returns the UIDs by subject."""
    dovecot.seed(ALICE, BOX, [make_message(f"Queued {i}") for i in range(6)])
    with MailStore(path) as store:
        online = SyncEngine(store, connector_to(imap_config))
        online.sync_all()
        online.close()
        uid = {s.subject: s.uid for s in store.summaries_for(BOX, store.uids(BOX))}
        engine = SyncEngine(store, _offline)
        assert engine.set_flags(BOX, [uid["Queued 0"]], add=["\\Flagged"]) == []
        assert engine.move_messages(BOX, [uid["Queued 1"]], "Archive") == []
        assert engine.delete_messages(BOX, [uid["Queued 2"]]) == []
        assert engine.set_flags(BOX, [uid["Queued 3"]], add=["\\Seen"]) == []
        assert [c.kind for c in store.pending()] == ["flags", "move", "delete", "flags"]
    return uid


KILL_POINTS = {
    # The server carried the move out; its answer is held back by the proxy, and the child dies waiting for it.
    "server moved, answer not heard": {"fault": rb"\S+ UID MOVE .*", "done_before": 1},
    # The server flagged the first message; the child dies before hearing so.
    "server flagged, answer not heard": {"fault": rb"\S+ UID STORE .*", "done_before": 0},
    # The move was answered; the child dies inside the store's transaction that forgets it.
    "store forgetting the move": {"pause_on": "DELETE FROM commands", "occurrence": 2, "done_before": 1},
    # The delete's move to the Trash was answered; the child dies before forgetting it.
    "store forgetting the delete": {"pause_on": "DELETE FROM commands", "occurrence": 3, "done_before": 2},
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_a_kill_mid_replay_loses_no_command_and_runs_none_twice(
        dovecot: DovecotServer, imap_config: dict[str, Any], tmp_path: Path, children: Children,
        point: str) -> None:
    how = KILL_POINTS[point]
    path = tmp_path / "store.sqlite3"
    uid = _queue_offline(dovecot, imap_config, path)
    with CommandFaultProxy(dovecot.imap_port) as proxy:  # clear text, so the proxy sees the commands
        job: dict[str, Any] = {
            "store": str(path), "mode": "replay",
            "imap": {**imap_config, "port": proxy.port, "use_ssl": False, "use_tls": False,
                     "allow_insecure_auth": True},
        }
        if "fault" in how:
            proxy.fault(how["fault"], "stall")
        else:
            job.update(pause_on=how["pause_on"], occurrence=how["occurrence"])
        child = children.start(CHILD, job)
        if "fault" in how:
            assert proxy.answered.wait(WAIT), f"the server never answered: {child.lines}"
        else:
            child.wait_for("paused")
        child.kill()
    assert "done" not in child.lines

    with reopen(path) as store:
        left = [c.kind for c in store.pending()]
        assert left == ["flags", "move", "delete", "flags"][how["done_before"]:], "nothing lost, nothing forgotten"
        engine = SyncEngine(store, connector_to(imap_config))
        assert engine.replay_queue() == [], "a command the server had already carried out is not refused"
        assert store.pending() == []
        for folder in (BOX, "Archive", "Trash"):
            engine.sync_folder(folder)
        engine.close()
        for folder in (BOX, "Archive", "Trash"):
            assert store_view(store, folder) == server_view(dovecot, folder), folder

    in_box = server_view(dovecot, BOX)
    assert sorted(subject for subject, _flags in in_box.values()) == ["Queued 0", "Queued 3", "Queued 4",
                                                                      "Queued 5"]
    assert "\\Flagged" in in_box[uid["Queued 0"]][1] and "\\Seen" in in_box[uid["Queued 3"]][1]
    assert [subject for subject, _flags in server_view(dovecot, "Archive").values()] == ["Queued 1"], "moved once"
    assert [subject for subject, _flags in server_view(dovecot, "Trash").values()] == ["Queued 2"], "deleted once"
