"""Address completion's index: who counts, how they rank, and that every path keeps the counts right."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sample_mail import make_summary

from connectors.store import MailStore, schema


def _found(store: MailStore, prefix: str, limit: int = 12) -> list[str]:
    with store.open_reader() as reader:
        return [person.address for person in reader.known_addresses(prefix, limit)]


def test_senders_and_the_recipients_of_sent_mail_are_found_by_any_word(store: MailStore) -> None:
    store.add_messages("INBOX", [make_summary(1, from_name="Zoé Lefèvre", from_addr="Zoe@Example.fr")])
    store.add_messages("Sent", [make_summary(1, from_addr="me@example.com",
                                             to='"Dupré, Bob" <bob@example.org>, carol@example.net',
                                             cc="Dan <dan@example.net>")])
    assert _found(store, "zoe") == ["zoe@example.fr"]  # the address, in lower case
    assert _found(store, "LEFE") == ["zoe@example.fr"]  # a word of the name, accents and case ignored
    assert _found(store, "dupre") == ["bob@example.org"]
    assert sorted(_found(store, "example.net")) == ["carol@example.net", "dan@example.net"]  # the domain
    assert _found(store, "me@") == []  # the sender of the person's own mail is not someone they write to
    assert _found(store, "") == []
    with store.open_reader() as reader:
        bob = reader.known_addresses("bob")[0]
    assert (bob.name, bob.sent, bob.received) == ("Dupré, Bob", 1, 0)


def test_written_to_ranks_above_heard_from_and_recent_above_old(store: MailStore) -> None:
    now = 1_700_000_000
    store.add_messages("INBOX", [make_summary(uid, from_addr="anna@news.example", date=now - 86400)
                                 for uid in range(1, 3)])
    store.add_messages("Sent", [make_summary(1, to="annie@friends.example", date=now - 86400)])
    store.add_messages("INBOX", [make_summary(uid, from_addr="ann.old@example.com", date=now - 900 * 86400)
                                 for uid in range(10, 20)])
    with store.open_reader() as reader:
        ranked = reader.known_addresses("ann", now=now)
        first = [person.address for person in reader.known_addresses("ann", 1, now=now)]
    # One message written to Annie outweighs two received from Anna; ten from long ago weigh least.
    assert [person.address for person in ranked] == ["annie@friends.example", "anna@news.example",
                                                     "ann.old@example.com"]
    assert first == ["annie@friends.example"]


def test_moves_removals_and_folder_resets_keep_the_counts_right(store: MailStore) -> None:
    store.upsert_folders([((), "/", "Archive"), ((b"\\Trash",), "/", "Trash")])
    store.add_messages("INBOX", [make_summary(uid, from_addr="bea@example.com") for uid in (1, 2, 3)])
    store.add_messages("INBOX", [make_summary(1, from_addr="bea@example.com", subject="again")])  # an update

    def received() -> int:
        with store.open_reader() as reader:
            return reader.known_addresses("bea")[0].received

    assert received() == 3
    # A move is a removal here and an arrival there: still three messages.
    store.remove_messages("INBOX", [1])
    store.add_messages("Archive", [make_summary(7, from_addr="bea@example.com")])
    assert received() == 3
    # The Trash counts for nobody.
    store.remove_messages("INBOX", [2])
    store.add_messages("Trash", [make_summary(8, from_addr="bea@example.com")])
    assert received() == 2
    store.reset_folder("Archive", 99)
    assert received() == 1
    store.remove_folder("INBOX")
    assert _found(store, "bea") == []  # nobody left to write to is offered


def test_sending_offers_the_address_at_once_and_the_sent_copy_counts_once(store: MailStore) -> None:
    store.note_written_to([("Éric Neuf", "eric@new.example")], when=1_700_000_000)
    with store.open_reader() as reader:
        eric = reader.known_addresses("neuf")[0]
    assert (eric.address, eric.name, eric.sent) == ("eric@new.example", "Éric Neuf", 0)
    store.add_messages("Sent", [make_summary(3, to="Éric Neuf <eric@new.example>")])
    with store.open_reader() as reader:
        assert reader.known_addresses("eric")[0].sent == 1


def test_a_store_from_before_the_index_is_backfilled_in_slices(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    # As the step before address completion's left it, whatever steps came later.
    before = next(step for step, statements in enumerate(schema.MIGRATIONS)
                  if any("CREATE TABLE addresses" in statement for statement in statements))
    schema.migrate(conn, target=before)
    conn.close()
    # Written by this version's code they would be indexed: write the rows as that step knew them instead.
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("INSERT INTO folders (id, name, special_use) VALUES (1, 'INBOX', 'inbox'), (2, 'Sent', 'sent')")
    for uid in range(1, 8):
        conn.execute("INSERT INTO messages (id, folder_id, date, from_name, from_addr) VALUES (?, 1, ?, ?, ?)",
                     ((1 << 32) | uid, 1_700_000_000 + uid, "Old Friend", "old@example.com"))
    conn.execute("INSERT INTO messages (id, folder_id, date, to_addrs) VALUES (?, 2, 1700000000, ?)",
                 ((2 << 32) | 1, "Pen Pal <pal@example.org>, old@example.com"))
    conn.close()
    with MailStore(path) as store:
        assert _found(store, "old") == []
        slices = 1
        while store.backfill_addresses(limit=3):
            slices += 1
        assert slices >= 3
        assert not store.backfill_addresses()
        with store.open_reader() as reader:
            old = reader.known_addresses("old")[0]
            assert (old.received, old.sent) == (7, 1)
            assert [person.address for person in reader.known_addresses("pen")] == ["pal@example.org"]
        # A second pass (or a message synced meanwhile) never counts a message twice.
        store.add_messages("INBOX", [make_summary(9, from_addr="old@example.com")])
        with store.open_reader() as reader:
            assert reader.known_addresses("old")[0].received == 8


def test_the_prefix_query_reads_the_word_index(store: MailStore) -> None:
    plan = " ".join(str(row) for row in store._conn.execute(
        "EXPLAIN QUERY PLAN SELECT address_id FROM address_words WHERE word >= 'a' AND word < 'b'"))
    assert "USING PRIMARY KEY" in plan or "USING COVERING INDEX" in plan
