"""Gmail stores each message once (issue 13.3): All Mail is synchronised, labels' folders are views of it.

On the loopback Gmail emulation (tests/servers/gmail_imap.py), whose ``downloads`` log names every FETCH answer
that carried a message's content, by folder and X-GM-MSGID.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors import create_connector
from connectors.exceptions import ConnectionError
from connectors.messaging.imap import IMAPConnector
from connectors.store import MailStore
from connectors.sync import SyncEngine
from tests.conftest import make_message

USER, APP_PASSWORD = "someone@gmail.com", "abcd efgh ijkl mnop"
ALL_MAIL, TRASH = "[Gmail]/All Mail", "[Gmail]/Trash"


class Link:
    """Connected Gmail connectors, or the network gone."""

    def __init__(self, gmail: Any, ca: Any) -> None:
        self.config = {"username": USER, "password": APP_PASSWORD, "host": "127.0.0.1", "port": gmail.port,
                       "ca_file": str(ca.cert_path)}
        self.online = True

    def __call__(self) -> IMAPConnector:
        if not self.online:
            raise ConnectionError("The network is down (test)", "127.0.0.1", self.config["port"])
        imap: IMAPConnector = create_connector("gmail_imap", self.config)
        imap.connect()
        return imap


@pytest.fixture
def gmail(ca: Any) -> Iterator[Any]:
    from tests.servers.gmail_imap import FakeGmailIMAP

    with FakeGmailIMAP(ca, passwords={USER: APP_PASSWORD}) as server:
        yield server


@pytest.fixture
def link(gmail: Any, ca: Any) -> Link:
    return Link(gmail, ca)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MailStore]:
    with MailStore(tmp_path / "gmail.sqlite3") as opened:
        yield opened


@pytest.fixture
def engine(store: MailStore, link: Link) -> Iterator[SyncEngine]:
    sync = SyncEngine(store, link)
    yield sync
    sync.close()


def subjects(store: MailStore, folder: str) -> dict[str, int]:
    return {summary.subject: summary.uid for summary in store.summaries(folder)}


def seed(gmail: Any) -> dict[str, int]:
    """Three messages: one with three labels (INBOX and two of the person's), one in a label only, one sent."""
    return {
        "Plan": gmail.add_message(USER, make_message("Plan", to=USER, body="Plan body"),
                                  labels=("\\Inbox", "Projets/Été", "Clients")),
        "Receipt": gmail.add_message(USER, make_message("Receipt", to=USER), labels=("Receipts",)),
        "Hello": gmail.add_message(USER, make_message("Hello", sender=USER, to="friend@example.test"),
                                   labels=("\\Sent",), flags=("\\Seen",)),
    }


def test_a_message_with_three_labels_is_downloaded_once_and_listed_under_each(
        gmail: Any, engine: SyncEngine, store: MailStore) -> None:
    ids = seed(gmail)
    engine.sync_all()
    downloads = Counter(msgid for _folder, msgid, _size in gmail.downloads)
    assert downloads == Counter(ids.values())  # each message once, whatever its labels
    assert {folder for folder, _msgid, _size in gmail.downloads} == {ALL_MAIL}
    uid = subjects(store, ALL_MAIL)["Plan"]
    for folder in ("INBOX", "Projets/Été", "Clients"):
        assert subjects(store, folder) == {"Plan": uid}
        assert (store.folder(folder).total, store.folder(folder).unread) == (1, 1)  # type: ignore[union-attr]
    assert subjects(store, "Receipts") == {"Receipt": subjects(store, ALL_MAIL)["Receipt"]}
    assert subjects(store, "[Gmail]/Sent Mail") == {"Hello": subjects(store, ALL_MAIL)["Hello"]}
    assert store.folder("[Gmail]/Sent Mail").unread == 0  # type: ignore[union-attr]
    assert store.folder("INBOX").gmail_label == "\\Inbox"  # type: ignore[union-attr]
    assert store.folder(ALL_MAIL).gmail_label is None  # type: ignore[union-attr]
    assert store.folder(TRASH).gmail_label is None  # type: ignore[union-attr]

    # Read in one label: read in all of them, on the server too.
    engine.set_flags("Clients", [uid], add=["\\Seen"])
    assert [store.folder(f).unread for f in ("INBOX", "Projets/Été", "Clients", ALL_MAIL)] == [0, 0, 0, 1]  # type: ignore[union-attr]
    assert "\\Seen" in gmail.flags_of(USER, ids["Plan"])

    # A second sync downloads nothing more.
    before = len(gmail.downloads)
    engine.sync_all()
    assert len(gmail.downloads) == before


def test_a_body_downloaded_once_serves_every_label(gmail: Any, engine: SyncEngine, store: MailStore) -> None:
    ids = seed(gmail)
    engine.sync_all()
    uid = subjects(store, "INBOX")["Plan"]
    before = len(gmail.downloads)
    raw = engine.fetch_body("Projets/Été", uid)
    assert b"Plan body" in raw
    assert [msgid for _f, msgid, _s in gmail.downloads[before:]] == [ids["Plan"]]
    assert engine.fetch_body("INBOX", uid) == raw
    assert store.body("Clients", uid) == raw == store.body(ALL_MAIL, uid)
    assert len(gmail.downloads) == before + 1
    # Its words are found from every label it has, and from no other.
    for folder in ("INBOX", "Clients", ALL_MAIL):
        assert [s.subject for s in store.search("body", folder)] == ["Plan"]
        assert store.search("body", folder)[0].folder == folder
    assert store.search("body", "Receipts") == []


def test_label_changes_and_new_mail_made_elsewhere_show_after_a_sync(
        gmail: Any, engine: SyncEngine, store: MailStore) -> None:
    ids = seed(gmail)
    engine.sync_all()
    before = len(gmail.downloads)
    with gmail.lock:  # in Gmail's web page: Plan archived and labelled "Later", Receipt starred
        mailbox = gmail.mailbox(USER)
        plan = mailbox.messages[ids["Plan"]]
        mailbox.remove_label(plan, "\\Inbox")
        mailbox.add_label(plan, "Later")
        mailbox.messages[ids["Receipt"]].flags.add("\\Flagged")
        mailbox.commit()
    new = gmail.add_message(USER, make_message("Filtered", to=USER), labels=("Receipts",))  # skips the inbox
    engine.sync_all()
    assert subjects(store, "INBOX") == {}
    assert set(subjects(store, "Later")) == {"Plan"}
    assert set(subjects(store, "Receipts")) == {"Receipt", "Filtered"}
    assert set(subjects(store, "[Gmail]/Starred")) == {"Receipt"}
    assert [msgid for _f, msgid, _s in gmail.downloads[before:]] == [new]

    # What IDLE on the inbox asks for (a sync of INBOX) brings mail in every label.
    later = gmail.add_message(USER, make_message("Also later", to=USER), labels=("Later",))
    engine.sync_folder("INBOX")
    assert set(subjects(store, "Later")) == {"Plan", "Also later"}
    assert [msgid for _f, msgid, _s in gmail.downloads[before:]] == [new, later]


def test_archiving_moving_and_deleting_from_a_label_as_gmail_does(
        gmail: Any, engine: SyncEngine, store: MailStore) -> None:
    ids = seed(gmail)
    engine.sync_all()
    uid = subjects(store, "INBOX")["Plan"]

    engine.move_messages("INBOX", [uid], ALL_MAIL)  # Archive: the message keeps its other labels
    assert gmail.labels_of(USER, ids["Plan"]) == {"Projets/Été", "Clients"}
    assert subjects(store, "INBOX") == {} and "Plan" in subjects(store, "Clients")

    engine.create_folder("Later")  # a new label's folder is a view at once
    assert store.folder("Later").gmail_label == "Later"  # type: ignore[union-attr]
    engine.move_messages("Projets/Été", [uid], "Later")  # a move between labels: one label for another
    assert gmail.labels_of(USER, ids["Plan"]) == {"Later", "Clients"}
    assert subjects(store, "Projets/Été") == {}
    assert subjects(store, "Later") == {"Plan": uid} and subjects(store, "Clients") == {"Plan": uid}
    engine.sync_all()
    assert subjects(store, "Later") == {"Plan": uid} and subjects(store, "Projets/Été") == {}

    engine.undo(engine.last_queued)  # type: ignore[arg-type]
    assert gmail.labels_of(USER, ids["Plan"]) == {"Projets/Été", "Clients"}
    assert subjects(store, "Projets/Été") == {"Plan": uid} and subjects(store, "Later") == {}

    engine.move_messages("Clients", [uid], "[Gmail]/Starred")
    assert gmail.labels_of(USER, ids["Plan"]) == {"Projets/Été", "\\Starred"}
    assert "\\Flagged" in gmail.flags_of(USER, ids["Plan"])
    assert subjects(store, "[Gmail]/Starred") == {"Plan": uid}

    engine.delete_messages("Projets/Été", [uid])  # deleted from a label: the message goes to the Trash
    assert ids["Plan"] in gmail.messages_in(USER, TRASH)
    assert ids["Plan"] not in gmail.messages_in(USER, ALL_MAIL)
    assert all("Plan" not in subjects(store, f) for f in (ALL_MAIL, "Projets/Été", "[Gmail]/Starred"))
    engine.sync_all()
    assert set(subjects(store, TRASH)) == {"Plan"}
    assert subjects(store, "Projets/Été") == {}

    engine.move_messages(TRASH, [subjects(store, TRASH)["Plan"]], "INBOX")  # out of the Trash, labels and all
    engine.sync_all()
    assert subjects(store, TRASH) == {}
    assert set(subjects(store, "INBOX")) == set(subjects(store, "Projets/Été")) == {"Plan"}

    uid = subjects(store, "INBOX")["Plan"]
    engine.delete_messages("INBOX", [uid])
    engine.undo(engine.last_queued)  # type: ignore[arg-type]  # back from the Trash, with its labels
    assert ids["Plan"] in gmail.messages_in(USER, ALL_MAIL)
    assert gmail.labels_of(USER, ids["Plan"]) == {"\\Inbox", "Projets/Été", "\\Starred"}
    assert set(subjects(store, "INBOX")) == set(subjects(store, "[Gmail]/Starred")) == {"Plan"}
    engine.sync_all()
    assert subjects(store, TRASH) == {} and set(subjects(store, "Projets/Été")) == {"Plan"}


def test_offline_flags_and_label_changes_replay(gmail: Any, link: Link, engine: SyncEngine,
                                                store: MailStore) -> None:
    ids = seed(gmail)
    engine.sync_all()
    uid = subjects(store, "INBOX")["Plan"]
    engine.close()
    link.online = False
    engine.set_flags("Projets/Été", [uid], add=["\\Seen", "\\Flagged"])
    engine.move_messages("INBOX", [uid], "Receipts")
    assert len(store.pending()) == 2
    assert subjects(store, "INBOX") == {} and set(subjects(store, "Receipts")) == {"Plan", "Receipt"}
    assert store.folder("Clients").unread == 0  # type: ignore[union-attr]
    assert subjects(store, "[Gmail]/Starred") == {"Plan": uid}
    assert gmail.labels_of(USER, ids["Plan"]) == {"\\Inbox", "Projets/Été", "Clients"}
    link.online = True
    engine.sync_all()
    assert store.pending() == []
    assert gmail.labels_of(USER, ids["Plan"]) == {"Receipts", "Projets/Été", "Clients", "\\Starred"}
    assert {"\\Seen", "\\Flagged"} <= gmail.flags_of(USER, ids["Plan"])
    assert subjects(store, "INBOX") == {} and set(subjects(store, "Receipts")) == {"Plan", "Receipt"}


def test_a_new_uidvalidity_of_all_mail_rebuilds_every_label(gmail: Any, engine: SyncEngine, store: MailStore) -> None:
    from tests.servers.gmail_store import ALL_MAIL as KEY
    from tests.servers.gmail_store import FolderState

    seed(gmail)
    engine.sync_all()
    old = subjects(store, "Clients")["Plan"]
    with gmail.lock:
        mailbox = gmail.mailbox(USER)
        mailbox.folders[KEY] = FolderState(uidvalidity=999, next_uid=500)
        mailbox.commit()
    engine.sync_all()
    assert store.folder(ALL_MAIL).uidvalidity == 999  # type: ignore[union-attr]
    new = subjects(store, ALL_MAIL)["Plan"]
    assert new >= 500 != old
    for folder in ("INBOX", "Projets/Été", "Clients"):
        assert subjects(store, folder) == {"Plan": new}
    assert store.folder("INBOX").total == 1  # type: ignore[union-attr]


def test_an_older_store_becomes_views_keeping_bodies_and_queued_commands(
        gmail: Any, link: Link, tmp_path: Path) -> None:
    ids = seed(gmail)
    path = tmp_path / "older.sqlite3"
    with MailStore(path) as store:
        older = SyncEngine(store, link, gmail_views=False)  # every label synchronised as a folder, as before
        older.sync_all()
        label_uid = subjects(store, "Clients")["Plan"]
        assert store.folder("Clients").uidvalidity != store.folder(ALL_MAIL).uidvalidity  # type: ignore[union-attr]
        assert len(gmail.downloads) == 8  # Plan 4 times (All Mail, INBOX, 2 labels), the others twice
        raw = older.fetch_body("Clients", label_uid)  # cached on the label's own row
        assert store.body(ALL_MAIL, subjects(store, ALL_MAIL)["Plan"]) is None
        older.close()
        link.online = False
        older.set_flags("Clients", [label_uid], add=["\\Flagged"])  # queued offline, on the label's own UIDs
    # The file as schema version 7 (before labels became views) left it.
    conn = sqlite3.connect(path, isolation_level=None)
    for column in ("view_of", "gmail_label"):
        conn.execute(f"ALTER TABLE folders DROP COLUMN {column}")
    conn.execute("PRAGMA user_version = 7")
    conn.close()
    link.online = True

    before = len(gmail.downloads)
    with MailStore(path) as store:
        assert len(store.pending()) == 1 and store.folder("Clients").total == 1  # type: ignore[union-attr]
        engine = SyncEngine(store, link)
        try:
            engine.sync_all()
            assert store.pending() == []
            assert "\\Flagged" in gmail.flags_of(USER, ids["Plan"])
            uid = subjects(store, ALL_MAIL)["Plan"]
            for folder in ("INBOX", "Projets/Été", "Clients", "[Gmail]/Starred"):
                assert subjects(store, folder) == {"Plan": uid}, folder
                assert store.body(folder, uid) == raw
            assert store.folder("Clients").total == 1  # type: ignore[union-attr]
            assert set(subjects(store, "[Gmail]/Sent Mail")) == {"Hello"}
            assert len(gmail.downloads) == before  # nothing downloaded again
            assert [s.subject for s in store.search("body", "Clients")] == ["Plan"]
            rows = store._conn.execute("SELECT count(*) FROM messages").fetchone()[0]
            assert rows == 3 + 1 + 2 + 1 + 1 + 1  # All Mail, INBOX, 2 labels, Receipts, Sent, Starred
            # Each message counted once for completion: the labels' own rows went, All Mail counts them.
            assert _counts(store, "sender") == {"sender@example.test": (0, 2)}
            assert _counts(store, "friend") == {"friend@example.test": (1, 0)}
        finally:
            engine.close()


def test_across_folders_a_message_with_labels_is_found_once(gmail: Any, engine: SyncEngine, store: MailStore) -> None:
    """Issue 13.3: a search in every folder finds a message once, on its All Mail row (as Gmail's own search does),
    however many labels' views repeat it; a search in a label's folder still lists it there."""
    ids = seed(gmail)
    engine.sync_all()
    uid = subjects(store, ALL_MAIL)["Plan"]
    engine.fetch_body("Clients", uid)  # its body words are indexed on the All Mail row
    for query in ("plan", "Plan body", "body", "from:sender", "subject:plan", "plan is:unread", "after:2026",
                  "is:unread", "-is:flagged plan"):
        found = [(s.subject, s.folder, s.uid) for s in store.search(query)]
        assert found.count(("Plan", ALL_MAIL, uid)) == 1, query
        assert [subject for subject, _folder, _uid in found].count("Plan") == 1, query
    assert sorted(s.subject for s in store.search("is:unread")) == ["Plan", "Receipt"]
    assert sorted(s.subject for s in store.search("after:2026")) == ["Hello", "Plan", "Receipt"]
    # in: a label's folder finds its messages by their label, once; -in: leaves them out.
    for label in ("INBOX", "clients", "Projets/Été", "inbox"):
        assert [(s.subject, s.folder) for s in store.search(f"in:{label}")] == [("Plan", ALL_MAIL)], label
        assert [s.subject for s in store.search(f"plan in:{label}")] == ["Plan"], label
    assert [s.subject for s in store.search("in:receipts")] == ["Receipt"]
    assert [s.subject for s in store.search("in:sent")] == ["Hello"]
    assert sorted(s.subject for s in store.search("-in:inbox after:2026")) == ["Hello", "Receipt"]
    assert store.search("plan -in:clients") == []
    # In a label's folder it is listed there, under the same UID, also when in: names that folder.
    for folder in ("INBOX", "Projets/Été", "Clients"):
        assert [(s.subject, s.folder, s.uid) for s in store.search("plan", folder)] == [("Plan", folder, uid)]
        assert store.search_uids("plan", folder) == [uid]
        assert store.search_uids("is:unread", folder) == [uid]
        assert store.search_uids(f"in:{folder}", folder) == [uid]
    assert store.search("plan", "Receipts") == []
    # Acting on what the search across folders found acts on that message.
    (hit,) = store.search("plan")
    engine.set_flags(hit.folder, [hit.uid], add=["\\Flagged"])
    assert "\\Flagged" in gmail.flags_of(USER, ids["Plan"])
    assert [(s.subject, s.folder) for s in store.search("is:flagged")] == [("Plan", ALL_MAIL)]
    assert [s.uid for s in store.search("is:flagged", "[Gmail]/Starred")] == [uid]


def _counts(store: MailStore, prefix: str) -> dict[str, tuple[int, int]]:
    return {known.address: (known.sent, known.received) for known in store.known_addresses(prefix)}


def test_completion_counts_a_message_once_whatever_its_labels(gmail: Any, engine: SyncEngine,
                                                               store: MailStore) -> None:
    """Issue 13.3: the address index counts each Gmail message once (on its All Mail row, by its labels), so a
    correspondent whose one message has three labels does not outrank one with two messages."""
    seed(gmail)  # from sender@example.test: Plan with three labels, Receipt with one; Hello to friend@example.test
    for number in (1, 2, 3):
        gmail.add_message(USER, make_message(f"Note {number}", sender="sage@example.test", to=USER),
                          labels=("\\Inbox",))
    gmail.add_message(USER, make_message("Archived", sender="old@example.test", to=USER), labels=())
    gmail.add_message(USER, make_message("Unsent", sender=USER, to="draft@example.test"), labels=("\\Draft",))
    engine.sync_all()
    assert _counts(store, "sender") == {"sender@example.test": (0, 2)}  # not 4 (Plan once per label)
    assert _counts(store, "sage") == {"sage@example.test": (0, 3)}
    assert _counts(store, "friend") == {"friend@example.test": (1, 0)}
    assert _counts(store, "old") == {"old@example.test": (0, 1)}  # archived mail is kept mail
    assert _counts(store, "draft") == {}
    ranked = [known.address for known in store.known_addresses("example.test")]
    assert ranked.index("sage@example.test") < ranked.index("sender@example.test")
    # Labels come and go without counting the message again; in the Trash it counts for nobody, back again once.
    uid = subjects(store, ALL_MAIL)["Plan"]
    engine.move_messages("Clients", [uid], "Receipts")
    engine.move_messages("INBOX", [uid], ALL_MAIL)
    engine.sync_all()
    assert _counts(store, "sender") == {"sender@example.test": (0, 2)}
    engine.delete_messages("Receipts", [uid])
    engine.sync_all()
    assert _counts(store, "sender") == {"sender@example.test": (0, 1)}
    engine.move_messages(TRASH, [subjects(store, TRASH)["Plan"]], "INBOX")
    engine.sync_all()
    assert _counts(store, "sender") == {"sender@example.test": (0, 2)}


def test_an_older_view_store_counts_its_messages_again_once(gmail: Any, link: Link, tmp_path: Path) -> None:
    """A store whose views were made before step 11 counted a message once per label: the step takes the views'
    links away and the background backfill counts All Mail once."""
    from connectors.store import addresses

    seed(gmail)
    path = tmp_path / "views.sqlite3"
    with MailStore(path) as store:
        engine = SyncEngine(store, link)
        engine.sync_all()
        engine.close()
    # As the views of step 10 counted them: each view's rows by the view's folder, All Mail's for nobody.
    conn = sqlite3.connect(path, isolation_level=None)
    all_mail_id = conn.execute("SELECT id FROM folders WHERE name = ?", (ALL_MAIL,)).fetchone()[0]
    conn.execute("BEGIN")
    conn.execute("DELETE FROM address_links WHERE message >> 32 = ?", (all_mail_id,))
    columns = addresses.INSERT_COLUMNS
    for view_id, use in conn.execute("SELECT id, special_use FROM folders WHERE view_of IS NOT NULL").fetchall():
        if use in ("flagged", "important", "drafts"):
            continue
        rows = conn.execute(f"SELECT {columns} FROM messages WHERE folder_id = ?", (view_id,)).fetchall()
        addresses.index_messages(conn, "sent" if use == "sent" else "received", rows)
    conn.execute("PRAGMA user_version = 10")
    conn.execute("COMMIT")
    assert conn.execute("SELECT received FROM addresses WHERE address = 'sender@example.test'").fetchone() == (4,)
    conn.close()
    with MailStore(path) as store:
        assert _counts(store, "sender") == {}  # the views' links went; All Mail is counted in the background
        while store.backfill_addresses(limit=1):
            pass
        assert _counts(store, "sender") == {"sender@example.test": (0, 2)}
        assert _counts(store, "friend") == {"friend@example.test": (1, 0)}
