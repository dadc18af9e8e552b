"""Fixtures for the account set-up tests: loopback autoconfig hosts, a Gmail-like provider on loopback, the
fake Google endpoints wired into the wizard, a scripted browser, and helpers to drive the wizard's pages."""

from __future__ import annotations

import os
import socket
import ssl
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox, QWizard
from pytestqt.qtbot import QtBot

from connectors.oauth_providers import GOOGLE, MICROSOFT, OAUTH_PROVIDERS
from gui.accounts import AccountStore, config_dir
from gui.autoconfig import AutoconfigClient
from gui.providers import Provider, ProviderTable, ServerTemplate
from gui.secrets import delete_secrets
from gui.wizard import AccountWizard, WizardServices
from gui.wizard.page_ids import PAGE_SETTINGS
from gui.workers.runner import runner
from tests.conftest import ALICE, USERS
from tests.gui.wizard.browser import ScriptedBrowser
from tests.gui.wizard.loopback_http import LoopbackWebServer
from tests.servers.gmail_imap import FakeGmailIMAP

CLIENT_ID = "facteur-test.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-test-client-secret"  # noqa: S105 - the fake's registered client


@pytest.fixture
def https_site(ca: Any) -> Iterator[LoopbackWebServer]:
    server = LoopbackWebServer(ca).start()
    yield server
    server.stop()


@pytest.fixture
def http_site() -> Iterator[LoopbackWebServer]:
    server = LoopbackWebServer(None).start()
    yield server
    server.stop()


