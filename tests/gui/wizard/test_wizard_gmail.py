"""Gmail: "Sign in with Google" through a (scripted) system browser, against the loopback Google endpoints,
with Gmail's IMAP emulation and the SMTP server checking the XOAUTH2 tokens."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import keyring
import pytest
import requests
from pytestqt.qtbot import QtBot

from connectors.exceptions import ReauthenticationRequired
from gui.accounts import Account, AccountStore, config_dir
from gui.secrets import KeyringCredentials
from gui.wizard import ReauthPrompter, WizardServices
from gui.wizard.page_ids import PAGE_GOOGLE, PAGE_TEST
from tests.conftest import ALICE, USERS
from tests.gui.wizard.browser import ScriptedBrowser
from tests.gui.wizard.conftest import CLIENT_ID, CLIENT_SECRET, data_dirs, files_containing, gmail_table


@pytest.fixture
def gmail_services(services: WizardServices, fake_gmail: Any, smtp_server: Any) -> WizardServices:
    services.providers = gmail_table(fake_gmail, smtp_server)
    return services


def listener_port(browser: ScriptedBrowser) -> int:
    redirect = parse_qs(urlsplit(browser.last.consent_url).query)["redirect_uri"][0]
    port = urlsplit(redirect).port
    assert port is not None
    return port


def is_closed(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except (ConnectionRefusedError, ConnectionResetError):  # reset: the listener closed with us in its backlog
        return True
    return False


def start_gmail_wizard(make_wizard: Any, services: WizardServices) -> Any:
    driver = make_wizard(services)
    driver.identity("Alice Exemple", ALICE)
    driver.wait_page(PAGE_GOOGLE)
    return driver


def sign_in_and_finish(driver: Any, browser: ScriptedBrowser) -> Account:
    page = driver.wizard.google_page
    assert page.panel.sign_in_button.isEnabled()
    page.panel.sign_in_button.click()
    driver.wait_page(PAGE_TEST)
    driver.wait_test_done()
    assert driver.wizard.test_page.isComplete(), driver.wizard.test_page.error_text.text()
    driver.finish()
    browser.wait()
    account = driver.wizard.account
    assert account is not None
    return account


def test_sign_in_with_google(make_wizard: Any, gmail_services: WizardServices, google_client_env: str,
                             browser: ScriptedBrowser, public_ca: Path, google_oauth: Any, store: AccountStore,
                             tmp_path: Path) -> None:
    driver = start_gmail_wizard(make_wizard, gmail_services)
    page = driver.wizard.google_page
    assert not page.panel.client_box.isVisibleTo(page)
    account = sign_in_and_finish(driver, browser)

    # The consent page: Google's mail scope, PKCE S256, a state, a loopback redirect at a random port.
    query = parse_qs(urlsplit(browser.last.consent_url).query)
    assert query["scope"] == ["https://mail.google.com/"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["login_hint"] == [ALICE]
    assert query["redirect_uri"][0].startswith("http://127.0.0.1:")
    # The browser was told it can go back to Facteur; the listener served once and closed.
    assert browser.last.status == 200 and "go back to Facteur" in browser.last.page
    assert is_closed(listener_port(browser))

    assert account.provider == "gmail" and account.auth == "oauth2"
    assert account.oauth is not None and account.oauth.client_id == CLIENT_ID
    assert (account.oauth.auth_uri, account.oauth.token_uri) == (google_oauth.auth_uri, google_oauth.token_uri)
    assert AccountStore(store.path).accounts == [account]
    refresh = keyring.get_password("Facteur", f"{account.id}:refresh-token")
    assert refresh and refresh.startswith("1//")
    assert keyring.get_password("Facteur", f"{account.id}:password") is None

    # Access tokens are refreshed silently; a revoked refresh token asks for a sign-in, once.
    asked: list[Account] = []
    credentials = KeyringCredentials(account, on_reauth_needed=asked.append,
                                     manager_factory=lambda a, r: gmail_services.oauth_manager(a.oauth,
                                                                                               refresh_token=r))
    first = credentials.access_token(ALICE)
    assert google_oauth.token_owner(first) == ALICE
    google_oauth.expire_access_tokens()  # the server refuses the token: the connector asks for a fresh one
    second = credentials.access_token(ALICE, force_refresh=True)
    assert second != first and google_oauth.token_owner(second) == ALICE
    google_oauth.revoke(refresh)
    with pytest.raises(ReauthenticationRequired):
        credentials.access_token(ALICE, force_refresh=True)
    assert asked == [account]

    for secret in (refresh, first, second, CLIENT_SECRET + "x"):
        assert files_containing(secret, tmp_path, *data_dirs()) == [], secret


def test_access_denied_in_the_browser(make_wizard: Any, gmail_services: WizardServices, google_client_env: str,
                                      browser: ScriptedBrowser, google_oauth: Any, qtbot: QtBot) -> None:
    driver = start_gmail_wizard(make_wizard, gmail_services)
    panel = driver.wizard.google_page.panel
    google_oauth.deny_next_consent = True
    panel.sign_in_button.click()
    qtbot.waitUntil(lambda: panel.error_label.isVisibleTo(panel), timeout=15000)
    assert "You did not allow Facteur to use your Google mail" in panel.error_label.text()
    browser.wait()
    assert browser.last.status == 400 and "Sign-in failed" in browser.last.page
    assert driver.wizard.currentId() == PAGE_GOOGLE and driver.wizard.draft.tokens is None
    assert is_closed(listener_port(browser))


def test_state_mismatch_is_rejected(make_wizard: Any, gmail_services: WizardServices, google_client_env: str,
                                    browser: ScriptedBrowser, google_oauth: Any, qtbot: QtBot) -> None:
    browser.behaviour = "tamper-state"
    driver = start_gmail_wizard(make_wizard, gmail_services)
    panel = driver.wizard.google_page.panel
    requests_before = list(google_oauth.requests)
    panel.sign_in_button.click()
    qtbot.waitUntil(lambda: panel.error_label.isVisibleTo(panel), timeout=15000)
    assert "state mismatch" in panel.error_label.text()
    browser.wait()
    assert browser.last.status == 400
    assert driver.wizard.draft.tokens is None and panel.manager is None
    # The code was never traded for tokens.
    assert ("POST", "/token") not in google_oauth.requests[len(requests_before):]
    assert is_closed(listener_port(browser))


def test_sign_in_times_out(make_wizard: Any, gmail_services: WizardServices, google_client_env: str,
                           browser: ScriptedBrowser, qtbot: QtBot) -> None:
    browser.behaviour = "ignore"  # the person never comes back from the browser
    gmail_services.sign_in_timeout = 1
    driver = start_gmail_wizard(make_wizard, gmail_services)
    panel = driver.wizard.google_page.panel
    panel.sign_in_button.click()
    assert panel.stack.currentIndex() == 1 and "expires in 0:0" in panel.countdown_label.text()
    qtbot.waitUntil(lambda: panel.error_label.isVisibleTo(panel), timeout=10000)
    assert "Nobody came back from the browser" in panel.error_label.text()
    assert is_closed(listener_port(browser))
    assert panel.sign_in_button.isEnabled()  # ready to try again


def test_sign_in_can_be_cancelled(make_wizard: Any, gmail_services: WizardServices, google_client_env: str,
                                  browser: ScriptedBrowser, ca: Any, qtbot: QtBot) -> None:
    browser.behaviour = "ignore"
    driver = start_gmail_wizard(make_wizard, gmail_services)
    panel = driver.wizard.google_page.panel
    panel.sign_in_button.click()
    assert panel.busy and not driver.wizard.google_page.isComplete()
    port = listener_port(browser)
    assert not is_closed(port)
    panel.cancel_button.click()
    assert not panel.busy and panel.stack.currentIndex() == 0
    qtbot.waitUntil(lambda: is_closed(port), timeout=5000)
    # The person finishes in the browser too late: nobody listens any more.
    consent = requests.get(browser.last.consent_url, verify=str(ca.cert_path), allow_redirects=False, timeout=10)
    with pytest.raises(requests.ConnectionError):
        requests.get(consent.headers["Location"], timeout=5)
    assert driver.wizard.draft.tokens is None


def test_no_browser_shows_the_link(make_wizard: Any, gmail_services: WizardServices, google_client_env: str,
                                   browser: ScriptedBrowser) -> None:
    browser.behaviour = "unavailable"
    driver = start_gmail_wizard(make_wizard, gmail_services)
    panel = driver.wizard.google_page.panel
    panel.sign_in_button.click()
    assert panel.link_label.isVisibleTo(panel)
    assert gmail_services.oauth_provider("google").auth_uri in panel.link_label.text()
    panel.cancel()


def test_gmail_with_an_app_password(make_wizard: Any, gmail_services: WizardServices, google_client_env: str,
                                    public_ca: Path, fake_gmail: Any, accounts: Any) -> None:
    driver = start_gmail_wizard(make_wizard, gmail_services)
    page = driver.wizard.google_page
    assert "app password" in page.app_password_note.text()
    assert not page.isComplete()
    page.app_password_edit.setText(USERS[ALICE])
    driver.next()
    driver.wait_test_done()
    assert driver.wizard.test_page.isComplete(), driver.wizard.test_page.error_text.text()
    driver.finish()
    account = driver.wizard.account
    assert account is not None and account.auth == "password" and account.provider == "gmail"
    assert keyring.get_password("Facteur", f"{account.id}:password") == USERS[ALICE]
    assert "LOGIN" in fake_gmail.commands or "AUTHENTICATE" in fake_gmail.commands


def test_client_secret_file_chosen_by_the_person(make_wizard: Any, gmail_services: WizardServices,
                                                  google_oauth: Any, browser: ScriptedBrowser, public_ca: Path,
                                                  tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_CLIENT_ID", raising=False)
    monkeypatch.delenv("GOOGLE_CLIENT_SECRET", raising=False)
    settings = config_dir() / "google_client.json"
    settings.unlink(missing_ok=True)
    google_oauth.register_client("picked-client", "picked-secret")
    google_oauth.signed_in_user = ALICE
    try:
        driver = start_gmail_wizard(make_wizard, gmail_services)
        panel = driver.wizard.google_page.panel
        assert panel.client_box.isVisibleTo(panel) and not panel.sign_in_button.isEnabled()
        wrong = tmp_path / "notes.json"
        wrong.write_text(json.dumps({"hello": "world"}))
        assert not panel.use_client_secret_file(wrong)
        assert "client_id" in panel.client_error.text()
        picked = tmp_path / "client_secret_123.apps.googleusercontent.com.json"
        picked.write_text(json.dumps({"installed": {"client_id": "picked-client", "client_secret": "picked-secret",
                                                    "auth_uri": google_oauth.auth_uri,
                                                    "token_uri": google_oauth.token_uri}}))
        assert panel.use_client_secret_file(picked)
        assert not panel.client_box.isVisibleTo(panel) and panel.sign_in_button.isEnabled()
        account = sign_in_and_finish(driver, browser)
        assert account.oauth is not None and account.oauth.client_id == "picked-client"
    finally:
        settings.unlink(missing_ok=True)


def test_revoked_access_asks_to_sign_in_again_once(make_wizard: Any, gmail_services: WizardServices,
                                                   google_client_env: str, browser: ScriptedBrowser,
                                                   public_ca: Path, google_oauth: Any, store: AccountStore,
                                                   qtbot: QtBot) -> None:
    account = sign_in_and_finish(start_gmail_wizard(make_wizard, gmail_services), browser)
    old_refresh = keyring.get_password("Facteur", f"{account.id}:refresh-token")
    assert old_refresh is not None
    google_oauth.revoke(old_refresh)

    prompter = ReauthPrompter(store, services=gmail_services)
    credentials = KeyringCredentials(account, on_reauth_needed=prompter.on_reauth_needed,
                                     manager_factory=lambda a, r: gmail_services.oauth_manager(a.oauth,
                                                                                               refresh_token=r))

    def sync_worker() -> None:  # a sync worker retrying: it must not pile up dialogs
        for _ in range(3):
            with pytest.raises(ReauthenticationRequired):
                credentials.access_token(ALICE)

    worker = threading.Thread(target=sync_worker)
    worker.start()
    worker.join(30)
    qtbot.waitUntil(lambda: account.id in prompter.dialogs, timeout=5000)
    qtbot.wait(50)  # the other two requests are queued too
    assert list(prompter.dialogs) == [account.id] and prompter.needs_sign_in(account.id)
    dialog = prompter.dialogs[account.id]
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and ALICE in dialog.intro.text()

    with qtbot.waitSignal(prompter.signedIn, timeout=30000):
        dialog.panel.sign_in_button.click()
    new_refresh = keyring.get_password("Facteur", f"{account.id}:refresh-token")
    assert new_refresh and new_refresh != old_refresh
    assert not prompter.needs_sign_in(account.id)
    fresh = KeyringCredentials(account, manager_factory=lambda a, r: gmail_services.oauth_manager(
        a.oauth, refresh_token=r))
    assert google_oauth.token_owner(fresh.access_token(ALICE)) == ALICE
