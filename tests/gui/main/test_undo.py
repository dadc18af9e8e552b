"""Undo (issue 15.2): after Delete, Archive, a move, Mark as Read/Unread or Star, a notice at the bottom of the window
offers Undo, and Ctrl+Z (Edit → Undo <what>) takes the last steps back, one by one, on the test Dovecot too."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from gui.models.roles import Roles
from tests.conftest import ALICE
from tests.gui.main.test_main_window import row_of_subject, server_flags
from tests.gui.main.test_triage import click_subject, ready, seed_six

pytestmark = pytest.mark.usefixtures("english")  # the English plural forms: "1 message", not "message(s)"


def server_uid(dovecot: Any, folder: str, subject: str) -> int:
    client = dovecot.client(ALICE)
    try:
        client.select_folder(folder, readonly=True)
        return int(client.search(["SUBJECT", subject])[0])
    finally:
        client.logout()


def queued_kinds(session: Any) -> list[str]:
    """The account's queued commands, read as another process would (the store's writer is the worker's)."""
    with closing(sqlite3.connect(f"file:{session.reader.path}?mode=ro", uri=True)) as conn:
        return [kind for (kind,) in conn.execute("SELECT kind FROM commands ORDER BY id")]


def selected_is(window: Any, subject: str) -> bool:
    """Whether only ``subject`` is selected (False while its row is still being read)."""
    rows = window.messages.selectionModel().selectedRows()
    summaries = [window.messages.model().index(index.row(), 0).data(Roles.SUMMARY) for index in rows]
    return len(summaries) == 1 and summaries[0] is not None and summaries[0].subject == subject


def notice_text(window: Any) -> str:
    return window.undo_notice.label.text() if window.undo_notice.isVisible() else ""


