"""The sync engine: keeps one account's local store in step with its IMAP server.

Blocking, called from one thread (the account's worker thread); a header sync of more than one batch stores each
batch from a writer thread of its own while the next is fetched (``_BatchWriter``). Data flows server → store; the
GUI reads the store.
Safety rules, learnt from other clients' bugs:

* A local message is removed only when the server said so: after a complete, successful search of all UIDs
  (or the folder's UIDVALIDITY changed). A dropped connection mid-response raises before anything is deleted,
  so a partial answer can never delete local mail (the Mailspring-Sync VANISHED bug).
* Headers are fetched newest first in batches of UIDs, never one round trip per message.
* With CONDSTORE, an unchanged folder (same HIGHESTMODSEQ, UIDNEXT and count) costs one SELECT; changed flags
  are found with ``SEARCH MODSEQ``. Without it, flags of every message are re-read in batches.
* Commands (flags, moves, deletes) change the store at once, are queued durably, and are replayed in order;
  a refused command is rolled back in the store and reported.
* Queued commands replay before any folder is synchronised (whatever asked for the sync: the person, a timer,
  IDLE), so a sync never brings back what the person just moved or overwrites what they just flagged.
* A queued command's UIDs are used only under the UIDVALIDITY they were taken from; after a change its messages
  are found again by Message-ID, and those that cannot be are left alone and reported, never guessed.
* Nothing is deleted for good unless the caller asked for exactly that (``delete_permanently``): a delete is a
  move to the Trash chosen when the person deleted, and the replay never falls back to expunging.
* Gmail stores each message once (``connectors.store.gmail``): All Mail, Trash and Spam are synchronised; every
  label's folder (INBOX, Sent, user labels...) is a view of All Mail kept by the store from X-GM-LABELS. Syncing a
  view syncs All Mail; what the person does in a view is done in All Mail under the same UIDs: flags as flags, a
  move to another label or an archive as a label change (STORE X-GM-LABELS), a delete or a move to Trash/Spam as a
  move out of All Mail.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from imapclient import exceptions as imap_errors
from imapclient import imap_utf7

from ..exceptions import ConnectionError, ConnectorError, FetchInterruptedError, MessageError
from ..messaging.bodystructure import ReadableMessage
from ..messaging.imap import GmailIMAPConnector, IMAPConnector, list_with_roles
from ..messaging.imap_support import choose_special_folder, decode_labels
from ..messaging.mime import parse_message
from ..store import Command, MailStore
from ..store.schema import uid_of
from .header_process import MADE, HeaderRowsProcess
from .offline import BATCH_MESSAGES, download_bodies
from .server_search import server_criteria
from .summaries import GMAIL_ITEMS, SUMMARY_ITEMS, row_from_fetch, with_internal_date
from .undo import LABELS, RESTORE, execute_restore
from .undo import undo as undo_in_store

log = logging.getLogger(__name__)

HEADER_BATCH = 2000
FIRST_HEADER_BATCH = 500  # the newest, for the list to show at once; the batches after it are full-size
# A first sync of a larger folder fetches its newest FIRST_HEADER_BATCH by sequence number before searching its
# UIDs (at a million messages the UID search alone takes seconds); a smaller one is searched first, as any resync.
NEWEST_FIRST_OVER = FIRST_HEADER_BATCH
INDEX_EVERY = 20_000  # stored headers whose full-text entries and address links are written in one go
MIN_HEADER_BATCH = 50  # after cuts, batches halve down to this
FLAGS_BATCH = 5000
# More headers to fetch than this, and their rows are made by a child process while this thread reads the socket
# (``header_process``); fewer are not worth its start.
CHILD_OVER = 5000
# ... on a machine with at least this many CPUs for Facteur: the child costs ~10% more CPU in all (the answer's bytes
# through a pipe, the rows back), which a free core repays; on 2 cores shared with everything else it did not make
# the sync faster (bench/RESULTS.md, issue 13.1).
CHILD_CPUS = 3


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1

# The X-GM-LABELS value behind Gmail's system folders (by SPECIAL-USE); a user label's folder is named as the label.
# Starred follows the \\Flagged flag (connectors.store.gmail.STARRED).
_GMAIL_SYSTEM_LABELS = {"inbox": "\\Inbox", "sent": "\\Sent", "drafts": "\\Draft", "important": "\\Important",
                        "flagged": "\\Starred"}
_NOT_IN_ALL_MAIL = ("trash", "junk")


@dataclass(frozen=True)
class SyncProgress:
    folder: str
    done: int
    total: int


@dataclass(frozen=True)
class CommandRefused:
    """A queued command the server refused (the store was rolled back), or, with ``dropped``, one given up
    without being sent: its folder's UIDVALIDITY changed and these messages could not be found again by
    Message-ID (the folder's next sync shows the server's state)."""

    kind: str
    folder: str
    uids: tuple[int, ...]
    error: ConnectorError
    dropped: bool = False


@dataclass(frozen=True)
class SyncResult:
    added: int = 0
    changed: int = 0
    removed: int = 0
    refused: tuple[CommandRefused, ...] = ()
    """Queued commands replayed before the sync that were refused or dropped."""


class PermanentDeleteNeeded(MessageError):
    """Deleting these messages can only be permanent (the account has no Trash, or they are in it): nothing was
    done. Ask the person, then call ``delete_permanently``."""


class _FolderReplaced(Exception):
    """The folder's UIDVALIDITY changed between two connections of one sync: its UIDs no longer mean the same."""


