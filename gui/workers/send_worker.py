"""The worker that drains the Outbox: one per app, a QObject on its own QThread (never touching widgets).

It wakes when a message is queued, when a retry comes due, or when asked (``retry_now``); sends what is due through
:func:`connectors.outbox.deliver`, files copies in Sent, checks messages a crash left mid-send, and saves or removes
drafts in the server's Drafts folder — all serialised in one thread, so a draft save queued before a send can never
land after the send has removed that draft. Its signals tell the UI every state change, with the server's words.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QThread, QTimer, Signal, Slot

from connectors import create_connector
from connectors.exceptions import ConnectionError, ConnectorError
from connectors.interrupt import Interrupter
from connectors.messaging.imap import IMAPConnector
from connectors.messaging.smtp import SMTPConnector
from connectors.outbox import Outbox, OutboxEntry, delete_server_draft, deliver, replace_server_draft
from connectors.outbox.delivery import after_sending, confirm_unconfirmed
from connectors.outbox.entries import EntryState
from gui.accounts import AccountStore
from gui.desktop_accounts import account_credentials
from gui.errors import describe_error
from gui.secrets import SecretsUnavailable, keyring_locked

from .gui_thread import GuiThreadObject, ThreadSide
from .keyring_watch import KEYRING_POLL_MS, KeyringWatch

log = logging.getLogger(__name__)

_LONGEST_SLEEP_MS = 60_000  # look again at least this often, in case the clock jumped (suspend, NTP)
DRAFT_LINK_IDLE_MS = 5 * 60_000
"""A connection kept for saving server drafts is logged out after this long unused."""


@dataclass
class AccountLink:
    """Fresh, unconnected connectors for one account."""

    smtp: SMTPConnector
    imap: IMAPConnector | None
    server_saves_sent: bool

    def close(self) -> None:
        self.smtp.disconnect()
        if self.imap is not None:
            self.imap.disconnect()


ConnectorFactory = Callable[[str], AccountLink | None]
"""Account id → its connectors; None when the account no longer exists."""


def keyring_connectors(account_store: AccountStore) -> ConnectorFactory:
    """The app's factory: settings from the account store, secrets from the keyring (or GNOME Online Accounts)."""

    def make(account_id: str) -> AccountLink | None:
        account = account_store.get(account_id)
        if account is None:
            return None
        credentials = account_credentials(account)
        smtp_kind, imap_kind = account.connector_kinds
        smtp = create_connector(smtp_kind, account.smtp_config(credentials))
        imap = create_connector(imap_kind, account.imap_config(credentials))
        return AccountLink(smtp, imap, bool(smtp.server_saves_sent))

    return make


def error_text(error: BaseException) -> str:
    """The words shown to the person: the connector's message already quotes the server."""
    return describe_error(error).text


class _ThreadSide(ThreadSide):
    """The send worker's presence on its own thread (see :mod:`gui.workers.gui_thread`): the requests queued to the
    worker arrive here, and its timers live here; the :class:`SendWorker` stays on the GUI thread."""

    @Slot()
    def begin(self) -> None:
        self.call("_begin")

    @Slot()
    def wake(self) -> None:
        self.call("wake")

    @Slot(str, str, object, object)
    def save_draft(self, account_id: str, draft_id: str, build: Callable[[], bytes],
                   replaces: tuple[tuple[str, ...], float]) -> None:
        self.call("_save_draft", account_id, draft_id, build, replaces)

    @Slot(str, str, object)
    def delete_draft(self, account_id: str, draft_id: str, replaces: tuple[str, ...]) -> None:
        self.call("_delete_draft", account_id, draft_id, replaces)

    @Slot()
    def halt(self) -> None:
        self.call("_halt")

    @Slot()
    def keyring_opened(self) -> None:
        self.call("_keyring_opened")

    @Slot()
    def close_draft_links(self) -> None:
        self.call("_close_draft_links")


