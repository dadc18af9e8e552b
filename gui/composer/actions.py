"""The composer's commands as QActions (text, standard shortcut): the window connects them; Help → Keyboard
Shortcuts lists them from here too, so the list is always the composer's own."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate


class ComposerActions(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.send = QAction(translate("ComposerWindow", "Send"), parent)
        self.send.setShortcut(QKeySequence("Ctrl+Return"))
        self.send.setToolTip(translate("ComposerWindow", "Send (Ctrl+Enter)"))
        self.attach = QAction(translate("ComposerWindow", "Attach…"), parent)
        self.attach.setShortcut(QKeySequence("Ctrl+Shift+A"))
        self.save = QAction(translate("ComposerWindow", "Save draft"), parent)
        self.save.setShortcut(QKeySequence.StandardKey.Save)
        self.plain = QAction(translate("ComposerWindow", "Plain text only"), parent)
        self.plain.setCheckable(True)
        self.plain.setToolTip(translate("ComposerWindow", "Send without formatting (no HTML part)"))
        self.close = QAction(translate("ComposerWindow", "Close"), parent)
        self.close.setShortcuts([*QKeySequence.keyBindings(QKeySequence.StandardKey.Close),
                                 QKeySequence(Qt.Key.Key_Escape)])

    def all(self) -> list[QAction]:
        return [self.send, self.attach, self.save, self.plain, self.close]
