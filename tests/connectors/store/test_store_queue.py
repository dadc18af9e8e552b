"""The durable offline command queue."""

from __future__ import annotations

from pathlib import Path

import pytest
from sample_mail import make_summary

from connectors.store import MailStore, MessagesAdded, MessagesChanged, StoreError, StoreEvent


def test_commands_survive_reopening_in_order(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with MailStore(path) as store:
        store.upsert_folders([((), "/", "INBOX")])
        store.add_messages("INBOX", [make_summary(1), make_summary(2)])
        first = store.enqueue("flags", "INBOX", [1, 2], {"add": ["\\Seen"]})
        second = store.enqueue("move", "INBOX", [2], {"to": "Archive"})
        third = store.enqueue("delete", "Gone", [5])
    with MailStore(path) as store:
        pending = store.pending()
        assert [(c.id, c.kind, c.folder, c.uids) for c in pending] == [
            (first, "flags", "INBOX", (1, 2)),
            (second, "move", "INBOX", (2,)),
            (third, "delete", "Gone", (5,)),
        ]
        assert pending[0].args == {"add": ["\\Seen"]} and pending[2].args == {}
        assert [s.uid for s in pending[0].previous] == [1, 2] and pending[2].previous == ()
        assert pending[0].attempts == 0 and pending[0].last_error is None
        store.complete(second)
        fourth = store.enqueue("flags", "INBOX", [1], {"remove": ["\\Seen"]})
        assert [c.id for c in store.pending()] == [first, third, fourth]
        assert fourth > second  # ids are never reused


def test_fail_keeps_the_command_with_attempts_and_error(store: MailStore) -> None:
    command_id = store.enqueue("move", "INBOX", [1], {"to": "Archive"})
    store.fail(command_id, "NO [TRYCREATE] Archive does not exist")
    store.fail(command_id, "connection lost")
    command = store.command(command_id)
    assert command is not None
    assert (command.attempts, command.last_error) == (2, "connection lost")
    assert [c.id for c in store.pending()] == [command_id]


def test_unknown_commands_and_bad_arguments_are_refused(store: MailStore) -> None:
    with pytest.raises(StoreError, match="no queued command 99"):
        store.complete(99)
    with pytest.raises(StoreError):
        store.fail(99, "x")
    with pytest.raises(StoreError):
        store.rollback(99)
    with pytest.raises(ValueError, match="JSON"):
        store.enqueue("flags", "INBOX", [1], {"when": object()})
    with pytest.raises(ValueError, match="kind"):
        store.enqueue("", "INBOX", [1])
    assert store.pending() == []


def test_rollback_restores_flags_after_an_optimistic_change(store: MailStore, events: list[StoreEvent]) -> None:
    store.add_messages("INBOX", [make_summary(1, flags=frozenset({"\\Seen"})), make_summary(2)])
    command_id = store.enqueue("flags", "INBOX", [1, 2], {"add": ["\\Flagged"], "remove": ["\\Seen"]})
    store.change_flags("INBOX", [1, 2], add=["\\Flagged"], remove=["\\Seen"])
    assert store.count("INBOX", unread_only=True) == 2
    events.clear()
    store.rollback(command_id)
    assert store.flags_by_uid("INBOX") == {1: {"\\Seen"}, 2: set()}
    assert store.count("INBOX", unread_only=True) == 1
    assert store.pending() == []
    assert MessagesChanged("INBOX", (1, 2)) in events


def test_rollback_brings_back_messages_an_optimistic_move_removed(
    store: MailStore, events: list[StoreEvent]
) -> None:
    store.add_messages("INBOX", [make_summary(uid, subject=f"keep me {uid}") for uid in (1, 2, 3)])
    command_id = store.enqueue("move", "INBOX", [2, 3], {"to": "Sent"})
    store.remove_messages("INBOX", [2, 3])
    events.clear()
    store.rollback(command_id)
    assert store.uids("INBOX") == [1, 2, 3]
    assert [s.uid for s in store.search("keep")] == [3, 2, 1]
    assert MessagesAdded("INBOX", (2, 3)) in events


def test_commands_record_the_uidvalidity_and_message_ids_they_were_made_under(store: MailStore) -> None:
    store.update_folder_state("INBOX", uidvalidity=1111)
    store.add_messages("INBOX", [make_summary(1), make_summary(2, message_id="")])
    command_id = store.enqueue("flags", "INBOX", [1, 2, 3], {"add": ["\\Flagged"]})
    command = store.command(command_id)
    assert command is not None
    assert command.uidvalidity == 1111
    assert command.message_ids == {1: "<m1@example.com>"}  # 2 has none, 3 is unknown here


def test_reset_folder_keeps_commands_marked_with_the_old_uidvalidity(store: MailStore) -> None:
    store.add_messages("INBOX", [make_summary(1)])
    never_synced = store.enqueue("flags", "INBOX", [1], {"add": ["\\Seen"]})  # the folder had no UIDVALIDITY yet
    store.update_folder_state("INBOX", uidvalidity=1111)
    synced = store.enqueue("flags", "INBOX", [1], {"add": ["\\Flagged"]})
    store.reset_folder("INBOX", 2222)
    by_id = {c.id: c for c in store.pending()}
    assert by_id[synced].uidvalidity == 1111
    assert by_id[never_synced].uidvalidity == 1111  # stale too: never mistaken for a command made under 2222
    store.add_messages("INBOX", [make_summary(1, subject="A new message under the new UIDVALIDITY")])
    store.rollback(synced)  # the saved summary belongs to the old life: it must not come back
    [summary] = store.summaries("INBOX")
    assert summary.subject == "A new message under the new UIDVALIDITY" and summary.flags == frozenset()


def test_retarget_and_discard(store: MailStore) -> None:
    store.update_folder_state("INBOX", uidvalidity=1111)
    store.add_messages("INBOX", [make_summary(uid) for uid in (1, 2, 3)])
    command_id = store.enqueue("move", "INBOX", [1, 2, 3], {"destination": "Sent"})
    store.remove_messages("INBOX", [1, 2, 3])
    command = store.retarget(command_id, {1: 41, 3: 43}, 2222)
    assert (command.uids, command.uidvalidity) == ((41, 43), 2222)
    assert command.message_ids == {41: "<m1@example.com>", 43: "<m3@example.com>"}
    assert command.previous == ()  # the old life's summaries would restore the wrong messages
    store.discard(command_id)
    assert store.pending() == [] and store.uids("INBOX") == []  # nothing restored
    with pytest.raises(StoreError):
        store.discard(command_id)


def test_version_2_commands_get_their_folders_uidvalidity_and_message_ids(tmp_path: Path) -> None:
    import sqlite3

    from connectors.store import schema

    path = tmp_path / "v2.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, target=2)  # a store as version 2 left it, whatever steps came later
    conn.execute("INSERT INTO folders (name, delimiter, uidvalidity) VALUES ('INBOX', '/', 777)")
    snapshot = '[{"uid": 5, "message_id": "<m5@example.com>"}, {"uid": 6, "message_id": ""}]'
    conn.execute("INSERT INTO commands (kind, folder, uids, args, snapshot, created_at) "
                 "VALUES ('flags', 'INBOX', '[5, 6]', '{}', ?, 0)", (snapshot,))
    conn.close()
    with MailStore(path) as store:
        [command] = store.pending()
        assert command.uidvalidity == 777 and command.message_ids == {5: "<m5@example.com>"}
