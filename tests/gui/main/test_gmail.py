"""A Gmail account in the main window (on the loopback Gmail emulation): labels appear as folders, each message is
downloaded once (labels are views of All Mail), and IDLE brings new mail in any label."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from connectors.outbox import DraftStore, Outbox
from connectors.store import MailStore
from gui.accounts import Account, AccountStore, ServerSettings
from gui.models.roles import Roles
from gui.secrets import KeyringCredentials, delete_secrets, store_secret
from gui.settings import UiSettings
from gui.workers.account_session import AccountSession
from tests.conftest import make_message

USER, APP_PASSWORD = "someone@gmail.com", "abcd efgh ijkl mnop"


def gmail_window(gmail: Any, ca: Any, tmp_path: Path, qtbot: Any, *, push: bool) -> tuple[Any, Account]:
    """A window with the emulator's Gmail account (app password in the real keyring; the caller deletes it),
    its stores in tmp_path."""
    from gui.composer import Postbox
    from gui.main_window import MainWindow

    store = AccountStore(tmp_path / "accounts.json")
    account = Account(email=USER, provider="gmail", name="Gmail",
                      imap=ServerSettings("127.0.0.1", gmail.port, "ssl", USER),
                      smtp=ServerSettings("127.0.0.1", 1, "ssl", USER), ca_file=str(ca.cert_path))
    store.add(account)
    store_secret(account.id, "password", APP_PASSWORD)

    def session(account: Account, relay: Any) -> AccountSession:
        return AccountSession(account, relay, store=MailStore(tmp_path / "gmail.sqlite3"),
                              credentials=KeyringCredentials(account), push=push)

    postbox = Postbox(store, outbox=Outbox(tmp_path / "outbox.sqlite3"), drafts=DraftStore(tmp_path / "drafts.sqlite3"))
    window = MainWindow(store, settings=UiSettings(tmp_path / "ui.ini"), session_factory=session, postbox=postbox)
    qtbot.addWidget(window)
    return window, account


def test_gmail_labels_are_folders(ca: Any, tmp_path: Path, qtbot: Any) -> None:
    from tests.servers.gmail_imap import FakeGmailIMAP

    with FakeGmailIMAP(ca, passwords={USER: APP_PASSWORD}) as gmail:
        gmail.add_message(USER, make_message("Plan", to=USER), labels=("\\Inbox", "Projets/Été"), thread_id=7)
        gmail.add_message(USER, make_message("Receipt", to=USER), labels=("Receipts",))
        window, account = gmail_window(gmail, ca, tmp_path, qtbot, push=False)
        try:
            window.start()
            model = window.tree_model
            qtbot.waitUntil(lambda: model.folder_index(account.id, "Projets/Été").isValid(), timeout=10000)
            qtbot.waitUntil(lambda: model.folder_index(account.id, "Receipts").data(Roles.TOTAL_COUNT) == 1,
                            timeout=10000)
            label = model.folder_index(account.id, "Projets/Été")
            assert label.data() == "Été (1)" and label.parent().data() == "Projets"
            gmail_parent = model.folder_index(account.id, "[Gmail]/All Mail").parent()
            assert gmail_parent.data() == "[Gmail]" and not gmail_parent.data(Roles.SELECTABLE)
            assert model.folder_index(account.id, "[Gmail]/All Mail").data(Roles.SPECIAL_USE) == "all"
            first = model.index(0, 0, model.account_index(account.id))
            assert first.data(Roles.FOLDER_NAME) == "INBOX"
        finally:
            window.close()
            delete_secrets(account.id)


def test_gmail_labels_are_views_of_all_mail_with_push_and_archive(ca: Any, tmp_path: Path, qtbot: Any) -> None:
    from tests.servers.gmail_imap import FakeGmailIMAP

    with FakeGmailIMAP(ca, passwords={USER: APP_PASSWORD}) as gmail:
        plan = gmail.add_message(USER, make_message("Plan", to=USER), labels=("\\Inbox", "Projets", "Clients"))
        window, account = gmail_window(gmail, ca, tmp_path, qtbot, push=True)
        try:
            window.start()
            model = window.tree_model

            def count(folder: str) -> Any:
                index = model.folder_index(account.id, folder)
                return index.data(Roles.TOTAL_COUNT) if index.isValid() else None

            qtbot.waitUntil(lambda: (count("INBOX"), count("Projets"), count("Clients")) == (1, 1, 1), timeout=30000)
            assert model.folder_index(account.id, "Clients").data(Roles.UNREAD_COUNT) == 1
            # New mail in a label that skips the inbox is pushed (IDLE watches All Mail) and shows under it.
            session_ = window.sessions[account.id]
            qtbot.waitUntil(lambda: session_.idle is not None and session_.idle.watcher.connections > 0,
                            timeout=30000)
            gmail.add_message(USER, make_message("Invoice", to=USER), labels=("Clients",))
            qtbot.waitUntil(lambda: count("Clients") == 2, timeout=30000)
            assert count("INBOX") == 1
            # Archive from the inbox: the inbox's label goes, the others stay.
            uid = session_.reader.summaries("INBOX")[0].uid
            window.commands.archive(account.id, "INBOX", [uid])
            qtbot.waitUntil(lambda: "\\Inbox" not in gmail.labels_of(USER, plan), timeout=30000)
            qtbot.waitUntil(lambda: count("INBOX") == 0, timeout=30000)
            assert gmail.labels_of(USER, plan) == {"Projets", "Clients"}
            assert (count("Projets"), count("Clients")) == (1, 2)
            downloaded = [msgid for _folder, msgid, _size in gmail.downloads]
            assert downloaded.count(plan) == 1 and len(downloaded) == 2
        finally:
            window.close()
            delete_secrets(account.id)


def test_a_message_with_several_labels_counts_once_and_is_found_in_a_label(
        ca: Any, tmp_path: Path, qtbot: Any) -> None:
    """Issue 13.3: the views across folders count a Gmail message once, however many labels' folders list it; a
    search in a label's folder lists it there, once, and the status bar says so."""
    from gui.models.mailbox_tree import UNIFIED_ACCOUNT_ID
    from tests.servers.gmail_imap import FakeGmailIMAP

    with FakeGmailIMAP(ca, passwords={USER: APP_PASSWORD}) as gmail:
        gmail.add_message(USER, make_message("Plan", to=USER), labels=("\\Inbox", "Projets", "Clients", "\\Starred"),
                          flags=("\\Flagged",))
        gmail.add_message(USER, make_message("Receipt", to=USER), labels=("Receipts",))
        window, account = gmail_window(gmail, ca, tmp_path, qtbot, push=False)
        try:
            window.start()
            model = window.tree_model

            def counts(account_id: str, folder: str) -> Any:
                index = model.folder_index(account_id, folder)
                return (index.data(Roles.TOTAL_COUNT), index.data(Roles.UNREAD_COUNT)) if index.isValid() else None

            qtbot.waitUntil(lambda: all(counts(account.id, folder) == (1, 1)
                                        for folder in ("INBOX", "Projets", "Clients", "Receipts")), timeout=30000)
            qtbot.waitUntil(lambda: counts(UNIFIED_ACCOUNT_ID, "unread") == (2, 2), timeout=10000)
            assert counts(UNIFIED_ACCOUNT_ID, "inbox") == (1, 1)
            assert counts(UNIFIED_ACCOUNT_ID, "starred") == (1, 1)

            assert window.show_folder(account.id, "Clients")
            window.search("plan")
            messages = window.messages.model()
            qtbot.waitUntil(lambda: messages.rowCount() == 1 and not window.list_model.searching_more, timeout=10000)
            summary = messages.index(0, 0).data(Roles.SUMMARY)
            assert summary.subject == "Plan"
            all_mail = {s.subject: s.uid for s in window.sessions[account.id].reader.summaries("[Gmail]/All Mail")}
            assert summary.uid == all_mail["Plan"]
            qtbot.waitUntil(lambda: window.status.folder_counts.text().startswith("1 message"), timeout=5000)
            window.search("receipt")
            qtbot.waitUntil(lambda: messages.rowCount() == 0 and not window.list_model.searching_more, timeout=10000)
        finally:
            window.close()
            delete_secrets(account.id)
