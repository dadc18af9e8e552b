"""The Postbox: everything writing mail needs, created once per app by the main window.

It owns the Outbox and its SendWorker, the local drafts store and the address book, opens composers (new, reply,
forward, mailto:, recovered drafts, failed messages to fix) and turns "Send" into an Outbox entry with an undo delay.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from email.utils import getaddresses
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from connectors.messaging.compose import Attachment
from connectors.messaging.mime import ParsedMessage, parse_message
from connectors.outbox import (
    Draft,
    DraftAttachment,
    DraftStore,
    Outbox,
    OutboxEntry,
    Salvaged,
    open_drafts,
    open_outbox,
)
from connectors.store import default_store_path
from gui.accounts import APP_NAME, Account, AccountStore
from gui.private_paths import private_settings
from gui.workers.operation import Operation
from gui.workers.runner import BACKGROUND, runner
from gui.workers.send_worker import ConnectorFactory, SendWorker, keyring_connectors

from .address_book import AddressBook, StoreReaders
from .draft_writer import DraftWriter
from .mailto import parse_mailto
from .outgoing import Composition, Outgoing, build_draft, build_outgoing
from .replies import ComposeSeed, forward_attached_seed, forward_seed, plain_to_html, reply_seed
from .server_drafts import ServerDrafts
from .undo_notice import UndoSendNotice
from .window import ComposerWindow

log = logging.getLogger(__name__)


def _replies_tr(text: str) -> str:
    return QCoreApplication.translate("Replies", text)


@dataclass
class ComposeSettings:
    undo_seconds: float = 5.0
    autosave_seconds: float = 3.0
    server_draft_seconds: float = 30.0
    html_by_default: bool = True
    max_message_bytes: int = 25 * 1024 * 1024  # what most providers accept (Gmail, Outlook.com: 25 MB)
    reply_below: bool = False
    """Replies start below the quoted message (bottom-posting) rather than above it."""
    default_account: str = ""
    """The account (id) a new message is sent from, with ``default_identity`` (an address); "" for the first."""
    default_identity: str = ""

    @staticmethod
    def _store() -> QSettings:
        return private_settings(QSettings(APP_NAME, APP_NAME))

    @classmethod
    def load(cls) -> ComposeSettings:
        """From QSettings ("compose/undoSeconds", ...), defaults where unset."""
        store = cls._store()
        defaults = cls()
        return cls(
            undo_seconds=float(store.value("compose/undoSeconds", defaults.undo_seconds)),
            autosave_seconds=float(store.value("compose/autosaveSeconds", defaults.autosave_seconds)),
            server_draft_seconds=float(store.value("compose/serverDraftSeconds", defaults.server_draft_seconds)),
            html_by_default=str(store.value("compose/html", "true")).lower() in ("true", "1"),
            max_message_bytes=int(store.value("compose/maxMessageBytes", defaults.max_message_bytes)),
            reply_below=str(store.value("compose/replyBelow", "false")).lower() in ("true", "1"),
            default_account=str(store.value("compose/defaultAccount", "")),
            default_identity=str(store.value("compose/defaultIdentity", "")),
        )

    def save(self) -> None:
        """Keep what the Preferences change (the timings stay as they are)."""
        store = self._store()
        store.setValue("compose/html", self.html_by_default)
        store.setValue("compose/replyBelow", self.reply_below)
        store.setValue("compose/defaultAccount", self.default_account)
        store.setValue("compose/defaultIdentity", self.default_identity)
        store.sync()


class Postbox(QObject):
    """Create once, call :meth:`start`, and :meth:`shutdown` at exit. ``worker`` carries the Outbox's signals."""

    composerOpened = Signal(object)  # ComposerWindow
    messageQueued = Signal(str)  # Outbox entry id

    def __init__(
        self,
        accounts: AccountStore,
        *,
        outbox: Outbox | None = None,
        drafts: DraftStore | None = None,
        settings: ComposeSettings | None = None,
        connectors: ConnectorFactory | None = None,
        store_path: Callable[[Account], Path] | None = None,
        local_folders: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.accounts = accounts
        self.settings = settings or ComposeSettings.load()
        self.salvaged: list[tuple[str, Salvaged]] = []
        """Local Folders files found unusable at open ("outbox" or "drafts"): kept aside, what they held salvaged;
        the main window tells the person."""
        if outbox is None:
            opened_outbox = open_outbox(local_folders / "outbox.sqlite3" if local_folders else None)
            outbox = opened_outbox.outbox
            if opened_outbox.salvaged is not None:
                self.salvaged.append(("outbox", opened_outbox.salvaged))
        if drafts is None:
            opened_drafts = open_drafts(local_folders / "drafts.sqlite3" if local_folders else None)
            drafts = opened_drafts.drafts
            if opened_drafts.salvaged is not None:
                self.salvaged.append(("drafts", opened_drafts.salvaged))
        self.outbox = outbox
        self.drafts = drafts
        self._store_path = store_path or (lambda account: default_store_path(account.id))
        self._store_readers = StoreReaders(lambda: [self._store_path(account) for account in self.accounts.accounts])
        self.address_book = AddressBook(self._store_readers, own=self._own_addresses)
        self.worker = SendWorker(self.outbox, connectors or keyring_connectors(accounts))
        self._composers: list[ComposerWindow] = []
        self._writers: dict[str, DraftWriter] = {}
        self._forgetting: Operation | None = None
        self._forget_again = False
        self._started = False
        self.closed = False
        """True once the stores are closed (quitting): late timers must leave them alone."""
        self.server_drafts = ServerDrafts(self.drafts, self.worker, self.open_draft, self)
        self.worker.sent.connect(self._forget_sent_drafts)
        self.worker.stateChanged.connect(self._forget_sent_drafts_on_removal)

    # -- lifecycle -----------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        self.worker.start()
        self._forget_sent_drafts()

    def shutdown(self, wait_ms: int = 2000) -> bool:
        """Quit: keep what is being written, stop the send worker within ``wait_ms``, close the stores."""
        self.request_stop()
        stopped = self.worker.shutdown(wait_ms)
        self.close_stores(stopped)
        return stopped

    # The parts :func:`gui.workers.quitting.stop_all` drives when the main window quits.

    def request_stop(self) -> None:
        """Save and close every open composer (its draft is offered back at the next start), finish every draft
        write asked (on disk before this returns) and begin stopping the worker."""
        for composer in list(self._composers):
            composer.close_for_quit()
        for writer in list(self._writers.values()):
            writer.flush()
        self.worker.request_stop()

    def interrupt(self) -> None:
        self.worker.interrupt()

    def wait(self, deadline: float) -> bool:
        return self.worker.wait(deadline)

    def close_stores(self, worker_stopped: bool = True) -> None:
        """Close the Outbox and the drafts store (SQLite folds their write-ahead logs back); a worker still
        running keeps the Outbox it writes to."""
        self.closed = True
        self._store_readers.close()
        self.drafts.close()
        if worker_stopped:
            self.outbox.close()

    # -- opening composers ---------------------------------------------------------------------------------

    def draft_writer(self, draft_id: str) -> DraftWriter:
        """The one writer of a draft (see :mod:`gui.composer.draft_writer`); it outlives the composer that closed
        while its last write runs, and is let go once it has nothing left to write."""
        writer = self._writers.get(draft_id)
        if writer is None:
            writer = self._writers[draft_id] = DraftWriter(self.drafts, self)
            writer.drained.connect(lambda: self._release_writer(draft_id))
        return writer

    def _release_writer(self, draft_id: str) -> None:
        writer = self._writers.get(draft_id)
        if writer is None or writer.busy() or any(w.draft_id == draft_id for w in self._composers):
            return
        del self._writers[draft_id]
        writer.deleteLater()

    def _open(self, window: ComposerWindow) -> ComposerWindow:
        self._composers.append(window)
        draft_id = window.draft_id

        def closed() -> None:
            if window in self._composers:
                self._composers.remove(window)
            self._release_writer(draft_id)

        window.closed.connect(closed)
        window.show()
        window.raise_()
        window.activateWindow()
        self.composerOpened.emit(window)
        return window

    def composers(self) -> list[ComposerWindow]:
        return list(self._composers)

    def open_composer(
        self,
        account_id: str | None = None,
        *,
        to: Sequence[str] = (),
        cc: Sequence[str] = (),
        subject: str = "",
        body: str = "",
        attachments: Sequence[str | Path] = (),
        parent: QWidget | None = None,
    ) -> ComposerWindow:
        """A new message, optionally prefilled; ``attachments`` are file paths (refused ones are explained)."""
        seed = ComposeSeed(
            to=list(to), cc=list(cc), subject=subject, body_text=body, body_html=plain_to_html(body) if body else ""
        )
        window = self._open(ComposerWindow(self, seed=seed, account_id=account_id, parent=parent))
        if attachments:
            window.add_files([str(p) for p in attachments])
        return window

    def reply(
        self,
        account: Account,
        original_raw: bytes,
        folder: str,
        uid: int,
        reply_all: bool,
        *,
        parent: QWidget | None = None,
    ) -> ComposerWindow:
        """Reply (to all) to a received message, from the identity it was sent to."""
        message = parse_message(original_raw)
        own = {a.lower() for a in self._own_addresses()}
        seed = reply_seed(message, own, reply_all, folder=folder, tr=_replies_tr)
        log.debug("Replying to UID %s in %s", uid, folder)
        return self._open(
            ComposerWindow(
                self, seed=seed, account_id=account.id, from_address=self._identity_for(account, message), parent=parent
            )
        )

    def forward(
        self, account: Account, original_raw: bytes, as_attachment: bool, *, parent: QWidget | None = None
    ) -> ComposerWindow:
        message = parse_message(original_raw)
        seed = forward_seed(message, original_raw, as_attachment, tr=_replies_tr)
        return self._open(
            ComposerWindow(
                self, seed=seed, account_id=account.id, from_address=self._identity_for(account, message), parent=parent
            )
        )

    def forward_attached(self, account: Account, originals: Sequence[bytes], *, parent: QWidget | None = None
                         ) -> ComposerWindow:
        """Forward several messages at once, each attached whole (the person's multi-selection)."""
        messages = [(parse_message(raw), raw) for raw in originals]
        seed = forward_attached_seed(messages, tr=_replies_tr)
        return self._open(
            ComposerWindow(
                self, seed=seed, account_id=account.id, from_address=self._identity_for(account, messages[0][0]),
                parent=parent,
            )
        )

    def open_mailto(self, url: str, *, parent: QWidget | None = None) -> ComposerWindow:
        """``facteur mailto:...``: a composer prefilled with to, cc, bcc, subject and body."""
        seed = parse_mailto(url)
        if seed.body_text:
            seed.body_html = plain_to_html(seed.body_text)
        return self._open(ComposerWindow(self, seed=seed, parent=parent))

    def composer_for(self, draft_id: str) -> ComposerWindow | None:
        """The open composer writing this draft, if any."""
        return next((w for w in self._composers if w.draft_id == draft_id), None)

    def open_draft(self, draft_id: str, *, parent: QWidget | None = None) -> ComposerWindow | None:
        """Open a kept draft in a composer (the one already writing it comes to the front instead)."""
        open_already = self.composer_for(draft_id)
        if open_already is not None:
            open_already.show()
            open_already.raise_()
            open_already.activateWindow()
            return open_already
        draft = self.drafts.adopt(draft_id)
        if draft is None:
            return None
        return self._open(ComposerWindow(self, draft=draft, parent=parent))

    def recover_drafts(self, parent: QWidget | None = None, *, ask: bool = True) -> list[ComposerWindow]:
        """After a crash: offer the drafts a dead Facteur was editing; reopen them (or keep them as drafts)."""
        if self.closed:
            return []  # Facteur quit before this was due
        orphans = [d for d in self.drafts.orphans() if not d.is_empty]
        if not orphans:
            for draft in self.drafts.orphans():
                self.drafts.delete(draft.id)
            return []
        if ask:
            no_subject = QCoreApplication.translate("Postbox", "(no subject)")
            names = "\n".join(f"• {d.subject or no_subject}" for d in orphans[:10])
            box = QMessageBox(
                QMessageBox.Icon.Question,
                QCoreApplication.translate("Postbox", "Unsent messages"),
                QCoreApplication.translate(
                    "Postbox", "Facteur was closed while you were writing:\n{names}\n\nOpen them again?"
                ).format(names=names),
                parent=parent,
            )
            reopen = box.addButton(
                QCoreApplication.translate("Postbox", "Open them"), QMessageBox.ButtonRole.AcceptRole
            )
            box.addButton(QCoreApplication.translate("Postbox", "Keep as drafts"), QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is not reopen:
                for draft in orphans:
                    self.drafts.adopt(draft.id)
                    self.drafts.mark_saved(draft.id)
                return []
        return [w for d in orphans if (w := self.open_draft(d.id, parent=parent)) is not None]

    def local_drafts(self) -> list[Draft]:
        """Drafts kept on this computer (closed with "Save draft"), newest first."""
        return self.drafts.drafts(state="saved")

    # -- the Outbox ----------------------------------------------------------------------------------------

    def send(self, writer: DraftWriter, draft: Draft, attachments: list[Attachment], composition: Composition, *,
             then: Callable[[str], None], failed: Callable[[BaseException], None]) -> None:
        """Send what a composer holds, off the GUI thread, after the draft's earlier writes: the draft is saved
        (so a crash from here on leaves it to be offered back), the message built and put in the Outbox with the
        undo delay (durably: ``synchronous = FULL``), then the draft marked as queued. ``then(entry_id)`` on the GUI
        thread once the Outbox holds it; ``failed(exc)`` (a MessageError for the person) if it could not be."""

        def work(drafts: DraftStore, saved: Draft | None) -> OutboxEntry:
            assert saved is not None
            outgoing = build_outgoing(composition)
            entry = self._enqueue(saved, outgoing)
            drafts.mark_queued(saved.id)
            return entry

        def queued(entry: OutboxEntry) -> None:
            self._announce_queued(entry)
            then(entry.id)

        writer.run(work, draft=draft, attachments=attachments, then=queued, failed=failed)

    def _enqueue(self, draft: Draft, outgoing: Outgoing) -> OutboxEntry:
        return self.outbox.enqueue(
            account_id=draft.account_id,
            raw=outgoing.raw,
            message_id=outgoing.message_id,
            sender=outgoing.sender,
            recipients=outgoing.envelope,
            subject=draft.subject,
            delay=self.settings.undo_seconds,
            draft_id=draft.id,
            compose_state=json.loads(draft.to_json()),
            answered=draft.answered,
        )

    def _announce_queued(self, entry: OutboxEntry) -> None:
        if self.closed:
            return  # queued while quitting: the next start sends it
        self.messageQueued.emit(entry.id)
        if self.settings.undo_seconds > 0:
            self._show_undo(entry)

    def queue_message(self, draft: Draft, outgoing: Outgoing) -> str:
        """Put a built message in the Outbox with the undo delay, and show the Undo bar (in place: for callers
        off the GUI thread's hot path; composers use :meth:`send`)."""
        entry = self._enqueue(draft, outgoing)
        self.drafts.mark_queued(draft.id)
        self._announce_queued(entry)
        return entry.id

    def _show_undo(self, entry: OutboxEntry) -> None:
        host = next((w.parentWidget() for w in self._composers if w.parentWidget() is not None), None)
        notice = UndoSendNotice(entry.id, entry.subject, self.settings.undo_seconds, host)
        notice.undoRequested.connect(self.undo)
        notice.sendNowRequested.connect(self.worker.send_now)
        self.worker.stateChanged.connect(notice.entry_state_changed)
        notice.place()

    def undo(self, entry_id: str) -> ComposerWindow | None:
        """Undo send: take the message back (if it has not left) and reopen it as it was written."""
        return self.edit_entry(entry_id)

    def edit_entry(self, entry_id: str, *, parent: QWidget | None = None) -> ComposerWindow | None:
        """Take a waiting or failed message out of the Outbox and reopen it in a composer; None if it is being
        sent or is gone."""
        entry = self.outbox.take_back(entry_id)
        if entry is None:
            return None
        draft = self.drafts.adopt(entry.draft_id) if entry.draft_id else None
        if draft is None:
            draft = self._draft_from_entry(entry)
        window = self._open(ComposerWindow(self, draft=draft, parent=parent))
        if entry.last_error and entry.error_kind != "temporary":
            window.notice.show_message(
                QCoreApplication.translate("Postbox", "Not sent: {error}").format(error=entry.last_error), "error"
            )
        return window

    def _draft_from_entry(self, entry: OutboxEntry) -> Draft:
        """The composer state saved with the entry, attachments recovered from the queued message itself."""
        state = dict(entry.compose_state or {})
        state.pop("attachments", None)
        draft = (
            Draft.from_json(json.dumps(state)) if state else Draft(account_id=entry.account_id, subject=entry.subject)
        )
        parsed = parse_message(entry.raw)
        items = []
        for part in parsed.attachments:
            digest = self.drafts.put_blob(part.data)
            items.append(DraftAttachment(part.filename, part.content_type, digest, part.size))
        if not state:
            draft = Draft(
                account_id=entry.account_id,
                subject=parsed.subject,
                to=parsed.to,
                cc=parsed.cc,
                text=parsed.body,
                plain_only=parsed.html_body is None,
                html=parsed.html_body or "",
            )
        return self.drafts.save(replace(draft, attachments=tuple(items)))

    def save_server_draft(self, account_id: str, draft_id: str, composition: Composition,
                          replaces: tuple[str, ...] = ()) -> None:
        """Replace the draft's copy in the server's Drafts folder; the message is built by the send worker.
        ``replaces``: the Message-ID of another client's copy this draft continues."""
        if not account_id:
            return
        # Asked once the local save before it is on disk: the server copy is then known to hold that version
        # (see DraftStore.to_upload), and a later change here is known not to be up there yet.
        self.draft_writer(draft_id).run(
            lambda _drafts, _saved: None,
            then=lambda _none: self.worker.save_draft(account_id, draft_id, lambda: build_draft(composition),
                                                      replaces))

    def discard_draft(self, account_id: str, draft_id: str, replaces: tuple[str, ...] = ()) -> None:
        """Forget a draft here and on the server (every version, and the other client's copy it continued)."""
        self.draft_writer(draft_id).run(lambda drafts, _saved: drafts.delete(draft_id))
        if account_id:
            self.worker.delete_draft(account_id, draft_id, replaces)

    def _forget_sent_drafts(self, *_args: object) -> None:
        """Drafts whose message left the Outbox (sent) are done with (looked up and deleted in the pool)."""
        if self.closed:
            return  # a send announced just before quitting: the next start tidies up
        if self._forgetting is not None:
            self._forget_again = True
            return
        outbox, drafts = self.outbox, self.drafts

        def forget(_op: Operation) -> None:
            if drafts.closed or outbox.closed:
                return
            waiting = outbox.draft_ids()
            for draft_id in drafts.draft_ids(state="queued"):
                if draft_id not in waiting:
                    drafts.delete(draft_id)

        op = Operation(forget, name="forget sent drafts")
        self._forgetting = op
        op.done.connect(self._forgotten)
        runner().submit(op, priority=BACKGROUND)

    def _forgotten(self) -> None:
        self._forgetting = None
        if self._forget_again:
            self._forget_again = False
            self._forget_sent_drafts()

    def _forget_sent_drafts_on_removal(self, _entry_id: str, state: str) -> None:
        if state == "":
            self._forget_sent_drafts()

    # -- accounts ------------------------------------------------------------------------------------------

    def _own_addresses(self) -> set[str]:
        found = set()
        for account in self.accounts.accounts:
            found.add(account.email)
            found.update(i.address for i in account.identities)
        return found

    def _identity_for(self, account: Account, message: ParsedMessage) -> str | None:
        """The identity a message was sent to (so the reply goes out from it), else None (the default)."""
        received = {addr.lower() for _, addr in getaddresses([message.to, message.cc])}
        for identity in account.identities:
            if identity.address.lower() in received:
                return identity.address
        return None

    def size_limit(self, account: Account | None) -> int:
        return self.settings.max_message_bytes
