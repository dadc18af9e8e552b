"""An untrusted certificate: the wizard says so, shows it, and pins it for this account when the person trusts it.

Against the real Dovecot and SMTP servers, whose certificates come from the per-run CA — which is NOT given at
first, as for a self-hosted server with its own authority.
"""

from __future__ import annotations

import hashlib
import ssl
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from connectors import create_connector
from connectors.config import ServerConfig
from connectors.exceptions import CertificateError
from connectors.messaging.transport import make_ssl_context
from gui.accounts import AccountStore
from gui.cert_trust import UntrustedCertificate, certificate_info, fetch_presented_chain, pin_path
from gui.wizard.certificate_dialog import CertificateDialog
from gui.wizard.page_ids import PAGE_MANUAL
from tests.conftest import ALICE, USERS


def fingerprint_of(host: str, port: int) -> str:
    der = ssl.PEM_cert_to_DER_cert(ssl.get_server_certificate((host, port)))
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def leaf_pins_work(ca_file: str) -> bool:
    """Whether the connectors accept a pinned leaf as a trust anchor (OpenSSL's partial-chain flag)."""
    context = make_ssl_context(ServerConfig(host="h", port=1, username="u", ca_file=ca_file))
    return bool(context.verify_flags & ssl.VERIFY_X509_PARTIAL_CHAIN)


def manual_to_test_servers(make_wizard: Any, dovecot: Any, smtp_server: Any) -> Any:
    driver = make_wizard()
    driver.identity("Alice", ALICE)
    driver.wait_page(PAGE_MANUAL)
    page = driver.wizard.manual_page
    page.imap_form.host.setText("127.0.0.1")
    page.imap_form.port.setValue(dovecot.imaps_port)
    page.smtp_form.host.setText("127.0.0.1")
    page.smtp_form.port.setValue(smtp_server.port)
    page.password_edit.setText(USERS[ALICE])
    driver.next()
    driver.wait_test_done()
    return driver


def test_untrusted_certificate_is_shown_and_pinned(make_wizard: Any, dovecot: Any, smtp_server: Any, ca: Any,
                                                    accounts: Any, store: AccountStore, qtbot: Any) -> None:
    driver = manual_to_test_servers(make_wizard, dovecot, smtp_server)
    test_page = driver.wizard.test_page
    assert test_page.error_title.text() == "Incoming mail server (IMAP): Untrusted certificate"
    assert test_page.certificate_button.isVisibleTo(test_page)
    error = test_page.last_error
    assert isinstance(error, UntrustedCertificate) and error.can_be_trusted

    test_page.certificate_button.click()
    dialog = test_page.findChild(CertificateDialog)
    assert dialog is not None and dialog.isVisible()

    def label(name: str) -> str:
        widget = dialog.findChild(QLabel, name)
        assert widget is not None, name
        return widget.text()

    assert label("certFingerprint").replace("\n", ":") == fingerprint_of("127.0.0.1", dovecot.imaps_port)
    assert label("certIssuer") == "Facteur Test CA"
    assert "127.0.0.1" in label("certHostnames") and label("certSubject") == "localhost"
    assert label("certNotAfter").endswith("UTC")
    assert dialog.trust_button is not None

    dialog.trust_button.click()
    pin = pin_path(driver.wizard.draft.id)
    assert driver.wizard.draft.ca_file == str(pin)
    leaf_pem = ssl.DER_cert_to_PEM_cert(ssl.PEM_cert_to_DER_cert(ssl.get_server_certificate(
        ("127.0.0.1", dovecot.imaps_port))))
    assert leaf_pem.strip() in pin.read_text()
    assert Path(ca.cert_path).read_text().strip() not in pin.read_text()  # the leaf only, not its whole CA
    assert test_page.running  # tested again at once
    driver.wait_test_done()

    assert leaf_pins_work(str(pin))  # the pinned leaf is a trust anchor (VERIFY_X509_PARTIAL_CHAIN)
    # IMAP now passes; SMTP's certificate (another leaf of the same unknown CA) is the next to judge.
    assert test_page.error_title.text() == "Outgoing mail server (SMTP): Untrusted certificate"
    test_page.trust_shown_certificate()
    driver.wait_test_done()
    assert test_page.isComplete(), test_page.error_text.text()
    driver.finish()
    assert driver.wizard.account is not None and driver.wizard.account.ca_file == str(pin)