class Cancelled(Exception):
    """The caller's cancel event was set; the store holds everything completed so far."""


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled()


class _BatchWriter:
    """Runs a header sync's store writes in a thread of its own, one batch at a time, while the engine's thread
    fetches and parses the next batch: SQLite releases the interpreter lock while it writes, so its B-tree work
    overlaps the network wait and the parsing (a first sync of 100k headers spends about as long storing rows as
    reading and parsing them). A write starts only once the previous one ended, in order; its failure is raised
    in the engine's thread by the next ``submit`` or by ``close``, which waits for the last write. Store events
    are then delivered in the writer thread (subscribers may be called from any thread). ``threaded=False``
    (a sync of one batch) writes in the caller's thread."""

    def __init__(self, *, threaded: bool) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="facteur-header-writer") if threaded else None
        self._pending: Future[None] | None = None

    def submit(self, write: Callable[..., None], *args: Any) -> None:
        self.wait()
        if self._pool is None:
            write(*args)
        else:
            self._pending = self._pool.submit(write, *args)

    def wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)


class SyncEngine:
    """One account: a store, and a way to get a connected IMAP connector (called again after a drop)."""

    def __init__(self, store: MailStore, connect: Callable[[], IMAPConnector], *,
                 header_batch: int = HEADER_BATCH, gmail_views: bool = True,
                 rows_in_child: bool | None = None) -> None:
        self.store = store
        self._connect = connect
        self._imap: IMAPConnector | None = None
        self._header_batch = header_batch
        self._batch_size = header_batch  # smaller for a while after the link broke mid-batch
        self._deferring = 0  # running syncs that left indexes out (one runs another between its batches)
        self._condstore = False
        self._gmail = False
        self._gmail_views = gmail_views  # False: every Gmail folder synchronised as a folder (as before views)
        self._views_ready = False  # the labels' folders are views of All Mail, as the folder list says
        # A large header sync's rows are made by a child process (see header_process); False: in this thread; None:
        # in a child when the machine has CHILD_CPUS.
        self._rows_in_child = _usable_cpus() >= CHILD_CPUS if rows_in_child is None else rows_in_child
        self._header_process: HeaderRowsProcess | None = None
        self.last_queued: Command | None = None
        """The command the last set_flags/move_messages/delete_messages/delete_permanently call queued, as it was
        before its replay: what ``undo`` takes."""

    # -- connection ------------------------------------------------------------------------------------------

    def connection(self) -> IMAPConnector:
        if self._imap is None or not self._imap.is_connected():
            imap = self._connect()
            caps = imap.capabilities()
            self._gmail = "X-GM-EXT-1" in caps
            self._views_ready = False
            self._condstore = False
            if "CONDSTORE" in caps or "QRESYNC" in caps:
                try:
                    imap.client.enable("CONDSTORE")
                    self._condstore = True
                except (imap_errors.IMAPClientError, OSError) as exc:
                    log.info("CONDSTORE could not be enabled: %s", exc)
            self._imap = imap
        return self._imap

    def close(self) -> None:
        self._stop_header_process()
        imap, self._imap = self._imap, None
        if imap is not None:
            imap.disconnect()

    def _start_header_process(self) -> None:
        """A child to make the rows of the header batches to come (ready a few tenths of a second later: the batches
        before are made here)."""
        if self._rows_in_child:
            if self._header_process is None:
                self._header_process = HeaderRowsProcess()
            self._header_process.start()

    def _stop_header_process(self) -> None:
        process, self._header_process = self._header_process, None
        if process is not None:
            process.close()

    # -- folders ---------------------------------------------------------------------------------------------

    def sync_folder_list(self) -> None:
        imap = self.connection()
        with imap.session("LIST") as client:
            listing = list_with_roles(client)
        self.store.upsert_folders(listing, prune=True)
        self._views_ready = False
        self._update_views()

    # -- Gmail: labels as views of All Mail ------------------------------------------------------------------

    def _gmail_layout(self) -> tuple[str, dict[str, str]] | None:
        """(All Mail, {folder: label}) when this account's labels are kept as views of All Mail, else None."""
        if not (self._gmail and self._gmail_views and isinstance(self._imap, GmailIMAPConnector)):
            return None
        folders = [f for f in self.store.folders() if f.selectable]
        all_mail = next((f.name for f in folders if f.special_use == "all"), None)
        if all_mail is None:
            return None
        labels = {f.name: _GMAIL_SYSTEM_LABELS.get(f.special_use or "", f.name) for f in folders
                  if f.name != all_mail and f.special_use not in _NOT_IN_ALL_MAIL}
        return all_mail, labels

    def _update_views(self, *, cancel: threading.Event | None = None,
                      between_batches: Callable[[], None] | None = None) -> None:
        """Make the labels' folders views of All Mail (new labels, and, once, an older store's label folders).
        Turning a folder that holds rows of its own into a view comes right after a complete sync of All Mail, so
        that each of its messages is found there with its cached body."""
        if self._views_ready:
            return
        layout = self._gmail_layout()
        if layout is None:
            self._views_ready = True
            return
        all_mail, labels = layout
        folders = {f.name: f for f in self.store.folders()}
        pending = [name for name, label in labels.items() if folders[name].gmail_label != label]
        if any(folders[name].gmail_label is None and folders[name].total for name in pending):
            if self.store.pending():
                return  # queued commands go first (sync_folder replays them, then comes back here)
            self._sync_one(all_mail, None, cancel, between_batches)
        stale = [f.name for f in folders.values() if f.gmail_label is not None and f.name not in labels]
        if pending or stale:
            self.store.set_gmail_views(all_mail, labels)
        self._views_ready = True

    def _on_server(self, folder: str) -> tuple[str, str | None]:
        """Where the messages of ``folder`` are acted on: (All Mail, the view's label) for a Gmail label's view,
        else (the folder, None)."""
        local = self.store.folder(folder)
        if local is not None and local.gmail_label is not None:
            source = self.store.gmail_source()
            if source is not None:
                return source, local.gmail_label
        return folder, None

    def sync_all(self, *, progress: Callable[[SyncProgress], None] | None = None,
                 cancel: threading.Event | None = None) -> dict[str, SyncResult]:
        """The folder list, then INBOX, then every other selectable folder (on Gmail, All Mail stands for the labels'
        views)."""
        self.sync_folder_list()
        names = [f.name for f in self.store.folders() if f.selectable and f.gmail_label is None]
        names.sort(key=lambda n: (n.upper() != "INBOX", n))
        results: dict[str, SyncResult] = {}
        for name in names:
            _check(cancel)
            local = self.store.folder(name)
            if local is not None and local.gmail_label is not None:
                continue  # an older store's label folder, turned into a view of All Mail during this pass

            def report(done: int, total: int, folder: str = name) -> None:
                if progress is not None:
                    progress(SyncProgress(folder, done, total))

            try:
                results[name] = self.sync_folder(name, progress=report, cancel=cancel)
            except MessageError as exc:  # e.g. a folder deleted meanwhile: the others still sync
                log.warning("Skipping folder %r: %s", name, exc)
        return results

    def sync_folder(self, name: str, *, progress: Callable[[int, int], None] | None = None,
                    cancel: threading.Event | None = None,
                    between_batches: Callable[[], None] | None = None) -> SyncResult:
        """Bring one folder up to date. ``between_batches`` is called after each batch of headers: a GUI worker
        runs what the person asked for meanwhile (open a message, mark it read) there, on the same connection,
        instead of waiting for a 100k-message folder to finish.

        Queued commands are replayed first (all of them, in order: a move into this folder counts too). On Gmail, a
        label's folder is a view of All Mail: All Mail is synchronised.
        """
        refused = tuple(self.replay_queue())
        self.connection()
        self._update_views(cancel=cancel, between_batches=between_batches)
        name = self._on_server(name)[0]
        return replace(self._sync_one(name, progress, cancel, between_batches), refused=refused)

    def _sync_one(self, name: str, progress: Callable[[int, int], None] | None, cancel: threading.Event | None,
                  between_batches: Callable[[], None] | None) -> SyncResult:
        imap = self.connection()
        info = imap.select_mailbox_info(name)
        exists = info["exists"]
        uidvalidity = info.get("uidvalidity")
        local = self.store.folder(name)
        if local is None:
            self.sync_folder_list()
            local = self.store.folder(name)
            if local is None:
                raise MessageError(f"Folder {name!r} is on the server but could not be recorded locally")
        if uidvalidity is not None and local.uidvalidity not in (None, uidvalidity):
            log.info("UIDVALIDITY of %r changed (%s → %s): rebuilding it", name, local.uidvalidity, uidvalidity)
            self.store.reset_folder(name, uidvalidity)
            local = self.store.folder(name)
            assert local is not None
        modseq = info.get("highestmodseq")
        if (self._condstore and modseq is not None and local.highestmodseq == modseq
                and local.uidnext == info.get("uidnext") and local.total == exists):
            self.store.index_pending()  # what a sync killed while indexing left
            self._build_deferred_indexes(between_batches)  # and what a cancelled one left out
            self.store.update_folder_state(name, last_sync=time.time())
            return SyncResult()

        # A folder's first sync shows its newest messages before anything else: they are fetched by sequence
        # number (no UID needs to be known) and stored by the writer thread while the UIDs are searched.
        newest_first = exists > NEWEST_FIRST_OVER and local.total == 0
        writer = _BatchWriter(threaded=True) if newest_first else None
        deferred = False
        try:
            newest: list[int] = []
            if writer is not None:
                newest, imap = self._fetch_newest(imap, name, exists, progress, cancel, uidvalidity, writer)
            if exists - local.total > CHILD_OVER:
                # After the newest (its imports would compete with them): they overlap the UID search instead.
                self._start_header_process()
            # One complete answer decides what is new and what is gone; a partial one raises before any change.
            # It comes in UID windows (ESEARCH ranges when offered): one line listing 300k UIDs would exceed
            # imaplib's line limit.
            on_server = set(imap.all_uids(info.get("uidnext"), exists)) if exists else set()
            if writer is not None:
                writer.wait()  # the newest are stored: one of them expunged meanwhile is removed below
                if progress is not None and newest:
                    progress(len(newest), len(newest) + len(on_server.difference(newest)))
                _check(cancel)
            local_uids = self.store.uids(name)
            gone = [uid for uid in local_uids if uid not in on_server]
            if gone:
                self.store.remove_messages(name, gone)
            just_fetched = set(newest)
            kept = [uid for uid in local_uids if uid in on_server and uid not in just_fetched]
            changed = self._sync_flags(imap, name, kept, local.highestmodseq, modseq, cancel, uidvalidity)
            local_set = set(local_uids)
            missing = sorted((uid for uid in on_server if uid not in local_set), reverse=True)
            shown = len(on_server.intersection(newest))
            # A big first sync stores its rows without the indexes they would land on at random, and builds them
            # once the rows are in (connectors.store.deferred).
            deferred = self.store.defer_indexes(len(missing))
            if deferred:
                self._deferring += 1
            else:
                self._build_deferred_indexes(between_batches)  # what a cancelled sync left out
            self._fetch_headers(imap, name, missing, progress, cancel, between_batches, uidvalidity,
                                writer=writer, done=shown)
        except _FolderReplaced:  # before anything was stored
            log.info("UIDVALIDITY of %r changed during the sync: the next sync rebuilds it", name)
            return SyncResult()
        finally:
            try:
                self._stop_header_process()
                if writer is not None:
                    try:
                        writer.close()
                    finally:
                        self.store.index_pending()
            finally:
                if deferred:
                    self._deferring -= 1
                    self._build_deferred_indexes(between_batches)
        self.store.update_folder_state(name, uidvalidity=uidvalidity, uidnext=info.get("uidnext"),
                                       highestmodseq=modseq, last_sync=time.time())
        return SyncResult(shown + len(missing), changed, len(set(gone).difference(newest)))

    def _build_deferred_indexes(self, between_batches: Callable[[], None] | None) -> None:
        """Build the indexes a big first sync left out, one transaction each, with ``between_batches`` between two
        (a GUI write waits for one index, not all); not while a sync that left them out still runs (this one runs
        between its batches): that sync builds them when it ends."""
        if self._deferring:
            return
        while self.store.build_deferred_indexes():
            if between_batches is not None:
                between_batches()

    def _fetch_newest(self, imap: IMAPConnector, name: str, exists: int,
                      progress: Callable[[int, int], None] | None, cancel: threading.Event | None,
                      uidvalidity: int | None, writer: _BatchWriter) -> tuple[list[int], IMAPConnector]:
        """The newest ``FIRST_HEADER_BATCH`` messages (fewer while batches are small after a cut) of a folder seen
        for the first time, fetched by sequence number right after SELECT and handed to ``writer``; their UIDs, and
        the connection to go on with. When the link breaks, the answers that arrived whole are kept and the engine
        reconnects (the rest of the sync fetches what is missing, as always); it raises ``_FolderReplaced`` when
        the folder's UIDVALIDITY changed meanwhile."""
        if progress is not None:
            progress(0, exists)
        folder_id = self.store.folder_key(name)
        try:
            response = imap.fetch_newest(min(self._batch_size, FIRST_HEADER_BATCH), exists, self._items())
            rows = self._rows(imap, folder_id, response)
        except ConnectionError as exc:
            rows = _received_whole(folder_id, None, exc)
            log.info("The link broke during %r's newest headers (%d kept): reconnecting", name, len(rows))
            imap = self._selected(name, uidvalidity)
        _check(cancel)
        if rows:
            writer.submit(self._store_batch, name, rows, False)
        return [uid_of(row[0]) for row in rows], imap

    def _items(self) -> list[str]:
        return SUMMARY_ITEMS + (GMAIL_ITEMS if self._gmail else [])

    def _fetch_headers(self, imap: IMAPConnector, name: str, uids: list[int],
                       progress: Callable[[int, int], None] | None, cancel: threading.Event | None,
                       between_batches: Callable[[], None] | None = None, uidvalidity: int | None = None, *,
                       writer: _BatchWriter | None = None, done: int = 0) -> None:
        """Summaries of ``uids`` (newest first) in batches, each batch stored as soon as it arrives.

        A flaky link still makes progress: when the connection breaks mid-batch, the answers that arrived whole are
        kept, the batch halves (it doubles again after each batch that gets through, up to ``header_batch``), and
        the engine reconnects and goes on. It gives up, raising the ConnectionError, when reconnecting fails or
        when even the smallest batch brings nothing.

        The first batch is small (the newest ``FIRST_HEADER_BATCH``: what the list shows first). Full-text entries
        and address links are written every ``INDEX_EVERY`` headers and before returning (or raising), for many
        batches at once, which costs a fraction of writing them with each batch. Each batch is stored by a writer
        thread while this one fetches and parses the next (see ``_BatchWriter``); everything fetched is stored
        before this returns or raises.

        With ``writer`` (the caller's, which closes it), ``done`` headers were stored already (a first sync's
        newest): the batches start full-size and progress counts from there.
        """
        if writer is not None:
            if uids:
                self._fetch_header_batches(imap, name, uids, progress, cancel, between_batches, uidvalidity, writer,
                                           done)
            return
        writer = _BatchWriter(threaded=len(uids) > FIRST_HEADER_BATCH)
        try:
            self._fetch_header_batches(imap, name, uids, progress, cancel, between_batches, uidvalidity, writer)
        finally:
            try:
                writer.close()
            finally:
                self.store.index_pending()

    def _fetch_header_batches(self, imap: IMAPConnector, name: str, uids: list[int],
                              progress: Callable[[int, int], None] | None, cancel: threading.Event | None,
                              between_batches: Callable[[], None] | None, uidvalidity: int | None,
                              writer: _BatchWriter, done: int = 0) -> None:
        total, remaining = done + len(uids), uids
        if progress is not None and not done:
            progress(0, total)
        items = self._items()
        folder_id = self.store.folder_key(name) if remaining else 0
        first, deferred = not done, done
        stored = reported = done
        while remaining:
            _check(cancel)
            batch = remaining[:min(self._batch_size, FIRST_HEADER_BATCH) if first else self._batch_size]
            first = False
            try:
                imap = self._selected(name, uidvalidity)
            except _FolderReplaced:
                log.info("UIDVALIDITY of %r changed during the sync: the next sync rebuilds it", name)
                return
            try:
                rows = self._fetch_rows(imap, folder_id, batch, items)
            except ConnectionError as exc:
                rows = _received_whole(folder_id, batch, exc)
                smallest = len(batch) <= MIN_HEADER_BATCH
                self._batch_size = max(MIN_HEADER_BATCH, len(batch) // 2)
                if not rows and smallest:
                    raise
                log.info("The link broke during %r's header batch of %d (%d kept): going on with batches of %d",
                         name, len(batch), len(rows), self._batch_size)
                got = {uid_of(row[0]) for row in rows}
                remaining = [uid for uid in batch if uid not in got] + remaining[len(batch):]
            else:
                self._batch_size = min(self._header_batch, self._batch_size * 2)
                remaining = remaining[len(batch):]
            # The previous batch was stored while this one was fetched: progress counts what is stored, and a
            # cancel seen now leaves this batch out.
            writer.wait()
            if progress is not None and stored > reported:
                progress(stored, total)
                reported = stored
            _check(cancel)
            if rows:
                deferred += len(rows)
                writer.submit(self._store_batch, name, rows, deferred >= INDEX_EVERY)
                if deferred >= INDEX_EVERY:
                    deferred = 0
            stored = total - len(remaining)
            if between_batches is not None and remaining:
                between_batches()
        writer.wait()
        if progress is not None and stored > reported:
            progress(stored, total)

    def _store_batch(self, name: str, rows: list[tuple[Any, ...]], index: bool) -> None:
        """One header batch's rows into the store (in the writer thread); then, every ``INDEX_EVERY`` headers, the
        full-text entries and address links of those stored so far."""
        self.store.add_rows(name, rows, defer_index=True)
        if index:
            self.store.index_pending()

    def _selected(self, name: str, uidvalidity: int | None) -> IMAPConnector:
        """The connection, with ``name`` selected: after a reconnection (or when what ran between batches selected
        another folder), select it again and make sure it is still the same folder."""
        imap = self.connection()
        if imap.selected_mailbox != name:
            info = imap.select_mailbox_info(name)
            if uidvalidity is not None and info.get("uidvalidity") not in (None, uidvalidity):
                raise _FolderReplaced()
        return imap

    def _fetch_rows(self, imap: IMAPConnector, folder_id: int, batch: list[int],
                    items: list[str]) -> list[tuple[Any, ...]]:
        """The store rows of one header batch (``row_from_fetch``: made straight from the FETCH data, by the header
        process when one is ready)."""
        process = self._header_process
        reader = process.reader(folder_id) if process is not None else None
        if reader is None:
            return self._rows(imap, folder_id, imap.fetch(batch, items))
        return self._rows(imap, folder_id, imap.fetch(batch, items, reader=reader))

    def _rows(self, imap: IMAPConnector, folder_id: int,
              response: dict[int, dict[bytes, Any]]) -> list[tuple[Any, ...]]:
        """The store rows of FETCH answers; INTERNALDATE is fetched for the messages their Date header left undated.
        """
        made = [_made(folder_id, uid, data) for uid, data in response.items()]
        undated = [uid_of(row[0]) for row, dated in made if not dated]
        if undated:
            try:
                dates = imap.fetch(undated, ["INTERNALDATE"])
            except ConnectionError as exc:  # the headers did arrive: keep those that need no INTERNALDATE
                raise FetchInterruptedError(str(exc), exc.host, exc.port, received=dict(response)) from None
            return [row if dated else with_internal_date(row, dates.get(uid_of(row[0]), {}).get(b"INTERNALDATE"))
                    for row, dated in made]
        return [row for row, _ in made]

    def _sync_flags(self, imap: IMAPConnector, name: str, known: list[int], local_modseq: int | None,
                    server_modseq: int | None, cancel: threading.Event | None,
                    uidvalidity: int | None = None) -> int:
        if not known:
            return 0
        if self._condstore and local_modseq is not None and server_modseq is not None:
            if server_modseq == local_modseq:
                return 0
            changed_uids = set(imap.search_among(known, ["MODSEQ", str(local_modseq + 1)]))
            candidates = [uid for uid in known if uid in changed_uids]
        else:
            candidates = known
        changed = 0
        items = ["FLAGS"] + (["X-GM-LABELS"] if self._gmail else [])
        # As for headers, a flaky link still makes progress: the answers that arrived before a cut are applied,
        # the batch halves (and grows back), and the engine reconnects and goes on from there.
        remaining, size = candidates, FLAGS_BATCH
        while remaining:
            _check(cancel)
            batch = remaining[:size]
            try:
                imap = self._selected(name, uidvalidity)
            except _FolderReplaced:
                log.info("UIDVALIDITY of %r changed during the sync: the next sync rebuilds it", name)
                return changed
            try:
                response = imap.fetch(batch, items)
            except ConnectionError as exc:
                wanted = set(batch)
                received = exc.received if isinstance(exc, FetchInterruptedError) else {}
                response = {uid: data for uid, data in received.items() if uid in wanted and b"FLAGS" in data}
                if not response and len(batch) <= MIN_HEADER_BATCH:
                    raise
                size = max(MIN_HEADER_BATCH, len(batch) // 2)
                log.info("The link broke during %r's flags batch of %d (%d kept): going on with batches of %d",
                         name, len(batch), len(response), size)
                remaining = [uid for uid in batch if uid not in response] + remaining[len(batch):]
            else:
                size = min(FLAGS_BATCH, size * 2)
                remaining = remaining[len(batch):]
            flags = {uid: frozenset(_text(f) for f in data.get(b"FLAGS", ())) for uid, data in response.items()}
            with self.store.batch():
                updated = set(self.store.update_flags(name, flags))
                if self._gmail:  # labels given or taken elsewhere
                    labels = {uid: decode_labels(data[b"X-GM-LABELS"]) for uid, data in response.items()
                              if b"X-GM-LABELS" in data}
                    updated.update(self.store.update_labels(name, labels))
            changed += len(updated)
        return changed

    # -- bodies ----------------------------------------------------------------------------------------------

    def fetch_body(self, folder: str, uid: int) -> bytes:
        """The message's raw bytes: from the local cache, else fetched (without marking it read) and cached."""
        folder = self._on_server(folder)[0]
        cached = self.store.body(folder, uid)
        if cached is not None:
            return cached
        raw = self.connection().get_raw_message(uid, mailbox=folder)
        with self.store.batch():
            self.store.store_body(folder, uid, raw)
            # The header sync guessed attachments from Content-Type; the body settles it.
            summary = self.store.summary(folder, uid)
            has_attachments = parse_message(raw).has_attachments
            if summary is not None and summary.has_attachments != has_attachments:
                self.store.add_messages(folder, [replace(summary, has_attachments=has_attachments)])
        return raw

    def fetch_for_reading(self, folder: str, uid: int, *, cache: bool = True) -> ReadableMessage:
        """What opening a message needs: what is cached (the whole message, or its text parts from an earlier
        opening), else its text parts only (attachments stay on the server until saved or opened, through
        :meth:`fetch_body`). Text parts are cached as an incomplete body (compressed and indexed for search like a
        whole one); the paperclip is set from BODYSTRUCTURE. ``cache=False``: the caller shows the text first and
        caches it afterwards with :meth:`cache_readable`."""
        folder = self._on_server(folder)[0]
        cached = self.store.readable_body(folder, uid)
        if cached is not None:
            raw, complete = cached
            if complete:
                return ReadableMessage(raw, True, parse_message(raw).has_attachments)
            summary = self.store.summary(folder, uid)
            return ReadableMessage(raw, False, bool(summary and summary.has_attachments))
        readable = self.connection().get_message_for_reading(uid, mailbox=folder)
        if cache:
            self.cache_readable(folder, uid, readable)
        return readable

    def fetch_unless_cached(self, folder: str, uid: int) -> ReadableMessage | None:
        """What :meth:`fetch_for_reading` downloads (not cached yet: see :meth:`cache_readable`), or None, without
        reading it, when something to show the message is cached already: for a caller that reads the cache in
        another thread at the same time (the GUI's message opener), so that neither waits for the other."""
        folder = self._on_server(folder)[0]
        if self.store.has_readable_body(folder, uid):
            return None
        return self.connection().get_message_for_reading(uid, mailbox=folder)

    def cache_readable(self, folder: str, uid: int, readable: ReadableMessage, *, text: str | None = None) -> None:
        """Keep what :meth:`fetch_for_reading` downloaded (see there); ``text``: its searchable text, when the
        caller has it already (see ``MailStore.store_body``)."""
        folder = self._on_server(folder)[0]
        if readable.complete and self.store.has_body(folder, uid):
            return  # it came from the cache
        with self.store.batch():
            self.store.store_body(folder, uid, readable.raw, complete=readable.complete, text=text)
            summary = self.store.summary(folder, uid)
            if summary is not None and summary.has_attachments != readable.has_attachments:
                self.store.add_messages(folder, [replace(summary, has_attachments=readable.has_attachments)])

    def prefetch_bodies(self, folder: str, uids: Sequence[int] | None = None, *, batch: int = BATCH_MESSAGES,
                        progress: Callable[[int, int], None] | None = None,
                        cancel: threading.Event | None = None) -> int:
        """Download and cache the whole messages not cached yet (all of the folder's by default), newest first,
        for reading and full-text search offline (see :mod:`.offline`). Returns how many were asked for."""
        _check(cancel)
        source, label = self._on_server(folder)
        if label is not None and uids is None:
            uids = self.store.uids(folder)  # a Gmail label's bodies are All Mail's
        folder = source
        imap = self.connection()
        imap.select_mailbox(folder)
        fetched = download_bodies(self.store, imap, folder, uids, most=batch, progress=progress,
                                  cancelled=lambda: cancel is not None and cancel.is_set())
        _check(cancel)
        return fetched

    # -- commands (optimistic, durable, replayed in order) -------------------------------------------------

    def set_flags(self, folder: str, uids: Sequence[int], add: Iterable[str] = (),
                  remove: Iterable[str] = ()) -> list[CommandRefused]:
        add, remove = list(add), list(remove)
        folder = self._on_server(folder)[0]
        self._queue("flags", folder, uids, {"add": add, "remove": remove})
        self.store.change_flags(folder, list(uids), add=add, remove=remove)
        return self._replay_quietly()

    def move_messages(self, folder: str, uids: Sequence[int], destination: str) -> list[CommandRefused]:
        """Move messages to ``destination``. From a Gmail label's view to another label (or to All Mail: an
        archive) it is what Gmail does with labels: the destination's label is added and the view's removed."""
        folder, label = self._on_server(folder)
        if label is not None:
            target, target_label = self._on_server(destination)
            if target_label is not None or target == folder:
                add = [target_label] if target_label is not None and target_label != label else []
                remove = [label] if label != target_label else []
                if not add and not remove:
                    return []
                self._queue(LABELS, folder, uids, {"add": add, "remove": remove})
                self.store.change_labels(folder, list(uids), add=add, remove=remove)
                return self._replay_quietly()
        self._queue("move", folder, uids, {"destination": destination})
        self.store.remove_messages(folder, list(uids))
        return self._replay_quietly()

    def trash_folder(self) -> str | None:
        """The account's Trash as the store knows it: SPECIAL-USE (or XLIST) first, then by name in many languages."""
        return choose_special_folder("trash", ((f.name, f.special_use, f.selectable) for f in self.store.folders()))

    def delete_messages(self, folder: str, uids: Sequence[int]) -> list[CommandRefused]:
        """Move messages to the Trash. Raises PermanentDeleteNeeded (doing nothing) when there is no Trash or the
        messages are in it: only ``delete_permanently`` deletes for good, and only when the caller says so."""
        folder = self._on_server(folder)[0]  # on Gmail a deleted message leaves every label for the Trash
        trash = self.trash_folder()
        if trash is None or trash == folder:
            raise PermanentDeleteNeeded(
                "There is no Trash folder to move these messages to; deleting them would be permanent"
                if trash is None else "These messages are in the Trash; deleting them again would be permanent"
            )
        self._queue("delete", folder, uids, {"trash": trash})
        self.store.remove_messages(folder, list(uids))
        return self._replay_quietly()

    def delete_permanently(self, folder: str, uids: Sequence[int]) -> list[CommandRefused]:
        """Delete messages for good (\\Deleted and UID EXPUNGE of exactly these): the person confirmed it."""
        folder = self._on_server(folder)[0]
        self._queue("expunge", folder, uids, {})
        self.store.remove_messages(folder, list(uids))
        return self._replay_quietly()

    def _queue(self, kind: str, folder: str, uids: Sequence[int], args: dict[str, Any]) -> None:
        self.last_queued = self.store.command(self.store.enqueue(kind, folder, list(uids), args))

    def undo(self, command: Command) -> list[CommandRefused]:
        """Undo a command this engine queued (``last_queued`` right after it): taken back from the queue if the
        server has not seen it yet, else answered by its inverse (see ``connectors.sync.undo``). Raises
        ``NotUndoable`` for a permanent delete, or moved messages that could not be found again."""
        undo_in_store(self.store, command)
        return self._replay_quietly()

    def _replay_quietly(self) -> list[CommandRefused]:
        try:
            return self.replay_queue()
        except ConnectionError as exc:
            log.info("Offline: the command stays queued (%s)", exc)
            return []

    def replay_queue(self) -> list[CommandRefused]:
        """Send queued commands in order. Stops (raising ConnectionError) when the server is unreachable; a
        command the server refuses is rolled back locally and returned; one whose messages cannot be found again
        after a UIDVALIDITY change is dropped and returned; the queue then moves on."""
        refused: list[CommandRefused] = []
        uidvalidity: dict[str, int | None] = {}  # per folder, as the server said during this replay
        for command in self.store.pending():
            try:
                target = self._aim(command, uidvalidity, refused)
                if target is None:
                    continue
                self._execute(target)
            except ConnectionError as exc:
                self.store.fail(command.id, str(exc))
                self._imap = None
                raise
            except ConnectorError as exc:
                log.warning("Server refused %s on %r: %s", command.kind, command.folder, exc)
                if self._on_server(command.folder)[1] is not None:
                    # Queued on a label's own folder by an older Facteur: the view's rows are All Mail's now, and
                    # All Mail's next sync shows the server's state.
                    self.store.discard(command.id)
                else:
                    self.store.rollback(command.id)
                refused.append(CommandRefused(command.kind, command.folder, command.uids, exc))
                continue
            self.store.complete(command.id)
        return refused

    def _aim(self, command: Command, uidvalidity: dict[str, int | None],
             refused: list[CommandRefused]) -> Command | None:
        """The command as it may be sent now: as queued while its folder's UIDVALIDITY is unchanged; else aimed at
        its messages' new UIDs, found by Message-ID (those not found are reported as dropped); None when none is
        left (dropped)."""
        imap = self.connection()
        if command.kind == RESTORE:
            return command  # it finds its messages by Message-ID, whatever their UIDs
        if command.folder not in uidvalidity:
            uidvalidity[command.folder] = imap.select_mailbox_info(command.folder).get("uidvalidity")
        current = uidvalidity[command.folder]
        if current is None or command.uidvalidity == current:
            return command
        log.info("UIDVALIDITY of %r changed since %s was queued: finding its messages by Message-ID",
                 command.folder, command.kind)
        by_message_id = imap.find_by_message_id(command.message_ids.values(), mailbox=command.folder)
        found = {uid: by_message_id[mid] for uid, mid in command.message_ids.items() if mid in by_message_id}
        lost = tuple(uid for uid in command.uids if uid not in found)
        if lost:
            refused.append(CommandRefused(command.kind, command.folder, lost, MessageError(
                f"The folder {command.folder!r} was rebuilt on the server (its UIDVALIDITY changed) and "
                f"{len(lost)} of the messages could not be found again; they were left as they are"), dropped=True))
        if not found:
            self.store.discard(command.id)
            return None
        return self.store.retarget(command.id, found, current)

    def _execute(self, command: Command) -> None:
        imap = self.connection()
        if command.kind == RESTORE:
            execute_restore(imap, self.store, command,
                            lambda imap, folder, uids: self._fetch_headers(imap, folder, list(uids), None, None))
            return
        uids = list(command.uids)
        if not uids:
            return
        if command.kind == "flags":
            imap.set_flags(uids, add=list(command.args.get("add", ())), remove=list(command.args.get("remove", ())),
                           mailbox=command.folder)
        elif command.kind == "move":
            imap.move_messages(uids, str(command.args["destination"]), mailbox=command.folder)
        elif command.kind == LABELS:
            if not isinstance(imap, GmailIMAPConnector):
                raise MessageError("Changing Gmail labels needs the Gmail connector")
            if command.args.get("add"):
                imap.add_labels(uids, [str(label) for label in command.args["add"]], mailbox=command.folder)
            if command.args.get("remove"):
                imap.remove_labels(uids, [str(label) for label in command.args["remove"]], mailbox=command.folder)
        elif command.kind == "expunge" or (command.kind == "delete" and command.args.get("permanent")):
            # Only ever queued by delete_permanently (or, before it existed, by an explicit permanent=True).
            imap.expunge_messages(uids, mailbox=command.folder)
        elif command.kind == "delete":
            imap.move_messages(uids, self._trash_for(command), mailbox=command.folder)
        else:
            raise MessageError(f"Unknown queued command {command.kind!r}")

    def _trash_for(self, command: Command) -> str:
        """Where a queued delete goes: the Trash recorded when the person deleted (commands queued by an older
        Facteur name none: the Trash known now). Never a reason to expunge instead."""
        trash = command.args.get("trash") or self.trash_folder()
        if not trash or trash == command.folder:
            raise MessageError(f"There is no Trash to move the messages of {command.folder!r} to; they were kept")
        return str(trash)

    # -- folder management -----------------------------------------------------------------------------------

    def create_folder(self, name: str) -> None:
        self.connection().create_mailbox(name)
        self.sync_folder_list()

    def rename_folder(self, old: str, new: str) -> None:
        self.connection().rename_mailbox(old, new)
        self.store.rename_folder(old, new)
        self.sync_folder_list()

    def delete_folder(self, name: str) -> None:
        self.connection().delete_mailbox(name)
        self.store.remove_folder(name)

    def search_server(self, folder: str, criteria: Sequence[Any] | str, *, limit: int | None = None) -> list[int]:
        """Search ``folder`` on the server, for what the local store cannot find (bodies never downloaded, mail
        not synchronised yet; X-GM-RAW on Gmail, see ``server_criteria``). Returns the matching UIDs, newest first
        (at most ``limit``), after storing the summaries of those the store did not hold, so lists can show them.
        """
        imap = self.connection()
        folder, label = self._on_server(folder)
        if label is not None:  # a Gmail label's view: its messages are searched in All Mail
            criteria = [criteria] if isinstance(criteria, str) else list(criteria)
            criteria += ["FLAGGED"] if label == "\\Starred" else ["X-GM-LABELS", _label_argument(label)]
        info = imap.select_mailbox_info(folder)
        local = self.store.folder(folder)
        if local is None or local.uidvalidity not in (None, info.get("uidvalidity")):
            self.sync_folder(folder)  # records the folder, or rebuilds it under its new UIDVALIDITY
        found = sorted(imap.search_uids(criteria, mailbox=folder), reverse=True)[:limit]
        known = set(self.store.uids(folder))
        missing = [uid for uid in found if uid not in known]
        if missing:
            self._fetch_headers(imap, folder, missing, None, None)
        return found

    def search_server_for(self, folder: str, query: str, *, limit: int | None = None) -> list[int]:
        """:meth:`search_server` for what the person typed in the search box (see ``server_criteria``); nothing
        is searched when nothing in it can be (``in:`` alone)."""
        self.connection()  # tells whether this is Gmail
        criteria = server_criteria(query, gmail=self._gmail)
        return self.search_server(folder, criteria, limit=limit) if criteria else []


def _received_whole(folder_id: int, batch: list[int] | None, error: ConnectionError) -> list[tuple[Any, ...]]:
    """The rows whose FETCH answers had arrived whole before the link broke (only dated ones: the others need a
    second FETCH for INTERNALDATE and come with the next batch); of ``batch``'s UIDs, or (None) of any UID."""
    if not isinstance(error, FetchInterruptedError):
        return []
    wanted = set(batch or ())
    made = [_made(folder_id, uid, data) for uid, data in error.received.items() if batch is None or uid in wanted]
    return [row for row, dated in made if dated]


def _made(folder_id: int, uid: int, data: dict[bytes, Any]) -> tuple[tuple[Any, ...], bool]:
    """``row_from_fetch`` of a FETCH answer: the header process's (see ``header_process.MADE``), or made here."""
    made: tuple[tuple[Any, ...], bool] | None = data.get(MADE)
    return made if made is not None else row_from_fetch(folder_id, uid, data)


def _label_argument(label: str) -> str:
    """A label as a SEARCH argument: system labels as they are, the person's in modified UTF-7 (RFC 3501 5.1.3),
    as Gmail names them on the wire."""
    if label.startswith("\\"):
        return label
    encoded: bytes = imap_utf7.encode(label)
    return encoded.decode("ascii")


def _text(flag: object) -> str:
    return flag.decode("utf-8", "replace") if isinstance(flag, bytes) else str(flag)

