"""A big first sync stores its rows without the indexes they would land on at random and builds them after
(connectors.store.deferred, schema step 13): every read answers the same meanwhile, the indexes come back exactly
as they were, and a store closed while they are out (a killed sync) builds them when it is next opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sample_mail import realistic_summaries

from connectors.store import MailStore
from connectors.store.deferred import DEFERRABLE

COUNT = 1200


def _indexes(store: MailStore) -> dict[str, str]:
    conn: sqlite3.Connection = store._conn  # noqa: SLF001 - the schema itself is what is compared
    return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))


def _filled(path: Path, *, defer: bool) -> MailStore:
    """A store with INBOX and Sent; Sent holds 100 messages, then INBOX's COUNT arrive newest first in batches
    of 200, as a first sync stores them, after ``defer_indexes`` when ``defer``."""
    store = MailStore(path)
    store.upsert_folders([((), "/", "INBOX"), ((b"\\Sent",), "/", "Sent")])
    store.add_messages("Sent", list(realistic_summaries(100, seed=9)))
    store.defer_indexes_over = 500
    summaries = list(realistic_summaries(COUNT, seed=3))[::-1]
    if defer:
        assert store.defer_indexes(COUNT) is True
    for start in range(0, COUNT, 200):
        store.add_messages("INBOX", summaries[start:start + 200], defer_index=True)
    store.index_pending()
    return store


def _reads(store: MailStore) -> list[Any]:
    """What the list, the conversation view and searches show."""
    seen: list[Any] = []
    for sort in ("date", "sender", "subject"):
        for descending in (True, False):
            seen.append([s.uid for s in store.summaries("INBOX", sort, descending, 0, 300)])  # type: ignore[arg-type]
            seen.append([s.uid for s in store.summaries("INBOX", sort, descending, 900, 300)])  # type: ignore[arg-type]
    pages = store.threads("INBOX", limit=COUNT)
    seen.append([(t.thread_key, t.count, t.unread, t.uids) for t in pages])
    keys = [t.thread_key for t in pages if t.count > 1]
    assert len(keys) > 50, "the corpus has conversations of several messages"
    seen.append(store.thread_uids("INBOX", keys))
    seen.append([[s.uid for s in store.thread(key)] for key in keys[:20]])
    seen.append([[s.uid for s in store.thread(key, "INBOX")] for key in keys[:20]])
    for query in ("meeting", "from:alice", "is:flagged", "has:attachment", "subject:report"):
        seen.append([(s.folder, s.uid) for s in store.search(query, limit=COUNT)])
    seen.append((store.count("INBOX"), store.folder("INBOX")))
    return seen


def test_reads_answer_the_same_while_the_indexes_are_out_and_they_come_back_as_they_were(tmp_path: Path) -> None:
    with _filled(tmp_path / "kept.sqlite3", defer=False) as kept, \
            _filled(tmp_path / "deferred.sqlite3", defer=True) as deferred:
        assert deferred.deferred_indexes() == sorted(DEFERRABLE)
        assert set(_indexes(kept)) - set(_indexes(deferred)) == set(DEFERRABLE)
        assert _reads(deferred) == _reads(kept)
        # A removal recomputes its conversation's latest message (the delete trigger reads by conversation).
        latest = [t.latest.uid for t in kept.threads("INBOX", limit=50) if t.count > 1][:10]
        assert kept.remove_messages("INBOX", latest) == deferred.remove_messages("INBOX", latest) == sorted(latest)
        assert _reads(deferred) == _reads(kept)

        assert deferred.build_deferred_indexes() is True, "one index per call"
        assert len(deferred.deferred_indexes()) == len(DEFERRABLE) - 1
        while deferred.build_deferred_indexes():
            pass
        assert deferred.deferred_indexes() == []
        assert _indexes(deferred) == _indexes(kept)
        assert _reads(deferred) == _reads(kept)
        assert deferred.build_deferred_indexes() is False


def test_indexes_are_left_out_only_for_many_rows_and_more_than_the_store_holds(store: MailStore) -> None:
    store.defer_indexes_over = 300
    assert store.defer_indexes(299) is False, "too few to be worth it"
    store.add_messages("Sent", list(realistic_summaries(400, seed=2)))
    assert store.defer_indexes(399) is False, "fewer than the store holds: the build would read more than it saves"
    assert store.deferred_indexes() == []
    assert store.defer_indexes(400) is True
    assert store.deferred_indexes() == sorted(DEFERRABLE)
    assert store.defer_indexes(400) is True, "a sync resumed while they are out leaves them out"
    while store.build_deferred_indexes():
        pass
    assert set(DEFERRABLE) <= set(_indexes(store))


def test_a_store_closed_while_indexes_are_out_builds_them_when_opened(tmp_path: Path) -> None:
    with _filled(tmp_path / "kept.sqlite3", defer=False) as kept:
        expected, reads = _indexes(kept), _reads(kept)
    with _filled(tmp_path / "killed.sqlite3", defer=True) as killed:
        assert killed.deferred_indexes() == sorted(DEFERRABLE)
    # What a Facteur killed mid-sync leaves: the definitions are in the file, the indexes are not.
    conn = sqlite3.connect(tmp_path / "killed.sqlite3")
    assert sorted(name for (name,) in conn.execute("SELECT name FROM deferred_indexes")) == sorted(DEFERRABLE)
    conn.close()
    with MailStore(tmp_path / "killed.sqlite3") as reopened:
        assert reopened.deferred_indexes() == []
        assert _indexes(reopened) == expected
        assert _reads(reopened) == reads
