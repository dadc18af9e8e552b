"""Composer fixtures: alice's account (password in the real keyring), and a Postbox on files in tmp_path."""

from __future__ import annotations

import email
import time
from collections.abc import Callable, Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from connectors.outbox import DraftStore, Outbox, RetryPolicy
from gui.accounts import Account, AccountStore, Identity, ServerSettings
from gui.composer import ComposeSettings, Postbox
from gui.secrets import delete_secrets, store_secret
from gui.workers.send_worker import ConnectorFactory
from tests.conftest import ALICE, USERS

ALICE_NAME = "Alice Exemple"
ALICE_ALIAS = "alice.alias@example.test"


def make_account(dovecot: Any, smtp_port: int, ca: Any) -> Account:
    return Account(
        email=ALICE, display_name="Alice", name="Alice at work",
        imap=ServerSettings("127.0.0.1", dovecot.imaps_port, "ssl", ALICE),
        smtp=ServerSettings("127.0.0.1", smtp_port, "starttls", ALICE),
        identities=[Identity(ALICE_NAME, ALICE, "-- \nAlice, from the test"),
                    Identity("Alice (alias)", ALICE_ALIAS, "")],
        ca_file=str(ca.cert_path),
    )


@pytest.fixture
def account_store(tmp_path: Path, dovecot: Any, smtp_server: Any, ca: Any, accounts: Any) -> Iterator[AccountStore]:
    store = AccountStore(tmp_path / "accounts.json")
    account = make_account(dovecot, smtp_server.port, ca)
    store.add(account)
    store_secret(account.id, "password", USERS[ALICE])
    yield store
    delete_secrets(account.id)


def composer_settings(**changes: Any) -> ComposeSettings:
    base = {"undo_seconds": 0.0, "autosave_seconds": 0.2, "server_draft_seconds": 3600.0, "html_by_default": True}
    base.update(changes)
    return ComposeSettings(**base)


PostboxFactory = Callable[..., Postbox]


@pytest.fixture
def make_postbox(tmp_path: Path, qtbot: Any) -> Iterator[PostboxFactory]:
    """Postboxes on tmp_path's Local Folders; each is shut down (and its windows closed) after the test."""
    made: list[tuple[Postbox, Outbox, DraftStore]] = []

    def make(store: AccountStore, *, connectors: ConnectorFactory | None = None, **settings: Any) -> Postbox:
        local = tmp_path / "Local Folders"
        outbox = Outbox(local / "outbox.sqlite3", retry=RetryPolicy(first=0.3, factor=2, longest=2))
        drafts = DraftStore(local / "drafts.sqlite3")
        postbox = Postbox(store, outbox=outbox, drafts=drafts, settings=composer_settings(**settings),
                          connectors=connectors,
                          store_path=lambda account: tmp_path / "stores" / account.id / "store.sqlite3")
        postbox.start()
        made.append((postbox, outbox, drafts))
        return postbox

    yield make
    for postbox, outbox, drafts in made:
        close_postbox(postbox, outbox, drafts)


def close_postbox(postbox: Postbox, outbox: Outbox, drafts: DraftStore) -> None:
    for window in postbox.composers():
        window._stop()  # noqa: SLF001 - closing without the save question
        window.close()
    if not postbox.shutdown():
        # A loaded machine: the worker outlived the quit budget. The app keeps such a worker and its Outbox until
        # it ends (gui.workers.quitting); a test waits for it, never closing the Outbox under it or dropping it.
        assert postbox.wait(time.monotonic() + 60), "the send worker ended"
    outbox.close()
    drafts.close()


def send_queued(composer: Any, qtbot: Any) -> str:
    """Send, and wait until the Outbox holds the message (built and written off the GUI thread) and the composer
    closed; returns the Outbox entry id."""
    with qtbot.waitSignal(composer.closed, timeout=15_000), \
            qtbot.waitSignal(composer.queuedForSending, timeout=15_000) as queued:
        assert composer.send()
    return str(queued.args[0])


def fetch_all(dovecot: Any, user: str, folder: str = "INBOX") -> list[EmailMessage]:
    """Every message of a folder, parsed, oldest first."""
    client = dovecot.client(user)
    try:
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        data = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
        return [email.message_from_bytes(data[uid][b"BODY[]"], policy=policy.default) for uid in sorted(data)]
    finally:
        client.logout()
