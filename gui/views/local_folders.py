"""Local Folders in the main window — the Outbox and local drafts — and the way to the composer.

Both live in the composer's :class:`gui.composer.Postbox` (one per application); this module shows them as
pages of the window, keeps their counts in the mailbox tree, and turns the window's New / Reply / Forward into
Postbox calls with the original message's raw bytes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QStackedWidget

from ..errors import describe_error
from ..models.mailbox_tree import LOCAL_ACCOUNT_ID
from ..workers.account_session import AccountSession
from ..workers.bodies import with_whole_message
from .local_drafts_view import LocalDraftsView
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
        self.drafts_view = LocalDraftsView(self.postbox, window)
        worker = self.postbox.worker
        for signal in (worker.stateChanged, worker.draftSaved):
            signal.connect(self._changed)
        self.failures = SendFailures(self.postbox, window.notifications, window.notifier.announce, self)
        self.postbox.composerOpened.connect(self._watch_composer)
        self.postbox.messageQueued.connect(self._changed)
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(100)
        self._counts_timer.timeout.connect(self.refresh_counts)

    def add_pages(self, pages: QStackedWidget) -> None:
        pages.addWidget(self.outbox_view)
        pages.addWidget(self.drafts_view)

    def start(self) -> None:
        self.postbox.start()
        self.failures.show_waiting()

    def show_page(self, name: str) -> None:
        if name == DRAFTS:
            self.drafts_view.refresh()
            self._window.pages.setCurrentWidget(self.drafts_view)
        else:
            self.outbox_view.model.refresh()
            self._window.pages.setCurrentWidget(self.outbox_view)

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
        drafts = self.postbox.local_drafts()
        self._window.tree_model.set_local_folders([
            (OUTBOX, translate("LocalFolders", "Outbox"), len(waiting), len(waiting), failed),
            (DRAFTS, translate("LocalFolders", "Drafts"), 0, len(drafts)),
        ])
        if self._window.location == (LOCAL_ACCOUNT_ID, DRAFTS):
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
