"""Damaged files at start-up never stop Facteur and never lose mail in silence: a damaged Outbox or drafts file is
kept aside and what it held comes back (the window says where the old file is and what came back); a damaged
account store keeps the offline changes not yet sent, and says so."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from connectors.outbox import Draft, Outbox
from connectors.store import MailStore
from connectors.store.errors import damage_marker
from gui.main_window import MainWindow
from tests.conftest import ALICE, BOB, make_message
from tests.connectors.store.sample_mail import realistic_summaries
from tests.gui.main.conftest import wait_stores_open

PAGE = 4096


def _notice(win: MainWindow, words: str) -> Any:
    return next((n for n in win.notifications.notices() if words in n.title), None)


def test_a_truncated_outbox_is_kept_aside_and_its_messages_come_back_unsent(
        window_on_disk: Any, tmp_path: Path, qtbot: Any) -> None:
    local = tmp_path / "Local Folders"
    path = local / "outbox.sqlite3"
    with Outbox(path) as outbox:
        for number in range(6):  # their rows fit the table's first page: the cut takes only message bytes
            written = Draft(id=f"draft{number}", account_id=ALICE, to=BOB, subject=f"Waiting {number}",
                            text=f"What I wrote, {number}")
            outbox.enqueue(account_id=ALICE, raw=make_message(f"Waiting {number}", to=BOB, body="x " * 4000),
                           message_id=f"<w{number}@example.test>", sender=ALICE, recipients=[BOB], delay=3600,
                           subject=f"Waiting {number}", compose_state=json.loads(written.to_json()))
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size // 2 // PAGE * PAGE)
    drafts_path = local / "drafts.sqlite3"

    win = window_on_disk()
    outbox_notice = _notice(win, "The Outbox file was damaged")
    assert outbox_notice is not None and outbox_notice.kind == "warning"
    (aside,) = local.glob("outbox.sqlite3.damaged-*[0-9]")
    assert str(aside) in outbox_notice.text, "the person is told where the old file is"
    outbox = win.local.postbox.outbox
    back = outbox.entries()
    files = list(local.glob("outbox.sqlite3.damaged-*.messages/*.eml"))
    assert all(e.state == "failed" for e in back), "nothing salvaged goes out by itself"
    if back:
        assert f"put back in the Outbox, not sent: {len(back)}." in outbox_notice.text
    if files:
        assert f"saved as files: {len(files)}, in {files[0].parent}." in outbox_notice.text
    lost = 6 - len(back) - len(files)
    assert lost > 0, "this cut takes message bytes with it"
    assert "could not be read and were not sent: “Waiting" in outbox_notice.text, "they are named"
    assert f"in Local Drafts: {lost}." in outbox_notice.text
    rebuilt = win.local.postbox.drafts.drafts(state="saved")
    assert len(rebuilt) == lost and all(d.text.startswith("What I wrote") for d in rebuilt), "what was written"
    assert drafts_path.exists()
    win.show()
    win.local.show_page("outbox")
    qtbot.waitUntil(lambda: win.local.outbox_view.model.rowCount() == len(back), timeout=5_000)
    for row in range(len(back)):
        assert win.local.outbox_view.model.index(row, 2).data() == "Not sent"
    win.resize(1100, 650)
    win.grab().save(str(tmp_path / "outbox-salvaged.png"))


def test_a_damaged_drafts_file_is_said_and_kept(window_on_disk: Any, tmp_path: Path) -> None:
    local = tmp_path / "Local Folders"
    local.mkdir()
    (local / "drafts.sqlite3").write_bytes(b"garbage where the drafts were\n" * 100)
    win = window_on_disk()
    notice = _notice(win, "The local drafts file was damaged")
    assert notice is not None and "No draft could be read" in notice.text
    (aside,) = local.glob("drafts.sqlite3.damaged-*")
    assert str(aside) in notice.text and aside.read_bytes() == b"garbage where the drafts were\n" * 100


def test_a_damaged_store_keeps_the_offline_changes_and_says_so(window_on_disk: Any, qtbot: Any,
                                                               store_path: Path) -> None:
    with MailStore(store_path) as store:
        store.upsert_folders([((b"\\HasNoChildren",), b"/", "INBOX"), ((b"\\HasNoChildren",), b"/", "Bulk")])
        store.update_folder_state("INBOX", uidvalidity=7)
        store.add_messages("INBOX", list(realistic_summaries(5)))
        store.enqueue("flags", "INBOX", [1], {"add": ["\\Flagged"], "remove": []})
        store.enqueue("move", "INBOX", [2], {"destination": "Archive"})
        store.add_messages("Bulk", list(realistic_summaries(3000)))
    sound = store_path.read_bytes()
    first = len(sound) // PAGE * 2 // 3 * PAGE  # among the summaries of Bulk
    store_path.write_bytes(sound[:first] + b"\xa5" * PAGE * 3 + sound[first + PAGE * 3:])
    damage_marker(store_path).touch()  # as when damage was found in use: the next open rebuilds it

    win = window_on_disk()
    wait_stores_open(qtbot, win)
    notice = _notice(win, "was damaged")
    assert notice is not None
    assert "(2) were kept and will be sent" in notice.text
    session = win.sessions[win.accounts.accounts[0].id]
    assert [(c.kind, c.uids, c.uidvalidity) for c in session.store.pending()] == [
        ("flags", (1,), 7), ("move", (2,), 7)]
