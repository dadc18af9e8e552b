""" "Sending… Undo": a small bar shown for the undo delay after Send, while the message is still ``scheduled``."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class UndoSendNotice(QFrame):
    """Counts down the undo delay; Undo asks for the message back, Send now skips the wait. It hides itself as
    soon as the message leaves the ``scheduled`` state (``entry_state_changed``)."""

    undoRequested = Signal(str)  # entry id
    sendNowRequested = Signal(str)

    def __init__(self, entry_id: str, subject: str, seconds: float, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.ToolTip if parent is None else Qt.WindowType.Widget)
        self.entry_id = entry_id
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("undoSendNotice")
        self.setStyleSheet(
            "#undoSendNotice { background: #323232; border-radius: 6px; } "
            "#undoSendNotice QLabel { color: white; } "
            "#undoSendNotice QPushButton { color: #8ab4f8; font-weight: bold; border: none; "
            "padding: 4px 8px; background: transparent; }"
        )
        self._deadline = time.monotonic() + seconds
        self._subject = subject
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # it quotes the message's subject
        self.undo_button = QPushButton(QCoreApplication.translate("UndoSendNotice", "Undo"), self)
        self.send_now_button = QPushButton(QCoreApplication.translate("UndoSendNotice", "Send now"), self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.undo_button)
        layout.addWidget(self.send_now_button)
        self.undo_button.clicked.connect(lambda: self.undoRequested.emit(self.entry_id))
        self.send_now_button.clicked.connect(lambda: self.sendNowRequested.emit(self.entry_id))
        self._tick = QTimer(self, interval=250)
        self._tick.timeout.connect(self._update)
        self._tick.start()
        self._update()

    def _update(self) -> None:
        left = max(0, int(self._deadline - time.monotonic() + 0.999))
        subject = self._subject or QCoreApplication.translate("UndoSendNotice", "(no subject)")
        if len(subject) > 40:
            subject = subject[:39] + "…"
        self.label.setText(
            QCoreApplication.translate("UndoSendNotice", "Sending “{subject}” in {seconds} s").format(
                subject=subject, seconds=left
            )
        )
        if left <= 0:
            self.label.setText(
                QCoreApplication.translate("UndoSendNotice", "Sending “{subject}”…").format(subject=subject)
            )
            self.undo_button.setEnabled(False)
            self.send_now_button.setEnabled(False)

    def entry_state_changed(self, entry_id: str, state: str) -> None:
        if entry_id == self.entry_id and state != "scheduled":
            self._tick.stop()
            self.close()

    def place(self) -> None:
        """Bottom centre of the parent window (or of the screen for a top-level notice)."""
        self.adjustSize()
        parent = self.parentWidget()
        if parent is not None:
            area = parent.rect()
            self.move((area.width() - self.width()) // 2, area.height() - self.height() - 24)
            self.raise_()
        else:
            screen = self.screen().availableGeometry()
            self.move(screen.center().x() - self.width() // 2, screen.bottom() - self.height() - 48)
        self.show()
