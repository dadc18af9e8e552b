"""Views across folders (All Inboxes, All Unread, Starred): which messages, in what order, and their counts."""

from __future__ import annotations

import pytest
from sample_mail import make_summary

from connectors.store import MailStore, ViewCounts

SEEN, FLAGGED = "\\Seen", "\\Flagged"


@pytest.fixture
def mixed(store: MailStore) -> MailStore:
    store.upsert_folders([((), "/", "Work"), ((b"\\Trash",), "/", "Trash"), ((b"\\Junk",), "/", "Junk"),
                          ((b"\\All",), "/", "All Mail"), ((b"\\Noselect",), "/", "Lists")])
    store.add_messages("INBOX", [make_summary(1, flags=frozenset()), make_summary(2, flags=frozenset({SEEN})),
                                 make_summary(3, flags=frozenset({SEEN, FLAGGED}))])
    store.add_messages("Work", [make_summary(4, flags=frozenset({FLAGGED})), make_summary(5, flags=frozenset())])
    store.add_messages("Trash", [make_summary(6, flags=frozenset({FLAGGED}))])
    store.add_messages("Junk", [make_summary(7, flags=frozenset())])
    store.add_messages("All Mail", [make_summary(8, flags=frozenset({FLAGGED}))])
    return store


def subjects(store: MailStore, ids: list[tuple[int, int]]) -> list[str]:
    with store.open_reader() as reader:
        found = reader.summaries_by_id([rowid for _date, rowid in ids])
    return [found[rowid].subject for _date, rowid in ids]


def test_each_view_lists_its_messages_newest_first(mixed: MailStore) -> None:
    with mixed.open_reader() as reader:
        inbox, unread, starred = (reader.view_listing(view) for view in ("inbox", "unread", "starred"))
    assert subjects(mixed, inbox) == ["Message 3", "Message 2", "Message 1"]
    # Trash, Junk and All Mail count for no view.
    assert subjects(mixed, unread) == ["Message 5", "Message 4", "Message 1"]
    assert subjects(mixed, starred) == ["Message 4", "Message 3"]
    with mixed.open_reader() as reader:
        assert reader.view_counts("inbox") == ViewCounts(3, 1)
        assert reader.view_counts("unread") == ViewCounts(3, 3)
        assert reader.view_counts("starred") == ViewCounts(2, 1)
        summary = reader.summaries_by_id([unread[0][1]])[unread[0][1]]
        assert (summary.folder, summary.uid) == ("Work", 5)
        names = reader.folder_names()
    assert names[unread[0][1] >> 32] == "Work"


def test_flags_changes_move_messages_in_and_out_of_views(mixed: MailStore) -> None:
    mixed.change_flags("INBOX", [1], add=[SEEN, FLAGGED])
    with mixed.open_reader() as reader:
        assert subjects(mixed, reader.view_listing("unread")) == ["Message 5", "Message 4"]
        assert subjects(mixed, reader.view_listing("starred")) == ["Message 4", "Message 3", "Message 1"]


def test_a_gmail_message_in_two_folders_is_listed_once(store: MailStore) -> None:
    store.upsert_folders([((), "/", "Work")])
    store.add_messages("Work", [make_summary(9, gm_msgid=77, flags=frozenset())])
    store.add_messages("INBOX", [make_summary(4, gm_msgid=77, flags=frozenset())])
    with store.open_reader() as reader:
        listed = reader.view_listing("unread")
        assert len(listed) == 1
        assert reader.summaries_by_id([listed[0][1]])[listed[0][1]].folder == "INBOX"  # the INBOX copy
        assert reader.view_counts("unread") == ViewCounts(1, 1)
        with pytest.raises(ValueError, match="No view"):
            reader.view_listing("everything")  # type: ignore[arg-type]
