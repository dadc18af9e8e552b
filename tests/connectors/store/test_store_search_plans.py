"""Every search operator is answered from an index (issue 13.5): checked by the answers and by SQLite's plans."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from connectors.store import MailStore, MessageSummary
from connectors.store import queries as store_queries
from tests.connectors.store.sample_mail import realistic_summaries

COUNT = 5000


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailStore]:
    with MailStore(tmp_path_factory.mktemp("search") / "store.sqlite3") as store:
        store.upsert_folders([((), "/", "INBOX"), ((b"\\Sent",), "/", "Sent")])
        _fill(store)
        yield store


def _fill(store: MailStore) -> None:
    summaries = list(realistic_summaries(COUNT, seed=21))
    # Sparse at the top: no attachment, no flag and nothing unread among the newest 3,000; drafts only in Sent.
    recent = {s.uid for s in summaries[-3000:]}
    store.add_messages("INBOX", [
        s if s.uid not in recent else
        MessageSummary(**{**{f: getattr(s, f) for f in s.__dataclass_fields__}, "has_attachments": False,
                          "flags": frozenset({"\\Seen"})})
        for s in summaries])
    store.add_messages("Sent", realistic_summaries(300, seed=22))
    store.change_flags("Sent", list(range(1, 301, 30)), add=["\\Draft"])


def _truth(store: MailStore, keep: Callable[[MessageSummary], bool], folder: str | None,
           limit: int = 50) -> list[tuple[str, int]]:
    """The newest ``limit`` matches, by filtering every summary in Python."""
    folder_ids = dict(store._conn.execute("SELECT name, id FROM folders"))
    everything = [s for name in ("INBOX", "Sent") if folder in (None, name)
                  for s in store.summaries(name, limit=COUNT + 1000)]
    everything.sort(key=lambda s: (s.date, folder_ids[s.folder] << 32 | s.uid), reverse=True)
    return [(s.folder, s.uid) for s in everything if keep(s)][:limit]


OPERATORS: list[tuple[str, Callable[[MessageSummary], bool]]] = [
    ("has:attachment", lambda s: s.has_attachments),
    ("is:unread", lambda s: s.unread),
    ("is:read", lambda s: not s.unread),
    ("is:flagged", lambda s: s.flagged),
    ("-is:flagged", lambda s: not s.flagged),
    ("is:answered", lambda s: s.answered),
    ("is:draft", lambda s: s.draft),
    ("is:deleted", lambda s: s.deleted),
    ("in:sent", lambda s: s.folder == "Sent"),
    ("before:2017-06-01", lambda s: s.date < 1_496_275_200),
    ("after:2017-06-01 has:attachment", lambda s: s.date >= 1_496_275_200 and s.has_attachments),
    ("-is:read", lambda s: s.unread),
    ("-is:unread", lambda s: not s.unread),
    ("is:unread is:flagged", lambda s: s.unread and s.flagged),
    ("is:flagged -has:attachment", lambda s: s.flagged and not s.has_attachments),
    ("-has:attachment is:answered -is:flagged", lambda s: not s.has_attachments and s.answered and not s.flagged),
    ("is:read -is:answered before:2017-06-01", lambda s: not s.unread and not s.answered and s.date < 1_496_275_200),
]


@pytest.mark.parametrize(("query", "keep"), OPERATORS, ids=[q for q, _ in OPERATORS])
@pytest.mark.parametrize("folder", [None, "INBOX"])
def test_each_operator_finds_the_newest_matches(big: MailStore, query: str, keep: Callable[[MessageSummary], bool],
                                                folder: str | None) -> None:
    found = [(s.folder, s.uid) for s in big.search(query, folder=folder, limit=50)]
    assert found == _truth(big, keep, folder)


SPARSE = {
    "has:attachment": "messages_with_attachments",
    "is:unread": "messages_unread",
    "is:flagged": "messages_flagged",
    "is:answered": "messages_answered",
    "is:draft": "messages_draft",
    "is:deleted": "messages_deleted",
    "in:sent": "messages_by_date",
}


@pytest.mark.parametrize("query", list(SPARSE))
@pytest.mark.parametrize("folder", [None, "INBOX"])
def test_sparse_operators_read_their_index_not_every_message(big: MailStore, query: str, folder: str | None,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_queries, "_PROBE", 500)  # the newest 500 hold no match: the sparse plan runs
    statements: list[str] = []
    big._conn.set_trace_callback(statements.append)
    try:
        found = big.search(query, folder=folder, limit=50)
    finally:
        big._conn.set_trace_callback(None)
    keep = dict(OPERATORS)[query]
    assert [(s.folder, s.uid) for s in found] == _truth(big, keep, folder)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert any("LIMIT 1 OFFSET 500" in statement for statement in selects)  # where the first walk stops
    probe_at = max(i for i, statement in enumerate(selects) if "m.date >= " in statement)  # the bounded walk
    finals = [statement for statement in selects[probe_at + 1:] if "FROM messages" in statement]
    # then one walk of the sparse index per folder (or of the one folder's)
    assert 1 <= len(finals) <= (1 if folder else 2)
    for final in finals:
        steps = [row[3] for row in big._conn.execute("EXPLAIN QUERY PLAN " + final)]
        assert any(SPARSE[query] in step for step in steps), steps
        assert not any(step.split(" ")[:2] in (["SCAN", "m"], ["SCAN", "messages"]) and "INDEX" not in step
                       for step in steps), steps


def test_dense_operators_stop_after_the_newest_few(big: MailStore, monkeypatch: pytest.MonkeyPatch) -> None:
    statements: list[str] = []
    big._conn.set_trace_callback(statements.append)
    try:
        found = big.search("is:read", folder="INBOX", limit=50)
    finally:
        big._conn.set_trace_callback(None)
    assert len(found) == 50
    assert f"LIMIT 1 OFFSET {store_queries._PROBE}" in statements[-2]
    assert "m.date >= " in statements[-1]  # the bounded walk of the newest messages sufficed
    steps = [row[3] for row in big._conn.execute("EXPLAIN QUERY PLAN " + statements[-1])]
    assert any("messages_by_date (folder_id=? AND date>?)" in step for step in steps), steps


@pytest.mark.parametrize("query", [query for query, _ in OPERATORS if not query.startswith("in:")])
@pytest.mark.parametrize("probe", [500, store_queries._PROBE])
def test_a_lists_search_reads_indexes_only(big: MailStore, query: str, probe: int,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The message list's search (up to thousands of results, its UIDs only) tests every operator on index
    entries: no message row is read, whichever plan runs."""
    monkeypatch.setattr(store_queries, "_PROBE", probe)
    statements: list[str] = []
    big._conn.set_trace_callback(statements.append)
    try:
        found = big.search_uids(query, "INBOX", 5000)
    finally:
        big._conn.set_trace_callback(None)
    assert found == [uid for _folder, uid in _truth(big, dict(OPERATORS)[query], "INBOX", 5000)]
    walks = [statement for statement in statements if "FROM messages" in statement]
    assert walks
    for walk in walks:
        steps = [row[3] for row in big._conn.execute("EXPLAIN QUERY PLAN " + walk)]
        on_messages = [step for step in steps if step.split(" ")[1] in ("m", "messages")]
        assert on_messages and all("COVERING INDEX" in step for step in on_messages), steps
