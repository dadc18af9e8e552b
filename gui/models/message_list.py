"""The flat message list: one row per message of a folder, lazily loaded, over the account's local store.

The row count comes from the folder's sorted UID list (``sorted_uids``, one cheap indexed query); a row's
summary is read with its neighbours in windows of ``window`` rows the first time the view paints it, and kept in
a bounded cache. With a :class:`StoreLoader` both reads happen off the GUI thread: ``data()`` answers a row not
read yet with a placeholder, queues its window, and ``dataChanged`` follows when it arrives — so ``data()`` never
waits, not even for the disk. Without a loader (tests, small tools) the same reads happen in place.

Store events (relayed from the account's worker) arrive as ``messages_added`` / ``changed`` / ``removed`` /
``folder_reset`` calls; the model re-reads the UID list and turns the difference into the fewest
``beginInsertRows`` / ``beginRemoveRows`` runs (or one reset when a change is scattered everywhere).

User actions are shown at once, before the worker has run them: ``hide`` removes rows of messages being moved
or deleted, ``overlay_flags`` shows read/star changes; ``settle`` drops that overlay once the worker is done,
so the store (and a rollback, if the server refused) decides what stays.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from connectors.store import MessageSummary, StoreError, parse_query

from .message_columns import (
    COLUMN_COUNT,
    COLUMN_OF_SORT_KEY,
    SORT_KEYS,
    Column,
    IconLookup,
    cell_data,
    header_data,
    placeholder_data,
)
from .pending_changes import PendingChanges
from .roles import Roles
from .store_loader import StoreLoader
from .store_reads import StoreReads

Index = QModelIndex | QPersistentModelIndex

WINDOW = 200
MAX_CACHED = 20_000
SEARCH_LIMIT = 5_000
# Listed newest first, a search's newest results are shown first and the rest follow: its first read is bounded
# by this many, whatever the folder's size.
SEARCH_FIRST = 500
REREAD_SPACING_S = 1.0
# Row lookups that scan the list before a map of every row is built (see MessageListModel.row_of).
MAX_SCANS = 8
# Beyond this many separate insert/remove runs, one reset is cheaper for the view than many small changes.
MAX_RUNS = 64


class MessageSource(Protocol):
    """The read API the list needs: a ``connectors.store`` StoreReader (or the MailStore itself in tests)."""

    @property
    def path(self) -> Any: ...

    def sorted_uids(self, folder: str, sort: Any = "date", descending: bool = True) -> list[int]: ...

    def summaries_for(self, folder: str, uids: Sequence[int]) -> list[MessageSummary]: ...

    def search_uids(self, query: str, folder: str, limit: int = 100, *, sort: Any = "date", descending: bool = True,
                    include: Sequence[int] = ()) -> list[int]: ...


def runs(positions: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted positions grouped into (first, last) runs of consecutive values."""
    result: list[tuple[int, int]] = []
    for position in sorted(positions):
        if result and position == result[-1][1] + 1:
            result[-1] = (result[-1][0], position)
        else:
            result.append((position, position))
    return result


def emit_rows_changed(model: QAbstractItemModel, rows: Iterable[int | None], column_count: int) -> None:
    """``dataChanged`` for these rows (None: not shown), a signal per run of consecutive rows, or one span when
    they are scattered over more runs than a view repaints cheaply."""
    shown = [row for row in rows if row is not None]
    if not shown:
        return
    spans = runs(shown)
    if len(spans) > MAX_RUNS:
        spans = [(min(shown), max(shown))]
    for first, last in spans:
        model.dataChanged.emit(model.index(first, 0), model.index(last, column_count - 1))


@dataclass(frozen=True)
class RowPlan:
    """How to turn one row order into another: the runs to remove (in the old order) and insert (in the new)."""

    removed: list[tuple[int, int]]
    inserted: list[tuple[int, int]]


def plan_row_changes(old: Sequence[Hashable], new: Sequence[Hashable]) -> RowPlan | None:
    """The runs that turn ``old`` into ``new``, or None when kept rows changed order or the change is scattered
    over more than MAX_RUNS runs (a reset is then the cheaper way). Pure: it may run in any thread."""
    new_set, old_set = set(new), set(old)
    removed = runs(row for row, key in enumerate(old) if key not in new_set)
    inserted = runs(row for row, key in enumerate(new) if key not in old_set)
    if len(removed) + len(inserted) > MAX_RUNS:
        return None
    if [key for key in old if key in new_set] != [key for key in new if key in old_set]:
        return None
    return RowPlan(removed, inserted)


