"""The reader: HTML without remote loads until allowed, inline images, plain text, attachments."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from connectors.messaging.html_sanitiser import sanitise_html
from connectors.messaging.message_text import plain_text_html
from connectors.messaging.mime import ParsedAttachment, parse_message
from gui.views.attachment_view import is_executable
from gui.views.reader import ReaderView, displayed
from tests.conftest import ALICE, make_message
from tests.gui.main.http_counter import PIXEL, CountingServer
from tests.gui.main.test_main_window import open_inbox, select_subject


def html_message(subject: str, html: str, sender: str = "news@shop.example") -> bytes:
    return (
        f"From: Shop <{sender}>\r\nTo: {ALICE}\r\nSubject: {subject}\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
        f"Message-ID: <{abs(hash(subject))}@shop.example>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/html; charset=utf-8\r\n\r\n" + html
    ).encode()


def test_remote_content_makes_no_request_until_allowed(make_window: Any, dovecot: Any, qtbot: Any,
                                                       ui_settings: Any) -> None:
    with CountingServer() as server:
        page = (f'<html><head><link rel="preconnect" href="{server.base}">'
                f'<link rel="stylesheet" href="{server.base}/style.css"></head>'
                f'<body><h1>Big sale</h1><img src="{server.base}/{{pixel}}.png" width="1" height="1">'
                f'<a href="{server.base}/click">Buy</a></body></html>')
        # Each message has its own tracking pixel, as newsletters do (and so no cache can answer for the network).
        dovecot.seed(ALICE, "INBOX", [html_message("Big sale", page.replace("{pixel}", "pixel")),
                                      html_message("Second sale", page.replace("{pixel}", "pixel2"))])
        window = make_window()
        open_inbox(window, qtbot)
        select_subject(window, qtbot, "Big sale")
        reader = window.reader
        qtbot.waitUntil(lambda: reader.html_view is not None and reader.remote_bar.isVisible(), timeout=20000)
        qtbot.waitUntil(lambda: reader.html_view.message_page.loaded, timeout=20000)
        assert server.connections == 0 and server.requests == []
        assert reader.remote_bar.always.text() == "Always for news@shop.example"

        reader.remote_bar.once.click()
        qtbot.waitUntil(lambda: "/pixel.png" in server.requests, timeout=10000)
        assert not reader.remote_bar.isVisible()
        assert not ui_settings.allows_remote_content("news@shop.example")

        requests_before = len(server.requests)
        select_subject(window, qtbot, "Second sale")
        qtbot.waitUntil(lambda: reader.remote_bar.isVisible(), timeout=10000)
        assert len(server.requests) == requests_before  # allowing once was for that message only
        reader.remote_bar.always.click()
        qtbot.waitUntil(lambda: len(server.requests) > requests_before, timeout=10000)
        assert ui_settings.allows_remote_content("News@Shop.example")


def in_reader_body(reader: Any) -> bool:
    focused = QApplication.focusWidget()
    return focused is not None and (focused is reader.html_view or reader.html_view.isAncestorOf(focused))


@pytest.mark.parametrize("press", ["mouse", "keyboard"])
def test_load_remote_content_keeps_the_keyboard_in_the_reader(make_window: Any, dovecot: Any, qtbot: Any,
                                                              press: str) -> None:
    with CountingServer() as server:
        dovecot.seed(ALICE, "INBOX", [html_message("Long news", f'<img src="{server.base}/pixel.png">'
                                                   + "<p>Paragraph</p>" * 200)])
        window = make_window()
        open_inbox(window, qtbot)
        select_subject(window, qtbot, "Long news")
        reader = window.reader
        qtbot.waitUntil(lambda: reader.html_view is not None and reader.remote_bar.isVisible(), timeout=20000)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
        button = reader.remote_bar.once
        if press == "mouse":
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        else:
            button.setFocus(Qt.FocusReason.TabFocusReason)  # reached with Tab, pressed with Space
            qtbot.waitUntil(button.hasFocus, timeout=5000)
            QTest.keyClick(button, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: "/pixel.png" in server.requests, timeout=10000)
        assert not reader.remote_bar.isVisible()
        assert in_reader_body(reader), QApplication.focusWidget()


def test_links_open_outside_and_never_navigate(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    reader = ReaderView()
    qtbot.addWidget(reader)
    raw = html_message("Links", '<p><a id="go" href="https://example.org/offer">offer</a></p>')
    reader.show_message(displayed(("", "", 0), parse_message(raw)))
    view = reader.html_view
    assert view is not None
    with qtbot.waitSignal(view.loadFinished, timeout=20000):
        pass
    activated: list[str] = []
    reader.linkActivated.connect(lambda url: activated.append(url.toString()))
    page = view.page()
    from PySide6.QtWebEngineCore import QWebEnginePage

    allowed = page.acceptNavigationRequest("https://example.org/offer",
                                           QWebEnginePage.NavigationType.NavigationTypeLinkClicked, True)
    assert allowed is False and activated == ["https://example.org/offer"]
    assert page.acceptNavigationRequest("https://evil.example/",
                                        QWebEnginePage.NavigationType.NavigationTypeRedirect, True) is False


def test_warming_the_engine_makes_the_first_message_s_profile_and_goes(qtbot: Any) -> None:
    """The warm-up page (a blank document) starts the shared profile of refused-remote messages, so the first message
    costs no new profile; it is a page of its own, retired when that message comes (see
    tests/gui/main/test_message_isolation.py for what pages of that profile can see of each other: nothing)."""
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.warm_up()
    view = reader.html_view
    assert view is not None and view.message_page is not None
    warm = view.message_page
    with qtbot.waitSignal(view.pageLoaded, timeout=20000):
        pass
    assert reader.body.currentWidget() is reader.status  # nothing shown meanwhile
    reader.warm_up()
    assert view.message_page is warm, "once"
    retired: list[bool] = []
    warm.destroyed.connect(lambda: retired.append(True))
    reader.show_message(displayed(("", "", 0), parse_message(html_message("First", "<p>Hello</p>"))))
    page = view.message_page
    assert page is not warm and page.profile() is warm.profile()
    assert page.profile().isOffTheRecord() and not page.allow_remote
    qtbot.waitUntil(lambda: bool(retired), timeout=10000)  # the warm-up page is gone


def test_inline_cid_images_become_data_urls() -> None:
    image = ParsedAttachment("logo.png", "image/png", PIXEL, content_id="logo@shop", inline=True)
    other = ParsedAttachment("report.pdf", "application/pdf", b"%PDF-1.4", content_id=None)
    cleaned = sanitise_html('<img src="cid:logo@shop"><img src="cid:missing">', [image, other])
    assert f'src="data:image/png;base64,{base64.b64encode(PIXEL).decode()}"' in cleaned.html
    assert "cid:missing" not in cleaned.html and cleaned.content_ids == {"logo@shop"}
    raw = (
        "From: a@example.test\r\nSubject: Logo\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; boundary="b"\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n'
        '<p>Hi</p><img src="cid:logo@shop">\r\n--b\r\nContent-Type: image/png\r\nContent-ID: <logo@shop>\r\n'
        "Content-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(PIXEL).decode() + "\r\n--b--\r\n"
    ).encode()
    message = displayed(("", "", 0), parse_message(raw))
    assert message.html is not None and "data:image/png;base64," in message.html
    assert message.attachments == []  # the inline image is shown in the text, not listed


def test_plain_text_is_escaped_linked_and_quotes_styled(qtbot: Any) -> None:
    text = "Hi <b>Bob</b>, see https://example.org/a?b=1&c=2.\n> earlier words\n>> older\n-- \nAlice"
    html = plain_text_html(text)
    assert "&lt;b&gt;Bob&lt;/b&gt;" in html
    assert '<a href="https://example.org/a?b=1&amp;c=2">' in html and "</a>." in html
    assert html.count("<span style=\"color:") == 4  # two quote levels, then the signature's two lines
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.show_message(displayed(("", "", 0), parse_message(make_message("Plain", body=text))))
    assert reader.body.currentWidget() is reader.plain
    assert "Hi <b>Bob</b>" in reader.plain.toPlainText()
    assert reader.plain.anchorAt(reader.plain.cursorRect().center()) is not None


def attachment_message() -> bytes:
    parts = [
        ("../../etc/evil\u202egnp.exe", "application/octet-stream", b"MZ binary"),
        ("résumé.pdf", "application/pdf", b"%PDF-1.4 resume"),
        ("notes.txt", "text/plain", b"just notes"),
    ]
    body = ["From: a@example.test\r\nTo: b@example.test\r\nSubject: Files\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee files.\r\n']
    for name, content_type, data in parts:
        body.append(f"--b\r\nContent-Type: {content_type}\r\nContent-Disposition: attachment; "
                    f"filename*=utf-8''{__import__('urllib.parse').parse.quote(name)}\r\n"
                    f"Content-Transfer-Encoding: base64\r\n\r\n{base64.b64encode(data).decode()}\r\n")
    body.append("--b--\r\n")
    return "".join(body).encode()


def test_attachments_are_listed_saved_safely_and_executables_confirmed(qtbot: Any, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.show_message(displayed(("", "", 0), parse_message(attachment_message())))
    view = reader.attachments
    assert view.isVisibleTo(reader) and view.model.rowCount() == 3
    names = [view.model.attachment(row).filename for row in range(3)]
    assert all("/" not in name and ".." not in name and "\u202e" not in name for name in names)
    assert view.summary.text().startswith("3 attachment")  # "3 attachments" once the English plurals are loaded
    saved = written(qtbot, view.save_all(tmp_path))
    assert sorted(path.name for path in saved) == sorted(names)
    assert all(path.parent == tmp_path for path in saved)
    [again] = written(qtbot, [view.save_to(1, tmp_path)])
    assert again.name == "résumé (2).pdf" and again.read_bytes() == b"%PDF-1.4 resume"

    asked: list[str] = []
    opened: list[str] = []
    monkeypatch.setattr(view, "confirm_open", lambda attachment: asked.append(attachment.filename) or False)
    monkeypatch.setattr("gui.views.attachment_view.QDesktopServices.openUrl",
                        lambda url: opened.append(url.toLocalFile()) or True)
    assert view.open_attachment(0) is None and asked == [names[0]] and opened == []
    [path] = written(qtbot, [view.open_attachment(2)])
    assert opened == [str(path)] and path.read_bytes() == b"just notes"
    assert asked == [names[0]]  # a text file opens without a question


def written(qtbot: Any, operations: list[Any]) -> list[Path]:
    """The paths the attachment view's write operations finished with (each must finish)."""
    paths: list[Path] = []
    for operation in operations:
        assert operation is not None
        operation.finished.connect(paths.append)
    qtbot.waitUntil(lambda: len(paths) == len(operations), timeout=10_000)
    return paths


