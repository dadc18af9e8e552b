"""Secrets stay out of errors and logs: SASL blobs, keyring passwords quoted back by a server, and verify_ssl=False."""

from __future__ import annotations

import base64
import logging
from typing import Any

import pytest

from connectors import create_connector
from connectors.config import config_from_env
from connectors.exceptions import ConnectorError, MessageError, SecretsUnavailable, redact
from connectors.messaging.sasl import build_xoauth2_string
from tests.conftest import ALICE, BOB, USERS

SECRET = "hunter2-ü-très-secret"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


PLAIN_BLOB = _b64(b"\0" + ALICE.encode() + b"\0" + SECRET.encode())
XOAUTH2_BLOB = _b64(build_xoauth2_string(ALICE, "ya29.a0-access-token").encode())


@pytest.mark.parametrize(
    ("text", "secrets"),
    [
        (f"535 5.7.8 AUTH PLAIN {PLAIN_BLOB} refused", [SECRET]),  # the blob, secret known
        (f"535 5.7.8 AUTH PLAIN {PLAIN_BLOB} refused", []),  # the blob by its shape alone
        (f"echo: {PLAIN_BLOB[6:]}", [SECRET]),  # cut at an arbitrary offset: another base64 alignment
        (f"334 {XOAUTH2_BLOB}", []),  # an XOAUTH2 initial response
        ("user=alice\x01auth=Bearer ya29.a0-access-token\x01\x01", []),  # the same, before base64
        (f"bad password {SECRET} and {_b64(SECRET.encode())}", [SECRET]),
    ],
)
def test_redact_hides_secrets_in_every_form(text: str, secrets: list[str]) -> None:
    cleaned = redact(text, secrets)
    assert SECRET not in cleaned and "ya29.a0-access-token" not in cleaned
    assert PLAIN_BLOB not in cleaned and XOAUTH2_BLOB not in cleaned and PLAIN_BLOB[6:] not in cleaned
    assert "***" in cleaned


def test_redact_leaves_ordinary_server_words_alone() -> None:
    text = "NO [TRYCREATE] Mailbox doesn't exist: Archives2026 (0.001 + 0.000 secs). UIDVALIDITY 1764578123"
    assert redact(text, ["pw", SECRET]) == text


class KeyringLikeProvider:
    """A credentials provider as the app's keyring one behaves: the password never appears in the config dict."""

    def __init__(self, password: str) -> None:
        self._password = password
        self.asked = 0

    def password(self, username: str, host: str) -> str:
        self.asked += 1
        return self._password

    def access_token(self, username: str, *, force_refresh: bool = False) -> str:
        raise SecretsUnavailable("no token")


def test_provider_password_is_scrubbed_from_later_server_errors(smtp_server: Any,
                                                                smtp_config: dict[str, Any]) -> None:
    """A server that quotes the password back after login (here, in a refused DATA): the error shows ***."""
    password = USERS[ALICE]
    provider = KeyringLikeProvider(password)
    config = {key: value for key, value in smtp_config.items() if key != "password"}
    smtp = create_connector("smtp", {**config, "credentials": provider})
    plain = _b64(b"\0" + ALICE.encode() + b"\0" + password.encode())
    smtp_server.fail_data_with = (554, f"5.7.1 rejected, your password is {password} ({plain})")
    try:
        with smtp.connection(), pytest.raises(MessageError) as info:
            smtp.send_email(subject="Hi", recipients=[BOB], body="Hello")
    finally:
        smtp_server.fail_data_with = None
    assert provider.asked == 1
    text = str(info.value)
    assert "554" in text and "rejected" in text
    assert password not in text and plain not in text and "***" in text


def test_secrets_unavailable_is_a_connector_error() -> None:
    """A locked keyring travels through the connectors' one hierarchy, so every worker's handler sees it."""
    assert issubclass(SecretsUnavailable, ConnectorError)


def test_verify_ssl_false_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    base = {"host": "imap.example.test", "username": ALICE, "password": "x"}
    with caplog.at_level(logging.WARNING, logger="connectors"):
        create_connector("imap", base)
    assert not [r for r in caplog.records if "verification" in r.getMessage()]
    with caplog.at_level(logging.WARNING, logger="connectors"):
        create_connector("imap", {**base, "verify_ssl": False})
    warned = [r.getMessage() for r in caplog.records if "verification is OFF" in r.getMessage()]
    assert warned and "imap.example.test:993" in warned[0]
    caplog.clear()
    env = {"IMAP_HOST": "imap.example.test", "IMAP_USERNAME": ALICE, "IMAP_PASSWORD": "x",
           "IMAP_VERIFY_SSL": "false"}
    with caplog.at_level(logging.WARNING, logger="connectors"):
        create_connector("imap", config_from_env("imap", env))
    messages = [r.getMessage() for r in caplog.records]
    assert any("IMAP_VERIFY_SSL" in m for m in messages)
    assert any("verification is OFF" in m for m in messages)
    assert all("x" != m for m in messages)
