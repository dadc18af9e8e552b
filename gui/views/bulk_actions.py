"""What the reader pane offers when several messages are selected: what can be done to all of them at once.

Each button is the window's own action (the same text, icon, shortcut and enabled state as the menus and the
toolbar), so acting from here is acting from anywhere else; Forward sends them together, each attached whole.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QGridLayout, QLabel, QMenu, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from .icons import icon

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate


class _ActionButton(QToolButton):
    """A large button for an action; it keeps its own label when given one (the action's stays in the menus)."""

    def __init__(self, action: QAction, label: str | None, parent: QWidget) -> None:
        super().__init__(parent)
        self._label = label
        self.setDefaultAction(action)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setIconSize(QSize(20, 20))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(34)
        self.setObjectName(f"bulk_{action.objectName()}")
        action.changed.connect(self._relabel)
        self._relabel()

    def _relabel(self) -> None:
        text = self._label if self._label is not None else self.defaultAction().text()
        self.setText(text.replace("&&", "\0").replace("&", "").replace("\0", "&"))


class BulkActionsPane(QWidget):
    def __init__(self, *, mark_read: QAction, mark_unread: QAction, star: QAction, archive: QAction,
                 delete: QAction, forward: QAction, move_menu: QMenu, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bulkActions")
        column = QVBoxLayout(self)
        column.setContentsMargins(24, 24, 24, 24)
        column.addStretch(1)
        self.title = QLabel(self)
        self.title.setObjectName("bulkTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        column.addWidget(self.title)
        self.detail = QLabel(self)
        self.detail.setObjectName("bulkDetail")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setStyleSheet("color: palette(placeholder-text);")
        column.addWidget(self.detail)
        column.addSpacing(12)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setContentsMargins(0, 0, 0, 0)
        self.forward_button = _ActionButton(forward, translate("BulkActionsPane", "Forward as Attachments"), self)
        buttons = [
            _ActionButton(mark_read, None, self), _ActionButton(mark_unread, None, self),
            _ActionButton(star, None, self), _ActionButton(archive, None, self),
            _ActionButton(delete, None, self), self.forward_button,
        ]
        for position, button in enumerate(buttons):
            grid.addWidget(button, position // 2, position % 2)
        self.move_button = QToolButton(self)
        self.move_button.setObjectName("bulk_moveTo")
        self.move_button.setText(move_menu.title().replace("&", ""))
        self.move_button.setMenu(move_menu)
        self.move_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.move_button.setIcon(icon("folder"))
        self.move_button.setIconSize(QSize(20, 20))
        self.move_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.move_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.move_button.setMinimumHeight(34)
        grid.addWidget(self.move_button, len(buttons) // 2, 0, 1, 2)
        holder = QWidget(self)
        holder.setLayout(grid)
        holder.setFixedWidth(440)
        column.addWidget(holder, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(2)
        self.buttons = [*buttons, self.move_button]

    def show_selection(self, count: int, unread: int, starred: int) -> None:
        self.title.setText(translate("BulkActionsPane", "%n message(s) selected", None, count))
        parts = [translate("BulkActionsPane", "%n unread", None, unread) if unread else
                 translate("BulkActionsPane", "all read")]
        if starred:
            parts.append(translate("BulkActionsPane", "%n starred", None, starred))
        self.detail.setText(" · ".join(parts))
