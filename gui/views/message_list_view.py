"""The message list widget: a QTableView over the flat or the threaded model, with a stable selection.

A table view, fixed row heights and fixed column widths keep it smooth on 100k rows: it only ever asks the model
about the rows it paints (a QTreeView lays out every row through Python on each change, which took 0.7 s for
100k rows). Conversations are expanded in place by the threaded model. The selection is remembered by UID across
model resets (sorting, searching, large syncs). Messages are dragged as a JSON payload (:mod:`gui.models.drag`)
that the mailbox tree accepts as a move.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QCoreApplication,
    QItemSelection,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QDrag, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from ..models.drag import encode_messages
from ..models.message_columns import COLUMN_COUNT, COLUMN_OF_SORT_KEY, Column
from ..models.message_list import MessageListModel
from ..models.roles import Roles
from ..models.thread_list import ThreadListModel
from ..models.unified_list import ACCOUNT_COLUMN, UnifiedListModel

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

AnyMessageModel = MessageListModel | ThreadListModel | UnifiedListModel


INDENT = 18


class _SubjectDelegate(QStyledItemDelegate):
    """Indents the subject of a message shown under its conversation."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        if index.data(Roles.THREAD_DEPTH):
            # The row's background (selection, alternate colour) across the whole cell, the content indented.
            full = QStyleOptionViewItem(option)
            self.initStyleOption(full, index)
            style = option.widget.style() if option.widget is not None else None
            if style is not None:
                style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, full, painter, option.widget)
            option = QStyleOptionViewItem(option)
            option.rect.adjust(INDENT, 0, 0, 0)
        super().paint(painter, option, index)


