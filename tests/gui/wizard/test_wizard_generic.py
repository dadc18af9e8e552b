"""The wizard end to end for a generic account, against the real Dovecot and SMTP servers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keyring
import pytest

from gui.accounts import AccountStore
from gui.autoconfig import AutoconfigClient
from gui.wizard import WizardServices
from gui.wizard.page_ids import PAGE_MANUAL, PAGE_SETTINGS, PAGE_TEST
from tests.conftest import ALICE, USERS
from tests.gui.wizard.conftest import closed_port, data_dirs, files_containing
from tests.gui.wizard.loopback_http import LoopbackWebServer, autoconfig_xml

PATH = "/mail/config-v1.1.xml"


@pytest.fixture
def autoconfig_services(services: WizardServices, https_site: LoopbackWebServer, http_site: LoopbackWebServer,
                        dovecot: Any, smtp_server: Any, ca: Any) -> WizardServices:
    """example.test publishes its settings over HTTPS; an attacker's plain-http copy sits first in line."""
    good = autoconfig_xml(("127.0.0.1", dovecot.imaps_port, "SSL"), ("127.0.0.1", smtp_server.port, "STARTTLS"))
    https_site.serve(PATH, good)
    http_site.serve(PATH, autoconfig_xml(("evil.test", 993, "SSL"), ("evil.test", 465, "SSL")))
    https_site.redirect("/first" + PATH, http_site.base_url + PATH)  # a downgrade: must not be followed
    services.autoconfig = AutoconfigClient(
        [https_site.base_url + "/first" + PATH, https_site.base_url + PATH + "?emailaddress={email}"],
        verify=str(ca.cert_path))
    return services


def test_generic_account_wrong_password_then_right_one(make_wizard: Any, autoconfig_services: WizardServices,
                                                       store: AccountStore, public_ca: Path, accounts: Any,
                                                       http_site: LoopbackWebServer, tmp_path: Path) -> None:
    driver = make_wizard(autoconfig_services)
    wizard = driver.wizard
    driver.identity("Alice Exemple", ALICE)
    driver.wait_page(PAGE_SETTINGS)

    # The settings found are shown, and the password is asked only now.
    page = wizard.settings_page
    assert f"port {driver.wizard.draft.imap.port}" in page.imap_label.text()
    assert "127.0.0.1" in page.smtp_label.text() and "STARTTLS" in page.smtp_label.text()
    assert "Example Mail" in page.subTitle()
    assert http_site.requests == []
    assert not driver.button(driver.wizard.WizardButton.NextButton).isEnabled()  # no password yet

    page.password_edit.setText("not the password")
    driver.next()
    driver.wait_page(PAGE_TEST)
    driver.wait_test_done()
    test_page = wizard.test_page
    assert "Incoming mail server (IMAP): Wrong user name or password" == test_page.error_title.text()
    assert not test_page.isComplete()
    assert not driver.button(driver.wizard.WizardButton.FinishButton).isEnabled()

    driver.back()
    assert wizard.currentId() == PAGE_SETTINGS
    page.password_edit.setText(USERS[ALICE])
    driver.next()
    driver.wait_test_done()
    assert test_page.isComplete(), test_page.error_text.text()
    assert test_page.label_edit.text() == ALICE
    test_page.label_edit.setText("Personal")
    driver.finish()

    account = wizard.account
    assert account is not None
    assert [a.id for a in AccountStore(store.path).accounts] == [account.id]
    assert account.name == "Personal" and account.display_name == "Alice Exemple"
    assert account.identities[0].address == ALICE and account.auth == "password"
    assert keyring.get_password("Facteur", f"{account.id}:password") == USERS[ALICE]
    assert http_site.requests == []
    # No secret on disk: not in the settings, not in the config or data dirs.
    assert files_containing(USERS[ALICE], tmp_path, *data_dirs()) == []


def test_manual_settings_when_nothing_is_found(make_wizard: Any, services: WizardServices, dovecot: Any,
                                               smtp_server: Any, public_ca: Path, accounts: Any) -> None:
    driver = make_wizard()
    driver.identity("Alice", ALICE)
    driver.wait_page(PAGE_MANUAL)
    page = driver.wizard.manual_page
    assert page.imap_form.host.text() == "imap.example.test"  # the usual names, as a starting point
    assert page.imap_form.port.value() == 993 and page.smtp_form.port.value() == 587
    page.imap_form.host.setText("127.0.0.1")
    page.imap_form.security.setCurrentIndex(1)  # STARTTLS: the default port follows
    assert page.imap_form.port.value() == 143
    page.imap_form.port.setValue(dovecot.imap_port)
    page.smtp_form.host.setText("127.0.0.1")
    page.smtp_form.port.setValue(smtp_server.port)
    assert not page.isComplete()  # no password yet
    page.password_edit.setText(USERS[ALICE])
    assert page.isComplete()

    # "None" needs an explicit yes after a clear warning.
    page.smtp_form.security.setCurrentIndex(2)
    assert page.warning.isVisibleTo(page) and page.accept_insecure.isVisibleTo(page)
    assert not page.isComplete()
    page.accept_insecure.setChecked(True)
    assert page.isComplete()
    page.smtp_form.security.setCurrentIndex(1)
    assert not page.warning.isVisibleTo(page)

    driver.next()
    driver.wait_test_done()
    assert driver.wizard.test_page.isComplete(), driver.wizard.test_page.error_text.text()
    driver.finish()
    account = driver.wizard.account
    assert account is not None and account.imap.security == "starttls" and account.imap.port == dovecot.imap_port


def test_unreachable_server_is_named(make_wizard: Any, public_ca: Path) -> None:
    driver = make_wizard()
    driver.identity("Alice", ALICE)
    driver.wait_page(PAGE_MANUAL)
    page = driver.wizard.manual_page
    page.imap_form.host.setText("127.0.0.1")
    page.imap_form.port.setValue(closed_port())
    page.smtp_form.host.setText("127.0.0.1")
    page.password_edit.setText("whatever")
    driver.next()
    driver.wait_test_done()
    test_page = driver.wizard.test_page
    assert test_page.error_title.text() == "Incoming mail server (IMAP): Cannot reach the server"
    assert "refused the connection" in test_page.error_text.text()
    assert not test_page.certificate_button.isVisibleTo(test_page)


def test_connection_test_can_be_stopped(make_wizard: Any, services: WizardServices, qtbot: Any) -> None:
    # A server that accepts the connection and then says nothing: the test would wait for its timeout.
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    services.connection_timeout = 3
    try:
        driver = make_wizard()
        driver.identity("Alice", ALICE)
        driver.wait_page(PAGE_MANUAL)
        page = driver.wizard.manual_page
        page.imap_form.host.setText("127.0.0.1")
        page.imap_form.port.setValue(silent.getsockname()[1])
        page.smtp_form.host.setText("127.0.0.1")
        page.password_edit.setText("whatever")
        driver.next()
        test_page = driver.wizard.test_page
        assert test_page.running and test_page.cancel_button.isVisibleTo(test_page)
        assert "Connecting to 127.0.0.1" in test_page.status.text() or test_page.status.text() == "Connecting…"
        test_page.cancel_button.click()
        assert not test_page.running
        assert test_page.status.text() == "The connection test was stopped."
        assert not test_page.isComplete()
        assert test_page.retry_button.isVisibleTo(test_page)
    finally:
        silent.close()
