"""Help → Keyboard Shortcuts: every shortcut of the app, read from the QActions themselves, searchable.

Nothing here is a copy of a shortcut: the rows come from the main window's actions and from a composer's and a
message editor's actions built for the purpose (so a shortcut changed in code is listed as it is).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QCoreApplication, QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

Section = tuple[str, Sequence[QAction]]


def action_name(action: QAction) -> str:
    """What an action does, in words: its tooltip without the keys in brackets (a toolbar's short label, "B" or
    "• List", is explained there), else its menu text."""
    tip = action.toolTip().split(" (")[0].strip()
    text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").strip()
    return tip or text


def _on_a_keyboard(key: QKeySequence) -> bool:
    """Whether a person can type ``key`` on an ordinary keyboard: not a media key ("New", "Find") nor F13 and up,
    which standard shortcuts also bind on some systems."""
    if key.isEmpty():
        return False
    code = key[0].key()
    return code < Qt.Key.Key_Back and not Qt.Key.Key_F13 <= code <= Qt.Key.Key_F35


def shortcut_text(action: QAction) -> str:
    keys = [key.toString(QKeySequence.SequenceFormat.NativeText) for key in action.shortcuts() if _on_a_keyboard(key)]
    return ", ".join(key for key in keys if key)


def composer_sections(parent: QWidget) -> list[Section]:
    """The composer's actions and its editor's, built (and kept hidden) in ``parent``."""
    from ..composer.actions import ComposerActions
    from ..composer.editor import BodyEditor

    editor = BodyEditor(parent)
    editor.hide()
    return [(translate("ShortcutsDialog", "Writing a message"), ComposerActions(parent).all()),
            (translate("ShortcutsDialog", "Formatting text"), editor.findChildren(QAction))]


class ShortcutsDialog(QDialog):
    def __init__(self, sections: Iterable[Section], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(translate("ShortcutsDialog", "Keyboard Shortcuts"))
        layout = QVBoxLayout(self)
        self.search = QLineEdit(self)
        self.search.setObjectName("shortcutSearch")
        self.search.setPlaceholderText(translate("ShortcutsDialog", "Search by action or key"))
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels([translate("ShortcutsDialog", "Action"),
                                              translate("ShortcutsDialog", "Shortcut"),
                                              translate("ShortcutsDialog", "Where")])
        for title, actions in sections:
            seen: set[tuple[str, str]] = set()
            for action in actions:
                keys = shortcut_text(action)
                name = action_name(action)
                if not keys or not name or (name, keys) in seen:
                    continue
                seen.add((name, keys))
                row = [QStandardItem(name), QStandardItem(keys), QStandardItem(title)]
                for item in row:
                    item.setEditable(False)
                self.model.appendRow(row)
        self.filter = QSortFilterProxyModel(self)
        self.filter.setSourceModel(self.model)
        self.filter.setFilterKeyColumn(-1)  # the action, the key or where
        self.filter.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search.textChanged.connect(self.filter.setFilterFixedString)
        self.table = QTableView(self)
        self.table.setObjectName("shortcutTable")
        self.table.setModel(self.filter)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 560)
        self.search.setFocus()

    def shown_rows(self) -> list[tuple[str, str, str]]:
        """(action, shortcut, where) of every row the search leaves."""
        return [tuple(self.filter.index(row, column).data() for column in range(3))  # type: ignore[misc]
                for row in range(self.filter.rowCount())]
