"""Failures a person can act on: wrong password, closed port, untrusted certificate, no STARTTLS, silence."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors import create_connector
from connectors.exceptions import (
    AuthenticationError,
    CertificateError,
    ConnectionError,
    InsecureConnectionError,
    TimeoutError,
)
from tests.conftest import ALICE, USERS
from tests.servers.dovecot import DovecotServer
from tests.servers.smtp import SMTPServer

WRONG = "definitely-wrong-password"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts TCP connections and then never says a word."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(5)
        yield int(sock.getsockname()[1])


@pytest.mark.parametrize("kind", ["imap", "smtp"])
def test_wrong_password(kind: str, imap_config: dict[str, Any], smtp_config: dict[str, Any]) -> None:
    config = {**(imap_config if kind == "imap" else smtp_config), "password": WRONG}
    connector = create_connector(kind, config)
    with pytest.raises(AuthenticationError) as info:
        connector.connect()
    text = str(info.value)
    assert ALICE in text and f"127.0.0.1:{config['port']}" in text
    assert WRONG not in text and WRONG not in repr(info.value.args)
    assert not connector.is_connected()


@pytest.mark.parametrize("kind", ["imap", "smtp"])
def test_closed_port_names_host_and_port(kind: str, ca: Any) -> None:
    port = _closed_port()
    connector = create_connector(kind, {"host": "127.0.0.1", "port": port, "username": ALICE, "password": "x",
                                        "ca_file": str(ca.cert_path)})
    with pytest.raises(ConnectionError) as info:
        connector.connect()
    assert f"127.0.0.1:{port}" in str(info.value)
    assert "refused" in str(info.value)


@pytest.mark.parametrize("kind", ["imap", "smtp"])
def test_silent_server_times_out(kind: str, silent_port: int) -> None:
    connector = create_connector(kind, {"host": "127.0.0.1", "port": silent_port, "username": ALICE,
                                        "password": "x", "timeout": 1})
    # The error names the timeout it used; how long the connector really waited is measured by bench/timings.
    with pytest.raises(TimeoutError, match=f"127.0.0.1:{silent_port}.*1 s"):
        connector.connect()


@pytest.mark.parametrize("kind", ["imap", "smtp"])
def test_untrusted_certificate(kind: str, imap_config: dict[str, Any], smtp_config: dict[str, Any]) -> None:
    config = dict(imap_config if kind == "imap" else smtp_config)
    del config["ca_file"]  # the per-run CA is not among the system's
    with pytest.raises(CertificateError) as info:
        create_connector(kind, config).connect()
    assert "not trusted" in str(info.value) and "issuer" in info.value.reason
    # verify_ssl=False is honoured when (and only when) asked for.
    connector = create_connector(kind, {**config, "verify_ssl": False})
    with connector.connection():
        assert connector.is_connected()


def test_wrong_host_name_in_certificate(tmp_path: Path, ca: Any) -> None:
    """A certificate from the trusted CA but for another host name is refused."""
    cert = ca.issue("elsewhere", hostnames=("mail.elsewhere.test",))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert.cert_path, cert.key_path)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]

        def serve() -> None:
            conn, _ = listener.accept()
            with contextlib.suppress(OSError), context.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(b"* OK ready\r\n")

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        connector = create_connector("imap", {"host": "127.0.0.1", "port": port, "username": ALICE,
                                              "password": "x", "ca_file": str(ca.cert_path), "timeout": 5})
        with pytest.raises(CertificateError, match="mismatch|match"):
            connector.connect()
        thread.join(5)


def test_imap_starttls_not_offered_is_refused(tmp_path: Path, ca: Any) -> None:
    with DovecotServer(tmp_path / "clear", ca, USERS, ssl=False) as server:
        config = {"host": "127.0.0.1", "port": server.imap_port, "username": ALICE, "password": USERS[ALICE],
                  "use_ssl": False, "use_tls": True, "ca_file": str(ca.cert_path)}
        with pytest.raises(InsecureConnectionError, match="does not offer STARTTLS"):
            create_connector("imap", config).connect()
        # No encryption at all: the password is not sent unless explicitly allowed.
        clear = {**config, "use_tls": False}
        with pytest.raises(InsecureConnectionError, match="unencrypted"):
            create_connector("imap", clear).connect()
        allowed = create_connector("imap", {**clear, "allow_insecure_auth": True})
        with allowed.connection():
            assert allowed.select_mailbox("INBOX") >= 0


def test_smtp_starttls_not_offered_is_refused(ca: Any) -> None:
    with SMTPServer(ca, USERS, lmtp_socket=None, mode="plain") as server:
        config = {"host": "127.0.0.1", "port": server.port, "username": ALICE, "password": USERS[ALICE],
                  "use_tls": True}
        with pytest.raises(InsecureConnectionError, match="does not offer STARTTLS"):
            create_connector("smtp", config).connect()
        with pytest.raises(InsecureConnectionError, match="unencrypted"):
            create_connector("smtp", {**config, "use_tls": False}).connect()
        assert server.auth_log == []  # no credentials ever reached the server


def test_message_too_large_for_server(smtp_config: dict[str, Any], ca: Any, dovecot: DovecotServer) -> None:
    from connectors.exceptions import MessageTooLargeError

    with SMTPServer(ca, USERS, lmtp_socket=dovecot.lmtp_socket, data_size_limit=50_000) as server:
        smtp = create_connector("smtp", {**smtp_config, "port": server.port})
        with smtp.connection(), pytest.raises(MessageTooLargeError, match="at most"):
            smtp.send_email(subject="big", recipients=[ALICE], body="x" * 100_000)
