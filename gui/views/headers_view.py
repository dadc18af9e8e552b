"""The reader's header block: subject, from, to, cc and date, with every address selectable and clickable."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, QPoint, Qt, Signal
from PySide6.QtGui import QCursor, QFont, QGuiApplication, QTextDocument
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QMenu, QSizePolicy, QWidget

from connectors.messaging.mime import addresses_of

from ..models.formatting import shown_text

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate


NAME_LIMIT = 60


def address_link(name: str, address: str) -> str:
    """Rich text for one address: the name (made visible, never longer than ``NAME_LIMIT``) and always the
    address itself, both escaped."""
    shown = html.escape(shown_text(address))
    if name.strip() and name.strip().lower() != address.lower():
        shown = (f"{html.escape(shown_text(name, NAME_LIMIT))} "
                 f"<span style='color:palette(mid)'>&lt;{shown}&gt;</span>")
    return f'<a href="mailto:{html.escape(address, quote=True)}" style="text-decoration:none">{shown}</a>'


def address_links(header_text: str) -> str:
    """Rich text for an address header: each address a link, names shown, everything escaped."""
    pairs = addresses_of(header_text)
    if not pairs:
        return html.escape(shown_text(header_text))
    return ", ".join(address_link(name, address) for name, address in pairs)


class MessageHeaderView(QFrame):
    writeTo = Signal(str)
    """The person chose "New Message To" on an address."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageHeaders")
        self.setAccessibleName(translate("MessageHeaderView", "Message headers"))
        self.setFrameShape(QFrame.Shape.NoFrame)
        layout = QGridLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setHorizontalSpacing(10)
        layout.setVerticalSpacing(3)
        self.subject = self._value("subjectLabel", translate("MessageHeaderView", "Subject"))
        font = QFont(self.subject.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.subject.setFont(font)
        self.subject.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.subject, 0, 0, 1, 3)
        self.date = self._value("dateLabel", translate("MessageHeaderView", "Date"))
        self.date.setWordWrap(False)
        self.date.setTextFormat(Qt.TextFormat.PlainText)
        self.date.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.date.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        self._rows: dict[str, tuple[QLabel, QLabel]] = {}
        titles = (("from", translate("MessageHeaderView", "From")), ("to", translate("MessageHeaderView", "To")),
                  ("cc", translate("MessageHeaderView", "Cc")))
        for row, (key, title) in enumerate(titles, start=1):
            name = QLabel(title + ":", self)
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            name.setStyleSheet("color: palette(mid);")
            value = self._value(f"{key}Label", title)
            value.setTextFormat(Qt.TextFormat.RichText)
            value.linkActivated.connect(self._address_menu)
            layout.addWidget(name, row, 0)
            layout.addWidget(value, row, 1)
            self._rows[key] = (name, value)
        layout.addWidget(self.date, 1, 2)
        layout.setColumnStretch(1, 1)

    def _value(self, object_name: str, accessible: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(object_name)
        label.setAccessibleName(accessible)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        label.setOpenExternalLinks(False)
        return label

    def show_headers(self, *, subject: str, sender: str, to: str, cc: str, date: str,
                     sender_name: str | None = None, sender_address: str = "") -> None:
        """``sender`` is the From header as text; when the message's one real sender is known, pass it as
        ``sender_address`` (and ``sender_name``): that is what the From row then shows."""
        self.subject.setText(shown_text(subject) or translate("MessageHeaderView", "(no subject)"))
        self.date.setText(date)
        for key, text in (("from", sender), ("to", to), ("cc", cc)):
            name, value = self._rows[key]
            if key == "from" and sender_address:
                value.setText(address_link(sender_name or "", sender_address))
            else:
                value.setText(address_links(text))
            visible = bool(text.strip()) or key == "from"
            name.setVisible(visible)
            value.setVisible(visible)

    def clear(self) -> None:
        self.show_headers(subject="", sender="", to="", cc="", date="")
        self.subject.clear()

    def text_of(self, key: str) -> str:
        """The plain text of a header row ("from", "to", "cc"), as a screen reader or a test reads it."""
        document = QTextDocument()
        document.setHtml(self._rows[key][1].text())
        return document.toPlainText()

    def _address_menu(self, href: str, at: QPoint | None = None) -> None:
        address = href.removeprefix("mailto:")
        menu = QMenu(self)
        menu.setObjectName("addressMenu")
        menu.addAction(translate("MessageHeaderView", "Copy Address")).triggered.connect(
            lambda: QGuiApplication.clipboard().setText(address))
        menu.addAction(translate("MessageHeaderView", "New Message To %1").replace("%1", address)).triggered.connect(
            lambda: self.writeTo.emit(address))
        menu.popup(at or QCursor.pos())
