"""The mailbox tree widget: accounts and folders, a drop target for dragged messages."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QToolTip, QTreeView, QWidget

from ..models.mailbox_tree import MailboxTreeModel
from ..models.roles import Roles

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate


class MailboxTreeView(QTreeView):
    folderSelected = Signal(str, str)  # account id, folder name ("" when an account row is selected)
    menuRequested = Signal(QPoint, QModelIndex)  # global position, the row under it
    dropRefused = Signal(str)
    """Why dragged messages cannot go where the pointer is ("" when they can again, or the drag left)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mailboxTree")
        self.setAccessibleName(translate("MailboxTreeView", "Folders"))
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setAnimated(False)
        self._refusal = ""
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(
            lambda pos: self.menuRequested.emit(self.viewport().mapToGlobal(pos), self.indexAt(pos)))

    def set_tree_model(self, model: MailboxTreeModel) -> None:
        self.setModel(model)
        self.selectionModel().currentChanged.connect(self._current_changed)
        model.rowsInserted.connect(self._expand_new_accounts)
        self.expandToDepth(0)

    def _expand_new_accounts(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            for row in range(first, last + 1):
                self.expand(self.model().index(row, 0))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        account = current.data(Roles.ACCOUNT_ID) or ""
        folder = current.data(Roles.FOLDER_NAME) or ""
        self.folderSelected.emit(account, folder)

    def select_folder(self, account_id: str, folder: str) -> bool:
        model = self.model()
        if not isinstance(model, MailboxTreeModel):
            return False
        index = model.folder_index(account_id, folder) if folder else model.account_index(account_id)
        if not index.isValid():
            return False
        parent = index.parent()
        while parent.isValid():
            self.expand(parent)
            parent = parent.parent()
        self.setCurrentIndex(index)
        self.scrollTo(index)
        return True

    def current_location(self) -> tuple[str, str]:
        index = self.currentIndex()
        if not index.isValid():
            return "", ""
        return index.data(Roles.ACCOUNT_ID) or "", index.data(Roles.FOLDER_NAME) or ""

    def _refusal_at(self, event: QDragMoveEvent | QDropEvent) -> str | None:
        model = self.model()
        index = self.indexAt(event.position().toPoint())
        if not isinstance(model, MailboxTreeModel):
            return ""
        return model.drop_refusal(event.mimeData(), index)

    def _say_refusal(self, reason: str, event: QDragMoveEvent | QDropEvent) -> None:
        if reason != self._refusal:
            self._refusal = reason
            self.dropRefused.emit(reason)
            if reason:
                QToolTip.showText(self.viewport().mapToGlobal(event.position().toPoint()), reason, self.viewport())
            else:
                QToolTip.hideText()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        # Dropping "between" rows means nothing here: always aim at the folder under the pointer.
        super().dragMoveEvent(event)
        reason = self._refusal_at(event)
        if reason is None:
            event.acceptProposedAction()
        else:
            event.ignore()  # the pointer shows the refusal; the reason is said beside it and in the status bar
        self._say_refusal(reason or "", event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        super().dragLeaveEvent(event)
        if self._refusal:
            self._refusal = ""
            QToolTip.hideText()
            self.dropRefused.emit("")

    def dropEvent(self, event: QDropEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        model = self.model()
        reason = self._refusal_at(event)
        if reason is None and model.dropMimeData(event.mimeData(), Qt.DropAction.MoveAction, -1, -1, index):
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            self._say_refusal("", event)
        else:
            event.ignore()
            self._refusal = ""
            self._say_refusal(reason or "", event)
        self.stopAutoScroll()
        self.setState(QAbstractItemView.State.NoState)
        self.viewport().update()
