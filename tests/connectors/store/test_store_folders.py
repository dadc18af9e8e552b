"""Folders: mirroring LIST replies, rename, remove, UIDVALIDITY resets and sync state."""

from __future__ import annotations

import sqlite3

import pytest
from sample_mail import make_summary

from connectors.store import (
    FolderNotFoundError,
    FolderReset,
    FoldersChanged,
    MailStore,
    StoreError,
    StoreEvent,
)

GMAIL_LISTING = [
    ((b"\\HasNoChildren",), b"/", "INBOX"),
    ((b"\\Noselect", b"\\HasChildren"), b"/", "[Gmail]"),
    ((b"\\All", b"\\HasNoChildren"), b"/", "[Gmail]/All Mail"),
    ((b"\\Drafts",), b"/", "[Gmail]/Drafts"),
    ((b"\\Important",), b"/", "[Gmail]/Important"),
    ((b"\\Sent",), b"/", "[Gmail]/Sent Mail"),
    ((b"\\Junk",), b"/", "[Gmail]/Spam"),
    ((b"\\Flagged",), b"/", "[Gmail]/Starred"),
    ((b"\\Trash",), b"/", "[Gmail]/Trash"),
    (("\\Archive",), "/", "Archive"),
    ((), "/", "Reçus/Été"),
]


def fts_term_count(store: MailStore) -> int:
    """How many distinct words the full-text index holds (0 once every message is gone)."""
    conn = sqlite3.connect(store.path)
    conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, message_fts, row)")
    count: int = conn.execute("SELECT count(*) FROM temp.vocab WHERE doc > 0").fetchone()[0]
    conn.close()
    return count


def test_upsert_records_attributes_and_special_use(store: MailStore, events: list[StoreEvent]) -> None:
    store.upsert_folders(GMAIL_LISTING)
    folders = {folder.name: folder for folder in store.folders()}
    assert {name: folder.special_use for name, folder in folders.items()} == {
        "INBOX": "inbox",
        "Sent": "sent",
        "[Gmail]": None,
        "[Gmail]/All Mail": "all",
        "[Gmail]/Drafts": "drafts",
        "[Gmail]/Important": "important",
        "[Gmail]/Sent Mail": "sent",
        "[Gmail]/Spam": "junk",
        "[Gmail]/Starred": "flagged",
        "[Gmail]/Trash": "trash",
        "Archive": "archive",
        "Reçus/Été": None,
    }
    gmail = folders["[Gmail]"]
    assert gmail.flags == {"\\Noselect", "\\HasChildren"} and not gmail.selectable
    assert gmail.delimiter == "/" and folders["Reçus/Été"].parts == ("Reçus", "Été")
    assert [folder.name for folder in store.folders()] == sorted(folders)
    assert events == [FoldersChanged()]


def test_upserting_the_same_listing_again_changes_nothing(store: MailStore, events: list[StoreEvent]) -> None:
    store.upsert_folders(GMAIL_LISTING)
    events.clear()
    store.upsert_folders(GMAIL_LISTING)
    assert events == []
    store.upsert_folders([((b"\\HasNoChildren", b"\\Marked"), b"/", "INBOX")])
    assert store.folder("INBOX") is not None and "\\Marked" in store.folder("INBOX").flags  # type: ignore[union-attr]
    assert events == [FoldersChanged()]


def test_prune_forgets_folders_missing_from_the_listing(store: MailStore, events: list[StoreEvent]) -> None:
    store.add_messages("Sent", [make_summary(1), make_summary(2)])
    events.clear()
    store.upsert_folders([((), "/", "INBOX")], prune=True)
    assert [folder.name for folder in store.folders()] == ["INBOX"]
    assert events == [FolderReset("Sent"), FoldersChanged()]
    assert fts_term_count(store) == 0