class SendWorker(GuiThreadObject):
    """Drains the Outbox. Create it in the GUI thread, then :meth:`start`: its work runs on a thread of its own,
    its signals reach their receivers on the GUI thread (see :mod:`gui.workers.gui_thread`)."""

    stateChanged = Signal(str, str)  # entry id, new state ("" once it left the Outbox)
    sending = Signal(str)  # entry id
    sent = Signal(str, str, str)  # entry id, Message-ID, warning (recipients refused while others got it)
    retrying = Signal(str, str, float)  # entry id, the server's words, next attempt (epoch seconds)
    failed = Signal(str, str)  # entry id, the server's words: the person must act
    copyFailed = Signal(str, str)  # entry id, why the copy to Sent failed (it is retried)
    draftSaved = Signal(str)  # draft id
    draftSaveFailed = Signal(str, str)  # draft id, why
    draftDeleted = Signal(str, str)  # account id, draft id: its copies left the server's Drafts folder
    draftUploaded = Signal(str, str, object, float)
    """account id, draft id, the new copy's UID (None when the server does not say), when its save was asked"""
    passFinished = Signal()  # after each pass over the Outbox (tests and status bars wait on it)
    keyringWait = Signal(str, bool)  # account id, True while its messages wait for the keyring to be unlocked

    _wakeRequested = Signal()
    _saveDraftRequested = Signal(str, str, object, object)  # account id, draft id, a callable building it, replaces
    _deleteDraftRequested = Signal(str, str, object)  # account id, draft id, replaces
    _haltRequested = Signal()

    def __init__(self, outbox: Outbox, connectors: ConnectorFactory, *,
                 keyring_state: Callable[[], bool | None] = keyring_locked,
                 keyring_poll_ms: int = KEYRING_POLL_MS) -> None:
        super().__init__()
        self.outbox = outbox
        self._connectors = connectors
        self._side = _ThreadSide(self)
        # Looks quietly whether a locked keyring was opened elsewhere (a child: it moves to the worker's thread).
        self.keyring_watch = KeyringWatch(keyring_state, keyring_poll_ms, self._side)
        self.keyring_watch.opened.connect(self._side.keyring_opened)
        self._keyring_lock = threading.Lock()
        self._awaiting_unlock: dict[str, str] = {}
        """Accounts whose secret is in a locked keyring, with the words to show: their messages, Sent copies and
        server drafts wait, untried, until the person unlocks (``retry_now``) or the keyring is seen open. Trying
        would read the secret, and each read of a locked keyring brings its unlock prompt back."""
        self._thread: QThread | None = None
        self._timer: QTimer | None = None
        self._draft_links: dict[str, AccountLink] = {}
        """Per account, the connection server drafts are saved on (every 30 s while writing: one login, not one
        per save, and no OAuth refresh each time). Used and closed only in the worker thread."""
        self._draft_idle: QTimer | None = None
        self._stopping = False
        # Drafts whose message went out (worker thread only): a server save asked just before Send and carried out
        # after the delivery tidied the Drafts folder would put the draft back there for good.
        self._sent_drafts: set[str] = set()
        self._interrupter = Interrupter()
        # Queued to the worker's thread (from any thread).
        self._wakeRequested.connect(self._side.wake)
        self._saveDraftRequested.connect(self._side.save_draft)
        self._deleteDraftRequested.connect(self._side.delete_draft)
        # Queued, never blocking: the GUI thread must not wait on a worker that may be in the middle of a send.
        self._haltRequested.connect(self._side.halt)
        # The Outbox holds its listener, which holds this worker weakly: no worker → Outbox → worker cycle.
        self._outbox_listener = _weak_listener(self)
        outbox.subscribe(self._outbox_listener)

    # -- lifecycle (GUI thread) ----------------------------------------------------------------------------

    def start(self) -> QThread:
        """Recover what a previous run left mid-send, then run on a new thread."""
        self.outbox.recover_interrupted()
        thread = QThread()
        thread.setObjectName("SendWorker")
        self._side.moveToThread(thread)
        thread.started.connect(self._side.begin)
        self._thread = thread
        thread.start()
        return thread

    @property
    def thread_handle(self) -> QThread | None:
        return self._thread

    def request_stop(self) -> None:
        """Begin stopping (returns at once): no new message is started; the thread ends after the current one."""
        if self._stopping:
            return
        self._stopping = True
        self.outbox.unsubscribe(self._outbox_listener)
        if self._thread is not None and self._thread.isRunning():
            self._haltRequested.emit()

    def interrupt(self) -> None:
        """Break the connection in use (from any thread). A message cut mid-transaction goes back to waiting,
        or, if the server may have taken it, is checked against Sent at the next start (see
        :mod:`connectors.outbox.delivery`); nothing is lost or silently sent twice."""
        self._interrupter.interrupt()

    def wait(self, deadline: float) -> bool:
        """Wait until ``deadline`` (time.monotonic()) for the thread to end; True if it has (or never ran)."""
        thread = self._thread
        if thread is None or not thread.isRunning():
            return True
        return thread.wait(max(0, int((deadline - time.monotonic()) * 1000))) or thread.isFinished()

    def shutdown(self, wait_ms: int = 2_000) -> bool:
        """Stop within ``wait_ms``: the current message may finish in the first half, then its connection is
        broken. False if the thread is still running (it is kept, never dropped while it runs)."""
        deadline = time.monotonic() + wait_ms / 1000
        self.request_stop()
        if self.wait(time.monotonic() + wait_ms / 2000):
            return True
        self.interrupt()
        if self.wait(deadline):
            return True
        log.warning("The send worker did not stop within %d ms", wait_ms)
        return False

    # -- requests (any thread) -----------------------------------------------------------------------------

    def request_wake(self) -> None:
        self._wakeRequested.emit()

    def retry_now(self) -> None:
        """The network is back, or the person pressed Retry or Unlock: bring waiting messages forward (those
        waiting for the keyring too: it is tried once more)."""
        self._stop_waiting_for_keyring(self.waiting_for_keyring())
        self.outbox.retry_all_now()
        self._wakeRequested.emit()

    def waiting_for_keyring(self) -> set[str]:
        """The accounts whose messages wait for the keyring to be unlocked (see ``_awaiting_unlock``)."""
        with self._keyring_lock:
            return set(self._awaiting_unlock)

    def _wait_for_keyring(self, account_id: str, error: BaseException) -> None:
        with self._keyring_lock:
            first = account_id not in self._awaiting_unlock
            self._awaiting_unlock[account_id] = error_text(error)
        if first:
            log.info("Messages of account %s wait until the keyring is unlocked", account_id)
            self.say("keyringWait", account_id, True)
        self.keyring_watch.watch()

    def _stop_waiting_for_keyring(self, accounts: set[str]) -> None:
        with self._keyring_lock:
            for account_id in accounts:
                self._awaiting_unlock.pop(account_id, None)
        for account_id in sorted(accounts):
            self.say("keyringWait", account_id, False)

    @property
    def keyring_state(self) -> Callable[[], bool | None]:
        """How the keyring is asked, without a prompt, whether it is locked (see :mod:`gui.workers.keyring_watch`)."""
        return self.keyring_watch.state

    @keyring_state.setter
    def keyring_state(self, state: Callable[[], bool | None]) -> None:
        self.keyring_watch.state = state

    @property
    def keyring_poll_ms(self) -> int:
        return self.keyring_watch.poll_ms

    @keyring_poll_ms.setter
    def keyring_poll_ms(self, poll_ms: int) -> None:
        self.keyring_watch.poll_ms = poll_ms

    def _keyring_opened(self) -> None:
        """(Worker thread) the keyring was seen open: the accounts that waited for it go on."""
        waiting = self.waiting_for_keyring()
        if not waiting or self._stopping:
            return
        log.info("The keyring was unlocked: the Outbox goes on")
        self._stop_waiting_for_keyring(waiting)
        self.outbox.retry_all_now(waiting)
        self.wake()

    def send_now(self, entry_id: str) -> bool:
        entry = self.outbox.get(entry_id)
        if entry is not None and entry.account_id in self.waiting_for_keyring():
            self._stop_waiting_for_keyring({entry.account_id})  # the person asked: try the keyring once more
        changed = self.outbox.send_now(entry_id)
        self._wakeRequested.emit()
        return changed

    def save_draft(self, account_id: str, draft_id: str, build: Callable[[], bytes],
                   replaces: tuple[str, ...] = ()) -> None:
        """Replace the draft's copy in the account's Drafts folder: ``build()`` makes the message (MIME, base64 of
        the attachments) in the worker thread, never on the GUI thread. ``replaces``: Message-IDs of another
        client's copy this draft continues, removed with the earlier versions."""
        self._saveDraftRequested.emit(account_id, draft_id, build, (replaces, time.time()))

    def delete_draft(self, account_id: str, draft_id: str, replaces: tuple[str, ...] = ()) -> None:
        self._deleteDraftRequested.emit(account_id, draft_id, replaces)

    def _on_outbox_change(self, entry_id: str, state: EntryState | None) -> None:
        self.say("stateChanged", entry_id, state or "")
        if state in ("scheduled", "queued"):
            self._wakeRequested.emit()

    # -- the work (worker thread) --------------------------------------------------------------------------

    def _begin(self) -> None:
        self._timer = QTimer(self._side)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._side.wake)
        self._draft_idle = QTimer(self._side)
        self._draft_idle.setSingleShot(True)
        self._draft_idle.timeout.connect(self._side.close_draft_links)
        self.wake()

    def _halt(self) -> None:
        """The last slot, in the worker thread: stop the timers here (their thread), hand the thread side back to
        the GUI thread (a QObject must die in a living thread) and end the thread."""
        if self._timer is not None:
            self._timer.stop()
            self._timer.deleteLater()
            self._timer = None
        if self._draft_idle is not None:
            self._draft_idle.stop()
            self._draft_idle.deleteLater()
            self._draft_idle = None
        self.keyring_watch.stop()
        self._close_draft_links()
        self._side.hand_back()
        QThread.currentThread().quit()

    def wake(self) -> None:
        if self._stopping:
            return
        links: dict[str, AccountLink | None] = {}
        try:
            with self._interrupter.watching():
                for entry in self.outbox.unconfirmed():
                    if self._stopping:
                        break
                    if entry.account_id not in self.waiting_for_keyring():
                        self._confirm(entry, links)
                for entry in self.outbox.due():
                    if self._stopping:
                        break
                    if entry.account_id not in self.waiting_for_keyring():
                        self._send(entry, links)
                for entry in self.outbox.copies_pending():
                    if self._stopping:
                        break
                    if entry.account_id not in self.waiting_for_keyring():
                        self._file_copy(entry, links)
        finally:
            for link in links.values():
                if link is not None:
                    link.close()
        self._schedule()
        self.say("passFinished")

    def _schedule(self) -> None:
        if self._timer is None or self._stopping:
            return
        # The accounts waiting for the keyring are left to the keyring watch (which stops once none waits).
        waiting = self.waiting_for_keyring()
        if not waiting:
            self.keyring_watch.stop()
        upcoming = self.outbox.next_wakeup(excluding=waiting)
        if upcoming is None:
            self._timer.stop()
            return
        self._timer.start(min(int(max(0.0, upcoming - self.outbox.clock()) * 1000) + 20, _LONGEST_SLEEP_MS))

    def _link(self, account_id: str, links: dict[str, AccountLink | None]) -> AccountLink | None:
        if account_id not in links:
            try:
                links[account_id] = self._connectors(account_id)
            except Exception as exc:  # noqa: BLE001 - one broken account must not stop the others' messages
                log.warning("No connectors for account %s: %s", account_id, exc)
                links[account_id] = None
        return links[account_id]

    def _send(self, entry: OutboxEntry, links: dict[str, AccountLink | None]) -> None:
        link = self._link(entry.account_id, links)
        if link is None:
            text = self.tr("The account this message was written from no longer exists or cannot be used.")
            self.outbox.mark_failed(entry.id, text)
            self.say("failed", entry.id, text)
            return
        self.say("sending", entry.id)
        try:
            report = deliver(self.outbox, entry, smtp=link.smtp, imap=link.imap,
                             server_saves_sent=link.server_saves_sent)
        except Exception as exc:  # noqa: BLE001 - a bug here must not leave the message silently stuck
            log.exception("Sending %s failed unexpectedly", entry.id)
            text = error_text(exc)
            self.outbox.mark_failed(entry.id, text)
            self.say("failed", entry.id, text)
            return
        if entry.draft_id and report.outcome == "sent":
            self._sent_drafts.add(entry.draft_id)
            if link.imap is not None:  # the delivery removed the draft's server copies: the Drafts list reads again
                self.say("draftDeleted", entry.account_id, entry.draft_id)
        if report.outcome == "sent":
            self.say("sent", entry.id, report.message_id, report.warning)
            if report.copy_error:
                self.say("copyFailed", entry.id, report.copy_error)
        elif report.outcome == "retry":
            if _keyring_is_locked(report.cause):
                self._wait_for_keyring(entry.account_id, report.cause)
            self.say("retrying", entry.id, report.error, report.retry_at or 0.0)
        elif report.outcome == "failed":
            self.say("failed", entry.id, report.error)
        # "unconfirmed": it may have gone; the server is checked again later (stateChanged tells the views).

    def mark_as_sent(self, entry_id: str) -> None:
        """The person says a message that may have been sent did go out: forget it without sending it again."""
        self.outbox.confirm_interrupted_as_sent(entry_id)

    def _confirm(self, entry: OutboxEntry, links: dict[str, AccountLink | None]) -> None:
        link = self._link(entry.account_id, links)
        report = confirm_unconfirmed(self.outbox, entry, link.imap if link else None)
        if report.outcome == "unconfirmed" and _keyring_is_locked(report.cause):
            self._wait_for_keyring(entry.account_id, report.cause)
        if report.outcome == "sent":
            self.say("sent", entry.id, report.message_id, "")
        elif report.outcome == "failed":
            self.say("failed", entry.id, report.error)

    def _file_copy(self, entry: OutboxEntry, links: dict[str, AccountLink | None]) -> None:
        link = self._link(entry.account_id, links)
        error = after_sending(self.outbox, entry, link.imap if link else None,
                              server_saves_sent=link.server_saves_sent if link else True)
        if error:
            self.say("copyFailed", entry.id, error)

    def _draft_link(self, account_id: str) -> AccountLink | None:
        """The account's kept drafts connection, connected (a new one if it was dropped)."""
        link = self._draft_links.get(account_id)
        if link is not None and link.imap is not None and link.imap.is_connected():
            return link
        if link is not None:
            self._draft_links.pop(account_id, None)
            link.close()
        link = self._connectors(account_id)
        if link is None or link.imap is None:
            return None
        link.imap.connect()
        self._draft_links[account_id] = link
        return link

    def _drop_draft_link(self, account_id: str) -> None:
        link = self._draft_links.pop(account_id, None)
        if link is not None:
            link.close()

    def _close_draft_links(self) -> None:
        for account_id in list(self._draft_links):
            self._drop_draft_link(account_id)

    def _keep_draft_links(self) -> None:
        if self._draft_idle is not None:
            self._draft_idle.start(DRAFT_LINK_IDLE_MS)

    def _on_draft_link(self, account_id: str, work: Callable[[IMAPConnector], object]) -> bool:
        """Run ``work`` on the account's kept drafts connection; a kept connection the server dropped meanwhile
        is replaced once. False if the account has no IMAP."""
        kept = account_id in self._draft_links
        try:
            with self._interrupter.watching():
                link = self._draft_link(account_id)
                if link is None or link.imap is None:
                    return False
                try:
                    work(link.imap)
                except ConnectionError:
                    if not kept or self._stopping:
                        raise
                    self._drop_draft_link(account_id)  # timed out while unused: once more, on a new one
                    link = self._draft_link(account_id)
                    if link is None or link.imap is None:
                        return False
                    work(link.imap)
            return True
        except BaseException:
            self._drop_draft_link(account_id)
            raise
        finally:
            self._keep_draft_links()

    def _save_draft(self, account_id: str, draft_id: str, build: Callable[[], bytes],
                    asked: tuple[tuple[str, ...], float]) -> None:
        if self._stopping:
            return  # the local draft has it; the server copy is saved again while the person writes
        if draft_id in self._sent_drafts:
            log.info("Server draft %s not saved again: its message was sent", draft_id)
            return
        with self._keyring_lock:
            locked = self._awaiting_unlock.get(account_id)
        if locked is not None:
            self.say("draftSaveFailed", draft_id, locked)  # kept locally; saved on the server once unlocked
            return
        try:
            raw = build()
            replaces, asked_at = asked
            uids: list[int | None] = []
            saved = self._on_draft_link(
                account_id, lambda imap: uids.append(replace_server_draft(imap, draft_id, raw, replaces)))
        except (ConnectorError, SecretsUnavailable) as exc:
            if _keyring_is_locked(exc):
                self._wait_for_keyring(account_id, exc)
            self.say("draftSaveFailed", draft_id, error_text(exc))
            return
        if saved:
            self.say("draftUploaded", account_id, draft_id, uids[-1] if uids else None, asked_at)
            self.say("draftSaved", draft_id)

    def _delete_draft(self, account_id: str, draft_id: str, replaces: tuple[str, ...]) -> None:
        if account_id in self.waiting_for_keyring():
            log.info("Server draft %s left in place: the keyring is locked", draft_id)
            return
        try:
            if self._on_draft_link(account_id, lambda imap: delete_server_draft(imap, draft_id, replaces)):
                self.say("draftDeleted", account_id, draft_id)
        except (ConnectorError, SecretsUnavailable) as exc:
            if _keyring_is_locked(exc):
                self._wait_for_keyring(account_id, exc)
            log.info("Could not remove server draft %s: %s", draft_id, exc)


def _weak_listener(worker: SendWorker) -> Callable[[str, EntryState | None], None]:
    ref = weakref.ref(worker)

    def listener(entry_id: str, state: EntryState | None) -> None:
        alive = ref()
        if alive is not None:
            alive._on_outbox_change(entry_id, state)  # noqa: SLF001

    return listener


def _keyring_is_locked(error: BaseException | None) -> bool:
    return isinstance(error, SecretsUnavailable) and error.locked
