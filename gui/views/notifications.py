"""Telling the person things without stopping them: in-window notices, and desktop notifications for new mail.

Errors never open a modal dialog: they appear as a notice at the bottom of the window, with an action when there
is something to do ("Try Again"), and stay until closed; information notices fade after a few seconds. The same
notice twice is shown once with a count.
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

    def __init__(self, kind: str, title: str, text: str, actions: list[Action], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        self.kind, self.title, self.text = kind, title, text
        self.count = 1
        self.setAccessibleName(f"{title}: {text}")
        self.setAccessibleDescription(kind)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            f"#notice {{ background: {_COLOURS.get(kind, _COLOURS['info'])}; border-radius: 4px; }}"
            f" #notice QLabel {{ color: {_TEXT}; }}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel(self)
        self.label.setObjectName("noticeText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.label, 1)
        for action in actions:
            button = QPushButton(action.label, self)
            button.clicked.connect(action.callback)
            button.clicked.connect(self.close_notice)
            layout.addWidget(button)
        close = QToolButton(self)
        close.setObjectName("closeNotice")
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(translate("Notifications", "Close"))
        close.setAccessibleName(translate("Notifications", "Close notification"))
        close.clicked.connect(self.close_notice)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self._render()
        if kind == "info":
            QTimer.singleShot(INFO_TIMEOUT_MS, self, self.close_notice)

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
        self.hide()

    def notices(self) -> list[Notice]:
        return list(self._notices)

    def notify(self, kind: str, title: str, text: str = "", actions: list[Action] | None = None) -> Notice:
        for notice in self._notices:
            if (notice.kind, notice.title, notice.text) == (kind, title, text):
                notice.repeat()
                return notice
        notice = Notice(kind, title, text, actions or [], self)
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
