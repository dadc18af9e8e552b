"""Every command of the main window as a QAction (text, icon, standard shortcut, object name), and the menus and
toolbar built from them. The window connects them; this module only says what exists and how it is reached."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QSizePolicy, QToolBar, QToolButton, QWidget

from .icons import icon

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

Shortcut = QKeySequence.StandardKey | str | None


class MailActions(QObject):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._made: list[QAction] = []
        standard = QKeySequence.StandardKey
        self.new_message = self._make("newMessage", translate("MailActions", "&New Message"), "new", standard.New)
        self.reply = self._make("reply", translate("MailActions", "&Reply"), "reply", "Ctrl+R")
        self.reply_all = self._make("replyAll", translate("MailActions", "Reply to &All"), "reply-all", "Ctrl+Shift+R")
        self.forward = self._make("forward", translate("MailActions", "&Forward"), "forward", "Ctrl+L")
        self.open_message = self._make("openMessage", translate("MailActions", "&Open in New Window"), "open", None)
        self.open_file = self._make("openMessageFile", translate("MailActions", "Open &Message File…"), "open",
                                    standard.Open)
        self.delete = self._make("delete", translate("MailActions", "&Delete"), "trash", standard.Delete)
        # Never a shortcut's side effect alone: it always asks first (MessageCommands.delete_permanently).
        self.delete_permanently = self._make("deletePermanently", translate("MailActions", "Delete &Permanently…"),
                                             None, "Shift+Del")
        self.archive = self._make("archive", translate("MailActions", "Arc&hive"), "archive", "A")
        self.mark_read = self._make("markRead", translate("MailActions", "Mark as &Read"), "mark-read", "Ctrl+I")
        self.mark_unread = self._make("markUnread", translate("MailActions", "Mark as &Unread"), "mark-unread",
                                      "Ctrl+U")
        self.flag = self._make("flag", translate("MailActions", "&Star"), "star-outline", "S")
        self.flag.setCheckable(True)
        self.move_menu = QMenu(translate("MailActions", "&Move To"), window)
        self.move_menu.setObjectName("moveToMenu")
        self.undo = self._make("undo", translate("MailActions", "&Undo"), None, standard.Undo)
        self.undo.setEnabled(False)
        self.search = self._make("search", translate("MailActions", "&Search"), "search", QKeySequence.StandardKey.Find)
        self.refresh = self._make("refresh", translate("MailActions", "&Get Messages"), "refresh", standard.Refresh)
        self.next_unread = self._make("nextUnread", translate("MailActions", "&Next Unread"), None, "N")
        self.previous_unread = self._make("previousUnread", translate("MailActions", "&Previous Unread"), None, "P")
        self.threaded = self._make("threaded", translate("MailActions", "Group by &Conversation"), None, None)
        self.threaded.setCheckable(True)
        self.new_folder = self._make("newFolder", translate("MailActions", "New &Folder…"), "folder", None)
        self.rename_folder = self._make("renameFolder", translate("MailActions", "&Rename Folder…"), None, "F2")
        self.delete_folder = self._make("deleteFolder", translate("MailActions", "De&lete Folder…"), None, None)
        self.add_account = self._make("addAccount", translate("MailActions", "&Add Account…"), "account", None)
        self.manage_accounts = self._make("manageAccounts", translate("MailActions", "A&ccounts…"), None, None)
        self.preferences = self._make("preferences", translate("MailActions", "&Preferences…"), None,
                                      standard.Preferences)
        self.quit = self._make("quit", translate("MailActions", "&Quit"), None, QKeySequence.StandardKey.Quit)
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.preferences.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.shortcuts = self._make("keyboardShortcuts", translate("MailActions", "&Keyboard Shortcuts"), None,
                                    QKeySequence.StandardKey.HelpContents)
        self.about = self._make("about", translate("MailActions", "&About Facteur"), None, None)
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        # Actions that need a message selected, a folder selected, an account.
        self.message_actions = [self.reply, self.reply_all, self.forward, self.open_message, self.delete,
                                self.delete_permanently, self.archive, self.mark_read, self.mark_unread, self.flag]
        self.folder_actions = [self.rename_folder, self.delete_folder]

    def all(self) -> list[QAction]:
        """Every action of the window, in the order they were made (Help → Keyboard Shortcuts lists them)."""
        return list(self._made)

    def _make(self, name: str, text: str, icon_name: str | None, shortcut: Shortcut) -> QAction:
        action = QAction(text, self._window)
        self._made.append(action)
        action.setObjectName(name)
        if icon_name is not None:
            action.setIcon(icon(icon_name))
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)
        elif shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if action.shortcut().toString():
            # The shortcut in the tooltip too, as toolbars show it in other mail clients.
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{text.replace('&', '')} ({keys})")
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self._window.addAction(action)
        return action

    def build_menus(self) -> None:
        bar = self._window.menuBar()
        file_menu = bar.addMenu(translate("MailActions", "&File"))
        file_menu.setObjectName("fileMenu")
        for action in (self.new_message, self.open_file, None, self.refresh, None, self.add_account,
                       self.manage_accounts, None, self.quit):
            self._add(file_menu, action)
        edit_menu = bar.addMenu(translate("MailActions", "&Edit"))
        edit_menu.setObjectName("editMenu")
        for action in (self.undo, None, self.search, None, self.new_folder, self.rename_folder, self.delete_folder,
                       None, self.preferences):
            self._add(edit_menu, action)
        view_menu = bar.addMenu(translate("MailActions", "&View"))
        view_menu.setObjectName("viewMenu")
        for action in (self.threaded, None, self.next_unread, self.previous_unread):
            self._add(view_menu, action)
        message_menu = bar.addMenu(translate("MailActions", "&Message"))
        message_menu.setObjectName("messageMenu")
        for action in (self.reply, self.reply_all, self.forward, self.open_message, None, self.mark_read,
                       self.mark_unread, self.flag, None, self.archive, self.delete, self.delete_permanently):
            self._add(message_menu, action)
        message_menu.addMenu(self.move_menu)
        help_menu = bar.addMenu(translate("MailActions", "&Help"))
        help_menu.setObjectName("helpMenu")
        help_menu.addAction(self.shortcuts)
        help_menu.addSeparator()
        help_menu.addAction(self.about)

    @staticmethod
    def _add(menu: QMenu, action: QAction | None) -> None:
        if action is None:
            menu.addSeparator()
        else:
            menu.addAction(action)

    def build_toolbar(self, search_field: QWidget) -> QToolBar:
        toolbar = QToolBar(translate("MailActions", "Main Toolbar"), self._window)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.refresh, None, self.new_message, self.reply, self.reply_all, self.forward, None,
                       self.archive, self.delete, self.flag):
            if action is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(action)
        for action in (self.reply_all, self.forward, self.flag, self.refresh):
            button = toolbar.widgetForAction(action)
            if isinstance(button, QToolButton):  # the less used ones as icons only, so the toolbar fits 1024 px
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        spacer = QWidget(toolbar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addWidget(search_field)
        self._window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
        return toolbar

    def context_menu(self) -> QMenu:
        menu = QMenu(self._window)
        menu.setObjectName("messageContextMenu")
        for action in (self.open_message, None, self.reply, self.reply_all, self.forward, None, self.mark_read,
                       self.mark_unread, self.flag, None, self.archive, self.delete):
            self._add(menu, action)
        menu.addMenu(self.move_menu)
        return menu
