"""What the SMTP and IMAP connectors share is written once: the OAuth factory, and breaking a blocked call."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from connectors import create_connector
from connectors.exceptions import ConnectionError
from connectors.messaging.imap import GmailIMAPConnector, IMAPConnector
from connectors.messaging.smtp import GmailConnector


def test_create_with_oauth_is_one_factory_for_both_protocols() -> None:
    assert GmailConnector.create_with_oauth.__func__ is GmailIMAPConnector.create_with_oauth.__func__  # type: ignore[attr-defined]
    made = [
        cls.create_with_oauth("me@gmail.test", "client-id", "client-secret", "refresh-1", timeout=7,
                              oauth={"token_uri": "https://127.0.0.1:1/token"})
        for cls in (GmailConnector, GmailIMAPConnector)
    ]
    smtp, imap = made
    assert isinstance(smtp, GmailConnector) and isinstance(imap, GmailIMAPConnector)
    assert (smtp.config.host, imap.config.host) == ("smtp.gmail.com", "imap.gmail.com")
    for connector in made:
        assert connector.config.use_oauth and connector.config.username == "me@gmail.test"
        assert connector.config.timeout == 7
        assert connector.config.oauth is not None
        assert connector.config.oauth.refresh_token == "refresh-1"
        assert connector.config.oauth.token_uri == "https://127.0.0.1:1/token"
        assert "refresh-1" not in repr(connector) and "client-secret" not in repr(connector)


def test_interrupt_breaks_a_blocked_read_from_another_thread(imap_config: dict[str, Any]) -> None:
    imap = create_connector("imap", imap_config)
    assert isinstance(imap, IMAPConnector)
    imap.interrupt()  # not connected: nothing to do, and no error
    imap.connect()
    try:
        imap.select_mailbox("INBOX")
        client = imap.client
        client.idle()
        outcome: list[BaseException | object] = []
        entered = threading.Event()

        def wait_in_idle() -> None:
            entered.set()
            try:
                with imap.session("IDLE") as idle_client:
                    outcome.append(idle_client.idle_check(timeout=120))
                    idle_client.idle_done()
            except BaseException as exc:  # noqa: BLE001 - the test inspects it
                outcome.append(exc)

        waiter = threading.Thread(target=wait_in_idle)
        waiter.start()
        assert entered.wait(10)
        imap.interrupt()
        waiter.join(30)  # a bound far below the 120 s the read would otherwise block for
        assert not waiter.is_alive()
        # idle_check swallows the EOF; idle_done() then meets the shut-down socket.
        assert isinstance(outcome[-1], ConnectionError), outcome
        imap.interrupt()  # again, on a dead socket: still no error
    finally:
        imap.disconnect()
    with pytest.raises(ConnectionError):
        imap.client  # noqa: B018 - disconnected
