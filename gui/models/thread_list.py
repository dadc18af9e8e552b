"""The threaded message list: one row per conversation (newest activity first); an expanded conversation shows
its messages as rows under it.

It is a flat table, like the plain list, so the same QTableView shows both (a tree view lays out every row
through Python, which a large folder cannot afford). It is lazy like the plain list too: the row count comes
from the folder's conversation keys in list order (``thread_keys``, one read of the store's ``threads_by_latest``
index), and a conversation's summary is read with its neighbours in windows of ``window`` rows (``threads_for``,
primary-key lookups) the first time the view paints it, so jumping to the end of 180,000 conversations reads one
window, never the pages before it. With a :class:`StoreLoader` every read happens off the GUI thread: ``data()``
answers a row not read yet with a placeholder, queues its window, and ``dataChanged`` follows when it arrives. The
windows next to the one being looked at are read ahead (at a quarter from either edge), so scrolling on with the
keyboard finds them there. A conversation's messages are read when it is expanded.

Store events re-read the keys (spaced by REREAD_SPACING_S while a sync pours messages in) and apply the
difference: conversations that left or arrived as row removals and insertions, a conversation that moved (a new
message brings it to the top) as a layout change that keeps the selection on it; summaries already read are shown
until their fresh copy arrives. With a :class:`StoreLoader`, that difference is computed off the GUI thread too.
See :mod:`gui.models.store_loader` for why reads leave the GUI thread and :mod:`gui.models.store_reads` for the
reading rules both lists share.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from connectors.store import MessageSummary, StoreError, ThreadSummary

from .message_columns import COLUMN_COUNT, Column, IconLookup, cell_data, header_data, placeholder_data
from .message_list import MAX_RUNS, REREAD_SPACING_S, emit_rows_changed, runs
from .pending_changes import PendingChanges
from .roles import Roles
from .store_loader import StoreLoader
from .store_reads import StoreReads

Index = QModelIndex | QPersistentModelIndex
WINDOW = 200
MAX_CACHED = 20_000
# Row keys: a conversation row is its thread key (a signed 64-bit integer); a message row under an expanded
# conversation is a key above every thread key, made of the conversation's key and the message's UID.
_MEMBER = 1 << 64
_UID_BITS = 32


def member_key(thread_key: int, uid: int) -> int:
    return _MEMBER + (((thread_key % _MEMBER) << _UID_BITS) | uid)


def is_member(key: int) -> bool:
    return key >= _MEMBER


def thread_of(key: int) -> int:
    """The conversation a row key belongs to (itself for a conversation row)."""
    if key < _MEMBER:
        return key
    unsigned = (key - _MEMBER) >> _UID_BITS
    return unsigned - _MEMBER if unsigned >= _MEMBER // 2 else unsigned


class ThreadSource(Protocol):
    @property
    def path(self) -> Any: ...

    def thread_keys(self, folder: str) -> list[int]: ...

    def threads_for(self, folder: str, keys: Sequence[int]) -> list[ThreadSummary]: ...

    def thread_uids(self, folder: str, keys: Sequence[int]) -> dict[int, tuple[int, ...]]: ...

    def summaries_for(self, folder: str, uids: Sequence[int]) -> list[MessageSummary]: ...


@dataclass(frozen=True)
class ReorderPlan:
    """How to turn one row order into another: runs to remove (old order), the kept rows in their new order if
    it changed (a layout change), then runs to insert (new order)."""

    removed: list[tuple[int, int]]
    kept: list[int] | None
    inserted: list[tuple[int, int]]


def plan_reordering(old: Sequence[int], new: Sequence[int]) -> ReorderPlan | None:
    """The plan, or None when the change is scattered over more than MAX_RUNS runs (a reset is then cheaper).
    Pure: it runs in the loader's thread."""
    new_set, old_set = set(new), set(old)
    removed = runs(row for row, key in enumerate(old) if key not in new_set)
    inserted = runs(row for row, key in enumerate(new) if key not in old_set)
    if len(removed) + len(inserted) > MAX_RUNS:
        return None
    kept_old = [key for key in old if key in new_set] if removed else list(old)
    kept_new = [key for key in new if key in old_set] if inserted else list(new)
    return ReorderPlan(removed, None if kept_old == kept_new else kept_new, inserted)


