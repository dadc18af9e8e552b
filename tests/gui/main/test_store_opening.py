"""The window never waits for an account's store: it is opened (and its schema upgraded) off the GUI thread, the
account shows that state meanwhile, whatever needs the store waits for it, and a store that cannot be opened is
said plainly, with a way to try again.

The slow open is real: another connection holds the store's write lock (as another program would), so the open's
migration waits in SQLite until the test lets go of it; no sleep, no timing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton

from connectors.store.schema import SCHEMA_VERSION, migrate, schema_version
from tests.conftest import ALICE, BOB, make_message
from tests.gui.main.conftest import wait_stores_open


def _older_store(path: Path) -> None:
    """A store as the previous Facteur made it: one migration step behind."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        migrate(conn, SCHEMA_VERSION - 1)
    finally:
        conn.close()


class _Lock:
    """Another program's write transaction on the store, held until released."""

    def __init__(self, path: Path) -> None:
        self.conn: sqlite3.Connection | None = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        if self.conn is not None:
            self.conn.execute("ROLLBACK")
            self.conn.close()
            self.conn = None


@pytest.fixture
def held(store_path: Path) -> Iterator[_Lock]:
    _older_store(store_path)
    lock = _Lock(store_path)
    yield lock
    lock.release()


def _account_row(window: Any) -> str:
    account_id = window.accounts.accounts[0].id
    return str(window.tree_model.account_index(account_id).data())


def _notice(window: Any, words: str) -> Any:
    return next((n for n in window.notifications.notices() if words in n.title), None)


def test_the_window_shows_while_the_store_upgrades_and_everything_waits_for_it(
        window_on_disk: Any, qtbot: Any, held: _Lock, store_path: Path, dovecot: Any) -> None:
    dovecot.seed(ALICE, "INBOX", [make_message("Synced once the store is open", sender=BOB)])
    made = window_on_disk()
    made.show()
    made.start()
    qtbot.waitExposed(made)
    account_id = made.accounts.accounts[0].id
    # The open runs in the runner's pool and waits for the lock there: the window is up and says what happens.
    qtbot.waitUntil(lambda: "upgrading" in _account_row(made), timeout=10_000)
    assert made.opening_accounts() == [account_id]
    assert made.sessions == {}, "no action, model or search reaches a store that is not open"
    assert made.status.indicator(account_id).state == "upgrading"
    assert made.pages.currentWidget() is made.list_splitter, "an account is there: not the welcome page"
    assert made.local.postbox.address_book.matches("bob") == [], "completion waits for the store"
    made.refresh()  # what the person may press meanwhile does nothing harmful
    assert not made.show_folder(account_id, "INBOX")
    with sqlite3.connect(f"{store_path.as_uri()}?mode=ro", uri=True) as conn:
        assert schema_version(conn) == SCHEMA_VERSION - 1, "the migration is still waiting for the lock"

    with qtbot.waitSignal(made.relay.foldersChanged, timeout=15_000):
        held.release()  # the other program is done: the migration runs, then the sync the window asked for
    assert made.opening_accounts() == [] and account_id in made.sessions
    with sqlite3.connect(f"{store_path.as_uri()}?mode=ro", uri=True) as conn:
        assert schema_version(conn) == SCHEMA_VERSION
    assert "upgrading" not in _account_row(made)
    # The folder the window wanted (the first Inbox) is shown once listed, its message synced.
    qtbot.waitUntil(lambda: made.location == (account_id, "INBOX"), timeout=15_000)
    qtbot.waitUntil(lambda: made.list_model.rowCount() == 1, timeout=15_000)
    qtbot.waitUntil(lambda: made.local.postbox.address_book.matches("bob") != [], timeout=15_000)


def test_a_store_that_stays_locked_is_said_and_can_be_tried_again(
        window_on_disk: Any, qtbot: Any, held: _Lock, monkeypatch: pytest.MonkeyPatch) -> None:
    from connectors.store import connection

    monkeypatch.setattr(connection, "_BUSY_TIMEOUT_MS", 200)  # SQLite gives up waiting sooner: a shorter test
    made = window_on_disk()
    made.show()
    made.start()
    account_id = made.accounts.accounts[0].id
    qtbot.waitUntil(lambda: _notice(made, "Cannot open the local copy") is not None, timeout=15_000)
    notice = _notice(made, "Cannot open the local copy")
    assert notice.kind == "error"
    assert "Another program is using the file" in notice.text
    assert "cannot be opened" in _account_row(made)
    assert made.status.indicator(account_id).state == "unusable"
    assert made.sessions == {} and made.opening_accounts() == []

    held.release()
    again = next(b for b in notice.findChildren(QPushButton) if b.text() == "Try Again")
    again.click()
    wait_stores_open(qtbot, made)
    assert account_id in made.sessions
    assert _notice(made, "Cannot open the local copy") is None, "the notice goes once the store opens"
    qtbot.waitUntil(lambda: made.location == (account_id, "INBOX"), timeout=15_000)
