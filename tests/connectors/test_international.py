"""International addresses (IDNA domains, SMTPUTF8 local parts) and a neutral EHLO, on the real aiosmtpd server."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email import policy
from typing import Any

import pytest

from connectors import create_connector
from connectors.exceptions import MessageError
from tests.conftest import ALICE, USERS
from tests.servers.ca import TestCA
from tests.servers.smtp import SMTPServer


def _server(ca: TestCA, *, smtputf8: bool) -> Iterator[SMTPServer]:
    # No LMTP: Dovecot has no mailbox at bücher.example (and its LMTP offers no SMTPUTF8); the server records.
    with SMTPServer(ca, USERS, lmtp_socket=None, smtputf8=smtputf8) as server:
        yield server


@pytest.fixture
def plain_server(ca: TestCA) -> Iterator[SMTPServer]:
    yield from _server(ca, smtputf8=False)


@pytest.fixture
def utf8_server(ca: TestCA) -> Iterator[SMTPServer]:
    yield from _server(ca, smtputf8=True)


def _smtp(server: SMTPServer, ca: TestCA) -> Any:
    return create_connector("smtp", {"host": "127.0.0.1", "port": server.port, "username": ALICE,
                                     "password": USERS[ALICE], "use_tls": True, "ca_file": str(ca.cert_path),
                                     "timeout": 10})


def test_international_domain_travels_as_idna(plain_server: SMTPServer, ca: TestCA) -> None:
    _smtp(plain_server, ca).send_email(subject="Grüße", recipients=["Bob <bob@bücher.example>"], body="Hallo")
    received = plain_server.received[-1]
    assert received.rcpt_tos == ["bob@xn--bcher-kva.example"]
    assert "SMTPUTF8" not in received.mail_options  # an ASCII local part needs nothing more
    message = email.message_from_bytes(received.data, policy=policy.default)
    assert message["To"].addresses[0].addr_spec == "bob@xn--bcher-kva.example"
    assert received.data.split(b"\r\n\r\n", 1)[0].isascii()


def test_international_local_part_uses_smtputf8_when_offered(utf8_server: SMTPServer, ca: TestCA) -> None:
    _smtp(utf8_server, ca).send_email(subject="Hola", recipients=["josé@example.com"], body="¿Qué tal?")
    received = utf8_server.received[-1]
    assert received.rcpt_tos == ["josé@example.com"]
    assert "SMTPUTF8" in received.mail_options
    message = email.message_from_string(received.data.decode("utf-8"), policy=policy.default)
    assert message["To"].addresses[0].addr_spec == "josé@example.com"
    assert "josé@example.com".encode() in received.data  # an RFC 6532 header, not RFC 2047 inside the address


def test_international_local_part_without_smtputf8_is_a_clear_error(plain_server: SMTPServer, ca: TestCA) -> None:
    with pytest.raises(MessageError) as info:
        _smtp(plain_server, ca).send_email(subject="Hola", recipients=[BOB_ASCII, "josé@example.com"], body="Hi")
    assert "josé@example.com" in str(info.value) and "SMTPUTF8" in str(info.value)
    assert not info.value.temporary
    assert plain_server.received == []  # refused before MAIL FROM: nobody got half of it


BOB_ASCII = "bob@example.test"


@pytest.mark.parametrize(
    "address", ["bob@ex\u00e4mple-.test", "bob@exa\u200bmple..test", "bob@[192.0.2.1\u00e9]", "bob@\u2603.example"]
)
def test_undeliverable_domain_names_the_address(address: str) -> None:
    smtp = create_connector("smtp", {"host": "smtp.example.test", "username": ALICE, "password": "x"})
    with pytest.raises(MessageError) as info:
        smtp.build_email("Hi", [address], "Hello")
    assert address in str(info.value) or repr(address) in str(info.value)


def test_ehlo_names_the_connection_not_the_machine(plain_server: SMTPServer, ca: TestCA) -> None:
    _smtp(plain_server, ca).send_email(subject="Hi", recipients=[BOB_ASCII], body="Hello")
    ehlo = plain_server.received[-1].ehlo_name
    assert ehlo == "[127.0.0.1]"
    assert socket.gethostname() not in (ehlo or "")
