"""The Outbox and a locked keyring: an account's messages wait, untried, until the person unlocks the keyring or it
is seen open — never a new try (and so a new unlock prompt) at each retry. On the session's real gnome-keyring,
locked and unlocked over the Secret Service's D-Bus interface."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from connectors.messaging.compose import build_message, parse_recipients, to_wire
from gui.composer import OutboxModel, OutboxView
from gui.workers.send_worker import AccountLink, keyring_connectors
from tests.conftest import ALICE, BOB
from tests.gui.composer.conftest import fetch_all
from tests.servers.keyring_lock import locked_keyring, unlock_keyring_with_password

SCREENSHOTS = os.environ.get("FACTEUR_TEST_SCREENSHOTS", "")  # a folder: save what the person would see


def _enqueue(postbox: Any, account_id: str, subject: str) -> str:
    (sender,) = parse_recipients("From", ALICE)
    message = build_message(subject=subject, sender=sender, to=parse_recipients("To", BOB), body="Wait for the key")
    entry = postbox.outbox.enqueue(account_id=account_id, raw=to_wire(message), message_id=str(message["Message-ID"]),
                                   sender=ALICE, recipients=[BOB], subject=subject)
    return str(entry.id)


def _counting(account_store: Any, tries: list[str]) -> Any:
    """The app's connector factory, counting the times the worker set out to use an account (each such pass reads
    its password from the keyring: with the keyring locked, one unlock prompt each)."""
    make = keyring_connectors(account_store)

    def counted(account_id: str) -> AccountLink | None:
        tries.append(account_id)
        return make(account_id)

    return counted


def test_a_locked_keyring_pauses_the_outbox_until_it_is_unlocked(account_store: Any, make_postbox: Any,
                                                                dovecot: Any, qtbot: Any) -> None:
    account_id = account_store.accounts[0].id
    tries: list[str] = []
    with locked_keyring():
        postbox = make_postbox(account_store, connectors=_counting(account_store, tries))
        worker = postbox.worker
        worker.keyring_poll_ms = 100  # the quiet look at the keyring, often enough for a test
        with qtbot.waitSignal(worker.keyringWait, timeout=15_000) as waiting, \
                qtbot.waitSignal(worker.retrying, timeout=15_000) as retrying:
            entry_id = _enqueue(postbox, account_id, "Sealed")
        assert waiting.args == [account_id, True]
        assert retrying.args[0] == entry_id and "keyring" in retrying.args[1].lower()
        assert tries == [account_id]

        # The Outbox's backoff here is 0.3 s, 0.6 s, 1.2 s, 2 s...: many looks at the keyring later (every 100 ms),
        # through several retry times and with the message due again and a pass over the Outbox, nothing was retried.
        retries: list[str] = []
        worker.retrying.connect(retries.append)
        looks: list[object] = []
        worker.keyring_watch.looked.connect(looks.append)
        with qtbot.waitSignal(worker.passFinished, timeout=15_000):
            postbox.outbox.retry_all_now()  # due now, but no one unlocked anything
            worker.request_wake()
        qtbot.waitUntil(lambda: len(looks) >= 30, timeout=30_000)
        assert set(looks) == {True}
        assert tries == [account_id] and retries == []
        assert worker.waiting_for_keyring() == {account_id}
        entry = postbox.outbox.get(entry_id)
        assert entry is not None and entry.state == "queued" and "keyring" in entry.last_error.lower()
        # The Outbox says so, not "Will retry at ...".
        view = OutboxView(postbox)
        qtbot.addWidget(view)
        state = view.model.index(0, OutboxModel.STATE)
        assert state.data() == "Waiting for the keyring"
        if SCREENSHOTS:
            view.resize(900, 200)
            view.grab().save(str(Path(SCREENSHOTS) / "outbox-keyring-locked.png"))

        # Unlocked elsewhere (the desktop's own prompt, a login): seen without a prompt, and the message goes.
        with qtbot.waitSignal(worker.sent, timeout=20_000) as sent, \
                qtbot.waitSignal(worker.keyringWait, timeout=20_000) as resumed:
            unlock_keyring_with_password()
    assert sent.args[0] == entry_id and resumed.args == [account_id, False]
    qtbot.waitUntil(lambda: view.model.rowCount() == 0)
    assert tries == [account_id, account_id]
    assert [str(m["Subject"]) for m in fetch_all(dovecot, BOB)] == ["Sealed"]


def test_the_persons_unlock_or_retry_ends_the_wait(account_store: Any, make_postbox: Any, dovecot: Any,
                                                  qtbot: Any) -> None:
    """When the keyring cannot say quietly whether it is open (another backend), the messages wait for the person:
    Unlock (or Retry) tries once more."""
    account_id = account_store.accounts[0].id
    tries: list[str] = []
    with locked_keyring():
        postbox = make_postbox(account_store, connectors=_counting(account_store, tries))
        worker = postbox.worker
        worker.keyring_state = lambda: None
        worker.keyring_poll_ms = 100
        with qtbot.waitSignal(worker.retrying, timeout=15_000):
            entry_id = _enqueue(postbox, account_id, "Patience")
        looks: list[object] = []
        worker.keyring_watch.looked.connect(looks.append)
        qtbot.waitUntil(lambda: len(looks) >= 10, timeout=30_000)
        assert set(looks) == {None}
        assert tries == [account_id]

        # The person presses Unlock while it is still locked: one more try (one prompt), then waiting again.
        with qtbot.waitSignal(worker.retrying, timeout=15_000):
            worker.retry_now()
        assert tries == [account_id, account_id] and worker.waiting_for_keyring() == {account_id}

        with qtbot.waitSignal(worker.sent, timeout=20_000) as sent:
            unlock_keyring_with_password()
            worker.retry_now()
    assert sent.args[0] == entry_id and worker.waiting_for_keyring() == set()
    assert [str(m["Subject"]) for m in fetch_all(dovecot, BOB)] == ["Patience"]
