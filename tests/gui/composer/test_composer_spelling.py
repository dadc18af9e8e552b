"""Spell checking in the composer (issue 15.12): red wavy lines while typing (not under quotes, links or addresses),
suggestions, Add to Dictionary and Ignore in the context menu, a language per message remembered per identity,
and a composer that works (and says so) without enchant."""

from __future__ import annotations

import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QTextCharFormat, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from gui.composer import spelling
from gui.composer.spelling import Speller
from tests.conftest import BOB

pytest.importorskip("enchant")


@pytest.fixture
def checker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Speller]:
    """A Speller with its personal word list in tmp_path, installed as the application's."""
    made = Speller(personal_list=tmp_path / "config" / "dictionary.txt")
    if not {"en_US", "fr_FR"} <= set(made.languages):
        pytest.skip("the English and French dictionaries are not installed (scripts/install-system-deps.sh)")
    monkeypatch.setattr(spelling, "_speller", made)
    yield made


def underlined(edit: Any, block_number: int) -> list[str]:
    """The words of a block that carry the red wavy line."""
    block = edit.document().findBlockByNumber(block_number)
    return [block.text()[r.start:r.start + r.length] for r in block.layout().formats()
            if r.format.underlineStyle() == QTextCharFormat.UnderlineStyle.SpellCheckUnderline]


def open_body(postbox: Any, qtbot: Any) -> Any:
    composer = postbox.open_composer(to=[BOB], subject="Spelling")
    qtbot.waitExposed(composer)
    edit = composer.editor.text_edit
    edit.setFocus()
    edit.moveCursor(QTextCursor.MoveOperation.Start)
    return composer


def choose_in_popup(qtbot: Any, text: str, chosen: list[str]) -> None:
    """Once a menu pops up: note its entries, pick the one whose text starts with ``text`` with the keyboard."""

    def look() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, look)
            return
        chosen.extend(a.text() for a in menu.actions())
        action = next((a for a in menu.actions() if a.text().startswith(text)), None)
        if action is None:
            menu.close()  # the test then fails on what it expected, instead of hanging on an open menu
            return
        menu.setActiveAction(action)
        QTest.keyClick(menu, Qt.Key.Key_Return)

    QTimer.singleShot(0, look)


def right_click_word(edit: Any, word: str) -> None:
    position = edit.toPlainText().index(word) + 1
    cursor = QTextCursor(edit.document())
    cursor.setPosition(position)
    point = edit.cursorRect(cursor).center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, edit.viewport().mapToGlobal(point))
    QApplication.sendEvent(edit.viewport(), event)


def test_typing_underlines_unknown_words_only(checker: Speller, account_store: Any, make_postbox: Any,
                                              qtbot: Any) -> None:
    postbox = make_postbox(account_store, html_by_default=False)
    composer = open_body(postbox, qtbot)
    composer.spelling_button.set_language("en_US")
    edit = composer.editor.text_edit
    qtbot.keyClicks(edit, "Helo wrold, see https://exampel.com/pathh or write to bobb@exampel.org today")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    qtbot.keyClicks(edit, "> quotd txt from yesterdy")
    qtbot.waitUntil(lambda: underlined(edit, 0) == ["Helo", "wrold"], timeout=5_000)
    assert underlined(edit, 1) == []  # a quoted line is the other person's spelling


