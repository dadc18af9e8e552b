"""The mailbox tree: accounts, their folders nested by the server's delimiter, then Local Folders.

A QAbstractItemModel over each account's store (read through the GUI thread's own ``StoreReader``). When the
store says the folder list or the counts changed, ``refresh_account`` re-reads ``folders()`` (a few hundred
rows at most) and merges the result into the existing nodes, so expansion and selection survive a sync.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cmp_to_key
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractItemModel,
    QCollator,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QIcon

from connectors.store import Folder, StoreError

from .drag import MESSAGES_MIME_TYPE, decode_messages
from .roles import Roles

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

# Special folders are shown under their usual names in the person's language, whatever the server calls them
# (as Thunderbird does); Gmail's other system labels keep their own names.
_SPECIAL_LABELS = {
    "inbox": QT_TRANSLATE_NOOP("MailboxTreeModel", "Inbox"),
    "drafts": QT_TRANSLATE_NOOP("MailboxTreeModel", "Drafts"),
    "sent": QT_TRANSLATE_NOOP("MailboxTreeModel", "Sent"),
    "archive": QT_TRANSLATE_NOOP("MailboxTreeModel", "Archive"),
    "junk": QT_TRANSLATE_NOOP("MailboxTreeModel", "Junk"),
    "trash": QT_TRANSLATE_NOOP("MailboxTreeModel", "Trash"),
}

LOCAL_ACCOUNT_ID = "local"
"""The account id of Local Folders (the Outbox and local drafts), which belong to no server."""

UNIFIED_ACCOUNT_ID = "unified"
"""The account id of the views across every account (All Inboxes, All Unread, Starred); their names are the
views' ("inbox", "unread", "starred")."""

_UNIFIED_LABELS = {
    "inbox": QT_TRANSLATE_NOOP("MailboxTreeModel", "All Inboxes"),
    "unread": QT_TRANSLATE_NOOP("MailboxTreeModel", "All Unread"),
    "starred": QT_TRANSLATE_NOOP("MailboxTreeModel", "Starred"),
}
_UNIFIED_ICONS = {"inbox": "inbox", "unread": "mark-unread", "starred": "flagged"}

# Special-use folders come first in this order; the rest follow by name.
SPECIAL_ORDER = ("inbox", "drafts", "outbox", "sent", "archive", "junk", "trash")

Index = QModelIndex | QPersistentModelIndex
FolderReader = Callable[[], Sequence[Folder]]
IconProvider = Callable[[str | None], QIcon]
StateIconProvider = Callable[[str], QIcon]


@dataclass(eq=False)
class Node:
    kind: str  # "root", "unified" (a view across accounts), "account" or "folder"
    account_id: str
    label: str
    name: str | None = None
    special_use: str | None = None
    unread: int = 0
    total: int = 0
    selectable: bool = False
    failed: int = 0  # Local Folders' Outbox: messages that could not be sent and wait for the person
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.name if self.name is not None else "\0" + self.label

    def row(self) -> int:
        return self.parent.children.index(self) if self.parent is not None else 0


@dataclass
class _AccountEntry:
    label: str
    read_folders: FolderReader
    state: str = "offline"


def _rank(node: Node) -> int:
    return SPECIAL_ORDER.index(node.special_use) if node.special_use in SPECIAL_ORDER else len(SPECIAL_ORDER)


_STORE_STATES = {
    "opening": lambda: translate("MailboxTreeModel", "%1 (opening…)"),
    "upgrading": lambda: translate("MailboxTreeModel", "%1 (upgrading…)"),
    "unusable": lambda: translate("MailboxTreeModel", "%1 (cannot be opened)"),
}
"""Account states of its local store (see AccountSession): the account row says them, having no folders."""


