"""Syncing a Gmail account (the loopback Gmail emulation, tests/servers/gmail_imap.py): labels, threads, X-GM-RAW."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from connectors import create_connector
from connectors.messaging.imap import IMAPConnector
from connectors.store import MailStore
from connectors.sync import SyncEngine
from tests.conftest import make_message

USER, APP_PASSWORD = "someone@gmail.com", "abcd efgh ijkl mnop"


def test_gmail_labels_threads_and_server_search(ca: Any, tmp_path: Path) -> None:
    from tests.servers.gmail_imap import FakeGmailIMAP

    with FakeGmailIMAP(ca, passwords={USER: APP_PASSWORD}) as gmail:
        gmail.add_message(USER, make_message("Plan", to=USER), labels=("\\Inbox", "Projets/Été"), thread_id=77)
        gmail.add_message(USER, make_message("Re: Plan", to=USER), labels=("\\Inbox",), thread_id=77)
        gmail.add_message(USER, make_message("Invoice", to=USER, extra_headers="X-Kind: bill\r\n"),
                          labels=("\\Inbox", "\\Important"))

        def connect() -> IMAPConnector:
            imap: IMAPConnector = create_connector("gmail_imap", {
                "username": USER, "password": APP_PASSWORD, "host": "127.0.0.1", "port": gmail.port,
                "ca_file": str(ca.cert_path)})
            imap.connect()
            return imap

        with MailStore(tmp_path / "gmail.sqlite3") as store:
            engine = SyncEngine(store, connect)
            engine.sync_all()
            folders = {f.name: f for f in store.folders()}
            assert folders["[Gmail]/All Mail"].special_use == "all"
            assert folders["Projets/Été"].total == 1
            inbox = {s.subject: s for s in store.summaries("INBOX")}
            assert inbox["Plan"].gm_thrid == inbox["Re: Plan"].gm_thrid == 77
            assert inbox["Plan"].thread_key == inbox["Re: Plan"].thread_key
            assert "Projets/Été" in inbox["Plan"].gm_labels
            found = engine.search_server("INBOX", ["X-GM-RAW", "is:important"])
            assert [store.summary("INBOX", uid).subject for uid in found] == ["Invoice"]  # type: ignore[union-attr]
            engine.close()
