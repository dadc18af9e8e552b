"""A locked keyring is a state, not a crash: the account says so with an Unlock action, mail waits in the Outbox
(never marked failed), and everything goes on once the keyring is unlocked. On the session's real gnome-keyring."""

from __future__ import annotations

from typing import Any

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtWidgets import QPushButton

from connectors import create_connector
from connectors.exceptions import SecretsUnavailable
from connectors.messaging.compose import build_message, parse_recipients, to_wire
from gui.errors import describe_account_problem
from gui.secrets import KeyringCredentials
from tests.conftest import ALICE, BOB
from tests.gui.composer.conftest import fetch_all
from tests.servers.keyring_lock import keyring_locked, locked_keyring, unlock_keyring_with_password


def _queue_message(window: Any, subject: str) -> str:
    (sender,) = parse_recipients("From", ALICE)
    message = build_message(subject=subject, sender=sender, to=parse_recipients("To", BOB), body="Waited for the key")
    account_id = window.accounts.accounts[0].id
    entry = window.local.postbox.outbox.enqueue(account_id=account_id, raw=to_wire(message),
                                                message_id=str(message["Message-ID"]), sender=ALICE,
                                                recipients=[BOB], subject=subject)
    return entry.id


def _unlock_button(window: Any, account_id: str) -> QPushButton:
    notice = window.notifications.keyed(f"account:{account_id}")
    assert notice is not None, [n.title for n in window.notifications.notices()]
    (button,) = [b for b in notice.findChildren(QPushButton) if b.text() == "Unlock"]
    return button


def test_locked_keyring_waits_then_everything_resumes_after_unlock(make_window: Any, dovecot: Any,
                                                                   qtbot: Any) -> None:
    window = make_window(start=False)
    account_id = window.accounts.accounts[0].id
    session = window.sessions[account_id]
    worker = window.local.postbox.worker
    assert session.idle is not None
    idle_states: list[str] = []
    session.idle.stateChanged.connect(idle_states.append)
    with locked_keyring():
        window.start()
        qtbot.waitUntil(lambda: session.state == "locked" and "error" in idle_states, timeout=15_000)
        # The status bar and the notice follow the session's state through queued signals: wait for them too.
        def shown_locked() -> bool:
            indicator = window.status.findChild(object, f"accountState-{account_id}")
            notice = window.notifications.keyed(f"account:{account_id}")
            return (indicator is not None and "Keyring locked" in indicator.accessibleName()
                    and notice is not None and "Keyring locked" in notice.title)

        qtbot.waitUntil(shown_locked, timeout=15_000)

        with qtbot.waitSignal(worker.retrying, timeout=15_000) as retrying:
            entry_id = _queue_message(window, "Sealed")
        assert retrying.args[0] == entry_id and "keyring" in retrying.args[1].lower()
        entry = window.local.postbox.outbox.get(entry_id)
        assert entry is not None and entry.state == "queued"  # waiting, not failed

        # Unlock while the prompt cannot open it (a headless session dismisses it): still locked, and said again.
        with qtbot.waitSignal(window.keyring.stillLocked, timeout=15_000):
            _unlock_button(window, account_id).click()
        assert keyring_locked() and session.state == "locked"
        qtbot.waitUntil(lambda: window.notifications.keyed(f"account:{account_id}") is not None)

        # The person types the keyring password (here over D-Bus), then presses Unlock: everything goes on. (The
        # Outbox may see the keyring open by itself first: either way the message goes once.)
        with qtbot.waitSignal(worker.sent, timeout=20_000) as sent:
            unlock_keyring_with_password()
            _unlock_button(window, account_id).click()
        assert sent.args[0] == entry_id
        qtbot.waitUntil(lambda: session.state == "online", timeout=15_000)
        qtbot.waitUntil(lambda: window.notifications.keyed(f"account:{account_id}") is None)
        qtbot.waitUntil(lambda: "online" in idle_states, timeout=15_000)  # IDLE was waiting; it goes on too
        assert idle_states.count("error") == 1  # and it did not retry the locked keyring by itself meanwhile
    assert [str(m["Subject"]) for m in fetch_all(dovecot, BOB)] == ["Sealed"]


def test_the_account_goes_on_by_itself_once_the_keyring_is_unlocked_elsewhere(make_window: Any, qtbot: Any) -> None:
    """Unlocked elsewhere (the desktop's own prompt, a login) while the account says "Keyring locked": seen without
    a prompt (its Locked property), and the account and IDLE connect again without the person's Unlock click."""
    window = make_window(start=False)
    account_id = window.accounts.accounts[0].id
    session = window.sessions[account_id]
    assert session.idle is not None
    session.worker.keyring_watch.poll_ms = 100  # the quiet look, often enough for a test (5 s in the app)
    idle_states: list[str] = []
    session.idle.stateChanged.connect(idle_states.append)
    looks: list[object] = []
    session.worker.keyring_watch.looked.connect(looks.append)
    with locked_keyring():
        window.start()
        qtbot.waitUntil(lambda: session.state == "locked" and "error" in idle_states, timeout=15_000)
        qtbot.waitUntil(lambda: window.notifications.keyed(f"account:{account_id}") is not None, timeout=15_000)
        qtbot.waitUntil(lambda: len(looks) >= 5, timeout=15_000)
        assert set(looks) == {True} and session.state == "locked"  # still locked: it only looked, never tried
        unlock_keyring_with_password()  # no click on Unlock
        qtbot.waitUntil(lambda: session.state == "online", timeout=20_000)
        qtbot.waitUntil(lambda: "online" in idle_states, timeout=15_000)
        qtbot.waitUntil(lambda: window.notifications.keyed(f"account:{account_id}") is None, timeout=15_000)
    assert not session.worker.keyring_watch.watching
    assert idle_states.count("error") == 1


def test_missing_keyring_is_said_plainly_and_nothing_is_sent(account_store: Any, smtp_server: Any) -> None:
    """No Secret Service at all (keyring's fail backend): the connectors get a SecretsUnavailable that is not about
    a lock, the person reads "No keyring", and the server never sees a login attempt."""
    account = account_store.accounts[0]
    smtp = create_connector("smtp", account.smtp_config(KeyringCredentials(account)))
    logins = len(smtp_server.auth_log)
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        with pytest.raises(SecretsUnavailable) as info:
            smtp.connect()
    finally:
        keyring.set_keyring(previous)
    assert not info.value.locked
    assert len(smtp_server.auth_log) == logins
    problem = describe_account_problem(info.value, "Alice")
    assert problem.kind == "keyring" and "No keyring" in problem.title and "waits" in problem.text


def test_keyring_service_gone_is_unavailable_not_a_crash(account_store: Any, tmp_path: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The Secret Service's bus gone (the daemon died, the session ended): keyring lets the D-Bus library's error
    through; the credentials provider still answers with SecretsUnavailable, which every worker handles."""
    account = account_store.accounts[0]
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-such-bus")
    with pytest.raises(SecretsUnavailable) as info:
        KeyringCredentials(account).password(account.email, account.imap.host)
    assert not info.value.locked