def test_folder_state_is_recorded_and_none_keeps_values(store: MailStore, events: list[StoreEvent]) -> None:
    store.update_folder_state("INBOX", uidvalidity=42, uidnext=100, highestmodseq=2**62, last_sync=1.5)
    store.update_folder_state("INBOX", uidnext=120)
    folder = store.folder("INBOX")
    assert folder is not None
    assert (folder.uidvalidity, folder.uidnext, folder.highestmodseq, folder.last_sync) == (42, 120, 2**62, 1.5)
    assert events == [FoldersChanged(), FoldersChanged()]
    store.update_folder_state("INBOX", uidnext=120)
    assert len(events) == 2  # nothing changed, nothing reported
    with pytest.raises(FolderNotFoundError):
        store.update_folder_state("Nope", uidnext=1)


def test_rename_moves_children_and_keeps_messages(store: MailStore, events: list[StoreEvent]) -> None:
    store.upsert_folders([((), "/", "Work"), ((), "/", "Work/2024"), ((), "/", "Workshop")])
    store.add_messages("Work/2024", [make_summary(5, subject="quarterly numbers")])
    events.clear()
    store.rename_folder("Work", "Jobs")
    assert [f.name for f in store.folders()] == ["INBOX", "Jobs", "Jobs/2024", "Sent", "Workshop"]
    assert store.uids("Jobs/2024") == [5]
    assert [m.folder for m in store.search("quarterly")] == ["Jobs/2024"]
    assert set(events) == {FolderReset("Work"), FolderReset("Work/2024"), FoldersChanged()}


def test_rename_refuses_to_overwrite_and_unknown_folders(store: MailStore) -> None:
    with pytest.raises(StoreError, match="already exists"):
        store.rename_folder("INBOX", "Sent")
    with pytest.raises(FolderNotFoundError):
        store.rename_folder("Nope", "Other")
    assert [f.name for f in store.folders()] == ["INBOX", "Sent"]


def test_remove_cascades_messages_bodies_and_index(store: MailStore, events: list[StoreEvent]) -> None:
    store.add_messages("Sent", [make_summary(uid) for uid in range(1, 51)])
    store.store_body("Sent", 3, b"Subject: x\r\n\r\nunmistakable body words\r\n")
    store.add_messages("INBOX", [make_summary(1, subject="still here")])
    events.clear()
    store.remove_folder("Sent")
    assert store.folder("Sent") is None
    assert events == [FolderReset("Sent"), FoldersChanged()]
    assert store._conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 1
    assert store._conn.execute("SELECT count(*) FROM bodies").fetchone()[0] == 0
    assert store.search("unmistakable") == []
    assert [m.subject for m in store.search("still")] == ["still here"]
    with pytest.raises(FolderNotFoundError):
        store.remove_folder("Sent")


def test_reset_folder_drops_messages_but_keeps_the_folder(store: MailStore, events: list[StoreEvent]) -> None:
    store.update_folder_state("INBOX", uidvalidity=1, uidnext=30, highestmodseq=77)
    store.add_messages("INBOX", [make_summary(uid) for uid in range(1, 30)])
    events.clear()
    store.reset_folder("INBOX", uidvalidity=2)
    folder = store.folder("INBOX")
    assert folder is not None
    assert (folder.total, folder.unread, folder.uidvalidity, folder.uidnext, folder.highestmodseq) == (
        0, 0, 2, None, None,
    )
    assert store.uids("INBOX") == [] and store.max_uid("INBOX") == 0
    assert events == [FolderReset("INBOX"), FoldersChanged()]
    assert fts_term_count(store) == 0
    store.add_messages("INBOX", [make_summary(1)])
    assert store.count("INBOX") == 1


def test_unknown_folders_raise_for_reads_and_writes(store: MailStore) -> None:
    with pytest.raises(FolderNotFoundError, match="Nope"):
        store.summaries("Nope")
    with pytest.raises(FolderNotFoundError):
        store.add_messages("Nope", [make_summary(1)])
    with pytest.raises(FolderNotFoundError):
        store.count("Nope")
    assert store.folder("Nope") is None
