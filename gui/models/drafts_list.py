"""The Drafts list: the drafts kept on this computer and the copies in the account's Drafts folder, one row per draft.

:func:`merge_drafts` is pure: a server copy and a local draft with the same id (see
:func:`connectors.outbox.server_drafts.draft_id_for`) are one row, so a draft is never listed twice, whether it was
saved here, is still waiting to go up (offline), or was written by another client.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt

from connectors.outbox import Draft
from connectors.outbox.server_drafts import draft_id_for
from connectors.store import MessageSummary

from .formatting import list_date

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

Index = QModelIndex | QPersistentModelIndex
DRAFT_ID_ROLE = Qt.ItemDataRole.UserRole + 60


@dataclass(frozen=True)
class DraftRow:
    draft_id: str
    account_id: str
    subject: str
    to: str
    date: float
    local: Draft | None = None
    """The draft kept here (what opens in the composer), None for a draft only on the server."""
    server_uid: int | None = None
    server_message_id: str = ""
    pending: bool = False
    """Changed here since its copy went up to the server (or it never went up): it goes up when online."""
    elsewhere: bool = False
    """The server copy is newer than what went up from here: another client changed it; that copy opens."""
    writing: bool = False
    """A composer has it open."""


def merge_drafts(account_id: str, local: Sequence[Draft], copies: Mapping[str, tuple[int | None, float]],
                 server: Sequence[MessageSummary], *, writing: Collection[str] = (),
                 sending: Collection[str] = ()) -> list[DraftRow]:
    """One row per draft, newest first. ``copies``: draft id -> (UID, when that version was asked) of what went up
    from here; ``sending``: drafts whose message is in the Outbox (listed nowhere, their server copy neither)."""
    rows: dict[str, DraftRow] = {}
    for summary in server:
        draft_id = draft_id_for(summary.message_id) or f"uid-{summary.uid}"
        if draft_id in sending or draft_id in rows:
            continue
        rows[draft_id] = DraftRow(draft_id, account_id, summary.subject, summary.to,
                                  float(summary.date or summary.internal_date), server_uid=summary.uid,
                                  server_message_id=summary.message_id)
    for draft in local:
        if draft.id in sending:
            continue
        copy = copies.get(draft.id)
        pending = not draft.is_empty and (copy is None or draft.updated > copy[1])
        on_server = rows.get(draft.id)
        # UIDs only grow: a copy appended after ours was put there by someone else (ours, until the folder is
        # synced again, may still be listed under its older UID).
        elsewhere = (on_server is not None and not pending and copy is not None and copy[0] is not None
                     and on_server.server_uid is not None and on_server.server_uid > copy[0])
        if elsewhere and on_server is not None:
            rows[draft.id] = DraftRow(draft.id, account_id, on_server.subject, on_server.to, on_server.date,
                                      local=draft, server_uid=on_server.server_uid,
                                      server_message_id=on_server.server_message_id, elsewhere=True,
                                      writing=draft.id in writing)
        else:
            rows[draft.id] = DraftRow(
                draft.id, draft.account_id or account_id, draft.subject, draft.to, draft.updated, local=draft,
                server_uid=on_server.server_uid if on_server else None,
                server_message_id=on_server.server_message_id if on_server else "",
                pending=pending, writing=draft.id in writing)
    return sorted(rows.values(), key=lambda row: row.date, reverse=True)


class DraftsListModel(QAbstractTableModel):
    TO, SUBJECT, SAVED, STATE = range(4)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[DraftRow] = []

    def set_rows(self, rows: list[DraftRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, row: int) -> DraftRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def draft(self, row: int) -> Draft | None:
        found = self.row(row)
        return found.local if found is not None else None

    def rows(self) -> list[DraftRow]:
        return list(self._rows)

    def remove(self, draft_id: str) -> None:
        for number, row in enumerate(self._rows):
            if row.draft_id == draft_id:
                self.beginRemoveRows(QModelIndex(), number, number)
                del self._rows[number]
                self.endRemoveRows()
                return

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 4:
            titles = [translate("LocalDraftsModel", "To"), translate("LocalDraftsModel", "Subject"),
                      translate("LocalDraftsModel", "Saved"), translate("LocalDraftsModel", "State")]
            return titles[section]
        return None

    @staticmethod
    def state_text(row: DraftRow) -> str:
        if row.writing:
            return translate("LocalDraftsModel", "Being written")
        if row.elsewhere:
            return translate("LocalDraftsModel", "Changed on another device")
        if row.pending and row.server_uid is None:
            return translate("LocalDraftsModel", "On this computer, not on the server yet")
        if row.pending:
            return translate("LocalDraftsModel", "Changed here, not on the server yet")
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == DRAFT_ID_ROLE:
            return row.draft_id
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == self.TO:
                return row.to or translate("LocalDraftsModel", "(no recipient)")
            if column == self.SUBJECT:
                return row.subject or translate("LocalDraftsModel", "(no subject)")
            if column == self.SAVED:
                return list_date(int(row.date))
            if column == self.STATE:
                return self.state_text(row)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.STATE:
            return self.state_text(row) or None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