@pytest.fixture
def public_ca(ca: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Makes the per-run CA one of the "system" authorities, as a public CA would be (SSL_CERT_FILE)."""
    system = ssl.get_default_verify_paths().openssl_cafile
    bundle = tmp_path / "system-and-test-ca.pem"
    system_pem = Path(system).read_bytes() if system and Path(system).is_file() else b""
    bundle.write_bytes(system_pem + b"\n" + Path(ca.cert_path).read_bytes())
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    return bundle


@pytest.fixture(scope="session")
def fake_gmail(ca: Any, google_oauth: Any) -> Iterator[FakeGmailIMAP]:
    # App passwords: Gmail ignores spaces, the fake too, so alice's test password serves as her app password.
    server = FakeGmailIMAP(ca, passwords={ALICE: USERS[ALICE]}, token_owner=google_oauth.token_owner)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def google_client_env(google_oauth: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    google_oauth.register_client(CLIENT_ID, CLIENT_SECRET)
    monkeypatch.setenv("GOOGLE_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("GOOGLE_CLIENT_SECRET", CLIENT_SECRET)
    google_oauth.signed_in_user = ALICE
    google_oauth.deny_next_consent = False
    return CLIENT_ID


def gmail_table(fake_gmail: FakeGmailIMAP, smtp_server: Any) -> ProviderTable:
    """Facteur's table, with Gmail's servers on loopback and example.test handled as a Gmail domain."""
    return ProviderTable().replaced(
        "gmail", domains=("gmail.com", "googlemail.com", "example.test"),
        imap=ServerTemplate("127.0.0.1", fake_gmail.port, "ssl"),
        smtp=ServerTemplate("127.0.0.1", smtp_server.port, "starttls"),
    )


@pytest.fixture
def services(ca: Any, google_oauth: Any, microsoft_identity: Any) -> WizardServices:
    """No network beyond loopback: an empty autoconfig list (tests that need one set it), the fake Google and
    Microsoft identity platforms."""
    return WizardServices(
        autoconfig=AutoconfigClient((), verify=str(ca.cert_path)),
        oauth_providers={
            **OAUTH_PROVIDERS,
            "google": replace(GOOGLE, auth_uri=google_oauth.auth_uri, token_uri=google_oauth.token_uri,
                              revoke_uri=google_oauth.revoke_uri),
            "microsoft": replace(MICROSOFT, auth_uri=microsoft_identity.auth_uri,
                                 token_uri=microsoft_identity.token_uri),
        },
        oauth_ca_file=str(ca.cert_path),
        sign_in_timeout=60, connection_timeout=10,
    )


@pytest.fixture
def browser(ca: Any, monkeypatch: pytest.MonkeyPatch) -> ScriptedBrowser:
    scripted = ScriptedBrowser(str(ca.cert_path))
    monkeypatch.setattr(QDesktopServices, "openUrl", scripted.open_url)
    return scripted


@pytest.fixture
def store(tmp_path: Path, qtbot: QtBot) -> Iterator[AccountStore]:
    """Accounts saved in this test's own file; their secrets and pins are cleaned up afterwards."""
    accounts = AccountStore(tmp_path / "config" / "accounts.json")
    yield accounts
    # Let background work (a connection test left running) end before the next test starts.
    qtbot.waitUntil(lambda: not runner().busy(), timeout=30000)
    for account in AccountStore(accounts.path).accounts:
        delete_secrets(account.id)
        (config_dir() / "certificates" / f"{account.id}.pem").unlink(missing_ok=True)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def files_containing(secret: str, *roots: Path) -> list[Path]:
    needle = secret.encode()
    found = []
    for root in roots:
        for path in root.rglob("*") if root.exists() else []:
            if path.is_file() and needle in path.read_bytes():
                found.append(path)
    return found


def data_dirs() -> list[Path]:
    return [config_dir(), Path(os.environ["XDG_DATA_HOME"]), Path(os.environ["XDG_CONFIG_HOME"])]


class WizardDriver:
    """Drives the wizard as a person would: fill the fields, press the buttons, wait for pages."""

    def __init__(self, qtbot: QtBot, wizard: AccountWizard) -> None:
        self.qtbot = qtbot
        self.wizard = wizard

    def button(self, which: QWizard.WizardButton) -> Any:
        return self.wizard.button(which)

    def next(self) -> None:
        button = self.button(QWizard.WizardButton.NextButton)
        assert button.isEnabled(), f"Next is disabled on page {self.wizard.currentId()}"
        button.click()

    def back(self) -> None:
        self.button(QWizard.WizardButton.BackButton).click()

    def finish(self) -> None:
        button = self.button(QWizard.WizardButton.FinishButton)
        assert button.isEnabled()
        button.click()

    def wait_page(self, page_id: int, timeout: int = 15000) -> None:
        self.qtbot.waitUntil(lambda: self.wizard.currentId() == page_id, timeout=timeout)

    def identity(self, name: str, email: str) -> None:
        self.wizard.identity_page.name_edit.setText(name)
        self.wizard.identity_page.email_edit.setText(email)
        self.next()

    def wait_test_done(self, timeout: int = 30000) -> None:
        self.qtbot.waitUntil(lambda: not self.wizard.test_page.running, timeout=timeout)


@pytest.fixture
def make_wizard(qtbot: QtBot, store: AccountStore, services: WizardServices) -> Any:
    def make(services_: WizardServices | None = None) -> WizardDriver:
        wizard = AccountWizard(store, services=services_ or services)
        qtbot.addWidget(wizard)
        wizard.show()
        return WizardDriver(qtbot, wizard)
    return make


def answer_message_box(qtbot: QtBot, object_name: str, button_name: str | None = None) -> list[str]:
    """Arm a click on the next modal QMessageBox named ``object_name`` (``button_name`` or its default/escape)."""
    seen: list[str] = []
    tries = [500]  # ten seconds, then give up (the test's own assertion then fails)

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != object_name:
            tries[0] -= 1
            if tries[0] > 0:
                QTimer.singleShot(20, click)
            return
        seen.append(box.text())
        if button_name is None:
            box.reject()
            return
        box.findChild(QAbstractButton, button_name).click()

    QTimer.singleShot(0, click)
    return seen


@pytest.fixture
def dovecot_services(services: WizardServices, dovecot: Any, smtp_server: Any, public_ca: Path,
                     accounts: Any) -> WizardServices:
    """example.test in the provider table, served by the test Dovecot and SMTP server."""
    services.providers = ProviderTable([Provider(
        "example", "Example Mail", ("example.test",), ServerTemplate("127.0.0.1", dovecot.imaps_port, "ssl"),
        ServerTemplate("127.0.0.1", smtp_server.port, "starttls"))])
    return services


def add_account_through(driver: WizardDriver, email: str = ALICE, password: str = USERS[ALICE]) -> None:
    """Identity → settings found → password → connection test passed (Finish not pressed)."""
    driver.identity("Alice Exemple", email)
    driver.wait_page(PAGE_SETTINGS)
    driver.wizard.settings_page.password_edit.setText(password)
    driver.next()
    driver.wait_test_done()
    assert driver.wizard.test_page.isComplete(), driver.wizard.test_page.error_text.text()
