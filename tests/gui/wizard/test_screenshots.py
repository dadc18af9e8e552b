"""Screenshots of every wizard page and of the accounts dialogs, for docs/screenshots (and a human's eyes).

Every run takes them and checks each picture and the state it shows (into pytest's tmp_path, offscreen). To keep
them, for the docs, run under Xvfb with a real platform plugin:
    FACTEUR_SCREENSHOTS=docs/screenshots QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x800x24" \
        scripts/with-test-session.sh python -m pytest -q tests/gui/wizard/test_screenshots.py
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from gui.accounts import Account, AccountStore, Identity, ServerSettings
from gui.accounts_dialog import AccountsDialog
from gui.autoconfig import AutoconfigClient
from gui.providers import ProviderTable
from gui.wizard import SignInAgainDialog, WizardServices
from gui.wizard.account_editor import AccountEditor
from gui.wizard.certificate_dialog import CertificateDialog
from gui.wizard.page_ids import PAGE_GOOGLE, PAGE_MANUAL, PAGE_SETTINGS
from tests.conftest import ALICE, USERS
from tests.gui.wizard.browser import ScriptedBrowser
from tests.gui.wizard.conftest import gmail_table

OUT = Path()


@pytest.fixture(autouse=True)
def shots_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "OUT", Path(os.environ.get("FACTEUR_SCREENSHOTS") or tmp_path / "shots"))


def shoot(qtbot: QtBot, widget: QWidget, name: str) -> QImage:
    """Save ``widget`` as OUT/name.png and check the picture: the widget's size, and more than a blank fill."""
    qtbot.wait(300)  # let layouts and styles settle while the event loop runs
    path = OUT / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    assert widget.isVisible(), name
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 5000, path
    image = QImage(str(path))
    ratio = widget.devicePixelRatioF()
    assert (image.width(), image.height()) == (round(widget.width() * ratio), round(widget.height() * ratio)), name
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 10, f"{name} looks blank ({len(colours)} colours)"
    return image


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never answers: a test or a look-up frozen mid-way."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield int(server.getsockname()[1])
    server.close()


def test_generic_pages(make_wizard: Any, services: WizardServices, dovecot: Any, smtp_server: Any,
                       silent_server: int, ca: Any, qtbot: QtBot, accounts: Any) -> None:
    services.autoconfig = AutoconfigClient([f"https://127.0.0.1:{silent_server}/mail/config-v1.1.xml"],
                                           verify=str(ca.cert_path), timeout=2)
    driver = make_wizard(services)
    wizard = driver.wizard
    wizard.identity_page.name_edit.setText("Alice Martin")
    wizard.identity_page.email_edit.setText("alice@example.test")
    shoot(qtbot, wizard, "wizard-1-address")
    driver.next()
    shoot(qtbot, wizard, "wizard-2-looking-up")
    wizard.identity_page.skip_button.click()
    driver.wait_page(PAGE_MANUAL)
    page = wizard.manual_page
    page.imap_form.host.setText("127.0.0.1")
    page.imap_form.port.setValue(dovecot.imaps_port)
    page.smtp_form.host.setText("127.0.0.1")
    page.smtp_form.port.setValue(smtp_server.port)
    page.smtp_form.security.setCurrentIndex(2)
    page.password_edit.setText("wrong password")
    shoot(qtbot, wizard, "wizard-4-manual-unencrypted")
    page.smtp_form.security.setCurrentIndex(1)
    page.smtp_form.port.setValue(smtp_server.port)
    driver.next()
    driver.wait_test_done()
    shoot(qtbot, wizard, "wizard-6-untrusted-certificate")
    wizard.test_page.certificate_button.click()
    dialog = wizard.test_page.findChild(CertificateDialog)
    assert dialog is not None
    shoot(qtbot, dialog, "wizard-7-certificate")
    dialog.reject()


def test_settings_found_and_test_results(make_wizard: Any, services: WizardServices, dovecot_services: WizardServices,
                                         silent_server: int, qtbot: QtBot) -> None:
    # Yahoo from the bundled table: its note about app passwords shows (nothing is sent: Next is not pressed).
    driver = make_wizard(WizardServices(providers=ProviderTable(), autoconfig=AutoconfigClient(())))
    driver.identity("Alice Martin", "alice.martin@yahoo.fr")
    driver.wait_page(PAGE_SETTINGS)
    driver.wizard.settings_page.password_edit.setText("secret")
    shoot(qtbot, driver.wizard, "wizard-3-settings-found")
    assert "yahoo" in driver.wizard.settings_page.imap_label.text().lower()

    driver = make_wizard(dovecot_services)
    driver.identity("Alice Martin", ALICE)
    driver.wait_page(PAGE_SETTINGS)
    driver.wizard.settings_page.password_edit.setText("not the password")
    driver.next()
    driver.wait_test_done()
    shoot(qtbot, driver.wizard, "wizard-5-wrong-password")
    test_page = driver.wizard.test_page
    assert test_page.error_title.text() == "Incoming mail server (IMAP): Wrong user name or password"
    assert not test_page.isComplete()
    driver.back()
    driver.wizard.settings_page.password_edit.setText(USERS[ALICE])
    driver.next()
    driver.wait_test_done()
    shoot(qtbot, driver.wizard, "wizard-8-connected")
    assert test_page.isComplete(), test_page.error_text.text()


