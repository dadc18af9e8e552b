"""Help → Keyboard Shortcuts, About and the Preferences (issue 15.13), used as a person would: each setting changed
in the dialog is kept and changes what it names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from gui import resources
from gui.composer import ComposeSettings
from gui.settings import UiSettings
from gui.views import about
from gui.views.preferences_dialog import PreferencesDialog
from gui.views.shortcuts_dialog import ShortcutsDialog, action_name, shortcut_text
from tests.conftest import ALICE, make_message
from tests.gui.main.test_main_window import open_inbox, row_of_subject, select_subject

TIMEOUT = 15000


def focus(window: Any, qtbot: Any) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


def test_keyboard_shortcuts_lists_the_real_actions_and_searches(make_window: Any, qtbot: Any) -> None:
    window = make_window(start=False)
    focus(window, qtbot)
    QTest.keyClick(window, Qt.Key.Key_F1)  # Help → Keyboard Shortcuts
    qtbot.waitUntil(lambda: isinstance(QApplication.activeWindow(), ShortcutsDialog), timeout=5000)
    dialog = QApplication.activeWindow()
    rows = dialog.shown_rows()
    assert ("Reply", "Ctrl+R", "Main window") in rows
    assert ("Archive", "A", "Main window") in rows
    assert ("Send", "Ctrl+Return", "Writing a message") in rows
    assert ("Bold", "Ctrl+B", "Formatting text") in rows
    # Every shortcut of the window's actions is there.
    listed = {(name, keys) for name, keys, _where in rows}
    assert {(action_name(a), shortcut_text(a)) for a in window.actions.all() if shortcut_text(a)} <= listed
    qtbot.keyClicks(dialog.search, "star")
    assert [name for name, _keys, _where in dialog.shown_rows()] == ["Star"]
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, "ctrl+shift")  # by key too
    found = dialog.shown_rows()
    assert found and all("Ctrl+Shift" in keys for _name, keys, _where in found)
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)


def test_about_names_version_licence_and_address(make_window: Any, qtbot: Any) -> None:
    window = make_window(start=False)
    window.actions.about.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox), timeout=5000)
    box = QApplication.activeModalWidget()
    text = box.text()
    assert "Facteur 0.1.0" in text and "GPL-3.0-or-later" in text and "https://facteur.app" in text
    # The same address and licence as the desktop's software centre shows (one project, one address).
    metainfo = ElementTree.parse(resources.metainfo_path()).getroot()
    assert metainfo.findtext("url[@type='homepage']") == about.PROJECT_URL
    assert metainfo.findtext("project_license") == about.LICENCE
    box.button(QMessageBox.StandardButton.Close).click()


@pytest.fixture
def compose_defaults() -> Iterator[None]:
    """The compose settings live in the session's own QSettings: put them back after the test."""
    yield
    ComposeSettings().save()


def open_preferences(window: Any, qtbot: Any) -> PreferencesDialog:
    window.actions.preferences.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), PreferencesDialog), timeout=5000)
    return QApplication.activeModalWidget()


