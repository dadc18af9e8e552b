"""A dropped, stalled or garbled link during IMAP LOGIN/AUTHENTICATE is a connection problem, never "wrong
password": only the server's own NO/BAD refuses credentials (real Dovecot behind a fault-injecting proxy)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from connectors import create_connector
from connectors.exceptions import AuthenticationError, ConnectionError, TimeoutError
from tests.conftest import ALICE, CAROL, USERS
from tests.servers.dovecot import DovecotServer
from tests.servers.proxy import CommandFaultProxy

STALL_TIMEOUT = 1.0


@pytest.fixture
def proxy(dovecot: DovecotServer, accounts: Any) -> Iterator[CommandFaultProxy]:
    with CommandFaultProxy(dovecot.imap_port) as faulty:  # clear text: the proxy must read the commands
        yield faulty


def _imap(proxy: CommandFaultProxy, user: str, password: str) -> Any:
    return create_connector("imap", {"host": proxy.host, "port": proxy.port, "username": user,
                                     "password": password, "use_ssl": False, "use_tls": False,
                                     "allow_insecure_auth": True, "timeout": STALL_TIMEOUT})


# ALICE's password is ASCII (LOGIN); CAROL's is not, so it travels by AUTHENTICATE PLAIN.
COMMANDS = {ALICE: rb"\S+ LOGIN .*", CAROL: rb"\S+ AUTHENTICATE PLAIN.*"}


@pytest.mark.parametrize("user", [ALICE, CAROL])
@pytest.mark.parametrize("action", ["cut-before", "cut-after", "garble", "stall"])
def test_a_broken_link_during_login_is_a_connection_error(user: str, action: str,
                                                          proxy: CommandFaultProxy) -> None:
    proxy.fault(COMMANDS[user], action)
    imap = _imap(proxy, user, USERS[user])
    with pytest.raises(ConnectionError) as caught:
        imap.connect()
    assert proxy.fired.is_set()
    assert not isinstance(caught.value, AuthenticationError)
    if action == "stall":
        assert isinstance(caught.value, TimeoutError)
    assert USERS[user] not in str(caught.value)
    imap.connect()  # the link is fine again: the same credentials work
    assert imap.list_mailboxes()
    imap.disconnect()


@pytest.mark.parametrize("user", [ALICE, CAROL])
def test_a_refused_password_still_is_an_authentication_error(user: str, proxy: CommandFaultProxy) -> None:
    imap = _imap(proxy, user, USERS[user] + "-wrong")
    with pytest.raises(AuthenticationError) as caught:
        imap.connect()
    assert "AUTHENTICATIONFAILED" in str(caught.value) or "Authentication failed" in str(caught.value)
