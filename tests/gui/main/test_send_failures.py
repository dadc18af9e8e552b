"""A failed send is never silent (issue 15.9): the Outbox in the tree shows its count in bold with a failed marker,
a desktop notification and a bar in the main window name the message and the server's words, Retry sends it again,
Edit reopens it in the composer, and the bar goes once the message is resolved. Real SMTP server behind it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from gui.i18n import install_translations, remove_translations
from gui.models.mailbox_tree import LOCAL_ACCOUNT_ID
from gui.models.roles import Roles
from tests.conftest import BOB
from tests.gui.main.test_main_window import open_inbox


@pytest.fixture(autouse=True)
def english(qapp: Any) -> Iterator[None]:
    install_translations(QApplication.instance(), "en")
    yield
    remove_translations(QApplication.instance())


def send_to_bob(window: Any, qtbot: Any, subject: str) -> Any:
    """Write to Bob in a composer opened with Ctrl+N, and send with Ctrl+Return."""
    postbox = window.local.postbox
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(postbox.composers()) == 1, timeout=5000)
    composer = postbox.composers()[0]
    qtbot.waitExposed(composer)
    composer.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is composer, timeout=5000)
    composer.header.to_field.setFocus()
    QTest.keyClicks(composer.header.to_field, BOB)
    composer.header.subject_field.setFocus()
    QTest.keyClicks(composer.header.subject_field, subject)
    composer.editor.text_edit.setFocus()
    QTest.keyClicks(composer.editor.text_edit, "Are you there?")
    QTest.keyClick(composer.editor.text_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: postbox.composers() == [], timeout=10000)
    return postbox


def failure_notice(window: Any) -> Any:
    return next((notice for notice in window.notifications.notices() if notice.key.startswith("send:")), None)


def button(notice: Any, label: str) -> QPushButton:
    return next(b for b in notice.findChildren(QPushButton) if b.text() == label)


def outbox_index(window: Any) -> Any:
    return window.tree_model.folder_index(LOCAL_ACCOUNT_ID, "outbox")


def test_a_refused_message_is_shown_with_retry_and_edit(make_window: Any, dovecot: Any, smtp_server: Any,
                                                        qtbot: Any) -> None:
    window = make_window()
    open_inbox(window, qtbot)
    window.local.postbox.settings.undo_seconds = 0
    smtp_server.reject_recipients[BOB] = (550, "5.1.1 <bob@example.test>: Mailbox unavailable")
    try:
        postbox = send_to_bob(window, qtbot, "Plans for Monday")
        qtbot.waitUntil(lambda: failure_notice(window) is not None, timeout=15000)
        notice = failure_notice(window)
        assert notice.title == "“Plans for Monday” could not be sent"
        assert "Mailbox unavailable" in notice.text and notice.kind == "error"
        assert notice.actions_labels() == ["Retry", "Edit"]
        assert notice.isVisible()
        assert window.notifier.sent[-1][0] == "“Plans for Monday” could not be sent"
        # The tree: the Outbox counts it, in bold, marked as failed.
        qtbot.waitUntil(lambda: outbox_index(window).data(Roles.FAILED_COUNT) == 1, timeout=5000)
        outbox = outbox_index(window)
        assert outbox.data() == "Outbox (1)" and outbox.data(Qt.ItemDataRole.FontRole).bold()
        assert "could not be sent" in outbox.data(Qt.ItemDataRole.ToolTipRole)
    finally:
        smtp_server.reject_recipients.clear()
    # Retry, now that the server takes it: the bar goes, the message is delivered, the Outbox is empty again.
    QTest.mouseClick(button(notice, "Retry"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: failure_notice(window) is None, timeout=5000)
    qtbot.waitUntil(lambda: postbox.outbox.entries() == [], timeout=15000)
    qtbot.waitUntil(lambda: outbox_index(window).data(Roles.FAILED_COUNT) == 0
                    and outbox_index(window).data() == "Outbox", timeout=5000)
    assert "Plans for Monday" in subjects_of(dovecot, BOB)


def subjects_of(dovecot: Any, user: str) -> list[str]:
    client = dovecot.client(user)
    try:
        client.select_folder("INBOX", readonly=True)
        uids = client.search(["ALL"])
        data = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"]) if uids else {}
        return [item[b"BODY[HEADER.FIELDS (SUBJECT)]"].decode().split(":", 1)[1].strip() for item in data.values()]
    finally:
        client.logout()


def test_edit_reopens_the_message_and_a_restart_still_shows_the_failure(make_window: Any, smtp_server: Any,
                                                                        qtbot: Any) -> None:
    window = make_window()
    window.local.postbox.settings.undo_seconds = 0
    smtp_server.reject_recipients[BOB] = (550, "5.1.1 <bob@example.test>: Mailbox unavailable")
    try:
        postbox = send_to_bob(window, qtbot, "Budget")
        qtbot.waitUntil(lambda: failure_notice(window) is not None, timeout=15000)
    finally:
        smtp_server.reject_recipients.clear()
    window.close()
    # Started again: the failed message is still there, and so is its bar (no desktop notification this time).
    again = make_window()
    qtbot.waitUntil(lambda: failure_notice(again) is not None, timeout=5000)
    assert not again.notifier.sent
    postbox = again.local.postbox
    QTest.mouseClick(button(failure_notice(again), "Edit"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(postbox.composers()) == 1, timeout=5000)
    composer = postbox.composers()[0]
    assert composer.header.subject_field.text() == "Budget"
    assert "Mailbox unavailable" in composer.notice.text()
    qtbot.waitUntil(lambda: failure_notice(again) is None, timeout=5000)
    qtbot.waitUntil(lambda: outbox_index(again).data(Roles.FAILED_COUNT) == 0, timeout=5000)
    composer.close()
