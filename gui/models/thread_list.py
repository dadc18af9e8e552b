"""The threaded message list: one row per conversation (newest activity first); an expanded conversation shows
its messages as rows under it.

It is a flat table, like the plain list, so the same QTableView shows both (a tree view lays out every row
through Python, which a large folder cannot afford). Conversations come from the store's ``threads()`` in pages:
``canFetchMore``/``fetchMore`` add the next page when the view scrolls near the end, starting after the last
conversation read (a keyset on the store's thread index: each page costs the same however deep it is). A
conversation's messages are read when it is expanded. Store events re-read the conversations shown so far and
apply the difference. With a :class:`StoreLoader`, pages are read off the GUI thread (see
:mod:`gui.models.store_loader` for why; :mod:`gui.models.store_reads` holds the reading rules both lists share).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from connectors.store import MessageSummary, StoreError, ThreadSummary

from .message_columns import COLUMN_COUNT, Column, IconLookup, cell_data, header_data, placeholder_data
from .message_list import apply_row_changes
from .pending_changes import PendingChanges
from .roles import Roles
from .store_loader import StoreLoader
from .store_reads import StoreReads

Index = QModelIndex | QPersistentModelIndex
PAGE = 200
RowKey = tuple[int, int]  # (thread key, uid of a member row; 0 for the conversation row)
Position = tuple[int, int]  # a conversation's place in the list (ThreadSummary.position)


class ThreadSource(Protocol):
    @property
    def path(self) -> Any: ...

    def threads(self, folder: str, offset: int = 0, limit: int = 200, *,
                after: Position | None = None) -> list[ThreadSummary]: ...

    def summaries_for(self, folder: str, uids: Sequence[int]) -> list[MessageSummary]: ...


@dataclass(eq=False)
class _Thread:
    summary: ThreadSummary
    members: list[MessageSummary] | None = None  # read when expanded, oldest first

    @property
    def key(self) -> int:
        return self.summary.thread_key


@dataclass(frozen=True)
class _Page:
    threads: list[_Thread]  # those not entirely hidden
    read: int  # how many conversations were read, hidden ones included
    full: bool  # as many as asked for: there may be more
    last: Position | None  # where the next page starts


@dataclass(frozen=True)
class _Row:
    thread: _Thread
    member: MessageSummary | None = None  # None: the conversation row

    @property
    def key(self) -> RowKey:
        return self.thread.key, self.member.uid if self.member is not None else 0


class ThreadListModel(QAbstractTableModel):
    folderLoaded = Signal()

    def __init__(self, parent: QObject | None = None, *, icons: IconLookup | None = None, page: int = PAGE,
                 loader: StoreLoader | None = None) -> None:
        super().__init__(parent)
        self._icons = icons
        self._reads = StoreReads(loader)
        self._page = max(1, page)
        self._source: ThreadSource | None = None
        self._account_id = ""
        self._folder = ""
        self._recipients = False
        self._threads: list[_Thread] = []
        self._rows: list[_Row] = []
        self._expanded: set[int] = set()
        self._shown = 0  # how many conversations the pages read so far covered (hidden ones included)
        self._after: Position | None = None  # the last of them: where the next page starts
        self._exhausted = True
        self._pending = PendingChanges()

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
        self._expanded.clear()
        self._reads.forget()
        self.beginResetModel()
        self._threads, self._rows, self._shown, self._after, self._exhausted = [], [], 0, None, True
        self.endResetModel()
        self._read(self._page, self._first_page)

    def _first_page(self, page: _Page) -> None:
        self.beginResetModel()
        self._threads, self._shown, self._after = page.threads, page.read, page.last
        self._rows = self._rows_of(page.threads)
        self._exhausted = not page.full
        self.endResetModel()
        self.folderLoaded.emit()

    def clear(self) -> None:
        self.set_folder(None, "", "")

    def _read(self, limit: int, then: Callable[[_Page], None], *, after: Position | None = None,
              again: Callable[[], None] | None = None) -> None:
        """``limit`` conversations from the top (or after ``after``), handed to ``then`` as a page — at once, or
        when the loader brings them. One read at a time: see StoreReads."""
        source, folder = self._source, self._folder
        if source is None or not folder:
            then(_Page([], 0, False, None))
            return

        def accept(found: Any) -> None:
            if isinstance(found, StoreError):
                then(_Page([], 0, False, after))
                return
            visible = [_Thread(t) for t in found if not set(t.uids) <= self._pending.hidden]
            then(_Page(visible, len(found), len(found) == limit, found[-1].position if found else after))

        self._reads.read(source, lambda reader: reader.threads(folder, limit=limit, after=after), accept,
                         serial=True, again=again)

    def _visible_uids(self, thread: _Thread) -> list[int]:
        return [uid for uid in thread.summary.uids if uid not in self._pending.hidden]

    def _members(self, thread: _Thread) -> list[MessageSummary]:
        if thread.members is None:
            try:
                found = self._source.summaries_for(self._folder, self._visible_uids(thread)) if self._source else []
            except StoreError:
                found = []
            thread.members = found
        return thread.members

    def _rows_of(self, threads: Iterable[_Thread]) -> list[_Row]:
        rows: list[_Row] = []
        for thread in threads:
            rows.append(_Row(thread))
            if thread.key in self._expanded and len(self._visible_uids(thread)) > 1:
                rows.extend(_Row(thread, member) for member in self._members(thread))
        return rows

    # -- conversations -----------------------------------------------------------------------------------------

    def is_expanded(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and self._rows[row].thread.key in self._expanded

    def set_expanded(self, row: int, expanded: bool) -> None:
        """Show or hide the messages of the conversation at ``row`` (or of the one a member row belongs to)."""
        if not 0 <= row < len(self._rows):
            return
        thread = self._rows[row].thread
        if (thread.key in self._expanded) == expanded or len(self._visible_uids(thread)) < 2:
            return
        if expanded:
            self._expanded.add(thread.key)
        else:
            self._expanded.discard(thread.key)
        self._apply(self._rows_of(self._threads))
        top = self._row_of_thread(thread.key)
        if top is not None:
            self.dataChanged.emit(self.index(top, Column.SUBJECT), self.index(top, Column.SUBJECT))

    def _row_of_thread(self, key: int) -> int | None:
        return next((row for row, item in enumerate(self._rows) if item.key == (key, 0)), None)

    # -- lookups -----------------------------------------------------------------------------------------------

    def summary_for(self, index: Index) -> MessageSummary | None:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        item = self._rows[index.row()]
        summary = item.member if item.member is not None else item.thread.summary.latest
        return self._pending.shown(summary.uid, summary)

    def uids_for(self, index: Index) -> list[int]:
        """The messages a row stands for: a whole conversation, or one message."""
        if not index.isValid() or index.row() >= len(self._rows):
            return []
        item = self._rows[index.row()]
        return [item.member.uid] if item.member is not None else self._visible_uids(item.thread)

    def index_of(self, uid: int, column: int = 0) -> QModelIndex:
        """The row of message ``uid``: its own row if its conversation is expanded, else the conversation's."""
        for row, item in enumerate(self._rows):
            if item.member is not None and item.member.uid == uid:
                return self.index(row, column)
        for row, item in enumerate(self._rows):
            if item.member is None and uid in item.thread.summary.uids:
                return self.index(row, column)
        return QModelIndex()

    # -- QAbstractTableModel -----------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._exhausted and not self._reads.serial_reading

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid() or self._exhausted or self._reads.serial_reading:
            return
        self._read(self._page, self._more, after=self._after)

    def _more(self, page: _Page) -> None:
        known = {thread.key for thread in self._threads}
        more = [t for t in page.threads if t.key not in known]
        self._shown += page.read
        self._after = page.last
        self._exhausted = not page.full
        if more:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
            self._threads.extend(more)
            self._rows.extend(_Row(thread) for thread in more)
            self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        item = self._rows[index.row()]
        summary = self.summary_for(index)
        if summary is None:
            return placeholder_data(index.column(), role)
        conversation = item.member is None and len(self._visible_uids(item.thread)) > 1
        if role == Roles.IS_THREAD:
            return conversation
        if role == Roles.THREAD_DEPTH:
            return 0 if item.member is None else 1
        if role == Qt.ItemDataRole.DecorationRole and index.column() == Column.SUBJECT and self._icons is not None:
            if conversation:
                return self._icons("expanded" if item.thread.key in self._expanded else "collapsed")
            return self._icons("in-thread") if item.member is not None else None
        if item.member is None:
            count = len(self._visible_uids(item.thread))
            return cell_data(summary, index.column(), role, recipients=self._recipients, icons=self._icons,
                             thread_count=count, thread_unread=item.thread.summary.unread)
        return cell_data(summary, index.column(), role, recipients=self._recipients, icons=self._icons)

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
        if self._concerns(account_id, folder):
            self._refresh()

    def folder_reset(self, account_id: str, folder: str) -> None:
        if self._concerns(account_id, folder):
            self.set_folder(self._source, self._account_id, self._folder, recipients=self._recipients)

    def _refresh(self) -> None:
        """Re-read the conversations shown so far and apply the difference."""
        self._read(max(self._shown, self._page), self._refreshed, again=self._refresh)

    def _refreshed(self, page: _Page) -> None:
        threads = page.threads
        self._expanded &= {thread.key for thread in threads}
        self._threads = threads
        # As many conversations as before, counted from the top again: the next page starts after the last.
        self._shown, self._after, self._exhausted = page.read, page.last, not page.full
        self._apply(self._rows_of(threads))
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, COLUMN_COUNT - 1))

    def _apply(self, rows: list[_Row]) -> None:
        old_keys = [row.key for row in self._rows]
        new_keys = [row.key for row in rows]
        by_key = {row.key: row for row in rows}
        previous = {row.key: row for row in self._rows}

        def store(keys: list[Any]) -> None:
            self._rows = [by_key.get(key) or previous[key] for key in keys]

        if not apply_row_changes(self, old_keys, new_keys, store):
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()
            self.folderLoaded.emit()
        self._rows = rows

    # -- optimistic changes ------------------------------------------------------------------------------------

    def hide(self, uids: Iterable[int]) -> None:
        self._pending.hide(uids)
        for thread in self._threads:
            thread.members = None
        self._refresh()

    def overlay_flags(self, uids: Iterable[int], add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
        self._pending.overlay_flags(uids, add, remove)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, COLUMN_COUNT - 1))

    def settle(self, uids: Iterable[int]) -> None:
        self._pending.settle(uids)
        self._refresh()
