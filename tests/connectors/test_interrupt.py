"""Breaking a blocked connect from another thread: quitting never waits for a silent server."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from connectors import create_connector
from connectors.exceptions import ConnectorError
from connectors.interrupt import Interrupter
from tests.conftest import ALICE
from tests.servers.silent import SilentServer


def _connect_in_thread(interrupter: Interrupter, connector: Any) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        with interrupter.watching():
            try:
                connector.connect()
            except BaseException as exc:  # noqa: BLE001 - the test reads it
                errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


@pytest.mark.parametrize(("kind", "security"), [("imap", {"use_ssl": True}), ("imap", {"use_tls": True}),
                                                 ("smtp", {"use_ssl": True}), ("smtp", {"use_tls": True})])
def test_a_connect_waiting_for_a_silent_server_is_broken_at_once(kind: str, security: dict[str, bool]) -> None:
    with SilentServer() as silent:
        # A timeout far beyond the test's patience: only the interruption can end the connect in time.
        connector = create_connector(kind, {"host": "127.0.0.1", "port": silent.port, "username": ALICE,
                                            "password": "x", "timeout": 600, **security})
        interrupter = Interrupter()
        thread, errors = _connect_in_thread(interrupter, connector)
        assert silent.connected.wait(30), "the connector reached the server and waits for its greeting"
        interrupter.interrupt()
        thread.join(60)
        assert not thread.is_alive()
        assert len(errors) == 1 and isinstance(errors[0], ConnectorError), errors
        assert not connector.is_connected()


def test_after_an_interruption_new_connections_fail_at_once_until_reset() -> None:
    with SilentServer() as silent:
        config = {"host": "127.0.0.1", "port": silent.port, "username": ALICE, "password": "x", "timeout": 600,
                  "use_ssl": True}
        interrupter = Interrupter()
        interrupter.interrupt()
        thread, errors = _connect_in_thread(interrupter, create_connector("imap", config))
        thread.join(60)
        assert not thread.is_alive() and isinstance(errors[0], ConnectorError)
        assert "interrupted" in str(errors[0])
        assert silent.connections == 0, "refused before reaching the network"

        interrupter.reset()
        thread, errors = _connect_in_thread(interrupter, create_connector("imap", config))
        assert silent.connected.wait(30), "connections are allowed again"
        interrupter.interrupt()
        thread.join(60)
        assert not thread.is_alive()


def test_threads_outside_the_watch_are_left_alone() -> None:
    with SilentServer() as silent:
        config = {"host": "127.0.0.1", "port": silent.port, "username": ALICE, "password": "x", "timeout": 600,
                  "use_ssl": True}
        watched, unwatched = Interrupter(), Interrupter()
        unwatched.interrupt()  # an interrupter the thread does not run under changes nothing for it
        thread, errors = _connect_in_thread(watched, create_connector("imap", config))
        assert silent.connected.wait(30)
        assert thread.is_alive() and not errors
        watched.interrupt()
        thread.join(60)
        assert not thread.is_alive() and errors
