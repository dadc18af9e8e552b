"""kill -9 of a syncing Facteur, then a restart on the same store (real Dovecot; the sync runs in a child process,
``crash_child``): the store opens sound, the sync resumes exactly (every message of the server once, nothing
else), and the offline queue is neither lost nor carried out twice.

The kill point is picked by events, never by time: bytes the proxy has forwarded, an answer it holds back after
the server did the work, or a statement the child's store is about to run inside its write transaction.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
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
from tests.servers.dovecot import DovecotServer
from tests.servers.proxy import CommandFaultProxy, FaultyProxy

BOX = "Killed"
ROOT = Path(__file__).resolve().parents[3]
WAIT = 60  # seconds a child may take to reach its kill point on a busy machine (a bound, never a delay)


class Child:
    """One ``crash_child`` process; its printed lines arrive in a queue so that every wait has a bound."""

    def __init__(self, job: dict[str, Any]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.connectors.sync.crash_child", json.dumps(job)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.strip())
        self._queue.put(None)

    def wait_for(self, word: str) -> str:
        """The first printed line starting with ``word`` (failing if the child ends or takes too long first)."""
        while True:
            try:
                line = self._queue.get(timeout=WAIT)
            except queue.Empty:
                pytest.fail(f"the child never printed {word!r}; it printed {self.lines}")
            if line is None:
                pytest.fail(f"the child ended before printing {word!r}: {self.lines}\n{self.stderr()}")
            self.lines.append(line)
            if line.startswith(word):
                return line

    def stderr(self) -> str:
        assert self.process.stderr is not None
        return self.process.stderr.read() if self.process.poll() is not None else ""

    def kill(self) -> None:
        """SIGKILL, as a crash, the OOM killer or a power cut would end it."""
        os.kill(self.process.pid, signal.SIGKILL)
        assert self.process.wait(WAIT) == -signal.SIGKILL
        while (line := self._queue.get(timeout=WAIT)) is not None:  # what it printed before it died
            self.lines.append(line)

    def finish(self) -> None:
        code = self.process.wait(WAIT)
        assert code == 0, self.stderr()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def children() -> Iterator[list[Child]]:
    made: list[Child] = []
    yield made
    for child in made:
        child.close()


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
                                                        tmp_path: Path, children: list[Child]) -> None:
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
            child = Child(job)
            children.append(child)
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
        last = Child(job)
        children.append(last)
        last.wait_for("done")
        last.finish()
        assert last.lines[0] == "opened intact"
    with reopen(path) as store:
        assert store_view(store, BOX) == server_view(dovecot, BOX)
        assert len(store.uids(BOX)) == count


def test_a_kill_inside_the_stores_write_of_a_batch_loses_only_that_batch(
        dovecot: DovecotServer, imap_config: dict[str, Any], tmp_path: Path, children: list[Child]) -> None:
    count = 2000
    _seed(dovecot, count)
    path = tmp_path / "store.sqlite3"
    # Batches of 500, newest first: the 1,250th message indexed for search is in the middle of the third batch's
    # transaction (its summaries are written, half of its index too).
    child = Child({"store": str(path), "imap": imap_config, "mode": "sync", "folder": BOX, "header_batch": 500,
                   "pause_on": "INSERT INTO message_fts", "occurrence": 1250})
    children.append(child)
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
        dovecot: DovecotServer, imap_config: dict[str, Any], tmp_path: Path, children: list[Child],
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
        child = Child(job)
        children.append(child)
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
