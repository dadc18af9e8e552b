"""The search language: parsing into FTS5 + SQL, and searching a store with it."""

from __future__ import annotations

import pytest
from sample_mail import make_summary

from connectors.store import MailStore, SearchQueryError, parse_query
from connectors.store import fulltext as store_fulltext
from connectors.store.search import IN_FOLDER, Condition


@pytest.mark.parametrize(
    ("query", "match", "exclude", "conditions"),
    [
        ("", None, None, ()),
        ("   ", None, None, ()),
        ("invoice", '"invoice"*', None, ()),
        ("invoice ", '"invoice"', None, ()),
        ("a", '"a"', None, ()),
        ("alice invoice", '"alice" AND "invoice"*', None, ()),
        ('"quarterly report"', '"quarterly report"', None, ()),
        ('"unbalanced phrase', '"unbalanced phrase"', None, ()),
        ("from:alice@example.com", 'sender : "alice@example.com"', None, ()),
        ('subject:"status update" to:bob', 'subject : "status update" AND recipients : "bob"', None, ()),
        ("cc:carol", 'recipients : "carol"', None, ()),
        ("-spam", None, '"spam"', ()),
        ("report -draft -from:bob", '("report") NOT ("draft" OR sender : "bob")', None, ()),
        ('say "hi"there', '"say" AND "hi" AND "there"*', None, ()),
        ('quote"inside', '"quote""inside"*', None, ()),
        ("AND OR NOT", '"AND" AND "OR" AND "NOT"*', None, ()),
        ("NEAR(a bc)", '"NEAR(a" AND "bc)"*', None, ()),
        ("NEAR(a b)", '"NEAR(a" AND "b)"', None, ()),
        ("* ^ : ( ) ' ;", None, None, ()),
        ("foo:bar", '"foo:bar"*', None, ()),
        ("is:unread", None, None, (Condition("(m.flags & 1) = 0"),)),
        ("-is:read", None, None, (Condition("(m.flags & 1) = 0"),)),  # is:unread, its index serves it
        ("IS:Flagged has:attachment", None, None,
         (Condition("(m.flags & 4) != 0"), Condition("m.has_attachments != 0"))),
        ("is:", None, None, ()),
        ("after:2024-01-31", None, None, (Condition("m.date >= ?", (1706659200,)),)),
        ("before:2024/02", None, None, (Condition("m.date < ?", (1706745600,)),)),
        ("in:Inbox", None, None, (Condition(IN_FOLDER, ("Inbox", "inbox") * 3),)),
    ],
)
def test_parse_query(query: str, match: str | None, exclude: str | None, conditions: tuple[Condition, ...]) -> None:
    parsed = parse_query(query)
    assert (parsed.match, parsed.exclude, parsed.conditions) == (match, exclude, conditions)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("is:bogus", "Unknown is:bogus"),
        ("has:pony", "Unknown has:pony"),
        ("after:yesterday", "after: needs a date"),
        ("before:2024-02-30", "not a valid date"),
        ("x" * 1001, "too long"),
        (" ".join(["w"] * 65), "too many terms"),
    ],
)
def test_unusable_queries_raise_a_clear_value_error(query: str, message: str) -> None:
    with pytest.raises(SearchQueryError, match=message) as caught:
        parse_query(query)
    assert isinstance(caught.value, ValueError)


@pytest.fixture
def mailbox(store: MailStore) -> MailStore:
    store.add_messages("INBOX", [
        make_summary(1, subject="Quarterly report draft", from_name="Alice Martin", from_addr="alice@example.com",
                     to="Bob Dubois <bob@example.org>", date=100, flags=frozenset({"\\Seen"})),
        make_summary(2, subject="Re: Quarterly report draft", from_name="Bob Dubois", from_addr="bob@example.org",
                     to="Alice Martin <alice@example.com>", cc="Carol <carol@example.net>", date=200,
                     has_attachments=True),
        make_summary(3, subject="Invoice 2024-117 for the café", from_name="", from_addr="billing@shop.example",
                     to="alice@example.com", date=300, flags=frozenset({"\\Seen", "\\Flagged"})),
        make_summary(4, subject="Lunch?", from_name="Carol", from_addr="carol@example.net", to="alice@example.com",
                     date=1706745600, flags=frozenset()),
    ])
    store.add_messages("Sent", [
        make_summary(9, subject="Quarterly report final", from_name="Alice Martin", from_addr="alice@example.com",
                     to="Board <board@example.com>", date=400, flags=frozenset({"\\Seen"})),
    ])
    store.store_body("INBOX", 4, b"Subject: Lunch?\r\n\r\nShall we try the new ramen place on Friday?\r\n")
    return store


