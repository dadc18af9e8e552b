"""Undo against the real Dovecot (issue 15.2): a command the server has not seen is taken back from the queue; one
it carried out is answered by its inverse — flags as they were, moved messages found by Message-ID and moved back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from connectors.store import MailStore
from connectors.sync import NotUndoable, SyncEngine
from tests.conftest import ALICE, make_message
from tests.connectors.sync.test_sync_queue import Link, go_offline, server_subjects
from tests.servers.dovecot import DovecotServer

BOX = "Undo box"


@pytest.fixture
def link(imap_config: dict[str, Any]) -> Link:
    return Link(imap_config)


@pytest.fixture
def engine(store: MailStore, link: Link) -> Iterator[SyncEngine]:
    sync = SyncEngine(store, link)
    yield sync
    sync.close()


def seeded(dovecot: DovecotServer, engine: SyncEngine, *subjects: str) -> None:
    dovecot.seed(ALICE, BOX, [make_message(subject) for subject in subjects])
    engine.sync_all()


def subjects(store: MailStore, folder: str) -> set[str]:
    return {summary.subject for summary in store.summaries(folder, limit=1000)}


def test_undoing_a_delete_after_the_server_did_it_moves_the_message_back(
        dovecot: DovecotServer, engine: SyncEngine, store: MailStore) -> None:
    seeded(dovecot, engine, "Alpha", "Bravo")
    alpha = next(s.uid for s in store.summaries(BOX) if s.subject == "Alpha")
    assert engine.delete_messages(BOX, [alpha]) == []
    command = engine.last_queued
    assert command is not None and command.kind == "delete"
    assert "Alpha" in server_subjects(dovecot, "Trash").values()
    assert engine.undo(command) == []
    assert "Alpha" in server_subjects(dovecot, BOX).values()
    assert "Alpha" not in server_subjects(dovecot, "Trash").values()
    # The store shows it back under its new UID, once, and the queue is empty.
    assert sorted(s.subject for s in store.summaries(BOX)) == ["Alpha", "Bravo"]
    back = next(s for s in store.summaries(BOX) if s.subject == "Alpha")
    assert back.uid in server_subjects(dovecot, BOX)
    assert store.pending() == []
    engine.sync_folder(BOX)
    assert sorted(s.subject for s in store.summaries(BOX)) == ["Alpha", "Bravo"]


def test_undoing_flags_gives_each_message_back_what_it_had(
        dovecot: DovecotServer, engine: SyncEngine, store: MailStore) -> None:
    seeded(dovecot, engine, "Read before", "Unread before")
    uids = {s.subject: s.uid for s in store.summaries(BOX)}
    engine.set_flags(BOX, [uids["Read before"]], add=["\\Seen"])
    engine.set_flags(BOX, list(uids.values()), add=["\\Seen"])  # Mark as Read on both
    command = engine.last_queued
    assert command is not None
    engine.undo(command)
    assert "\\Seen" in store.summary(BOX, uids["Read before"]).flags  # type: ignore[union-attr]
    assert "\\Seen" not in store.summary(BOX, uids["Unread before"]).flags  # type: ignore[union-attr]
    assert list(server_subjects(dovecot, BOX, "SEEN")) == [uids["Read before"]]


def test_undoing_offline_takes_the_command_back_before_the_server_sees_it(
        dovecot: DovecotServer, engine: SyncEngine, store: MailStore, link: Link) -> None:
    seeded(dovecot, engine, "Alpha", "Bravo")
    uids = {s.subject: s.uid for s in store.summaries(BOX)}
    go_offline(engine, link)
    engine.move_messages(BOX, [uids["Alpha"]], "Archive")
    moved = engine.last_queued
    engine.set_flags(BOX, [uids["Bravo"]], add=["\\Flagged"])
    starred = engine.last_queued
    assert subjects(store, BOX) == {"Bravo"} and len(store.pending()) == 2
    assert moved is not None and starred is not None
    engine.undo(starred)
    engine.undo(moved)
    assert store.pending() == []
    assert subjects(store, BOX) == {"Alpha", "Bravo"}
    assert "\\Flagged" not in store.summary(BOX, uids["Bravo"]).flags  # type: ignore[union-attr]
    link.online = True
    engine.sync_folder(BOX)
    assert sorted(server_subjects(dovecot, BOX).values()) == ["Alpha", "Bravo"]
    assert server_subjects(dovecot, BOX, "FLAGGED") == {}
    assert server_subjects(dovecot, "Archive") == {}


def test_a_permanent_delete_is_not_undoable(dovecot: DovecotServer, engine: SyncEngine, store: MailStore) -> None:
    seeded(dovecot, engine, "Gone")
    engine.delete_permanently(BOX, store.uids(BOX))
    assert engine.last_queued is not None
    with pytest.raises(NotUndoable):
        engine.undo(engine.last_queued)
