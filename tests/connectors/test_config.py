"""Configuration, building messages and the public surface, without a network."""

from __future__ import annotations

import email
import socket
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest

from connectors import create_connector
from connectors.exceptions import ConfigurationError, ConnectorError, MessageError, MessageTooLargeError

SMTP = {"host": "smtp.example.test", "port": 587, "username": "me@example.test", "password": "s3cret-pw",
        "use_tls": True}
IMAP = {"host": "imap.example.test", "port": 993, "username": "me@example.test", "password": "s3cret-pw",
        "use_ssl": True}


def test_unknown_kind_lists_the_known_ones() -> None:
    with pytest.raises(ConfigurationError) as info:
        create_connector("pop3", SMTP)
    for kind in ("smtp", "imap", "gmail", "gmail_imap"):
        assert repr(kind) in str(info.value)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"host": None}, "host"),
        ({"username": None}, "username"),
        ({"password": None}, "password"),
        ({"port": "abc"}, "port"),
        ({"port": 70000}, "port"),
        ({"use_tls": "maybe"}, "use_tls"),
        ({"timeout": -1}, "timeout"),
        ({"ca_file": "/no/such/ca.pem"}, "ca_file"),
        ({"use_oauth": True, "password": None}, "oauth"),
        ({"use_oauth": True, "oauth": {"client_id": "x"}}, "oauth.refresh_token"),
    ],
)
def test_missing_or_invalid_field_is_named(change: dict[str, object], field: str) -> None:
    config = {**SMTP, **change}
    config = {k: v for k, v in config.items() if v is not None}
    with pytest.raises(ConfigurationError) as info:
        create_connector("smtp", config)
    assert info.value.field == field
    assert field.split(".")[0] in str(info.value)


@pytest.mark.parametrize(
    ("kind", "config", "expected"),
    [
        ("smtp", {}, ("smtp.example.test", 587, False, True)),
        ("smtp", {"port": 465}, ("smtp.example.test", 465, True, False)),
        ("smtp", {"port": None, "use_ssl": True}, ("smtp.example.test", 465, True, False)),
        ("imap", {}, ("imap.example.test", 993, True, False)),
        ("imap", {"port": 143, "use_ssl": False, "use_tls": True}, ("imap.example.test", 143, False, True)),
        ("imap", {"port": None, "use_ssl": None, "use_tls": True}, ("imap.example.test", 143, False, True)),
        ("gmail", {"host": None, "port": None, "use_tls": None}, ("smtp.gmail.com", 587, False, True)),
        ("gmail_imap", {"host": None, "port": None, "use_ssl": None}, ("imap.gmail.com", 993, True, False)),
    ],
)
def test_secure_defaults(kind: str, config: dict[str, object], expected: tuple[object, ...]) -> None:
    base = SMTP if kind in ("smtp", "gmail") else IMAP
    merged = {k: v for k, v in {**base, **config}.items() if v is not None}
    connector = create_connector(kind, merged)
    cfg = connector.config
    assert (cfg.host, cfg.port, cfg.use_ssl, cfg.use_tls) == expected
    assert cfg.verify_ssl


def test_environment_variables_when_no_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_HOST", "smtp.env.test")
    monkeypatch.setenv("SMTP_PORT", "2525")
    monkeypatch.setenv("SMTP_USERNAME", "env@example.test")
    monkeypatch.setenv("SMTP_PASSWORD", "pw")
    monkeypatch.setenv("SMTP_USE_TLS", "True")
    smtp = create_connector("smtp")
    assert (smtp.config.host, smtp.config.port, smtp.config.use_tls) == ("smtp.env.test", 2525, True)
    monkeypatch.setenv("GMAIL_USERNAME", "me@gmail.com")
    monkeypatch.setenv("GMAIL_PASSWORD", "app-password")
    gmail = create_connector("gmail_imap")
    assert (gmail.config.username, gmail.config.host) == ("me@gmail.com", "imap.gmail.com")


def test_no_config_and_no_environment_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IMAP_HOST", "IMAP_PORT", "IMAP_USERNAME", "IMAP_PASSWORD", "IMAP_USE_SSL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigurationError, match="IMAP_HOST"):
        create_connector("imap")