def test_suggestion_add_and_ignore_from_the_context_menu(checker: Speller, account_store: Any, make_postbox: Any,
                                                         qtbot: Any) -> None:
    postbox = make_postbox(account_store, html_by_default=True)
    composer = open_body(postbox, qtbot)
    composer.spelling_button.set_language("en_US")
    edit = composer.editor.text_edit
    qtbot.keyClicks(edit, "The wrold of Facteurz and Zyxwq")
    qtbot.waitUntil(lambda: underlined(edit, 0) == ["wrold", "Facteurz", "Zyxwq"], timeout=5_000)

    entries: list[str] = []
    choose_in_popup(qtbot, "world", entries)
    right_click_word(edit, "wrold")
    assert "world" in entries and any(e.startswith("Add “wrold”") for e in entries)
    assert any(e.startswith("Ignore") for e in entries) and "Copy" in " ".join(entries).replace("&", "")
    qtbot.waitUntil(lambda: edit.toPlainText().startswith("The world of"), timeout=5_000)
    assert underlined(edit, 0) == ["Facteurz", "Zyxwq"]

    choose_in_popup(qtbot, "Add “Facteurz”", [])
    right_click_word(edit, "Facteurz")
    qtbot.waitUntil(lambda: underlined(edit, 0) == ["Zyxwq"], timeout=5_000)
    saved = checker.personal_list
    assert saved.read_text(encoding="utf-8").split() == ["Facteurz"]
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600

    choose_in_popup(qtbot, "Ignore “Zyxwq”", [])
    right_click_word(edit, "Zyxwq")
    qtbot.waitUntil(lambda: underlined(edit, 0) == [], timeout=5_000)
    assert "Zyxwq" not in saved.read_text(encoding="utf-8")  # ignored for now, not learnt

    # A new Speller (the next start) knows the added word, not the ignored one.
    again = Speller(personal_list=saved)
    assert again.check("en_US", "Facteurz") and not again.check("en_US", "Zyxwq")


def test_language_is_per_message_and_remembered_for_the_identity(checker: Speller, account_store: Any,
                                                                 make_postbox: Any, qtbot: Any) -> None:
    postbox = make_postbox(account_store, html_by_default=False)
    composer = open_body(postbox, qtbot)
    button = composer.spelling_button
    choose_in_popup(qtbot, "English", [])
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    edit = composer.editor.text_edit
    qtbot.keyClicks(edit, "Bonjour, merci pour votre message")
    qtbot.waitUntil(lambda: "votre" in underlined(edit, 0), timeout=5_000)

    entries: list[str] = []
    choose_in_popup(qtbot, "Français", entries)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert any(e.startswith("English") for e in entries) and "Do Not Check" in entries, entries
    qtbot.waitUntil(lambda: underlined(edit, 0) == [], timeout=5_000)
    assert button.text().startswith("Spelling: Français")

    # Saved with the draft: the message comes back in French.
    QTest.keyClick(edit, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: postbox.drafts.get(composer.draft_id) is not None, timeout=5_000)
    assert postbox.drafts.get(composer.draft_id).spell_language == "fr_FR"

    # The next message from the same identity starts in French.
    second = postbox.open_composer(to=[BOB])
    assert second.spelling_button.language == "fr_FR"

    # Do Not Check: no lines at all.
    choose_in_popup(qtbot, "Do Not Check", [])
    QTest.mouseClick(second.spelling_button, Qt.MouseButton.LeftButton)
    second.editor.text_edit.setFocus()
    qtbot.keyClicks(second.editor.text_edit, "zzqx wrold")
    qtbot.waitUntil(lambda: second.spelling_button.language == "off", timeout=5_000)
    assert underlined(second.editor.text_edit, 0) == []


def test_without_enchant_the_composer_works_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        account_store: Any, make_postbox: Any, qtbot: Any) -> None:
    monkeypatch.setitem(sys.modules, "enchant", None)  # import enchant → ImportError, as when it is not installed
    missing = Speller(personal_list=tmp_path / "dictionary.txt")
    monkeypatch.setattr(spelling, "_speller", missing)
    assert not missing.available and "enchant" in missing.problem

    postbox = make_postbox(account_store, html_by_default=False)
    composer = open_body(postbox, qtbot)
    button = composer.spelling_button
    assert button.text() == "No Spell Checking"
    entries: list[str] = []

    def look() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, look)
            return
        entries.extend(f"{a.text()}|{a.isEnabled()}" for a in menu.actions())
        menu.close()

    QTimer.singleShot(0, look)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert entries == [f"{missing.problem}|False"]
    edit = composer.editor.text_edit
    qtbot.keyClicks(edit, "wrold zzqx")
    assert edit.toPlainText().startswith("wrold zzqx")
    assert underlined(edit, 0) == []
    menu = edit.context_menu(QPoint(5, 5))  # the standard menu, nothing added
    assert not any(a.text().startswith("Add") for a in menu.actions())
