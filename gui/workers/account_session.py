"""Everything one account runs while the window is open, seen from the GUI thread.

An :class:`AccountSession` owns the account's store (written only by its worker thread), the GUI thread's read
handle on it, the :class:`AccountWorker` (sync engine + commands) and the :class:`IdleWorker` (push). The window
calls its methods, which queue operations and return them at once; results come back as signals. Store changes
reach the models through the shared :class:`StoreEventRelay`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from connectors import create_connector
from connectors.messaging.imap import IMAPConnector
from connectors.messaging.imap_support import choose_special_folder
from connectors.messaging.parse_process import ParseFailed
from connectors.store import (
    Command,
    MailStore,
    OpenedStore,
    ReaderPool,
    StoreReader,
    default_store_path,
    needs_upgrade,
    open_store,
)
from connectors.sync import CommandRefused, NotUndoable, SyncEngine, SyncResult

from ..accounts import Account
from .account_worker import BACKGROUND, INTERACTIVE, AccountWorker
from .idle_worker import IdleWorker
from .operation import Operation
from .parsing import message_parser
from .quitting import keep
from .runner import runner
from .store_relay import StoreEventRelay

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

log = logging.getLogger(__name__)

class UndoStep:
    """One thing the person did that can be undone. Filled in the worker thread by the operation that queued the
    command, read there again by the undo's operation: the worker runs them one after the other, so the undo never
    sees it half written."""

    def __init__(self, account_id: str, folder: str, name: str, text: str, *, kind: str = "", count: int = 0,
                 detail: str = "") -> None:
        self.account_id = account_id
        self.folder = folder
        self.name = name  # what Edit → Undo says ("Delete")
        self.text = text  # what the notice says ("1 message moved to the Trash")
        self.kind, self.count, self.detail = kind, count, detail  # "move", 1, "Archive": to say it for several
        self.command: Command | None = None
        self.refused = False

    def record(self, engine: SyncEngine, refused: list[CommandRefused]) -> list[CommandRefused]:
        command = self.command = engine.last_queued
        self.refused = command is not None and any(
            item.kind == command.kind and item.folder == command.folder and item.uids == command.uids
            for item in refused)
        return refused

    def __repr__(self) -> str:
        return f"UndoStep({self.name!r} in {self.folder!r})"


INBOX = "INBOX"
PUSH = 5  # a sync IDLE (or opening a folder) asked for: after what the person does, before background catch-up
RESYNC_INTERVAL_MS = 10 * 60 * 1000  # IDLE watches INBOX; the other folders are checked this often
SERVER_SEARCH_LIMIT = 500  # the newest matches of a server search that are listed (and their headers fetched)


def imap_connect(account: Account, credentials: Any) -> Callable[[], IMAPConnector]:
    """A factory of fresh, connected IMAP connectors for ``account`` (the worker and IDLE each call it)."""

    def connect() -> IMAPConnector:
        imap: IMAPConnector = create_connector(account.connector_kinds[1], account.imap_config(credentials))
        imap.connect()
        return imap

    return connect


class AccountSession(QObject):
    """One account's store, workers and commands (see the module's text).

    **Opening.** Without a ``store`` given, the session opens the account's store itself, off the GUI thread (an
    operation of the runner): opening runs the schema's migration steps, which took seconds on a big store, and
    may wait for a lock. Until it is open the session is in the state "opening" (or "upgrading" while migration
    steps run) and has no ``store``, ``reader``, ``readers`` nor ``worker``; ``start()`` is remembered. Then it says
    ``storeReady`` and, if asked, starts; or it says ``storeFailed`` with the StoreError (a locked or unreadable
    file, a full disk), and stays unusable. Everything that needs the store waits for ``storeReady``
    (:class:`~gui.main_window.MainWindow` lists the session among its ``sessions`` only then).
    """

    stateChanged = Signal(str, str)
    """Account id, "opening" | "upgrading" (the store) | "connecting" | "online" | "offline" | "error" | "locked"."""
    storeReady = Signal(str)  # account id: the store is open; reads, sync and commands can start
    storeFailed = Signal(str, object)  # account id, exception: the store could not be opened
    connectionProblem = Signal(str, object)  # account id, exception
    commandsRefused = Signal(str, list)  # account id, list[CommandRefused]
    activity = Signal(str, str, int, int)
    """Account id, what is being done ("" when nothing), done, total (0: unknown) — for the status bar."""
    syncFinished = Signal(str)  # account id: a full synchronisation pass ended (completed or not)
    storeDamaged = Signal(str)  # account id: the store was found damaged in use; rebuilding it needs a new session

    store: MailStore
    reader: StoreReader
    """The GUI thread's read handle (once the store is open)."""
    readers: ReaderPool
    """Readers lent to the runner's pool threads (a cached message's read), kept open between uses."""
    worker: AccountWorker

    def __init__(self, account: Account, relay: StoreEventRelay, *, store: MailStore | None = None,
                 connect: Callable[[], IMAPConnector] | None = None, credentials: Any = None, push: bool = True,
                 engine_factory: Callable[[MailStore, Callable[[], IMAPConnector]], SyncEngine] = SyncEngine,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.account = account
        self.rebuilt: OpenedStore | None = None
        """Set when the store was found damaged at open and replaced by an empty one (the sync refills it)."""
        if connect is None:
            from ..desktop_accounts import account_credentials

            connect = imap_connect(account, credentials or account_credentials(account))
        self._connect = connect
        self._relay = relay
        self._push = push
        self._engine_factory = engine_factory
        self.idle: IdleWorker | None = None
        self._resync = QTimer(self)
        self._resync.setInterval(RESYNC_INTERVAL_MS)
        self._resync.timeout.connect(self._periodic_sync)
        self._syncing = False
        self._sync_left: list[str] = []
        self._folder_syncs: set[str] = set()
        self._changed_during_sync: set[str] = set()
        """Folders a push said changed while their sync was queued or running: it may have read the folder before
        the change, so one more sync follows it."""
        self._idle_was_online = False
        self.synced_once = False
        self.inbox_baseline = 0
        """Highest INBOX UID when the first full sync ended: only mail above it is announced as new."""
        self._stopped = False
        self._start_when_ready = False
        self.ready = False
        """True once the store is open (at once when one was given)."""
        self.open_error: BaseException | None = None
        """Why the store could not be opened (storeFailed said it), else None."""
        self._opening_state = "opening"
        self._opening: Operation | None = None
        if store is not None:
            self._attach(store)
        else:
            self._open_in_background(default_store_path(account.id))

    def _open_in_background(self, path: Path) -> None:
        upgrading = translate("AccountSession", "Upgrading the mail store of %1…").replace("%1", self.account.label)

        def work(op: Operation) -> OpenedStore:
            if needs_upgrade(path):
                op.say("status", "upgrading")
            # The whole-file check runs first thing in the worker (start()): it reads every page of the file.
            opened = open_store(path, check=False)
            if op.is_cancelled():  # the session stopped meanwhile: nobody will use it
                opened.store.close()
            return opened

        op = self._opening = runner().submit(Operation(work, f"open the store of {self.account.label}"))
        op.status.connect(lambda _state: self._upgrading(upgrading))
        op.finished.connect(self._opened)
        op.failed.connect(self._open_failed)

    def _upgrading(self, text: str) -> None:
        if self._stopped:
            return
        self._opening_state = "upgrading"
        self.stateChanged.emit(self.account.id, "upgrading")
        self.activity.emit(self.account.id, text, 0, 0)

    def _opened(self, opened: OpenedStore) -> None:
        self._opening = None
        if self._stopped:
            opened.store.close()
            return
        if self._opening_state == "upgrading":
            self.activity.emit(self.account.id, "", 0, 0)
        self.rebuilt = opened if opened.moved_aside is not None else None
        self._attach(opened.store)
        self.storeReady.emit(self.account.id)
        self.stateChanged.emit(self.account.id, self.state)
        if self._start_when_ready:
            self.start()

    def _open_failed(self, exc: BaseException) -> None:
        self._opening = None
        if self._stopped:
            return
        if self._opening_state == "upgrading":
            self.activity.emit(self.account.id, "", 0, 0)
        self.open_error = exc
        self.stateChanged.emit(self.account.id, "unusable")
        self.storeFailed.emit(self.account.id, exc)

    def _attach(self, store: MailStore) -> None:
        """The store is open: the read handles and the workers that use it."""
        self.store = store
        self.reader = store.open_reader()
        self.readers = ReaderPool(store.path)
        self._relay.attach(self.account.id, store)
        # The workers live in other threads: their signals go to bound slots of this GUI-thread object, so they
        # are queued here (a lambda connected to an object of another thread would run in that thread).
        self.worker = AccountWorker(self.account.id, store, self._connect, engine_factory=self._engine_factory)
        self.worker.stateChanged.connect(self._worker_state)
        self.worker.connectionProblem.connect(self._worker_problem)
        self.worker.reconnectDue.connect(self.sync_all)
        self.worker.storeDamaged.connect(self._store_damaged)
        self.worker.keyringOpened.connect(self.keyring_unlocked)
        if self._push:
            self.idle = IdleWorker(self.account.id, self._connect, INBOX)
            self.idle.changed.connect(self._inbox_changed)
            self.idle.stateChanged.connect(self._idle_state)
            self.idle.failed.connect(self._worker_problem)
        self.ready = True

    @property
    def account_id(self) -> str:
        return self.account.id

    @property
    def state(self) -> str:
        if self.open_error is not None:
            return "unusable"
        return self.worker.state if self.ready else self._opening_state

    def start(self) -> None:
        """Start syncing (and pushing); while the store opens, once it is open."""
        if not self.ready:
            self._start_when_ready = True
            return
        if self._stopped:
            return
        self.worker.start()
        # Damage found here reaches the window through the worker's storeDamaged signal.
        self.worker.submit(lambda _op, engine: engine.store.check_integrity(), "check the store", INTERACTIVE)
        self.sync_all()
        self._backfill_addresses()
        self._build_search_index()
        self._resync.start()
        if self.idle is not None:
            self.idle.start()

    # -- synchronisation ---------------------------------------------------------------------------------------

    def set_check_interval(self, milliseconds: int) -> None:
        """How often every folder is checked (the Preferences' "check every"; IDLE pushes the Inbox meanwhile)."""
        self._resync.setInterval(max(60_000, int(milliseconds)))

    @Slot()
    def _periodic_sync(self) -> None:
        """The timer's sync, except while the account waits for the person (a refused password, an untrusted
        certificate, a locked keyring): a login that will fail, every few minutes all day, gets accounts locked."""
        if self.worker.state not in ("error", "locked"):
            self.sync_all()

    @Slot()
    def sync_all(self) -> None:
        """Send queued commands, refresh the folder list, then sync every folder (INBOX first), one operation
        per folder so that what the person does can run in between."""
        if self._syncing or self._stopped or not self.ready:
            return
        self._syncing = True
        self.activity.emit(self.account.id, translate("AccountSession", "Connecting…"), 0, 0)

        def folder_list(_op: Operation, engine: SyncEngine) -> list[CommandRefused]:
            refused = engine.replay_queue()
            engine.sync_folder_list()
            return refused

        op = self.worker.submit(folder_list, "folder list", BACKGROUND)
        op.finished.connect(self._folder_list_done)
        op.failed.connect(self._sync_ended)
        op.cancelled.connect(self._sync_ended)

    def _folder_list_done(self, refused: list[CommandRefused]) -> None:
        if self._stopped:  # its answer came after the session began to stop: the store may be closed already
            return
        if refused:
            self.commandsRefused.emit(self.account.id, refused)
        # A Gmail label's folder is a view of All Mail: syncing All Mail brings it up to date.
        names = [folder.name for folder in self.reader.folders() if folder.selectable and folder.gmail_label is None]
        names.sort(key=lambda name: (name.upper() != INBOX, name))
        self._sync_left = list(names)
        if not names:
            self._sync_ended()
            return
        for position, name in enumerate(names, start=1):
            op = self._submit_folder_sync(name, BACKGROUND, position, len(names))
            op.done.connect(lambda name=name: self._folder_synced(name))

    def _folder_synced(self, name: str) -> None:
        if name in self._sync_left:
            self._sync_left.remove(name)
        if not self._sync_left:
            self._sync_ended(completed=True)

    def _sync_ended(self, *_args: object, completed: bool = False) -> None:
        self._syncing = False
        self._sync_left = []
        self.activity.emit(self.account.id, "", 0, 0)
        if completed and not self.synced_once and not self._stopped:
            self.synced_once = True
            try:
                self.inbox_baseline = self.reader.max_uid(INBOX)
            except Exception:  # noqa: BLE001 - an account without INBOX just has nothing to announce
                self.inbox_baseline = 0
        self.syncFinished.emit(self.account.id)

    def sync_folder(self, name: str, priority: int = INTERACTIVE) -> Operation | None:
        """Sync one folder now (the person pressed Refresh, or IDLE saw a change); None if one is queued."""
        if name in self._folder_syncs or self._stopped:
            return None
        return self._submit_folder_sync(name, priority, 0, 0)

    def _submit_folder_sync(self, name: str, priority: int, position: int, count: int) -> Operation:
        # Every folder sync (the full pass, Refresh, IDLE's push) first replays the queued commands
        # (SyncEngine.sync_folder does); what it refused or dropped is reported like any command's.
        def work(op: Operation, engine: SyncEngine) -> Any:
            return engine.sync_folder(name, progress=lambda done, total: op.say("progress", done, total),
                                      cancel=op.cancel_event, between_batches=self.worker.run_interactive_now)

        self._folder_syncs.add(name)
        op = self.worker.submit(work, f"sync {name}", priority)
        if count:
            text = translate("AccountSession", "Synchronising %1 (%2 of %3)")
            text = text.replace("%1", name).replace("%2", str(position)).replace("%3", str(count))
        else:
            text = translate("AccountSession", "Synchronising %1").replace("%1", name)
        op.progress.connect(lambda done, total: self.activity.emit(self.account.id, text, done, total))
        op.done.connect(lambda: self._folder_sync_done(name))
        if count == 0:
            op.done.connect(lambda: None if self._syncing else self.activity.emit(self.account.id, "", 0, 0))
        op.failed.connect(self._background_failed)
        op.finished.connect(self._sync_replayed)
        return op

    def _sync_replayed(self, result: object) -> None:
        if isinstance(result, SyncResult) and result.refused:
            self.commandsRefused.emit(self.account.id, list(result.refused))

    @Slot()
    def _store_damaged(self) -> None:
        self.storeDamaged.emit(self.account.id)

    def _background_failed(self, exc: BaseException) -> None:
        log.info("Background sync of %s failed: %s", self.account.label, exc)

    def cancel_sync(self) -> None:
        if self.ready:
            self.worker.cancel_background()

    def retry_now(self) -> None:
        if self.ready:
            self.worker.retry_now()

    @Slot(str)
    def _worker_state(self, state: str) -> None:
        if state == "online" and self.idle is not None:
            self.idle.resume()  # whatever stopped IDLE (password, certificate, keyring) is fixed: the worker got in
        self.stateChanged.emit(self.account.id, state)

    @Slot()
    def keyring_unlocked(self) -> None:
        """The person unlocked the keyring: connect again now (the worker, and IDLE if the lock stopped it)."""
        if self._stopped or not self.ready:
            return
        if self.worker.state == "locked":
            self.worker.retry_now()
        if self.idle is not None:
            self.idle.resume()

    @Slot(object)
    def _worker_problem(self, exc: BaseException) -> None:
        self.connectionProblem.emit(self.account.id, exc)

    def _folder_sync_done(self, name: str) -> None:
        self._folder_syncs.discard(name)
        if name in self._changed_during_sync:
            self._changed_during_sync.discard(name)
            self.sync_folder(name, PUSH)

    @Slot()
    def _inbox_changed(self) -> None:
        self._sync_again(INBOX)

    def _sync_again(self, name: str) -> None:
        """``name`` changed on the server: sync it now, or, when a sync of it is running (it may have listed the
        folder before the change), once more after that one."""
        if self.sync_folder(name, PUSH) is None and name in self._folder_syncs:
            self._changed_during_sync.add(name)

    @Slot(str)
    def _idle_state(self, state: str) -> None:
        if state == "online" and not self._idle_was_online:
            # IDLE's first SELECT is where it starts watching: mail delivered between the Inbox's sync and that
            # SELECT would be reported by neither (IDLE counts what arrived while it was away on reconnections only).
            self._idle_was_online = True
            self._inbox_changed()
        if state == "online" and self.worker.state == "offline":
            self.worker.retry_now()  # the server is reachable again: no need to wait out the backoff

    # -- commands ----------------------------------------------------------------------------------------------

    def _command(self, work: Callable[[Operation, SyncEngine], Any], name: str) -> Operation:
        op = self.worker.submit(work, name, INTERACTIVE)
        op.finished.connect(self._report_refused)
        return op

    def _report_refused(self, result: object) -> None:
        if isinstance(result, list) and result and all(isinstance(item, CommandRefused) for item in result):
            self.commandsRefused.emit(self.account.id, result)

    def note_written_to(self, people: Sequence[tuple[str, str]]) -> Operation:
        """The person sent mail to these (name, address) pairs: address completion offers them from now on."""
        pairs = list(people)
        return self.worker.submit(lambda _op, engine: engine.store.note_written_to(pairs), "remember recipients",
                                  INTERACTIVE)

    def _backfill_addresses(self) -> None:
        """A store made before address completion had its index is indexed a slice at a time, in the
        background, between whatever else the worker does."""
        op = self.worker.submit(lambda _op, engine: engine.store.backfill_addresses(), "index addresses",
                                BACKGROUND)
        op.finished.connect(lambda more: self._backfill_addresses() if more and not self._stopped else None)

    def _build_search_index(self) -> None:
        """A store made before the full-text index had prefix entries builds the new index a slice at a time, in
        the background, between whatever else the worker does; searches use the old one until it is complete."""
        op = self.worker.submit(lambda _op, engine: engine.store.build_search_index(), "index words",
                                BACKGROUND)
        op.finished.connect(lambda more: self._build_search_index() if more and not self._stopped else None)

    def search_server(self, folder: str, query: str) -> Operation:
        """Search ``folder`` on the server for ``query`` (the search box's language; X-GM-RAW on Gmail): finishes
        with the matching UIDs, newest first, their summaries stored."""
        return self.worker.submit(
            lambda _op, engine: engine.search_server_for(folder, query, limit=SERVER_SEARCH_LIMIT),
            "search on server", INTERACTIVE,
        )

    def fetch_body(self, folder: str, uid: int) -> Operation:
        """The whole message, attachments included (saving one, forwarding, a reader window)."""
        return self.worker.submit(lambda _op, engine: engine.fetch_body(folder, uid), "fetch body", INTERACTIVE)

    def fetch_for_reading(self, folder: str, uid: int,
                          then: Callable[[Any], tuple[Any, str | None]] | None = None, *,
                          unless_cached: bool = False) -> Operation:
        """What showing the message needs (a ``ReadableMessage``): its text parts, never its attachments.

        ``then(readable)``, if given, runs in the worker right after the download (the opener parses there, so the
        text needs no other hop) and returns ``(result, searchable text or None)``: the operation finishes with
        the result, and the text, when given, is cached with the message instead of being extracted again. What
        was downloaded is cached by a second operation queued behind it, so caching never delays the text; a
        download ``then`` failed on (a message that could not be parsed) is not cached. A fetch superseded once
        its download is done (the person moved on) is still cached, its searchable text then extracted in a
        parsing process by the caching operation. ``unless_cached``: the operation finishes with None, asking
        nothing of the server, when the store has something to show the message (the caller reads that in the
        runner's pool at the same time; see ``SyncEngine.fetch_unless_cached``)."""
        fetched: list[list[Any]] = []  # [readable, its searchable text or None]

        def fetch(op: Operation, engine: SyncEngine) -> Any:
            if unless_cached:
                readable = engine.fetch_unless_cached(folder, uid)
                if readable is None:
                    return None
            else:
                readable = engine.fetch_for_reading(folder, uid, cache=False)
            downloaded: list[Any] = [readable, None]
            fetched.append(downloaded)  # kept even if the person has moved on meanwhile: the bytes are here
            op.check_cancelled()
            if then is None:
                return readable
            try:
                result, downloaded[1] = then(readable)
            except BaseException:
                fetched.remove(downloaded)  # it could not be parsed: not cached
                raise
            return result

        def cache(_op: Operation, engine: SyncEngine) -> None:
            if not fetched:
                return
            readable, text = fetched.pop()
            if text is None:  # superseded before its parse: the text is extracted where hostile mail costs nothing
                try:
                    text = message_parser().parse(readable.raw, partial=not readable.complete, with_text=True).text
                except ParseFailed:
                    return
            engine.cache_readable(folder, uid, readable, text=text)

        op = self.worker.submit(fetch, "fetch text", INTERACTIVE)
        self.worker.submit(cache, "cache text", INTERACTIVE)
        return op

    @staticmethod
    def _recorded(step: UndoStep | None, engine: SyncEngine, refused: list[CommandRefused]) -> list[CommandRefused]:
        return step.record(engine, refused) if step is not None else refused

    def set_flags(self, folder: str, uids: Sequence[int], add: Sequence[str] = (),
                  remove: Sequence[str] = (), *, undo: UndoStep | None = None) -> Operation:
        uid_list, add_list, remove_list = list(uids), list(add), list(remove)
        return self._command(lambda _op, engine: self._recorded(
            undo, engine, engine.set_flags(folder, uid_list, add_list, remove_list)), "flags")

    def move(self, folder: str, uids: Sequence[int], destination: str, *, undo: UndoStep | None = None
             ) -> Operation:
        uid_list = list(uids)
        op = self._command(lambda _op, engine: self._recorded(
            undo, engine, engine.move_messages(folder, uid_list, destination)), "move")
        op.finished.connect(lambda refused: self._moved_into(destination, refused))
        return op

    def _moved_into(self, destination: str | None, refused: object) -> None:
        """Messages were moved to ``destination`` (a folder, the Trash): sync it now, so that it lists and counts
        them at once rather than at its next periodic check. The sync replays the queue first, so it comes after
        the move on the server. Nothing is asked while offline (the move stays queued; the next sync does both)."""
        if destination is None or self._stopped or not self.ready or self.worker.state != "online":
            return
        if isinstance(refused, list) and refused:
            return  # refused: the messages are back where they were
        self._sync_again(destination)

    def undo(self, step: UndoStep) -> Operation:
        """Undo what ``step`` did (after the operation that did it, in the worker's order); fails with
        NotUndoable when it was refused or never queued."""
        def work(_op: Operation, engine: SyncEngine) -> list[CommandRefused]:
            if step.command is None or step.refused:
                raise NotUndoable(f"{step.name} was not carried out, so there is nothing to undo")
            return engine.undo(step.command)

        return self._command(work, "undo")

    def trash_folder(self) -> str | None:
        """The Trash a delete moves messages to (what the engine will choose), or None: deleting is permanent."""
        return choose_special_folder("trash", ((f.name, f.special_use, f.selectable) for f in self.reader.folders()))

    def delete(self, folder: str, uids: Sequence[int], *, undo: UndoStep | None = None) -> Operation:
        """Move to the Trash; fails with PermanentDeleteNeeded (changing nothing) if that cannot be done."""
        uid_list = list(uids)
        op = self._command(lambda _op, engine: self._recorded(
            undo, engine, engine.delete_messages(folder, uid_list)), "delete")
        trash = self.trash_folder()
        op.finished.connect(lambda refused: self._moved_into(trash, refused))
        return op

    def delete_permanently(self, folder: str, uids: Sequence[int]) -> Operation:
        """Delete for good: only once the person confirmed it."""
        uid_list = list(uids)
        return self._command(lambda _op, engine: engine.delete_permanently(folder, uid_list), "delete permanently")

    def create_folder(self, name: str) -> Operation:
        return self._command(lambda _op, engine: engine.create_folder(name), "create folder")

    def rename_folder(self, old: str, new: str) -> Operation:
        return self._command(lambda _op, engine: engine.rename_folder(old, new), "rename folder")

    def delete_folder(self, name: str) -> Operation:
        return self._command(lambda _op, engine: engine.delete_folder(name), "delete folder")

    # -- the end -----------------------------------------------------------------------------------------------

    def request_stop(self) -> None:
        """Begin stopping (returns at once): IDLE leaves, the worker cancels and logs out."""
        if self._stopped:
            return
        self._stopped = True
        self._resync.stop()
        if not self.ready:
            return  # an open in progress runs to its end (a migration is one transaction); _opened closes it
        if self.idle is not None:
            self.idle.request_stop()
        self.worker.request_stop()

    def interrupt(self) -> None:
        """Break both connections' blocking calls, a connect in progress included (from any thread)."""
        if not self.ready:
            return
        self.worker.interrupt()
        if self.idle is not None:
            self.idle.interrupt()

    def wait(self, deadline: float) -> bool:
        """Wait until ``deadline`` (time.monotonic()) for both threads; True if both have ended."""
        if not self.ready:
            return True  # no thread of its own: an open still running is the runner's, and closes what it opened
        stopped = self.worker.wait(deadline)
        if self.idle is not None:
            stopped = self.idle.wait(deadline) and stopped
        return stopped

    def release(self, stopped: bool) -> None:
        """After the threads: let go of the relay and the read handles (those lent to pool threads as they come
        back), and close the store once its writer is done (a worker still running keeps its store open)."""
        if not self.ready:
            return
        self._relay.detach(self.account.id)
        self.reader.close()
        self.readers.close()
        if stopped:
            self.store.close()
        else:
            log.warning("The worker of %s did not stop in time; its store is left open", self.account.label)

    def wait_stopped(self, deadline: float) -> bool:
        """Stop within ``deadline`` (time.monotonic()): gracefully in the first half, then interrupted; then
        release the store."""
        self.request_stop()
        halfway = time.monotonic() + (deadline - time.monotonic()) / 2
        stopped = self.wait(halfway)
        if not stopped:
            self.interrupt()
            stopped = self.wait(deadline)
        if not stopped:
            keep([self])
        self.release(stopped)
        return stopped

    def stop(self, timeout_ms: int = 2000) -> bool:
        return self.wait_stopped(time.monotonic() + timeout_ms / 1000)
