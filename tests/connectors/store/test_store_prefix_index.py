"""The full-text index with prefix entries (schema step 12): a new store has it at once; a store made before builds
it in the background a slice at a time, the old index answering meanwhile, every write in between kept, and the
finished index holds exactly the entries an index built from scratch would."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sample_mail import make_summary, realistic_summaries

from connectors.store import MailStore, fts, schema
from connectors.store.rows import FTS_SOURCE_COLUMNS, fts_values

QUERIES = ("meeting", "re", "me", "pro", "from:alice", "subject:report", "-meeting", "invoice payment", "kumquat",
           "mango", "café")


def _uids(store: MailStore, query: str) -> list[tuple[str, int]]:
    return [(found.folder, found.uid) for found in store.search(query, limit=100_000)]


def _entries(conn: sqlite3.Connection, schema_name: str, table: str) -> list[tuple[str, int, str, int]]:
    """Every (word, message, column, position) the index holds, as many times as it holds it."""
    conn.execute(f"CREATE VIRTUAL TABLE temp.v_{schema_name} USING fts5vocab({schema_name}, {table}, instance)")
    rows = sorted(conn.execute(f"SELECT term, doc, col, offset FROM temp.v_{schema_name}"))
    conn.execute(f"DROP TABLE temp.v_{schema_name}")
    return rows


def _same_as_from_scratch(store: MailStore) -> None:
    """Every entry of message_fts is the one its message's row and cached words give, once."""
    conn = store._conn
    conn.execute("""CREATE VIRTUAL TABLE temp.scratch USING fts5 (sender, recipients, subject, body,
        content = '', columnsize = 0, prefix = '2 3', tokenize = 'unicode61 remove_diacritics 2')""")
    try:
        rows = conn.execute(f"SELECT {FTS_SOURCE_COLUMNS}, b.text FROM messages AS m "
                            "LEFT JOIN bodies AS b ON b.id = m.id").fetchall()
        conn.executemany("INSERT INTO temp.scratch (rowid, sender, recipients, subject, body) VALUES (?, ?, ?, ?, ?)",
                         [fts_values(row[:6], fts.decompress_text(row[6])) for row in rows])
        assert _entries(conn, "main", "message_fts") == _entries(conn, "temp", "scratch")
        conn.execute("INSERT INTO message_fts (message_fts) VALUES ('integrity-check')")
    finally:
        conn.execute("DROP TABLE temp.scratch")


def _prefix_sizes(store: MailStore) -> str:
    sql: str = store._conn.execute("SELECT sql FROM sqlite_master WHERE name = 'message_fts'").fetchone()[0]
    return sql


def test_a_new_store_has_the_prefix_index_from_the_start(tmp_path: Path) -> None:
    with MailStore(tmp_path / "new.sqlite3") as store:
        assert "prefix = '2 3'" in _prefix_sizes(store)
        assert not fts.building(store._conn)
        assert store.build_search_index() is False
        store.upsert_folders([((), "/", "INBOX")])
        store.add_messages("INBOX", list(realistic_summaries(300, seed=3)), defer_index=True)
        store.index_pending()
        assert _uids(store, "re")
        _same_as_from_scratch(store)


