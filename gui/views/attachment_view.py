"""The attachments strip under a message: each file with its icon and size, to save or open.

Names are made safe again at the moment of saving (no separators, no ``..``, no control or bidi characters, not
a device name), whatever the parser did; saving never overwrites an existing file silently; opening goes through
a private temporary folder and asks first for anything that could run as a program.
"""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from connectors.messaging.mime import ParsedAttachment, safe_filename

from ..models.attachments import AttachmentListModel
from ..models.formatting import data_size, shown_text
from .icons import icon

EXECUTABLE_EXTENSIONS = frozenset(
    "exe msi msp bat cmd com scr pif cpl vb vbs vbe js jse mjs wsf wsh ps1 psm1 psd1 jar sh bash zsh csh ksh fish "
    "run bin app command tool desktop appimage deb rpm apk dmg pkg py pyw pl rb php lnk reg hta msc gadget inf scf "
    "url application docm xlsm pptm dotm xltm".split()
)

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate
EXECUTABLE_TYPES = frozenset({
    "application/x-executable", "application/x-msdownload", "application/x-msdos-program", "application/x-sh",
    "application/x-shellscript", "application/vnd.microsoft.portable-executable", "application/java-archive",
    "application/x-desktop", "application/x-ms-installer", "application/x-msi", "application/hta",
    "application/javascript", "text/javascript", "application/x-python-code", "text/x-python",
})


def is_executable(filename: str, content_type: str) -> bool:
    """Whether opening the file could run code: by any of its extensions ("invoice.pdf.exe") or its type."""
    extensions = {part.lower() for part in filename.split(".")[1:]}
    return bool(extensions & EXECUTABLE_EXTENSIONS) or content_type.lower() in EXECUTABLE_TYPES


def free_path(directory: Path, name: str) -> Path:
    """``directory/name``, or ``name (2)``, ``name (3)``... if that file exists already."""
    candidate = directory / name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = directory / (f"{stem} ({counter}).{extension}" if extension else f"{stem} ({counter})")
    return candidate