def test_cancelling_the_wizard_forgets_a_trusted_certificate(make_wizard: Any, dovecot: Any, smtp_server: Any,
                                                             accounts: Any) -> None:
    driver = manual_to_test_servers(make_wizard, dovecot, smtp_server)
    driver.wizard.test_page.trust_shown_certificate()
    pin = pin_path(driver.wizard.draft.id)
    assert pin.exists()
    driver.wait_test_done()
    driver.wizard.reject()
    assert not pin.exists()


def test_presented_chain_after_starttls(smtp_server: Any, dovecot: Any) -> None:
    smtp_chain = fetch_presented_chain("127.0.0.1", smtp_server.port, "starttls", "smtp", 5)
    imap_chain = fetch_presented_chain("127.0.0.1", dovecot.imap_port, "starttls", "imap", 5)
    for chain in (smtp_chain, imap_chain):
        assert len(chain) == 1 and chain[0].issuer == "Facteur Test CA" and not chain[0].self_signed
    assert imap_chain[0].sha256 == fingerprint_of("127.0.0.1", dovecot.imaps_port)  # Dovecot's one certificate


def test_wrong_host_name_cannot_be_trusted_away(dovecot: Any, qtbot: Any) -> None:
    chain = fetch_presented_chain("127.0.0.1", dovecot.imaps_port, "ssl", "imap", 5)
    error = UntrustedCertificate(CertificateError("not trusted", "mail.example.test", 993,
                                                  reason="Hostname mismatch, certificate is not valid for "
                                                         "'mail.example.test'."), "imap", chain)
    assert not error.can_be_trusted
    dialog = CertificateDialog(error)
    qtbot.addWidget(dialog)
    assert dialog.trust_button is None


def test_only_the_leaf_is_pinned_never_the_root_the_server_sent(ca: Any) -> None:
    from gui.cert_trust import certificates_to_pin

    root = certificate_info(ssl.PEM_cert_to_DER_cert(Path(ca.cert_path).read_text()))
    leaf_cert = ca.issue("pin-test")
    leaf = certificate_info(ssl.PEM_cert_to_DER_cert(Path(leaf_cert.cert_path).read_text()))
    assert root.self_signed and not leaf.self_signed
    assert certificates_to_pin([leaf]) == [leaf]
    # Trusting a presented root would trust everything it signs, for any name: the person judged the leaf.
    assert certificates_to_pin([leaf, root]) == [leaf]
    assert certificates_to_pin([root]) == [root]  # a self-signed server certificate is its own leaf


def test_a_pin_adds_to_the_system_authorities_at_each_connection(tmp_path: Path, dovecot: Any,
                                                                 smtp_server: Any) -> None:
    """The pin file holds the trusted certificate only (0600); the system's authorities are loaded when connecting,
    so the pinned server and one with a public certificate are both accepted, and an older pin file's frozen copy
    of the system bundle is dropped when it is rewritten."""
    import os

    from gui.cert_trust import trust_certificates

    chain = fetch_presented_chain("127.0.0.1", dovecot.imaps_port, "ssl", "imap", 5)
    old = tmp_path / "old-pin.pem"  # what an older Facteur wrote: the whole system bundle, then the pin
    system_bundle = ssl.get_default_verify_paths().cafile
    assert system_bundle is not None
    old.write_text(Path(system_bundle).read_text() + chain[0].pem)
    pin = trust_certificates("pin-account", chain, str(old))
    text = pin.read_text()
    assert text.count("BEGIN CERTIFICATE") == 1 and chain[0].pem.strip() in text
    assert os.stat(pin).st_mode & 0o777 == 0o600

    context = make_ssl_context(ServerConfig(host="127.0.0.1", port=dovecot.imaps_port, username="u",
                                            extra_ca_file=str(pin)))
    system_only = ssl.create_default_context()
    assert context.cert_store_stats()["x509"] == system_only.cert_store_stats()["x509"] + 1  # system's + the pin
    imap = create_connector("imap", {"host": "127.0.0.1", "port": dovecot.imaps_port, "username": ALICE,
                                     "password": USERS[ALICE], "extra_ca_file": str(pin), "timeout": 10})
    with imap.connection():
        assert imap.is_connected()
    # A pin is not an authority: another certificate of the same CA (the SMTP server's) is still refused.
    smtp = create_connector("smtp", {"host": "127.0.0.1", "port": smtp_server.port, "username": ALICE,
                                     "password": USERS[ALICE], "extra_ca_file": str(pin), "timeout": 10})
    with pytest.raises(CertificateError):
        smtp.connect()
