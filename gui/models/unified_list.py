"""Messages of every account in one list: All Inboxes, All Unread and Starred.

Each account's store lists the view's messages as (date, message id) pairs (``StoreReader.view_listing``); the
lists are merged newest first into rows. A row is a *token*: the account's slot in this model and the message id
(``slot << SLOT_SHIFT | folder_id << 32 | uid``), so it names one message of one account without its summary. As in
the folder list, summaries are read a window at a time through the loader when the view paints a row, ``data()``
answers a row not read yet with a placeholder, and store events re-read the listing in the background.

All Unread and Starred keep a row that stops being unread or starred while they are shown (reading a message there
does not make it vanish under the pointer); the next time the view is chosen lists what is unread or starred then.

Every action on rows goes to the right account and folder: ``message_at`` and ``groups`` turn rows back into
(account, folder, UIDs); ``part(account, folder)`` gives the commands an object to show their changes on at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from connectors.store import MessageSummary, StoreError
from connectors.store.schema import MAX_UID

from ..workers.operation import Operation
from ..workers.runner import runner
from .message_columns import COLUMN_COUNT, Column, IconLookup, cell_data, header_data, placeholder_data
from .message_list import REREAD_SPACING_S, WINDOW, apply_row_plan, emit_rows_changed, plan_row_changes
from .pending_changes import PendingChanges
from .roles import Roles
from .store_loader import StoreLoader
from .store_reads import StoreReads

translate = QCoreApplication.translate

Index = QModelIndex | QPersistentModelIndex

ACCOUNT_COLUMN = COLUMN_COUNT
"""The account a row belongs to: one more column after the folder list's own."""
UNIFIED_COLUMN_COUNT = COLUMN_COUNT + 1
SLOT_SHIFT = 52
_ROWID_MASK = (1 << SLOT_SHIFT) - 1
STICKY_VIEWS = ("unread", "starred")


class _Part:
    """What MessageCommands shows its optimistic changes on, for one account's folder within the unified list."""

    def __init__(self, model: UnifiedListModel, account_id: str, folder: str) -> None:
        self._model, self.account_id, self.folder = model, account_id, folder

    def hide(self, uids: Sequence[int]) -> None:
        self._model.hide(self._model.tokens_for(self.account_id, self.folder, uids))

    def overlay_flags(self, uids: Sequence[int], add: Sequence[str] = (), remove: Sequence[str] = ()) -> None:
        self._model.overlay_flags(self._model.tokens_for(self.account_id, self.folder, uids), add, remove)

    def settle(self, uids: Sequence[int]) -> None:
        self._model.settle(self._model.tokens_for(self.account_id, self.folder, uids))