class MessageListView(QTableView):
    selectionChangedUids = Signal(list)
    """The selected messages changed (UIDs, in list order; a conversation row stands for all its messages)."""
    flagToggled = Signal(list, bool)  # uids, starred
    openRequested = Signal(int)  # Enter or double-click on a message: open it in its own window
    menuRequested = Signal(QPoint)  # global position

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageList")
        self.setAccessibleName(translate("MessageListView", "Messages"))
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(QFontMetrics(self.font()).height() + 8)
        self.setItemDelegateForColumn(Column.SUBJECT, _SubjectDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(lambda pos: self.menuRequested.emit(self.viewport().mapToGlobal(pos)))
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        header.setSortIndicatorShown(True)
        header.setHighlightSections(False)
        header.sortIndicatorChanged.connect(self._sort_requested)
        self._account_id = ""
        self._folder = ""
        self._remembered: tuple[int | None, list[int]] = (None, [])
        self._restoring = False
        self.doubleClicked.connect(self._double_clicked)

    # -- model ---------------------------------------------------------------------------------------------------

    def set_message_model(self, model: AnyMessageModel) -> None:
        old = self.model()
        if old is model:
            return
        if isinstance(old, MessageListModel | ThreadListModel | UnifiedListModel):
            old.modelAboutToBeReset.disconnect(self._remember)
            old.folderLoaded.disconnect(self._restore)
        self.setModel(model)
        model.modelAboutToBeReset.connect(self._remember)
        model.folderLoaded.connect(self._restore)
        self._apply_column_layout()
        self._show_sort(model)
        selection = self.selectionModel()
        selection.selectionChanged.connect(self._selection_changed)

    def message_model(self) -> AnyMessageModel | None:
        model = self.model()
        return model if isinstance(model, MessageListModel | ThreadListModel | UnifiedListModel) else None

    def set_location(self, account_id: str, folder: str) -> None:
        """Which folder the rows belong to (for the drag payload)."""
        self._account_id, self._folder = account_id, folder
        self._remembered = (None, [])

    def _apply_column_layout(self) -> None:
        header = self.horizontalHeader()
        metrics = QFontMetrics(self.font())
        icon_column = max(24, metrics.height() + 8)
        for column in (Column.FLAG, Column.ATTACHMENT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, icon_column)
        header.setSectionResizeMode(Column.SENDER, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.SUBJECT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.DATE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.SIZE, QHeaderView.ResizeMode.Interactive)
        if header.sectionSize(Column.SENDER) < 60 or header.sectionSize(Column.SENDER) == header.defaultSectionSize():
            header.resizeSection(Column.SENDER, metrics.horizontalAdvance("M" * 16))
        header.resizeSection(Column.DATE, metrics.horizontalAdvance("00/00/0000 ") + 16)
        header.resizeSection(Column.SIZE, metrics.horizontalAdvance("000.0 MB") + 16)
        if header.count() > ACCOUNT_COLUMN:  # a view across accounts names each row's account
            header.setSectionResizeMode(ACCOUNT_COLUMN, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(ACCOUNT_COLUMN, metrics.horizontalAdvance("M" * 10))

    def _show_sort(self, model: AnyMessageModel) -> None:
        header = self.horizontalHeader()
        header.blockSignals(True)
        if isinstance(model, MessageListModel):
            order = Qt.SortOrder.DescendingOrder if model.descending else Qt.SortOrder.AscendingOrder
            header.setSortIndicator(COLUMN_OF_SORT_KEY[model.sort_key], order)
            header.setSectionsClickable(True)
        else:
            header.setSortIndicator(Column.DATE, Qt.SortOrder.DescendingOrder)
            header.setSectionsClickable(False)  # conversations and views across accounts: always newest first
        header.blockSignals(False)

    def _sort_requested(self, column: int, order: Qt.SortOrder) -> None:
        model = self.message_model()
        if not isinstance(model, MessageListModel):
            return
        if column in range(COLUMN_COUNT) and Column(column) in COLUMN_OF_SORT_KEY.values():
            model.sort(column, order)
        self._show_sort(model)  # an unsortable column leaves the indicator where it was

    # -- selection -------------------------------------------------------------------------------------------------

    def uids_of(self, index: QModelIndex) -> list[int]:
        model = self.message_model()
        if model is None or not index.isValid():
            return []
        if isinstance(model, ThreadListModel):
            return model.uids_for(index)
        uid = model.uid_at(index.row())
        return [uid] if uid is not None else []

    def selected_uids(self) -> list[int]:
        selection = self.selectionModel()
        if selection is None:
            return []
        rows = sorted(selection.selectedRows(), key=lambda index: index.row())
        model = self.message_model()
        if isinstance(model, ThreadListModel):  # conversations never painted are looked up together
            return model.uids_for_rows(index.row() for index in rows)
        seen: dict[int, None] = {}
        for index in rows:
            for uid in self.uids_of(index):
                seen[uid] = None
        return list(seen)

    def current_uid(self) -> int | None:
        uids = self.uids_of(self.currentIndex())
        return uids[-1] if uids else None

    def select_uid(self, uid: int) -> bool:
        model = self.message_model()
        if model is None:
            return False
        index = model.index_of(uid)
        if not index.isValid():
            return False
        # Only this row, whatever modifier keys are still held (Ctrl of a Ctrl+Z would make it a toggle).
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.selectionModel().setCurrentIndex(index, flags)
        self.scrollTo(index)
        return True

    def select_next_after(self, leaving: list[int]) -> None:
        """The selected messages are about to leave the list (deleted, archived, moved): select the row below them,
        or the one above at the end, as Thunderbird does, so the next Delete has something to act on."""
        model = self.message_model()
        selection = self.selectionModel()
        if model is None or selection is None:
            return
        gone = set(leaving)
        rows = sorted(index.row() for index in selection.selectedRows())
        if not rows or not all(set(self.uids_of(model.index(row, 0))) <= gone for row in rows):
            return  # what leaves is not what the person has selected (e.g. a drag of other rows)

        def staying(row: int) -> bool:
            uids = self.uids_of(model.index(row, 0))
            return bool(uids) and not set(uids) <= gone

        count = model.rowCount()
        target = next((row for row in range(rows[-1] + 1, count) if staying(row)), None)
        if target is None:
            target = next((row for row in range(rows[0] - 1, -1, -1) if staying(row)), None)
        if target is None:
            selection.clearSelection()
            return
        column = max(self.currentIndex().column(), 0)
        index = model.index(target, column)
        self.setCurrentIndex(index)
        self.scrollTo(index)

    def moveCursor(self, action: QAbstractItemView.CursorAction,
                   modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """Home and End go to the first and last message (a table would move across the columns)."""
        model = self.message_model()
        cursor = QAbstractItemView.CursorAction
        if model is not None and model.rowCount() and action in (cursor.MoveHome, cursor.MoveEnd):
            column = max(self.currentIndex().column(), 0)
            return model.index(0 if action == cursor.MoveHome else model.rowCount() - 1, column)
        return super().moveCursor(action, modifiers)

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if not self._restoring:
            self.selectionChangedUids.emit(self.selected_uids())

    def _remember(self) -> None:
        self._remembered = (self.current_uid(), self.selected_uids())

    def _restore(self) -> None:
        current, selected = self._remembered
        model = self.message_model()
        if model is None or (current is None and not selected):
            return
        self._restoring = True
        try:
            selection = self.selectionModel()
            flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            for uid in selected:
                index = model.index_of(uid)
                if index.isValid():
                    selection.select(index, flags)
            if current is not None:
                index = model.index_of(current)
                if index.isValid():
                    selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
                    self.scrollTo(index)
        finally:
            self._restoring = False
        uids = self.selected_uids()
        if uids != selected:
            self.selectionChangedUids.emit(uids)

    # -- actions from the list itself ----------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        model = self.message_model()
        if (isinstance(model, ThreadListModel) and index.isValid() and index.column() == Column.SUBJECT
                and index.data(Roles.IS_THREAD) and event.button() == Qt.MouseButton.LeftButton
                and event.position().x() - self.visualRect(index).left() < self.iconSize().width() + 8):
            model.set_expanded(index.row(), not model.is_expanded(index.row()))  # the disclosure arrow
        if (index.isValid() and index.column() == Column.FLAG and event.button() == Qt.MouseButton.LeftButton
                and not event.modifiers()):
            uids = self.uids_of(index)
            if uids:
                self.flagToggled.emit(uids, not bool(index.data(Roles.IS_FLAGGED)))
                event.accept()
                return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        model = self.message_model()
        row = self.currentIndex().row()
        if isinstance(model, ThreadListModel) and row >= 0:
            # Right/Left (and +/-) open and close conversations, as in a tree.
            if event.key() in (Qt.Key.Key_Right, Qt.Key.Key_Plus) and self.currentIndex().data(Roles.IS_THREAD):
                model.set_expanded(row, True)
                return
            if event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Minus) and (
                    model.is_expanded(row) or self.currentIndex().data(Roles.THREAD_DEPTH)):
                uid = self.current_uid()
                model.set_expanded(row, False)
                if uid is not None:
                    self.select_uid(uid)
                return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and len(self.uids_of(self.currentIndex())) == 1:
            self.openRequested.emit(self.uids_of(self.currentIndex())[0])
            return
        super().keyPressEvent(event)

    def _double_clicked(self, index: QModelIndex) -> None:
        uids = self.uids_of(index)
        model = self.message_model()
        if len(uids) == 1:
            self.openRequested.emit(uids[0])
        elif uids and isinstance(model, ThreadListModel):
            model.set_expanded(index.row(), not model.is_expanded(index.row()))

    def drag_data(self) -> QMimeData | None:
        """What dragging the selected messages carries (None when nothing is selected, or, in a view across
        accounts, when they come from more than one folder: a drop moves messages of one folder)."""
        uids = self.selected_uids()
        model = self.message_model()
        if isinstance(model, UnifiedListModel):
            groups = model.groups(uids)
            if len(groups) != 1:
                return None
            account_id, folder, uids = groups[0]
        else:
            account_id, folder = self._account_id, self._folder
        if not uids or not account_id:
            return None
        return encode_messages(account_id, folder, uids)

    def startDrag(self, supported: Qt.DropAction) -> None:
        data = self.drag_data()
        if data is None:
            return
        uids = self.selected_uids()
        drag = QDrag(self)
        drag.setMimeData(data)
        drag.setPixmap(self._drag_pixmap(len(uids)))
        drag.exec(Qt.DropAction.MoveAction, Qt.DropAction.MoveAction)

    def _drag_pixmap(self, count: int) -> QPixmap:
        text = translate("MessageListView", "%n message(s)", None, count)
        metrics = QFontMetrics(self.font())
        pixmap = QPixmap(metrics.horizontalAdvance(text) + 20, metrics.height() + 10)
        pixmap.fill(self.palette().highlight().color())
        painter = QPainter(pixmap)
        painter.setPen(self.palette().highlightedText().color())
        painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        return pixmap