def test_the_notice_undoes_a_delete(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_six(dovecot)
    window = make_window()
    ready(window, qtbot, 6)
    click_subject(window, qtbot, "Message 2")
    QTest.keyClick(window.messages, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: notice_text(window) == "1 message moved to the Trash", timeout=5000)
    assert window.actions.undo.isEnabled() and window.actions.undo.text() == "&Undo Delete"
    qtbot.waitUntil(lambda: "Message 2" in server_flags(dovecot, "Trash"), timeout=10000)
    notice = window.undo_notice
    assert not notice.hasFocus() and window.messages.hasFocus()  # the keyboard stays in the list
    # The notice sits at the bottom of the window, over the reader, fully visible.
    assert notice.geometry().bottom() < notice.parentWidget().height()
    assert notice.x() > 0 and notice.geometry().right() < notice.parentWidget().width()
    QTest.mouseClick(notice.undo_button, Qt.MouseButton.LeftButton)
    assert not notice.isVisible()
    qtbot.waitUntil(lambda: row_of_subject(window, "Message 2") is not None, timeout=10000)
    qtbot.waitUntil(lambda: selected_is(window, "Message 2"), timeout=10000)  # selected again
    qtbot.waitUntil(lambda: "Message 2" in server_flags(dovecot, "INBOX"), timeout=10000)
    assert "Message 2" not in server_flags(dovecot, "Trash")
    assert not window.actions.undo.isEnabled() and window.actions.undo.text() == "&Undo"
    # The list shows it once, under the UID the server gave it back in the Inbox.
    session = window.sessions[window.location[0]]
    qtbot.waitUntil(lambda: window.messages.model().rowCount() == 6, timeout=10000)
    listed = [s for s in session.reader.summaries("INBOX") if s.subject == "Message 2"]
    assert len(listed) == 1 and listed[0].uid == server_uid(dovecot, "INBOX", "Message 2")


def test_ctrl_z_takes_back_several_steps_newest_first(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_six(dovecot)
    window = make_window()
    ready(window, qtbot, 6)
    click_subject(window, qtbot, "Message 3")
    qtbot.waitUntil(lambda: "\\Seen" in server_flags(dovecot, "INBOX")["Message 3"], timeout=10000)  # opened: read
    QTest.keyClick(window.messages, Qt.Key.Key_S)  # Star
    qtbot.waitUntil(lambda: notice_text(window) == "1 message starred", timeout=5000)
    qtbot.waitUntil(lambda: "\\Flagged" in server_flags(dovecot, "INBOX").get("Message 3", set()), timeout=10000)
    QTest.keyClick(window.messages, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)  # Mark as Unread
    qtbot.waitUntil(lambda: notice_text(window) == "1 message marked as unread", timeout=5000)
    QTest.keyClick(window.messages, Qt.Key.Key_A)  # Archive
    qtbot.waitUntil(lambda: notice_text(window) == "1 message archived", timeout=5000)
    qtbot.waitUntil(lambda: "Message 3" in server_flags(dovecot, "Archive"), timeout=10000)
    assert window.actions.undo.text() == "&Undo Archive"
    edit_menu = window.menuBar().findChild(type(window.actions.move_menu), "editMenu")
    assert edit_menu.actions()[0] is window.actions.undo

    QTest.keyClick(window.messages, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Message 3" in server_flags(dovecot, "INBOX"), timeout=10000)
    assert "Message 3" not in server_flags(dovecot, "Archive")
    qtbot.waitUntil(lambda: row_of_subject(window, "Message 3") is not None, timeout=10000)
    assert not window.undo_notice.isVisible()
    assert window.actions.undo.text() == "&Undo Mark as Unread"
    # The message came back as it left: starred, and unread.
    flags = server_flags(dovecot, "INBOX")["Message 3"]
    assert "\\Flagged" in flags and "\\Seen" not in flags

    QTest.keyClick(window.messages, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # unread → read again
    qtbot.waitUntil(lambda: "\\Seen" in server_flags(dovecot, "INBOX")["Message 3"], timeout=10000)
    assert window.actions.undo.text() == "&Undo Star"
    window.actions.undo.trigger()  # the menu entry does the same
    qtbot.waitUntil(lambda: "\\Flagged" not in server_flags(dovecot, "INBOX")["Message 3"], timeout=10000)
    assert not window.actions.undo.isEnabled()
    QTest.keyClick(window.messages, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # nothing left: nothing done
    assert sorted(server_flags(dovecot, "INBOX")) == [f"Message {n}" for n in range(1, 7)]


def test_opening_a_message_is_not_an_undo_step(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_six(dovecot)
    window = make_window()
    ready(window, qtbot, 6)
    click_subject(window, qtbot, "Message 5")  # the reader marks it read by itself
    qtbot.waitUntil(lambda: "\\Seen" in server_flags(dovecot, "INBOX")["Message 5"], timeout=10000)
    assert not window.actions.undo.isEnabled() and not window.undo_notice.isVisible()
    assert len(window.messages.selected_uids()) == 1  # still the message being read


def test_undo_while_offline_takes_the_command_back_before_the_server_sees_it(make_window: Any, dovecot: Any,
                                                                             qtbot: Any) -> None:
    seed_six(dovecot)
    window = make_window()
    ready(window, qtbot, 6)
    session = window.sessions[window.location[0]]
    qtbot.waitUntil(lambda: session.synced_once and session.state == "online", timeout=10000)
    dovecot.stop()
    try:
        window.refresh()
        qtbot.waitUntil(lambda: session.state == "offline", timeout=15000)
        window.activateWindow()
        click_subject(window, qtbot, "Message 4")
        QTest.keyClick(window.messages, Qt.Key.Key_Delete)
        qtbot.waitUntil(lambda: queued_kinds(session) == ["delete"], timeout=10000)
        qtbot.waitUntil(lambda: row_of_subject(window, "Message 4") is None, timeout=5000)
        QTest.keyClick(window.messages, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: row_of_subject(window, "Message 4") is not None, timeout=10000)
        qtbot.waitUntil(lambda: queued_kinds(session) == [], timeout=10000)  # nothing left for the server
        qtbot.waitUntil(lambda: selected_is(window, "Message 4"), timeout=10000)
    finally:
        dovecot.restart()
    qtbot.waitUntil(lambda: session.state == "online", timeout=20000)
    window.refresh()
    qtbot.waitUntil(lambda: not session._syncing, timeout=20000)  # noqa: SLF001
    assert "Message 4" in server_flags(dovecot, "INBOX") and "Message 4" not in server_flags(dovecot, "Trash")
    assert row_of_subject(window, "Message 4") is not None
