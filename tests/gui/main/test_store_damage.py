"""A damaged account store never stops Facteur: the window opens, the person is told, the store is put aside and
refilled from the server, and the Outbox and local drafts (other files) are untouched."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QPushButton

from connectors.outbox import Draft, DraftStore, Outbox
from connectors.store import MailStore
from gui.main_window import MainWindow
from gui.workers.account_session import AccountSession
from tests.conftest import ALICE, BOB, make_message
from tests.connectors.store.sample_mail import realistic_summaries
from tests.gui.main.conftest import wait_stores_open


def _inbox_count(session: AccountSession) -> int:
    return session.reader.count("INBOX") if any(f.name == "INBOX" for f in session.reader.folders()) else -1


def _notice(window: MainWindow, words: str) -> Any:
    return next((n for n in window.notifications.notices() if words in n.title), None)


def test_a_store_damaged_at_open_is_put_aside_and_refilled(window_on_disk: Any, qtbot: Any, store_path: Path,
                                                          tmp_path: Path, dovecot: Any) -> None:
    dovecot.seed(ALICE, "INBOX", [make_message("Still on the server")])
    store_path.write_bytes(b"\x00garbage, not a database\n" * 500)
    local = tmp_path / "Local Folders"
    waiting = Outbox(local / "outbox.sqlite3").enqueue(
        account_id=ALICE, raw=make_message("Waiting"), message_id="<w@x>", sender=ALICE, recipients=[BOB],
        delay=3600)
    DraftStore(local / "drafts.sqlite3").save(Draft(id="d1", account_id=ALICE, subject="Half written"))

    made = window_on_disk()
    wait_stores_open(qtbot, made)
    notice = _notice(made, "was damaged")
    assert notice is not None and "Outbox" in notice.text
    assert list(store_path.parent.glob("store.sqlite3.damaged-*"))
    session = made.sessions[made.accounts.accounts[0].id]
    made.show()
    made.start()
    qtbot.waitUntil(lambda: _inbox_count(session) == 1, timeout=15_000)
    assert made.local.postbox.outbox.get(waiting.id) is not None, "the Outbox is another file: untouched"
    assert made.local.postbox.drafts.get("d1") is not None, "so are local drafts"


def test_a_store_that_cannot_be_opened_leaves_the_window_working(window_on_disk: Any, qtbot: Any,
                                                                  store_path: Path) -> None:
    store_path.mkdir()  # a directory where the file should be: SQLite cannot open it, whatever we do
    made = window_on_disk()
    wait_stores_open(qtbot, made)
    assert made.sessions == {}
    notice = _notice(made, "Cannot open the local copy")
    assert notice is not None and notice.kind == "error"


def _damaged_search_index(path: Path) -> None:
    with MailStore(path) as store:
        store.upsert_folders([((b"\\HasNoChildren",), b"/", "INBOX")])
        store.add_messages("INBOX", list(realistic_summaries(500)))
    conn = sqlite3.connect(path)
    try:  # the file stays sound (quick_check: ok); searching it reads garbage
        conn.execute("UPDATE message_fts_data SET block = randomblob(length(block)) WHERE id > 10")
        conn.commit()
    finally:
        conn.close()


def test_damage_found_in_use_offers_to_rebuild(window_on_disk: Any, qtbot: Any, store_path: Path, dovecot: Any) -> None:
    dovecot.seed(ALICE, "INBOX", [make_message("Refilled")])
    _damaged_search_index(store_path)
    made = window_on_disk()
    wait_stores_open(qtbot, made)
    assert _notice(made, "damaged") is None, "nothing looks wrong at open"
    made.show()
    made.start()
    qtbot.waitUntil(lambda: made.location[1] == "INBOX", timeout=15_000)
    made.search("meeting")
    qtbot.waitUntil(lambda: _notice(made, "is damaged") is not None, timeout=10_000)
    rebuild = next(b for b in _notice(made, "is damaged").findChildren(QPushButton) if b.text() == "Rebuild Now")
    rebuild.click()
    qtbot.waitUntil(lambda: _notice(made, "was damaged") is not None, timeout=10_000)
    session = made.sessions[made.accounts.accounts[0].id]
    qtbot.waitUntil(lambda: _inbox_count(session) == 1, timeout=15_000)
    # The header sync indexes the words right after storing the rows, in a commit of its own: wait for that one too.
    qtbot.waitUntil(lambda: [m.subject for m in session.store.search("refilled")] == ["Refilled"], timeout=15_000)


def test_damage_inside_the_file_is_found_by_the_workers_first_check(window_on_disk: Any, qtbot: Any, store_path: Path,
                                                                     dovecot: Any) -> None:
    dovecot.seed(ALICE, "INBOX", [make_message("Refilled")])
    with MailStore(store_path) as store:
        store.upsert_folders([((b"\\HasNoChildren",), b"/", "INBOX")])
        store.add_messages("INBOX", list(realistic_summaries(3000)))
    pages = store_path.stat().st_size // 4096
    with store_path.open("r+b") as file:  # a bad sector in the middle of the file
        file.seek(pages // 2 * 4096)
        file.write(b"\xa5" * 4096 * 3)
    made = window_on_disk()  # the window opens at once: the whole-file check is the worker's first job
    wait_stores_open(qtbot, made)
    assert _notice(made, "damaged") is None
    made.show()
    made.start()
    qtbot.waitUntil(lambda: _notice(made, "is damaged") is not None, timeout=15_000)
    rebuild = next(b for b in _notice(made, "is damaged").findChildren(QPushButton) if b.text() == "Rebuild Now")
    rebuild.click()
    qtbot.waitUntil(lambda: _notice(made, "was damaged") is not None, timeout=10_000)
    session = made.sessions[made.accounts.accounts[0].id]
    qtbot.waitUntil(lambda: _inbox_count(session) == 1, timeout=15_000)
