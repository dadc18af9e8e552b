"""Deferred indexing: a header sync stores rows first and writes their full-text entries and address links later,
for many batches at once. Whatever happens in between (removal, update, a cached body, a crash), the index ends
exactly as if every row had been indexed as it was stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sample_mail import make_summary, realistic_summaries

from connectors.store import MailStore


def _uids(store: MailStore, query: str) -> list[int]:
    return sorted(s.uid for s in store.search(query, limit=10_000))


def _people(store: MailStore, prefix: str) -> list[tuple[str, int, int]]:
    with store.open_reader() as reader:
        return [(p.address, p.sent, p.received) for p in reader.known_addresses(prefix, 50)]


def _fts_sound(store: MailStore) -> None:
    store._conn.execute("INSERT INTO message_fts (message_fts) VALUES ('integrity-check')")


def test_deferred_rows_are_listed_at_once_and_searchable_once_indexed(store: MailStore) -> None:
    store.add_messages("INBOX", [make_summary(uid, subject=f"kumquat {uid}") for uid in range(1, 6)],
                       defer_index=True)
    assert store.uids("INBOX") == [1, 2, 3, 4, 5]  # the list shows them straight away
    assert store.pending_index() == 5
    assert _uids(store, "kumquat") == []
    assert _people(store, "alice") == []
    assert store.index_pending() == 5
    assert store.pending_index() == 0
    assert _uids(store, "kumquat") == [1, 2, 3, 4, 5]
    assert _uids(store, "from:alice") == [1, 2, 3, 4, 5]
    assert _people(store, "alice") == [("alice@example.com", 0, 5)]
    assert store.index_pending() == 0  # nothing left: a no-op
    _fts_sound(store)


def test_a_search_without_a_word_lists_no_row_waiting_for_its_index(store: MailStore) -> None:
    """'-kumquat' lists the messages without that word: a row not indexed yet is not known to lack it."""
    store.add_messages("INBOX", [make_summary(1, subject="plain one")])
    store.add_messages("INBOX", [make_summary(uid, subject=f"kumquat {uid}") for uid in (2, 3)], defer_index=True)
    store.add_messages("INBOX", [make_summary(4, subject="plain two")], defer_index=True)
    assert _uids(store, "-kumquat") == [1]
    assert _uids(store, "-kumquat in:inbox") == [1]  # with other criteria too
    store.index_pending()
    assert _uids(store, "-kumquat") == [1, 4]


def test_deferred_index_equals_the_immediate_one(tmp_path: Path) -> None:
    summaries = list(realistic_summaries(3000, seed=9))
    stores = []
    for name, defer in (("now", False), ("later", True)):
        store = MailStore(tmp_path / f"{name}.sqlite3")
        stores.append(store)
        store.upsert_folders([((), "/", "INBOX"), ((b"\\Sent",), "/", "Sent")])
        for start in range(0, 3000, 700):
            store.add_messages("INBOX" if start < 2100 else "Sent", summaries[start:start + 700], defer_index=defer)
    now, later = stores
    assert later.index_pending() == 3000
    try:
        for query in ("meeting", "invoice", "from:alice", "to:bob", "subject:report", "café", '"next steps"',
                      "résumé budget", "quarterly -review"):
            assert _uids(later, query) == _uids(now, query), query
        for prefix in ("a", "m", "gmail", "example"):
            assert _people(later, prefix) == _people(now, prefix), prefix
        _fts_sound(later)
    finally:
        for store in stores:
            store.close()


def test_removing_updating_and_caching_a_body_before_indexing_keep_the_index_exact(store: MailStore) -> None:
    store.add_messages("INBOX", [make_summary(uid, subject=f"zucchini {uid}") for uid in range(1, 11)],
                       defer_index=True)
    store.remove_messages("INBOX", [3])  # a contentless index cannot forget an entry it never held
    store.add_messages("INBOX", [make_summary(4, subject="renamed kiwi")])  # known UID: rewritten
    store.store_body("INBOX", 5, b"Subject: zucchini 5\r\n\r\nmango inside\r\n")
    store.add_messages("INBOX", [make_summary(11, subject="zucchini 11")], defer_index=True)
    store.index_pending()
    assert _uids(store, "zucchini") == [1, 2, 5, 6, 7, 8, 9, 10, 11]
    assert _uids(store, "kiwi") == [4]
    assert _uids(store, "mango") == [5]
    store.remove_messages("INBOX", [5, 11])
    assert _uids(store, "zucchini") == [1, 2, 6, 7, 8, 9, 10]
    assert _people(store, "alice") == [("alice@example.com", 0, 8)]
    _fts_sound(store)


def test_removing_a_folder_with_rows_still_to_index(store: MailStore) -> None:
    store.upsert_folders([((), "/", "INBOX"), ((), "/", "Old")])
    store.add_messages("Old", [make_summary(uid, subject="papaya") for uid in range(1, 4)], defer_index=True)
    store.add_messages("INBOX", [make_summary(uid, subject="papaya") for uid in range(1, 3)], defer_index=True)
    store.upsert_folders([((), "/", "INBOX")], prune=True)  # Old is gone on the server
    store.index_pending()
    assert [(s.folder, s.uid) for s in store.search("papaya")] == [("INBOX", 2), ("INBOX", 1)]
    _fts_sound(store)


def test_rows_left_to_index_by_a_crash_are_indexed_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    store = MailStore(path)
    store.upsert_folders([((), "/", "INBOX")])
    store.add_messages("INBOX", [make_summary(uid, subject="lychee") for uid in range(1, 4)], defer_index=True)
    # What a kill leaves: the committed rows and their place in the waiting list, nothing else.
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    store._conn.backup(copy)
    copy.close()
    store.close()
    with MailStore(tmp_path / "copy.sqlite3") as reopened:
        assert reopened.uids("INBOX") == [1, 2, 3]
        assert reopened.pending_index() == 3
        assert reopened.index_pending() == 3
        assert _uids(reopened, "lychee") == [1, 2, 3]
        _fts_sound(reopened)
