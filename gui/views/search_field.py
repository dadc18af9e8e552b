"""The search field: searches the current folder through the store's full-text index as the person types."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from .icons import icon

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

DEBOUNCE_MS = 250


class SearchField(QLineEdit):
    searchRequested = Signal(str)
    """The text to search for ("" to show every message again), once typing pauses or Enter is pressed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchField")
        self.setAccessibleName(translate("SearchField", "Search messages"))
        self.setPlaceholderText(translate("SearchField", "Search this folder"))
        self.setToolTip(self._help())
        self.setClearButtonEnabled(True)
        self.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.setMinimumWidth(220)
        self.setMaximumWidth(360)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit)
        self.textEdited.connect(lambda _text: self._timer.start())
        self.returnPressed.connect(self._emit)
        self._last = ""

    @staticmethod
    def _help() -> str:
        return translate("SearchField", "Words to find in sender, recipients, subject and downloaded text.\n"
                                        "from:  to:  subject:  has:attachment  is:unread  is:starred  after:2024-01  "
                                        "before:2025")

    def _emit(self) -> None:
        self._timer.stop()
        text = self.text().strip()
        if text != self._last:
            self._last = text
            self.searchRequested.emit(text)

    def clear_search(self) -> None:
        """Empty the field without searching (another folder was chosen)."""
        self._timer.stop()
        self.clear()
        self._last = ""
        self.show_problem(None)

    def show_problem(self, problem: str | None) -> None:
        """Mark the query as one the store cannot run, and say why."""
        if problem:
            self.setStyleSheet("QLineEdit { border: 1px solid #c0392b; border-radius: 3px; }")
            self.setToolTip(problem)
        else:
            self.setStyleSheet("")
            self.setToolTip(self._help())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            self._emit()
            return
        super().keyPressEvent(event)
