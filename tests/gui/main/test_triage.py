"""Triage at keyboard speed (issue 15): after Delete, Archive or a move the next message is selected, Home/End and
Page Up/Down walk the list, all driven with the keyboard and the mouse against the test Dovecot."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui.models.message_columns import Column
from gui.models.roles import Roles
from tests.conftest import ALICE, make_message
from tests.gui.main.test_main_window import open_inbox, row_of_subject, server_flags

SUBJECTS = [f"Message {n}" for n in range(1, 7)]  # Message 6 is the newest, at the top


def seed_six(dovecot: Any) -> None:
    dovecot.seed(ALICE, "INBOX", [make_message(subject, date=f"Tue, 24 Nov 2026 1{n}:00:00 +0000")
                                  for n, subject in enumerate(SUBJECTS)])


def selected_subjects(window: Any) -> list[str | None]:
    """The subjects of the selected rows; None for a row whose summary the list is still reading (its data()
    never waits: it answers a placeholder until the row's window arrives)."""
    model = window.messages.model()
    rows = sorted(index.row() for index in window.messages.selectionModel().selectedRows())
    summaries = [model.index(row, Column.SUBJECT).data(Roles.SUMMARY) for row in rows]
    return [summary.subject if summary is not None else None for summary in summaries]


def click_subject(window: Any, qtbot: Any, subject: str) -> None:
    qtbot.waitUntil(lambda: row_of_subject(window, subject) is not None, timeout=10000)
    view = window.messages
    rect = view.visualRect(view.model().index(row_of_subject(window, subject), Column.SUBJECT))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    qtbot.waitUntil(lambda: selected_subjects(window) == [subject], timeout=5000)


def ready(window: Any, qtbot: Any, rows: int) -> None:
    open_inbox(window, qtbot)
    qtbot.waitUntil(lambda: window.messages.model().rowCount() == rows
                    and all(row_of_subject(window, s) is not None for s in SUBJECTS[:rows]), timeout=10000)
    window.activateWindow()
    window.messages.setFocus()


def test_delete_and_archive_select_the_next_message(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_six(dovecot)
    window = make_window()
    ready(window, qtbot, 6)
    click_subject(window, qtbot, "Message 2")  # second from the bottom
    QTest.keyClick(window.messages, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: selected_subjects(window) == ["Message 1"], timeout=5000)  # the one below
    QTest.keyClick(window.messages, Qt.Key.Key_Delete)  # the next Delete acts on it: at the end, the one above
    qtbot.waitUntil(lambda: selected_subjects(window) == ["Message 3"], timeout=5000)
    assert window.reader.isVisible()
    QTest.keyClick(window.messages, Qt.Key.Key_A)  # Archive
    qtbot.waitUntil(lambda: selected_subjects(window) == ["Message 4"], timeout=5000)
    qtbot.waitUntil(lambda: "Message 3" in server_flags(dovecot, "Archive"), timeout=10000)
    qtbot.waitUntil(lambda: {"Message 1", "Message 2"} <= set(server_flags(dovecot, "Trash")), timeout=10000)
    # A move by the Move To menu's command, then the list keeps its next selection too.
    window.commands.move(*window.location, window.messages.selected_uids(), "Archive")
    qtbot.waitUntil(lambda: selected_subjects(window) == ["Message 5"], timeout=5000)
    assert window.messages.model().rowCount() == 2


def test_delete_in_conversations_selects_the_next_one(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_six(dovecot)
    window = make_window()
    ready(window, qtbot, 6)
    window.actions.threaded.setChecked(True)
    qtbot.waitUntil(lambda: window.messages.model() is window.thread_model
                    and window.thread_model.rowCount() == 6, timeout=5000)
    click_subject(window, qtbot, "Message 4")
    QTest.keyClick(window.messages, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: selected_subjects(window) == ["Message 3"], timeout=5000)
    qtbot.waitUntil(lambda: row_of_subject(window, "Message 4") is None, timeout=5000)
    assert selected_subjects(window) == ["Message 3"]
    QTest.keyClick(window.messages, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: selected_subjects(window) == ["Message 2"], timeout=5000)
    qtbot.waitUntil(lambda: {"Message 3", "Message 4"} <= set(server_flags(dovecot, "Trash")), timeout=10000)


def test_home_end_and_page_keys_walk_the_list(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    dovecot.seed(ALICE, "INBOX", [make_message(f"Bulk {n:02}", date=f"Tue, 24 Nov 2026 10:{n:02}:00 +0000")
                                  for n in range(60)])
    window = make_window()
    open_inbox(window, qtbot)
    qtbot.waitUntil(lambda: window.messages.model().rowCount() == 60, timeout=10000)
    window.activateWindow()
    view = window.messages
    qtbot.waitUntil(lambda: row_of_subject(window, "Bulk 30") is not None, timeout=10000)
    click_subject(window, qtbot, "Bulk 30")
    column = view.currentIndex().column()
    QTest.keyClick(view, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: view.currentIndex().row() == 0, timeout=5000)
    assert view.currentIndex().column() == column  # not across the columns
    assert selected_subjects(window) == ["Bulk 59"]
    QTest.keyClick(view, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: view.currentIndex().row() == 59, timeout=5000)
    assert selected_subjects(window) == ["Bulk 00"]
    QTest.keyClick(view, Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: view.currentIndex().row() < 59, timeout=5000)
    page = 59 - view.currentIndex().row()
    assert page > 1  # a page, not a row
    QTest.keyClick(view, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: view.currentIndex().row() == 59, timeout=5000)
    assert len(selected_subjects(window)) == 1


def test_escape_closes_a_message_window(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_six(dovecot)
    window = make_window()
    ready(window, qtbot, 6)
    click_subject(window, qtbot, "Message 3")
    QTest.keyClick(window.messages, Qt.Key.Key_Return)  # opens it in its own window
    qtbot.waitUntil(lambda: len(window._reader_windows) == 1, timeout=10000)  # noqa: SLF001
    reader = window._reader_windows[0]  # noqa: SLF001
    qtbot.waitExposed(reader)
    reader.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is reader, timeout=5000)
    QTest.keyClick(reader, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window._reader_windows == [], timeout=5000)  # noqa: SLF001
    assert window.isVisible()


def test_title_search_count_star_and_escape(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    from gui.i18n import install_translations, remove_translations

    app = QApplication.instance()
    install_translations(app, "en")  # the English plural forms: "1 message found", not "1 message(s) found"
    try:
        seed_six(dovecot)
        window = make_window()
        ready(window, qtbot, 6)
        assert window.windowTitle().startswith("Inbox — ")
        window.actions.threaded.setChecked(True)
        qtbot.waitUntil(lambda: window.messages.model() is window.thread_model
                        and window.thread_model.rowCount() == 6, timeout=5000)
        click_subject(window, qtbot, "Message 5")
        assert not window.actions.flag.isChecked()
        QTest.keyClick(window.messages, Qt.Key.Key_S)  # star it: the button shows it
        qtbot.waitUntil(window.actions.flag.isChecked, timeout=5000)
        click_subject(window, qtbot, "Message 4")
        assert not window.actions.flag.isChecked()
        click_subject(window, qtbot, "Message 5")
        assert window.actions.flag.isChecked()

        window.search_field.setFocus()
        qtbot.keyClicks(window.search_field, "subject:\"Message 3\"")
        QTest.keyClick(window.search_field, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.status.folder_counts.text() == "1 message found", timeout=10000)
        click_subject(window, qtbot, "Message 3")
        qtbot.waitUntil(lambda: window.opener.current is not None
                        and window.opener.current[2] == window.messages.selected_uids()[0], timeout=5000)
        QTest.keyClick(window.search_field, Qt.Key.Key_Escape)  # back to the conversations
        qtbot.waitUntil(lambda: window.messages.model() is window.thread_model
                        and window.thread_model.rowCount() == 6, timeout=5000)
        selected = window.messages.selected_uids()
        # The reader shows what is selected, or nothing: never a message the list no longer points at.
        assert (window.opener.current is None) if not selected else (window.opener.current[2] in selected)
        assert window.status.folder_counts.text().startswith("6 messages")
    finally:
        remove_translations(app)


def test_the_status_bar_says_the_outbox_is_empty(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    from gui.i18n import install_translations, remove_translations
    from gui.models.mailbox_tree import LOCAL_ACCOUNT_ID

    app = QApplication.instance()
    install_translations(app, "en")
    try:
        window = make_window()
        open_inbox(window, qtbot)
        outbox = window.tree_model.folder_index(LOCAL_ACCOUNT_ID, "outbox")
        rect = window.tree.visualRect(outbox)
        QTest.mouseClick(window.tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         rect.center())
        qtbot.waitUntil(lambda: window.pages.currentWidget().objectName() == "outboxView", timeout=5000)
        assert window.status.folder_counts.text() == "Outbox empty"
        assert window.windowTitle().startswith("Outbox — ")
        entry = window.local.postbox.outbox.enqueue(
            account_id="x", raw=make_message("Waiting"), message_id="<w@x>", sender="a@example.test",
            recipients=["b@example.test"], subject="Waiting", delay=3600)  # held back: nothing tries to send it
        window.local.refresh_counts()
        qtbot.waitUntil(lambda: window.status.folder_counts.text() == "1 message waiting to be sent", timeout=5000)
        assert window.local.postbox.outbox.take_back(entry.id) is not None
        window.local.refresh_counts()
        qtbot.waitUntil(lambda: window.status.folder_counts.text() == "Outbox empty", timeout=5000)
    finally:
        remove_translations(app)