def _old_store(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store made by a Facteur before step 12 (its index without prefix entries), with bodies cached."""
    with monkeypatch.context() as patch:
        patch.setattr("connectors.store.writer.migrate", lambda conn: schema.migrate(conn, 11))
        with MailStore(path) as store:
            assert "prefix" not in _prefix_sizes(store)
            store.upsert_folders([((), "/", "INBOX"), ((b"\\Sent",), "/", "Sent"), ((), "/", "Old")])
            summaries = list(realistic_summaries(1500, seed=5))
            store.add_messages("INBOX", summaries[:1000])
            store.add_messages("Sent", summaries[1000:1400])
            store.add_messages("Old", summaries[1400:])
            for uid in (5, 400, 990):
                store.store_body("INBOX", uid, f"Subject: s\r\n\r\nmango {uid} résumé\r\n".encode())
            store.add_messages("INBOX", [make_summary(uid, subject=f"kumquat {uid}") for uid in (2001, 2002)],
                               defer_index=True)  # left for index_pending by a sync that stopped


def test_an_older_store_builds_it_in_slices_while_the_old_index_answers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.sqlite3"
    _old_store(path, monkeypatch)
    with MailStore(path) as store:
        assert fts.building(store._conn)  # opening only records the work: no entry is copied at open
        assert store._conn.execute("SELECT count(*) FROM message_fts_building_data").fetchone()[0] <= 2  # empty
        assert [row[0] for row in store._conn.execute("SELECT folder_id FROM fts_backfill ORDER BY 1")] == [1, 2, 3]
        before = {query: _uids(store, query) for query in QUERIES}
        assert before["mango"] and before["re"] and before["meeting"]
        slices = 0
        assert store.build_search_index(limit=300) is True
        slices += 1
        # Writes while the build runs: on both sides of each folder's progress, in a folder the build has not
        # reached, and in a folder made after the upgrade.
        store.add_messages("INBOX", [make_summary(uid, subject=f"kumquat {uid}") for uid in (3001, 3002)])
        store.add_messages("INBOX", [make_summary(10, subject="mango rewritten"), make_summary(900, subject="x")])
        store.remove_messages("INBOX", [20, 950, 2001])
        store.store_body("INBOX", 30, b"Subject: t\r\n\r\nmango thirty\r\n")
        store.store_body("INBOX", 300, b"Subject: t\r\n\r\nmango three hundred\r\n")  # the last one copied
        store.store_body("INBOX", 800, b"Subject: t\r\n\r\nmango eight hundred\r\n")
        store.drop_body("INBOX", 990)
        store.add_messages("Sent", [make_summary(5000, subject="kumquat sent")], defer_index=True)
        store.upsert_folders([((), "/", "INBOX"), ((b"\\Sent",), "/", "Sent"), ((), "/", "Old"), ((), "/", "New")])
        store.add_messages("New", [make_summary(1, subject="kumquat new")])
        # Rows a sync stores without their entries, below and above the build's progress in INBOX: the build
        # passes the second one before index_pending writes it.
        store.add_messages("INBOX", [make_summary(20, subject="kumquat below"),
                                     make_summary(2500, subject="kumquat ahead")], defer_index=True)
        while True:
            assert fts.building(store._conn)
            if slices >= 5:
                store.index_pending()
                assert sorted(_uids(store, "kumquat")) == [
                    ("INBOX", 20), ("INBOX", 2002), ("INBOX", 2500), ("INBOX", 3001), ("INBOX", 3002), ("New", 1),
                    ("Sent", 5000)]
            if slices == 3:
                store.upsert_folders([((), "/", "INBOX"), ((b"\\Sent",), "/", "Sent"), ((), "/", "New")],
                                     prune=True)  # Old is gone on the server, before the build reached it
                store.remove_messages("INBOX", [600])
            served = {query: _uids(store, query) for query in QUERIES}  # by the old index
            more = store.build_search_index(limit=300)
            slices += 1
            if not more:
                break
        assert not fts.building(store._conn)
        assert "prefix = '2 3'" in _prefix_sizes(store)
        assert store.build_search_index() is False
        _same_as_from_scratch(store)
        after = {query: _uids(store, query) for query in QUERIES}
    # The new index answers as the old one did just before it took its place, the writes in between included.
    assert after == served
    assert {uid for _folder, uid in after["mango"]} == {5, 10, 30, 300, 400, 800}
    assert slices > 5  # the pending rows were indexed while the build ran
    assert after["re"] != before["re"]  # some answers changed with the writes, as they should


def test_a_store_with_no_message_takes_the_new_index_when_opened(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "empty.sqlite3"
    with monkeypatch.context() as patch:
        patch.setattr("connectors.store.writer.migrate", lambda conn: schema.migrate(conn, 11))
        with MailStore(path) as store:
            store.upsert_folders([((), "/", "INBOX")])
    with MailStore(path) as store:
        assert not fts.building(store._conn)
        assert "prefix = '2 3'" in _prefix_sizes(store)


def test_a_reader_open_across_the_swap_keeps_answering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The message list's loader thread holds its reader for the session: the index changing under it, even in
    the middle of a snapshot, changes no answer."""
    path = tmp_path / "old.sqlite3"
    _old_store(path, monkeypatch)
    with MailStore(path) as store, store.open_reader() as reader:
        queries = ("re", "meeting", "pro", "from:alice")
        before = {query: reader.search_uids(query, "INBOX", 5000, sort="sender") for query in queries}
        with reader.snapshot():
            first = reader.search_uids("re", "INBOX", 100)
            while store.build_search_index(limit=400):
                pass
            assert reader.search_uids("re", "INBOX", 100) == first  # the snapshot still reads the old index
        assert not fts.building(store._conn)
        assert {query: reader.search_uids(query, "INBOX", 5000, sort="sender") for query in queries} == before
        assert all(before.values())