class UnifiedListModel(QAbstractTableModel):
    """One view ("inbox", "unread", "starred") across the accounts given to ``set_view``."""

    folderLoaded = Signal()
    """The view was (re)listed as a whole: the list view restores its selection."""

    def __init__(self, parent: QObject | None = None, *, icons: IconLookup | None = None, window: int = WINDOW,
                 loader: StoreLoader | None = None) -> None:
        super().__init__(parent)
        self._icons = icons
        self._window = max(1, window)
        self._reads = StoreReads(loader)
        self._view = ""
        self._sources: dict[str, Any] = {}
        self._labels: dict[str, str] = {}
        self._slots: list[str] = []
        self._tokens: list[int] = []
        self._row_of: dict[int, int] | None = None
        self._dates: dict[int, int] = {}
        self._folders: dict[tuple[int, int], str] = {}  # (slot, folder id) → name
        self._cache: dict[int, MessageSummary] = {}
        self._pending = PendingChanges()
        self._windows_reading: set[int] = set()
        self._generation = 0
        self._listing = False
        self._again = False
        self._last_reread = 0.0
        self._reread_timer = QTimer(self)
        self._reread_timer.setSingleShot(True)
        self._reread_timer.timeout.connect(lambda: self._reconcile(urgent=True))

    # -- what is shown -----------------------------------------------------------------------------------------

    @property
    def view(self) -> str:
        return self._view

    @property
    def account_id(self) -> str:
        return ""

    @property
    def folder(self) -> str:
        return self._view

    @property
    def search_query(self) -> str:
        return ""

    def set_view(self, view: str, sources: dict[str, Any], labels: dict[str, str]) -> None:
        """Show ``view`` across ``sources`` (account id → its store reader); ``labels`` name the accounts."""
        self._view, self._sources, self._labels = view, dict(sources), dict(labels)
        for account_id in sources:
            if account_id not in self._slots:
                self._slots.append(account_id)
        self._pending.clear()
        self._cache.clear()
        self._windows_reading.clear()
        self._dates.clear()
        self._reads.forget()
        self._generation += 1
        self._listing = self._again = False
        self._reread_timer.stop()
        if self._tokens:
            self.beginResetModel()
            self._set_tokens([])
            self.endResetModel()
        if view:
            self._request_listing(reset=True)

    def clear(self) -> None:
        self.set_view("", {}, {})

    def set_account_labels(self, labels: dict[str, str]) -> None:
        self._labels = dict(labels)

    def _request_listing(self, *, reset: bool) -> None:
        """Ask every account's store for the view's listing; merge them off the GUI thread when all are in."""
        if self._listing:
            self._again = True
            return
        generation = self._generation
        view = self._view
        arrived: dict[str, Any] = {}
        wanted = [(account_id, source) for account_id, source in self._sources.items()]
        if not wanted:
            self._merge_done(generation, reset, ([], {}, {}, None))
            return
        self._listing = True

        def one(account_id: str) -> Callable[[Any], None]:
            def got(result: Any) -> None:
                arrived[account_id] = result
                if len(arrived) == len(wanted) and generation == self._generation:
                    self._merge(generation, reset, arrived)
            return got

        for account_id, source in wanted:
            self._reads.read(source, lambda reader, v=view: (reader.view_listing(v), reader.folder_names()),
                             one(account_id))

    def _merge(self, generation: int, reset: bool, arrived: dict[str, Any]) -> None:
        slot_of = {account_id: self._slots.index(account_id) for account_id in arrived}
        sticky = [] if reset or self._view not in STICKY_VIEWS else \
            [(self._dates.get(token, 0), token) for token in self._tokens]
        hidden = frozenset(self._pending.hidden)
        old = None if reset else list(self._tokens)

        def work(_op: Operation) -> Any:
            dated: dict[int, int] = {}
            folders: dict[tuple[int, int], str] = {}
            for account_id, result in arrived.items():
                if isinstance(result, StoreError):
                    continue
                listing, names = result
                slot = slot_of[account_id] << SLOT_SHIFT
                dated.update((slot | rowid, date) for date, rowid in listing)
                folders.update(((slot_of[account_id], folder_id), name) for folder_id, name in names.items())
            dated.update((token, date) for date, token in sticky if token not in dated)
            ordered = sorted(((date, token) for token, date in dated.items() if token not in hidden), reverse=True)
            tokens = [token for _date, token in ordered]
            plan = plan_row_changes(old, tokens) if old is not None else None
            return tokens, dated, folders, plan

        op = Operation(work, name="merge unified listing")
        op.finished.connect(lambda result: self._merge_done(generation, reset, result, old))
        op.failed.connect(lambda _exc: self._merge_done(generation, reset, ([], {}, {}, None), old))
        runner().submit(op, key=("unified listing", id(self)))

    def _merge_done(self, generation: int, reset: bool, result: Any, old: list[int] | None = None) -> None:
        if generation != self._generation:
            return
        self._listing = False
        tokens, dates, folders, plan = result
        self._dates, self._folders = dates, folders
        if self._pending.hidden:  # hidden since the merge began
            kept = [token for token in tokens if token not in self._pending.hidden]
            plan, tokens = (plan if len(kept) == len(tokens) else None), kept
        if reset:
            self.beginResetModel()
            self._set_tokens(tokens)
            self.endResetModel()
            self.folderLoaded.emit()
        elif plan is not None and old == self._tokens:
            apply_row_plan(self, old, tokens, plan, self._set_tokens)
        else:
            self._apply_order(tokens)
        if self._again:
            self._again = False
            self._request_listing(reset=False)

    def _apply_order(self, new: list[int]) -> None:
        if new == self._tokens:
            return
        plan = plan_row_changes(self._tokens, new)
        if plan is None:
            self.beginResetModel()
            self._set_tokens(new)
            self.endResetModel()
            self.folderLoaded.emit()
        else:
            apply_row_plan(self, list(self._tokens), new, plan, self._set_tokens)

    def _set_tokens(self, tokens: list[int]) -> None:
        self._tokens, self._row_of = tokens, None

    def _reconcile(self, urgent: bool = False) -> None:
        """Re-read the listing after a store change; spaced while a sync pours messages in."""
        if not self._view:
            return
        wait = self._last_reread + REREAD_SPACING_S - time.monotonic()
        if wait > 0 and not urgent:
            if not self._reread_timer.isActive():
                self._reread_timer.start(int(wait * 1000) + 1)
            return
        self._reread_timer.stop()
        self._last_reread = time.monotonic()
        self._request_listing(reset=False)

    # -- rows and messages -------------------------------------------------------------------------------------

    def _folder_id(self, slot: int, folder: str) -> int | None:
        return next((fid for (s, fid), name in self._folders.items() if s == slot and name == folder), None)

    def tokens_for(self, account_id: str, folder: str, uids: Iterable[int]) -> list[int]:
        """The tokens of these messages of one account's folder (whether or not they are listed)."""
        if account_id not in self._slots:
            return []
        slot = self._slots.index(account_id)
        folder_id = self._folder_id(slot, folder)
        if folder_id is None:
            return []
        base = (slot << SLOT_SHIFT) | (folder_id << 32)
        return [base | uid for uid in uids]

    def message_of(self, token: int) -> tuple[str, str, int] | None:
        """(account id, folder, UID) of a row's token."""
        slot = token >> SLOT_SHIFT
        rowid = token & _ROWID_MASK
        if slot >= len(self._slots):
            return None
        folder = self._folders.get((slot, rowid >> 32))
        if folder is None:
            summary = self._cache.get(token)
            folder = summary.folder if summary is not None else None
        if folder is None:
            return None
        return self._slots[slot], folder, rowid & MAX_UID

    def message_at(self, row: int) -> tuple[str, str, int] | None:
        token = self.uid_at(row)
        return self.message_of(token) if token is not None else None

    def groups(self, tokens: Iterable[int]) -> list[tuple[str, str, list[int]]]:
        """Tokens as (account id, folder, UIDs) groups, in the order first met."""
        grouped: dict[tuple[str, str], list[int]] = {}
        for token in tokens:
            message = self.message_of(token)
            if message is not None:
                grouped.setdefault(message[:2], []).append(message[2])
        return [(account_id, folder, uids) for (account_id, folder), uids in grouped.items()]

    def part(self, account_id: str, folder: str) -> _Part | None:
        return _Part(self, account_id, folder) if self._view and account_id in self._sources else None

    def uid_at(self, row: int) -> int | None:
        return self._tokens[row] if 0 <= row < len(self._tokens) else None

    def row_of(self, token: int) -> int | None:
        if self._row_of is None:
            self._row_of = {value: row for row, value in enumerate(self._tokens)}
        return self._row_of.get(token)

    def index_of(self, token: int, column: int = 0) -> QModelIndex:
        row = self.row_of(token)
        return self.index(row, column) if row is not None else QModelIndex()

    def uids(self) -> list[int]:
        return list(self._tokens)

    def account_label(self, token: int) -> str:
        message = self.message_of(token)
        return self._labels.get(message[0], message[0]) if message is not None else ""

    def summary_at(self, row: int) -> MessageSummary | None:
        """The row's summary, read now if it was never painted (for actions, not for painting)."""
        token = self.uid_at(row)
        if token is None:
            return None
        summary = self._cache.get(token)
        if summary is None:
            slot = token >> SLOT_SHIFT
            source = self._sources.get(self._slots[slot]) if slot < len(self._slots) else None
            if source is None:
                return None
            try:
                found = source.summaries_by_id([token & _ROWID_MASK])
            except StoreError:
                return None
            summary = found.get(token & _ROWID_MASK)
            if summary is not None:
                self._cache[token] = summary
        return self._effective(token, summary)

    def _effective(self, token: int, summary: MessageSummary | None) -> MessageSummary | None:
        if summary is None:
            return None
        return self._pending.shown(token, summary)

    def _queue_window(self, row: int) -> None:
        start = row - row % self._window
        if start in self._windows_reading:
            return
        wanted = [token for token in self._tokens[start:start + self._window] if token not in self._cache]
        by_slot: dict[int, list[int]] = {}
        for token in wanted:
            by_slot.setdefault(token >> SLOT_SHIFT, []).append(token & _ROWID_MASK)
        if not by_slot:
            return
        self._windows_reading.add(start)
        left = set(by_slot)
        generation = self._generation

        for slot, ids in by_slot.items():
            source = self._sources.get(self._slots[slot])
            if source is None:
                left.discard(slot)
                continue

            def arrived(result: Any, slot: int = slot) -> None:
                left.discard(slot)
                if not left:
                    self._windows_reading.discard(start)
                if generation != self._generation or isinstance(result, StoreError):
                    return
                shifted = slot << SLOT_SHIFT
                fresh = {shifted | rowid: summary for rowid, summary in result.items()}
                self._cache.update(fresh)
                self._emit_rows_changed(fresh)

            self._reads.read(source, lambda reader, ids=ids: reader.summaries_by_id(ids), arrived)
        if not left:
            self._windows_reading.discard(start)

    def _emit_rows_changed(self, tokens: Iterable[int]) -> None:
        emit_rows_changed(self, (self.row_of(token) for token in tokens), UNIFIED_COLUMN_COUNT)

    # -- QAbstractTableModel -----------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._tokens)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else UNIFIED_COLUMN_COUNT

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row, column = index.row(), index.column()
        if not index.isValid() or row >= len(self._tokens):
            return None
        token = self._tokens[row]
        if role == Roles.UID:
            return token
        if role == Roles.ACCOUNT_ID:
            message = self.message_of(token)
            return message[0] if message is not None else None
        if column == ACCOUNT_COLUMN and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                                                 Qt.ItemDataRole.AccessibleTextRole):
            return self.account_label(token)
        summary = self._cache.get(token)
        if summary is None:
            if not self._reads.deferred:
                self.summary_at(row)
                summary = self._cache.get(token)
            else:
                self._queue_window(row)
        if summary is None:
            return placeholder_data(column, role)
        effective = self._effective(token, summary)
        assert effective is not None
        if column == ACCOUNT_COLUMN:
            return cell_data(effective, Column.SUBJECT, role, recipients=False, icons=None) \
                if role == Qt.ItemDataRole.FontRole else None
        return cell_data(effective, column, role, recipients=False, icons=self._icons)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if section == ACCOUNT_COLUMN:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.AccessibleTextRole):
                return translate("MessageList", "Account")
            return None
        return header_data(section, role, recipients=False)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    # -- store events (every account's, relayed) ---------------------------------------------------------------

    def _concerns(self, account_id: str) -> bool:
        return bool(self._view) and account_id in self._sources

    def messages_added(self, account_id: str, folder: str, uids: Sequence[int]) -> None:
        if self._concerns(account_id):
            self._reconcile()

    def messages_changed(self, account_id: str, folder: str, uids: Sequence[int]) -> None:
        if not self._concerns(account_id):
            return
        tokens = self.tokens_for(account_id, folder, uids)
        for token in tokens:
            self._cache.pop(token, None)
        self._emit_rows_changed(tokens)
        if self._view in STICKY_VIEWS:
            self._reconcile()  # a message marked unread (or starred) again joins the view

    def messages_removed(self, account_id: str, folder: str, uids: Sequence[int]) -> None:
        if not self._concerns(account_id):
            return
        gone = set(self.tokens_for(account_id, folder, uids))
        if not gone:
            return
        for token in gone:
            self._cache.pop(token, None)
            self._dates.pop(token, None)
        self._apply_order([token for token in self._tokens if token not in gone])

    def folder_reset(self, account_id: str, folder: str) -> None:
        if not self._concerns(account_id):
            return
        kept = []
        for token in self._tokens:
            message = self.message_of(token)
            if message is None or message[:2] != (account_id, folder):
                kept.append(token)
        self._apply_order(kept)
        self._reconcile(urgent=True)

    # -- optimistic changes ------------------------------------------------------------------------------------

    def hide(self, tokens: Iterable[int]) -> None:
        hidden = self._pending.hide(tokens)
        self._apply_order([token for token in self._tokens if token not in hidden])

    def overlay_flags(self, tokens: Iterable[int], add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
        self._emit_rows_changed(self._pending.overlay_flags(tokens, add, remove))

    def settle(self, tokens: Iterable[int]) -> None:
        token_list = list(tokens)
        unhidden, had_overlay = self._pending.settle(token_list)
        for token in token_list:
            self._cache.pop(token, None)
        if unhidden:
            self._reconcile(urgent=True)
        if had_overlay:
            self._emit_rows_changed(had_overlay)
