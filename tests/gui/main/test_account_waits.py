"""An account whose password the server refuses waits for the person: no background login attempt every few
minutes (providers lock accounts that fail logins all day), and push stops too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from connectors import create_connector
from connectors.messaging.imap import IMAPConnector
from connectors.store import MailStore
from gui.workers.account_session import AccountSession
from gui.workers.store_relay import StoreEventRelay
from tests.gui.main.conftest import alice_account


def test_refused_password_stops_background_logins(tmp_path: Path, dovecot: Any, smtp_server: Any, ca: Any,
                                                   accounts: Any, qtbot: Any) -> None:
    account = alice_account(dovecot, smtp_server.port, ca)
    attempts: list[str] = []

    def connect() -> IMAPConnector:
        attempts.append("login")
        imap: IMAPConnector = create_connector("imap", {"host": "127.0.0.1", "port": dovecot.imaps_port,
                                                        "username": account.email, "password": "wrong password",
                                                        "ca_file": str(ca.cert_path), "timeout": 10})
        imap.connect()
        return imap

    relay = StoreEventRelay()
    session = AccountSession(account, relay, store=MailStore(tmp_path / "store.sqlite3"), connect=connect)
    idle_states: list[str] = []
    assert session.idle is not None
    session.idle.stateChanged.connect(idle_states.append)
    try:
        with qtbot.waitSignal(session.stateChanged, timeout=15_000,
                              check_params_cb=lambda _account, state: state == "error"):
            session.start()
        qtbot.waitUntil(lambda: "error" in idle_states, timeout=15_000)
        qtbot.waitUntil(lambda: not session._syncing)  # noqa: SLF001 - the failed pass is over
        tried = len(attempts)
        session._resync.timeout.emit()  # noqa: SLF001 - the ten-minute timer comes due
        assert not session._syncing, "the timer must not start a login that will be refused"  # noqa: SLF001
        assert len(attempts) == tried
        session.sync_all()  # the person asks (Refresh, or after fixing the password): that does try
        qtbot.waitUntil(lambda: len(attempts) > tried, timeout=15_000)
    finally:
        session.stop()
