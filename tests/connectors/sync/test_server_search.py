"""Searching on the server for what the local store cannot find: the search box's language as IMAP SEARCH (and
X-GM-RAW on Gmail), run by the engine, which stores the summaries of matches it did not hold."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors import create_connector
from connectors.messaging.imap import IMAPConnector
from connectors.store import MailStore, SearchQueryError
from connectors.sync import SyncEngine
from connectors.sync.server_search import server_criteria
from tests.conftest import ALICE, make_message
from tests.servers.dovecot import DovecotServer


@pytest.mark.parametrize(
    ("query", "imap", "gmail"),
    [
        ("budget", ["TEXT", "budget"], ["X-GM-RAW", "budget"]),
        ('"status update" -draft', ["TEXT", "status update", "NOT", "TEXT", "draft"],
         ["X-GM-RAW", '"status update" -draft']),
        ("from:alice subject:plan body:zanzibar", ["FROM", "alice", "SUBJECT", "plan", "BODY", "zanzibar"],
         ["X-GM-RAW", "from:alice subject:plan zanzibar"]),
        ("to:bob", ["OR", "TO", "bob", "CC", "bob"], ["X-GM-RAW", "{to:bob cc:bob}"]),
        ("is:unread -is:flagged is:answered", ["UNSEEN", "NOT", "FLAGGED", "ANSWERED"],
         ["UNSEEN", "NOT", "FLAGGED", "ANSWERED"]),
        ("has:attachment report", ["HEADER", "Content-Type", "multipart/mixed", "TEXT", "report"],
         ["X-GM-RAW", "has:attachment report"]),
        ("after:2024-01 before:2024/03/15", ["SENTSINCE", dt.date(2024, 1, 1), "SENTBEFORE", dt.date(2024, 3, 15)],
         ["X-GM-RAW", "after:2024/01/01 before:2024/03/15"]),
        ("invoice is:unread", ["TEXT", "invoice", "UNSEEN"], ["X-GM-RAW", "invoice", "UNSEEN"]),
        ("in:inbox", [], []),
        ("", [], []),
    ],
)
def test_server_criteria(query: str, imap: list[Any], gmail: list[Any]) -> None:
    assert server_criteria(query, gmail=False) == imap
    assert server_criteria(query, gmail=True) == gmail


def test_server_criteria_refuses_what_the_local_search_refuses() -> None:
    for bad in ("is:purple", "after:soon"):
        with pytest.raises(SearchQueryError):
            server_criteria(bad, gmail=False)


@pytest.fixture
def engine(tmp_path: Path, imap_config: dict[str, Any]) -> Iterator[SyncEngine]:
    def connect() -> IMAPConnector:
        imap: IMAPConnector = create_connector("imap", imap_config)
        imap.connect()
        return imap

    with MailStore(tmp_path / "store.sqlite3") as store:
        sync = SyncEngine(store, connect)
        yield sync
        sync.close()


def test_server_search_finds_bodies_never_downloaded_and_mail_not_synced(dovecot: DovecotServer,
                                                                         engine: SyncEngine) -> None:
    dovecot.seed(ALICE, "INBOX", [
        make_message("Trip", body="The ferry to Zanzibar leaves at nine.", sender="carol@example.test"),
        make_message("Lunch", body="Soup?"),
    ])
    engine.sync_folder("INBOX")
    store = engine.store
    assert store.search("zanzibar", "INBOX") == []  # only headers are here: the body was never downloaded

    (trip,) = engine.search_server_for("INBOX", "zanzibar")
    assert store.summary("INBOX", trip).subject == "Trip"  # type: ignore[union-attr]

    # Mail that arrived after the last sync: found, and its summary stored so the list can show it.
    dovecot.seed(ALICE, "INBOX", [make_message("Ferry times", body="Zanzibar: 9:00, 15:00")])
    found = engine.search_server_for("INBOX", "zanzibar")
    assert len(found) == 2 and found[1] == trip and found[0] > trip  # newest first
    assert store.summary("INBOX", found[0]).subject == "Ferry times"  # type: ignore[union-attr]

    # The translated keys are ones a real server accepts, negations and dates included.
    assert engine.search_server_for("INBOX", "from:carol -is:read after:2026-11 before:2026-12") == [trip]
    assert engine.search_server_for("INBOX", "zanzibar", limit=1) == found[:1]
    assert engine.search_server_for("INBOX", "in:inbox") == []


def test_gmail_server_search_goes_through_x_gm_raw(ca: Any, tmp_path: Path) -> None:
    from tests.servers.gmail_imap import FakeGmailIMAP

    user, password = "someone@gmail.com", "abcd efgh ijkl mnop"
    with FakeGmailIMAP(ca, passwords={user: password}) as gmail:
        gmail.add_message(user, make_message("Invoice", to=user, body="Your invoice for November"),
                          labels=("\\Inbox",))
        gmail.add_message(user, make_message("Plan", to=user, body="Meet on Monday"), labels=("\\Inbox",))

        def connect() -> IMAPConnector:
            imap: IMAPConnector = create_connector("gmail_imap", {
                "username": user, "password": password, "host": "127.0.0.1", "port": gmail.port,
                "ca_file": str(ca.cert_path)})
            imap.connect()
            return imap

        with MailStore(tmp_path / "gmail.sqlite3") as store:
            engine = SyncEngine(store, connect)
            try:
                found = engine.search_server_for("INBOX", "invoice is:unread")
                assert [store.summary("INBOX", uid).subject for uid in found] == ["Invoice"]  # type: ignore[union-attr]
                # Gmail's search matches whole words, where IMAP's TEXT would find "voic" inside "invoice".
                assert engine.search_server_for("INBOX", "voic") == []
            finally:
                engine.close()
