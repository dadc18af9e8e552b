"""Windowed, sorted message lists for lazy models, and the indexes that keep them fast."""

from __future__ import annotations

import random

import pytest
from sample_mail import make_summary

from connectors.store import MailStore, MessageSummary, SortKey
from connectors.store.queries import order_by
from connectors.store.threads import subject_skip

SUBJECTS = ["Budget", "re: budget", "Fwd: Agenda", "agenda", "Zebra crossing", "RE: AW: Zebra", "Apples", "éclair"]
SENDERS = [("", "zed@example.com"), ("alice", "a@example.com"), ("Bob", "b@example.com"), ("", "carl@example.com"),
           ("Émile", "e@example.com")]


@pytest.fixture
def listed(store: MailStore) -> list[MessageSummary]:
    rng = random.Random(11)
    summaries = []
    for uid in rng.sample(range(1, 10_000), 300):
        name, addr = rng.choice(SENDERS)
        summaries.append(make_summary(uid, subject=rng.choice(SUBJECTS), from_name=name, from_addr=addr,
                                      date=1_700_000_000 + rng.randrange(50) * 3600))
    store.add_messages("INBOX", summaries)
    store.add_messages("Sent", [make_summary(1, date=1)])
    return [s for s in store.summaries("INBOX", limit=1000)]


def reference_order(messages: list[MessageSummary], sort: SortKey, descending: bool) -> list[int]:
    def key(m: MessageSummary) -> tuple[object, ...]:
        if sort == "sender":
            return ((m.from_name or m.from_addr).lower(), m.date, m.uid)
        if sort == "subject":
            return (m.subject[subject_skip(m.subject):].lower(), m.date, m.uid)
        return (m.date, m.uid)

    return [m.uid for m in sorted(messages, key=key, reverse=descending)]


@pytest.mark.parametrize("sort", ["date", "sender", "subject"])
@pytest.mark.parametrize("descending", [True, False])
def test_windows_follow_the_sort_order(
    store: MailStore, listed: list[MessageSummary], sort: SortKey, descending: bool
) -> None:
    expected = reference_order(listed, sort, descending)
    windows = [store.summaries("INBOX", sort, descending, offset, 70) for offset in range(0, 300, 70)]
    assert [m.uid for window in windows for m in window] == expected
    assert store.sorted_uids("INBOX", sort, descending) == expected
    assert [store.uid_at("INBOX", row, sort, descending) for row in (0, 150, 299)] == [
        expected[0], expected[150], expected[299],
    ]
    assert store.uid_at("INBOX", 300, sort, descending) is None
    assert store.uid_at("INBOX", -1, sort, descending) is None



def test_sorted_uids_of_an_empty_folder_and_at_the_ends_of_the_uid_range(store: MailStore) -> None:
    store.upsert_folders([((b"\\Trash",), "/", "Trash")])
    assert store.sorted_uids("Trash") == []
    store.add_messages("Trash", [make_summary(uid, date=1_700_000_000 + n)
                                 for n, uid in enumerate([1, 2**32 - 1, 255, 256, 2**31])])
    assert store.sorted_uids("Trash") == [2**31, 256, 255, 2**32 - 1, 1]
    assert store.sorted_uids("Trash", "date", descending=False) == [1, 2**32 - 1, 255, 256, 2**31]

def test_subject_sort_ignores_reply_prefixes() -> None:
    assert [s[subject_skip(s):] for s in ["Re: Fwd: x", "RE[2]: y", "AW:  z", "Réponse", "Fwd:Re: w", "Re:"]] == [
        "x", "y", "z", "Réponse", "w", "",
    ]


def test_bad_windows_are_refused(store: MailStore) -> None:
    with pytest.raises(ValueError, match="sort"):
        store.summaries("INBOX", sort="size")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        store.summaries("INBOX", offset=-1)


@pytest.mark.parametrize("sort", ["date", "sender", "subject"])
@pytest.mark.parametrize("descending", [True, False])
def test_every_sort_is_served_by_an_index(store: MailStore, sort: SortKey, descending: bool) -> None:
    plan = store._conn.execute(
        f"EXPLAIN QUERY PLAN SELECT m.id FROM messages AS m WHERE m.folder_id = 1 "
        f"ORDER BY {order_by(sort, descending)} LIMIT 200 OFFSET 1000"
    ).fetchall()
    details = " ".join(row[-1] for row in plan)
    assert "USING" in details and "INDEX" in details and "TEMP B-TREE" not in details, details


def test_readers_see_the_same_windows(store: MailStore, listed: list[MessageSummary]) -> None:
    with store.open_reader() as reader, reader.snapshot():
        assert reader.summaries("INBOX", "sender", False, 10, 20) == store.summaries("INBOX", "sender", False, 10, 20)
        assert reader.count("INBOX") == 300
