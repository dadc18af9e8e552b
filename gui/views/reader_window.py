"""A message in a window of its own: a saved ``.eml`` file, or a message opened from the list with Enter.

The window opens at once, saying it is loading; the file is read and the message parsed in the runner's pool (a
large message takes longer than a frame), then shown (``shown``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QToolBar, QWidget

from ..models.formatting import shown_text
from ..settings import UiSettings
from ..workers.operation import Operation
from ..workers.parsing import message_parser
from ..workers.runner import runner
from .html_view import open_externally
from .icons import icon
from .reader import DisplayedMessage, ReaderView, displayed, remote_allowed_for

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

MAX_FILE_BYTES = 200 * 1024 * 1024


class ReaderWindow(QMainWindow):
    shown = Signal()
    """The message is on screen (or the reason it could not be read)."""

    def __init__(self, raw: bytes | None, *, key: tuple[str, str, int] = ("", "", 0),
                 settings: UiSettings | None = None, title: str = "",
                 reply: Callable[[bytes, bool], None] | None = None, forward: Callable[[bytes], None] | None = None,
                 open_link: Callable[[QUrl], None] | None = None,
                 path: Path | None = None, parent: QWidget | None = None) -> None:
        """``raw``: the message's bytes; or None and ``path``, a file read off the GUI thread."""
        super().__init__(parent)
        self.setObjectName("readerWindow")
        self.raw = raw or b""
        self._settings = settings
        self._title = title
        self.reader = ReaderView(self)
        self._open_link = open_link
        self.reader.linkActivated.connect(self._link)
        self.reader.writeTo.connect(lambda address: self._link(QUrl("mailto:" + address)))
        if settings is not None:
            self.reader.allowSenderRemote.connect(settings.allow_remote_content)
            self.reader.set_font_size(settings.reader_font_size)
        self.setCentralWidget(self.reader)
        toolbar = QToolBar(translate("ReaderWindow", "Message"), self)
        toolbar.setObjectName("readerToolbar")
        toolbar.setMovable(False)
        if reply is not None:
            toolbar.addAction(icon("reply"), translate("ReaderWindow", "Reply"), lambda: reply(self.raw, False))
            toolbar.addAction(icon("reply-all"), translate("ReaderWindow", "Reply to All"),
                              lambda: reply(self.raw, True))
        if forward is not None:
            toolbar.addAction(icon("forward"), translate("ReaderWindow", "Forward"), lambda: forward(self.raw))
        toolbar.addAction(icon("save"), translate("ReaderWindow", "Save Attachments…"),
                          self.reader.attachments.save_all_interactively)
        close = toolbar.addAction(translate("ReaderWindow", "Close"), self.close)
        # Escape too, as a dialog: a message opened to be read is closed as quickly.
        close.setShortcuts([*QKeySequence.keyBindings(QKeySequence.StandardKey.Close), QKeySequence("Escape")])
        self.addToolBar(toolbar)
        self.message: DisplayedMessage | None = None
        self.setWindowTitle(title or translate("ReaderWindow", "Message"))
        self.reader.show_placeholder(translate("ReaderWindow", "Loading message…"))
        self.resize(820, 720)

        def load(_op: Operation) -> tuple[bytes, DisplayedMessage]:
            data = raw if raw is not None else path.read_bytes() if path is not None else b""
            # Sanitised in the parsing process too; every attachment's bytes come back (nothing to fetch them from).
            parsed = message_parser().parse(data, for_reading=True, kept_bytes=None)
            return data, displayed(key, parsed.message, reading=parsed.reading)

        work = Operation(load, name="read message")
        work.finished.connect(self._loaded)
        work.failed.connect(self._failed)
        runner().submit(work)

    def _loaded(self, loaded: tuple[bytes, DisplayedMessage]) -> None:
        self.raw, self.message = loaded
        settings = self._settings
        allowed = remote_allowed_for(self.message, settings.allows_remote_content) if settings is not None else False
        self.reader.show_message(self.message, allow_remote=allowed)
        self.setWindowTitle(self._title or shown_text(self.message.subject, 120)
                            or translate("ReaderWindow", "(no subject)"))
        self.shown.emit()

    def _failed(self, exc: BaseException) -> None:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        self.reader.show_placeholder(translate("ReaderWindow", "This message could not be read: {reason}").format(
            reason=reason))
        self.shown.emit()

    @classmethod
    def from_file(cls, path: Path, *, settings: UiSettings | None = None,
                  open_link: Callable[[QUrl], None] | None = None, parent: QWidget | None = None) -> ReaderWindow:
        """Open a saved message. Raises OSError (missing, or too large to be a message); it is read in the pool."""
        if path.stat().st_size > MAX_FILE_BYTES:
            raise OSError(f"{path} is too large to be a message")
        return cls(None, path=path, key=("", str(path), 0), settings=settings,
                   title=f"{path.name} — Facteur", open_link=open_link, parent=parent)

    def _link(self, url: QUrl) -> None:
        """Web links go to the browser; ``mailto:`` opens Facteur's composer (only to, cc, bcc, subject and body
        are taken from it), never the desktop's mail handler."""
        if self._open_link is not None:
            self._open_link(url)
        elif url.scheme().lower() == "mailto":
            from ..composer import open_mailto

            open_mailto(url.toString())
        else:
            open_externally(url)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.reader.html_view is not None:
            self.reader.html_view.close()
        super().closeEvent(event)
