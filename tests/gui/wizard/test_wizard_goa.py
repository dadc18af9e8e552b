"""GNOME Online Accounts: the wizard offers the desktop's Google and Microsoft accounts first, adding one needs no
password and stores no secret, mail is read and sent with GOA's tokens, and an account removed from GOA (or GOA
gone) is said plainly.

GOA is the emulation of tests/servers/goa.py on the tests' private session bus; its tokens come from the loopback
Google and Microsoft identity emulations, whose tokens the loopback Gmail IMAP, Outlook Dovecot and SMTP servers
check (XOAUTH2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from connectors.exceptions import OnlineAccountError
from connectors.store import MailStore
from gui.accounts import Account, AccountStore
from gui.desktop_accounts import account_credentials, account_from_goa
from gui.models.roles import Roles
from gui.settings import UiSettings
from gui.wizard.page_ids import PAGE_TEST
from gui.workers.account_session import AccountSession
from tests.conftest import BOB, OUTLOOK_USER, empty_mailboxes, make_message
from tests.gui.wizard.conftest import data_dirs, files_containing
from tests.servers.goa import FakeAccount, FakeOnlineAccounts

GOOGLE_USER = "alice.goa@gmail.com"  # a mailbox of its own on the Gmail emulation
GOA_GOOGLE_CLIENT = "goa-google-client.apps.googleusercontent.com"
GOA_MICROSOFT_CLIENT = "44a9c3a1-7e2b-4f6e-9d1c-0c5f9a8e7b21"
SECRET_KINDS = ("password", "smtp-password", "refresh-token")


@pytest.fixture
def goa(google_oauth: Any, microsoft_identity: Any, fake_gmail: Any, smtp_server: Any, outlook_dovecot: Any,
        outlook_smtp: Any, public_ca: Path) -> Iterator[FakeOnlineAccounts]:
    """GOA holding a Google account (Gmail emulation), a Microsoft one (Outlook's Dovecot) and a Google account
    whose mail was turned off."""
    issued: list[str] = []

    def google() -> tuple[str, int]:
        token = google_oauth.issue_tokens(GOOGLE_USER, GOA_GOOGLE_CLIENT)[0]
        issued.append(token)
        return token, 3600

    def microsoft() -> tuple[str, int]:
        token = microsoft_identity.issue_tokens(OUTLOOK_USER, GOA_MICROSOFT_CLIENT)[0]
        issued.append(token)
        return token, 3600

    service = FakeOnlineAccounts().start()
    service.issued = issued  # type: ignore[attr-defined]
    service.add(FakeAccount("account_1700000000_0", "google", "Google", GOOGLE_USER, "Alice Goa",
                            f"127.0.0.1:{fake_gmail.port}", f"127.0.0.1:{smtp_server.port}", google,
                            client_id=GOA_GOOGLE_CLIENT))
    service.add(FakeAccount("account_1700000001_0", "windows_live", "Microsoft", OUTLOOK_USER, "Alice Outlook",
                            f"127.0.0.1:{outlook_dovecot.imaps_port}", f"127.0.0.1:{outlook_smtp.port}", microsoft,
                            client_id=GOA_MICROSOFT_CLIENT))
    service.add(FakeAccount("account_1700000002_0", "google", "Google", "no.mail@gmail.com", "", "imap.gmail.com",
                            "smtp.gmail.com", google, mail_disabled=True))
    empty_mailboxes(outlook_dovecot, OUTLOOK_USER)
    yield service
    service.stop()


def no_secret_stored(account: Account) -> bool:
    return all(keyring.get_password("Facteur", f"{account.id}:{kind}") is None for kind in SECRET_KINDS)


def wait_desktop_accounts(qtbot: QtBot, driver: Any, count: int) -> list[Any]:
    page = driver.wizard.identity_page
    qtbot.waitUntil(lambda: len(page.goa_buttons) == count, timeout=10000)
    return page.goa_buttons


def test_the_desktops_accounts_come_first_and_the_keyboard_takes_one(
    make_wizard: Any, goa: FakeOnlineAccounts, outlook_dovecot: Any, outlook_smtp: Any, store: AccountStore,
    qtbot: QtBot
) -> None:
    driver = make_wizard()
    buttons = wait_desktop_accounts(qtbot, driver, 2)
    page = driver.wizard.identity_page
    assert [b.text() for b in buttons] == [f"Use your GNOME account {GOOGLE_USER}",
                                           f"Use your GNOME account {OUTLOOK_USER}"]  # mail off: not offered
    assert "Google" in buttons[0].description() and "Microsoft" in buttons[1].description()
    assert page.desktop_box.isVisible()
    # First on the page, above the address form; and with nothing typed yet, the first has the keyboard.
    last_button = buttons[1].mapTo(page, buttons[1].rect().bottomLeft()).y()
    assert last_button < page.name_edit.mapTo(page, page.name_edit.rect().topLeft()).y()
    assert driver.wizard.focusWidget() is buttons[0]
    qtbot.keyClick(buttons[0], Qt.Key.Key_Tab)
    assert driver.wizard.focusWidget() is buttons[1]
    qtbot.keyClick(buttons[1], Qt.Key.Key_Space)
    driver.wait_page(PAGE_TEST)
    driver.wait_test_done()
    assert driver.wizard.test_page.isComplete(), driver.wizard.test_page.error_text.text()
    driver.finish()

    account = driver.wizard.account
    assert isinstance(account, Account)
    assert (account.email, account.auth, account.provider, account.goa_id) == (
        OUTLOOK_USER, "goa", "outlook", "account_1700000001_0")
    assert account.display_name == "Alice Outlook" and account.oauth is None
    # The servers as GOA gives them ("host:port", ImapUseSsl, SmtpUseTls).
    assert (account.imap.host, account.imap.port, account.imap.security) == ("127.0.0.1", outlook_dovecot.imaps_port,
                                                                             "ssl")
    assert (account.smtp.port, account.smtp.security) == (outlook_smtp.port, "starttls")
    assert no_secret_stored(account)
    assert AccountStore(store.path).accounts == [account]

    # Added: offered no more (shown as already there), and its address cannot be added a second time.
    again = make_wizard()
    buttons = wait_desktop_accounts(qtbot, again, 2)
    assert not buttons[1].isEnabled() and "Already in Facteur" in buttons[1].description()
    assert buttons[0].isEnabled() and again.wizard.focusWidget() is buttons[0]


def test_a_gnome_google_account_reads_and_sends_with_goas_tokens_only(
    make_wizard: Any, goa: FakeOnlineAccounts, fake_gmail: Any, dovecot: Any, accounts: Any, store: AccountStore,
    tmp_path: Path, qtbot: QtBot
) -> None:
    fake_gmail.add_message(GOOGLE_USER, make_message("Bonjour depuis GNOME", to=GOOGLE_USER))
    driver = make_wizard()
    button = wait_desktop_accounts(qtbot, driver, 2)[0]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    driver.wait_page(PAGE_TEST)
    driver.wait_test_done()
    assert driver.wizard.test_page.isComplete(), driver.wizard.test_page.error_text.text()
    driver.finish()
    account = driver.wizard.account
    assert isinstance(account, Account)
    assert (account.auth, account.provider, account.goa_id) == ("goa", "gmail", "account_1700000000_0")
    assert no_secret_stored(account)

    # The app's own path: the window's session gets its credentials for the account (GOA's), syncs the Inbox.
    window = start_window(store, tmp_path, qtbot)
    try:
        wait_inbox(qtbot, window, account, 1)
    finally:
        window.close()

    # Sending through the Outbox's factory: SMTP XOAUTH2 with GOA's token; Gmail files the copy in Sent itself.
    from gui.workers.send_worker import keyring_connectors

    link = keyring_connectors(store)(account.id)
    assert link is not None and link.server_saves_sent
    with link.smtp.connection():
        link.smtp.send_email(subject="Envoyé via GNOME", recipients=[BOB], body="Salut Bob")
    client = dovecot.client(BOB)
    try:
        client.select_folder("INBOX")
        assert len(client.search(["SUBJECT", "Envoyé via GNOME"], charset="UTF-8")) == 1
    finally:
        client.logout()

    assert goa.token_calls("account_1700000000_0") >= 1
    issued: list[str] = goa.issued  # type: ignore[attr-defined]
    assert issued and no_secret_stored(account)
    for token in issued:
        assert files_containing(token, tmp_path, *data_dirs()) == [], "a GOA token was written down"


def start_window(store: AccountStore, tmp_path: Path, qtbot: QtBot) -> Any:
    from connectors.outbox import DraftStore, Outbox
    from gui.composer import Postbox
    from gui.main_window import MainWindow

    def session(a: Account, relay: Any) -> AccountSession:
        return AccountSession(a, relay, store=MailStore(tmp_path / f"{a.id}.sqlite3"), push=False)

    postbox = Postbox(store, outbox=Outbox(tmp_path / "outbox.sqlite3"), drafts=DraftStore(tmp_path / "d.sqlite3"))
    window = MainWindow(store, settings=UiSettings(tmp_path / "ui.ini"), session_factory=session, postbox=postbox)
    qtbot.addWidget(window)
    window.start()
    return window


def notice_of(window: Any, account: Account) -> Callable[[], Any]:
    return lambda: window.notifications.keyed(f"account:{account.id}")


def outlook_from_goa() -> tuple[Any, Account]:
    """The Microsoft account GOA lists for OUTLOOK_USER, and the Facteur account made from it."""
    from connectors.goa import GnomeOnlineAccounts

    found = next(a for a in GnomeOnlineAccounts().mail_accounts() if a.email == OUTLOOK_USER)
    return found, account_from_goa(found)


def wait_inbox(qtbot: QtBot, window: Any, account: Account, count: int) -> None:
    """Until the window's tree shows ``count`` messages in the account's Inbox (it connected and synced)."""
    model = window.tree_model
    qtbot.waitUntil(lambda: model.folder_index(account.id, "INBOX").data(Roles.TOTAL_COUNT) == count, timeout=20000)


def test_an_account_removed_from_gnome_is_said_plainly(
    goa: FakeOnlineAccounts, outlook_dovecot: Any, store: AccountStore, tmp_path: Path, qtbot: QtBot
) -> None:
    outlook_dovecot.deliver(OUTLOOK_USER, make_message("Avant la suppression", to=OUTLOOK_USER))
    found, account = outlook_from_goa()
    store.add(account)
    window = start_window(store, tmp_path, qtbot)
    try:
        wait_inbox(qtbot, window, account, 1)
        assert notice_of(window, account)() is None
        kept = goa.accounts[found.id]
        goa.remove(found.id)  # in Settings › Online Accounts, while Facteur runs
        notice = notice_of(window, account)
        qtbot.waitUntil(lambda: notice() is not None, timeout=20000)
        assert notice().title == f"{OUTLOOK_USER}: This account was removed from GNOME Online Accounts"
        assert "Settings › Online Accounts" in notice().text
        # Its next connection is refused too (the token GOA gave before is not used behind its back).
        session = window.sessions[account.id]
        with pytest.raises(OnlineAccountError):
            session.account.imap_config(account_credentials(account))["credentials"].access_token(OUTLOOK_USER)
        goa.add(kept)  # added back: the account goes on
        qtbot.waitUntil(lambda: notice() is None, timeout=20000)
    finally:
        window.close()


def test_gnome_online_accounts_gone_then_back(
    goa: FakeOnlineAccounts, outlook_dovecot: Any, store: AccountStore, tmp_path: Path, qtbot: QtBot
) -> None:
    outlook_dovecot.deliver(OUTLOOK_USER, make_message("Toujours là", to=OUTLOOK_USER))
    found, account = outlook_from_goa()
    store.add(account)
    kept = goa.accounts[found.id]
    goa.stop()  # GOA quit (or the session has none)
    window = start_window(store, tmp_path, qtbot)
    try:
        notice = notice_of(window, account)
        qtbot.waitUntil(lambda: notice() is not None, timeout=20000)
        assert notice().title == f"{OUTLOOK_USER}: GNOME Online Accounts is not running"
        assert "Try Again" in [button.text() for button in notice().findChildren(QPushButton)]
        again = FakeOnlineAccounts().start()
        try:
            again.add(kept)
            session = window.sessions[account.id]
            session.retry_now()  # the notice's Try Again
            wait_inbox(qtbot, window, account, 1)
            qtbot.waitUntil(lambda: notice() is None, timeout=10000)
        finally:
            again.stop()
    finally:
        window.close()
    assert no_secret_stored(account)


def test_a_locked_keyring_does_not_stop_a_gnome_account(
    goa: FakeOnlineAccounts, outlook_dovecot: Any, store: AccountStore, tmp_path: Path, qtbot: QtBot
) -> None:
    """Nothing of it is in Facteur's keyring: it reads mail, and can be removed, while the keyring is locked."""
    from gui.accounts_dialog import remove_account
    from tests.servers.keyring_lock import keyring_locked, locked_keyring

    outlook_dovecot.deliver(OUTLOOK_USER, make_message("Trousseau fermé", to=OUTLOOK_USER))
    _found, account = outlook_from_goa()
    store.add(account)
    with locked_keyring():
        window = start_window(store, tmp_path, qtbot)
        try:
            wait_inbox(qtbot, window, account, 1)
            assert window.sessions[account.id].state == "online"
            window.remove_account(account.id)
            removal = remove_account(store, account.id)
        finally:
            window.close()
        assert keyring_locked()
    assert removal.account == account and store.accounts == []


def test_an_account_goa_must_sign_in_again_says_so_in_the_wizard(
    make_wizard: Any, goa: FakeOnlineAccounts, qtbot: QtBot
) -> None:
    goa.withdraw("account_1700000001_0")  # Microsoft no longer takes GOA's refresh token
    driver = make_wizard()
    buttons = wait_desktop_accounts(qtbot, driver, 2)
    assert "sign in to it again first" in buttons[1].description()
    assert "no password to type" in buttons[0].description()
    qtbot.mouseClick(buttons[1], Qt.MouseButton.LeftButton)  # chosen anyway: the test says what to do
    driver.wait_page(PAGE_TEST)
    driver.wait_test_done()
    test_page = driver.wizard.test_page
    assert not test_page.isComplete()
    assert test_page.error_title.text().endswith("GNOME Online Accounts needs you to sign in again")
    assert "Settings › Online Accounts" in test_page.error_text.text()


def test_the_servers_are_gnomes(
    goa: FakeOnlineAccounts, outlook_dovecot: Any, store: AccountStore, tmp_path: Path, qtbot: QtBot
) -> None:
    """Settings GOA now gives differently (here: a stale IMAP port kept from before) are taken from GOA at start."""
    from dataclasses import replace

    from tests.gui.wizard.conftest import closed_port

    outlook_dovecot.deliver(OUTLOOK_USER, make_message("Nouveau port", to=OUTLOOK_USER))
    _found, account = outlook_from_goa()
    store.add(replace(account, imap=replace(account.imap, port=closed_port())))
    window = start_window(store, tmp_path, qtbot)
    try:
        wait_inbox(qtbot, window, account, 1)
        assert window.sessions[account.id].account.imap.port == outlook_dovecot.imaps_port
    finally:
        window.close()
    assert AccountStore(store.path).accounts == [account]