@dataclass(frozen=True)
class _Listing:
    """What a read of the conversation list brings: the rows, the summaries read with them, and how to get
    there from the rows shown when the read was asked for (None: reset)."""

    rows: list[int]
    threads: list[ThreadSummary]  # the first window, and the expanded conversations
    members: dict[int, list[MessageSummary]]  # expanded conversation → its visible messages, oldest first
    plan: ReorderPlan | None
    row_of: dict[int, int]


def _read_listing(reader: Any, folder: str, window: int, hidden: frozenset[int], expanded: Sequence[int],
                  old: list[int] | None) -> _Listing:
    """Read the conversation list (in any thread)."""
    keys = reader.thread_keys(folder)
    if hidden:
        # Conversations whose every message is hidden (being moved or deleted) are left out.
        touched = {summary.thread_key for summary in reader.summaries_for(folder, sorted(hidden))}
        gone = {key for key, uids in reader.thread_uids(folder, sorted(touched)).items() if set(uids) <= hidden}
        if gone:
            keys = [key for key in keys if key not in gone]
    threads = reader.threads_for(folder, keys[:window])
    members: dict[int, list[MessageSummary]] = {}
    if expanded:
        wanted = set(keys)
        for thread in reader.threads_for(folder, [key for key in expanded if key in wanted]):
            uids = [uid for uid in thread.uids if uid not in hidden]
            if len(uids) > 1:
                members[thread.thread_key] = reader.summaries_for(folder, uids)
                threads.append(thread)
    rows = _with_members(keys, members)
    plan = plan_reordering(old, rows) if old is not None else None
    return _Listing(rows, threads, members, plan, {key: row for row, key in enumerate(rows)})


def _with_members(keys: list[int], members: dict[int, list[MessageSummary]]) -> list[int]:
    if not members:
        return keys
    rows: list[int] = []
    for key in keys:
        rows.append(key)
        shown = members.get(key)
        if shown:
            rows.extend(member_key(key, summary.uid) for summary in shown)
    return rows