def test_gmail_pages(make_wizard: Any, services: WizardServices, fake_gmail: Any, smtp_server: Any,
                     google_client_env: str, browser: ScriptedBrowser, qtbot: QtBot,
                     monkeypatch: pytest.MonkeyPatch) -> None:
    services.providers = gmail_table(fake_gmail, smtp_server)
    driver = make_wizard(services)
    driver.identity("Alice Martin", ALICE)
    driver.wait_page(PAGE_GOOGLE)
    shoot(qtbot, driver.wizard, "wizard-9-gmail")
    panel = driver.wizard.google_page.panel
    assert panel.sign_in_button.isEnabled() and not panel.client_box.isVisibleTo(panel)
    browser.behaviour = "ignore"
    panel.sign_in_button.click()
    shoot(qtbot, driver.wizard, "wizard-10-gmail-waiting")
    assert panel.busy and not driver.wizard.google_page.isComplete()
    panel.cancel()

    monkeypatch.delenv("GOOGLE_CLIENT_ID")
    services.find_client = lambda _provider: None
    driver = make_wizard(services)
    driver.identity("Alice Martin", ALICE)
    driver.wait_page(PAGE_GOOGLE)
    shoot(qtbot, driver.wizard, "wizard-11-gmail-no-client")
    panel = driver.wizard.google_page.panel
    assert panel.client_box.isVisibleTo(panel) and not panel.sign_in_button.isEnabled()


def test_outlook_pages(make_wizard: Any, services: WizardServices, browser: ScriptedBrowser, qtbot: QtBot,
                       microsoft_identity: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    microsoft_identity.register_client("facteur-outlook-test")
    monkeypatch.setenv("MICROSOFT_CLIENT_ID", "facteur-outlook-test")
    driver = make_wizard(services)
    driver.identity("Alice Martin", "alice@outlook.com")
    driver.wait_page(PAGE_GOOGLE)
    shoot(qtbot, driver.wizard, "wizard-12-outlook")
    page = driver.wizard.google_page
    assert page.panel.sign_in_button.isEnabled() and not page.app_password_edit.isVisibleTo(page)
    browser.behaviour = "ignore"
    page.panel.sign_in_button.click()
    shoot(qtbot, driver.wizard, "wizard-13-outlook-waiting")
    page.panel.cancel()

    monkeypatch.delenv("MICROSOFT_CLIENT_ID")
    services.find_client = lambda _provider: None
    driver = make_wizard(services)
    driver.identity("Alice Martin", "alice@hotmail.fr")
    driver.wait_page(PAGE_GOOGLE)
    shoot(qtbot, driver.wizard, "wizard-14-outlook-no-client")
    panel = driver.wizard.google_page.panel
    assert panel.client_box.isVisibleTo(panel) and not panel.client_secret_edit.isVisibleTo(panel)


def test_accounts_dialogs(qtbot: QtBot, store: AccountStore, services: WizardServices,
                          google_client_env: str) -> None:
    def account(email: str, name: str, auth: str = "password") -> Account:
        return Account(email=email, name=name, display_name="Alice Martin", auth=auth,  # type: ignore[arg-type]
                       imap=ServerSettings("imap.example.org", 993, "ssl", email),
                       smtp=ServerSettings("smtp.example.org", 587, "starttls", email),
                       identities=[Identity("Alice Martin", email, "-- \nAlice"),
                                   Identity("Alice (support)", "support@example.org")])
    work = account("alice@example.org", "Work")
    store.add(work)
    gmail = account("alice.martin@gmail.com", "", "oauth2")
    store.add(gmail)
    dialog = AccountsDialog(store, services=services)
    qtbot.addWidget(dialog)
    dialog.show()
    shoot(qtbot, dialog, "accounts-1-list")
    assert [dialog.list.item(i).text().split("\n")[0] for i in range(dialog.list.count())] == [
        "Work", "alice.martin@gmail.com"]
    editor = AccountEditor(work, store, services=services)
    qtbot.addWidget(editor)
    editor.show()
    tabs = editor.findChild(QTabWidget, "accountEditorTabs")
    tabs.setCurrentIndex(1)
    shoot(qtbot, editor, "accounts-2-identities")
    assert tabs.currentWidget().isVisible()
    tabs.setCurrentIndex(2)
    shoot(qtbot, editor, "accounts-3-servers")
    assert tabs.currentWidget().isVisible()
    reauth = SignInAgainDialog(gmail, store, services=services)
    qtbot.addWidget(reauth)
    reauth.show()
    shoot(qtbot, reauth, "accounts-4-sign-in-again")
    assert reauth.isVisible()


def test_desktop_accounts_page(make_wizard: Any, qtbot: QtBot) -> None:
    """GNOME Online Accounts' Google and Microsoft accounts, offered above the address form."""
    from connectors.goa import GoaMailAccount, GoaServer

    def account(id_: str, provider: str, name: str, email: str, imap: str, smtp: str) -> GoaMailAccount:
        return GoaMailAccount(id_, provider, name, email, "Alice Martin", GoaServer(imap, 993, "ssl", email),
                              GoaServer(smtp, 587, "starttls", email))

    found = [account("account_1_0", "google", "Google", "alice.martin@gmail.com", "imap.gmail.com", "smtp.gmail.com"),
             account("account_2_0", "windows_live", "Microsoft", "alice.martin@outlook.com",
                     "outlook.office365.com", "smtp.office365.com")]
    driver = make_wizard(WizardServices(providers=ProviderTable(), autoconfig=AutoconfigClient(()),
                                        desktop_accounts=lambda: found))
    page = driver.wizard.identity_page
    qtbot.waitUntil(lambda: len(page.goa_buttons) == 2, timeout=10000)
    shoot(qtbot, driver.wizard, "wizard-0-desktop-accounts")
    assert driver.wizard.focusWidget() is page.goa_buttons[0]  # Enter takes it
    assert page.goa_buttons[0].text() == "Use your GNOME account alice.martin@gmail.com"
