"""The Outbox as the person sees it: what waits, what is being sent, what failed and why; retry, edit or delete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QPushButton, QTableView, QVBoxLayout, QWidget

from connectors.outbox import Outbox, OutboxEntry

if TYPE_CHECKING:
    from .postbox import Postbox

ModelIndex = QModelIndex | QPersistentModelIndex


def state_text(entry: OutboxEntry, waiting_for_keyring: bool = False) -> str:
    """``waiting_for_keyring``: its account's keyring is locked, so it is not retried until it is unlocked."""
    if entry.state == "scheduled":
        return QCoreApplication.translate("Outbox", "Waiting (undo possible)")
    if entry.state == "queued" and waiting_for_keyring:
        return QCoreApplication.translate("Outbox", "Waiting for the keyring")
    if entry.state == "queued":
        if entry.attempts:
            when = dt.datetime.fromtimestamp(entry.send_after).strftime("%H:%M:%S")
            return QCoreApplication.translate("Outbox", "Will retry at {time}").format(time=when)
        return QCoreApplication.translate("Outbox", "Queued")
    if entry.state == "sending":
        return QCoreApplication.translate("Outbox", "Sending…")
    if entry.state == "unconfirmed":
        return QCoreApplication.translate("Outbox", "May have been sent: checking…")
    if entry.state == "sent":
        return QCoreApplication.translate("Outbox", "Sent; filing a copy in Sent…")
    if entry.error_kind == "interrupted":
        return QCoreApplication.translate("Outbox", "May have been sent")
    return QCoreApplication.translate("Outbox", "Not sent")


class OutboxModel(QAbstractTableModel):
    """Rows are Outbox entries, oldest first; refreshed on every Outbox change (the Outbox is small)."""

    SUBJECT, RECIPIENTS, STATE, DETAIL = range(4)
    EntryIdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, outbox: Outbox, parent: QObject | None = None, *,
                 waiting_for_keyring: Callable[[], set[str]] = set) -> None:
        super().__init__(parent)
        self._outbox = outbox
        self._waiting_for_keyring = waiting_for_keyring
        self._entries: list[OutboxEntry] = outbox.entries(with_raw=False)

    def refresh(self, *_args: object) -> None:
        if self._outbox.closed:
            return  # a change announced just before quitting
        self.beginResetModel()
        self._entries = self._outbox.entries(with_raw=False)
        self.endResetModel()

    def entry(self, row: int) -> OutboxEntry | None:
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt signature
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802 - Qt signature
        return 0 if parent.isValid() else 4

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802 - Qt signature
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [
                QCoreApplication.translate("Outbox", "Subject"),
                QCoreApplication.translate("Outbox", "To"),
                QCoreApplication.translate("Outbox", "State"),
                QCoreApplication.translate("Outbox", "Details"),
            ][section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry(index.row()) if index.isValid() else None
        if entry is None:
            return None
        if role == self.EntryIdRole:
            return entry.id
        if role == Qt.ItemDataRole.ForegroundRole and entry.state == "failed":
            return QBrush(QColor("#a51d2d"))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            column = index.column()
            if column == self.SUBJECT:
                return entry.subject or QCoreApplication.translate("Outbox", "(no subject)")
            if column == self.RECIPIENTS:
                return ", ".join(entry.recipients)
            if column == self.STATE:
                return state_text(entry, entry.account_id in self._waiting_for_keyring())
            return entry.last_error
        return None


class OutboxView(QWidget):
    """A table of the Outbox with Send now / Edit / Delete, for the main window to show where it likes."""

    def __init__(self, postbox: Postbox, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._postbox = postbox
        self.model = OutboxModel(postbox.outbox, self, waiting_for_keyring=postbox.worker.waiting_for_keyring)
        postbox.worker.stateChanged.connect(self.model.refresh)
        postbox.worker.keyringWait.connect(self.model.refresh)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(OutboxModel.DETAIL, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(OutboxModel.STATE, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.send_now_button = QPushButton(QCoreApplication.translate("Outbox", "Send now"), self)
        self.was_sent_button = QPushButton(QCoreApplication.translate("Outbox", "It was sent"), self)
        self.was_sent_button.setToolTip(QCoreApplication.translate(
            "Outbox", "The recipients did get this message: remove it from the Outbox without sending it again"))
        self.edit_button = QPushButton(QCoreApplication.translate("Outbox", "Edit"), self)
        self.delete_button = QPushButton(QCoreApplication.translate("Outbox", "Delete"), self)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.send_now_button, self.was_sent_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.send_now_button.clicked.connect(self._send_now)
        self.was_sent_button.clicked.connect(self._was_sent)
        self.edit_button.clicked.connect(self._edit)
        self.delete_button.clicked.connect(self._delete)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        entry = self._selected()
        uncertain = entry is not None and entry.state == "failed" and entry.error_kind == "interrupted"
        self.send_now_button.setText(QCoreApplication.translate("Outbox", "Send again") if uncertain
                                     else QCoreApplication.translate("Outbox", "Send now"))
        self.was_sent_button.setVisible(uncertain)

    def select_entry(self, entry_id: str) -> bool:
        """Select the row of this entry (a notice about it was clicked); False if it left the Outbox."""
        for row in range(self.model.rowCount()):
            if self.model.index(row, 0).data(OutboxModel.EntryIdRole) == entry_id:
                self.table.selectRow(row)
                return True
        return False

    def _selected(self) -> OutboxEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry(rows[0].row()) if rows else None

    def _send_now(self) -> None:
        entry = self._selected()
        if entry is not None:
            self._postbox.worker.send_now(entry.id)

    def _was_sent(self) -> None:
        entry = self._selected()
        if entry is not None:
            self._postbox.worker.mark_as_sent(entry.id)

    def _edit(self) -> None:
        entry = self._selected()
        if entry is not None:
            self._postbox.edit_entry(entry.id, parent=self.window())

    def _delete(self) -> None:
        entry = self._selected()
        if entry is None:
            return
        taken = self._postbox.outbox.take_back(entry.id)
        if taken is not None and taken.draft_id:
            self._postbox.drafts.delete(taken.draft_id)
