"""The composer window: header, body, attachments; autosaves a draft and sends through the Outbox, writing both off
the GUI thread (:mod:`gui.composer.draft_writer`); it closes once the Outbox holds the message."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QShowEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from connectors.exceptions import MessageError
from connectors.messaging.compose import Attachment
from connectors.outbox import Draft
from gui.models.formatting import data_size

from ..workers.operation import Operation
from ..workers.runner import INTERACTIVE, runner
from .actions import ComposerActions
from .attachments import (
    AttachError,
    AttachmentList,
    attachments_from_mime,
    carries_files,
    encoded_size,
    load_paths,
    local_paths,
)
from .editor import BodyEditor
from .header import ComposerHeader
from .notice import Notice
from .outgoing import Composition, format_address
from .replies import ComposeSeed
from .rich_text import SIGNATURE_PROPERTY
from .spelling import SpellingButton

if TYPE_CHECKING:
    from .postbox import Postbox

# Words that promise an attachment, to catch the one that was forgotten (English, French, German, Spanish).
_ATTACHMENT_WORDS = re.compile(
    r"\b(attach(ed|ment)|enclosed|ci-joint|pi[eè]ce jointe|anbei|anhang|adjunto)\b", re.IGNORECASE
)


class _FileDropFilter(QObject):
    """Lets files be dropped anywhere on the composer, even on the line edits (which would insert the path)."""

    def __init__(self, window: ComposerWindow) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # QDragEnterEvent and QDragMoveEvent are QDropEvents: one check covers the three.
        if not isinstance(event, QDropEvent) or not carries_files(event.mimeData()):
            return False
        event.acceptProposedAction()
        if event.type() == QEvent.Type.Drop:
            self._window.add_from_mime(event.mimeData())
        return True


class ComposerWindow(QMainWindow):
    """One message being written. Created by :class:`gui.composer.postbox.Postbox`; never sends by itself."""

    queuedForSending = Signal(str)  # Outbox entry id
    closed = Signal()
    draftSaved = Signal(str)  # draft id (local save)
    attachmentsRead = Signal()  # the files of one add_files() call are in the list (or refused)

    def __init__(
        self,
        postbox: Postbox,
        *,
        draft: Draft | None = None,
        seed: ComposeSeed | None = None,
        account_id: str | None = None,
        from_address: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.postbox = postbox
        self.settings = postbox.settings
        self._draft = draft or Draft(account_id=account_id or "")
        # Every write of this draft, in order and off the GUI thread (it knows which attachment bytes are stored).
        self.writer = postbox.draft_writer(self._draft.id)
        self.writer.saved.connect(self._draft_written)
        self._announce_save = False
        self._sending = False
        self._finished = False
        self._from_storage = draft is not None
        self._ever_touched = False
        self._dirty = False
        self._server_dirty = False
        self._saved = False  # kept with Save (Ctrl+S) and unchanged since: closing does not ask again
        self._placed = False
        self._loading = True
        self._signature_at_end = False

        self.notice = Notice(self)
        self._reading: list[Operation] = []  # add_files() reads in the pool, oldest first
        self._read_results: dict[Operation, tuple[list[Attachment], list[AttachError]]] = {}
        self._send_when_read = False
        self.header = ComposerHeader(postbox.accounts, postbox.address_book, self)
        self.editor = BodyEditor(self)
        self.attachment_list = AttachmentList(self)
        self.attachment_summary = QLabel(self)
        self.attachment_pane = QWidget(self)
        pane_layout = QVBoxLayout(self.attachment_pane)
        pane_layout.setContentsMargins(8, 2, 8, 6)
        pane_layout.addWidget(self.attachment_summary)
        pane_layout.addWidget(self.attachment_list)
        self.attachment_pane.hide()

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.editor)
        splitter.addWidget(self.attachment_pane)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        notice_row = QHBoxLayout()
        notice_row.setContentsMargins(8, 6, 8, 0)
        notice_row.addWidget(self.notice)
        layout.addLayout(notice_row)
        layout.addWidget(self.header)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self._build_toolbar()
        # Keyboard order as the person reads the header: To (then its Cc/Bcc buttons), Cc, Bcc, Subject, the body.
        header = self.header
        chain = [header.sender_box, header.to_field, header.cc_button, header.bcc_button, header.cc_field,
                 header.bcc_field, header.subject_field, self.editor.text_edit]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

        self.setAcceptDrops(True)
        self._drop_filter = _FileDropFilter(self)
        for widget in (
            self.header,
            self.header.sender_box,
            *self.header.address_fields(),
            self.header.subject_field,
            self.notice,
            self.attachment_summary,
            self.attachment_pane,
        ):
            widget.installEventFilter(self._drop_filter)
        self.attachment_list.filesDropped.connect(self.add_files)
        self.attachment_list.attachmentsDropped.connect(self.add_attachments)
        self.attachment_list.changed.connect(self._attachments_changed)
        self.editor.text_edit.filesPasted.connect(self.add_files)
        self.editor.text_edit.attachmentsPasted.connect(self.add_attachments)
        self.editor.changed.connect(self._touched)
        self.header.changed.connect(self._touched)
        self.header.senderChanged.connect(self._sender_changed)

        self._autosave = QTimer(self, interval=int(self.settings.autosave_seconds * 1000))
        self._autosave.timeout.connect(self.autosave)
        self._server_save = QTimer(self, interval=int(self.settings.server_draft_seconds * 1000))
        self._server_save.timeout.connect(self.save_to_server)

        if draft is not None:
            self._load_draft(draft)
        else:
            if account_id is None and from_address is None and self.settings.default_account:
                # A new message (not a reply) goes out from the account and identity chosen in the Preferences.
                account_id, from_address = self.settings.default_account, self.settings.default_identity or None
            self.header.select_sender(account_id, from_address)
            self._load_seed(seed or ComposeSeed())
        self._spell_for_sender()
        if draft is not None and draft.spell_language:
            self.spelling_button.set_language(draft.spell_language, chosen=True)
        self.spelling_button.languageChanged.connect(self._touched)
        self._loading = False
        self._update_title()
        self.resize(860, 680)
        self._autosave.start()
        self._server_save.start()

    # -- building ------------------------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar(QCoreApplication.translate("ComposerWindow", "Message"), self)
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(bar)
        actions = ComposerActions(self)
        self.send_action = actions.send
        self.send_action.triggered.connect(self.send)
        self.attach_action = actions.attach
        self.attach_action.triggered.connect(self.choose_files)
        self.save_action = actions.save
        self.save_action.triggered.connect(self.save_now)
        self.plain_action = actions.plain
        self.plain_action.toggled.connect(self._plain_toggled)
        self.close_action = actions.close
        self.close_action.triggered.connect(self.close)
        self.addAction(self.close_action)
        for action in (self.send_action, self.attach_action, self.save_action):
            bar.addAction(action)
        bar.addSeparator()
        bar.addAction(self.plain_action)
        bar.addSeparator()
        text_edit = self.editor.text_edit
        self.spelling_button = SpellingButton(text_edit.spelling, text_edit.checker, parent=bar)
        bar.addWidget(self.spelling_button)
        send_button = bar.widgetForAction(self.send_action)
        if send_button is not None:
            send_button.setStyleSheet("QToolButton { font-weight: bold; padding: 3px 14px; }")

    # -- loading -------------------------------------------------------------------------------------------

    def _load_seed(self, seed: ComposeSeed) -> None:
        self.header.to_field.set_addresses(seed.to)
        if seed.cc:
            self.header.cc_field.set_addresses(seed.cc)
            self.header.show_field("cc", True)
        if seed.bcc:
            self.header.bcc_field.set_addresses(seed.bcc)
            self.header.show_field("bcc", True)
        self.header.subject_field.setText(seed.subject)
        self._draft = Draft(
            id=self._draft.id,
            account_id=self._draft.account_id,
            in_reply_to=seed.in_reply_to,
            references=tuple(seed.references),
            answered=seed.answered,
        )
        # Below the quote (as the Preferences may ask), the person writes at the end and the signature follows.
        below = seed.body_is_quote and self.settings.reply_below and bool(seed.body_text or seed.body_html)
        self._signature_at_end = (bool(seed.body_text or seed.body_html) and not seed.body_is_quote) or below
        plain = not self.settings.html_by_default
        if plain:
            self.editor.set_plain_only(True)
            self.plain_action.setChecked(True)
            if below:
                self.editor.set_text(seed.body_text.rstrip("\n") + "\n\n")
            else:
                self.editor.set_text("\n" + seed.body_text if seed.body_is_quote else seed.body_text)
        else:
            self.editor.set_html(seed.body_html)
            if below:
                cursor = QTextCursor(self.editor.text_edit.document())
                cursor.movePosition(QTextCursor.MoveOperation.End)
                cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            elif seed.body_html and seed.body_is_quote:
                # An empty first line to write on, above the quote or the forwarded text.
                cursor = QTextCursor(self.editor.text_edit.document())
                cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
                cursor.movePosition(QTextCursor.MoveOperation.Start)
                cursor.setBlockFormat(QTextBlockFormat())
                cursor.setBlockCharFormat(QTextCharFormat())
        self._insert_signature()
        self.add_attachments([Attachment(name, data, ctype) for name, ctype, data in seed.attachments])
        if not seed.to:
            self.header.to_field.setFocus()
        elif below:
            self._focus_above_signature()
        else:
            self.editor.focus_start()

    def _focus_above_signature(self) -> None:
        """The cursor on the last line before the signature (where a reply below the quote is written)."""
        document = self.editor.text_edit.document()
        block = document.lastBlock()
        while block.isValid() and block.blockFormat().hasProperty(SIGNATURE_PROPERTY):
            block = block.previous()
        cursor = QTextCursor(block if block.isValid() else document.lastBlock())
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
        self.editor.text_edit.setTextCursor(cursor)
        self.editor.text_edit.setFocus()

    def _load_draft(self, draft: Draft) -> None:
        sender = draft.sender.rsplit("<", 1)[-1].rstrip(">").strip() if draft.sender else None
        self.header.select_sender(draft.account_id or None, sender)
        self.header.to_field.setText(draft.to)
        for key, text in (("cc", draft.cc), ("bcc", draft.bcc)):
            if text.strip():
                (self.header.cc_field if key == "cc" else self.header.bcc_field).setText(text)
                self.header.show_field(key, True)
        self.header.subject_field.setText(draft.subject)
        if draft.plain_only:
            self.editor.set_plain_only(True)
            self.plain_action.setChecked(True)
            self.editor.set_text(draft.text)
        else:
            self.editor.set_html(draft.html)
        loaded = []
        for item in draft.attachments:
            data = self.postbox.drafts.blob(item.sha256)
            if data is None:
                self.notice.show_message(
                    QCoreApplication.translate(
                        "ComposerWindow", "The attachment “{name}” of this draft could not be found."
                    ).format(name=item.name)
                )
                continue
            attachment = Attachment(item.name, data, item.content_type)
            self.writer.know(attachment, item.sha256)
            loaded.append(attachment)
        self.attachment_list.add(loaded)
        for field in self.header.address_fields():
            field.check()
        self.editor.focus_start()

    # -- signature -----------------------------------------------------------------------------------------

    def _signature_text(self) -> str:
        sender = self.header.sender
        signature = (sender.identity.signature if sender else "").strip("\n")
        if not signature:
            return ""
        return signature if signature.startswith("-- ") or signature.startswith("--\n") else "-- \n" + signature

    def _insert_signature(self) -> None:
        """Put the identity's signature after the first (empty) line, above any quote; replace a previous one."""
        document = self.editor.text_edit.document()
        cursor = QTextCursor(document)
        cursor.beginEditBlock()
        block = document.begin()
        while block.isValid():
            following = block.next()
            if block.blockFormat().hasProperty(SIGNATURE_PROPERTY):
                remover = QTextCursor(block)
                remover.select(QTextCursor.SelectionType.BlockUnderCursor)
                remover.removeSelectedText()
                if block == document.begin():
                    remover.deleteChar()
            block = following
        text = self._signature_text()
        if text:
            if self._signature_at_end:
                cursor.movePosition(QTextCursor.MoveOperation.End)
            else:
                cursor.movePosition(QTextCursor.MoveOperation.Start)
                cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
            plain_format = QTextBlockFormat()
            plain_format.setProperty(SIGNATURE_PROPERTY, True)
            cursor.insertBlock(plain_format)  # one empty line between the text and the signature
            for line in text.split("\n"):
                cursor.insertBlock(plain_format)
                cursor.insertText(line)
            if not cursor.atEnd():
                cursor.insertBlock(plain_format)  # and one between the signature and the quote below it
        cursor.endEditBlock()

    def _spell_for_sender(self) -> None:
        sender = self.header.sender
        self.spelling_button.for_sender(sender.identity.address if sender else "")

    def _sender_changed(self) -> None:
        if self._loading:
            return
        self._spell_for_sender()
        self._insert_signature()
        self._update_size_warning()
        self._touched()

    # -- attachments ---------------------------------------------------------------------------------------

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, QCoreApplication.translate("ComposerWindow", "Attach files"), str(Path.home())
        )
        if paths:
            self.add_files(paths)

    def add_files(self, paths: list[str]) -> None:
        """Attach files. They are read in the pool (a 25 MB file read on the GUI thread freezes the window); they
        join the list in the order they were given, and ``attachmentsRead`` is emitted once each call's files are
        in (refused ones are explained). Send waits for files still being read."""
        operation = runner().submit(Operation(lambda _operation: load_paths(paths), name="read attachments"),
                                    priority=INTERACTIVE)
        self._reading.append(operation)
        operation.finished.connect(lambda result: self._files_read(operation, result))
        operation.failed.connect(
            lambda exc: self._files_read(operation, ([], [AttachError(path, str(exc)) for path in paths])))

    @property
    def reading_attachments(self) -> bool:
        """Files given to :meth:`add_files` are still being read."""
        return bool(self._reading)

    def _files_read(self, operation: Operation, result: tuple[list[Attachment], list[AttachError]]) -> None:
        if not isValid(self):
            return  # the composer was closed (and deleted) while its files were read
        self._read_results[operation] = result
        while self._reading and self._reading[0] in self._read_results:
            loaded, errors = self._read_results.pop(self._reading.pop(0))
            self._add_loaded(loaded, errors)
            self.attachmentsRead.emit()
        if not self._reading and self._send_when_read:
            self._send_when_read = False
            self.send()

    def _add_loaded(self, loaded: list[Attachment], errors: list[AttachError]) -> None:
        self.add_attachments(loaded)
        if errors:
            lines = [
                QCoreApplication.translate("ComposerWindow", "“{name}” was not attached: {reason}.").format(
                    name=Path(e.path).name or e.path, reason=e.reason
                )
                for e in errors
            ]
            self.notice.show_message("\n".join(lines), "error")

    def add_attachments(self, attachments: list[Attachment]) -> None:
        if attachments:
            self.attachment_list.add(attachments)

    def add_from_mime(self, mime: object) -> None:
        from PySide6.QtCore import QMimeData

        if isinstance(mime, QMimeData):
            paths = local_paths(mime)
            if paths:
                self.add_files(paths)
            self.add_attachments(attachments_from_mime(mime))

    def _attachments_changed(self) -> None:
        items = self.attachment_list.attachments()
        self.attachment_pane.setVisible(bool(items))
        total = self.attachment_list.total_size()
        self.attachment_summary.setText(
            QCoreApplication.translate("ComposerWindow", "%n attachment(s), %1 in all", None, len(items)).replace(
                "%1", data_size(total)
            )
        )
        self._update_size_warning()
        self._touched()

    def size_limit(self) -> int:
        sender = self.header.sender
        return self.postbox.size_limit(sender.account if sender else None)

    def estimated_size(self) -> int:
        return encoded_size(self.attachment_list.total_size()) + 2 * len(self.editor.text_edit.toPlainText()) + 2000

    def over_limit(self) -> bool:
        return self.estimated_size() > self.size_limit()

    def _update_size_warning(self) -> None:
        limit, size = self.size_limit(), self.estimated_size()
        if size > limit:
            self.notice.show_message(
                QCoreApplication.translate(
                    "ComposerWindow",
                    "This message would be about {size}, over the {limit} this account accepts: "
                    "remove attachments, or share big files by link.",
                ).format(size=data_size(size), limit=data_size(limit)),
                "error",
            )
        elif size > limit * 0.8:
            self.notice.show_message(
                QCoreApplication.translate(
                    "ComposerWindow", "This message is about {size}, close to the {limit} this account accepts."
                ).format(size=data_size(size), limit=data_size(limit)),
                "warning",
            )
        elif self.notice.property("size"):
            self.notice.hide()  # the size warning no longer applies
        self.notice.setProperty("size", size > limit * 0.8)

    # -- drops on the window itself --------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if carries_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        if carries_files(event.mimeData()):
            event.acceptProposedAction()
            self.add_from_mime(event.mimeData())
        else:
            super().dropEvent(event)

    # -- state ---------------------------------------------------------------------------------------------

    @property
    def draft_id(self) -> str:
        return self._draft.id

    def _touched(self) -> None:
        if self._loading:
            return
        self._dirty = True
        self._server_dirty = True
        self._saved = False
        self._ever_touched = True
        self._update_title()

    def _update_title(self) -> None:
        subject = self.header.subject_field.text().strip()
        self.setWindowTitle(
            QCoreApplication.translate("ComposerWindow", "{subject} — Write").format(subject=subject)
            if subject
            else QCoreApplication.translate("ComposerWindow", "New message")
        )

    def _plain_toggled(self, plain: bool) -> None:
        if self._loading:
            return
        self.editor.set_plain_only(plain)

    def composition(self) -> Composition:
        sender = self.header.sender
        if sender is None:
            raise MessageError(
                QCoreApplication.translate("ComposerWindow", "Set up an account before writing a message.")
            )
        return Composition(
            sender_name=sender.identity.name,
            sender_address=sender.identity.address,
            to=self.header.to_field.addresses(),
            cc=self.header.cc_field.addresses(),
            bcc=self.header.bcc_field.addresses(),
            subject=" ".join(self.header.subject_field.text().split()),
            text=self.editor.text(),
            html=self.editor.html(),
            attachments=self.attachment_list.attachments(),
            in_reply_to=self._draft.in_reply_to,
            references=self._draft.references,
            draft_id=self._draft.id,
        )

    def current_draft(self) -> Draft:
        """The draft as it stands, without its attachments (:meth:`attachments` has them; their bytes are stored
        by the writer, off the GUI thread)."""
        sender = self.header.sender
        return Draft(
            id=self._draft.id,
            account_id=sender.account.id if sender else self._draft.account_id,
            sender=format_address(sender.identity.name, sender.identity.address) if sender else "",
            to=self.header.to_field.text(),
            cc=self.header.cc_field.text(),
            bcc=self.header.bcc_field.text(),
            subject=self.header.subject_field.text(),
            html="" if self.editor.plain_only else self.editor.editor_html(),
            text=self.editor.text(),
            plain_only=self.editor.plain_only,
            in_reply_to=self._draft.in_reply_to,
            references=self._draft.references,
            answered=self._draft.answered,
            spell_language=self.spelling_button.language,
            server_message_id=self._draft.server_message_id,
        )

    def attachments(self) -> list[Attachment]:
        return self.attachment_list.attachments()

    def is_empty(self) -> bool:
        return self.current_draft().is_empty and not self.attachments()

    # -- drafts --------------------------------------------------------------------------------------------

    def autosave(self, then: Callable[[Any], None] | None = None) -> bool:
        """Save locally if anything changed since the last save (every few seconds, and before risky moments); the
        write runs off the GUI thread, ``draftSaved`` says when it is on disk. False if there was nothing to save."""
        if not self._dirty or self._finished:
            return False
        self._dirty = False
        self.writer.save(self.current_draft(), self.attachments(), then=then)
        return True

    def _draft_written(self, draft: Draft) -> None:
        self.draftSaved.emit(draft.id)
        if self._announce_save:
            self._announce_save = False
            self.statusBar().showMessage(QCoreApplication.translate("ComposerWindow", "Draft saved"), 4000)

    def save_to_server(self) -> None:
        """Replace the copy in the server's Drafts folder, if the draft changed since the last one. The message is
        built by the send worker, off the GUI thread, on a connection it keeps."""
        if not self._server_dirty or self._finished:
            return
        self.autosave()
        if self.is_empty():
            return
        self._server_dirty = False
        try:
            composition = self.composition()
        except MessageError:
            return
        self.postbox.save_server_draft(self.current_draft_account(), self._draft.id, composition,
                                       replaces=self._continues())

    def save_now(self) -> None:
        """Ctrl+S: save here and on the server now; the status bar says so once it is on disk."""
        self._dirty = self._server_dirty = True
        self._announce_save = True
        self.save_to_server()
        self._saved = True

    def keep_as_draft_and_close(self) -> None:
        """Keep the draft and close once it is on disk (the composer stays, disabled, until then)."""
        self._keep(then=self._finish)

    def discard(self) -> None:
        self._discard()
        self._finish()

    def _keep(self, then: Callable[[], None] | None = None) -> None:
        self.save_now()
        self._stop()
        self._busy(True)
        self.writer.save(self.current_draft(), self.attachments(), state="saved",
                         then=lambda _draft: then() if then is not None else None,
                         failed=self._keep_failed)

    def _keep_failed(self, exc: BaseException) -> None:
        self._busy(False)
        self._finished = False
        self._autosave.start()
        self.notice.show_message(
            QCoreApplication.translate("ComposerWindow", "The draft could not be saved: {reason}").format(
                reason=str(exc)), "error")

    def _discard(self) -> None:
        self.postbox.discard_draft(self.current_draft_account(), self._draft.id, replaces=self._continues())
        self._stop()

    def _continues(self) -> tuple[str, ...]:
        """The Message-ID of the other client's server draft this one continues, replaced when it is saved."""
        return (self._draft.server_message_id,) if self._draft.server_message_id else ()

    def current_draft_account(self) -> str:
        sender = self.header.sender
        return sender.account.id if sender else self._draft.account_id

    def _stop(self) -> None:
        self._finished = True
        self._autosave.stop()
        self._server_save.stop()

    def _finish(self) -> None:
        self._stop()
        self.close()

    def _busy(self, busy: bool) -> None:
        """While the last write is made: nothing can be changed (and the window says why)."""
        self.centralWidget().setEnabled(not busy)
        for action in (self.send_action, self.attach_action, self.save_action, self.plain_action):
            action.setEnabled(not busy)

    def close_for_quit(self) -> None:
        """Facteur is quitting: keep the draft as it stands, unasked, written before this returns; the next start
        offers it back."""
        self.autosave()
        self.writer.flush()
        self._finish()

    # -- sending -------------------------------------------------------------------------------------------

    def ask(self, title: str, question: str) -> bool:
        """A yes/no question before sending (tests replace this)."""
        answer = QMessageBox.question(self, title, question)
        return answer == QMessageBox.StandardButton.Yes

    def problems(self) -> list[str]:
        """What stops this message from being sent, in words."""
        found = []
        for label, field in (
            (QCoreApplication.translate("ComposerWindow", "To"), self.header.to_field),
            (QCoreApplication.translate("ComposerWindow", "Cc"), self.header.cc_field),
            (QCoreApplication.translate("ComposerWindow", "Bcc"), self.header.bcc_field),
        ):
            bad = field.invalid()
            field.check()
            if bad:
                found.append(
                    QCoreApplication.translate("ComposerWindow", "{field}: not an e-mail address: {entries}").format(
                        field=label, entries=", ".join(bad)
                    )
                )
        if not any(f.addresses() for f in self.header.address_fields()):
            found.append(QCoreApplication.translate("ComposerWindow", "Add at least one recipient."))
        if self.over_limit():
            found.append(
                QCoreApplication.translate(
                    "ComposerWindow", "The message is too large for this account ({size}, at most {limit})."
                ).format(size=data_size(self.estimated_size()), limit=data_size(self.size_limit()))
            )
        return found

    def send(self) -> bool:
        """Queue the message in the Outbox and close; False (with the reason shown) if it cannot be sent yet.

        The message is built and written to the Outbox off the GUI thread; the composer stays open, disabled, until
        the Outbox holds it durably (``queuedForSending``), then closes. Should Facteur die in between, the draft is
        on disk (saved first, in the same step) and offered back at the next start."""
        if self._sending:
            return False
        if self._reading:
            # Files the person attached are still being read: sent once they are in (or refused, and said why).
            self._send_when_read = True
            self.statusBar().showMessage(QCoreApplication.translate("ComposerWindow", "Sending…"))
            return True
        problems = self.problems()
        if problems:
            self.notice.show_message("\n".join(problems), "error")
            return False
        if not self.header.subject_field.text().strip() and not self.ask(
            QCoreApplication.translate("ComposerWindow", "No subject"),
            QCoreApplication.translate("ComposerWindow", "This message has no subject. Send it anyway?"),
        ):
            self.header.subject_field.setFocus()
            return False
        if (
            not self.attachment_list.attachments()
            and _ATTACHMENT_WORDS.search(self._own_text())
            and not self.ask(
                QCoreApplication.translate("ComposerWindow", "Forgotten attachment?"),
                QCoreApplication.translate(
                    "ComposerWindow", "The message mentions an attachment, but has none. Send anyway?"
                ),
            )
        ):
            return False
        try:
            composition = self.composition()
        except MessageError as exc:
            self.notice.show_message(str(exc), "error")
            return False
        self._sending = True
        self._stop()
        self._busy(True)
        self.statusBar().showMessage(QCoreApplication.translate("ComposerWindow", "Sending…"))
        self.postbox.send(self.writer, self.current_draft(), self.attachments(), composition,
                          then=self._queued, failed=self._not_queued)
        return True

    def _queued(self, entry_id: str) -> None:
        self.queuedForSending.emit(entry_id)
        self.close()

    def _not_queued(self, exc: BaseException) -> None:
        """The message could not be built or queued: the composer is the person's again, with the reason."""
        self._sending = False
        self._finished = False
        self._busy(False)
        self.statusBar().clearMessage()
        self._autosave.start()
        self._server_save.start()
        self.notice.show_message(str(exc), "error")

    def _own_text(self) -> str:
        """What the person wrote: the text above the signature and the quote."""
        lines = []
        for line in self.editor.text().split("\n"):
            if line.startswith(">") or line.strip() in ("--", "-- "):
                break
            lines.append(line)
        return "\n".join(lines)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._placed:
            self._placed = True
            self._fit_on_screen()

    def _fit_on_screen(self) -> None:
        """The whole window, title bar included, on the screen it opens on (a small screen shrinks it)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        available = screen.availableGeometry()
        frame = self.frameGeometry()
        extra_w, extra_h = frame.width() - self.width(), frame.height() - self.height()
        self.resize(min(self.width(), available.width() - extra_w), min(self.height(), available.height() - extra_h))
        frame = self.frameGeometry()
        left = min(max(frame.left(), available.left()), available.right() - frame.width() + 1)
        top = min(max(frame.top(), available.top()), available.bottom() - frame.height() + 1)
        self.move(max(left, available.left()), max(top, available.top()))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self._decide_close(event)
        if event.isAccepted():
            self.closed.emit()

    def _decide_close(self, event: QCloseEvent) -> None:
        if self._finished:
            event.accept()  # what is still being written (a discard, a mark) is finished by the Postbox's writer
            return
        if (not self._ever_touched and self._from_storage) or self._saved:
            self._stop()
            self.writer.run(lambda drafts, _saved: drafts.mark_saved(self._draft.id))  # reopened, left as it was
            event.accept()
            return
        if not self._ever_touched or self.is_empty():
            self._discard()
            event.accept()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            QCoreApplication.translate("ComposerWindow", "Save this message?"),
            QCoreApplication.translate("ComposerWindow", "Keep this message as a draft to finish it later?"),
            parent=self,
        )
        save = box.addButton(
            QCoreApplication.translate("ComposerWindow", "Save draft"), QMessageBox.ButtonRole.AcceptRole
        )
        discard = box.addButton(
            QCoreApplication.translate("ComposerWindow", "Discard"), QMessageBox.ButtonRole.DestructiveRole
        )
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked is save:
            # Closed once the draft is on disk (a moment: its attachments were stored by the autosaves).
            self._keep(then=self.close)
            event.ignore()
        elif clicked is discard:
            self._discard()
            event.accept()
        else:
            event.ignore()
