"""A damaged store loses no offline command: those that can be read are queued again in the rebuilt store, keep
the UIDVALIDITY and Message-IDs they were made under, and replay against the real server as they would have."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from connectors.exceptions import ConnectionError
from connectors.messaging.imap import IMAPConnector
from connectors.store import MailStore, open_store
from connectors.sync import SyncEngine
from tests.conftest import ALICE, make_message
from tests.connectors.store.sample_mail import realistic_summaries
from tests.connectors.sync.connections import connector_to
from tests.connectors.sync.test_sync_kill import server_view
from tests.servers.dovecot import DovecotServer

BOX = "Damaged"
PAGE = 4096


def _offline() -> IMAPConnector:
    raise ConnectionError("The network is down (test)", "127.0.0.1", 1)


def _queue_then_damage(dovecot: DovecotServer, imap_config: dict[str, Any], path: Path) -> dict[str, int]:
    dovecot.seed(ALICE, BOX, [make_message(f"Queued {i}") for i in range(5)])
    with MailStore(path) as store:
        engine = SyncEngine(store, connector_to(imap_config))
        engine.sync_all()
        engine.close()
        store.upsert_folders([((b"\\HasNoChildren",), b"/", "Bulk")])  # pages to damage, away from the queue
        store.add_messages("Bulk", list(realistic_summaries(3000)))
        uid = {s.subject: s.uid for s in store.summaries_for(BOX, store.uids(BOX))}
        offline = SyncEngine(store, _offline)
        offline.set_flags(BOX, [uid["Queued 0"]], add=["\\Flagged"])
        offline.move_messages(BOX, [uid["Queued 1"]], "Archive")
        offline.delete_messages(BOX, [uid["Queued 2"]])
        assert [c.kind for c in store.pending()] == ["flags", "move", "delete"]
    sound = path.read_bytes()
    pages = len(sound) // PAGE
    for fraction in (0.5, 0.4, 0.6, 0.3, 0.7):  # a bad sector among the summaries (not on free pages)
        first = int(pages * fraction) * PAGE
        path.write_bytes(sound[:first] + b"\xa5" * PAGE * 3 + sound[first + PAGE * 3:])
        with sqlite3.connect(path) as conn:
            if conn.execute("PRAGMA quick_check(1)").fetchall() != [("ok",)]:
                return uid
    raise AssertionError("no damage that quick_check sees")


def test_offline_commands_survive_a_damaged_store(dovecot: DovecotServer, imap_config: dict[str, Any],
                                                  tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    uid = _queue_then_damage(dovecot, imap_config, path)
    opened = open_store(path)
    assert opened.moved_aside is not None, "the damage was found"
    assert (opened.commands_kept, opened.commands_unreadable) == (3, False)
    with opened.store as store:
        queued = store.pending()
        assert [c.kind for c in queued] == ["flags", "move", "delete"]
        assert queued[1].uidvalidity is not None and queued[1].message_ids, "with what aims them"
        assert store.folders() == [], "the rest is refilled from the server"
        engine = SyncEngine(store, connector_to(imap_config))
        assert engine.replay_queue() == []
        for folder in (BOX, "Archive", "Trash"):
            engine.sync_folder(folder)
        engine.close()
        assert store.pending() == []
    in_box = server_view(dovecot, BOX)
    assert sorted(subject for subject, _flags in in_box.values()) == ["Queued 0", "Queued 3", "Queued 4"]
    assert "\\Flagged" in in_box[uid["Queued 0"]][1]
    assert [subject for subject, _flags in server_view(dovecot, "Archive").values()] == ["Queued 1"]
    assert [subject for subject, _flags in server_view(dovecot, "Trash").values()] == ["Queued 2"]


def test_a_store_that_is_no_database_says_its_queue_could_not_be_read(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    path.write_bytes(b"garbage, not SQLite\n" * 300)
    opened = open_store(path)
    assert opened.moved_aside is not None
    assert (opened.commands_kept, opened.commands_unreadable) == (0, True)
    opened.store.close()
