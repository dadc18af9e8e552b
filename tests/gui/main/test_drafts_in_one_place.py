"""Drafts in one place (issue 15.8), with the keyboard, against the real Dovecot: an account's Drafts folder lists
the drafts kept here and the server's copies once each; a draft saved offline is listed at once and goes up when
the account is reachable; a draft another client wrote opens in the composer and, saved, replaces its copy; sending
a draft removes it here and on the server."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from connectors import create_connector
from connectors.exceptions import ConnectionError
from connectors.outbox import DRAFT_HEADER, DraftStore, Outbox
from connectors.outbox.server_drafts import draft_id_for
from connectors.store import MailStore
from gui.accounts import Account, AccountStore
from gui.models.message_columns import Column
from gui.models.roles import Roles
from gui.secrets import KeyringCredentials
from gui.settings import UiSettings
from gui.workers.account_session import AccountSession
from gui.workers.send_worker import AccountLink, keyring_connectors
from gui.workers.store_relay import StoreEventRelay
from tests.conftest import ALICE, BOB

PHONE_DRAFT = (
    f"From: Alice Exemple <{ALICE}>\r\nTo: {BOB}\r\nSubject: From the phone\r\n"
    "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <phone-1@example.test>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\nWritten on my phone\r\n"
).encode()


class Network:
    """The send worker's connectors, with a switch: off, the server cannot be reached."""

    def __init__(self, accounts: AccountStore) -> None:
        self._make = keyring_connectors(accounts)
        self._made: list[AccountLink] = []
        self.online = True

    def __call__(self, account_id: str) -> AccountLink | None:
        if not self.online:
            raise ConnectionError("The network is down (test)", "127.0.0.1", 9)
        link = self._make(account_id)
        if link is not None:
            self._made.append(link)
        return link

    def go_offline(self) -> None:
        """The network goes down, and the connections already open (the send worker keeps one for server drafts)
        go down with it."""
        self.online = False
        for link in self._made:
            if link.imap is not None:
                link.imap.interrupt()


def server_drafts(imap_config: dict[str, Any]) -> list[email.message.EmailMessage]:
    imap = create_connector("imap", imap_config)
    with imap.connection():
        uids = imap.search_uids("ALL", mailbox="Drafts")
        found = [imap.get_raw_message(uid, mailbox="Drafts") for uid in uids]
    return [email.message_from_bytes(raw, policy=policy.default) for raw in found]  # type: ignore[misc]


def subjects_on_server(imap_config: dict[str, Any]) -> list[str]:
    return sorted(str(m["Subject"]) for m in server_drafts(imap_config))


def listed(window: Any) -> list[tuple[str, str]]:
    model = window.local.drafts_view.model
    return [(row.subject, model.state_text(row)) for row in model.rows()]


def make_window(tmp_path: Path, qtbot: Any, accounts: AccountStore, network: Network) -> Any:
    from gui.composer import Postbox
    from gui.main_window import MainWindow

    def session(account: Account, relay: StoreEventRelay) -> AccountSession:
        store = MailStore(tmp_path / "stores" / account.id / "store.sqlite3")
        return AccountSession(account, relay, store=store, credentials=KeyringCredentials(account), push=False)

    local = tmp_path / "Local Folders"
    postbox = Postbox(accounts, outbox=Outbox(local / "outbox.sqlite3"), drafts=DraftStore(local / "drafts.sqlite3"),
                      connectors=network,
                      store_path=lambda account: tmp_path / "stores" / account.id / "store.sqlite3")
    postbox.settings.undo_seconds = 0
    window = MainWindow(accounts, settings=UiSettings(tmp_path / "ui.ini"), session_factory=session, postbox=postbox)
    qtbot.addWidget(window)
    window.show()
    window.start()
    return window


def activate(window: Any, qtbot: Any) -> None:
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)


