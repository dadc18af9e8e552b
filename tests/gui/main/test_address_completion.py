"""Address completion from the first session (issue 15.11): whoever writes in is offered as soon as their mail is
synced, and whoever the person writes to as soon as the message is sent, typed and chosen at the keyboard."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.conftest import ALICE, make_message
from tests.gui.main.test_main_window import open_inbox, row_of_subject


def new_composer(window: Any, qtbot: Any) -> Any:
    postbox = window.local.postbox
    before = len(postbox.composers())
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(postbox.composers()) == before + 1, timeout=5000)
    composer = postbox.composers()[-1]
    qtbot.waitExposed(composer)
    composer.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is composer, timeout=5000)
    composer.header.to_field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is composer.header.to_field, timeout=5000)
    return composer


def offered(field: Any) -> list[str]:
    popup = field._completer.popup()  # noqa: SLF001 - what the person sees under the field
    model = popup.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())] if popup.isVisible() else []


def test_a_new_correspondent_is_offered_in_the_first_session(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    window = make_window()
    open_inbox(window, qtbot)
    message = make_message("Bonjour", sender="Zoé Lefèvre <zoe@elsewhere.test>")
    dovecot.deliver(ALICE, message, sender="zoe@elsewhere.test")
    qtbot.waitUntil(lambda: row_of_subject(window, "Bonjour") is not None, timeout=15000)

    composer = new_composer(window, qtbot)
    field = composer.header.to_field
    qtbot.keyClicks(field, "lefe")  # a word of the name, typed without its accent
    qtbot.waitUntil(lambda: offered(field) == ["Zoé Lefèvre <zoe@elsewhere.test>"], timeout=5000)
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert field.addresses() == ["Zoé Lefèvre <zoe@elsewhere.test>"]
    qtbot.keyClicks(field, "zzz")
    assert offered(field) == []  # nobody by that name: nothing is offered


def test_whoever_the_person_writes_to_is_offered_next_time(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    window = make_window()
    open_inbox(window, qtbot)
    composer = new_composer(window, qtbot)
    qtbot.keyClicks(composer.header.to_field, "Paul Nouveau <paul@faraway.test>")
    composer.header.subject_field.setFocus()
    qtbot.keyClicks(composer.header.subject_field, "Hello Paul")
    QTest.keyClick(composer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Send
    qtbot.waitUntil(lambda: composer not in window.local.postbox.composers(), timeout=5000)

    composer = new_composer(window, qtbot)
    field = composer.header.to_field
    # Asked again until the account's worker has noted the recipient (it does so as the message is queued).
    qtbot.waitUntil(lambda: (field.clear(), qtbot.keyClicks(field, "nouv"), offered(field))[2]
                    == ["Paul Nouveau <paul@faraway.test>"], timeout=5000)
    QTest.keyClick(field, Qt.Key.Key_Enter)
    assert field.addresses() == ["Paul Nouveau <paul@faraway.test>"]