def big_attachment_message(data: bytes) -> bytes:
    return ("From: a@example.test\r\nTo: b@example.test\r\nSubject: Figures\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee.\r\n'
            "--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=figures.bin"
            f"\r\nContent-Transfer-Encoding: base64\r\n\r\n{base64.encodebytes(data).decode()}\r\n--b--\r\n"
            ).encode()


def test_saving_writes_off_the_gui_thread_with_progress_and_reports_failures(qtbot: Any, tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    import gui.views.attachment_view as attachment_view

    data = os.urandom(5 * attachment_view.WRITE_SLICE + 123)
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.show_message(displayed(("", "", 0), parse_message(big_attachment_message(data))))
    view = reader.attachments
    writers: list[int] = []
    real_slices = attachment_view._write_slices  # noqa: SLF001

    def recorded(op: Any, payload: bytes, out: Any) -> None:
        writers.append(threading.get_ident())
        real_slices(op, payload, out)

    monkeypatch.setattr(attachment_view, "_write_slices", recorded)
    progress: list[tuple[int, int]] = []
    saved: list[Path] = []
    view.saved.connect(saved.append)
    write = view.save_to(0, tmp_path / "kept.bin", overwrite=True)
    assert write is not None
    write.progress.connect(lambda done, total: progress.append((done, total)))
    [path] = written(qtbot, [write])
    assert path == tmp_path / "kept.bin" and path.read_bytes() == data and saved == [path]
    assert writers and threading.get_ident() not in writers  # written in the pool, not on the GUI thread
    assert progress[-1] == (len(data), len(data)) and len(progress) == 6
    assert view.summary.text().startswith("1 attachment")  # the progress line gives way to the summary again

    # A folder that cannot be written: the window is told which file and why, and nothing is left behind.
    failures: list[tuple[str, str]] = []
    view.failed.connect(lambda title, text: failures.append((title, text)))
    not_a_folder = tmp_path / "plain-file"
    not_a_folder.write_bytes(b"x")
    broken = view.save_to(0, not_a_folder / "figures.bin", overwrite=True)
    assert broken is not None
    with qtbot.waitSignal(broken.failed, timeout=10_000):
        pass
    qtbot.waitUntil(lambda: bool(failures), timeout=10_000)
    assert failures[0][0] == "Could not save the attachment" and "plain-file" in failures[0][1]

    # Cancelled half-way (the writer holds after its first slice until the cancel is made): the half-written file
    # is removed.
    first_slice, go_on = threading.Event(), threading.Event()

    class HeldFile:
        def __init__(self, out: Any) -> None:
            self.out = out

        def write(self, chunk: Any) -> None:
            self.out.write(chunk)
            first_slice.set()
            go_on.wait(10)

    monkeypatch.setattr(attachment_view, "_write_slices", lambda op, payload, out: real_slices(op, payload,
                                                                                              HeldFile(out)))
    cancelled = view.save_to(0, tmp_path)
    assert cancelled is not None
    qtbot.waitUntil(first_slice.is_set, timeout=10_000)
    assert (tmp_path / "figures.bin").exists()
    with qtbot.waitSignal(cancelled.cancelled, timeout=10_000):
        cancelled.cancel()
        go_on.set()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.bin", "plain-file"]


@pytest.mark.parametrize(("name", "content_type", "expected"), [
    ("invoice.pdf.exe", "application/pdf", True),
    ("setup.msi", "application/octet-stream", True),
    ("run.sh", "text/plain", True),
    ("photo.jpg", "image/jpeg", False),
    ("report.pdf", "application/x-msdownload", True),
])
def test_executables_are_recognised(name: str, content_type: str, expected: bool) -> None:
    assert is_executable(name, content_type) is expected
