"""The reader: one message's headers, its body (plain text, or HTML in the locked-down web view) and attachments.

It only displays what it is given (:class:`DisplayedMessage`); fetching, parsing and marking as read are the
window's business (:mod:`gui.views.message_opener`). The HTML view is created the first time an HTML message is
shown, since starting the web engine costs a moment that plain-text readers never need to pay.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from connectors.messaging import mime
from connectors.messaging.mime import ParsedAttachment, ParsedMessage
from connectors.messaging.reading import ForReading, reading_view

from ..models.formatting import full_date, names_another_address
from .attachment_view import AttachmentView
from .headers_view import MessageHeaderView
from .html_view import HtmlMessageView
from .icons import icon

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate


@dataclass(frozen=True)
class DisplayedMessage:
    """What the reader shows, built off the GUI thread from the raw message (see :func:`displayed`)."""

    key: tuple[str, str, int]  # account id, folder, uid ("", path, 0 for a file)
    subject: str
    sender: str
    sender_address: str
    """The one real address of From, or "" when From is not exactly one valid address."""
    to: str
    cc: str
    date: str
    plain_html: str | None
    html: str | None
    """The sanitised HTML document, with no remote reference left in it."""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    remote_html: str | None = None
    """The same document with its remote images kept, for when the person allows them (None: there are none)."""
    remote_count: int = 0
    sender_name: str = ""
    sender_trusted: bool = False
    """Whether "always load remote content from this sender" may apply to this message."""
    warnings: tuple[str, ...] = ()
    """What the person must know before believing what the headers say (shown above the text)."""


def displayed(key: tuple[str, str, int], parsed: ParsedMessage, fallback_date: int = 0,
              reading: ForReading | None = None) -> DisplayedMessage:
    """What the reader shows of a parsed message: ``reading``, its HTML sanitised and its parts listed, as a
    parsing process prepares it with the parse (``MessageParser.parse(..., for_reading=True)``: then no HTML is
    sanitised in the app's threads, whose interpreter lock the GUI thread shares); made here when not given."""
    if reading is None:
        reading = reading_view(parsed)
    epoch = int(parsed.datetime.timestamp()) if parsed.datetime is not None else fallback_date
    return DisplayedMessage(
        key=key,
        subject=parsed.subject,
        sender=parsed.from_,
        sender_address=parsed.sender,
        sender_name=parsed.sender_name,
        sender_trusted=bool(parsed.sender) and not parsed.sender_problem,
        warnings=message_warnings(parsed),
        to=parsed.to,
        cc=parsed.cc,
        date=full_date(epoch) if epoch else parsed.date,
        plain_html=reading.plain_html,
        html=reading.html,
        attachments=reading.attachments,
        remote_html=reading.remote_html,
        remote_count=reading.remote_count,
    )


def message_warnings(parsed: ParsedMessage) -> tuple[str, ...]:
    """Plain-language warnings about who sent ``parsed`` and how much of it can be shown."""
    warnings: list[str] = []
    problem = parsed.sender_problem
    if problem in (mime.SENDER_NOT_ONE, mime.SENDER_INVALID):
        warnings.append(translate("ReaderView", "This message does not say clearly who sent it (its From line is not "
                                                "one valid address). Be careful with what it asks."))
    elif problem == mime.SENDER_LINE_BREAK:
        warnings.append(translate("ReaderView", "The sender's name in this message is disguised (it hides line "
                                                "breaks or control characters). Be careful with what it asks."))
    elif problem == mime.SENDER_MISMATCH:
        warnings.append(translate("ReaderView", "This message was sent by someone other than the address it shows "
                                                "in From (its Sender line differs)."))
    if parsed.sender and names_another_address(parsed.sender_name, parsed.sender):
        warnings.append(translate("ReaderView", "The sender's name looks like another address: the message really "
                                                "comes from %1.").replace("%1", parsed.sender))
    if parsed.too_deep:
        warnings.append(translate("ReaderView", "This message is nested too deeply to be shown whole; the parts that "
                                                "could be found are shown."))
    return tuple(warnings)


def remote_allowed_for(message: DisplayedMessage, sender_allowed: Callable[[str], bool]) -> bool:
    """Whether ``message`` opens with its remote content, by the person's standing choice for its sender. Only a
    message whose From is one valid address, with nothing disguised about it, can benefit from such a choice."""
    return message.sender_trusted and bool(message.sender_address) and sender_allowed(message.sender_address)


class RemoteContentBar(QFrame):
    loadOnce = Signal()
    loadAlways = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("remoteContentBar")
        self.setAccessibleName(translate("ReaderView", "Remote content blocked"))
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setStyleSheet("#remoteContentBar { background: palette(alternate-base); border-radius: 4px; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        shield = QLabel(self)
        shield.setPixmap(icon("shield").pixmap(20, 20))
        layout.addWidget(shield)
        self.text = QLabel(translate("ReaderView", "To protect your privacy, Facteur blocked remote content in this "
                                                   "message."), self)
        self.text.setWordWrap(True)
        layout.addWidget(self.text, 1)
        self.once = QPushButton(translate("ReaderView", "Load Remote Content"), self)
        self.once.setObjectName("loadRemoteContent")
        self.once.clicked.connect(self.loadOnce)
        layout.addWidget(self.once)
        self.always = QPushButton(self)
        self.always.setObjectName("alwaysLoadRemoteContent")
        self.always.clicked.connect(self.loadAlways)
        layout.addWidget(self.always)

    def set_sender(self, address: str) -> None:
        self.always.setText(translate("ReaderView", "Always for %1").replace("%1", address))
        self.always.setVisible(bool(address))


class ReaderView(QWidget):
    linkActivated = Signal(QUrl)
    writeTo = Signal(str)
    allowSenderRemote = Signal(str)
    retryRequested = Signal()
    failed = Signal(str, str)  # title, text
    editDraft = Signal()  # the message shown is a draft: open it in the composer

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reader")
        self.setAccessibleName(translate("ReaderView", "Message"))
        self.message: DisplayedMessage | None = None
        self._font_points = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.headers = MessageHeaderView(self)
        self.headers.writeTo.connect(self.writeTo)
        layout.addWidget(self.headers)
        self.warning = QLabel(self)
        self.warning.setObjectName("readerWarning")
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setWordWrap(True)
        self.warning.setContentsMargins(12, 2, 12, 6)
        self.warning.setStyleSheet("#readerWarning { color: #a40000; font-weight: bold; }")
        self.warning.hide()
        layout.addWidget(self.warning)
        self.remote_bar = RemoteContentBar(self)
        self.remote_bar.loadOnce.connect(self.load_remote_content)
        self.remote_bar.loadAlways.connect(self._always_load)
        bar_holder = QHBoxLayout()
        bar_holder.setContentsMargins(10, 0, 10, 6)
        bar_holder.addWidget(self.remote_bar)
        layout.addLayout(bar_holder)
        self.remote_bar.hide()
        self.draft_bar = QWidget(self)
        self.draft_bar.setObjectName("draftBar")
        draft_row = QHBoxLayout(self.draft_bar)
        draft_row.setContentsMargins(12, 0, 10, 6)
        draft_label = QLabel(translate("ReaderView", "This message is a draft."), self.draft_bar)
        self.edit_draft_button = QPushButton(translate("ReaderView", "Edit Draft"), self.draft_bar)
        self.edit_draft_button.setObjectName("editDraft")
        self.edit_draft_button.clicked.connect(self.editDraft)
        draft_row.addWidget(draft_label)
        draft_row.addStretch(1)
        draft_row.addWidget(self.edit_draft_button)
        layout.addWidget(self.draft_bar)
        self.draft_bar.hide()
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        self.body = QStackedWidget(self)
        self.body.setObjectName("readerBody")
        layout.addWidget(self.body, 1)
        self.status = self._status_page()
        self.body.addWidget(self.status)
        self.plain = QTextBrowser(self)
        self.plain.setObjectName("plainBody")
        self.plain.setAccessibleName(translate("ReaderView", "Message text"))
        self.plain.setOpenLinks(False)
        self.plain.setFrameShape(QFrame.Shape.NoFrame)
        self.plain.document().setDocumentMargin(12)
        self.plain.anchorClicked.connect(self.linkActivated)
        self.body.addWidget(self.plain)
        self.html_view: HtmlMessageView | None = None
        self.attachments = AttachmentView(self)
        self.attachments.failed.connect(self.failed)
        layout.addWidget(self.attachments)
        self.show_placeholder(translate("ReaderView", "No message selected"))

    def _status_page(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("readerStatus")
        box = QVBoxLayout(page)
        box.addStretch(1)
        self.status_label = QLabel(page)
        self.status_label.setObjectName("readerStatusText")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)  # it may quote a server's error
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet("color: palette(mid); font-size: 13pt;")
        box.addWidget(self.status_label)
        self.retry_button = QPushButton(translate("ReaderView", "Try Again"), page)
        self.retry_button.setObjectName("retryMessage")
        self.retry_button.clicked.connect(self.retryRequested)
        box.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(2)
        return page

    def set_font_size(self, points: int) -> None:
        """The messages' text size in points (0: the desktop's): the plain-text view's font, and the zoom of the
        HTML view relative to the desktop's size (a message's own sizes keep their proportions)."""
        self._font_points = points
        base = QApplication.font().pointSizeF()
        font = self.plain.font()
        font.setPointSizeF(points if points > 0 else base)
        self.plain.setFont(font)
        if self.html_view is not None:
            self.html_view.set_zoom(points / base if points > 0 and base > 0 else 1.0)

    def _ensure_html_view(self) -> HtmlMessageView:
        if self.html_view is None:
            self.html_view = HtmlMessageView(self)
            base = QApplication.font().pointSizeF()
            if self._font_points > 0 and base > 0:
                self.html_view.set_zoom(self._font_points / base)
            self.html_view.setAccessibleName(translate("ReaderView", "Message text"))
            self.html_view.linkActivated.connect(self.linkActivated)
            self.html_view.remoteContentBlocked.connect(self._remote_blocked)
            self.body.addWidget(self.html_view)
        return self.html_view

    def warm_up(self) -> None:
        """Start the web engine now (its first page costs most of a second: processes, GPU), so that the first
        HTML message does not wait for it. The warm-up page is a blank document in a page of its own in the shared
        profile of messages without remote content (which it makes), retired when the first message comes."""
        if self.html_view is None:
            self._ensure_html_view().show_html("<!DOCTYPE html><html><body></body></html>", allow_remote=False)

    # -- states ------------------------------------------------------------------------------------------------

    def set_draft(self, is_draft: bool) -> None:
        """The message being shown is a draft (in a Drafts folder, or flagged so): offer to edit it."""
        self.draft_bar.setVisible(is_draft)

    def show_placeholder(self, text: str) -> None:
        """Nothing to read ("No message selected", "3 messages selected")."""
        self.message = None
        self.draft_bar.hide()
        self.headers.hide()
        self.warning.hide()
        self.remote_bar.hide()
        self.attachments.set_attachments([])
        self.status_label.setText(text)
        self.retry_button.hide()
        self.body.setCurrentWidget(self.status)

    def show_loading(self, *, subject: str, sender: str, to: str, cc: str, date: str) -> None:
        """Headers known from the list, body on its way."""
        self.message = None
        self.headers.show_headers(subject=subject, sender=sender, to=to, cc=cc, date=date)
        self.headers.show()
        self.warning.hide()
        self.remote_bar.hide()
        self.attachments.set_attachments([])
        self.status_label.setText(translate("ReaderView", "Loading message…"))
        self.retry_button.hide()
        self.body.setCurrentWidget(self.status)

    def show_error(self, text: str, *, can_retry: bool = True) -> None:
        self.status_label.setText(text)
        self.retry_button.setVisible(can_retry)
        self.body.setCurrentWidget(self.status)

    def show_message(self, message: DisplayedMessage, *, allow_remote: bool = False) -> None:
        self.message = message
        self.headers.show_headers(subject=message.subject, sender=message.sender, to=message.to, cc=message.cc,
                                  date=message.date, sender_name=message.sender_name,
                                  sender_address=message.sender_address)
        self.headers.show()
        self.warning.setText("\n".join(message.warnings))
        self.warning.setVisible(bool(message.warnings))
        self.remote_bar.hide()
        self.remote_bar.set_sender(message.sender_address if message.sender_trusted else "")
        self.attachments.set_attachments(message.attachments)
        if message.html is not None:
            view = self._ensure_html_view()
            if allow_remote and message.remote_html is not None:
                view.show_html(message.remote_html, allow_remote=True)
            else:
                view.show_html(message.html, allow_remote=False)
                self.remote_bar.setVisible(message.remote_count > 0)
            self.body.setCurrentWidget(view)
        else:
            self.plain.setHtml(message.plain_html or "")
            self.body.setCurrentWidget(self.plain)

    def load_remote_content(self) -> None:
        """Show this message again with its remote images and styles (this message only)."""
        if self.message is None or self.message.html is None or self.html_view is None:
            return
        # The button pressed is about to hide and the page is replaced: the keyboard stays with the message (Space,
        # Page Down, arrows go on scrolling it), never wherever Qt's focus chain would take it next.
        focused = QApplication.focusWidget()
        keep_focus = focused is not None and (self.remote_bar.isAncestorOf(focused)
                                              or self.html_view.isAncestorOf(focused) or focused is self.html_view)
        self.remote_bar.hide()
        self.html_view.show_html(self.message.remote_html or self.message.html, allow_remote=True)
        if keep_focus:
            self.html_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _always_load(self) -> None:
        if self.message is not None and self.message.sender_trusted and self.message.sender_address:
            self.allowSenderRemote.emit(self.message.sender_address)
        self.load_remote_content()

    def _remote_blocked(self, _count: int) -> None:
        if self.message is not None and self.html_view is not None and not self.html_view.remote_allowed:
            self.remote_bar.show()
