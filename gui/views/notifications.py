"""Telling the person things without stopping them: in-window notices, and desktop notifications for new mail.

Errors never open a modal dialog: they appear as a notice at the bottom of the window, with an action when there
is something to do ("Try Again"), and stay until closed; information notices fade after a few seconds. The same
notice twice is shown once with a count.

A notice may carry a key: each account has at most one notice about its connection, keyed by its id, which the next
problem replaces and a reconnection removes (:meth:`NotificationArea.account_problem`,
:meth:`NotificationArea.clear_account_problem`). The technical detail (the server's own words) stays behind a
"Details" disclosure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSystemTrayIcon,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

INFO_TIMEOUT_MS = 8000
MAX_VISIBLE = 4
_COLOURS = {"error": "#f9dcdc", "warning": "#fbefd0", "info": "#dcebf9"}
_TEXT = "#1d1d1d"


@dataclass(frozen=True)
class Action:
    label: str
    callback: Callable[[], None]


class Notice(QFrame):
    closed = Signal()
    dismissed = Signal()  # the person closed it (its ✕)

    def __init__(self, kind: str, title: str, text: str, actions: list[Action], parent: QWidget | None = None, *,
                 detail: str = "", key: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        self.key = key
        self.count = 1
        self.setFrameShape(QFrame.Shape.StyledPanel)
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 6, 6, 6)
        column.setSpacing(4)
        row = QHBoxLayout()
        column.addLayout(row)
        self.label = QLabel(self)
        self.label.setObjectName("noticeText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(self.label, 1)
        self._buttons = QHBoxLayout()
        row.addLayout(self._buttons)
        self.details_button = QToolButton(self)
        self.details_button.setObjectName("noticeDetailsButton")
        self.details_button.setText(translate("Notifications", "Details"))
        self.details_button.setCheckable(True)
        self.details_button.setAutoRaise(True)
        self.details_button.setArrowType(Qt.ArrowType.RightArrow)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.toggled.connect(self._show_details)
        row.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        close = QToolButton(self)
        close.setObjectName("closeNotice")
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(translate("Notifications", "Close"))
        close.setAccessibleName(translate("Notifications", "Close notification"))
        close.clicked.connect(self.dismissed)
        close.clicked.connect(self.close_notice)
        row.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.detail_label = QLabel(self)
        self.detail_label.setObjectName("noticeDetail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_label.hide()
        column.addWidget(self.detail_label)
        self.set_content(kind, title, text, actions, detail=detail)
        if kind == "info":
            QTimer.singleShot(INFO_TIMEOUT_MS, self, self.close_notice)

    def set_content(self, kind: str, title: str, text: str, actions: list[Action], *, detail: str = "") -> None:
        """Show other words and actions in this notice (an account's next problem replaces its previous one)."""
        self.kind, self.title, self.text, self.detail = kind, title, text, detail
        self.setAccessibleName(f"{title}: {text}")
        self.setAccessibleDescription(kind)
        self.setStyleSheet(
            f"#notice {{ background: {_COLOURS.get(kind, _COLOURS['info'])}; border-radius: 4px; }}"
            f" #notice QLabel {{ color: {_TEXT}; }}")
        while self._buttons.count():
            item = self._buttons.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for action in actions:
            button = QPushButton(action.label, self)
            button.clicked.connect(action.callback)
            button.clicked.connect(self.close_notice)
            self._buttons.addWidget(button)
        self.detail_label.setText(detail)
        self.details_button.setVisible(bool(detail))
        if not detail:
            self.details_button.setChecked(False)
        self._render()

    def actions_labels(self) -> list[str]:
        """The labels of the notice's buttons, in order (tests and accessibility)."""
        labels = []
        for position in range(self._buttons.count()):
            item = self._buttons.itemAt(position)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QPushButton):
                labels.append(widget.text())
        return labels

    def _show_details(self, shown: bool) -> None:
        self.detail_label.setVisible(shown and bool(self.detail))
        self.details_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def _render(self) -> None:
        suffix = f"  (×{self.count})" if self.count > 1 else ""
        self.label.setText(f"{self.title} — {self.text}{suffix}" if self.text else f"{self.title}{suffix}")

    def repeat(self) -> None:
        self.count += 1
        self._render()

    def close_notice(self) -> None:
        self.hide()
        self.closed.emit()
        self.deleteLater()


