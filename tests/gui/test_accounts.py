"""Account settings without secrets, secrets in a real Secret Service keyring, and the credentials provider."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keyring
import pytest

from connectors import create_connector
from connectors.exceptions import ReauthenticationRequired
from gui.accounts import Account, AccountStore, Identity, OAuthClient, ServerSettings
from gui.secrets import KeyringCredentials, delete_secrets, secure_backend_available, store_secret
from tests.conftest import ALICE, USERS


def _account(dovecot: Any, smtp_server: Any, ca: Any) -> Account:
    return Account(
        email=ALICE, display_name="Alice", name="Test",
        imap=ServerSettings("127.0.0.1", dovecot.imaps_port, "ssl", ALICE),
        smtp=ServerSettings("127.0.0.1", smtp_server.port, "starttls", ALICE),
        identities=[Identity("Alice Exemple", ALICE, "-- \nAlice")], ca_file=str(ca.cert_path),
    )


def test_keyring_is_a_real_secret_service() -> None:
    # make test runs pytest under scripts/with-test-session.sh, which provides an unlocked gnome-keyring.
    backend = keyring.get_keyring()
    backends = getattr(backend, "backends", [backend])  # keyring may wrap the viable ones in a chainer
    assert any(type(b).__module__ == "keyring.backends.SecretService" for b in backends), backends
    assert secure_backend_available()


def test_settings_round_trip_without_secrets(tmp_path: Path, dovecot: Any, smtp_server: Any, ca: Any) -> None:
    store = AccountStore(tmp_path / "accounts.json")
    account = _account(dovecot, smtp_server, ca)
    store.add(account)
    store_secret(account.id, "password", USERS[ALICE])
    text = (tmp_path / "accounts.json").read_text()
    assert USERS[ALICE] not in text
    assert (tmp_path / "accounts.json").stat().st_mode & 0o077 == 0
    again = AccountStore(tmp_path / "accounts.json")
    assert again.accounts == [account]
    second = Account(email="b@example.test", imap=account.imap, smtp=account.smtp)
    again.add(second)
    again.move(second.id, 0)
    assert [a.email for a in AccountStore(tmp_path / "accounts.json").accounts] == ["b@example.test", ALICE]
    delete_secrets(account.id)


def test_connectors_get_secrets_from_the_keyring(dovecot: Any, smtp_server: Any, ca: Any,
                                                 accounts: dict[str, str]) -> None:
    account = _account(dovecot, smtp_server, ca)
    store_secret(account.id, "password", USERS[ALICE])
    credentials = KeyringCredentials(account)
    imap = create_connector("imap", account.imap_config(credentials))
    with imap.connection():
        assert imap.select_mailbox("INBOX") == 0
    smtp = create_connector("smtp", account.smtp_config(credentials))
    msg, _ = smtp.build_email("x", [ALICE], "body")
    assert str(msg["From"]) == f"Alice Exemple <{ALICE}>"
    with smtp.connection():
        assert smtp.is_connected()
    assert USERS[ALICE] not in repr(credentials) + repr(imap) + repr(account)
    delete_secrets(account.id)
    assert keyring.get_password("Facteur", f"{account.id}:password") is None


def test_missing_refresh_token_asks_to_sign_in(dovecot: Any, smtp_server: Any, ca: Any) -> None:
    account = _account(dovecot, smtp_server, ca)
    account.auth = "oauth2"
    account.oauth = OAuthClient("cid")
    asked: list[Account] = []
    credentials = KeyringCredentials(account, on_reauth_needed=asked.append)
    with pytest.raises(ReauthenticationRequired):
        credentials.access_token(ALICE)
    assert asked == [account]


@pytest.mark.parametrize(("provider", "smtp_class", "imap_class", "saves_sent"), [
    ("gmail", "GmailConnector", "GmailIMAPConnector", True),
    ("outlook", "OutlookConnector", "OutlookIMAPConnector", True),  # Exchange Online files SMTP mail in Sent Items
    (None, "SMTPConnector", "IMAPConnector", False),
])
def test_sending_uses_the_providers_connectors(tmp_path: Path, provider: str | None, smtp_class: str,
                                               imap_class: str, saves_sent: bool) -> None:
    """The Outbox appends a copy to Sent only where the provider does not file one itself (no duplicates)."""
    from gui.workers.send_worker import keyring_connectors

    store = AccountStore(tmp_path / "accounts.json")
    account = Account("me@example.test", ServerSettings("imap.example.test", 993, "ssl"),
                      ServerSettings("smtp.example.test", 587, "starttls"), auth="oauth2", provider=provider)
    store.add(account)
    link = keyring_connectors(store)(account.id)
    assert link is not None and link.imap is not None
    assert (type(link.smtp).__name__, type(link.imap).__name__) == (smtp_class, imap_class)
    assert link.server_saves_sent is saves_sent
    assert (link.smtp.config.host, link.imap.config.host) == ("smtp.example.test", "imap.example.test")
