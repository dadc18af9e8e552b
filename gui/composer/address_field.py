"""An address line (To, Cc, Bcc): completes the entry being typed from the address book and marks bad entries."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from .address_book import AddressBook
from .outgoing import invalid_addresses, split_addresses


class AddressField(QLineEdit):
    """Comma-separated addresses. ``validityChanged(bool)`` fires when the set of bad entries changes."""

    validityChanged = Signal(bool)

    def __init__(self, book: AddressBook | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._book = book
        self._valid = True
        self._model = QStringListModel(self)
        self._completer = QCompleter(self._model, self)
        self._completer.setWidget(self)
        # The list is already filtered and ranked by the address book: the completer only shows it.
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.activated.connect(self._insert_completion)
        self._check_timer = QTimer(self, singleShot=True, interval=600)
        self._check_timer.timeout.connect(self.check)
        self.textEdited.connect(self._edited)
        self.setPlaceholderText(QCoreApplication.translate("AddressField", "Name <address@example.com>, …"))

    # -- content -------------------------------------------------------------------------------------------

    def addresses(self) -> list[str]:
        return split_addresses(self.text())

    def set_addresses(self, addresses: list[str]) -> None:
        self.setText(", ".join(addresses))
        self.check()

    def invalid(self) -> list[str]:
        return invalid_addresses(self.text())

    def is_valid(self) -> bool:
        return not self.invalid()

    def check(self) -> bool:
        """Mark the field if an entry is not an address (a red frame and a tooltip naming the entries)."""
        bad = self.invalid()
        valid = not bad
        self.setProperty("invalid", not valid)
        self.setStyleSheet("" if valid else "QLineEdit { border: 1px solid #c01c28; border-radius: 3px; }")
        self.setToolTip(
            ""
            if valid
            else QCoreApplication.translate("AddressField", "Not an e-mail address: {entries}").format(
                entries=", ".join(bad)
            )
        )
        if valid != self._valid:
            self._valid = valid
            self.validityChanged.emit(valid)
        return valid

    # -- completion ----------------------------------------------------------------------------------------

    def _current_token(self) -> tuple[int, str]:
        """Start index and text of the entry under the cursor (after the last separator before it)."""
        before = self.text()[: self.cursorPosition()]
        start = max(before.rfind(","), before.rfind(";")) + 1
        return start, before[start:].lstrip()

    def _edited(self, _text: str) -> None:
        self._check_timer.start()
        if self.property("invalid"):
            # Don't nag while the person is fixing it; the check comes back when they pause.
            self.setStyleSheet("")
        _start, token = self._current_token()
        if self._book is None or len(token) < 1:
            self._completer.popup().hide()
            return
        exclude = [a.split("<")[-1].rstrip(">") for a in self.addresses()]
        matches = self._book.matches(token, exclude=exclude)
        self._model.setStringList(matches)
        if matches:
            self._completer.complete()
        else:
            self._completer.popup().hide()

    def _insert_completion(self, completion: str) -> None:
        start, _token = self._current_token()
        text = self.text()
        after = text[self.cursorPosition() :]
        rest = after.split(",", 1)[1].lstrip() if "," in after else ""
        head = text[:start]
        prefix = head.rstrip() + " " if head.strip() else ""
        self.setText(f"{prefix}{completion}, {rest}")
        self.setCursorPosition(len(prefix) + len(completion) + 2)
        self._check_timer.start()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        popup = self._completer.popup()
        if popup.isVisible() and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab):
            index = popup.currentIndex()
            if not index.isValid() and self._model.rowCount():
                index = self._model.index(0)
            if index.isValid():
                self._insert_completion(str(index.data()))
                popup.hide()
                event.accept()
                return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        self.check()
