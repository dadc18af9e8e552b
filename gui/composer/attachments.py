"""The composer's attachments: reading dropped or chosen files, and the list that shows and removes them.

Files are read when attached, not when sent: a directory, an unreadable or vanished file is reported at once with
a sentence that names it, and what is sent is what the person saw in the list.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QMimeData, QMimeDatabase, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QIcon, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QListWidget, QListWidgetItem, QMenu, QStyle, QWidget

from connectors.messaging.compose import Attachment
from gui.models.formatting import data_size

# What the reader puts on the clipboard or in a drag for one attachment (see attachment_mime_data).
ATTACHMENT_MIME = "application/x-facteur-attachment"


def encoded_size(raw_size: int) -> int:
    """About what ``raw_size`` bytes weigh in a message: base64 adds a third, line ends a little more."""
    return raw_size * 4 // 3 + raw_size // 38 + 200


@dataclass(frozen=True)
class AttachError:
    path: str
    reason: str


def load_paths(paths: Iterable[str | Path]) -> tuple[list[Attachment], list[AttachError]]:
    """Read files to attach; directories and unreadable files come back as errors with their reason."""
    loaded: list[Attachment] = []
    errors: list[AttachError] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            errors.append(
                AttachError(
                    str(path),
                    QCoreApplication.translate(
                        "Attachments", "it is a folder; attach the files inside it, or a zip of it"
                    ),
                )
            )
            continue
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            errors.append(
                AttachError(str(path), QCoreApplication.translate("Attachments", "the file does not exist (any more)"))
            )
            continue
        except PermissionError:
            errors.append(
                AttachError(str(path), QCoreApplication.translate("Attachments", "you are not allowed to read it"))
            )
            continue
        except OSError as exc:
            errors.append(AttachError(str(path), exc.strerror or str(exc)))
            continue
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        loaded.append(Attachment(path.name, data, content_type))
    return loaded, errors


def attachment_mime_data(name: str, content_type: str, data: bytes) -> QMimeData:
    """Drag data for one attachment (the reader calls this when an attachment is dragged out of a message)."""
    mime = QMimeData()
    header = json.dumps({"name": name, "content_type": content_type}).encode()
    mime.setData(ATTACHMENT_MIME, QByteArray(len(header).to_bytes(4, "big") + header + data))
    return mime


def attachments_from_mime(mime: QMimeData) -> list[Attachment]:
    """Attachments carried by our own drag format (see attachment_mime_data)."""
    if not mime.hasFormat(ATTACHMENT_MIME):
        return []
    payload = bytes(mime.data(ATTACHMENT_MIME).data())
    if len(payload) < 4:
        return []
    length = int.from_bytes(payload[:4], "big")
    try:
        header = json.loads(payload[4 : 4 + length].decode())
        return [
            Attachment(
                str(header["name"]),
                payload[4 + length :],
                str(header.get("content_type") or "application/octet-stream"),
            )
        ]
    except (ValueError, KeyError, UnicodeDecodeError):
        return []


def local_paths(mime: QMimeData) -> list[str]:
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]


def carries_files(mime: QMimeData) -> bool:
    return bool(local_paths(mime)) or mime.hasFormat(ATTACHMENT_MIME)


_mime_db = QMimeDatabase()


def type_icon(content_type: str, name: str) -> QIcon:
    """The desktop theme's icon for this type; a generic file icon when the theme has none."""
    mime = _mime_db.mimeTypeForName(content_type)
    if not mime.isValid() or mime.isDefault():
        mime = _mime_db.mimeTypeForFile(name, QMimeDatabase.MatchMode.MatchExtension)
    for icon_name in (mime.iconName(), mime.genericIconName()):
        if icon_name and QIcon.hasThemeIcon(icon_name):
            return QIcon.fromTheme(icon_name)
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)


class AttachmentList(QListWidget):
    """Name, size and type icon of each attachment; Delete or the context menu removes; files may be dropped."""

    changed = Signal()
    filesDropped = Signal(list)  # local paths
    attachmentsDropped = Signal(list)  # Attachment objects from the reader
    openRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[Attachment] = []
        self.setViewMode(QListWidget.ViewMode.ListMode)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setSpacing(4)
        self.setIconSize(QSize(24, 24))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.setAccessibleName(QCoreApplication.translate("Attachments", "Attachments"))

    # -- content -------------------------------------------------------------------------------------------

    def attachments(self) -> list[Attachment]:
        return list(self._items)

    def total_size(self) -> int:
        return sum(len(a.data) for a in self._items)

    def add(self, attachments: Sequence[Attachment]) -> None:
        for attachment in attachments:
            self._items.append(attachment)
            item = QListWidgetItem(
                type_icon(attachment.content_type, attachment.filename),
                f"{attachment.filename}  ({data_size(len(attachment.data))})",
            )
            item.setToolTip(f"{attachment.filename}\n{attachment.content_type}\n{data_size(len(attachment.data))}")
            self.addItem(item)
        if attachments:
            self.changed.emit()

    def remove_rows(self, rows: Iterable[int]) -> None:
        removed = False
        for row in sorted(set(rows), reverse=True):
            if 0 <= row < len(self._items):
                del self._items[row]
                self.takeItem(row)
                removed = True
        if removed:
            self.changed.emit()

    def remove_selected(self) -> None:
        self.remove_rows(self.row(item) for item in self.selectedItems())

    def clear_all(self) -> None:
        self.remove_rows(range(len(self._items)))

    def _menu(self, position: QPoint) -> None:
        if not self.selectedItems():
            return
        menu = QMenu(self)
        menu.addAction(QCoreApplication.translate("Attachments", "Remove"), self.remove_selected)
        menu.exec(self.viewport().mapToGlobal(position))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selectedItems():
            self.remove_selected()
            return
        super().keyPressEvent(event)

    # -- drops (files from the file manager, attachments from the reader) -----------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if carries_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt override
        if carries_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        mime = event.mimeData()
        if not carries_files(mime):
            event.ignore()
            return
        event.acceptProposedAction()
        paths = local_paths(mime)
        if paths:
            self.filesDropped.emit(paths)
        dragged = attachments_from_mime(mime)
        if dragged:
            self.attachmentsDropped.emit(dragged)

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt override
        return ["text/uri-list", ATTACHMENT_MIME]
