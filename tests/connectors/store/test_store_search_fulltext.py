"""Searches with words read FTS5 newest first in UID windows (issue 13.5: bounded by the results asked for, not by
how many messages hold the words). Their answers must be exactly those of the plain SQL definition — every
match, ordered by (date, id), cut at the limit — including when dates are out of step with UIDs."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.store import MailStore, MessageSummary
from connectors.store import fulltext as store_fulltext
from connectors.store.search import parse_query
from tests.connectors.store.sample_mail import SEARCHES, realistic_summaries

COUNT = 6000

QUERIES = [
    *SEARCHES,
    "meeting has:attachment", "meeting", "meeting ", "re", "-meeting", "-meeting is:unread", "meeting is:draft",
    "meeting in:inbox", "meeting in:sent", "meeting -in:inbox", "report -in:sent has:attachment",
    "meeting is:flagged", "meeting -is:read", "update after:2017-06-01", "update before:2017-06-01",
    "from:alice has:attachment", "subject:report is:answered", "zzzunknownword", "meeting zzzunknownword",
    "meeting is:deleted", "-release -draft", "café", "body:attached", "attached", "lunch is:draft",
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailStore]:
    rng = random.Random(5)
    summaries = []
    for summary in realistic_summaries(COUNT, seed=31):
        if rng.random() < 0.03:  # out of step with its UID: far newer or older than its neighbours
            summary = dataclasses.replace(summary, date=summary.date + rng.choice((-1, 1)) * rng.randint(1, 10**7))
        if rng.random() < 0.01:
            summary = dataclasses.replace(summary, flags=summary.flags | {"\\Draft"})
        summaries.append(summary)
    with MailStore(tmp_path_factory.mktemp("fulltext") / "store.sqlite3") as mail_store:
        mail_store.upsert_folders([((), "/", "INBOX"), ((b"\\Sent",), "/", "Sent"), ((), "/", "Lists")])
        mail_store.add_messages("INBOX", summaries)
        mail_store.add_messages("Sent", realistic_summaries(700, seed=32))
        mail_store.add_messages("Lists", realistic_summaries(300, seed=33, start_uid=90_000))
        body = (b"From: a@example.test\r\nSubject: x\r\nContent-Type: text/plain\r\n\r\n"
                b"The minutes are attached.\r\n")
        for uid in range(1, COUNT, 97):
            mail_store.store_body("INBOX", uid, body)
        yield mail_store


def _defined(store: MailStore, query: str, folder: str | None, limit: int) -> list[tuple[str, int]]:
    """The plain SQL definition of a search's answer."""
    parsed = parse_query(query)
    where, params = [], []
    if parsed.match is not None:
        where.append("m.id IN (SELECT rowid FROM message_fts WHERE message_fts MATCH ?)")
        params.append(parsed.match)
    if parsed.exclude is not None:
        where.append("m.id NOT IN (SELECT rowid FROM message_fts WHERE message_fts MATCH ?)")
        params.append(parsed.exclude)
    for condition in parsed.conditions:
        where.append(condition.sql)
        params.extend(condition.params)
    if folder is not None:
        where.append("f.name = ?")
        params.append(folder)
    if not where:
        return []
    rows = store._conn.execute(
        f"SELECT f.name, m.id FROM messages AS m JOIN folders AS f ON f.id = m.folder_id WHERE {' AND '.join(where)} "
        f"ORDER BY m.date DESC, m.id DESC LIMIT ?", (*params, limit)).fetchall()
    return [(name, rowid & 0xFFFFFFFF) for name, rowid in rows]


_DEFAULTS = {"FIRST_WINDOW": store_fulltext.FIRST_WINDOW, "FEW_HITS": store_fulltext.FEW_HITS}