class AttachmentView(QWidget):
    failed = Signal(str, str)  # title, text: the window shows it as a notification
    downloadNeeded = Signal()
    """An attachment still on the server (the message was opened from its text parts) is being saved or opened:
    whoever showed the message downloads it and calls :meth:`downloaded`; the save or open then goes on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachments")
        self.setAccessibleName(translate("AttachmentView", "Attachments"))
        self.model = AttachmentListModel(self, fallback_icon=lambda: icon("file"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 4, 12, 8)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.summary = QLabel(self)
        self.summary.setObjectName("attachmentSummary")
        top.addWidget(self.summary, 1)
        self.save_all_button = QPushButton(icon("save"), translate("AttachmentView", "Save All…"), self)
        self.save_all_button.setObjectName("saveAllAttachments")
        self.save_all_button.clicked.connect(self.save_all_interactively)
        top.addWidget(self.save_all_button)
        layout.addLayout(top)
        self.list = QListView(self)
        self.list.setObjectName("attachmentList")
        self.list.setAccessibleName(translate("AttachmentView", "Attachments"))
        self.list.setModel(self.model)
        self.list.setDragEnabled(True)  # an attachment dragged onto a composer is attached there
        self.list.setDragDropMode(QListView.DragDropMode.DragOnly)
        self.list.setViewMode(QListView.ViewMode.ListMode)
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setSpacing(4)
        self.list.setIconSize(QSize(24, 24))
        self.list.setUniformItemSizes(False)
        # Two rows of files at most; more scroll. A message with one attachment should not lose half the reader.
        row = max(self.list.iconSize().height(), self.list.fontMetrics().height()) + 12
        self.list.setMaximumHeight(2 * row + 6)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.activated.connect(lambda index: self.open_attachment(index.row()))
        layout.addWidget(self.list)
        self._open_dir: tempfile.TemporaryDirectory[str] | None = None
        self.last_directory = Path.home()
        self._pending: list[Callable[[], object]] = []  # saves and opens waiting for the download

    def set_attachments(self, attachments: Sequence[ParsedAttachment]) -> None:
        self._pending = []  # another message: what waited for the last one's download is moot
        self.model.set_attachments(attachments)
        total = sum(attachment.size for attachment in attachments)
        count = len(attachments)
        files = translate("AttachmentView", "%n attachment(s)", None, count)
        self.summary.setText(f"{files} ({data_size(total)})")
        self.setVisible(count > 0)

    def downloaded(self, attachments: Sequence[ParsedAttachment]) -> None:
        """The same message's attachments, now with their bytes: carry out the saves and opens that waited."""
        pending = self._pending
        self.set_attachments(attachments)
        for action in pending:
            action()

    def download_failed(self) -> None:
        self._pending = []

    def _after_download(self, row: int, action: Callable[[], object]) -> bool:
        """True if attachment ``row`` is still on the server: ``action`` then runs once it is downloaded."""
        attachment = self.model.attachment(row)
        if attachment is None or attachment.downloaded:
            return False
        first = not self._pending
        self._pending.append(action)
        if first:
            self.summary.setText(translate("AttachmentView", "Downloading attachments…"))
            self.downloadNeeded.emit()
        return True

    def _menu(self, position: QPoint) -> None:
        index: QModelIndex = self.list.indexAt(position)
        if not index.isValid():
            return
        row = index.row()
        menu = QMenu(self)
        open_action = menu.addAction(icon("open"), translate("AttachmentView", "Open"))
        open_action.triggered.connect(lambda: self.open_attachment(row))
        save_action = menu.addAction(icon("save"), translate("AttachmentView", "Save As…"))
        save_action.triggered.connect(lambda: self.save_interactively(row))
        menu.exec(self.list.viewport().mapToGlobal(position))

    # -- saving ------------------------------------------------------------------------------------------------

    def save_interactively(self, row: int) -> Path | None:
        attachment = self.model.attachment(row)
        if attachment is None:
            return None
        suggested = self.last_directory / safe_filename(attachment.filename, attachment.content_type)
        title = translate("AttachmentView", "Save Attachment")
        chosen, _filter = QFileDialog.getSaveFileName(self, title, str(suggested))
        if not chosen:
            return None
        return self.save_to(row, Path(chosen), overwrite=True)

    def save_to(self, row: int, path: Path, *, overwrite: bool = False) -> Path | None:
        """Save attachment ``row`` as ``path`` (the name is sanitised; an existing file is kept unless
        ``overwrite``, which the file dialog's own confirmation stands for)."""
        attachment = self.model.attachment(row)
        if attachment is None or self._after_download(row, lambda: self.save_to(row, path, overwrite=overwrite)):
            return None
        directory = path if path.is_dir() else path.parent
        name = safe_filename(attachment.filename if path.is_dir() else path.name, attachment.content_type)
        target = directory / name if overwrite else free_path(directory, name)
        try:
            target.write_bytes(attachment.data)
        except OSError as exc:
            self.failed.emit(translate("AttachmentView", "Could not save the attachment"),
                             f"{target}: {exc.strerror or exc}")
            return None
        self.last_directory = directory
        return target

    def save_all_interactively(self) -> list[Path]:
        title = translate("AttachmentView", "Save All Attachments")
        chosen = QFileDialog.getExistingDirectory(self, title, str(self.last_directory))
        return self.save_all(Path(chosen)) if chosen else []

    def save_all(self, directory: Path) -> list[Path]:
        saved = []
        for row in range(self.model.rowCount()):
            path = self.save_to(row, directory)
            if path is not None:
                saved.append(path)
        return saved

    # -- opening -----------------------------------------------------------------------------------------------

    def confirm_open(self, attachment: ParsedAttachment) -> bool:
        """Ask before opening something that could run as a program."""
        answer = QMessageBox.warning(
            self,
            translate("AttachmentView", "Open a program?"),
            translate("AttachmentView", "“%1” could run as a program on this computer. Open it only if you trust "
                                        "the sender and expected this file.").replace(
                "%1", html.escape(shown_text(attachment.filename))),  # the box reads rich text: escape the name
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Open

    def open_attachment(self, row: int) -> Path | None:
        """Copy the attachment into a private temporary folder (read-only) and open it with the desktop."""
        attachment = self.model.attachment(row)
        if attachment is None:
            return None
        if is_executable(attachment.filename, attachment.content_type) and not self.confirm_open(attachment):
            return None
        if self._after_download(row, lambda: self._open_now(row)):
            return None
        return self._open_now(row)

    def _open_now(self, row: int) -> Path | None:
        attachment = self.model.attachment(row)
        if attachment is None:
            return None
        if self._open_dir is None:
            self._open_dir = tempfile.TemporaryDirectory(prefix="facteur-attachments-")
        folder = Path(tempfile.mkdtemp(dir=self._open_dir.name))  # one folder each: same names never clash
        path = folder / safe_filename(attachment.filename, attachment.content_type)
        try:
            path.write_bytes(attachment.data)
            os.chmod(path, 0o400)
        except OSError as exc:
            self.failed.emit(translate("AttachmentView", "Could not open the attachment"),
                             f"{path}: {exc.strerror or exc}")
            return None
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            title = translate("AttachmentView", "Could not open the attachment")
            text = translate("AttachmentView", "No application is set up to open “%1”.")
            self.failed.emit(title, text.replace("%1", path.name))
        return path
