"""Searching on the server, under the results of a local search.

The search field looks only at what this computer holds: the headers of synchronised mail and the text of bodies
already downloaded. Under its results a bar offers "Search on the server" (as Thunderbird does): the account's
worker runs the same query on the IMAP server (Gmail's own search through X-GM-RAW), stores the summaries of
matches it did not hold, and the message list adds them to the results.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ..errors import describe_error
from ..models.message_list import MessageListModel
from ..workers.operation import Operation
from .icons import icon

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate


class ServerSearchBar(QFrame):
    """One line under the message list while a search is shown: an offer, progress, or what the server found."""

    searchRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serverSearchBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 3, 4, 3)
        self.label = QLabel(self)
        self.label.setObjectName("serverSearchText")
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # it may quote a server's words
        self.label.setWordWrap(True)
        row.addWidget(self.label, 1)
        self.button = QPushButton(icon("search"), translate("ServerSearchBar", "Search on the Server"), self)
        self.button.setObjectName("serverSearchButton")
        self.button.clicked.connect(self.searchRequested)
        policy = self.button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the bar keeps its height when the button goes
        self.button.setSizePolicy(policy)
        row.addWidget(self.button)
        self.hide()

    def offer(self) -> None:
        self.label.setText(translate("ServerSearchBar", "Only mail on this computer was searched."))
        self._button(translate("ServerSearchBar", "Search on the Server"))
        self.show()

    def searching(self) -> None:
        self.label.setText(translate("ServerSearchBar", "Searching on the server…"))
        self.button.setEnabled(False)
        self.show()

    def found(self, new: int, total: int) -> None:
        if new:
            text = translate("ServerSearchBar", "The server found %n more message(s).", "", new)
        elif total:
            text = translate("ServerSearchBar", "The server found nothing more.")
        else:
            text = translate("ServerSearchBar", "The server found nothing either.")
        self.label.setText(text)
        self.button.hide()
        self.show()

    def failed(self, why: str) -> None:
        self.label.setText(translate("ServerSearchBar", "The server search failed: %1").replace("%1", why))
        self._button(translate("ServerSearchBar", "Try Again"))
        self.show()

    def _button(self, text: str) -> None:
        self.button.setText(text)
        self.button.setEnabled(True)
        self.button.show()


class ServerSearcher(Protocol):
    def search_server(self, folder: str, query: str) -> Operation: ...


class ServerSearch(QObject):
    """Runs "Search on the server" for the search the message list shows, and adds what it finds to it."""

    def __init__(self, bar: ServerSearchBar, model: MessageListModel,
                 session_of: Callable[[str], ServerSearcher | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bar = bar
        self.model = model
        self._session_of = session_of
        self._running: Operation | None = None
        self._asked: tuple[str, str, str] = ("", "", "")  # account, folder, query the running search is for
        bar.searchRequested.connect(self.run)

    def _shown(self) -> tuple[str, str, str]:
        return self.model.account_id, self.model.folder, self.model.search_query

    def search_changed(self) -> None:
        """The list shows another search, or none (call after the model changed)."""
        if self._running is not None:
            self._running.cancel()
            self._running = None
        account_id, folder, query = self._shown()
        if query and folder and self._session_of(account_id) is not None:
            self.bar.offer()
        else:
            self.bar.hide()

    @Slot()
    def run(self) -> None:
        account_id, folder, query = self._shown()
        session = self._session_of(account_id)
        if session is None or not query or not folder:
            return
        operation = session.search_server(folder, query)
        self._running, self._asked = operation, (account_id, folder, query)
        operation.finished.connect(self._finished)
        operation.failed.connect(self._failed)
        self.bar.searching()

    def _current(self, operation: QObject | None) -> bool:
        return operation is not None and operation is self._running and self._asked == self._shown()

    @Slot(object)
    def _finished(self, uids: object) -> None:
        if not self._current(self.sender()):
            return
        self._running = None
        found = [uid for uid in uids if isinstance(uid, int)] if isinstance(uids, list) else []
        new = sum(1 for uid in found if self.model.row_of(uid) is None)
        self.model.add_server_results(self._asked[2], found)
        self.bar.found(new, len(found))

    @Slot(object)
    def _failed(self, error: object) -> None:
        if not self._current(self.sender()):
            return
        self._running = None
        message = describe_error(error) if isinstance(error, BaseException) else None
        self.bar.failed(message.text if message is not None else str(error))
