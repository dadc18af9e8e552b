"""Outlook.com: the whole wizard path for an outlook.com address — first page, "Sign in with Microsoft" through a
(scripted) system browser against the loopback Microsoft identity platform, the connection test on Dovecot and the
SMTP server checking the XOAUTH2 tokens, Finish — and then the account's Inbox listed in the main window."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import keyring
import pytest
from pytestqt.qtbot import QtBot

from connectors.exceptions import ReauthenticationRequired
from connectors.outbox import DraftStore, Outbox
from connectors.store import MailStore
from gui.accounts import Account, AccountStore
from gui.models.roles import Roles
from gui.providers import ProviderTable, ServerTemplate
from gui.secrets import KeyringCredentials
from gui.settings import UiSettings
from gui.wizard import WizardServices
from gui.wizard.page_ids import PAGE_GOOGLE, PAGE_TEST
from gui.workers.account_session import AccountSession
from tests.conftest import OUTLOOK_USER, empty_mailboxes, make_message
from tests.gui.wizard.browser import ScriptedBrowser
from tests.gui.wizard.conftest import data_dirs, files_containing

MICROSOFT_CLIENT_ID = "8f0d5c3e-0a4b-4d63-9a53-5c1b2a7d9e11"


@pytest.fixture
def outlook_services(services: WizardServices, outlook_dovecot: Any, outlook_smtp: Any) -> WizardServices:
    """Facteur's table, Outlook.com's servers on loopback (Dovecot and aiosmtpd checking Microsoft's tokens)."""
    services.providers = ProviderTable().replaced(
        "outlook", imap=ServerTemplate("127.0.0.1", outlook_dovecot.imaps_port, "ssl"),
        smtp=ServerTemplate("127.0.0.1", outlook_smtp.port, "starttls"))
    return services


@pytest.fixture
def microsoft_client(microsoft_identity: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    microsoft_identity.register_client(MICROSOFT_CLIENT_ID)
    microsoft_identity.signed_in_user = OUTLOOK_USER
    microsoft_identity.deny_next_consent = False
    monkeypatch.setenv("MICROSOFT_CLIENT_ID", MICROSOFT_CLIENT_ID)
    return MICROSOFT_CLIENT_ID


def test_outlook_address_from_first_page_to_inbox(
    make_wizard: Any, outlook_services: WizardServices, microsoft_client: str, browser: ScriptedBrowser,
    microsoft_identity: Any, outlook_dovecot: Any, public_ca: Path, store: AccountStore, tmp_path: Path,
    qtbot: QtBot,
) -> None:
    empty_mailboxes(outlook_dovecot, OUTLOOK_USER)
    outlook_dovecot.deliver(OUTLOOK_USER, make_message("Bienvenue sur Outlook", to=OUTLOOK_USER))

    driver = make_wizard(outlook_services)
    driver.identity("Alice Exemple", OUTLOOK_USER)
    driver.wait_page(PAGE_GOOGLE)
    page = driver.wizard.google_page
    assert page.title() == "Sign in to Outlook.com"
    assert page.panel.sign_in_button.text() == "Sign in with Microsoft"
    assert not page.panel.client_box.isVisibleTo(page)
    assert not page.app_password_edit.isVisibleTo(page)  # Microsoft takes no passwords from mail apps
    assert not page.isComplete()
    page.panel.sign_in_button.click()
    driver.wait_page(PAGE_TEST)
    driver.wait_test_done()
    assert driver.wizard.test_page.isComplete(), driver.wizard.test_page.error_text.text()
    driver.finish()
    browser.wait()

    query = parse_qs(urlsplit(browser.last.consent_url).query)
    assert urlsplit(browser.last.consent_url).path == "/common/oauth2/v2.0/authorize"
    assert query["scope"] == ["https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send "
                              "offline_access"]
    assert query["code_challenge_method"] == ["S256"] and query["login_hint"] == [OUTLOOK_USER]
    assert query["redirect_uri"][0].startswith("http://127.0.0.1:")
    assert browser.last.status == 200 and "go back to Facteur" in browser.last.page

    account = driver.wizard.account
    assert isinstance(account, Account)
    assert (account.provider, account.auth) == ("outlook", "oauth2")
    assert account.oauth is not None and account.oauth.provider == "microsoft"
    assert account.oauth.client_id == MICROSOFT_CLIENT_ID and account.oauth.token_uri == microsoft_identity.token_uri
    refresh = keyring.get_password("Facteur", f"{account.id}:refresh-token")
    assert refresh and refresh.startswith("M.C")
    assert AccountStore(store.path).accounts == [account]

    # The main window lists the new account's Inbox, with the message waiting there.
    from gui.composer import Postbox
    from gui.main_window import MainWindow

    def factory(a: Account, r: str) -> Any:
        assert a.oauth is not None
        return outlook_services.oauth_manager(a.oauth, refresh_token=r)

    def session(a: Account, relay: Any) -> AccountSession:
        return AccountSession(a, relay, store=MailStore(tmp_path / "outlook.sqlite3"),
                              credentials=KeyringCredentials(a, manager_factory=factory), push=False)

    postbox = Postbox(store, outbox=Outbox(tmp_path / "outbox.sqlite3"), drafts=DraftStore(tmp_path / "d.sqlite3"))
    window = MainWindow(store, settings=UiSettings(tmp_path / "ui.ini"), session_factory=session, postbox=postbox)
    qtbot.addWidget(window)
    try:
        window.start()
        model = window.tree_model
        qtbot.waitUntil(lambda: model.folder_index(account.id, "INBOX").data(Roles.TOTAL_COUNT) == 1, timeout=20000)
        first = model.index(0, 0, model.account_index(account.id))
        assert first.data(Roles.FOLDER_NAME) == "INBOX"
    finally:
        window.close()
    # Microsoft rotates refresh tokens: the newest one replaced the first in the keyring.
    newest = keyring.get_password("Facteur", f"{account.id}:refresh-token")
    assert newest and newest.startswith("M.C") and newest != refresh

    microsoft_identity.revoke(newest)
    asked: list[Account] = []
    credentials = KeyringCredentials(account, on_reauth_needed=asked.append, manager_factory=factory)
    with pytest.raises(ReauthenticationRequired):
        credentials.access_token(OUTLOOK_USER, force_refresh=True)
    assert asked == [account]  # "Sign in again", not a password prompt
    for secret in (refresh, newest):
        assert files_containing(secret, tmp_path, *data_dirs()) == [], secret
