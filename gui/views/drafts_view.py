"""The Drafts page: an account's Drafts folder, or Local Folders › Drafts (drafts of no account with a Drafts
folder), as one list of drafts — those kept here and the copies on the server, each draft once. Enter, a
double-click or Edit opens it in the composer; Delete removes it here and on the server."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from connectors.outbox import Draft
from connectors.store import MessageSummary, StoreError

from ..models.drafts_list import DraftRow, DraftsListModel, merge_drafts
from ..workers.account_session import AccountSession
from ..workers.bodies import with_whole_message
from ..workers.operation import Operation
from ..workers.runner import runner

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

SERVER_ROWS = 5000  # a Drafts folder holds a few hundred at most; past this the oldest are not listed


class DraftsView(QWidget):
    failed = Signal(str, str)  # title, text: a server draft could not be downloaded

    def __init__(self, postbox: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("localDrafts")
        self._postbox = postbox
        self._account_id: str | None = None
        self._session: AccountSession | None = None
        self._folder = ""
        self._homed: Callable[[], Collection[str]] = lambda: ()
        self.model = DraftsListModel(self)
        self.view = QTreeView(self)
        self.view.setObjectName("localDraftList")
        self.view.setAccessibleName(translate("LocalDraftsView", "Drafts"))
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setModel(self.model)
        header = self.view.header()
        header.setSectionResizeMode(DraftsListModel.SUBJECT, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.resizeSection(DraftsListModel.TO, 220)
        header.resizeSection(DraftsListModel.STATE, 260)
        self.view.activated.connect(self.open_row)
        self.empty_label = QLabel(translate("LocalDraftsView", "No drafts"), self)
        self.empty_label.setStyleSheet("color: palette(mid); padding: 4px 8px;")
        self.open_button = QPushButton(translate("LocalDraftsView", "Edit"), self)
        self.open_button.setToolTip(translate("LocalDraftsView", "Open the draft in the composer (Enter)"))
        self.delete_button = QPushButton(translate("LocalDraftsView", "Delete"), self)
        self.open_button.clicked.connect(lambda: self.open_row(self.view.currentIndex()))
        self.delete_button.clicked.connect(self._delete)
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty_label)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.model.rowsRemoved.connect(self._update_buttons)
        self._update_buttons()

    # -- what it lists -------------------------------------------------------------------------------------

    def show_account(self, session: AccountSession, folder: str) -> None:
        """List the account's drafts: its Drafts folder's messages with the drafts kept here for it."""
        if (self._account_id, self._folder) != (session.account_id, folder):
            self.model.set_rows([])
        self._account_id, self._session, self._folder = session.account_id, session, folder
        self.refresh()

    def show_local(self, homed: Callable[[], Collection[str]]) -> None:
        """List the drafts kept here for no account with a Drafts folder (``homed()`` names those accounts)."""
        if self._account_id is not None:
            self.model.set_rows([])
        self._account_id, self._session, self._folder, self._homed = None, None, "", homed
        self.refresh()

    @property
    def account_id(self) -> str | None:
        return self._account_id

    @property
    def folder(self) -> str:
        return self._folder

    def refresh(self) -> None:
        """Read the list again, off the GUI thread (a newer refresh supersedes one that has not run)."""
        postbox = self._postbox
        if postbox.closed:
            return
        drafts = postbox.drafts
        account_id, session, folder = self._account_id, self._session, self._folder
        homed = set(self._homed()) if account_id is None else set()

        def belongs(draft: Draft) -> bool:
            return draft.account_id == account_id if account_id is not None else draft.account_id not in homed

        def read(_op: Operation) -> list[DraftRow]:
            if drafts.closed:
                return []
            editing = drafts.drafts(state="editing")
            local = [d for d in [*drafts.drafts(state="saved"), *editing] if belongs(d) and not d.is_empty]
            server: list[MessageSummary] = []
            if session is not None and folder:
                try:
                    with session.readers.reader() as reader:
                        server = reader.summaries(folder, limit=SERVER_ROWS)
                except StoreError:
                    server = []  # the store is being rebuilt: what is kept here is still listed
            return merge_drafts(account_id or "", local, drafts.server_copies(), server,
                                writing={d.id for d in editing}, sending=set(drafts.draft_ids("queued")))

        def loaded(rows: list[DraftRow]) -> None:
            if (self._account_id, self._folder) == (account_id, folder):
                self._set_rows(rows)

        op = Operation(read, name="list drafts")
        op.finished.connect(loaded)
        runner().submit(op, key=("drafts list", id(self)))

    def _set_rows(self, rows: list[DraftRow]) -> None:
        current = self.model.row(self.view.currentIndex().row())
        self.model.set_rows(rows)
        if current is not None:
            for number, row in enumerate(rows):
                if row.draft_id == current.draft_id:
                    self.view.setCurrentIndex(self.model.index(number, 0))
                    break
        if not self.view.currentIndex().isValid() and rows:
            self.view.setCurrentIndex(self.model.index(0, 0))

    def _update_buttons(self, *_args: object) -> None:
        has_rows = self.model.rowCount() > 0
        self.open_button.setEnabled(has_rows)
        self.delete_button.setEnabled(has_rows)
        self.empty_label.setVisible(not has_rows)

    # -- acting on a draft ---------------------------------------------------------------------------------

    def open_row(self, index: QModelIndex) -> None:
        """Open the draft in the composer: the one kept here, or the server's copy when only the server has it or
        another client changed it since."""
        row = self.model.row(index.row()) if index.isValid() else None
        if row is None:
            return
        postbox = self._postbox
        if row.local is not None and (not row.elsewhere or postbox.composer_for(row.draft_id) is not None):
            postbox.open_draft(row.draft_id, parent=self.window())
            self.refresh()
            return
        session, folder = self._session, self._folder
        if session is None or row.server_uid is None:
            return
        title = translate("LocalDraftsView", "Could not download the draft")
        with_whole_message(session, folder, row.server_uid,
                           lambda raw: postbox.server_drafts.open_message(session.account_id, raw,
                                                                          parent=self.window()),
                           lambda exc: self.failed.emit(title, str(exc)))

    def _delete(self) -> None:
        row = self.model.row(self.view.currentIndex().row())
        if row is None:
            return
        answer = QMessageBox.question(self, translate("LocalDraftsView", "Delete Draft"),
                                      translate("LocalDraftsView", "Delete the draft “%1”?").replace(
                                          "%1", row.subject or translate("LocalDraftsView", "(no subject)")))
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_row(row)

    def delete_row(self, row: DraftRow) -> None:
        """Remove the draft here and every copy of it on the server (the other client's too)."""
        continued = row.local.server_message_id if row.local is not None else ""
        foreign = row.server_message_id if row.server_message_id and row.draft_id.startswith("mid-") else ""
        replaces = tuple(dict.fromkeys(m for m in (continued, foreign) if m))
        account_id = row.account_id or (row.local.account_id if row.local is not None else "")
        self._postbox.discard_draft(account_id, row.draft_id, replaces=replaces)
        self.model.remove(row.draft_id)