class ThreadListModel(QAbstractTableModel):
    folderLoaded = Signal()
    """A folder was (re)loaded: the view restores its selection."""

    def __init__(self, parent: QObject | None = None, *, icons: IconLookup | None = None, window: int = WINDOW,
                 max_cached: int = MAX_CACHED, loader: StoreLoader | None = None) -> None:
        super().__init__(parent)
        self._icons = icons
        self._reads = StoreReads(loader)
        self._window = max(1, window)
        self._max_cached = max(self._window, max_cached)
        self._source: ThreadSource | None = None
        self._account_id = ""
        self._folder = ""
        self._recipients = False
        self._rows: list[int] = []
        self._row_of: dict[int, int] | None = {}
        self._cache: dict[int, ThreadSummary] = {}
        self._stale: set[int] = set()  # conversations shown from the cache while their fresh copy is read
        self._windows_reading: set[int] = set()
        self._members: dict[int, list[MessageSummary]] = {}  # expanded conversation → its rows' messages
        self._member_rows: dict[int, MessageSummary] = {}
        self._pending = PendingChanges()
        self._last_reread = 0.0
        self._reread_timer = QTimer(self)
        self._reread_timer.setSingleShot(True)
        self._reread_timer.timeout.connect(self._refresh_now)

    @property
    def account_id(self) -> str:
        return self._account_id

    @property
    def folder(self) -> str:
        return self._folder

    def set_folder(self, source: ThreadSource | None, account_id: str, folder: str, *,
                   recipients: bool = False) -> None:
        self._source, self._account_id, self._folder = source, account_id, folder
        self._recipients = recipients
        self._pending.clear()
        self._reload()

    def clear(self) -> None:
        self.set_folder(None, "", "")

    def _reload(self) -> None:
        self._reads.forget()
        self._reread_timer.stop()
        self._windows_reading.clear()
        self.beginResetModel()
        self._rows, self._row_of = [], {}
        self._cache.clear()
        self._stale.clear()
        self._members.clear()
        self._member_rows.clear()
        self.endResetModel()
        self._read_listing(reset=True)

    def _read_listing(self, *, reset: bool) -> None:
        """Read the conversation list; ``reset``: show it afresh, else apply the difference to what is shown."""
        source, folder = self._source, self._folder
        if source is None or not folder:
            if reset:
                self.folderLoaded.emit()
            return
        window, hidden, expanded = self._window, frozenset(self._pending.hidden), list(self._members)
        old = None if reset else self._rows

        def arrived(result: Any) -> None:
            if isinstance(result, StoreError):
                result = _Listing([], [], {}, None, {})
            if reset:
                self._show(result)
            else:
                self._update(result, old)

        self._reads.read(source, lambda reader: _read_listing(reader, folder, window, hidden, expanded, old),
                         arrived, serial=True, again=self._refresh_now)

    def _take(self, listing: _Listing) -> None:
        """Keep what a listing read (before its rows are shown)."""
        self._cache.update((thread.thread_key, thread) for thread in listing.threads)
        self._stale.difference_update(thread.thread_key for thread in listing.threads)
        self._members = dict(listing.members)
        self._member_rows = {member_key(key, summary.uid): summary
                             for key, shown in listing.members.items() for summary in shown}

    def _show(self, listing: _Listing) -> None:
        self.beginResetModel()
        self._take(listing)
        self._rows, self._row_of = listing.rows, listing.row_of
        self.endResetModel()
        self.folderLoaded.emit()

    def _update(self, listing: _Listing, old: list[int] | None) -> None:
        """Turn the rows shown into the listing's (read while ``old`` was shown)."""
        if old is not self._rows:  # rows were expanded, collapsed or hidden meanwhile: read again
            self._refresh_now()
            return
        self._stale.update(self._cache)  # counts and newest messages may have changed: re-read when painted
        self._take(listing)
        plan = listing.plan
        if plan is None:
            self._show(listing)
            return
        self._apply(plan, listing.rows)
        self._row_of = listing.row_of
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, COLUMN_COUNT - 1))

    def _apply(self, plan: ReorderPlan, new: list[int]) -> None:
        current = list(self._rows)
        self._rows, self._row_of = current, None
        for first, last in reversed(plan.removed):
            self.beginRemoveRows(QModelIndex(), first, last)
            del current[first:last + 1]
            self.endRemoveRows()
        if plan.kept is not None:
            self.layoutAboutToBeChanged.emit()
            persistent = self.persistentIndexList()
            keys = {current[index.row()] for index in persistent if 0 <= index.row() < len(current)}
            kept = plan.kept
            if len(keys) > 16:
                new_row = {key: row for row, key in enumerate(kept)}
            else:
                new_row = {key: kept.index(key) for key in keys if key in kept}
            self.changePersistentIndexList(persistent, [
                self.index(new_row[current[index.row()]], index.column())
                if 0 <= index.row() < len(current) and current[index.row()] in new_row else QModelIndex()
                for index in persistent])
            current[:] = kept
            self.layoutChanged.emit()
        for first, last in plan.inserted:
            self.beginInsertRows(QModelIndex(), first, last)
            current[first:first] = new[first:last + 1]
            self.endInsertRows()
        self._rows = new

    # -- rows --------------------------------------------------------------------------------------------------

    def _row(self, key: int) -> int | None:
        if self._row_of is None:
            self._row_of = {value: row for row, value in enumerate(self._rows)}
        return self._row_of.get(key)

    def _thread_at(self, row: int, *, now: bool = False) -> ThreadSummary | None:
        """The conversation shown at ``row`` (a member row: its conversation) if read; ``now``: read it now if
        it is not (for actions, not for painting)."""
        if not 0 <= row < len(self._rows):
            return None
        key = thread_of(self._rows[row])
        thread = self._cache.get(key)
        if thread is None and now:
            self._load_window_now(self._row(key) or 0)
            thread = self._cache.get(key)
        return thread

    def _visible_uids(self, thread: ThreadSummary) -> list[int]:
        return [uid for uid in thread.uids if uid not in self._pending.hidden]

    def _window_keys(self, row: int) -> tuple[int, list[int]]:
        start = row - row % self._window
        return start, [key for key in self._rows[start:start + self._window]
                       if key < _MEMBER and (key not in self._cache or key in self._stale)]

    def _make_room(self, count: int) -> None:
        if len(self._cache) + count > self._max_cached:
            keep = set(self._members)
            self._cache = {key: thread for key, thread in self._cache.items() if key in keep}
            self._stale &= keep

    def _keep(self, threads: Sequence[ThreadSummary]) -> None:
        self._make_room(len(threads))
        self._cache.update((thread.thread_key, thread) for thread in threads)
        self._stale.difference_update(thread.thread_key for thread in threads)

    def _load_window_now(self, row: int) -> None:
        if self._source is None:
            return
        _start, wanted = self._window_keys(row)
        if not wanted:
            return
        try:
            self._keep(self._source.threads_for(self._folder, wanted))
        except StoreError:
            return

    def _queue_window(self, row: int) -> None:
        """Ask the loader for the window around ``row``; its rows repaint when it arrives."""
        if self._source is None or not 0 <= row < len(self._rows):
            return
        if row - row % self._window in self._windows_reading:
            return
        start, wanted = self._window_keys(row)
        if not wanted:
            return
        self._windows_reading.add(start)
        folder = self._folder

        def arrived(result: Any) -> None:
            self._windows_reading.discard(start)
            if isinstance(result, StoreError):
                return
            self._keep(result)
            self._emit_rows_changed(thread.thread_key for thread in result)

        self._reads.read(self._source, lambda reader: reader.threads_for(folder, wanted), arrived)

    def _emit_rows_changed(self, keys: Iterable[int]) -> None:
        emit_rows_changed(self, (self._row(key) for key in keys), COLUMN_COUNT)

    def is_loaded(self, row: int) -> bool:
        """Whether the row's conversation has been read (without asking for it)."""
        return self._thread_at(row) is not None

    # -- conversations -----------------------------------------------------------------------------------------

    def is_expanded(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and thread_of(self._rows[row]) in self._members

    def set_expanded(self, row: int, expanded: bool) -> None:
        """Show or hide the messages of the conversation at ``row`` (or of the one a member row belongs to)."""
        thread = self._thread_at(row, now=True)
        if thread is None or self._source is None:
            return
        key = thread.thread_key
        uids = self._visible_uids(thread)
        if (key in self._members) == expanded or len(uids) < 2:
            return
        top = self._row(key)
        if top is None:
            return
        if expanded:
            try:
                shown = self._source.summaries_for(self._folder, uids)
            except StoreError:
                return
            self.beginInsertRows(QModelIndex(), top + 1, top + len(shown))
            self._members[key] = shown
            self._member_rows.update((member_key(key, summary.uid), summary) for summary in shown)
            self._rows = self._rows[:top + 1] + [member_key(key, s.uid) for s in shown] + self._rows[top + 1:]
            self._row_of = None
            self.endInsertRows()
        else:
            shown = self._members[key]
            self.beginRemoveRows(QModelIndex(), top + 1, top + len(shown))
            del self._members[key]
            for summary in shown:
                self._member_rows.pop(member_key(key, summary.uid), None)
            self._rows = self._rows[:top + 1] + self._rows[top + 1 + len(shown):]
            self._row_of = None
            self.endRemoveRows()
        self.dataChanged.emit(self.index(top, Column.SUBJECT), self.index(top, Column.SUBJECT))

    # -- lookups -----------------------------------------------------------------------------------------------

    def summary_for(self, index: Index) -> MessageSummary | None:
        """The message a row shows (a conversation's newest), read now if the row was never painted."""
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        key = self._rows[index.row()]
        if key >= _MEMBER:
            summary = self._member_rows.get(key)
        else:
            thread = self._thread_at(index.row(), now=True)
            summary = thread.latest if thread is not None else None
        return self._effective(summary)

    def _effective(self, summary: MessageSummary | None) -> MessageSummary | None:
        if summary is None:
            return None
        return self._pending.shown(summary.uid, summary)

    def uids_for(self, index: Index) -> list[int]:
        """The messages a row stands for: a whole conversation, or one message."""
        if not index.isValid() or index.row() >= len(self._rows):
            return []
        return self.uids_for_rows([index.row()])

    def uids_for_rows(self, rows: Iterable[int]) -> list[int]:
        """The messages of several rows, in row order: conversations never read are looked up together."""
        wanted = sorted({row for row in rows if 0 <= row < len(self._rows)})
        missing = [self._rows[row] for row in wanted
                   if self._rows[row] < _MEMBER and self._rows[row] not in self._cache]
        looked_up: dict[int, tuple[int, ...]] = {}
        if missing and self._source is not None:
            try:
                looked_up = self._source.thread_uids(self._folder, missing)
            except StoreError:
                looked_up = {}
        found: dict[int, None] = {}
        for row in wanted:
            key = self._rows[row]
            if key >= _MEMBER:
                found[key & ((1 << _UID_BITS) - 1)] = None
                continue
            thread = self._cache.get(key)
            uids = thread.uids if thread is not None else looked_up.get(key, ())
            found.update((uid, None) for uid in uids if uid not in self._pending.hidden)
        return list(found)

    def index_of(self, uid: int, column: int = 0) -> QModelIndex:
        """The row of message ``uid``: its own row if its conversation is expanded, else the conversation's
        (found among the conversations read so far)."""
        for key, shown in self._members.items():
            if any(summary.uid == uid for summary in shown):
                row = self._row(member_key(key, uid))
                if row is not None:
                    return self.index(row, column)
        for key, thread in self._cache.items():
            if uid in thread.uids:
                row = self._row(key)
                if row is not None:
                    return self.index(row, column)
        return QModelIndex()

    # -- QAbstractTableModel -----------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not index.isValid() or row >= len(self._rows):
            return None
        key = self._rows[row]
        if key >= _MEMBER:
            return self._member_data(key, index.column(), role)
        thread = self._cache.get(key)
        if thread is None or key in self._stale:
            if not self._reads.deferred:
                self._load_window_now(row)
                thread = self._cache.get(key)
            else:
                self._queue_window(row)
        elif index.column() == 0 and role == Qt.ItemDataRole.DisplayRole and self._reads.deferred:
            self._read_ahead(row)
        if thread is None:
            return placeholder_data(index.column(), role)
        count = len(self._visible_uids(thread))
        conversation = count > 1
        if role == Roles.IS_THREAD:
            return conversation
        if role == Roles.THREAD_DEPTH:
            return 0
        if role == Qt.ItemDataRole.DecorationRole and index.column() == Column.SUBJECT and self._icons is not None:
            return self._icons("expanded" if key in self._members else "collapsed") if conversation else None
        return cell_data(self._effective(thread.latest), index.column(), role,  # type: ignore[arg-type]
                         recipients=self._recipients, icons=self._icons, thread_count=count,
                         thread_unread=thread.unread)

    def _member_data(self, key: int, column: int, role: int) -> Any:
        summary = self._effective(self._member_rows.get(key))
        if summary is None:
            return placeholder_data(column, role)
        if role == Roles.IS_THREAD:
            return False
        if role == Roles.THREAD_DEPTH:
            return 1
        if role == Qt.ItemDataRole.DecorationRole and column == Column.SUBJECT and self._icons is not None:
            return self._icons("in-thread")
        return cell_data(summary, column, role, recipients=self._recipients, icons=self._icons)

    def _read_ahead(self, row: int) -> None:
        """Painting a row in the last (first) quarter of its window reads the next (previous) window ahead."""
        offset = row % self._window
        if offset >= self._window * 3 // 4:
            start = row - offset + self._window
        elif offset < self._window // 4 and row >= self._window:
            start = row - offset - self._window
        else:
            return
        if start >= len(self._rows) or start in self._windows_reading:
            return
        last = min(start + self._window, len(self._rows)) - 1
        if not (self._fresh(self._rows[start]) and self._fresh(self._rows[last])):
            self._queue_window(start)

    def _fresh(self, key: int) -> bool:
        key = thread_of(key)
        return key in self._cache and key not in self._stale

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        return header_data(section, role, recipients=self._recipients)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    # -- store events ------------------------------------------------------------------------------------------

    def _concerns(self, account_id: str, folder: str) -> bool:
        return self._source is not None and account_id == self._account_id and folder == self._folder

    def messages_added(self, account_id: str, folder: str, uids: Sequence[int]) -> None:
        if self._concerns(account_id, folder):
            self._refresh()

    def messages_removed(self, account_id: str, folder: str, uids: Sequence[int]) -> None:
        if self._concerns(account_id, folder):
            self._refresh()

    def messages_changed(self, account_id: str, folder: str, uids: Sequence[int]) -> None:
        """Flags or labels changed: no conversation moves, so only the ones read so far that hold these
        messages are read again (when painted), and the messages shown under an expanded one."""
        if not self._concerns(account_id, folder) or self._source is None:
            return
        changed = set(uids)
        touched = [key for key, thread in self._cache.items() if not changed.isdisjoint(thread.uids)]
        self._stale.update(touched)
        self._emit_rows_changed(touched)
        members = [summary.uid for shown in self._members.values() for summary in shown if summary.uid in changed]
        if not members:
            return
        folder_name = self._folder

        def arrived(result: Any) -> None:
            if isinstance(result, StoreError):
                return
            fresh = {summary.uid: summary for summary in result}
            for key, shown in self._members.items():
                self._members[key] = [fresh.get(summary.uid, summary) for summary in shown]
                self._member_rows.update((member_key(key, uid), fresh[uid])
                                         for uid in (summary.uid for summary in shown) if uid in fresh)
            self._emit_rows_changed(member_key(key, summary.uid) for key, shown in self._members.items()
                                    for summary in shown if summary.uid in fresh)

        self._reads.read(self._source, lambda reader: reader.summaries_for(folder_name, members), arrived)

    def folder_reset(self, account_id: str, folder: str) -> None:
        if self._concerns(account_id, folder):
            self._pending.clear()
            self._reload()

    def _refresh(self, urgent: bool = False) -> None:
        """Re-read the conversation list and apply the difference. While a sync pours messages in, re-reads are
        spaced by REREAD_SPACING_S (each reads every conversation's key); what the person did is shown at once."""
        if not self._reads.deferred or self._reads.serial_reading:
            self._refresh_now()
            return
        wait = self._last_reread + REREAD_SPACING_S - time.monotonic()
        if wait > 0 and not urgent:
            if not self._reread_timer.isActive():
                self._reread_timer.start(int(wait * 1000) + 1)
            return
        self._refresh_now()

    def _refresh_now(self) -> None:
        self._reread_timer.stop()
        self._last_reread = time.monotonic()
        self._read_listing(reset=False)

    # -- optimistic changes ------------------------------------------------------------------------------------

    def hide(self, uids: Iterable[int]) -> None:
        """Take rows out at once (their messages are being moved or deleted)."""
        hidden = self._pending.hide(uids)
        gone = [key for key, thread in self._cache.items()
                if thread.uids and set(thread.uids) <= self._pending.hidden]
        gone += [key for key in self._member_rows if key & ((1 << _UID_BITS) - 1) in hidden]
        rows = [row for row in (self._row(key) for key in gone) if row is not None]
        for first, last in reversed(runs(rows)):
            self.beginRemoveRows(QModelIndex(), first, last)
            self._rows = self._rows[:first] + self._rows[last + 1:]
            self._row_of = None
            self.endRemoveRows()
        for key, shown in list(self._members.items()):
            self._members[key] = [summary for summary in shown if summary.uid not in hidden]
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, COLUMN_COUNT - 1))

    def overlay_flags(self, uids: Iterable[int], add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
        self._pending.overlay_flags(uids, add, remove)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, COLUMN_COUNT - 1))

    def settle(self, uids: Iterable[int]) -> None:
        self._pending.settle(uids)
        self._refresh(urgent=True)
