"""Deleting for good is the person's explicit choice: in the Trash (or without one) Delete asks first, and only
"Delete Permanently" removes the message from the server."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from tests.conftest import ALICE, make_message
from tests.gui.main.conftest import tree_index
from tests.gui.main.test_main_window import row_of_subject, select_subject, server_flags


def answer_when_asked(answer: str) -> list[str]:
    """Press ``answer`` ("cancel" or "delete") in the permanent-delete dialog once it shows; returns its text."""
    said: list[str] = []

    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != "permanentDeleteDialog":
            QTimer.singleShot(10, press)
            return
        said.append(box.text())
        button = box.button(QMessageBox.StandardButton.Cancel) if answer == "cancel" else \
            box.findChild(QPushButton, "deletePermanently")
        assert button is not None
        button.click()

    QTimer.singleShot(0, press)
    return said


def test_deleting_in_the_trash_asks_and_only_a_confirmed_delete_is_permanent(make_window: Any, dovecot: Any,
                                                                            qtbot: Any) -> None:
    dovecot.seed(ALICE, "Trash", [make_message("Already binned"), make_message("Also binned")])
    window = make_window()
    qtbot.waitUntil(lambda: tree_index(window, "Trash").isValid(), timeout=10000)
    window.tree.setCurrentIndex(tree_index(window, "Trash"))
    select_subject(window, qtbot, "Already binned")
    window.messages.setFocus()

    said = answer_when_asked("cancel")
    window.actions.delete.trigger()
    assert said and "deleted for good" in said[0] and "Trash" in said[0]
    # cancelled: nothing hidden, nothing sent (the list may be re-reading its rows: wait for them)
    qtbot.waitUntil(lambda: row_of_subject(window, "Already binned") is not None, timeout=5000)
    assert window.commands.running == []
    assert set(server_flags(dovecot, "Trash")) == {"Already binned", "Also binned"}

    said = answer_when_asked("delete")
    window.actions.delete.trigger()
    assert said
    assert row_of_subject(window, "Already binned") is None
    qtbot.waitUntil(lambda: set(server_flags(dovecot, "Trash")) == {"Also binned"}, timeout=10000)
    qtbot.waitUntil(lambda: window.commands.running == [], timeout=5000)
    qtbot.waitUntil(lambda: row_of_subject(window, "Also binned") is not None, timeout=5000)


def test_delete_permanently_asks_even_with_a_trash_and_skips_it(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    dovecot.seed(ALICE, "INBOX", [make_message("Shred me"), make_message("Keep me")])
    window = make_window()
    qtbot.waitUntil(lambda: tree_index(window, "INBOX").isValid(), timeout=10000)
    window.tree.setCurrentIndex(tree_index(window, "INBOX"))
    select_subject(window, qtbot, "Shred me")
    window.messages.setFocus()
    assert window.actions.delete_permanently.shortcut().toString() == "Shift+Del"
    said = answer_when_asked("delete")
    window.actions.delete_permanently.trigger()
    assert said and "deleted for good" in said[0] and "no Trash" not in said[0]
    qtbot.waitUntil(lambda: set(server_flags(dovecot, "INBOX")) == {"Keep me"}, timeout=10000)
    assert server_flags(dovecot, "Trash") == {}  # gone for good, as asked: not in the Trash