class NotificationArea(QWidget):
    """A column of notices; the window puts it under the message views."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notifications")
        self.setAccessibleName(translate("Notifications", "Notifications"))
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(6, 0, 6, 4)
        self._layout.setSpacing(4)
        self._notices: list[Notice] = []
        self._dismissed: dict[str, str] = {}  # key → title of the keyed notice the person closed
        self.hide()

    def notices(self) -> list[Notice]:
        return list(self._notices)

    def notify(self, kind: str, title: str, text: str = "", actions: list[Action] | None = None, *,
               detail: str = "") -> Notice:
        for notice in self._notices:
            if not notice.key and (notice.kind, notice.title, notice.text) == (kind, title, text):
                notice.repeat()
                return notice
        return self._add(Notice(kind, title, text, actions or [], self, detail=detail))

    def account_problem(self, account_id: str, kind: str, title: str, text: str, *, detail: str = "",
                        actions: list[Action] | None = None) -> Notice | None:
        """The one notice about ``account_id``'s connection: shown, or replacing the account's previous one.
        None when the person closed this same problem since the account was last online."""
        key = _account_key(account_id)
        notice = self.keyed(key)
        if notice is not None:
            notice.set_content(kind, title, text, actions or [], detail=detail)
            return notice
        if self._dismissed.get(key) == title:
            return None  # the person closed this very problem: each reconnection attempt must not bring it back
        notice = Notice(kind, title, text, actions or [], self, detail=detail, key=key)
        notice.dismissed.connect(lambda: self._dismissed.__setitem__(key, notice.title))
        return self._add(notice)

    def clear_account_problem(self, account_id: str) -> None:
        """The account is back (or gone): its notice goes."""
        key = _account_key(account_id)
        self._dismissed.pop(key, None)
        notice = self.keyed(key)
        if notice is not None:
            notice.close_notice()

    def show_keyed(self, key: str, kind: str, title: str, text: str = "", actions: list[Action] | None = None, *,
                   detail: str = "") -> Notice:
        """The one notice about ``key`` (a message that could not be sent...): shown, or its content replaced."""
        notice = self.keyed(key)
        if notice is not None:
            notice.set_content(kind, title, text, actions or [], detail=detail)
            return notice
        return self._add(Notice(kind, title, text, actions or [], self, detail=detail, key=key))

    def clear_keyed(self, key: str) -> None:
        """What ``key``'s notice was about is resolved: it goes."""
        notice = self.keyed(key)
        if notice is not None:
            notice.close_notice()

    def keyed(self, key: str) -> Notice | None:
        return next((notice for notice in self._notices if notice.key == key), None)

    def _add(self, notice: Notice) -> Notice:
        notice.closed.connect(lambda: self._forget(notice))
        self._notices.append(notice)
        self._layout.addWidget(notice)
        while len(self._notices) > MAX_VISIBLE:
            self._notices[0].close_notice()
        self.show()
        return notice

    def _forget(self, notice: Notice) -> None:
        if notice in self._notices:
            self._notices.remove(notice)
        if not self._notices:
            self.hide()


def _account_key(account_id: str) -> str:
    return f"account:{account_id}"


class DesktopNotifier:
    """New-mail notifications through the system tray when there is one, else by flashing the window."""

    def __init__(self, window: QWidget, app_icon: QIcon) -> None:
        self._window = window
        self._tray: QSystemTrayIcon | None = None
        self.sent: list[tuple[str, str]] = []  # what was announced, newest last (tests and accessibility)
        if QSystemTrayIcon.isSystemTrayAvailable():
            self._tray = QSystemTrayIcon(app_icon, window)
            self._tray.setToolTip(QApplication.applicationDisplayName() or "Facteur")
            self._tray.activated.connect(lambda _reason: self._raise_window())
            self._tray.messageClicked.connect(self._raise_window)
            self._tray.show()

    def announce(self, title: str, text: str) -> None:
        self.sent.append((title, text))
        if self._tray is not None and self._tray.supportsMessages():
            self._tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 10000)
        else:
            QApplication.alert(self._window)

    def _raise_window(self) -> None:
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()

    def hide(self) -> None:
        if self._tray is not None:
            self._tray.hide()
