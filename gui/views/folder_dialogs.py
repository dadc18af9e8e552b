"""Asking for a folder name (new, rename) and confirming a deletion, with the checks a server would make anyway."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate


def folder_name_problem(name: str, delimiter: str | None, existing: set[str]) -> str | None:
    """Why ``name`` cannot be used as a folder's last name part, or None if it can."""
    if not name.strip():
        return translate("FolderDialogs", "A folder needs a name.")
    if name != name.strip():
        return translate("FolderDialogs", "A folder name cannot start or end with a space.")
    if delimiter and delimiter in name:
        return translate("FolderDialogs", "A folder name cannot contain “%1”.").replace("%1", delimiter)
    if any(ord(char) < 32 for char in name) or "*" in name or "%" in name:
        return translate("FolderDialogs", "A folder name cannot contain * or % or control characters.")
    if name.upper() == "INBOX" or name in existing:
        return translate("FolderDialogs", "There is already a folder called “%1” here.").replace("%1", name)
    return None


def ask_folder_name(parent: QWidget, title: str, label: str, initial: str, delimiter: str | None,
                    existing: set[str]) -> str | None:
    """The name typed (checked), or None if cancelled."""
    name = initial
    while True:
        name, accepted = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, name)
        if not accepted:
            return None
        problem = folder_name_problem(name, delimiter, existing)
        if problem is None:
            return name
        QMessageBox.warning(parent, title, problem)


def confirm_delete_folder(parent: QWidget, display_name: str, total: int) -> bool:
    text = translate("FolderDialogs", "Delete the folder “%1” and the %2 messages in it? This cannot be undone.") \
        .replace("%1", display_name).replace("%2", str(total)) if total else \
        translate("FolderDialogs", "Delete the empty folder “%1”?").replace("%1", display_name)
    answer = QMessageBox.warning(parent, translate("FolderDialogs", "Delete Folder"), text,
                                 QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                 QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Yes
