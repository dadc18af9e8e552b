"""Local Folders › Drafts: the drafts kept on this computer (closed with "Save draft"), newest first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt

from connectors.outbox import Draft

from .formatting import list_date

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

Index = QModelIndex | QPersistentModelIndex
DRAFT_ID_ROLE = Qt.ItemDataRole.UserRole + 60


class LocalDraftsModel(QAbstractTableModel):
    TO, SUBJECT, SAVED = range(3)

    def __init__(self, read_drafts: Callable[[], Sequence[Draft]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._read = read_drafts
        self._drafts: list[Draft] = []

    def refresh(self, *_args: object) -> None:
        self.beginResetModel()
        self._drafts = sorted(self._read(), key=lambda draft: draft.updated, reverse=True)
        self.endResetModel()

    def draft(self, row: int) -> Draft | None:
        return self._drafts[row] if 0 <= row < len(self._drafts) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._drafts)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 3:
            titles = [translate("LocalDraftsModel", "To"), translate("LocalDraftsModel", "Subject"),
                      translate("LocalDraftsModel", "Saved")]
            return titles[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        draft = self.draft(index.row()) if index.isValid() else None
        if draft is None:
            return None
        if role == DRAFT_ID_ROLE:
            return draft.id
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == self.TO:
                return draft.to or translate("LocalDraftsModel", "(no recipient)")
            if index.column() == self.SUBJECT:
                return draft.subject or translate("LocalDraftsModel", "(no subject)")
            if index.column() == self.SAVED:
                return list_date(int(draft.updated))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
