"""Local Folders in the main window — the Outbox and local drafts — and the way to the composer.

Both live in the composer's :class:`gui.composer.Postbox` (one per application); this module shows them as
pages of the window, keeps their counts in the mailbox tree, and turns the window's New / Reply / Forward into
Postbox calls with the original message's raw bytes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Slot
from PySide6.QtWidgets import QStackedWidget

from connectors.messaging.mime import header_block

from ..errors import describe_error
from ..workers.account_session import AccountSession
from ..workers.bodies import with_whole_message
from ..workers.operation import Operation
from ..workers.runner import BACKGROUND, runner
from .drafts_view import DraftsView
from .send_failures import SendFailures

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

if TYPE_CHECKING:
    from ..main_window import MainWindow

log = logging.getLogger(__name__)
OUTBOX, DRAFTS = "outbox", "drafts"
Selected = tuple[AccountSession, str, int] | None
FORWARD_AT_MOST = 50  # messages forwarded together as attachments


class LocalFolders(QObject):
    def __init__(self, window: MainWindow, postbox: Any = None) -> None:
        super().__init__(window)
        self._window = window
        from .. import composer

        self._composer = composer
        self.postbox = postbox if postbox is not None else composer.current_postbox(window.accounts)
        composer.install_postbox(self.postbox)
        self.outbox_view = composer.OutboxView(self.postbox, window)
        self.outbox_view.setObjectName("outboxView")
        self.drafts_view = DraftsView(self.postbox, window)
        self.drafts_view.failed.connect(lambda title, text: window.notify("error", title, text))
        worker = self.postbox.worker
        for signal in (worker.stateChanged, worker.draftSaved, worker.draftSaveFailed,
                       self.postbox.server_drafts.changed):
            signal.connect(self._changed)
        self.failures = SendFailures(self.postbox, window.notifications, window.notifier.announce, self)
        # A copy went up or was removed: the account's Drafts folder is read again, so the list shows the server.
        # Bound methods of this QObject: the worker's signals come from its thread and are queued to this one.
        worker.draftUploaded.connect(self._draft_uploaded)
        worker.draftDeleted.connect(self._draft_deleted)
        for relayed in (window.relay.messagesAdded, window.relay.messagesRemoved, window.relay.messagesChanged):
            relayed.connect(self._folder_changed)
        window.relay.folderReset.connect(self._folder_changed)
        self.postbox.composerOpened.connect(self._watch_composer)
        self.postbox.messageQueued.connect(self._changed)
        self.postbox.messageQueued.connect(self._remember_recipients)
        # Completion asks the stores through the window's own read handles, whatever accounts come and go.
        self.postbox.address_book.set_readers(lambda: [session.reader for session in window.sessions.values()])
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(100)
        self._counts_timer.timeout.connect(self.refresh_counts)
        self._tell_salvaged()

    def _tell_salvaged(self) -> None:
        """A Local Folders file found unusable at start-up was kept aside and salvaged: say where it is and what
        came back, once."""
        salvaged, self.postbox.salvaged = list(getattr(self.postbox, "salvaged", [])), []
        for kind, report in salvaged:
            if kind == "outbox":
                title = translate("LocalFolders", "The Outbox file was damaged")
                back = translate("LocalFolders", "Messages read from it and put back in the Outbox, not sent: %1. "
                                 "Check each one, then send it again.") if report.recovered else "" if report.lost \
                    else translate("LocalFolders", "No message in the Outbox could be read from it.")
            else:
                title = translate("LocalFolders", "The local drafts file was damaged")
                back = translate("LocalFolders", "Drafts read from it and put back in Local Drafts: %1.") \
                    if report.recovered else translate("LocalFolders", "No draft could be read from it.")
            parts = [translate("LocalFolders", "Facteur kept it as %1 and started a new one.").replace(
                "%1", str(report.moved_aside))]
            if back:
                parts.append(back.replace("%1", str(report.recovered)))
            lost = getattr(report, "lost", [])
            if lost:
                names = ", ".join(f"“{subject or translate('LocalFolders', '(no subject)')}”" for subject in lost[:5])
                parts.append(translate("LocalFolders", "Messages that could not be read and were not sent: %1.")
                             .replace("%1", names + (", …" if len(lost) > 5 else "")))
                if report.drafts_kept:
                    parts.append(translate("LocalFolders", "Rebuilt as drafts from what you wrote, in Local Drafts: "
                                           "%1.").replace("%1", str(report.drafts_kept)))
            if report.saved_files:
                parts.append(translate("LocalFolders", "Messages that could only be saved as files: %1, in %2.")
                             .replace("%1", str(len(report.saved_files)))
                             .replace("%2", str(report.saved_files[0].parent)))
            if report.incomplete:
                parts.append(translate("LocalFolders", "Part of the file could not be read."))
            self._window.notify("warning", title, " ".join(parts))

    def _remember_recipients(self, entry_id: str) -> None:
        """Whoever the person just wrote to is offered by address completion from now on. The entry (a message of
        up to 25 MB) is not read: the start of its bytes is, in the pool, and its header block parsed there."""
        outbox = self.postbox.outbox

        def read(_operation: Operation) -> tuple[str, list[tuple[str, str]]] | None:
            head = outbox.head(entry_id)
            return None if head is None else (head[0], recipients_of(head[1]))

        def arrived(result: tuple[str, list[tuple[str, str]]] | None) -> None:
            session = self._window.sessions.get(result[0]) if result is not None else None
            if result is not None and session is not None and result[1]:
                session.note_written_to(result[1])

        operation = runner().submit(Operation(read, name="remember recipients"), priority=BACKGROUND)
        operation.finished.connect(arrived)

    def add_pages(self, pages: QStackedWidget) -> None:
        pages.addWidget(self.outbox_view)
        pages.addWidget(self.drafts_view)

    def start(self) -> None:
        self.postbox.start()
        self.failures.show_waiting()

    def show_page(self, name: str) -> None:
        if name == DRAFTS:
            self.drafts_view.show_local(self._homed)
            self._window.pages.setCurrentWidget(self.drafts_view)
        else:
            self.outbox_view.model.refresh()
            self._window.pages.setCurrentWidget(self.outbox_view)

    # -- drafts in one place ---------------------------------------------------------------------------------

    def _drafts_folder(self, account_id: str) -> str | None:
        session = self._window.sessions.get(account_id)
        if session is None:
            return None
        return next((f.name for f in session.reader.folders() if f.special_use == "drafts"), None)

    def _homed(self) -> list[str]:
        """The accounts whose drafts are listed in their own Drafts folder (the others' in Local Folders)."""
        return [account_id for account_id in self._window.sessions if self._drafts_folder(account_id)]

    def show_account_drafts(self, session: AccountSession, folder: str) -> None:
        """An account's Drafts folder: its drafts, kept here or on the server, as one list."""
        self.drafts_view.show_account(session, folder)
        self._window.pages.setCurrentWidget(self.drafts_view)

    def showing_drafts(self) -> bool:
        return self._window.pages.currentWidget() is self.drafts_view

    def account_online(self, account_id: str) -> None:
        """Drafts saved here while the account was away go up now."""
        if not self.postbox.closed:
            self.postbox.server_drafts.upload_pending(account_id)

    @Slot(str, str, object, float)
    def _draft_uploaded(self, account_id: str, _draft_id: str, _uid: object, _asked: float) -> None:
        self._sync_drafts_folder(account_id)

    @Slot(str, str)
    def _draft_deleted(self, account_id: str, _draft_id: str) -> None:
        self._sync_drafts_folder(account_id)

    def _sync_drafts_folder(self, account_id: str) -> None:
        session, folder = self._window.sessions.get(account_id), self._drafts_folder(account_id)
        if session is not None and folder and session.synced_once:
            session.sync_folder(folder)
        self._changed()

    def _folder_changed(self, account_id: str, folder: str, *_rest: object) -> None:
        if (account_id, folder) == (self.drafts_view.account_id, self.drafts_view.folder):
            self._changed()

    def _changed(self, *_args: object) -> None:
        self._counts_timer.start()

    def _watch_composer(self, composer_window: Any) -> None:
        closed = getattr(composer_window, "closed", None)
        if closed is not None:
            closed.connect(self._changed)

    def refresh_counts(self) -> None:
        if self.postbox.closed:
            return  # quitting
        waiting = [entry for entry in self.postbox.outbox.entries(with_raw=False) if entry.state != "sent"]
        failed = sum(1 for entry in waiting if entry.state == "failed")
        homed = set(self._homed())
        drafts = [draft for draft in self.postbox.local_drafts() if draft.account_id not in homed]
        self._window.tree_model.set_local_folders([
            (OUTBOX, translate("LocalFolders", "Outbox"), len(waiting), len(waiting), failed),
            (DRAFTS, translate("LocalFolders", "Drafts"), 0, len(drafts)),
        ])
        if self.showing_drafts():
            self.drafts_view.refresh()

    # -- writing -----------------------------------------------------------------------------------------------

    def compose(self, to: list[str] | None = None) -> Any:
        account_id = self._window.location[0] if self._window.location[0] in self._window.sessions else None
        return self.postbox.open_composer(account_id, to=to or [], parent=None)

    def open_mailto(self, url: str) -> Any:
        return self.postbox.open_mailto(url, parent=None)

    def reply(self, selected: Selected, *, reply_all: bool) -> None:
        self._with_raw(selected, lambda session, folder, uid, raw: self.postbox.reply(
            session.account, raw, folder, uid, reply_all, parent=None))

    def forward(self, selected: Selected) -> None:
        self._with_raw(selected, lambda session, _folder, _uid, raw: self.postbox.forward(
            session.account, raw, False, parent=None))

    def forward_attached(self, session: AccountSession, folder: str, uids: Sequence[int]) -> None:
        """Forward the selected messages together, each attached whole, once every one of them is at hand."""
        wanted = list(dict.fromkeys(uids))[:FORWARD_AT_MOST]
        if len(uids) > FORWARD_AT_MOST:
            self._window.notify("info", translate("LocalFolders", "Forwarding the first %1 messages")
                                .replace("%1", str(FORWARD_AT_MOST)),
                                translate("LocalFolders", "More would make a message too large to send."))
        arrived: dict[int, bytes] = {}
        failed: list[BaseException] = []

        def got(uid: int, raw: bytes) -> None:
            arrived[uid] = raw
            if len(arrived) == len(wanted) and not failed:
                self.postbox.forward_attached(session.account, [arrived[u] for u in wanted], parent=None)

        def lost(exc: BaseException) -> None:
            if not failed:
                self._window.notify("error", translate("LocalFolders", "Could not download the message"),
                                    describe_error(exc).text)
            failed.append(exc)

        for uid in wanted:
            with_whole_message(session, folder, uid, lambda raw, uid=uid: got(uid, raw), lost)

    def reply_to_raw(self, key: tuple[str, str, int]) -> Callable[[bytes, bool], None] | None:
        session = self._window.sessions.get(key[0])
        if session is None:
            return None
        return lambda raw, reply_all: self.postbox.reply(session.account, raw, key[1], key[2], reply_all,
                                                         parent=None)

    def forward_raw(self, key: tuple[str, str, int]) -> Callable[[bytes], None] | None:
        session = self._window.sessions.get(key[0])
        if session is None:
            return None
        return lambda raw: self.postbox.forward(session.account, raw, False, parent=None)

    def _with_raw(self, selected: Selected, then: Callable[[AccountSession, str, int, bytes], Any]) -> None:
        """Run ``then`` with the message's raw bytes: from the cache, or once the worker has fetched them."""
        if selected is None:
            return
        session, folder, uid = selected
        title = translate("LocalFolders", "Could not download the message")
        with_whole_message(session, folder, uid, lambda data: then(session, folder, uid, data),
                           lambda exc: self._window.notify("error", title, describe_error(exc).text))


def recipients_of(raw: bytes) -> list[tuple[str, str]]:
    """The To, Cc and Bcc people of a message, from its header block alone (its body, attachments included, is
    neither decoded nor parsed)."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(header_block(raw))
    people = getaddresses([str(value) for field in ("to", "cc", "bcc") for value in headers.get_all(field, [])])
    return [(name, address) for name, address in people if address]
