"""Change events: one batch per write call, delivered only after the commit."""

from __future__ import annotations

import logging

import pytest
from sample_mail import make_summary

from connectors.store import (
    FolderReset,
    FoldersChanged,
    MailStore,
    MessagesAdded,
    MessagesChanged,
    MessagesRemoved,
    StoreError,
    StoreEvent,
)


def test_a_big_write_is_one_event(store: MailStore, events: list[StoreEvent]) -> None:
    store.add_messages("INBOX", [make_summary(uid) for uid in range(1, 5001)])
    assert events == [MessagesAdded("INBOX", tuple(range(1, 5001))), FoldersChanged()]


def test_events_arrive_after_the_commit(store: MailStore) -> None:
    seen_by_other_connections: list[int] = []

    def on_event(event: StoreEvent) -> None:
        if isinstance(event, MessagesAdded):
            with store.open_reader() as reader:  # a separate connection: sees only committed data
                seen_by_other_connections.append(reader.count("INBOX"))

    store.subscribe(on_event)
    store.add_messages("INBOX", [make_summary(uid) for uid in range(1, 101)])
    assert seen_by_other_connections == [100]


def test_batch_groups_writes_into_one_transaction_and_one_event_set(
    store: MailStore, events: list[StoreEvent]
) -> None:
    with store.batch():
        store.add_messages("INBOX", [make_summary(1), make_summary(2)])
        store.add_messages("INBOX", [make_summary(3)])
        store.update_flags("INBOX", {1: ["\\Seen"]})
        store.remove_messages("INBOX", [2])
        store.update_folder_state("INBOX", uidnext=4)
        store.add_messages("Sent", [make_summary(7)])
        assert events == []
    assert events == [
        MessagesAdded("INBOX", (1, 2, 3)),
        MessagesChanged("INBOX", (1,)),
        MessagesRemoved("INBOX", (2,)),
        MessagesAdded("Sent", (7,)),
        FoldersChanged(),
    ]


def test_a_reset_supersedes_earlier_message_events_in_a_batch(store: MailStore, events: list[StoreEvent]) -> None:
    with store.batch():
        store.add_messages("INBOX", [make_summary(1)])
        store.reset_folder("INBOX", uidvalidity=9)
        store.add_messages("INBOX", [make_summary(5)])
    assert events == [FolderReset("INBOX"), MessagesAdded("INBOX", (5,)), FoldersChanged()]


def test_a_failed_batch_writes_nothing_and_says_nothing(store: MailStore, events: list[StoreEvent]) -> None:
    with pytest.raises(RuntimeError), store.batch():
        store.add_messages("INBOX", [make_summary(1)])
        raise RuntimeError("sync aborted")
    assert events == [] and store.count("INBOX") == 0 and store.uids("INBOX") == []


def test_a_failed_write_inside_a_batch_only_undoes_itself(store: MailStore, events: list[StoreEvent]) -> None:
    with store.batch():
        store.add_messages("INBOX", [make_summary(1)])
        with pytest.raises(ValueError):
            store.add_messages("INBOX", [make_summary(2), make_summary(0)])
    assert store.uids("INBOX") == [1]
    assert events == [MessagesAdded("INBOX", (1,)), FoldersChanged()]


def test_sqlite_failures_become_store_errors_and_roll_back(store: MailStore, events: list[StoreEvent]) -> None:
    store._conn.execute("CREATE TEMP TRIGGER refuse BEFORE INSERT ON messages WHEN new.subject = 'boom' "
                        "BEGIN SELECT RAISE(ABORT, 'refused'); END")
    with pytest.raises(StoreError, match="refused"):
        store.add_messages("INBOX", [make_summary(1), make_summary(2, subject="boom")])
    assert events == [] and store.count("INBOX") == 0


def test_a_failing_subscriber_is_logged_and_others_still_hear(
    store: MailStore, caplog: pytest.LogCaptureFixture
) -> None:
    heard: list[StoreEvent] = []

    def broken(event: StoreEvent) -> None:
        raise RuntimeError("subscriber bug")

    store.subscribe(broken)
    store.subscribe(heard.append)
    with caplog.at_level(logging.ERROR):
        store.add_messages("INBOX", [make_summary(1)])
    assert heard == [MessagesAdded("INBOX", (1,)), FoldersChanged()]
    assert "subscriber bug" in caplog.text
    assert store.count("INBOX") == 1


def test_unsubscribe(store: MailStore) -> None:
    heard: list[StoreEvent] = []
    unsubscribe = store.subscribe(heard.append)
    unsubscribe()
    unsubscribe()
    store.add_messages("INBOX", [make_summary(1)])
    assert heard == []


def test_events_are_small_frozen_values() -> None:
    event = MessagesAdded("INBOX", (1, 2))
    with pytest.raises(AttributeError):
        event.folder = "Sent"  # type: ignore[misc]
    assert hash(event) == hash(MessagesAdded("INBOX", (1, 2)))