def key(widget: Any, key_code: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(widget, key_code, modifier)


def test_drafts_are_one_list_here_and_on_the_server(tmp_path: Path, dovecot: Any, qtbot: Any, account_store: Any,
                                                    imap_config: dict[str, Any]) -> None:
    dovecot.seed(ALICE, "Drafts", [PHONE_DRAFT], flags=("\\Draft", "\\Seen"))
    network = Network(account_store)
    window = make_window(tmp_path, qtbot, account_store, network)
    session = next(iter(window.sessions.values()))
    qtbot.waitUntil(lambda: session.synced_once, timeout=20_000)

    # Offline, the person writes a draft and keeps it (Ctrl+S, then Ctrl+W: saved, so no question).
    network.go_offline()
    failed: list[str] = []
    window.local.postbox.worker.draftSaveFailed.connect(lambda _draft_id, why: failed.append(why))
    activate(window, qtbot)
    key(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(window.local.postbox.composers()) == 1, timeout=5_000)
    composer = window.local.postbox.composers()[0]
    activate(composer, qtbot)
    qtbot.keyClicks(composer.header.to_field, BOB)
    composer.header.subject_field.setFocus()
    qtbot.keyClicks(composer.header.subject_field, "Written offline")
    key(composer.header.subject_field, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "See you on Monday")
    key(composer.editor.text_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: composer._saved, timeout=5_000)  # noqa: SLF001
    qtbot.waitUntil(lambda: bool(failed), timeout=10_000)
    with qtbot.waitSignal(composer.closed, timeout=5_000):
        key(composer.editor.text_edit, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)

    # The account's Drafts folder lists it at once, with the phone's draft from the server.
    # The tree lists the folders through a queued signal after the sync: wait for the row.
    qtbot.waitUntil(lambda: window.tree.select_folder(session.account_id, "Drafts"), timeout=10_000)
    qtbot.waitUntil(lambda: sorted(listed(window)) == [
        ("From the phone", ""), ("Written offline", "On this computer, not on the server yet")], timeout=10_000)
    assert window.pages.currentWidget() is window.local.drafts_view

    # Back online: Get Messages (F5) sends it up; still one row per draft once the folder is read again.
    network.online = True
    activate(window, qtbot)
    key(window.local.drafts_view.view, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: subjects_on_server(imap_config) == ["From the phone", "Written offline"],
                    timeout=15_000)
    qtbot.waitUntil(lambda: sorted(listed(window)) == [("From the phone", ""), ("Written offline", "")],
                    timeout=15_000)
    qtbot.waitUntil(lambda: len(session.reader.uids("Drafts")) == 2, timeout=15_000)
    assert sorted(listed(window)) == [("From the phone", ""), ("Written offline", "")]

    # The phone's draft opens in the composer with Enter, and saved here it replaces the phone's copy.
    view = window.local.drafts_view.view
    activate(window, qtbot)
    view.setFocus()
    row = next(n for n, r in enumerate(window.local.drafts_view.model.rows()) if r.subject == "From the phone")
    view.setCurrentIndex(window.local.drafts_view.model.index(row, 0))
    key(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(window.local.postbox.composers()) == 1, timeout=10_000)
    phone = window.local.postbox.composers()[0]
    assert phone.header.subject_field.text() == "From the phone"
    assert "Written on my phone" in phone.editor.text() and BOB in phone.header.to_field.text()
    assert phone.draft_id == draft_id_for("<phone-1@example.test>")
    activate(phone, qtbot)
    phone.editor.focus_start()
    qtbot.keyClicks(phone.editor.text_edit, "Edited on the computer. ")
    key(phone.editor.text_edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    def phone_replaced() -> bool:
        found = [m for m in server_drafts(imap_config) if str(m["Subject"]) == "From the phone"]
        return (len(found) == 1 and str(found[0][DRAFT_HEADER]) == phone.draft_id
                and "Edited on the computer" in found[0].get_body(("plain",)).get_content())

    qtbot.waitUntil(phone_replaced, timeout=15_000)
    qtbot.waitUntil(lambda: sorted(listed(window)) == [("From the phone", "Being written"), ("Written offline", "")],
                    timeout=15_000)

    # Sending it removes it from both places.
    sent: list[str] = []
    window.local.postbox.worker.sent.connect(lambda entry_id, *_rest: sent.append(entry_id))
    key(phone.editor.text_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(sent), timeout=20_000)
    qtbot.waitUntil(lambda: subjects_on_server(imap_config) == ["Written offline"], timeout=15_000)
    qtbot.waitUntil(lambda: listed(window) == [("Written offline", "")], timeout=15_000)
    postbox = window.local.postbox
    qtbot.waitUntil(lambda: postbox.drafts.get(phone.draft_id) is None, timeout=10_000)


def test_a_draft_shown_in_the_reader_has_an_edit_button(tmp_path: Path, dovecot: Any, qtbot: Any,
                                                        account_store: Any) -> None:
    """A draft filed in another folder (flagged \\Draft) reads with "This message is a draft." and Edit Draft."""
    dovecot.seed(ALICE, "Archive", [PHONE_DRAFT], flags=("\\Draft", "\\Seen"))
    window = make_window(tmp_path, qtbot, account_store, Network(account_store))
    session = next(iter(window.sessions.values()))
    qtbot.waitUntil(lambda: session.synced_once, timeout=20_000)
    # The tree lists the folders through a queued signal after the sync: wait for the row.
    qtbot.waitUntil(lambda: window.tree.select_folder(session.account_id, "Archive"), timeout=10_000)
    qtbot.waitUntil(lambda: window.messages.model().rowCount() == 1, timeout=10_000)
    assert window.pages.currentWidget() is window.list_splitter, "only the Drafts folder is a drafts page"
    activate(window, qtbot)
    first = window.messages.model().index(0, Column.SUBJECT)
    QTest.mouseClick(window.messages.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.messages.visualRect(first).center())
    qtbot.waitUntil(lambda: window.opener.current is not None, timeout=10_000)
    qtbot.waitUntil(lambda: window.reader.draft_bar.isVisible(), timeout=10_000)
    QTest.mouseClick(window.reader.edit_draft_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.local.postbox.composers()) == 1, timeout=10_000)
    composer = window.local.postbox.composers()[0]
    assert composer.header.subject_field.text() == "From the phone"
    assert "Written on my phone" in composer.editor.text()

    # Another message is not a draft: no button.
    dovecot.seed(ALICE, "Archive", [PHONE_DRAFT.replace(b"phone-1", b"mail-2").replace(b"From the phone",
                                                                                          b"A letter")])
    window.refresh()
    qtbot.waitUntil(lambda: window.messages.model().rowCount() == 2, timeout=10_000)
    model = window.messages.model()

    def letter_row() -> int | None:
        summaries = [model.index(r, Column.SUBJECT).data(Roles.SUMMARY) for r in range(model.rowCount())]
        return next((r for r, s in enumerate(summaries) if s is not None and s.subject == "A letter"), None)

    qtbot.waitUntil(lambda: letter_row() is not None, timeout=10_000)
    letter = model.index(letter_row(), Column.SUBJECT)
    QTest.mouseClick(window.messages.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.messages.visualRect(letter).center())
    qtbot.waitUntil(lambda: window.reader.message is not None and window.reader.message.subject == "A letter",
                    timeout=10_000)
    assert not window.reader.draft_bar.isVisible()