def test_preferences_are_kept_and_used(make_window: Any, dovecot: Any, qtbot: Any, ui_settings: UiSettings,
                                       tmp_path: Any, compose_defaults: None) -> None:
    ui_settings.allow_remote_content("old@friend.example")
    html = ('From: Shop <news@shop.example>\r\nTo: alice@example.test\r\nSubject: Sale\r\n'
            'Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <sale@shop.example>\r\nMIME-Version: 1.0\r\n'
            'Content-Type: text/html; charset=utf-8\r\n\r\n<p>Big sale</p><img src="https://shop.example/p.png">')
    dovecot.seed(ALICE, "INBOX", [make_message("Hello", body="First line\nSecond line"), html.encode()])
    window = make_window()
    open_inbox(window, qtbot)
    qtbot.waitUntil(lambda: row_of_subject(window, "Hello") is not None, timeout=TIMEOUT)
    dialog = open_preferences(window, qtbot)

    # Reading: the text size, typed in its box.
    dialog.tabs.setCurrentIndex(0)
    dialog.font_size.setFocus()
    dialog.font_size.selectAll()
    qtbot.keyClicks(dialog.font_size, "18")
    # Writing: plain text, replies below the quote, and the account's identity as the sender.
    dialog.tabs.setCurrentIndex(1)
    dialog.format.setCurrentIndex(dialog.format.findText("Plain text"))
    dialog.reply_position.setCurrentIndex(dialog.reply_position.findText("Below the quoted message"))
    dialog.sender.setCurrentIndex(1)
    # New mail: no notifications, every 3 minutes.
    dialog.tabs.setCurrentIndex(2)
    QTest.mouseClick(dialog.notify, Qt.MouseButton.LeftButton)
    dialog.check_minutes.setFocus()
    dialog.check_minutes.selectAll()
    qtbot.keyClicks(dialog.check_minutes, "3")
    # Privacy: a domain added with Enter (which does not close the dialog), a nonsense entry refused, one removed.
    dialog.tabs.setCurrentIndex(3)
    dialog.new_sender.setFocus()
    qtbot.keyClicks(dialog.new_sender, "Shop.example")
    QTest.keyClick(dialog.new_sender, Qt.Key.Key_Return)
    assert dialog.isVisible() and "shop.example" in dialog.entries()
    qtbot.keyClicks(dialog.new_sender, "not an address")
    QTest.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.sender_problem.isVisible() and "not an address" not in dialog.entries()
    dialog.senders.setCurrentItem(dialog.senders.findItems("old@friend.example", Qt.MatchFlag.MatchExactly)[0])
    QTest.mouseClick(dialog.findChild(type(dialog.add_button), "removeSender"), Qt.MouseButton.LeftButton)
    QTest.mouseClick(dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

    # Kept: a fresh read of the settings file says so.
    kept = UiSettings(tmp_path / "ui.ini")
    assert (kept.reader_font_size, kept.notifications, kept.check_minutes) == (18, False, 3)
    assert kept.allows_remote_content("news@shop.example") and kept.allows_remote_content("a@mail.shop.example")
    assert not kept.allows_remote_content("old@friend.example") and not kept.allows_remote_content("x@shop.org")
    compose = ComposeSettings.load()
    assert (compose.html_by_default, compose.reply_below, compose.default_identity) == (False, True, ALICE)

    # Used: the check interval, the reader's text size, the domain's remote content.
    session = next(iter(window.sessions.values()))
    assert session._resync.interval() == 3 * 60_000  # noqa: SLF001 - the timer the setting drives
    select_subject(window, qtbot, "Hello")
    qtbot.waitUntil(lambda: window.reader.plain.isVisible(), timeout=TIMEOUT)
    assert window.reader.plain.font().pointSize() == 18
    select_subject(window, qtbot, "Sale")
    qtbot.waitUntil(lambda: window.reader.html_view is not None and window.reader.html_view.isVisible(),
                    timeout=TIMEOUT)
    assert not window.reader.remote_bar.isVisible()  # shop.example is trusted: nothing blocked to ask about
    assert window.reader.html_view.zoomFactor() == pytest.approx(18 / QApplication.font().pointSizeF())

    # A reply is written below the quote, in plain text, from the chosen identity.
    select_subject(window, qtbot, "Hello")
    focus(window, qtbot)
    postbox = window.local.postbox
    QTest.keyClick(window.messages, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(postbox.composers()) == 1, timeout=TIMEOUT)
    composer = postbox.composers()[0]
    assert composer.plain_action.isChecked()
    qtbot.waitUntil(lambda: composer.editor.text_edit.hasFocus(), timeout=5000)
    qtbot.keyClicks(composer.editor.text_edit, "My answer")
    text = composer.editor.text()
    assert text.index("> Second line") < text.index("My answer")
    assert text.rstrip().endswith("My answer")
    composer._stop()  # noqa: SLF001 - closed without the save question
    composer.close()

    # No announcement of new mail.
    dovecot.deliver(ALICE, make_message("Quietly"))
    qtbot.waitUntil(lambda: row_of_subject(window, "Quietly") is not None, timeout=TIMEOUT)
    assert window.notifier.sent == []
