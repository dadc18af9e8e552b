"""The composer at the keyboard (issue 15.10): Tab from Subject goes to the body, Ctrl+S then closing does not ask
again, Ctrl+W and Escape close (asking only when something is unsaved), and the window opens whole on the screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.conftest import BOB


def answer_questions(asked: list[str], button: str | None = None) -> list[bool]:
    """Watch for the save question once the next key is handled: note its text, then click ``button`` (or Cancel).
    Returns a flag list that becomes [True] once the watch ran."""
    ran: list[bool] = []

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            asked.append(box.text())
            chosen = next((b for b in box.buttons() if button is not None and b.text() == button), None)
            (chosen or box.button(QMessageBox.StandardButton.Cancel)).click()
        ran.append(True)

    QTimer.singleShot(0, look)
    return ran


def activate(window: Any, qtbot: Any) -> None:
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5_000)


def open_typed(postbox: Any, qtbot: Any) -> Any:
    composer = postbox.open_composer(to=[BOB])
    activate(composer, qtbot)
    composer.header.subject_field.setFocus()
    qtbot.keyClicks(composer.header.subject_field, "Plans")
    return composer


def test_tab_from_subject_goes_to_the_body(account_store: Any, make_postbox: Any, qtbot: Any) -> None:
    postbox = make_postbox(account_store)
    composer = open_typed(postbox, qtbot)
    QTest.keyClick(composer.header.subject_field, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is composer.editor.text_edit, timeout=5_000)
    qtbot.keyClicks(QApplication.focusWidget(), "See you at noon")
    assert "See you at noon" in composer.editor.text()
    assert composer.header.cc_field.text() == "" and not composer.header.cc_field.isVisible()
    # Shift+Tab comes back to the subject.
    composer.editor.text_edit.setTabChangesFocus(True)  # a QTextEdit keeps Tab as text; Shift+Tab via the chain
    QTest.keyClick(composer.editor.text_edit, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is composer.header.subject_field, timeout=5_000)


def test_save_then_close_does_not_ask_again(account_store: Any, make_postbox: Any, qtbot: Any) -> None:
    postbox = make_postbox(account_store)
    composer = open_typed(postbox, qtbot)
    QTest.keyClick(composer.header.subject_field, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: postbox.drafts.get(composer.draft_id) is not None, timeout=5_000)
    asked: list[str] = []
    with qtbot.waitSignal(composer.closed, timeout=5_000):
        ran = answer_questions(asked)
        QTest.keyClick(composer.header.subject_field, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(ran), timeout=5_000)
    assert asked == []
    qtbot.waitUntil(lambda: [d.subject for d in postbox.local_drafts()] == ["Plans"], timeout=5_000)


def test_escape_asks_only_when_unsaved(account_store: Any, make_postbox: Any, qtbot: Any) -> None:
    postbox = make_postbox(account_store)
    composer = open_typed(postbox, qtbot)
    QTest.keyClick(composer.header.subject_field, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(composer.header.subject_field, " for Friday")  # changed after the save: unsaved again
    asked: list[str] = []
    ran = answer_questions(asked)  # Cancel: the composer stays
    QTest.keyClick(composer.header.subject_field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(ran), timeout=5_000)
    assert len(asked) == 1 and composer.isVisible()
    activate(composer, qtbot)  # the question's window gave the focus back
    with qtbot.waitSignal(composer.closed, timeout=5_000):
        ran = answer_questions(asked, "Save draft")
        QTest.keyClick(composer.header.subject_field, Qt.Key.Key_Escape)
    assert len(asked) == 2
    assert [d.subject for d in postbox.local_drafts()] == ["Plans for Friday"]
    # An untouched composer closes with Escape without a word, and leaves no draft.
    empty = postbox.open_composer()
    activate(empty, qtbot)
    with qtbot.waitSignal(empty.closed, timeout=5_000):
        ran = answer_questions(asked)
        QTest.keyClick(empty.header.to_field, Qt.Key.Key_Escape)
    assert len(asked) == 2


def test_the_composer_opens_whole_on_the_screen(account_store: Any, make_postbox: Any, qtbot: Any) -> None:
    postbox = make_postbox(account_store)
    composer = postbox.open_composer()
    qtbot.waitExposed(composer)
    available = composer.screen().availableGeometry()
    assert available.contains(composer.frameGeometry()), (available, composer.frameGeometry())


def test_attachments_are_counted_in_real_plurals(tmp_path: Any, account_store: Any, make_postbox: Any,
                                                 qtbot: Any) -> None:
    from gui.i18n import install_translations, remove_translations
    from gui.models.formatting import data_size

    app = QApplication.instance()
    install_translations(app, "en")
    try:
        composer = make_postbox(account_store).open_composer()
        one = tmp_path / "plan.txt"
        one.write_bytes(b"x" * 3000)
        with qtbot.waitSignal(composer.attachmentsRead, timeout=10_000):
            composer.add_files([str(one)])
        summary = composer.attachment_summary.text()
        assert summary.startswith("1 attachment, ") and "(s)" not in summary
        assert data_size(3000) in composer.attachment_list.item(0).text()  # one spelling of sizes everywhere
        two = tmp_path / "map.txt"
        two.write_bytes(b"y" * 10)
        with qtbot.waitSignal(composer.attachmentsRead, timeout=10_000):
            composer.add_files([str(two)])
        assert composer.attachment_summary.text().startswith("2 attachments, ")
    finally:
        remove_translations(app)