# FEW_HITS 0: windows even for a handful of hits. SKIPS_PER_LOOKUP 1: the hits left below a window are looked up
# rather than the date index walked, unless they outnumber the UIDs walked. WALK_DENSITY 0: every search of words
# alone walks the date index, testing messages far below the hits read (WALK_REACH) alone, or giving up on the walk
# for the windows after WALK_ALONE of them.
@pytest.mark.parametrize("tuning", [
    _DEFAULTS, {"FIRST_WINDOW": 1, "FEW_HITS": 0}, {"FIRST_WINDOW": 1 << 24, "FEW_HITS": 0}, {"FEW_HITS": 0},
    {"FEW_HITS": 0, "SKIPS_PER_LOOKUP": 1},
    {"FEW_HITS": 0, "WALK_DENSITY": 0, "WALK_STEP": 7, "WALK_REACH": 100, "WALK_ALONE": 1 << 20},
    {"FEW_HITS": 0, "WALK_DENSITY": 0, "WALK_REACH": 10, "WALK_ALONE": 2},
], ids=lambda tuning: ",".join(f"{name}={value}" for name, value in tuning.items()))
@pytest.mark.parametrize("folder", [None, "INBOX"])
@pytest.mark.parametrize("limit", [1, 50, 5000])
def test_word_searches_answer_exactly_as_defined(store: MailStore, folder: str | None, limit: int,
                                                 tuning: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in tuning.items():
        monkeypatch.setattr(store_fulltext, name, value)
    for query in QUERIES:
        found = [(summary.folder, summary.uid) for summary in store.search(query, folder=folder, limit=limit)]
        assert found == _defined(store, query, folder, limit), query


@pytest.mark.parametrize("walk_density", [store_fulltext.WALK_DENSITY, 0.0, 2.0])
def test_folders_walked_by_date_one_after_the_other(tmp_path: Path, walk_density: float,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Across folders whose dates overlap, the walk of the next folder stops at the matches already found."""
    monkeypatch.setattr(store_fulltext, "WALK_DENSITY", walk_density)
    with MailStore(tmp_path / "store.sqlite3") as store:
        store.upsert_folders([((), "/", "INBOX"), ((), "/", "Later")])
        store.add_messages("INBOX", realistic_summaries(4000, seed=36))
        store.add_messages("Later", [dataclasses.replace(summary, date=summary.date + 3_000_000)
                                     for summary in realistic_summaries(4000, seed=37)])
        for query in ("meeting", "re", "report", "from:alice", "meeting report"):
            for limit in (1, 50, 2500, 5000):
                found = [(summary.folder, summary.uid) for summary in store.search(query, limit=limit)]
                assert found == _defined(store, query, None, limit), (query, limit)
                assert {folder for folder, _uid in found} == ({"INBOX", "Later"} if limit > 2000 else {"Later"})


def test_answers_are_the_same_whichever_side_the_walk_starts_from(store: MailStore,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    queries = ["meeting is:draft", "lunch is:draft", "-meeting is:draft", "meeting is:deleted", "report is:flagged"]
    looked_up = {query: store.search(query, limit=50) for query in queries}
    monkeypatch.setattr(store_fulltext, "FEW_CANDIDATES", 0)  # never message by message
    assert {query: store.search(query, limit=50) for query in queries} == looked_up
    assert looked_up["lunch is:draft"] and looked_up["-meeting is:draft"]


def test_a_frequent_word_reads_a_few_windows_not_every_hit(tmp_path: Path) -> None:
    with MailStore(tmp_path / "store.sqlite3") as store:
        store.upsert_folders([((), "/", "INBOX")])
        store.add_messages("INBOX", realistic_summaries(COUNT, seed=35))
        statements: list[str] = []
        store._conn.set_trace_callback(statements.append)
        try:
            found = store.search("meeting", folder="INBOX", limit=20)
        finally:
            store._conn.set_trace_callback(None)
        assert [(s.folder, s.uid) for s in found] == _defined(store, "meeting", "INBOX", 20)
        hits = store._conn.execute("SELECT count(*) FROM message_fts WHERE message_fts MATCH 'meeting'").fetchone()[0]
        lookups = [s for s in statements if s.startswith("SELECT m.date, m.id FROM messages AS m NOT INDEXED")]
        looked_at = sum(s.split(" IN (", 1)[1].split(")", 1)[0].count(",") + 1 for s in lookups)
        assert looked_at <= store_fulltext.FIRST_WINDOW < hits  # the first window's hits sufficed
        fts = [s for s in statements if "message_fts MATCH" in s and not s.startswith("--")]
        assert len(fts) == 1 and "ORDER BY rowid DESC" in fts[0]  # one FTS5 statement, read newest first


def test_a_message_far_newer_than_its_uid_is_still_found_first(tmp_path: Path) -> None:
    with MailStore(tmp_path / "store.sqlite3") as store:
        store.upsert_folders([((), "/", "INBOX")])
        store.add_messages("INBOX", realistic_summaries(3000, seed=34))
        store.add_messages("INBOX", [MessageSummary(uid=1, subject="meeting from the future", date=4_000_000_000)]
                           if store.summary("INBOX", 1) is None else [])
        store.change_flags("INBOX", [5], add=["\\Flagged"])
        old = store.summary("INBOX", 5)
        assert old is not None
        store.remove_messages("INBOX", [5])
        store.add_messages("INBOX", [dataclasses.replace(old, subject="meeting again", date=4_100_000_000)])
        top = store.search("meeting", folder="INBOX", limit=3)
        assert [s.uid for s in top][:1] == [5]
        assert [(s.folder, s.uid) for s in top] == _defined(store, "meeting", "INBOX", 3)


def _listed(store: MailStore, query: str, limit: int, sort: str, descending: bool,
            include: tuple[int, ...] = ()) -> list[int]:
    """The search's rows as the message list ordered them before search_uids: every summary built, the server's
    finds added, and the lot sorted in memory."""
    found = store.search(query, "INBOX", limit)
    local = {summary.uid for summary in found}
    found += store.summaries_for("INBOX", [uid for uid in dict.fromkeys(include) if uid not in local])

    def key(summary: MessageSummary) -> tuple[object, ...]:
        if sort == "sender":
            return (summary.sender.casefold(), summary.date)
        if sort == "subject":
            return (summary.subject.casefold(), summary.date)
        return (summary.date or summary.internal_date, summary.uid)

    return [summary.uid for summary in sorted(found, key=key, reverse=descending)]


@pytest.mark.parametrize("sort", ["date", "sender", "subject"])
@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("limit", [50, 5000])
def test_search_uids_are_the_search_in_the_lists_order(store: MailStore, sort: str, descending: bool,
                                                       limit: int) -> None:
    # found on the server: a local match perhaps, one said twice, one the store does not hold
    include = (5, 17, 17, COUNT - 1, 123_456)
    for query in [*QUERIES, "is:unread is:flagged", "-is:read", "-is:unread has:attachment", "", "  ",
                  "before:2017-08-20", "after:2017-09-01", "before:2017-08-20 -is:flagged"]:
        assert store.search_uids(query, "INBOX", limit, sort=sort, descending=descending) \
            == _listed(store, query, limit, sort, descending), query
        assert store.search_uids(query, "INBOX", limit, sort=sort, descending=descending, include=include) \
            == _listed(store, query, limit, sort, descending, include), query


def test_search_uids_keep_ties_and_accents_in_the_lists_order(tmp_path: Path) -> None:
    """Senders and subjects equal but for case and accents, on the same date: the order the list sorted them in
    memory (casefold, ties newest first), whichever way the search read them."""
    with MailStore(tmp_path / "store.sqlite3") as store:
        store.upsert_folders([((), "/", "INBOX")])
        names = ["Émile", "émile", "EMILE", "emile", "Zoë", "zoë", "", "Ångström"]
        store.add_messages("INBOX", [
            MessageSummary(uid=uid, subject=f"{names[uid % 8] or 'Plain'} meeting", from_name=names[uid % 8],
                           from_addr=f"p{uid % 3}@example.com", date=1_700_000_000 + uid // 10 * 60,
                           flags=frozenset({"\\Draft"}) if uid % 7 == 0 else frozenset())
            for uid in range(1, 400)])
        for query in ("meeting", "-zzz", "meeting is:draft", "is:draft", "is:unread", "émile"):
            for sort in ("date", "sender", "subject"):
                for descending in (True, False):
                    for limit in (30, 5000):
                        assert store.search_uids(query, "INBOX", limit, sort=sort, descending=descending) \
                            == _listed(store, query, limit, sort, descending), (query, sort, descending, limit)


@pytest.mark.parametrize("sort", ["date", "sender", "subject"])
def test_search_uids_in_a_gmail_labels_view_are_in_the_lists_order(tmp_path: Path, sort: str) -> None:
    """A label's view is searched through All Mail: its own rows give the list's order."""
    with MailStore(tmp_path / "store.sqlite3") as store:
        store.upsert_folders([((), "/", "INBOX"), ((b"\\All",), "/", "[Gmail]/All Mail")])
        store.add_messages("[Gmail]/All Mail", [
            dataclasses.replace(summary, gm_labels=("\\Inbox",) if summary.uid % 3 else ())
            for summary in realistic_summaries(900, seed=12)])
        store.set_gmail_views("[Gmail]/All Mail", {"INBOX": "\\Inbox"})
        assert 500 < store.count("INBOX") < 900
        for query in ("meeting", "re", "is:unread", "-meeting", "from:alice"):
            for descending in (True, False):
                found = store.search_uids(query, "INBOX", 5000, sort=sort, descending=descending)
                assert found == _listed(store, query, 5000, sort, descending), (query, descending)
                assert found or query == "from:alice"