def apply_row_plan(model: QAbstractItemModel, old: list[Any], new: list[Any], plan: RowPlan,
                   store: Callable[[list[Any]], None]) -> None:
    """Carry a plan out with beginRemoveRows/beginInsertRows, calling ``store`` with the rows as they stand
    after each step."""
    current = list(old)
    for first, last in reversed(plan.removed):
        model.beginRemoveRows(QModelIndex(), first, last)
        del current[first:last + 1]
        store(list(current))
        model.endRemoveRows()
    for first, last in plan.inserted:
        model.beginInsertRows(QModelIndex(), first, last)
        current[first:first] = new[first:last + 1]
        store(list(current))
        model.endInsertRows()
    store(list(new))


def apply_row_changes(model: QAbstractItemModel, old: list[Any], new: list[Any],
                      store: Callable[[list[Any]], None]) -> bool:
    """Plan and carry out in one go; False (nothing changed) when a reset is the better way."""
    plan = plan_row_changes(old, new)
    if plan is None:
        return False
    apply_row_plan(model, old, new, plan, store)
    return True


class MessageListModel(QAbstractTableModel):
    """Messages of one folder (or the results of a search in it), in the store's sort order."""

    folderLoaded = Signal()
    """A folder, a sort order or a search was (re)loaded: the view restores its selection."""
    searchSettled = Signal()
    """The rest of a search's results, read after its newest ones were shown, has arrived (``searching_more``)."""

    def __init__(self, parent: QObject | None = None, *, icons: IconLookup | None = None,
                 window: int = WINDOW, max_cached: int = MAX_CACHED, loader: StoreLoader | None = None) -> None:
        super().__init__(parent)
        self._icons = icons
        self._window = max(1, window)
        self._max_cached = max(self._window, max_cached)
        self._reads = StoreReads(loader)
        self._source: MessageSource | None = None
        self._account_id = ""
        self._folder = ""
        self._recipients = False
        self._sort = "date"
        self._descending = True
        self._query = ""
        self._uids: list[int] = []
        self._found: list[int] = []  # a search's results in their order, hidden ones included
        self._server_found: tuple[int, ...] = ()  # what a search on the server added to the local results
        self._search_limit = SEARCH_LIMIT  # how many results the next read of a search asks for
        self._searching_more = False  # a search's newest results are shown and the rest is being read
        self._row_of: dict[int, int] | None = None
        self._scans = 0  # lookups that scanned the list since it changed (see row_of)
        self._cache: dict[int, MessageSummary] = {}
        self._pending = PendingChanges()
        self._windows_reading: set[int] = set()
        self._last_reread = 0.0
        self._reread_timer = QTimer(self)
        self._reread_timer.setSingleShot(True)
        self._reread_timer.timeout.connect(self._reconcile)

    # -- what is shown -----------------------------------------------------------------------------------------

    @property
    def account_id(self) -> str:
        return self._account_id

    @property
    def folder(self) -> str:
        return self._folder

    @property
    def searching_more(self) -> bool:
        """A search's newest results are listed and the rest (up to SEARCH_LIMIT) is still being read."""
        return self._searching_more

    @property
    def search_query(self) -> str:
        return self._query

    @property
    def sort_key(self) -> str:
        return self._sort

    @property
    def descending(self) -> bool:
        return self._descending

    def set_folder(self, source: MessageSource | None, account_id: str, folder: str, *,
                   recipients: bool = False) -> None:
        """Show ``folder`` of ``account_id`` (``source`` None: show nothing). Clears any search."""
        self._source, self._account_id, self._folder = source, account_id, folder
        self._recipients = recipients
        self._query = ""
        self._server_found = ()
        self._pending.clear()
        self._reload()

    def clear(self) -> None:
        self.set_folder(None, "", "")

    def set_sort(self, key: str, descending: bool) -> None:
        if key not in SORT_KEYS.values():
            raise ValueError(f"The message list cannot sort by {key!r}")
        if (key, descending) == (self._sort, self._descending):
            return
        self._sort, self._descending = key, descending
        self._reload()

    def set_search(self, query: str) -> None:
        """Show the messages of the folder matching ``query`` (the store's search syntax); "" shows them all.

        Raises ``connectors.store.SearchQueryError`` (a ValueError) for a query the person must fix, leaving the
        list as it was.
        """
        query = query.strip()
        if query == self._query:
            return
        if query:
            parse_query(query)  # refuse a bad query here, before anything changes
        self._query = query
        self._server_found = ()
        self._reload()

    def add_server_results(self, query: str, uids: Sequence[int]) -> None:
        """Add to the results of ``query`` the messages a search on the server found (their summaries are in the
        store); ignored if another search or folder is shown by now. They stay until the next search."""
        if not query or query != self._query or not uids:
            return
        self._server_found = tuple(dict.fromkeys((*self._server_found, *uids)))
        self._reload()

    def _reload(self) -> None:
        """Read the list afresh (new folder, order or search): the view is reset when it arrives."""
        self._reads.forget()  # late results of older reads are dropped
        self._cache.clear()
        # Newest first, the first results are the newest few: they are shown, then the list is read whole.
        first_page = self._reads.deferred and self._sort == "date" and self._descending and not self._server_found
        self._search_limit = SEARCH_FIRST if first_page else SEARCH_LIMIT
        self._searching_more = False
        self._windows_reading.clear()
        self._reread_timer.stop()
        if not self._reads.deferred or self._source is None or not self._folder:
            self._show_new_list(self._read_uids(self._source))
            return
        if self._uids:
            self.beginResetModel()  # the old folder's rows must not stay while the new ones load
            self._set_uids([])
            self.endResetModel()
        self._request_list(reset=True)

    def _request_list(self, *, reset: bool) -> None:
        assert self._source is not None
        query, folder, sort, descending = self._query, self._folder, self._sort, self._descending
        old, hidden, extra, limit = self._uids, frozenset(self._pending.hidden), self._server_found, self._search_limit

        window = self._window

        def work(reader: Any) -> Any:
            found = self._query_uids(reader, query, folder, sort, descending, extra, limit)
            if query and reset:
                # The first rows' summaries come with them: the rest of the results, read next, must not hold up
                # the first paint.
                return found, None, reader.summaries_for(folder, found[:window])
            if query or reset:
                return found, None, []
            # On a large folder, even comparing two UID lists is work the GUI thread should not do.
            new = [uid for uid in found if uid not in hidden] if hidden else found
            return new, plan_row_changes(old, new), []

        def arrived(result: Any) -> None:
            if isinstance(result, StoreError):
                result = ([], None, [])
            found, plan, first = result
            settled = not reset and self._searching_more  # the rest of a search: the count shown with it is final
            if settled:
                self._searching_more = False
            if reset:
                self._cache.update((summary.uid, summary) for summary in first)
                # Up to the limit found: there may be more, and the rest join at the end (said before the rows
                # are, so the count shown with them says more are coming).
                self._searching_more = bool(query) and len(found) >= limit and limit < SEARCH_LIMIT
                self._show_new_list(self._accept_uids(found))
                if self._searching_more:
                    self._search_limit = SEARCH_LIMIT
                    self._request_list(reset=False)
            elif plan is not None and self._uids is old and frozenset(self._pending.hidden) == hidden:
                apply_row_plan(self, old, found, plan, self._set_uids)
            else:
                self._apply_order(self._accept_uids(found))
            if settled:
                self.searchSettled.emit()

        self._reads.read(self._source, work, arrived, serial=True, again=lambda: self._request_list(reset=False))

    def _show_new_list(self, uids: list[int]) -> None:
        self.beginResetModel()
        self._set_uids(uids)
        self.endResetModel()
        self.folderLoaded.emit()

    def _read_uids(self, source: MessageSource | None) -> list[int]:
        """The list, read in place (no loader)."""
        if source is None or not self._folder:
            return []
        try:
            found = self._query_uids(source, self._query, self._folder, self._sort, self._descending,
                                     self._server_found)
        except StoreError:
            return []  # the folder is gone (renamed or deleted): the list is empty until another is chosen
        return self._accept_uids(found)

    def _query_uids(self, source: Any, query: str, folder: str, sort: str, descending: bool,
                    server_found: Sequence[int] = (), limit: int = SEARCH_LIMIT) -> Any:
        """What to list, as a reader returns it (read in any thread): sorted UIDs of the folder, or of a search's
        results with those the server search added. A search's rows are read by window when painted, like a
        folder's: the thousands of results a list asks for are never all built into summaries."""
        if query:
            uids: list[int] = source.search_uids(query, folder, limit, sort=sort, descending=descending,
                                                 include=server_found)
            return uids
        return source.sorted_uids(folder, sort, descending)

    def _accept_uids(self, uids: list[int]) -> list[int]:
        """The rows to show from a read's result, on the GUI thread."""
        if self._query:
            self._found = list(uids)
        return [uid for uid in uids if uid not in self._pending.hidden] if self._pending.hidden else uids

    # -- lookups -----------------------------------------------------------------------------------------------

    def uid_at(self, row: int) -> int | None:
        return self._uids[row] if 0 <= row < len(self._uids) else None

    def row_of(self, uid: int) -> int | None:
        """The row showing ``uid``. The first few lookups after the list changed scan it (in C, about a
        millisecond per 100,000 rows); the map of every row is built only once more are asked for: building it for
        100,000 rows took 56 ms of the GUI thread, on every first paint of a big folder."""
        if self._row_of is None:
            if self._scans < MAX_SCANS:
                self._scans += 1
                try:
                    return self._uids.index(uid)
                except ValueError:
                    return None
            self._row_of = {value: row for row, value in enumerate(self._uids)}
        return self._row_of.get(uid)

    def index_of(self, uid: int, column: int = 0) -> QModelIndex:
        row = self.row_of(uid)
        return self.index(row, column) if row is not None else QModelIndex()

    def uids(self) -> list[int]:
        return list(self._uids)

    def summary_at(self, row: int) -> MessageSummary | None:
        """The summary shown at ``row``, read now if it is not loaded yet (for actions, not for painting)."""
        uid = self.uid_at(row)
        if uid is None:
            return None
        summary = self._cache.get(uid)
        if summary is None:
            self._load_window_now(row)
            summary = self._cache.get(uid)
        return self._effective(summary)

    def _effective(self, summary: MessageSummary | None) -> MessageSummary | None:
        if summary is None:
            return None
        return self._pending.shown(summary.uid, summary)

    def _window_uids(self, row: int) -> tuple[int, list[int]]:
        start = row - row % self._window
        return start, [uid for uid in self._uids[start:start + self._window] if uid not in self._cache]

    def _make_room(self, count: int) -> None:
        if len(self._cache) + count > self._max_cached:
            self._cache.clear()  # the view only ever needs the windows around what it paints

    def _load_window_now(self, row: int) -> None:
        if self._source is None:
            return
        _start, wanted = self._window_uids(row)
        if not wanted:
            return
        self._make_room(len(wanted))
        try:
            found = self._source.summaries_for(self._folder, wanted)
        except StoreError:
            return
        self._cache.update((summary.uid, summary) for summary in found)

    def _queue_window(self, row: int) -> None:
        """Ask the loader for the window around ``row``; its rows repaint when it arrives."""
        assert self._source is not None
        start, wanted = self._window_uids(row)
        if not wanted or start in self._windows_reading:
            return
        self._windows_reading.add(start)
        folder = self._folder

        def arrived(result: Any) -> None:
            self._windows_reading.discard(start)
            if isinstance(result, StoreError):
                return
            self._make_room(len(result))
            self._cache.update((summary.uid, summary) for summary in result)
            # The rows are where the window was asked for, unless the list changed meanwhile.
            here = {uid: start + offset for offset, uid in enumerate(self._uids[start:start + self._window])}
            uids = [summary.uid for summary in result]
            if all(uid in here for uid in uids):
                emit_rows_changed(self, (here[uid] for uid in uids), COLUMN_COUNT)
            else:
                self._emit_rows_changed(uids)

        self._reads.read(self._source, lambda reader: reader.summaries_for(folder, wanted), arrived)

    # -- QAbstractTableModel -----------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._uids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not index.isValid() or row >= len(self._uids):
            return None
        if role == Roles.UID:
            return self._uids[row]  # known without the summary: selections work on rows not loaded yet
        summary = self._cache.get(self._uids[row])
        if summary is None:
            if not self._reads.deferred:
                self._load_window_now(row)
                summary = self._cache.get(self._uids[row])
            else:
                self._queue_window(row)
        if summary is None:
            return placeholder_data(index.column(), role)
        return cell_data(self._effective(summary), index.column(), role,  # type: ignore[arg-type]
                         recipients=self._recipients, icons=self._icons)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        return header_data(section, role, recipients=self._recipients)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(Column(column)) if column in range(COLUMN_COUNT) else None
        if key is None:
            return  # the store has no index for this column; the view keeps the previous order
        self.set_sort(key, order == Qt.SortOrder.DescendingOrder)

    def sort_column(self) -> int:
        return int(COLUMN_OF_SORT_KEY[self._sort])

    # -- store events ------------------------------------------------------------------------------------------

    def _concerns(self, account_id: str, folder: str) -> bool:
        return self._source is not None and account_id == self._account_id and folder == self._folder

    def messages_added(self, account_id: str, folder: str, uids: Sequence[int]) -> None:
        if not self._concerns(account_id, folder) or self._query:
            return  # search results stay as they were asked for until the next search
        self._reconcile()

    def messages_removed(self, account_id: str, folder: str, uids: Sequence[int]) -> None:
        if not self._concerns(account_id, folder):
            return
        gone = set(uids)
        for uid in gone:
            self._cache.pop(uid, None)
        if self._query:
            self._found = [uid for uid in self._found if uid not in gone]
        self._apply_order([uid for uid in self._uids if uid not in gone])

    def messages_changed(self, account_id: str, folder: str, uids: Sequence[int]) -> None:
        if not self._concerns(account_id, folder):
            return
        for uid in uids:
            self._cache.pop(uid, None)
        self._emit_rows_changed(uids)

    def folder_reset(self, account_id: str, folder: str) -> None:
        if self._concerns(account_id, folder):
            self._pending.clear()
            self._reload()

    def _forget_missing(self, uids: set[int]) -> None:
        """Drop search results the store no longer holds (moved away while hidden)."""
        if self._source is None:
            return
        try:
            present = {summary.uid for summary in self._source.summaries_for(self._folder, sorted(uids))}
        except StoreError:
            present = set()
        self._found = [uid for uid in self._found if uid not in uids or uid in present]

    def _emit_rows_changed(self, uids: Iterable[int]) -> None:
        emit_rows_changed(self, (self.row_of(uid) for uid in uids), COLUMN_COUNT)

    def _reconcile(self, urgent: bool = False) -> None:
        """Re-read the folder's order and apply the difference (through the loader when there is one).

        While a sync pours messages in, re-reads are spaced by REREAD_SPACING_S: each one reads the whole UID
        list, and the list staying a second behind a sync that shows its progress is not worth the work. What
        the person did (``urgent``) is shown at once, and so are the first rows of an empty list (a folder's first
        sync: its newest headers are what the person opened it for).
        """
        if self._query:
            self._apply_order([uid for uid in self._found if uid not in self._pending.hidden])
        elif not self._reads.deferred or self._source is None:
            self._apply_order(self._read_uids(self._source))
        elif self._reads.serial_reading:
            self._request_list(reset=False)  # asked for again once the read on its way has arrived
        else:
            wait = self._last_reread + REREAD_SPACING_S - time.monotonic()
            if wait > 0 and not urgent and self._uids:
                if not self._reread_timer.isActive():
                    self._reread_timer.start(int(wait * 1000) + 1)
                return
            self._reread_timer.stop()
            self._last_reread = time.monotonic()
            self._request_list(reset=False)

    def _apply_order(self, new: list[int]) -> None:
        """Turn the current UID order into ``new``, assuming kept rows keep their relative order (sort keys of
        a message never change; only flags and labels do)."""
        if new == self._uids:
            return
        if not apply_row_changes(self, self._uids, new, self._set_uids):
            self.beginResetModel()
            self._set_uids(new)
            self.endResetModel()
            self.folderLoaded.emit()

    def _set_uids(self, uids: list[int]) -> None:
        self._uids, self._row_of, self._scans = uids, None, 0

    # -- optimistic changes ------------------------------------------------------------------------------------

    def hide(self, uids: Iterable[int]) -> None:
        """Take rows out at once (the messages are being moved or deleted)."""
        hidden = self._pending.hide(uids)
        self._apply_order([uid for uid in self._uids if uid not in hidden])

    def overlay_flags(self, uids: Iterable[int], add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
        """Show flags as changed at once (read, starred...) while the worker applies them."""
        self._emit_rows_changed(self._pending.overlay_flags(uids, add, remove))

    def settle(self, uids: Iterable[int]) -> None:
        """The worker finished (or failed) with these messages: show what the store says from now on."""
        uid_list = list(uids)
        unhidden, had_overlay = self._pending.settle(uid_list)
        for uid in uid_list:
            self._cache.pop(uid, None)
        if unhidden:
            if self._query:
                self._forget_missing(unhidden)
            self._reconcile(urgent=True)
        if had_overlay:
            self._emit_rows_changed(had_overlay)
