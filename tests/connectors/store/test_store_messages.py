"""Message summaries: round trips, upserts, flags, labels, counts, removals, bodies and threads."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from sample_mail import make_summary

from connectors.store import (
    FoldersChanged,
    MailStore,
    MessageNotFoundError,
    MessagesAdded,
    MessagesChanged,
    MessagesRemoved,
    MessageSummary,
    StoreEvent,
)
from connectors.store.threads import thread_key

FULL = MessageSummary(
    uid=4_000_000_000,
    subject="Re: Fwd: Réunion d'équipe",
    from_name="Zoé Lefèvre",
    from_addr="zoe@example.fr",
    to="Bob <bob@example.org>, carol@example.com",
    cc="Dan <dan@example.net>",
    date=1_700_000_123,
    internal_date=1_700_000_456,
    flags=frozenset({"\\Seen", "\\Answered", "$Forwarded", "$MailFlagBit1", "Work"}),
    size=123_456,
    has_attachments=True,
    message_id="<abc@example.fr>",
    in_reply_to="<parent@example.org>",
    references="<root@example.org> <parent@example.org>",
    gm_labels=("\\Inbox", "Projets/Été", "with space"),
    gm_thrid=2**64 - 5,
    gm_msgid=2**63 + 1,
)


def test_summary_round_trips_every_field(store: MailStore) -> None:
    store.add_messages("INBOX", [FULL])
    stored = store.summary("INBOX", FULL.uid)
    assert stored is not None
    assert stored == replace(FULL, folder="INBOX", thread_key=stored.thread_key)
    assert stored.thread_key == thread_key("", "", "", 2**64 - 5, "")
    assert stored.seen and stored.answered and not stored.flagged and stored.sender == "Zoé Lefèvre"


def test_flags_from_imapclient_bytes_are_canonical(store: MailStore) -> None:
    store.add_messages("INBOX", [make_summary(1)])
    store.update_flags("INBOX", {1: [b"\\seen", b"\\FLAGGED", b"\\Recent", b"$label1"]})
    assert store.flags_by_uid("INBOX") == {1: {"\\Seen", "\\Flagged", "$label1"}}


def test_date_falls_back_to_internal_date(store: MailStore) -> None:
    store.add_messages("INBOX", [make_summary(1, date=0, internal_date=1234)])
    summary = store.summary("INBOX", 1)
    assert summary is not None and summary.date == 1234


def test_invalid_uids_and_foreign_folders_are_refused(store: MailStore) -> None:
    for uid in (0, -1, 2**32):
        with pytest.raises(ValueError, match="UID"):
            store.add_messages("INBOX", [make_summary(uid)])
    with pytest.raises(ValueError, match="Sent"):
        store.add_messages("INBOX", [make_summary(1, folder="Sent")])
    assert store.count("INBOX") == 0


def test_add_then_upsert_reports_added_then_changed(store: MailStore, events: list[StoreEvent]) -> None:
    store.add_messages("INBOX", [make_summary(uid) for uid in (3, 1, 2)])
    assert events == [MessagesAdded("INBOX", (1, 2, 3)), FoldersChanged()]
    events.clear()
    store.add_messages("INBOX", [make_summary(2, subject="new subject"), make_summary(4)])
    assert events == [MessagesChanged("INBOX", (2,)), MessagesAdded("INBOX", (4,)), FoldersChanged()]
    assert [m.subject for m in store.search("subject")] == ["new subject"]
    assert store.search("message 2") == []  # the old subject left the index
    assert store.count("INBOX") == 4


def test_uids_max_uid_and_flags_by_uid(store: MailStore) -> None:
    uids = random.Random(3).sample(range(1, 100_000), 300)
    store.add_messages("INBOX", [make_summary(uid, flags=frozenset({"\\Seen"}) if uid % 2 else frozenset())
                                 for uid in uids])
    store.add_messages("Sent", [make_summary(500_000)])
    assert store.uids("INBOX") == sorted(uids)
    assert store.max_uid("INBOX") == max(uids) and store.max_uid("Sent") == 500_000
    assert store.flags_by_uid("INBOX") == {uid: ({"\\Seen"} if uid % 2 else set()) for uid in uids}


def test_counts_stay_right_through_adds_flag_changes_and_removes(store: MailStore) -> None:
    rng = random.Random(7)

    def check() -> None:
        flags = store.flags_by_uid("INBOX")
        folder = store.folder("INBOX")
        assert folder is not None
        assert (folder.total, folder.unread) == (len(flags), sum("\\Seen" not in f for f in flags.values()))
        assert store.count("INBOX") == folder.total and store.count("INBOX", unread_only=True) == folder.unread

    for round_number in range(5):
        base = round_number * 200
        store.add_messages("INBOX", [
            make_summary(base + i, flags=frozenset({"\\Seen"}) if rng.random() < 0.5 else frozenset())
            for i in range(1, 201)
        ])
        check()
        uids = store.uids("INBOX")
        store.update_flags("INBOX", {uid: ["\\Seen"] if rng.random() < 0.5 else [] for uid in rng.sample(uids, 80)})
        check()
        store.change_flags("INBOX", rng.sample(uids, 30), remove=["\\Seen"])
        check()
        store.remove_messages("INBOX", rng.sample(uids, 50))
        check()
        store.add_messages("INBOX", [make_summary(uid, flags=frozenset()) for uid in rng.sample(uids, 20)])
        check()


def test_update_flags_writes_and_reports_only_changes(store: MailStore, events: list[StoreEvent]) -> None:
    store.add_messages("INBOX", [make_summary(uid, flags=frozenset({"\\Seen"})) for uid in (1, 2, 3)])
    events.clear()
    changed = store.update_flags("INBOX", {1: ["\\Seen"], 2: ["\\Seen", "\\Flagged"], 99: ["\\Seen"]})
    assert changed == [2]
    assert events == [MessagesChanged("INBOX", (2,))]  # the unread count did not move
    events.clear()
    assert store.update_flags("INBOX", {3: []}) == [3]
    assert events == [MessagesChanged("INBOX", (3,)), FoldersChanged()]


def test_change_flags_adds_and_removes(store: MailStore) -> None:
    store.add_messages("INBOX", [make_summary(1, flags=frozenset({"\\Seen", "Work", "$label2"})), make_summary(2)])
    assert store.change_flags("INBOX", [1, 2, 3], add=["\\Flagged", "todo"], remove=["\\Seen", "work"]) == [1, 2]
    assert store.flags_by_uid("INBOX") == {
        1: {"\\Flagged", "todo", "$label2"},
        2: {"\\Flagged", "todo"},
    }
    assert store.change_flags("INBOX", [1], add=["\\Flagged"]) == []


def test_update_labels(store: MailStore, events: list[StoreEvent]) -> None:
    store.add_messages("INBOX", [make_summary(1, gm_labels=("\\Inbox",)), make_summary(2)])
    events.clear()
    assert store.update_labels("INBOX", {1: [b"\\Inbox", b"Travel"], 2: [], 5: ["x"]}) == [1]
    summary = store.summary("INBOX", 1)
    assert summary is not None and summary.gm_labels == ("\\Inbox", "Travel")
    assert events == [MessagesChanged("INBOX", (1,))]


def test_remove_messages_reports_what_was_there(store: MailStore, events: list[StoreEvent]) -> None:
    store.add_messages("INBOX", [make_summary(uid) for uid in range(1, 11)])
    events.clear()
    assert store.remove_messages("INBOX", [2, 4, 4, 77]) == [2, 4]
    assert events == [MessagesRemoved("INBOX", (2, 4)), FoldersChanged()]
    assert store.uids("INBOX") == [1, 3, 5, 6, 7, 8, 9, 10]
    events.clear()
    assert store.remove_messages("INBOX", [77]) == []
    assert events == []


def test_summaries_for_keeps_the_requested_order(store: MailStore) -> None:
    store.add_messages("INBOX", [make_summary(uid) for uid in range(1, 6)])
    assert [m.uid for m in store.summaries_for("INBOX", [5, 1, 42, 3])] == [5, 1, 3]
    assert store.summary("INBOX", 42) is None


RAW = (
    b"From: Alice <alice@example.com>\r\nTo: bob@example.org\r\nSubject: Plans\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
    b"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    b"Let's meet at the caf\xc3\xa9 near the lighthouse.\r\n"
    b"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Let's meet at the <b>caf\xc3\xa9</b></p>\r\n--b--\r\n"
)


def test_bodies_round_trip_and_become_searchable(store: MailStore, events: list[StoreEvent]) -> None:
    store.add_messages("INBOX", [make_summary(1), make_summary(2)])
    assert store.body("INBOX", 1) is None and not store.has_body("INBOX", 1)
    events.clear()
    store.store_body("INBOX", 1, RAW)
    assert store.body("INBOX", 1) == RAW and store.has_body("INBOX", 1)
    assert events == [MessagesChanged("INBOX", (1,))]
    assert [m.uid for m in store.search("lighthouse")] == [1]
    assert [m.uid for m in store.search("cafe")] == [1]  # diacritics folded
    stored = store._conn.execute("SELECT length(raw) FROM bodies").fetchone()[0]
    assert stored < len(RAW)


def test_storing_a_body_again_replaces_its_words(store: MailStore) -> None:
    store.add_messages("INBOX", [make_summary(1)])
    store.store_body("INBOX", 1, b"Subject: a\r\n\r\nfirst version about lighthouses\r\n")
    store.store_body("INBOX", 1, b"Subject: a\r\n\r\nsecond version about windmills\r\n")
    assert store.search("lighthouses") == []
    assert [m.uid for m in store.search("windmills")] == [1]
    store.drop_body("INBOX", 1)
    assert store.search("windmills") == [] and store.body("INBOX", 1) is None


def test_html_only_and_odd_bodies_are_indexed_leniently(store: MailStore) -> None:
    store.add_messages("INBOX", [make_summary(1), make_summary(2), make_summary(3)])
    html = (b"Content-Type: text/html; charset=utf-8\r\n\r\n<html><head><style>p{color:red}</style></head>"
            b"<body><p>Quarterly&nbsp;figures &amp; forecasts</p><script>var hidden=1</script></body></html>")
    store.store_body("INBOX", 1, html)
    store.store_body("INBOX", 2, b"Content-Type: text/plain; charset=x-unknown\r\n\r\nstrange charset words\r\n")
    store.store_body("INBOX", 3, b"\x00\xff not even a header\r\n")
    assert [m.uid for m in store.search("forecasts")] == [1]
    assert store.search("hidden") == [] and store.search("color") == []
    assert [m.uid for m in store.search("strange")] == [2]


def test_bodies_need_a_stored_message(store: MailStore) -> None:
    with pytest.raises(MessageNotFoundError):
        store.store_body("INBOX", 9, RAW)


def test_body_words_leave_the_index_with_the_message(store: MailStore) -> None:
    store.add_messages("INBOX", [make_summary(1)])
    store.store_body("INBOX", 1, RAW)
    store.remove_messages("INBOX", [1])
    assert store.search("lighthouse") == []
    assert store._conn.execute("SELECT count(*) FROM bodies").fetchone()[0] == 0


def test_thread_keys_follow_the_reference_root() -> None:
    root = thread_key("<root@x>", "", "", None, "a")
    assert thread_key("<reply@x>", "<root@x>", "<root@x>", None, "b") == root
    assert thread_key("<deep@x>", "<reply@x>", "<root@x> <reply@x>", None, "c") == root
    assert thread_key("<only-irt@x>", "<root@x>", "", None, "d") == root
    assert thread_key("<other@x>", "", "", None, "e") != root
    assert thread_key("", "", "", None, "f") != thread_key("", "", "", None, "g")
    assert thread_key("<a@x>", "", "", 12345, "h") == 12345


def test_thread_and_threads(store: MailStore) -> None:
    store.add_messages("INBOX", [
        make_summary(1, message_id="<root@x>", subject="Plan", date=100),
        make_summary(2, message_id="<other@x>", subject="Other", date=150),
        make_summary(3, message_id="<r1@x>", references="<root@x>", in_reply_to="<root@x>", date=200,
                     flags=frozenset({"\\Seen"})),
    ])
    store.add_messages("Sent", [make_summary(7, message_id="<r2@x>", references="<root@x> <r1@x>", date=300)])
    key = store.summary("INBOX", 1).thread_key  # type: ignore[union-attr]
    assert [(m.folder, m.uid) for m in store.thread(key)] == [("INBOX", 1), ("INBOX", 3), ("Sent", 7)]
    assert [m.uid for m in store.thread(key, folder="INBOX")] == [1, 3]
    threads = store.threads("INBOX")
    assert [(t.count, t.unread, t.latest.uid, t.uids) for t in threads] == [(2, 1, 3, (1, 3)), (1, 1, 2, (2,))]
    assert [t.latest.uid for t in store.threads("INBOX", offset=1, limit=5)] == [2]
