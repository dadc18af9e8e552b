"""The conversation table: kept right by triggers on every write path, paged by keyset from its index."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from pathlib import Path

from connectors.store import MailStore, schema
from tests.connectors.store.sample_mail import make_summary, realistic_summaries


def _expected(store: MailStore, folder: str) -> list[tuple[int, int, int, int, int]]:
    """(key, count, unread, latest date, latest uid) of each conversation, computed from the messages alone."""
    conn = store._conn
    folder_id = conn.execute("SELECT id FROM folders WHERE name = ?", (folder,)).fetchone()[0]
    groups: dict[int, list[tuple[int, int, int]]] = {}
    for key, date, rowid, flags in conn.execute(
            "SELECT thread_key, date, id, flags FROM messages NOT INDEXED WHERE folder_id = ?", (folder_id,)):
        groups.setdefault(key, []).append((date, rowid, flags))
    rows = []
    for key, members in groups.items():
        date, rowid, _ = max(members)
        rows.append((key, len(members), sum(1 for m in members if not m[2] & 1), date, rowid & schema.MAX_UID))
    return sorted(rows, key=lambda r: (r[3], r[4]), reverse=True)


def _paged(store: MailStore, folder: str, page: int) -> list[tuple[int, int, int, int, int]]:
    out: list[tuple[int, int, int, int, int]] = []
    after = None
    while True:
        threads = store.threads(folder, limit=page, after=after)
        out += [(t.thread_key, t.count, t.unread, t.position[0], t.latest.uid) for t in threads]
        for thread in threads:
            assert thread.uids[-1] == thread.latest.uid
            assert len(thread.uids) == thread.count
        if len(threads) < page:
            return out
        after = threads[-1].position


def _counts_match(store: MailStore) -> bool:
    """Each folder's total and unread counts equal what its rows say."""
    stored = store._conn.execute("SELECT id, total, unread FROM folders ORDER BY id").fetchall()
    counted = {folder_id: (total, unread) for folder_id, total, unread in store._conn.execute(
        "SELECT folder_id, count(*), sum((flags & 1) = 0) FROM messages NOT INDEXED GROUP BY folder_id")}
    return all(counted.get(folder_id, (0, 0)) == (total, unread) for folder_id, total, unread in stored)


def test_the_table_follows_every_kind_of_write(store: MailStore) -> None:
    rng = random.Random(3)
    summaries = list(realistic_summaries(3000, seed=11))
    # As a first sync stores them: newest first, in batches, so a conversation's rows arrive in several batches
    # and a batch often holds several rows of one conversation (counted per statement since schema step 9).
    newest_first = sorted(summaries[:2000], key=lambda s: s.uid, reverse=True)
    for start in range(0, 2000, 170):
        store.add_messages("INBOX", newest_first[start:start + 170])
    store.add_messages("Sent", summaries[2000:])
    assert _paged(store, "INBOX", 97) == _expected(store, "INBOX")
    assert _counts_match(store)

    # Flags from the server and optimistic ones; messages re-stored with another date or conversation;
    # removals, including whole conversations.
    store.update_flags("INBOX", {s.uid: ["\\Seen"] if rng.random() < 0.5 else [] for s in summaries[:2000:3]})
    store.change_flags("INBOX", [s.uid for s in summaries[:500]], add=["\\Seen"])
    store.change_flags("INBOX", [s.uid for s in summaries[500:800]], remove=["\\Seen"])
    moved = [replace(s, date=s.date + rng.choice((-10**6, 10**6)), gm_thrid=rng.choice((None, s.gm_thrid, 42)))
             for s in rng.sample(summaries[:2000], 300)]
    store.add_messages("INBOX", moved)
    store.remove_messages("INBOX", [s.uid for s in rng.sample(summaries[:2000], 400)])
    assert _paged(store, "INBOX", 50) == _expected(store, "INBOX")
    assert store.thread_count("INBOX") == len(_expected(store, "INBOX"))
    assert _paged(store, "Sent", 1000) == _expected(store, "Sent")
    assert _counts_match(store)

    store.reset_folder("INBOX", 99)
    assert store.threads("INBOX") == [] and store.thread_count("INBOX") == 0
    store.remove_folder("Sent")
    assert store._conn.execute("SELECT count(*) FROM threads").fetchone()[0] == 0


def test_pages_by_position_equal_pages_by_offset_and_ties_are_stable(store: MailStore) -> None:
    # Equal dates everywhere: the UID alone orders the conversations, and no page repeats or skips one.
    store.add_messages("INBOX", [make_summary(uid, date=1_700_000_000, message_id=f"<t{uid % 40}@x>")
                                 for uid in range(1, 301)])
    by_offset = [t.latest.uid for page in range(0, 40, 7) for t in store.threads("INBOX", offset=page, limit=7)]
    by_position = [row[4] for row in _paged(store, "INBOX", 7)]
    assert by_position == by_offset == sorted(by_offset, reverse=True)
    assert len(by_position) == 40
    first = store.threads("INBOX", limit=1)[0]
    assert first.uids == tuple(range(first.latest.uid % 40 or 40, 301, 40))
    assert (first.count, first.unread) == (len(first.uids), len(first.uids))


def test_a_page_is_read_from_the_index_without_sorting(store: MailStore) -> None:
    store.add_messages("INBOX", realistic_summaries(500, seed=2))
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    try:
        page = store.threads("INBOX", limit=20, after=store.threads("INBOX", limit=20)[-1].position)
    finally:
        store._conn.set_trace_callback(None)
    assert len(page) == 20
    select = next(s for s in reversed(statements) if "FROM threads AS t" in s)
    plan = " | ".join(row[3] for row in store._conn.execute("EXPLAIN QUERY PLAN " + select))
    assert "threads_by_latest" in plan and "TEMP B-TREE" not in plan, plan
    members = next(s for s in reversed(statements) if "INDEXED BY messages_by_thread" in s)
    assert "messages_by_thread" in " ".join(row[3] for row in store._conn.execute("EXPLAIN QUERY PLAN " + members))


def test_a_version_3_store_gets_its_conversations(tmp_path: Path) -> None:
    path = tmp_path / "v3.sqlite3"
    with MailStore(path) as store:
        store.upsert_folders([((), "/", "INBOX")])
        store.add_messages("INBOX", realistic_summaries(800, seed=4))
        expected = _expected(store, "INBOX")
    conn = sqlite3.connect(path, isolation_level=None)
    # What step 5 (address completion) added goes too: the store is as version 3 left it.
    conn.execute("DROP TRIGGER messages_address_links")
    for table in ("address_links", "address_words", "address_backfill", "addresses"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DROP TABLE threads")
    for trigger in ("delete", "move", "seen"):  # threads_insert went in step 10
        conn.execute(f"DROP TRIGGER threads_{trigger}")
    # Step 10 took the count trigger of step 1 away: a version-3 store has it.
    conn.execute(next(s for s in schema._V1 if "TRIGGER messages_count_insert" in s))
    for index in ("with_attachments", "unread", "answered", "flagged", "deleted", "draft"):
        conn.execute(f"DROP INDEX messages_{index}")
    conn.execute("ALTER TABLE bodies DROP COLUMN complete")  # schema step 5
    conn.execute("DROP TABLE index_pending")  # schema step 7
    for column in ("view_of", "gmail_label"):  # schema step 8
        conn.execute(f"ALTER TABLE folders DROP COLUMN {column}")
    conn.execute("PRAGMA user_version = 3")
    conn.close()
    with MailStore(path) as store:
        assert _paged(store, "INBOX", 64) == expected
