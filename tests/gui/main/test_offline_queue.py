"""What the person did offline reaches the server before any sync reads it back, on the push (IDLE) path too."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from connectors import create_connector
from connectors.exceptions import ConnectionError
from connectors.messaging.imap import IMAPConnector
from connectors.store import MailStore, MessagesAdded, StoreEvent
from connectors.sync import SyncEngine
from gui.workers.account_session import AccountSession
from gui.workers.store_relay import StoreEventRelay
from tests.conftest import ALICE, make_message
from tests.gui.main.conftest import alice_account
from tests.gui.main.test_main_window import server_flags


class Link:
    """A connection factory that can be switched off, as a network going away."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.online = True

    def __call__(self) -> IMAPConnector:
        if not self.online:
            raise ConnectionError("The network is down (test)", self.config["host"], self.config["port"])
        imap: IMAPConnector = create_connector("imap", self.config)
        imap.connect()
        return imap


def test_a_push_sync_sends_what_was_done_offline_first(tmp_path: Path, dovecot: Any, smtp_server: Any, ca: Any,
                                                       imap_config: dict[str, Any], qtbot: Any) -> None:
    dovecot.seed(ALICE, "INBOX", [make_message("Star me"), make_message("File me"), make_message("Leave me")])
    store = MailStore(tmp_path / "store.sqlite3")
    link = Link(imap_config)
    engine = SyncEngine(store, link)
    engine.sync_all()
    engine.close()
    star, file_away, leave = store.uids("INBOX")
    link.online = False  # offline, the person stars one message and files another
    engine.set_flags("INBOX", [star], add=["\\Flagged"])
    engine.move_messages("INBOX", [file_away], "Archive")
    assert len(store.pending()) == 2
    dovecot.seed(ALICE, "INBOX", [make_message("Just arrived")])  # what IDLE will report

    added: list[int] = []
    lock = threading.Lock()

    def record(event: StoreEvent) -> None:
        if isinstance(event, MessagesAdded) and event.folder == "INBOX":
            with lock:
                added.extend(event.uids)

    store.subscribe(record)
    link.online = True
    session = AccountSession(alice_account(dovecot, smtp_server.port, ca), StoreEventRelay(), store=store,
                             connect=link, push=True)
    session.worker.start()
    reader = session.reader
    try:
        assert session.idle is not None
        session.idle.changed.emit()  # IDLE saw a change in INBOX: the session asks for a sync of it
        qtbot.waitUntil(lambda: "Just arrived" in {s.subject for s in reader.summaries("INBOX")}, timeout=10000)
        assert reader.uids("INBOX") == [star, leave, max(reader.uids("INBOX"))]
        starred = reader.summary("INBOX", star)
        assert starred is not None and starred.flagged
    finally:
        session.stop()
    with lock:
        assert file_away not in added  # the filed message never came back, not even for a moment
    assert "\\Flagged" in server_flags(dovecot, "INBOX")["Star me"]
    assert "File me" in server_flags(dovecot, "Archive") and "File me" not in server_flags(dovecot, "INBOX")


def test_a_command_whose_messages_are_gone_after_a_rebuild_is_dropped_with_a_notice(
        tmp_path: Path, make_window: Any, account_store: Any, dovecot: Any, imap_config: dict[str, Any],
        qtbot: Any) -> None:
    folder = "Rebuilt"
    dovecot.seed(ALICE, folder, [make_message("First life")])
    account = account_store.accounts[0]
    with MailStore(tmp_path / "stores" / account.id / "store.sqlite3") as store:  # the window's store, earlier
        link = Link(imap_config)
        engine = SyncEngine(store, link)
        engine.sync_all()
        engine.close()
        link.online = False
        engine.set_flags(folder, [1], add=["\\Flagged"])  # starred offline
        assert len(store.pending()) == 1
    client = dovecot.client(ALICE)  # meanwhile the folder is rebuilt: UID 1 is another message now
    client.delete_folder(folder)
    client.logout()
    dovecot.seed(ALICE, folder, [make_message("Second life")])

    window = make_window()
    qtbot.waitUntil(lambda: any("left unchanged" in n.title for n in window.notifications.notices()), timeout=15000)
    notice = next(n for n in window.notifications.notices() if "left unchanged" in n.title)
    assert folder in notice.title and notice.kind == "warning" and "rebuilt" in notice.text
    assert server_flags(dovecot, folder) == {"Second life": set()}  # the new UID 1 was not starred in its place
