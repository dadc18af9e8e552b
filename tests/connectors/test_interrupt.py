"""Breaking a blocked connect from another thread: quitting never waits for a silent server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest

from connectors import create_connector
from connectors.exceptions import ConnectorError
from connectors.interrupt import Interrupter
from tests.conftest import ALICE, USERS
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


def test_only_the_connectors_own_sockets_are_broken() -> None:
    """The interrupter is scoped to the connections the connectors open: a socket other code opens in a watched
    thread is its owner's business and stays up."""
    with SilentServer() as silent:
        interrupter = Interrupter()
        with interrupter.watching():
            foreign = socket.create_connection(("127.0.0.1", silent.port), timeout=30)
        try:
            interrupter.interrupt()
            foreign.sendall(b"still writable")  # a socket shut down for writing would raise BrokenPipeError
            assert foreign.fileno() != -1
        finally:
            foreign.close()


def test_no_audit_hook_is_installed() -> None:
    """The connectors find their sockets without an interpreter-wide audit hook: a program that imports them and
    breaks a connection gets no hook added behind its back (``sys.addaudithook`` is itself an audited event)."""
    program = textwrap.dedent("""
        import sys, threading
        added = []
        sys.addaudithook(lambda event, args: added.append(event) if event == "sys.addaudithook" else None)
        from connectors import create_connector
        from connectors.exceptions import ConnectorError
        from connectors.interrupt import Interrupter
        from tests.servers.silent import SilentServer
        with SilentServer() as silent:
            interrupter = Interrupter()
            connector = create_connector("imap", {"host": "127.0.0.1", "port": silent.port, "username": "a@b.test",
                                                  "password": "x", "timeout": 600, "use_ssl": True})
            errors = []
            def run():
                with interrupter.watching():
                    try:
                        connector.connect()
                    except ConnectorError as exc:
                        errors.append(exc)
            thread = threading.Thread(target=run)
            thread.start()
            assert silent.connected.wait(30)
            interrupter.interrupt()
            thread.join(60)
            assert errors and not thread.is_alive(), errors
        print("hooks added:", len(added))
    """)
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", program], cwd=root, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "hooks added: 0"


def test_a_read_on_a_connection_upgraded_by_starttls_is_broken(dovecot: Any, ca: Any, accounts: Any) -> None:
    """STARTTLS hands the plain socket's descriptor to a new TLS socket: that one is broken too (waiting in IDLE
    for ten minutes ends at once)."""
    connector = create_connector("imap", {"host": "127.0.0.1", "port": dovecot.imap_port, "username": ALICE,
                                          "password": USERS[ALICE], "use_tls": True, "ca_file": str(ca.cert_path),
                                          "timeout": 600})
    interrupter = Interrupter()
    idling = threading.Event()

    def run() -> None:
        with interrupter.watching():
            try:
                connector.connect()
                connector.client.select_folder("INBOX")
                connector.client.idle()
                idling.set()
                connector.client.idle_check(timeout=600)
            except Exception:  # noqa: BLE001, S110 - how the broken read ends is imaplib's business
                pass

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert idling.wait(30), "connected over STARTTLS and idling"
    interrupter.interrupt()
    thread.join(60)
    assert not thread.is_alive()
