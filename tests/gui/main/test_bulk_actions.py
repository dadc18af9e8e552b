"""Several selected messages (issue 15.5): the reader pane offers what can be done to all of them — mark read or
unread, star, move, archive, delete, forward together as attachments — each acting on the test Dovecot."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui.i18n import install_translations, remove_translations
from gui.models.message_columns import Column
from tests.gui.main.test_main_window import row_of_subject, server_flags
from tests.gui.main.test_triage import click_subject, ready, seed_six, selected_subjects


@pytest.fixture(autouse=True)
def english(qapp: Any) -> Iterator[None]:
    install_translations(QApplication.instance(), "en")  # the English plural forms: "3 messages selected"
    yield
    remove_translations(QApplication.instance())


def shift_click(window: Any, subject: str) -> None:
    view = window.messages
    rect = view.visualRect(view.model().index(row_of_subject(window, subject), Column.SUBJECT))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, rect.center())


def select_three(window: Any, qtbot: Any) -> None:
    click_subject(window, qtbot, "Message 5")
    shift_click(window, "Message 3")
    qtbot.waitUntil(lambda: sorted(map(str, selected_subjects(window))) == ["Message 3", "Message 4", "Message 5"],
                    timeout=5000)


def test_the_reader_pane_acts_on_every_selected_message(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_six(dovecot)
    window = make_window()
    ready(window, qtbot, 6)
    select_three(window, qtbot)
    bulk = window.bulk
    qtbot.waitUntil(lambda: bulk.isVisible(), timeout=5000)
    assert not window.reader.isVisible()
    assert bulk.title.text() == "3 messages selected"
    labels = [button.text() for button in bulk.buttons]
    assert labels == ["Mark as Read", "Mark as Unread", "Star", "Archive", "Delete", "Forward as Attachments",
                      "Move To"]
    assert all(button.isEnabled() for button in bulk.buttons)

    QTest.mouseClick(bulk.buttons[0], Qt.MouseButton.LeftButton)  # Mark as Read
    qtbot.waitUntil(lambda: all("\\Seen" in server_flags(dovecot, "INBOX")[f"Message {n}"] for n in (3, 4, 5)),
                    timeout=10000)
    assert "\\Seen" not in server_flags(dovecot, "INBOX")["Message 2"]
    qtbot.waitUntil(lambda: bulk.detail.text() == "all read", timeout=5000)
    QTest.mouseClick(bulk.buttons[2], Qt.MouseButton.LeftButton)  # Star
    qtbot.waitUntil(lambda: all("\\Flagged" in server_flags(dovecot, "INBOX")[f"Message {n}"] for n in (3, 4, 5)),
                    timeout=10000)
    qtbot.waitUntil(lambda: bulk.detail.text() == "all read · 3 starred", timeout=5000)
    assert bulk.buttons[2].isChecked()

    # Forward (Ctrl+L, or the pane's button) opens one composer with the three messages attached whole.
    postbox = window.local.postbox
    QTest.keyClick(window.messages, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(postbox.composers()) == 1, timeout=10000)
    composer = postbox.composers()[0]
    attached = composer.attachment_list.attachments()
    assert sorted(a.filename for a in attached) == ["Message 3.eml", "Message 4.eml", "Message 5.eml"]
    assert {a.content_type for a in attached} == {"message/rfc822"}
    assert all(b"Subject: Message" in a.data for a in attached)
    assert composer.header.subject_field.text().startswith("Fwd: Message 5; Message 4; Message 3")
    composer.close()

    QTest.mouseClick(bulk.buttons[3], Qt.MouseButton.LeftButton)  # Archive
    qtbot.waitUntil(lambda: sorted(server_flags(dovecot, "Archive")) == ["Message 3", "Message 4", "Message 5"],
                    timeout=10000)
    assert window.undo_notice.label.text() == "3 messages archived"
    # The list goes on with the next message, read in the reader again.
    qtbot.waitUntil(lambda: len(selected_subjects(window)) == 1 and None not in selected_subjects(window),
                    timeout=5000)
    assert window.reader.isVisible() and not bulk.isVisible()


def test_move_and_delete_from_the_pane(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_six(dovecot)
    window = make_window()
    ready(window, qtbot, 6)
    select_three(window, qtbot)
    bulk = window.bulk
    menu = bulk.move_button.menu()
    menu.aboutToShow.emit()  # what opening the pane's Move To menu fills it with
    junk = next(action for action in menu.actions() if action.objectName() == "moveTo:Junk")
    junk.trigger()
    qtbot.waitUntil(lambda: sorted(server_flags(dovecot, "Junk")) == ["Message 3", "Message 4", "Message 5"],
                    timeout=10000)
    click_subject(window, qtbot, "Message 6")
    shift_click(window, "Message 1")  # the three left
    qtbot.waitUntil(lambda: bulk.isVisible() and bulk.title.text() == "3 messages selected", timeout=5000)
    QTest.mouseClick(bulk.buttons[4], Qt.MouseButton.LeftButton)  # Delete
    qtbot.waitUntil(lambda: sorted(server_flags(dovecot, "Trash")) == ["Message 1", "Message 2", "Message 6"],
                    timeout=10000)
    assert server_flags(dovecot, "INBOX") == {}