class MailboxTreeModel(QAbstractItemModel):
    """Accounts (in the order given), their folders, and Local Folders last."""

    messagesDropped = Signal(str, str, list, str)  # account id, source folder, uids, target folder
    """Messages were dropped onto a folder: the window asks the account's worker to move them."""

    def __init__(self, parent: QObject | None = None, *, folder_icon: IconProvider | None = None,
                 state_icon: StateIconProvider | None = None) -> None:
        super().__init__(parent)
        self._root = Node("root", "", "")
        self._accounts: dict[str, _AccountEntry] = {}
        self._folder_icon = folder_icon
        self._state_icon = state_icon
        self._collator = QCollator()
        self._collator.setNumericMode(True)
        self._collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._local: Node | None = None

    # -- building ----------------------------------------------------------------------------------------------

    def set_unified(self, counts: dict[str, tuple[int, int]] | None) -> None:
        """The views across accounts at the top, with each one's (unread, total); None takes them away."""
        shown = [node for node in self._root.children if node.kind == "unified"]
        if counts is None:
            if shown:
                self.beginRemoveRows(QModelIndex(), 0, len(shown) - 1)
                del self._root.children[:len(shown)]
                self.endRemoveRows()
            return
        if not shown:
            nodes = [Node("unified", UNIFIED_ACCOUNT_ID, translate("MailboxTreeModel", label), name=view,
                          selectable=True, parent=self._root)
                     for view, label in _UNIFIED_LABELS.items()]
            self.beginInsertRows(QModelIndex(), 0, len(nodes) - 1)
            self._root.children[0:0] = nodes
            self.endInsertRows()
            shown = nodes
        for node in shown:
            unread, total = counts.get(node.name or "", (0, 0))
            if (node.unread, node.total) != (unread, total):
                node.unread, node.total = unread, total
                index = self._index_of(node)
                self.dataChanged.emit(index, index)

    def set_account(self, account_id: str, label: str, read_folders: FolderReader) -> None:
        """Add an account (or update its label and folder source) and read its folders."""
        existing = self._account_node(account_id)
        previous = self._accounts.get(account_id)
        self._accounts[account_id] = _AccountEntry(label, read_folders, previous.state if previous else "offline")
        if existing is None:
            row = self._account_insert_row()
            node = Node("account", account_id, label, parent=self._root)
            self.beginInsertRows(QModelIndex(), row, row)
            self._root.children.insert(row, node)
            self.endInsertRows()
        else:
            existing.label = label
            index = self._index_of(existing)
            self.dataChanged.emit(index, index)
        self.refresh_account(account_id)

    def remove_account(self, account_id: str) -> None:
        node = self._account_node(account_id)
        self._accounts.pop(account_id, None)
        if node is None:
            return
        row = node.row()
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._root.children[row]
        node.parent = None
        self.endRemoveRows()

    def set_local_folders(self, folders: Sequence[tuple[str, str, int, int] | tuple[str, str, int, int, int]]
                          ) -> None:
        """Local Folders' children as (name, label, count shown, total[, failed]); the node is added on first
        call. A folder with failed messages is marked (icon, tooltip)."""
        if self._local is None:
            label = translate("MailboxTreeModel", "Local Folders")
            self._local = Node("account", LOCAL_ACCOUNT_ID, label, parent=self._root)
            row = len(self._root.children)
            self.beginInsertRows(QModelIndex(), row, row)
            self._root.children.append(self._local)
            self.endInsertRows()
        wanted = [
            Node("folder", LOCAL_ACCOUNT_ID, folder[1], name=folder[0], special_use=folder[0], unread=folder[2],
                 total=folder[3], selectable=True, failed=folder[4] if len(folder) > 4 else 0)
            for folder in folders
        ]
        self._merge(self._local, wanted)

    def set_connection_state(self, account_id: str, state: str) -> None:
        entry = self._accounts.get(account_id)
        node = self._account_node(account_id)
        if entry is None or node is None or entry.state == state:
            return
        entry.state = state
        index = self._index_of(node)
        self.dataChanged.emit(index, index)

    def refresh_account(self, account_id: str) -> None:
        """Re-read the account's folders and merge them into the tree."""
        entry = self._accounts.get(account_id)
        node = self._account_node(account_id)
        if entry is None or node is None:
            return
        try:
            folders = list(entry.read_folders())
        except StoreError:
            folders = []  # the store is being created or was removed: show the account without folders
        self._merge(node, self._build(account_id, folders))

    def _account_node(self, account_id: str) -> Node | None:
        return next((n for n in self._root.children if n.kind == "account" and n.account_id == account_id), None)

    def _account_insert_row(self) -> int:
        """Accounts go before Local Folders."""
        return len(self._root.children) - (1 if self._local is not None else 0)

    def _build(self, account_id: str, folders: Sequence[Folder]) -> list[Node]:
        """Fresh nodes for a folder list, nested by delimiter, parents made up where the server lists none."""
        top: list[Node] = []
        by_path: dict[tuple[str, ...], Node] = {}
        for folder in sorted(folders, key=lambda f: len(f.parts)):
            parts = folder.parts
            siblings = top
            for depth in range(1, len(parts)):
                path = parts[:depth]
                parent = by_path.get(path)
                if parent is None:  # "Archive/2024" listed without "Archive": show the parent anyway
                    parent = Node("folder", account_id, path[-1])
                    by_path[path] = parent
                    siblings.append(parent)
                siblings = parent.children
            node = by_path.get(parts)
            if node is None:
                node = Node("folder", account_id, parts[-1])
                by_path[parts] = node
                siblings.append(node)
            node.name = folder.name
            special = _SPECIAL_LABELS.get(folder.special_use or "")
            node.label = translate("MailboxTreeModel", special) if special else parts[-1]
            node.special_use = folder.special_use
            node.unread, node.total = folder.unread, folder.total
            node.selectable = folder.selectable
        self._sort(top)
        return top

    def _sort(self, nodes: list[Node]) -> None:
        """Special-use folders first in SPECIAL_ORDER, then the rest by name as the person's locale sorts it."""
        def compare(a: Node, b: Node) -> int:
            rank_a, rank_b = _rank(a), _rank(b)
            if rank_a != rank_b:
                return rank_a - rank_b
            return self._collator.compare(a.label, b.label)

        nodes.sort(key=cmp_to_key(compare))
        for node in nodes:
            self._sort(node.children)

    def _merge(self, parent: Node, wanted: list[Node]) -> None:
        """Make ``parent``'s children look like ``wanted`` with the fewest row changes, keeping node identity
        (and so the view's expansion and selection) for folders that are still there."""
        parent_index = self._index_of(parent)
        wanted_keys = [node.key for node in wanted]
        wanted_set = set(wanted_keys)
        for row in range(len(parent.children) - 1, -1, -1):
            if parent.children[row].key not in wanted_set:
                self.beginRemoveRows(parent_index, row, row)
                removed = parent.children.pop(row)
                removed.parent = None
                self.endRemoveRows()
        for row, new in enumerate(wanted):
            current = parent.children[row] if row < len(parent.children) else None
            if current is not None and current.key == new.key:
                self._update(current, new)
                continue
            existing_row = next((r for r in range(row + 1, len(parent.children))
                                 if parent.children[r].key == new.key), None)
            if existing_row is not None:
                self.beginMoveRows(parent_index, existing_row, existing_row, parent_index, row)
                parent.children.insert(row, parent.children.pop(existing_row))
                self.endMoveRows()
                self._update(parent.children[row], new)
                continue
            children, new.children = new.children, []
            new.parent = parent
            self.beginInsertRows(parent_index, row, row)
            parent.children.insert(row, new)
            self.endInsertRows()
            self._merge(new, children)

    def _update(self, current: Node, new: Node) -> None:
        changed = (current.label, current.special_use, current.unread, current.total, current.selectable,
                   current.failed) != (new.label, new.special_use, new.unread, new.total, new.selectable, new.failed)
        current.label, current.special_use, current.failed = new.label, new.special_use, new.failed
        current.unread, current.total, current.selectable = new.unread, new.total, new.selectable
        if changed:
            index = self._index_of(current)
            self.dataChanged.emit(index, index)
        self._merge(current, new.children)

    # -- lookups -----------------------------------------------------------------------------------------------

    def _index_of(self, node: Node) -> QModelIndex:
        if node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row(), 0, node)

    def node(self, index: Index) -> Node:
        if not index.isValid():
            return self._root
        node = index.internalPointer()
        assert isinstance(node, Node)
        return node

    def folder_index(self, account_id: str, folder: str) -> QModelIndex:
        """The index of a folder by its full name (of a view across accounts by its name), or an invalid index."""
        if account_id == UNIFIED_ACCOUNT_ID:
            view = next((n for n in self._root.children if n.kind == "unified" and n.name == folder), None)
            return self._index_of(view) if view is not None else QModelIndex()
        account = self._account_node(account_id)
        if account is None:
            return QModelIndex()
        stack = list(account.children)
        while stack:
            node = stack.pop()
            if node.name == folder:
                return self._index_of(node)
            stack.extend(node.children)
        return QModelIndex()

    def account_index(self, account_id: str) -> QModelIndex:
        node = self._account_node(account_id)
        return self._index_of(node) if node is not None else QModelIndex()

    def folders_of(self, account_id: str) -> list[Node]:
        """Every folder node of an account, depth first (for "Move to" menus)."""
        account = self._account_node(account_id)
        result: list[Node] = []

        def walk(nodes: list[Node]) -> None:
            for node in nodes:
                result.append(node)
                walk(node.children)

        if account is not None:
            walk(account.children)
        return result

    # -- QAbstractItemModel ------------------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column != 0 or row < 0:
            return QModelIndex()
        parent_node = self.node(parent)
        if row >= len(parent_node.children):
            return QModelIndex()
        return self.createIndex(row, 0, parent_node.children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        parent = self.node(index).parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self._index_of(parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        node = self.node(index)
        flags = Qt.ItemFlag.ItemIsEnabled
        if node.kind == "account" or node.selectable:
            flags |= Qt.ItemFlag.ItemIsSelectable
        if node.kind == "folder" and node.selectable and node.account_id != LOCAL_ACCOUNT_ID:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self.node(index)
        if role == Qt.ItemDataRole.DisplayRole:
            if node.kind in ("folder", "unified") and node.unread > 0:
                return f"{node.label} ({node.unread})"
            if node.kind == "account" and self._state(node) in _STORE_STATES:
                # No folders to show yet (or at all): the row says why.
                return _STORE_STATES[self._state(node)]().replace("%1", node.label)
            return node.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(node)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if node.failed:
                return translate("MailboxTreeModel", "%1, %2 waiting, %3 not sent").replace("%1", node.label) \
                    .replace("%2", str(node.unread)).replace("%3", str(node.failed))
            if node.kind in ("folder", "unified") and node.unread > 0:
                text = translate("MailboxTreeModel", "%1, %2 unread")
                return text.replace("%1", node.label).replace("%2", str(node.unread))
            return node.label
        if role == Qt.ItemDataRole.FontRole:
            if node.kind == "account" or node.unread > 0:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            if node.kind == "unified":
                return self._folder_icon(_UNIFIED_ICONS.get(node.name or "")) if self._folder_icon else None
            if node.kind == "account":
                if node.account_id == LOCAL_ACCOUNT_ID or self._state_icon is None:
                    return self._folder_icon("local" if node.account_id == LOCAL_ACCOUNT_ID else None) \
                        if self._folder_icon is not None else None
                return self._state_icon(self._state(node))
            if self._folder_icon is None:
                return None
            return self._folder_icon("failed" if node.failed else node.special_use)
        return self._role_data(node, role)

    def _role_data(self, node: Node, role: int) -> Any:
        if role == Roles.NODE_KIND:
            return node.kind
        if role == Roles.ACCOUNT_ID:
            return node.account_id
        if role == Roles.FOLDER_NAME:
            return node.name if node.kind in ("folder", "unified") else None
        if role == Roles.SPECIAL_USE:
            return node.special_use
        if role == Roles.UNREAD_COUNT:
            return node.unread
        if role == Roles.FAILED_COUNT:
            return node.failed
        if role == Roles.TOTAL_COUNT:
            return node.total
        if role == Roles.SELECTABLE:
            return node.selectable
        if role == Roles.CONNECTION_STATE:
            return self._state(node) if node.kind == "account" else None
        return None

    def _state(self, node: Node) -> str:
        entry = self._accounts.get(node.account_id)
        return entry.state if entry is not None else "offline"

    def _tooltip(self, node: Node) -> str:
        if node.kind == "unified":
            text = {
                "inbox": translate("MailboxTreeModel", "The inboxes of every account: %1 messages, %2 unread"),
                "unread": translate("MailboxTreeModel", "Unread messages of every account: %1"),
                "starred": translate("MailboxTreeModel", "Starred messages of every account: %1, %2 unread"),
            }.get(node.name or "", "%1")
            return text.replace("%1", str(node.total)).replace("%2", str(node.unread))
        if node.kind == "account":
            if node.account_id == LOCAL_ACCOUNT_ID:
                return translate("MailboxTreeModel", "Messages kept on this computer: the Outbox and local drafts")
            return {
                "online": translate("MailboxTreeModel", "%1: connected"),
                "connecting": translate("MailboxTreeModel", "%1: connecting…"),
                "offline": translate("MailboxTreeModel",
                                     "%1: offline — changes are kept and sent when the connection is back"),
                "error": translate("MailboxTreeModel", "%1: cannot connect"),
                "opening": translate("MailboxTreeModel", "%1: opening the mail kept on this computer…"),
                "upgrading": translate("MailboxTreeModel", "%1: upgrading the mail kept on this computer (once, after "
                                                           "an update of Facteur)…"),
                "unusable": translate("MailboxTreeModel", "%1: the mail kept on this computer cannot be opened"),
            }.get(self._state(node), "%1").replace("%1", node.label)
        if not node.selectable:
            return node.label
        if node.failed:
            return translate("MailboxTreeModel", "%1: %2 waiting to be sent, %3 could not be sent — select it to "
                                                 "retry or edit").replace("%1", node.label) \
                .replace("%2", str(node.unread)).replace("%3", str(node.failed))
        return translate("MailboxTreeModel", "%1: %2 messages, %3 unread").replace("%1", node.name or node.label) \
            .replace("%2", str(node.total)).replace("%3", str(node.unread))

    def roleNames(self) -> dict[int, bytes]:
        names = dict(super().roleNames())
        names.update({role.value: role.name.lower().encode() for role in Roles})
        return names

    # -- drag and drop: messages onto a folder -----------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MESSAGES_MIME_TYPE]

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: Index) -> bool:
        return decode_messages(data) is not None and parent.isValid() and self.drop_refusal(data, parent) is None

    def drop_refusal(self, data: QMimeData, parent: Index) -> str | None:
        """Why the dragged messages cannot be dropped on ``parent`` (words for the person), or None if they can."""
        dragged = decode_messages(data)
        if dragged is None:
            return translate("MailboxTreeModel", "Only messages can be dropped on a folder.")
        if not parent.isValid():
            return translate("MailboxTreeModel", "Drop the messages on a folder.")
        node = self.node(parent)
        if node.kind == "account":
            if node.account_id == LOCAL_ACCOUNT_ID:
                return translate("MailboxTreeModel", "Local Folders hold only what Facteur sends and your local "
                                                     "drafts: messages cannot be moved there.")
            return translate("MailboxTreeModel", "%1 is an account, not a folder: drop the messages on one of its "
                                                 "folders.").replace("%1", node.label)
        if node.kind != "folder" or node.name is None:
            return translate("MailboxTreeModel", "Messages cannot be moved to %1.").replace("%1", node.label)
        if node.account_id == LOCAL_ACCOUNT_ID:
            return translate("MailboxTreeModel", "%1 holds only what Facteur sends or drafts you write: messages "
                                                 "cannot be moved there.").replace("%1", node.label)
        if not node.selectable:
            return translate("MailboxTreeModel", "%1 cannot hold messages on this server, only other folders.") \
                .replace("%1", node.label)
        if node.account_id != dragged.account_id:
            return translate("MailboxTreeModel", "%1 belongs to another account: messages can be moved only "
                                                 "between folders of one account.").replace("%1", node.label)
        if node.name == dragged.folder:
            return translate("MailboxTreeModel", "The messages are already in %1.").replace("%1", node.label)
        return None

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        dragged = decode_messages(data)
        node = self.node(parent)
        assert dragged is not None and node.name is not None
        self.messagesDropped.emit(dragged.account_id, dragged.folder, list(dragged.uids), node.name)
        # The worker moves them; the message list hides them at once and shows them again if the server refuses.
        return True
