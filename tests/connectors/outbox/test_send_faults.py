"""Sending through a link that breaks or stalls at every SMTP step: each message is delivered exactly once, or the
person is told it may have been sent — never sent twice by Facteur itself.

The real SMTP server (aiosmtpd, clear text so the proxy can read the commands) delivers into the real Dovecot;
deliveries are counted in the recipient's mailbox, not in what the client believes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from email.headerregistry import Address
from typing import Any

import pytest

from connectors import create_connector
from connectors.exceptions import AuthenticationError, ConnectionError, TimeoutError, UncertainDeliveryError
from connectors.messaging.compose import build_message, to_wire
from connectors.outbox import Outbox, deliver
from connectors.outbox.delivery import after_sending, confirm_unconfirmed
from tests.conftest import ALICE, BOB, USERS
from tests.connectors.outbox.fake_clock import FakeClock
from tests.servers.ca import TestCA
from tests.servers.dovecot import DovecotServer
from tests.servers.proxy import CommandFaultProxy
from tests.servers.smtp import SMTPServer

STALL_TIMEOUT = 1.0  # seconds the client waits for a stalled answer (the only wait in these tests)


@pytest.fixture(scope="module")
def clear_smtp(ca: TestCA, dovecot: DovecotServer) -> Iterator[SMTPServer]:
    """A submission server without TLS (the proxy must read the commands), delivering into Dovecot."""
    with SMTPServer(ca, USERS, lmtp_socket=dovecot.lmtp_socket, mode="plain") as server:
        yield server


@pytest.fixture
def proxy(clear_smtp: SMTPServer) -> Iterator[CommandFaultProxy]:
    with CommandFaultProxy(clear_smtp.port) as faulty:
        yield faulty


def _smtp(proxy: CommandFaultProxy, timeout: float = STALL_TIMEOUT) -> Any:
    return create_connector("smtp", {
        "host": proxy.host, "port": proxy.port, "username": ALICE, "password": USERS[ALICE], "use_tls": False,
        "allow_insecure_auth": True, "timeout": timeout,
    })


def _build(subject: str, to: list[str], big: bool = False) -> Any:
    # 8 MB outgrows what loopback sockets buffer (4 MB send buffer, the proxy's small receive buffer).
    lines = 160_000 if big else 20
    return build_message(subject=subject, sender=Address("Alice", *ALICE.split("@")),
                         to=[Address("", *addr.split("@")) for addr in to],
                         body=f"Body of {subject} {'x' * 30}\r\n" * lines)


def _queue(outbox: Outbox, subject: str, to: list[str], big: bool = False) -> str:
    msg = _build(subject, to, big)
    return outbox.enqueue(account_id="alice", raw=to_wire(msg), message_id=str(msg["Message-ID"]), sender=ALICE,
                          recipients=to, subject=subject).id


def _copies(dovecot: DovecotServer, user: str, message_id: str, folder: str = "INBOX") -> int:
    """How many messages with this Message-ID the mailbox holds: what the recipient really got."""
    client = dovecot.client(user)
    try:
        client.select_folder(folder, readonly=True)
        return len(client.search(["HEADER", "Message-ID", message_id]))
    finally:
        client.logout()


@dataclass(frozen=True)
class Step:
    pattern: bytes
    action: str
    error: type[Exception]
    words: str  # what the error says about where it broke
    reached_server: bool  # whether the server had the whole message when the link broke
    big: bool = False  # a message larger than the sockets' buffers, so the client is still sending at the cut


STEPS = {
    "cut before MAIL": Step(rb"MAIL FROM:.*", "cut-before", ConnectionError, "at MAIL FROM", False),
    "cut after MAIL": Step(rb"MAIL FROM:.*", "cut-after", ConnectionError, "at MAIL FROM", False),
    "stall at MAIL": Step(rb"MAIL FROM:.*", "stall", TimeoutError, "at MAIL FROM", False),
    "cut during RCPT": Step(rb"RCPT TO:.*", "cut-after", ConnectionError, "RCPT TO", False),
    "stall at RCPT": Step(rb"RCPT TO:.*", "stall", TimeoutError, "RCPT TO", False),
    "cut at DATA": Step(rb"DATA", "cut-after", ConnectionError, "at DATA", False),
    "stall at DATA": Step(rb"DATA", "stall", TimeoutError, "at DATA", False),
    "cut mid-message": Step(rb"Body of .*", "cut-before", ConnectionError, "before its end", False, big=True),
    "stall mid-message": Step(rb"Body of .*", "stall", TimeoutError, "before its end", False, big=True),
    "cut before the dot arrives": Step(rb"\.", "cut-before", UncertainDeliveryError, "after the final '.'", False),
    "cut after the dot": Step(rb"\.", "cut-after", UncertainDeliveryError, "after the final '.'", True),
    "stall after the dot": Step(rb"\.", "stall", UncertainDeliveryError, "did not answer", True),
    "garbled answer to the dot": Step(rb"\.", "garble", UncertainDeliveryError, "after the final '.'", True),
}


@pytest.mark.parametrize("name", list(STEPS))
def test_the_connector_says_where_the_link_broke(name: str, proxy: CommandFaultProxy, dovecot: DovecotServer,
                                                 clear_smtp: SMTPServer, accounts: Any) -> None:
    step = STEPS[name]
    proxy.fault(step.pattern, step.action)
    msg = _build(name, [BOB], step.big)
    smtp = _smtp(proxy)
    before = len(clear_smtp.received)
    try:
        with pytest.raises(step.error) as caught:
            smtp.send_message(msg, [BOB])
    finally:
        smtp.disconnect()
    assert proxy.fired.is_set()
    assert step.words in str(caught.value)
    if step.error is not UncertainDeliveryError:
        assert "not delivered" in str(caught.value)
        assert not isinstance(caught.value, UncertainDeliveryError)
    else:
        assert not isinstance(caught.value, ConnectionError), "a generic network retry must never resend it"
    if step.reached_server:
        clear_smtp.wait_for(before + 1)
    assert _copies(dovecot, BOB, str(msg["Message-ID"])) == (1 if step.reached_server else 0)


def _drain(outbox: Outbox, clock: FakeClock, proxy: CommandFaultProxy, imap_config: dict[str, Any],
           passes: int = 3) -> None:
    """What the send worker does over the next hours: unconfirmed entries are looked for, due ones sent again."""
    for _ in range(passes):
        clock.advance(3600)
        smtp, imap = _smtp(proxy, timeout=10), create_connector("imap", imap_config)
        try:
            for entry in outbox.unconfirmed():
                confirm_unconfirmed(outbox, entry, imap)
            for entry in outbox.due():
                deliver(outbox, entry, smtp=smtp, imap=imap)
            for entry in outbox.copies_pending():
                after_sending(outbox, entry, imap, server_saves_sent=False)
        finally:
            smtp.disconnect()
            imap.disconnect()


def _send_once(outbox: Outbox, entry_id: str, proxy: CommandFaultProxy, imap_config: dict[str, Any]) -> Any:
    smtp, imap = _smtp(proxy), create_connector("imap", imap_config)
    try:
        return deliver(outbox, outbox.get(entry_id), smtp=smtp, imap=imap)
    finally:
        smtp.disconnect()
        imap.disconnect()


@pytest.mark.parametrize("name", list(STEPS))
def test_outbox_delivers_exactly_once_or_asks(name: str, proxy: CommandFaultProxy, outbox: Outbox, clock: FakeClock,
                                              dovecot: DovecotServer, clear_smtp: SMTPServer,
                                              imap_config: dict[str, Any]) -> None:
    step = STEPS[name]
    entry_id = _queue(outbox, name, [BOB], step.big)
    message_id = outbox.get(entry_id).message_id
    before = len(clear_smtp.received)
    proxy.fault(step.pattern, step.action)
    report = _send_once(outbox, entry_id, proxy, imap_config)
    assert step.words in report.error
    if step.reached_server:
        clear_smtp.wait_for(before + 1)  # the server's own delivery, before Facteur looks for the message
    _drain(outbox, clock, proxy, imap_config)
    entry = outbox.get(entry_id)
    if step.error is UncertainDeliveryError:
        # Only Bob got it (or nobody): Sent has no copy and Alice's own mailbox says nothing, so she decides.
        assert report.outcome == "unconfirmed" and entry is not None
        assert (entry.state, entry.error_kind) == ("failed", "interrupted")
        assert "may or may not have reached" in entry.last_error
        assert outbox.due() == [], "never resent by itself"
        assert _copies(dovecot, BOB, message_id) == (1 if step.reached_server else 0)
    else:
        assert report.outcome == "retry", "a break before the final '.' is simply retried"
        assert entry is None, "and the retry went out"
        assert _copies(dovecot, BOB, message_id) == 1


def test_after_the_dot_a_copy_in_her_own_mailbox_settles_it(proxy: CommandFaultProxy, outbox: Outbox,
                                                            dovecot: DovecotServer, clear_smtp: SMTPServer,
                                                            imap_config: dict[str, Any], clock: FakeClock) -> None:
    entry_id = _queue(outbox, "Copy to myself", [BOB, ALICE])
    message_id = outbox.get(entry_id).message_id
    before = len(clear_smtp.received)
    proxy.fault(rb"\.", "cut-after")
    assert _send_once(outbox, entry_id, proxy, imap_config).outcome == "unconfirmed"
    assert outbox.get(entry_id).state == "unconfirmed" and outbox.due() == []
    clear_smtp.wait_for(before + 1)
    _drain(outbox, clock, proxy, imap_config)
    assert outbox.get(entry_id) is None, "found in her INBOX: it was sent"
    assert _copies(dovecot, BOB, message_id) == 1
    assert _copies(dovecot, ALICE, message_id) == 1
    assert _copies(dovecot, ALICE, message_id, "Sent") == 1, "the copy to Sent is still filed"


def test_the_person_decides_send_again_or_it_was_sent(proxy: CommandFaultProxy, outbox: Outbox,
                                                      dovecot: DovecotServer, clear_smtp: SMTPServer,
                                                      imap_config: dict[str, Any], clock: FakeClock) -> None:
    lost = _queue(outbox, "Never arrived", [BOB])
    arrived = _queue(outbox, "Did arrive", [BOB])
    before = len(clear_smtp.received)
    proxy.fault(rb"\.", "cut-before")
    assert _send_once(outbox, lost, proxy, imap_config).outcome == "unconfirmed"
    proxy.fault(rb"\.", "cut-after")
    assert _send_once(outbox, arrived, proxy, imap_config).outcome == "unconfirmed"
    clear_smtp.wait_for(before + 1)
    _drain(outbox, clock, proxy, imap_config, passes=1)
    assert [outbox.get(i).error_kind for i in (lost, arrived)] == ["interrupted", "interrupted"]
    lost_id, arrived_id = outbox.get(lost).message_id, outbox.get(arrived).message_id
    assert outbox.send_now(lost)  # "Send again"
    outbox.confirm_interrupted_as_sent(arrived)  # "It was sent"
    _drain(outbox, clock, proxy, imap_config, passes=1)
    assert outbox.entries() == []
    assert _copies(dovecot, BOB, lost_id) == 1 and _copies(dovecot, BOB, arrived_id) == 1


@pytest.mark.parametrize("action", ["cut-after", "garble", "stall"])
def test_a_broken_auth_exchange_is_not_a_wrong_password(action: str, proxy: CommandFaultProxy,
                                                        accounts: Any) -> None:
    proxy.fault(rb"AUTH .*", action)
    smtp = _smtp(proxy)
    with pytest.raises(ConnectionError) as caught:
        smtp.connect()
    assert not isinstance(caught.value, AuthenticationError)
    wrong = create_connector("smtp", {"host": proxy.host, "port": proxy.port, "username": ALICE,
                                      "password": "not it", "use_tls": False, "allow_insecure_auth": True,
                                      "timeout": STALL_TIMEOUT})
    with pytest.raises(AuthenticationError):
        wrong.connect()  # the same server's real refusal still is one