def found(store: MailStore, query: str, folder: str | None = None) -> list[int]:
    return [summary.uid for summary in store.search(query, folder=folder)]


@pytest.mark.parametrize(
    ("query", "uids"),
    [
        ("quarterly", [9, 2, 1]),
        ("quart", [9, 2, 1]),
        ("quart ", []),
        ("report draft", [2, 1]),
        ('"report draft"', [2, 1]),
        ('"draft report"', []),
        ("from:alice", [9, 1]),
        ("from:alice@example.com", [9, 1]),
        ("from:billing", [3]),
        ("to:carol", [2]),
        ("cc:carol", [2]),
        ("to:alice -from:bob", [4, 3]),
        ("subject:report", [9, 2, 1]),
        ("subject:alice", []),
        ("has:attachment", [2]),
        ("is:unread", [4, 2]),
        ("is:read quarterly", [9, 1]),
        ("is:flagged", [3]),
        ("-is:flagged is:read", [9, 1]),
        ("quarterly -final", [2, 1]),
        ("-quarterly", [4, 3]),
        ("cafe", [3]),
        ("CAFÉ", [3]),
        ("2024-117", [3]),
        ("ramen", [4]),
        ("body:ramen", [4]),
        ("subject:ramen", []),
        ("after:1970-01-01 before:1970-01-02 report", [9, 2, 1]),
        ("after:2024-02-01", [4]),
        ("in:sent", [9]),
        ("-in:inbox report", [9]),
    ],
)
def test_search_operators(mailbox: MailStore, query: str, uids: list[int]) -> None:
    assert found(mailbox, query) == uids


def test_search_within_a_folder_and_limit(mailbox: MailStore) -> None:
    assert found(mailbox, "quarterly", folder="INBOX") == [2, 1]
    assert [m.uid for m in mailbox.search("quarterly", limit=1)] == [9]
    assert mailbox.search("quarterly", limit=0) == []
    assert {m.folder for m in mailbox.search("quarterly")} == {"INBOX", "Sent"}


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "AND OR NOT", "*", "'; DROP TABLE messages; --", "\"\"", "-", "--", "-\"\"", "a*b", "NEAR(",
     "{sender}: x", "sender:x", "^start", "col:", "\\", "\x00", "'", "(((", ")", "OR", "*quart", "from:*", "-*",
     "😀", "from:😀", "subject:\"", "-from:", "a" * 999],
)
def test_garbage_never_reaches_sqlite_as_syntax(mailbox: MailStore, query: str) -> None:
    try:
        mailbox.search(query)
        mailbox.search(query, folder="INBOX")
    except SearchQueryError:
        pass  # a clear ValueError is an acceptable answer; any other exception is not
    assert mailbox.count("INBOX") == 4
    assert len(mailbox.uids("INBOX")) == 4


def test_both_search_plans_give_the_same_answers(mailbox: MailStore, monkeypatch: pytest.MonkeyPatch) -> None:
    queries = ["quarterly", "alice", "report -final", "is:read", "to:alice"]
    few = {query: found(mailbox, query) for query in queries}
    monkeypatch.setattr(store_fulltext, "FIRST_WINDOW", 1)  # one UID per window: many windows
    monkeypatch.setattr(store_fulltext, "FEW_HITS", 0)
    assert {query: found(mailbox, query) for query in queries} == few
    assert found(mailbox, "quarterly", folder="INBOX") == [2, 1]
