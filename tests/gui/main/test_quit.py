"""Quitting never hangs and never aborts: in every state the window closes, every thread ends, every store is
closed (no write-ahead log left behind), and work cut short is resumed by the next start.

How long quitting takes is measured in bench/quit_bench.py; here each state is reached for real and the outcome
is waited for as a condition.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QThread

from connectors.outbox import DraftStore, Outbox
from gui.accounts import ServerSettings
from tests.conftest import ALICE, BOB, make_message
from tests.gui.main.conftest import unread_count
from tests.servers.proxy import FaultyProxy
from tests.servers.silent import SilentServer

SETTLE_MS = 30_000  # generous: the machine may be busy; the bench holds the real target


def threads_of(window: Any) -> list[QThread]:
    threads = [window.loader.thread_handle]
    for session in window.sessions.values():
        threads.append(session.worker.thread_handle)
        if session.idle is not None:
            threads.append(session.idle.thread_handle)
    sender = window.local.postbox.worker.thread_handle
    if sender is not None:
        threads.append(sender)
    return threads


def quit_and_settle(window: Any, qtbot: Any, root: Path) -> None:
    """Close the window; every thread ends and every store is closed (SQLite then folds its log back: no -wal)."""
    threads = threads_of(window)
    assert all(thread.isRunning() for thread in threads)
    postbox = window.local.postbox
    window.close()
    assert not window.isVisible()
    assert window.sessions == {}
    # Within the quit budget on any sane machine (bench/quit_bench.py measures it); on a loaded one, a part that
    # took longer still ends, and its stores are closed then.
    qtbot.waitUntil(lambda: all(thread.isFinished() for thread in threads), timeout=SETTLE_MS)
    qtbot.waitUntil(lambda: postbox.outbox.closed and postbox.drafts.closed and write_ahead_logs(root) == [],
                    timeout=SETTLE_MS)


def write_ahead_logs(root: Path) -> list[Path]:
    return sorted(root.rglob("*-wal"))


def test_quitting_while_connecting_to_a_silent_server(make_window: Any, account_store: Any, qtbot: Any,
                                                      tmp_path: Path) -> None:
    with SilentServer() as silent:
        account = account_store.accounts[0]
        account.imap = ServerSettings("127.0.0.1", silent.port, "ssl", ALICE)
        account_store.update(account)
        window = make_window()
        session = next(iter(window.sessions.values()))
        # Both the worker and IDLE are stuck waiting for a greeting that never comes (the timeout is 30 s).
        qtbot.waitUntil(lambda: silent.connections >= 2 and session.state == "connecting", timeout=SETTLE_MS)
        quit_and_settle(window, qtbot, tmp_path)


def test_quitting_while_idle_and_the_next_start_goes_on(make_window: Any, dovecot: Any, qtbot: Any,
                                                        tmp_path: Path) -> None:
    dovecot.seed(ALICE, "INBOX", [make_message("Before quitting")])
    window = make_window()
    session = next(iter(window.sessions.values()))
    qtbot.waitUntil(lambda: session.synced_once and session.idle.watcher.connections >= 1, timeout=SETTLE_MS)
    quit_and_settle(window, qtbot, tmp_path)

    again = make_window()
    qtbot.waitUntil(lambda: unread_count(again, "INBOX") == 1, timeout=SETTLE_MS)


def test_quitting_mid_sync_leaves_a_store_the_next_start_completes(make_window: Any, dovecot: Any, qtbot: Any,
                                                                   account_store: Any, tmp_path: Path) -> None:
    dovecot.seed(ALICE, "Archive", [make_message(f"Old {n}", date=f"Tue, 24 Nov 2026 10:{n % 60:02d}:00 +0000")
                                    for n in range(3000)])
    with FaultyProxy(dovecot.imaps_port, delay=0.01) as proxy:  # a real link's latency: the sync takes a while
        account = account_store.accounts[0]
        account.imap = ServerSettings("127.0.0.1", proxy.port, "ssl", ALICE)
        account_store.update(account)
        window = make_window(push=False)
        session = next(iter(window.sessions.values()))
        progress: list[tuple[str, int, int]] = []
        session.activity.connect(lambda _account, text, done, total: progress.append((text, done, total)))
        qtbot.waitUntil(lambda: any("Archive" in text and done > 0 for text, done, _total in progress),
                        timeout=SETTLE_MS)
        quit_and_settle(window, qtbot, tmp_path)

        again = make_window(push=False)
        qtbot.waitUntil(lambda: unread_count(again, "Archive") == 3000, timeout=120_000)


def test_quitting_mid_send_of_a_25_mb_message_keeps_it_queued(make_window: Any, smtp_server: Any, qtbot: Any,
                                                              account_store: Any, tmp_path: Path) -> None:
    with FaultyProxy(smtp_server.port) as proxy:
        proxy.freeze_after_client_bytes = 2 * 1024 * 1024  # the transfer stalls a few MB into DATA
        account = account_store.accounts[0]
        account.smtp = ServerSettings("127.0.0.1", proxy.port, "starttls", ALICE)
        account_store.update(account)
        window = make_window(push=False)
        postbox = window.local.postbox
        received_before = len(smtp_server.received)
        raw = make_message("Holiday pictures", sender=ALICE, to=BOB, body=("x" * 76 + "\r\n") * 340_000)
        entry = postbox.outbox.enqueue(account_id=account.id, raw=raw, message_id="<holiday@example.test>",
                                       sender=ALICE, recipients=[BOB], subject="Holiday pictures")
        postbox.worker.request_wake()
        qtbot.waitUntil(lambda: proxy.frozen and postbox.outbox.get(entry.id).state == "sending",
                        timeout=SETTLE_MS)
        quit_and_settle(window, qtbot, tmp_path)
    assert smtp_server.received[received_before:] == [], "the server never got the whole message"
    with Outbox(tmp_path / "Local Folders" / "outbox.sqlite3") as outbox:
        outbox.recover_interrupted()
        kept = outbox.get(entry.id)
        assert kept is not None and kept.raw == raw
        # Cut before the end of DATA: it waits to be sent again (or, had the server perhaps taken it, Sent is
        # checked first); it is never lost and never marked sent.
        assert kept.state in ("queued", "unconfirmed")


def test_quitting_while_writing_keeps_the_draft_for_the_next_start(make_window: Any, qtbot: Any,
                                                                   tmp_path: Path) -> None:
    window = make_window(push=False)
    composer = window.local.compose(to=[BOB])
    composer.header.subject_field.setText("Half written")
    composer.editor.text_edit.setPlainText("I was saying that")
    quit_and_settle(window, qtbot, tmp_path)
    assert not composer.isVisible()
    with DraftStore(tmp_path / "Local Folders" / "drafts.sqlite3") as drafts:
        (orphan,) = drafts.orphans()
        assert orphan.subject == "Half written" and orphan.text.startswith("I was saying that")
