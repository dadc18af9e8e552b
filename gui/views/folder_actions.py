"""Folder commands of the main window: create, rename, delete, the tree's context menu and the Move To menu."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, QPoint
from PySide6.QtWidgets import QMenu

from connectors.store import Folder

from ..errors import describe_error
from ..models.mailbox_tree import LOCAL_ACCOUNT_ID
from ..models.roles import Roles
from ..workers.account_session import INBOX, AccountSession
from ..workers.operation import Operation
from .folder_dialogs import ask_folder_name, confirm_delete_folder
from .icons import folder_icon

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

if TYPE_CHECKING:
    from ..main_window import MainWindow


def _children(folders: Sequence[Folder], parent: str, delimiter: str | None) -> set[str]:
    """The last name parts of the folders directly inside ``parent`` ("" for the top level)."""
    names = set()
    for folder in folders:
        head, _, leaf = folder.name.rpartition(delimiter) if delimiter else ("", "", folder.name)
        if head == parent:
            names.add(leaf)
    return names


class FolderActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window

    def _session(self) -> AccountSession | None:
        return self._window.sessions.get(self._window.location[0])

    def _report(self, op: Operation, what: str) -> Operation:
        op.failed.connect(lambda exc: self._window.notify("error", what, describe_error(exc).text))
        return op

    def create(self) -> Operation | None:
        """A new folder inside the selected one (or at the top of the account)."""
        session = self._session()
        if session is None:
            return None
        parent = self._window.location[1]
        folders = session.reader.folders()
        delimiter = next((f.delimiter for f in folders if f.delimiter), "/")
        siblings = _children(folders, parent, delimiter)
        title = translate("FolderActions", "New Folder")
        label = translate("FolderActions", "Name of the new folder in %1:").replace("%1", parent) if parent else \
            translate("FolderActions", "Name of the new folder:")
        name = ask_folder_name(self._window, title, label, "", delimiter, siblings)
        if name is None:
            return None
        full = f"{parent}{delimiter}{name}" if parent else name
        return self.create_named(session, full)

    def create_named(self, session: AccountSession, full_name: str) -> Operation:
        return self._report(session.create_folder(full_name), translate("FolderActions", "Could not create the folder"))

    def rename(self) -> Operation | None:
        session = self._session()
        folder_name = self._window.location[1]
        if session is None or not folder_name:
            return None
        folder = session.reader.folder(folder_name)
        if folder is None or folder.special_use is not None:
            self._window.notify(
                "info", translate("FolderActions", "This folder cannot be renamed"),
                translate("FolderActions", "Inbox, Sent, Drafts, Trash, Junk and Archive keep their names."))
            return None
        delimiter = folder.delimiter
        prefix, _, leaf = folder_name.rpartition(delimiter) if delimiter else ("", "", folder_name)
        siblings = _children(session.reader.folders(), prefix, delimiter) - {leaf}
        name = ask_folder_name(self._window, translate("FolderActions", "Rename Folder"),
                               translate("FolderActions", "New name:"), leaf, delimiter, siblings)
        if name is None or name == leaf:
            return None
        return self.rename_to(session, folder_name, f"{prefix}{delimiter}{name}" if prefix else name)

    def rename_to(self, session: AccountSession, old: str, new: str) -> Operation:
        op = self._report(session.rename_folder(old, new), translate("FolderActions", "Could not rename the folder"))
        op.finished.connect(lambda _result: self._window.tree.select_folder(session.account_id, new))
        return op

    def delete(self) -> Operation | None:
        session = self._session()
        folder_name = self._window.location[1]
        if session is None or not folder_name:
            return None
        folder = session.reader.folder(folder_name)
        if folder is None or folder.special_use is not None:
            self._window.notify(
                "info", translate("FolderActions", "This folder cannot be deleted"),
                translate("FolderActions", "Inbox, Sent, Drafts, Trash, Junk and Archive are needed by the account."))
            return None
        if not confirm_delete_folder(self._window, folder_name, folder.total):
            return None
        return self.delete_named(session, folder_name)

    def delete_named(self, session: AccountSession, name: str) -> Operation:
        self._window.tree.select_folder(session.account_id, INBOX)
        return self._report(session.delete_folder(name), translate("FolderActions", "Could not delete the folder"))

    # -- menus -------------------------------------------------------------------------------------------------

    def context_menu(self, position: QPoint, index: QModelIndex) -> None:
        if not index.isValid() or index.data(Roles.ACCOUNT_ID) == LOCAL_ACCOUNT_ID:
            return
        self._window.tree.setCurrentIndex(index)
        actions = self._window.actions
        menu = QMenu(self._window)
        menu.setObjectName("folderContextMenu")
        menu.addAction(actions.refresh)
        menu.addSeparator()
        menu.addAction(actions.new_folder)
        if index.data(Roles.NODE_KIND) == "folder":
            menu.addAction(actions.rename_folder)
            menu.addAction(actions.delete_folder)
        menu.exec(position)

    def fill_move_menu(self) -> None:
        """Every other selectable folder of the selected messages' account, nested names shown in full (in a view
        across accounts, messages of one account only can be moved together)."""
        menu = self._window.actions.move_menu
        menu.clear()
        groups = self._window.selected_groups()
        accounts = {account_id for account_id, _folder, _uids in groups}
        if len(accounts) != 1:
            return
        account_id = accounts.pop()
        current = groups[0][1] if len(groups) == 1 else None
        if self._window.sessions.get(account_id) is None:
            return
        for node in self._window.tree_model.folders_of(account_id):
            if node.name is None or not node.selectable or node.name == current:
                continue
            action = menu.addAction(folder_icon(node.special_use), node.label if node.special_use else node.name)
            action.setObjectName(f"moveTo:{node.name}")
            action.triggered.connect(lambda _checked=False, target=node.name: self._window.move_selected(target))