def test_secrets_stay_out_of_repr() -> None:
    oauth = {"username": "me@gmail.com", "use_oauth": True,
             "oauth": {"client_id": "cid", "client_secret": "client-s3cret", "refresh_token": "refresh-s3cret"}}
    for connector in (create_connector("smtp", SMTP), create_connector("imap", IMAP), create_connector("gmail", oauth)):
        text = repr(connector) + repr(connector.config) + repr(connector.credentials)
        for secret in ("s3cret-pw", "client-s3cret", "refresh-s3cret"):
            assert secret not in text


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_oversized_attachment_refused_before_any_connection(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"\0" * 2048)
    # The port is closed: reaching the network would raise ConnectionError instead.
    smtp = create_connector("smtp", {**SMTP, "host": "127.0.0.1", "port": _closed_port(), "max_attachment_size": 1024})
    with pytest.raises(MessageTooLargeError, match="big.bin"):
        smtp.send_email(subject="x", recipients=["a@example.test"], body="x", attachments=[str(big)])
    assert not smtp.is_connected()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"subject": "Hello\r\nBcc: victim@example.test"},
        {"subject": "Hello\nX-Evil: 1"},
        {"recipients": ["a@example.test\r\nBcc: victim@example.test"]},
        {"cc": ["ok@example.test", "b@example.test\nX: y"]},
        {"reply_to": "r@example.test\r\nX: y"},
        {"sender_name": "Eve\r\nBcc: victim@example.test"},
        {"headers": {"X-Tag": "a\r\nBcc: victim@example.test"}},
        {"in_reply_to": "<a@b>\r\nBcc: victim@example.test"},
    ],
)
def test_header_injection_is_refused(kwargs: dict[str, object]) -> None:
    smtp = create_connector("smtp", {**SMTP, "host": "127.0.0.1", "port": _closed_port()})
    args: dict[str, object] = {"subject": "Hello", "recipients": ["a@example.test"], "body": "x", **kwargs}
    with pytest.raises(MessageError, match="line break"):
        smtp.send_email(**args)


def test_invalid_recipient_is_refused() -> None:
    smtp = create_connector("smtp", SMTP)
    with pytest.raises(MessageError, match="not a valid e-mail address"):
        smtp.build_email("x", ["not an address"], "body")
    with pytest.raises(MessageError, match="no recipient"):
        smtp.build_email("x", [], "body")


def test_directory_attachment_is_refused(tmp_path: Path) -> None:
    smtp = create_connector("smtp", SMTP)
    with pytest.raises(MessageError, match="directory"):
        smtp.build_email("x", ["a@example.test"], "body", attachments=[str(tmp_path)])


def test_built_message_structure(tmp_path: Path) -> None:
    attachment = tmp_path / "Présentation été.pdf"
    attachment.write_bytes(b"%PDF-1.4 test")
    smtp = create_connector("smtp", {**SMTP, "sender_name": "Zoé Exemple"})
    msg, envelope = smtp.build_email(
        "Réunion 📅", ["Bob <bob@example.test>"], "Texte", "<p>Texte</p>", [str(attachment)],
        cc=["carol@example.test"], bcc=["dave@example.test"], reply_to="replies@example.test",
    )
    assert envelope == ["bob@example.test", "carol@example.test", "dave@example.test"]
    raw = msg.as_bytes()
    assert b"dave@example.test" not in raw  # Bcc never appears in the headers
    assert raw.isascii()
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == "Réunion 📅"
    assert parsed["From"].addresses[0].display_name == "Zoé Exemple"
    assert parsed.get_content_type() == "multipart/mixed"
    alternative = next(p for p in parsed.iter_parts() if p.get_content_type() == "multipart/alternative")
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    part = next(parsed.iter_attachments())
    assert part.get_filename() == "Présentation été.pdf"
    assert part.get_content_type() == "application/pdf"
    assert b"filename*=utf-8''Pr%C3%A9sentation" in raw  # RFC 2231
    assert part.get_content() == b"%PDF-1.4 test"


def test_errors_share_one_root() -> None:
    from connectors import exceptions

    for name in ("ConnectionError", "AuthenticationError", "ConfigurationError", "MessageError", "SSLError",
                 "CertificateError", "TimeoutError", "InsecureConnectionError", "ReauthenticationRequired",
                 "MailboxNotFoundError", "MessageTooLargeError"):
        assert issubclass(getattr(exceptions, name), ConnectorError)
    assert issubclass(exceptions.ConnectionError, ConnectionError)  # the builtin too


def test_importing_connectors_loads_no_qt() -> None:
    code = (
        "import sys, connectors, connectors.messaging.smtp, connectors.messaging.imap, "
        "connectors.messaging.oauth_utils, connectors.messaging.mime\n"
        "import pkgutil, importlib\n"
        "for m in pkgutil.walk_packages(connectors.__path__, 'connectors.'): importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6', 'shiboken6')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
