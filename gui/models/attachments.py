"""The attachments of the message being read: name, size and a type icon per row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QMimeDatabase,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QIcon

from connectors.messaging.mime import ParsedAttachment
from gui.composer.attachments import ATTACHMENT_MIME, attachment_mime_data

from .formatting import data_size, shown_text
from .roles import Roles

Index = QModelIndex | QPersistentModelIndex


def type_icon(attachment: ParsedAttachment, fallback: Callable[[], QIcon] | None = None) -> QIcon:
    """The desktop's icon for the file's type, judged by its name first, then its declared MIME type."""
    database = QMimeDatabase()
    mime = database.mimeTypeForFile(attachment.filename, QMimeDatabase.MatchMode.MatchExtension)
    if mime.isDefault():
        mime = database.mimeTypeForName(attachment.content_type)
    for name in (mime.iconName(), mime.genericIconName()):
        if name and QIcon.hasThemeIcon(name):
            return QIcon.fromTheme(name)
    return fallback() if fallback is not None else QIcon()


class AttachmentListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None, *, fallback_icon: Callable[[], QIcon] | None = None) -> None:
        super().__init__(parent)
        self._attachments: list[ParsedAttachment] = []
        self._fallback_icon = fallback_icon
        self._icons: dict[int, QIcon] = {}

    def set_attachments(self, attachments: Sequence[ParsedAttachment]) -> None:
        self.beginResetModel()
        self._attachments = list(attachments)
        self._icons.clear()
        self.endResetModel()

    def attachment(self, row: int) -> ParsedAttachment | None:
        return self._attachments[row] if 0 <= row < len(self._attachments) else None

    def attachments(self) -> list[ParsedAttachment]:
        return list(self._attachments)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._attachments)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        attachment = self.attachment(index.row()) if index.isValid() else None
        if attachment is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{shown_text(attachment.filename, 80)} ({data_size(attachment.size)})"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return (f"{shown_text(attachment.filename)}, {shown_text(attachment.content_type)}, "
                    f"{data_size(attachment.size)}")
        if role == Qt.ItemDataRole.DecorationRole:
            if index.row() not in self._icons:
                self._icons[index.row()] = type_icon(attachment, self._fallback_icon)
            return self._icons[index.row()]
        if role == Roles.FILENAME:
            return attachment.filename
        if role == Roles.CONTENT_TYPE:
            return attachment.content_type
        if role == Roles.SIZE:
            return attachment.size
        if role == Roles.ATTACHMENT:
            return attachment
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        attachment = self.attachment(index.row())
        if attachment is not None and attachment.downloaded:  # still on the server: opened or saved first
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    # -- dragging an attachment out of the reader (into a composer) ---------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [ATTACHMENT_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData | None:
        rows = sorted({index.row() for index in indexes if index.isValid()})
        attachment = self.attachment(rows[0]) if rows else None
        if attachment is None:
            return None
        return attachment_mime_data(attachment.filename, attachment.content_type, attachment.data)

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction
