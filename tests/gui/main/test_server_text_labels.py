"""Text from a server or a message is shown as text: a folder named ``<b>…</b>`` or a subject holding an ``<img>``
never becomes markup (issue 16.2), and mailto: links from a reader window open Facteur's composer (issue 10.5)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QLabel

from connectors.messaging.mime import parse_message
from gui.composer.mailto import parse_mailto
from gui.composer.undo_notice import UndoSendNotice
from gui.views.reader import ReaderView, displayed
from gui.views.reader_window import ReaderWindow
from gui.views.status_bar import MailStatusBar
from tests.conftest import make_message

MARKUP = '<b>Inbox</b><img src="http://evil.test/a.png">'


def assert_plain(label: QLabel, expected: str) -> None:
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.text() == expected


def test_status_bar_shows_folder_and_account_names_as_text(qtbot: Any) -> None:
    bar = MailStatusBar()
    qtbot.addWidget(bar)
    bar.set_account("a1", "<i>Work</i>")
    bar.set_activity("a1", f"Synchronising {MARKUP}", 1, 10)
    assert bar.activity_label.textFormat() == Qt.TextFormat.PlainText
    assert bar.activity_label.text().startswith(f"Synchronising {MARKUP}")
    indicator = bar.indicator("a1")
    assert indicator is not None
    assert_plain(indicator.label, "<i>Work</i>")
    assert bar.folder_counts.textFormat() == Qt.TextFormat.PlainText


def test_reader_status_shows_a_server_error_as_text(qtbot: Any) -> None:
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.show_error(f"The server said: {MARKUP}")
    assert_plain(reader.status_label, f"The server said: {MARKUP}")
    reader.show_message(displayed(("", "", 0), parse_message(make_message(MARKUP))))
    assert reader.headers.subject.textFormat() == Qt.TextFormat.PlainText
    assert reader.headers.subject.text() == MARKUP
    assert reader.warning.textFormat() == Qt.TextFormat.PlainText


def test_undo_notice_shows_the_subject_as_text(qtbot: Any) -> None:
    notice = UndoSendNotice("e1", "<b>x</b>", 5)
    qtbot.addWidget(notice)
    assert notice.label.textFormat() == Qt.TextFormat.PlainText
    assert "<b>x</b>" in notice.label.text()


@pytest.mark.parametrize("with_main_window_handler", [True, False])
def test_mailto_from_a_reader_window_opens_the_composer_without_attachments(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, with_main_window_handler: bool) -> None:
    opened: list[str] = []
    desktop: list[str] = []
    monkeypatch.setattr("gui.views.html_view.QDesktopServices.openUrl", lambda url: desktop.append(url.toString()))
    monkeypatch.setattr("gui.composer.open_mailto", lambda url, parent=None: opened.append(url))
    handler = (lambda url: opened.append(url.toString()) if url.scheme() == "mailto" else None) \
        if with_main_window_handler else None
    window = ReaderWindow(make_message("Links"), open_link=handler)
    qtbot.addWidget(window)
    link = "mailto:bob@example.test?subject=Hi&attach=/etc/passwd&x-evil=1&body=Hello"
    window.reader.linkActivated.emit(QUrl(link))
    assert desktop == [] and len(opened) == 1
    seed = parse_mailto(opened[0])
    assert seed.to == ["bob@example.test"] and seed.subject == "Hi" and seed.body_text == "Hello"
    assert "passwd" not in repr(seed)
    window.reader.writeTo.emit("carol@example.test")
    assert opened[-1] == "mailto:carol@example.test"
