"""Local Folders › Drafts as a page of the main window: open a draft again in the composer, or discard it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ..models.local_drafts import LocalDraftsModel

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate


class LocalDraftsView(QWidget):
    def __init__(self, postbox: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("localDrafts")
        self._postbox = postbox
        self.model = LocalDraftsModel(postbox.local_drafts, self)
        self.view = QTreeView(self)
        self.view.setObjectName("localDraftList")
        self.view.setAccessibleName(translate("LocalDraftsView", "Local drafts"))
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setModel(self.model)
        self.view.header().setSectionResizeMode(LocalDraftsModel.SUBJECT, QHeaderView.ResizeMode.Stretch)
        self.view.activated.connect(self._open)
        self.open_button = QPushButton(translate("LocalDraftsView", "Open"), self)
        self.delete_button = QPushButton(translate("LocalDraftsView", "Delete"), self)
        self.open_button.clicked.connect(lambda: self._open(self.view.currentIndex()))
        self.delete_button.clicked.connect(self._delete)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        self.model.refresh()

    def _open(self, index: QModelIndex) -> None:
        draft = self.model.draft(index.row()) if index.isValid() else None
        if draft is not None:
            self._postbox.open_draft(draft.id, parent=self.window())
            self.refresh()

    def _delete(self) -> None:
        draft = self.model.draft(self.view.currentIndex().row())
        if draft is None:
            return
        answer = QMessageBox.question(self, translate("LocalDraftsView", "Delete Draft"),
                                      translate("LocalDraftsView", "Delete the draft “%1”?").replace(
                                          "%1", draft.subject or translate("LocalDraftsView", "(no subject)")))
        if answer == QMessageBox.StandardButton.Yes:
            self._postbox.discard_draft(draft.account_id, draft.id)
            self.refresh()
