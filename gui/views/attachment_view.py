"""The attachments strip under a message: each file with its icon and size, to save or open.

Names are made safe again at the moment of saving (no separators, no ``..``, no control or bidi characters, not
a device name), whatever the parser did; saving never overwrites an existing file silently; opening goes through
a private temporary folder and asks first for anything that could run as a program.

Files are written in the runner's pool, a megabyte at a time (a 20 MB attachment written on the GUI thread froze
the window): the summary line shows the progress, ``saved`` reports each file written, ``failed`` what went wrong
(a partly written file is removed).
"""

from __future__ import annotations

import contextlib
import html
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, QSize, Qt, QUrl, Signal, SignalInstance
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
from ..workers.operation import Operation
from ..workers.runner import runner
from .icons import icon

WRITE_SLICE = 1024 * 1024

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


def write_attachment(op: Operation, data: bytes, directory: Path, name: str, *, overwrite: bool,
                     mode: int | None = None) -> Path:
    """In a pool thread: write ``data`` as ``directory/name`` (or, unless ``overwrite``, the first free ``name
    (n)``, claimed by creating it, so two saves at once never pick the same), a slice at a time with progress and
    cancellation; ``mode`` is set at the end. A file left incomplete (an error, a cancel) is removed."""
    while True:
        target = directory / name if overwrite else free_path(directory, name)
        try:
            out = open(target, "wb" if overwrite else "xb")  # noqa: SIM115 - closed below, removed on failure
        except FileExistsError:
            continue  # claimed by another save since free_path looked: take the next name
        break
    try:
        with out:
            _write_slices(op, data, out)
        if mode is not None:
            os.chmod(target, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise
    return target


def _write_slices(op: Operation, data: bytes, out: BinaryIO) -> None:
    view = memoryview(data)
    total = len(data)
    for start in range(0, total, WRITE_SLICE):
        op.check_cancelled()
        out.write(view[start:start + WRITE_SLICE])
        op.say("progress", min(start + WRITE_SLICE, total), total)  # said on the GUI thread (gui.workers.gui_thread)


class AttachmentView(QWidget):
    failed = Signal(str, str)  # title, text: the window shows it as a notification
    saved = Signal(object)
    """An attachment was written (the Path written: the name chosen, or ``name (2)`` beside an existing file)."""
    opened = Signal(object)
    """An attachment was copied to its private folder (that Path) and handed to the desktop to open."""
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
        self._writing = 0  # files being written in the pool (the summary line shows their progress)

    def set_attachments(self, attachments: Sequence[ParsedAttachment]) -> None:
        self._pending = []  # another message: what waited for the last one's download is moot
        self.model.set_attachments(attachments)
        self._show_summary()
        self.setVisible(len(attachments) > 0)

    def _show_summary(self) -> None:
        attachments = self.model.attachments()
        total = sum(attachment.size for attachment in attachments)
        files = translate("AttachmentView", "%n attachment(s)", None, len(attachments))
        self.summary.setText(f"{files} ({data_size(total)})")

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

    def save_interactively(self, row: int) -> Operation | None:
        attachment = self.model.attachment(row)
        if attachment is None:
            return None
        suggested = self.last_directory / safe_filename(attachment.filename, attachment.content_type)
        title = translate("AttachmentView", "Save Attachment")
        chosen, _filter = QFileDialog.getSaveFileName(self, title, str(suggested))
        if not chosen:
            return None
        return self.save_to(row, Path(chosen), overwrite=True)

    def save_to(self, row: int, path: Path, *, overwrite: bool = False) -> Operation | None:
        """Save attachment ``row`` as ``path``, or into ``path`` if it is a folder (the name is sanitised; an
        existing file is kept unless ``overwrite``, which the file dialog's own confirmation stands for). The file
        is written in the runner's pool: the operation returned finishes with the Path written (``saved`` too) or
        fails (``failed`` says why). None: nothing to save, or it waits for the attachment's download first."""
        attachment = self.model.attachment(row)
        if attachment is None or self._after_download(row, lambda: self.save_to(row, path, overwrite=overwrite)):
            return None
        into_folder = path.is_dir()
        directory = path if into_folder else path.parent
        name = safe_filename(attachment.filename if into_folder else path.name, attachment.content_type)
        data = attachment.data
        self.last_directory = directory
        write = Operation(lambda op: write_attachment(op, data, directory, name, overwrite=overwrite),
                          name="save attachment")
        return self._write(write, name, directory / name, self.saved,
                           translate("AttachmentView", "Could not save the attachment"))

    def _write(self, write: Operation, name: str, target: Path, done: SignalInstance, title: str) -> Operation:
        """Run ``write`` in the pool, its progress in the summary line, and report the outcome."""
        self._writing += 1
        write.progress.connect(lambda written, total: self.summary.setText(
            translate("AttachmentView", "Saving “%1”… %2%").replace("%1", shown_text(name))
            .replace("%2", str(written * 100 // total if total else 100))))
        write.finished.connect(done.emit)
        write.failed.connect(lambda exc: self.failed.emit(title, f"{getattr(exc, 'filename', None) or target}: "
                                                                 f"{getattr(exc, 'strerror', None) or exc}"))
        write.done.connect(self._written)
        return runner().submit(write)

    def _written(self) -> None:
        self._writing -= 1
        if not self._writing and not self._pending:
            self._show_summary()

    def save_all_interactively(self) -> list[Operation]:
        title = translate("AttachmentView", "Save All Attachments")
        chosen = QFileDialog.getExistingDirectory(self, title, str(self.last_directory))
        return self.save_all(Path(chosen)) if chosen else []

    def save_all(self, directory: Path) -> list[Operation]:
        """Save every attachment into ``directory`` (see :meth:`save_to`); the operations of those written now."""
        saving = []
        for row in range(self.model.rowCount()):
            write = self.save_to(row, directory)
            if write is not None:
                saving.append(write)
        return saving

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

    def open_attachment(self, row: int) -> Operation | None:
        """Copy the attachment into a private temporary folder (read-only) and open it with the desktop; the copy is
        written in the runner's pool (the operation returned; ``opened`` once handed to the desktop)."""
        attachment = self.model.attachment(row)
        if attachment is None:
            return None
        if is_executable(attachment.filename, attachment.content_type) and not self.confirm_open(attachment):
            return None
        if self._after_download(row, lambda: self._open_now(row)):
            return None
        return self._open_now(row)

    def _open_now(self, row: int) -> Operation | None:
        attachment = self.model.attachment(row)
        if attachment is None:
            return None
        if self._open_dir is None:
            self._open_dir = tempfile.TemporaryDirectory(prefix="facteur-attachments-")
        parent, data = self._open_dir.name, attachment.data
        name = safe_filename(attachment.filename, attachment.content_type)

        def copy(op: Operation) -> Path:
            folder = Path(tempfile.mkdtemp(dir=parent))  # one folder each: same names never clash
            return write_attachment(op, data, folder, name, overwrite=False, mode=0o400)

        write = Operation(copy, name="open attachment")
        write.finished.connect(self._hand_to_desktop)
        return self._write(write, name, Path(parent) / name, self.opened,
                           translate("AttachmentView", "Could not open the attachment"))

    def _hand_to_desktop(self, path: Path) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            title = translate("AttachmentView", "Could not open the attachment")
            text = translate("AttachmentView", "No application is set up to open “%1”.")
            self.failed.emit(title, text.replace("%1", path.name))
