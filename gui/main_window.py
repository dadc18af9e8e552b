"""Facteur's main window: mailbox tree | message list | reader, with menus, toolbar, search and status bar.

It assembles the parts and routes between them; each part holds its own logic:
models (:mod:`gui.models`), views and commands (:mod:`gui.views`), and one :class:`AccountSession` per account
(:mod:`gui.workers`), whose threads do every network call and store write.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from connectors.store import VIEWS, OpenedStore, SearchQueryError, StoreError

from .accounts import APP_NAME, Account, AccountStore
from .desktop_accounts import DesktopAccountsMonitor
from .errors import describe_account_problem, describe_error, describe_store_problem
from .models.mailbox_tree import LOCAL_ACCOUNT_ID, UNIFIED_ACCOUNT_ID, MailboxTreeModel
from .models.message_columns import Column
from .models.message_list import MessageListModel
from .models.roles import Roles
from .models.store_loader import StoreLoader
from .models.thread_list import ThreadListModel
from .models.unified_list import UnifiedListModel
from .settings import UiSettings
from .views.about import show_about
from .views.account_dialogs import AccountDialogs
from .views.bulk_actions import BulkActionsPane
from .views.folder_actions import FolderActions
from .views.html_view import open_externally
from .views.icons import folder_icon, icon, state_icon
from .views.icons import warm_up as warm_icons
from .views.local_folders import LocalFolders
from .views.mail_actions import MailActions
from .views.mailbox_tree_view import MailboxTreeView
from .views.message_commands import MessageCommands
from .views.message_list_view import MessageListView
from .views.message_opener import MessageOpener
from .views.notifications import Action, DesktopNotifier, NotificationArea
from .views.reader import ReaderView
from .views.reader_window import ReaderWindow
from .views.search_field import SearchField
from .views.server_search import ServerSearch, ServerSearchBar
from .views.shortcuts_dialog import ShortcutsDialog, composer_sections
from .views.status_bar import MailStatusBar
from .views.undo import UndoControl
from .workers.account_session import INBOX, PUSH, AccountSession, UndoStep
from .workers.bodies import with_whole_message
from .workers.keyring_unlock import KeyringUnlocker
from .workers.parsing import close_message_parser
from .workers.quitting import release_when_stopped, stop_all
from .workers.runner import runner
from .workers.store_relay import StoreEventRelay

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

log = logging.getLogger(__name__)
SessionFactory = Callable[[Account, StoreEventRelay], AccountSession]
QUIT_BUDGET_S = 1.5  # for the workers; the window closes within 2 s in all (bench/quit_bench.py)
ANNOUNCED = 20  # new messages read to say who wrote; more are only counted


class MainWindow(QMainWindow):
    def __init__(self, accounts: AccountStore, *, settings: UiSettings | None = None,
                 session_factory: SessionFactory | None = None, postbox: Any = None,
                 app_icon: QIcon | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.accounts = accounts
        self.settings = settings or UiSettings()
        self._session_factory = session_factory or self._default_session
        self.relay = StoreEventRelay(self)
        self.sessions: dict[str, AccountSession] = {}
        """The accounts whose store is open: the only ones actions, models and searches see."""
        self._opening: dict[str, AccountSession] = {}
        """Sessions still opening their store (see ``add_account``)."""
        self.location: tuple[str, str] = ("", "")
        self._reader_windows: list[ReaderWindow] = []
        self._wanted: tuple[str, str] | None = None  # the folder to show once the first sync has listed it

        self.loader = StoreLoader(self)
        self.loader.damaged.connect(self._store_file_damaged)
        warm_icons()  # now, not at the folder tree's first paint once the window is shown (issue 13.4)
        self.tree_model = MailboxTreeModel(self, folder_icon=folder_icon, state_icon=state_icon)
        self.list_model = MessageListModel(self, icons=icon, loader=self.loader)
        self.thread_model = ThreadListModel(self, icons=icon, loader=self.loader)
        self.unified_model = UnifiedListModel(self, icons=icon, loader=self.loader)
        self._unified_counts_timer = QTimer(self)
        self._unified_counts_timer.setSingleShot(True)
        self._unified_counts_timer.setInterval(150)
        self._unified_counts_timer.timeout.connect(self._read_unified_counts)
        self.tree = MailboxTreeView(self)
        self.tree.set_tree_model(self.tree_model)
        self.messages = MessageListView(self)
        self.reader = ReaderView(self)
        self.reader.set_font_size(self.settings.reader_font_size)
        self.search_field = SearchField(self)
        self.server_search = ServerSearch(ServerSearchBar(self), self.list_model, self.sessions.get, self)
        self.notifications = NotificationArea(self)
        self.status = MailStatusBar(self)
        self.setStatusBar(self.status)
        self.notifier = DesktopNotifier(self, app_icon or QIcon())
        self.opener = MessageOpener(self.reader, self.settings, self)
        self.commands = MessageCommands(self.sessions.get, [self.list_model, self.thread_model, self.unified_model],
                                        self.notify, self)
        self.actions = MailActions(self)
        self.actions.build_menus()
        self.actions.build_toolbar(self.search_field)
        self.actions.threaded.setChecked(self.settings.threaded)
        self.local = LocalFolders(self, postbox)
        self.dialogs = AccountDialogs(self)
        self.keyring = KeyringUnlocker(lambda: list(self.sessions.values()), self.local.postbox.worker.retry_now, self)
        self.keyring.stillLocked.connect(self._keyring_still_locked)
        self.desktop = DesktopAccountsMonitor(lambda: [s.account for s in self.sessions.values()],
                                              self._connection_problem, self._desktop_account_back,
                                              self._desktop_account_changed, self)
        self.folders = FolderActions(self)
        self._build_layout()
        self._connect()
        sort_key, descending = self.settings.sort_order()
        self.list_model.set_sort(sort_key, descending)
        self._use_threaded(self.settings.threaded, reload=False)
        for account in accounts.accounts:
            self.add_account(account, start=False)
        self.local.refresh_counts()
        self._restore_layout()
        self._update_actions()

    # -- building ----------------------------------------------------------------------------------------------

    def _build_layout(self) -> None:
        self.list_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.list_splitter.setObjectName("listSplitter")
        list_column = QWidget(self)
        list_column.setObjectName("listColumn")
        list_layout = QVBoxLayout(list_column)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.setSpacing(0)
        list_layout.addWidget(self.messages, 1)
        list_layout.addWidget(self.server_search.bar)
        self.list_splitter.addWidget(list_column)
        self.reading = QStackedWidget(self)
        self.reading.setObjectName("readingPane")
        self.reading.addWidget(self.reader)
        a = self.actions
        self.bulk = BulkActionsPane(mark_read=a.mark_read, mark_unread=a.mark_unread, star=a.flag, archive=a.archive,
                                    delete=a.delete, forward=a.forward, move_menu=a.move_menu, parent=self.reading)
        self.reading.addWidget(self.bulk)
        self.list_splitter.addWidget(self.reading)
        self.list_splitter.setStretchFactor(0, 2)
        self.list_splitter.setStretchFactor(1, 3)
        self.list_splitter.setChildrenCollapsible(False)
        self.pages = QStackedWidget(self)
        self.pages.setObjectName("contentPages")
        self.pages.addWidget(self.list_splitter)
        self.welcome = self._welcome_page()
        self.pages.addWidget(self.welcome)
        self.local.add_pages(self.pages)
        right = QWidget(self)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.pages, 1)
        column.addWidget(self.notifications)
        self.undo = UndoControl(self.commands.undoable, self.commands.undo, self.actions.undo, right,
                                lambda text: self.status.showMessage(text, 4000), self)
        self.undo_notice = self.undo.notice
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(self.tree)
        self.main_splitter.addWidget(right)
        self.main_splitter.setStretchFactor(0, 0)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setChildrenCollapsible(False)
        self.main_splitter.setSizes([240, 1000])
        self.list_splitter.setSizes([300, 420])
        self.setCentralWidget(self.main_splitter)

    def _welcome_page(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("welcomePage")
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        title = QLabel(translate("MainWindow", "Welcome to Facteur"), page)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setStyleSheet("font-size: 18pt; font-weight: 600;")
        layout.addWidget(title)
        text = QLabel(translate("MainWindow", "Add your e-mail account to read and send mail. Gmail takes two "
                                              "clicks; other providers need your address and password."), page)
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(text)
        button = QPushButton(icon("account"), translate("MainWindow", "Add Account…"), page)
        button.setObjectName("welcomeAddAccount")
        button.clicked.connect(self.actions.add_account.trigger)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def _connect(self) -> None:
        a = self.actions
        self.tree.folderSelected.connect(self.show_folder)
        self.tree.menuRequested.connect(self.folders.context_menu)
        self.tree.dropRefused.connect(lambda reason: self.status.showMessage(reason, 6000) if reason else None)
        self.tree_model.messagesDropped.connect(
            lambda account, folder, uids, target: self.commands.move(account, folder, uids, target))
        self.messages.selectionChangedUids.connect(self._selection_changed)
        self.tree_model.dataChanged.connect(self._show_counts)  # the counts, Local Folders' too, as they change
        for signal in (self.local.drafts_view.model.modelReset, self.local.drafts_view.model.rowsRemoved):
            signal.connect(self._show_counts)
        for signal in (self.list_model.modelReset, self.list_model.rowsInserted, self.list_model.rowsRemoved,
                       self.list_model.searchSettled):
            signal.connect(self._show_counts)
        self.messages.flagToggled.connect(
            lambda uids, starred: self._each_group(
                lambda account, folder, group: self.commands.set_starred(account, folder, group, starred), uids))
        self.messages.openRequested.connect(self.open_in_window)
        self.messages.menuRequested.connect(lambda pos: self._message_menu(pos))
        self.search_field.searchRequested.connect(self.search)
        self.opener.markRead.connect(
            lambda account, folder, uid: self.commands.mark_read(account, folder, [uid], undoable=False))
        self.commands.messagesLeaving.connect(self.opener.forget)
        self.commands.messagesLeaving.connect(self._select_next_after)
        self.commands.undone.connect(self._select_restored)
        self.reader.linkActivated.connect(self.open_link)
        self.reader.writeTo.connect(lambda address: self.local.compose(to=[address]))
        self.reader.allowSenderRemote.connect(self.settings.allow_remote_content)
        self.reader.failed.connect(lambda title, text: self.notify("error", title, text))
        self.reader.editDraft.connect(lambda: self.edit_draft(self.opener.current))
        self.relay.foldersChanged.connect(self.tree_model.refresh_account)
        self.relay.foldersChanged.connect(self._folders_listed)
        self.relay.foldersChanged.connect(self._show_counts)
        for model in (self.list_model, self.thread_model, self.unified_model):
            self.relay.messagesAdded.connect(model.messages_added)
            self.relay.messagesChanged.connect(model.messages_changed)
            self.relay.messagesRemoved.connect(model.messages_removed)
            self.relay.folderReset.connect(model.folder_reset)
            model.dataChanged.connect(self._sync_star)
            model.dataChanged.connect(self._show_bulk)
        self.relay.messagesRemoved.connect(self.opener.forget)
        for signal in (self.relay.foldersChanged, self.relay.messagesChanged, self.relay.messagesAdded,
                       self.relay.messagesRemoved):
            signal.connect(lambda *_args: self._unified_counts_timer.start())
        self.relay.messagesAdded.connect(self._announce_new_mail)
        self.status.cancelRequested.connect(lambda: [s.cancel_sync() for s in self.sessions.values()])
        a.new_message.triggered.connect(lambda: self.local.compose())
        a.reply.triggered.connect(lambda: self.local.reply(self._selected_one(), reply_all=False))
        a.reply_all.triggered.connect(lambda: self.local.reply(self._selected_one(), reply_all=True))
        a.forward.triggered.connect(self.forward)
        a.open_message.triggered.connect(
            lambda: self.open_in_window(self.opener.current[2] if self.opener.current else None))
        a.open_file.triggered.connect(self.open_file_interactively)
        a.delete.triggered.connect(lambda: self._delete_selected(permanent=False))
        a.delete_permanently.triggered.connect(lambda: self._delete_selected(permanent=True))
        a.archive.triggered.connect(lambda: self._each_group(self.commands.archive, leaving=True))
        a.mark_read.triggered.connect(lambda: self._each_group(self.commands.mark_read))
        a.mark_unread.triggered.connect(
            lambda: self._each_group(lambda account, folder, uids: self.commands.mark_read(account, folder, uids,
                                                                                           read=False)))
        a.flag.triggered.connect(
            lambda checked: self._each_group(
                lambda account, folder, uids: self.commands.set_starred(account, folder, uids, checked)))
        a.move_menu.aboutToShow.connect(self.folders.fill_move_menu)
        a.search.triggered.connect(lambda: (self.search_field.setFocus(), self.search_field.selectAll()))
        a.refresh.triggered.connect(self.refresh)
        a.next_unread.triggered.connect(lambda: self.go_to_unread(forward=True))
        a.previous_unread.triggered.connect(lambda: self.go_to_unread(forward=False))
        a.threaded.toggled.connect(lambda on: self._use_threaded(on))
        a.new_folder.triggered.connect(self.folders.create)
        a.rename_folder.triggered.connect(self.folders.rename)
        a.delete_folder.triggered.connect(self.folders.delete)
        a.add_account.triggered.connect(self.dialogs.add_account)
        a.manage_accounts.triggered.connect(self.dialogs.manage_accounts)
        a.preferences.triggered.connect(self.dialogs.preferences)
        a.shortcuts.triggered.connect(self.show_shortcuts)
        a.about.triggered.connect(lambda: show_about(self))
        a.quit.triggered.connect(self.close)

    # -- accounts ----------------------------------------------------------------------------------------------

    def _default_session(self, account: Account, relay: StoreEventRelay) -> AccountSession:
        return AccountSession(account, relay, credentials=self.dialogs.credentials_for(account), parent=self)

    def add_account(self, account: Account, *, start: bool = True) -> AccountSession | None:
        """Show an account and start its workers (the wizard calls this for a new one). The account is shown at once,
        "opening" while its session opens its store off the GUI thread; it joins ``sessions`` (what every action,
        model and search uses) on ``storeReady``. None when a session cannot be made at all (the person is told;
        the other accounts work on)."""
        earlier = self._opening.pop(account.id, None)
        if earlier is not None:  # its settings changed while it opened: that session goes, this one replaces it
            earlier.stop(int(QUIT_BUDGET_S * 1000))
        try:
            session = self._session_factory(account, self.relay)
        except StoreError as exc:  # a factory that opens the store itself
            self.tree_model.set_account(account.id, account.label, list)
            self.status.set_account(account.id, account.label)
            self._store_unusable(account, exc)
            return None
        self._opening[account.id] = session
        session.stateChanged.connect(self._state_changed)
        session.activity.connect(self.status.set_activity)
        if session.ready:
            self._store_ready(session)
        else:
            self.tree_model.set_account(account.id, account.label, list)  # no folders until the store is open
            self.status.set_account(account.id, account.label)
            self._state_changed(account.id, session.state)
            session.storeReady.connect(lambda _account_id: self._store_ready(session))
            session.storeFailed.connect(lambda _account_id, exc: self._store_failed(session, exc))
        if start:
            session.start()  # once the store is open, if it is not yet
        return session

    def opening_accounts(self) -> list[str]:
        """The accounts whose store is still being opened (shown, not yet in ``sessions``)."""
        return list(self._opening)

    def _store_ready(self, session: AccountSession) -> None:
        """The session's store is open: the account's folders, actions and sync, as for an account ever ready."""
        account = session.account
        if self._opening.get(account.id) is not session:  # removed (or replaced) while it opened
            return
        del self._opening[account.id]
        if session.rebuilt is not None:
            self._tell_rebuilt(account.label, session.rebuilt)
        session.storeDamaged.connect(self._store_damaged)
        session.set_check_interval(self.settings.check_minutes * 60_000)
        self.sessions[account.id] = session
        session.commandsRefused.connect(self.commands.report_refused)
        session.connectionProblem.connect(self._connection_problem)
        if account.auth == "goa":
            self.desktop.watch()  # an account removed from GNOME Online Accounts is reported at once
        self.tree_model.set_account(account.id, account.label, session.reader.folders)
        self.status.set_account(account.id, account.label)
        self._state_changed(account.id, session.state)
        self._accounts_changed()
        self._update_actions()
        self._folders_listed(account.id)  # the folder start() wanted to show, if its store already lists it

    def _store_failed(self, session: AccountSession, exc: BaseException) -> None:
        if self._opening.get(session.account.id) is not session:
            return
        del self._opening[session.account.id]
        self._store_unusable(session.account, exc)

    def _store_unusable(self, account: Account, exc: BaseException) -> None:
        """The account's store cannot be opened (locked by another program, unreadable, a full disk): say so, with
        what to do; the account stays listed, marked, and can be tried again."""
        log.error("Cannot open the store of %s: %s", account.label, exc)
        self._state_changed(account.id, "unusable")
        if self.location == (account.id, ""):
            self.opener.clear(self._no_folder_text(account.id))
        problem = describe_store_problem(exc, account.label)
        self.notifications.account_problem(
            account.id, "error", problem.title, problem.text, detail=problem.detail,
            actions=[Action(translate("MainWindow", "Try Again"), lambda: self._open_again(account.id))])

    def _open_again(self, account_id: str) -> None:
        account = self.accounts.get(account_id)
        if account is not None and account_id not in self.sessions and account_id not in self._opening:
            self.notifications.clear_account_problem(account_id)
            self.add_account(account)
            if self.location == (account_id, ""):
                self.opener.clear(self._no_folder_text(account_id))

    def _tell_rebuilt(self, label: str, rebuilt: OpenedStore) -> None:
        text = translate(
            "MainWindow", "Facteur put it aside (%1) and is downloading your mail again from the server. "
            "Messages in the Outbox and local drafts are kept.").replace("%1", str(rebuilt.moved_aside))
        if rebuilt.commands_kept:
            text += " " + translate(
                "MainWindow", "Changes you made offline that were not yet on the server (%1) were kept and will be "
                "sent.").replace("%1", str(rebuilt.commands_kept))
        if rebuilt.commands_unreadable:
            text += " " + translate(
                "MainWindow", "Some changes you made offline could not be read from the damaged file and may be "
                "missing: check your recent moves, deletions and flags.")
        self.notify("warning", translate("MainWindow", "The local copy of %1 was damaged").replace("%1", label), text)

    def _store_file_damaged(self, path: Path) -> None:
        for account_id, session in self.sessions.items():
            if session.store.path == path:
                self._store_damaged(account_id)

    def _store_damaged(self, account_id: str) -> None:
        session = self.sessions.get(account_id)
        if session is None:
            return
        from .views.notifications import Action

        self.notify("warning", translate("MainWindow", "The local copy of %1 is damaged").replace(
            "%1", session.account.label), translate(
            "MainWindow", "Facteur will rebuild it from the server. Messages in the Outbox and local drafts are kept."),
            [Action(translate("MainWindow", "Rebuild Now"), lambda: self.rebuild_account(account_id))])

    def rebuild_account(self, account_id: str) -> AccountSession | None:
        """Close the account's session and open it again: a store marked damaged is put aside and refilled."""
        session = self.sessions.get(account_id)
        if session is None:
            return None
        account, path = session.account, session.store.path
        self.remove_account(account_id)
        self.loader.forget(path)
        return self.add_account(account)

    def remove_account(self, account_id: str) -> None:
        opening = self._opening.pop(account_id, None)
        if opening is not None:
            opening.stop(int(QUIT_BUDGET_S * 1000))  # its open runs on; the store is closed when it ends
        session = self.sessions.pop(account_id, None)
        if session is not None:
            session.stop(int(QUIT_BUDGET_S * 1000))
            self.loader.forget(session.reader.path)  # the models' read handle, before the files are deleted
        self.tree_model.remove_account(account_id)
        self.status.remove_account(account_id)
        self._accounts_changed()
        self.notifications.clear_account_problem(account_id)
        self.undo.forget_account(account_id)
        if self.location[0] == account_id:
            self.show_folder("", "")
        self._update_actions()

    def _accounts_changed(self) -> None:
        """An account came or went: the views across accounts count and list the accounts there are now."""
        if not self.sessions:
            self.tree_model.set_unified(None)
            if self.location[0] == UNIFIED_ACCOUNT_ID:
                self.unified_model.clear()
                self.show_folder("", "")
            return
        self.tree_model.set_unified({})  # shown at once (so the last view can be reopened), counted just after
        self._unified_counts_timer.start()
        if self.location[0] == UNIFIED_ACCOUNT_ID and self.unified_model.view:
            self.unified_model.set_view(self.unified_model.view, *self._unified_sources())

    def start(self) -> None:
        """Start every account's workers (separate from construction so tests can wire signals first)."""
        freeze_startup_heap()
        for session in [*self.sessions.values(), *self._opening.values()]:
            session.start()
        self.local.start()
        last = self.settings.last_folder()
        if not (last and self.show_folder(*last)) and not self._show_first_inbox():
            # First start: the folders are not known yet. Show this one as soon as the sync has listed it.
            self._wanted = last if last and (last[0] in self.sessions or last[0] in self._opening) \
                else self._first_inbox()
            if self._wanted is not None:
                # Its account meanwhile, so that the tree does not make the view at its top current on focus.
                self.tree.select_folder(self._wanted[0], "")
            self._refresh_page()

    def _no_folder_text(self, account_id: str) -> str:
        """What the reading pane says with no folder shown: why, when the account's store is not open."""
        opening = self._opening.get(account_id)
        if opening is not None:
            return translate("MainWindow", "Opening the mail of %1 kept on this computer…").replace(
                "%1", opening.account.label)
        account = self.accounts.get(account_id) if account_id else None
        if account is not None and account_id not in self.sessions:
            return translate("MainWindow", "The mail of %1 kept on this computer cannot be opened.").replace(
                "%1", account.label)
        return translate("MainWindow", "Choose a folder") if self.sessions else ""

    def _first_inbox(self) -> tuple[str, str] | None:
        accounts = [*self.sessions, *self._opening]
        return (accounts[0], INBOX) if accounts else None

    def _show_first_inbox(self) -> bool:
        return any(self.tree.select_folder(account_id, INBOX) for account_id in self.sessions)

    def _show_counts(self, *_args: object) -> None:
        index = self.tree_model.folder_index(*self.location) if self.location[1] else None
        if self.list_model.search_query and self.messages.message_model() is self.list_model:
            self.status.set_search_count(self.list_model.rowCount(), more=self.list_model.searching_more)
        elif self.location[1] and self.local.showing_drafts():
            self.status.set_local_count("drafts", self.local.drafts_view.model.rowCount())
        elif index is not None and index.isValid() and self.location[0] == LOCAL_ACCOUNT_ID:
            self.status.set_local_count(self.location[1], index.data(Roles.TOTAL_COUNT) or 0)
        elif index is None or not index.isValid():
            self.status.set_folder_counts(None)
        else:
            self.status.set_folder_counts(index.data(Roles.TOTAL_COUNT), index.data(Roles.UNREAD_COUNT))

    def _folders_listed(self, account_id: str) -> None:
        if self._wanted is not None and self._wanted[0] == account_id and not self.location[1]:
            if self.tree.select_folder(*self._wanted):
                self._wanted = None

    def _state_changed(self, account_id: str, state: str) -> None:
        self.tree_model.set_connection_state(account_id, state)
        self.status.set_state(account_id, state)
        if state == "online":
            self.notifications.clear_account_problem(account_id)
            self.local.account_online(account_id)

    def _connection_problem(self, account_id: str, exc: BaseException) -> None:
        """One notice per account, in plain words, replaced by its next problem and gone once it is back."""
        session = self.sessions.get(account_id)
        label = session.account.label if session is not None else account_id
        problem = describe_account_problem(exc, label)
        actions = []
        if session is not None and problem.kind == "network":
            actions.append(Action(translate("MainWindow", "Try Again"), session.retry_now))
        elif session is not None and problem.kind == "goa" and getattr(exc, "reason", "") != "removed":
            actions.append(Action(translate("MainWindow", "Try Again"), session.retry_now))
        elif problem.kind in ("auth", "reauth", "insecure", "certificate", "goa"):
            actions.append(Action(translate("MainWindow", "Manage Accounts…"), self.dialogs.manage_accounts))
        elif problem.kind == "keyring":
            locked = getattr(exc, "locked", True)
            label = translate("MainWindow", "Unlock") if locked else translate("MainWindow", "Try Again")
            actions.append(Action(label, self.keyring.unlock))
        kind = "warning" if problem.kind in ("network", "keyring") else "error"
        self.notifications.account_problem(account_id, kind, problem.title, problem.text, detail=problem.detail,
                                           actions=actions)

    def _desktop_account_back(self, account_id: str) -> None:
        """GNOME Online Accounts has the account again after a reported problem: connect again."""
        session = self.sessions.get(account_id)
        if session is None:
            return
        if session.state == "online":  # the problem was only seen by the monitor: the worker never failed
            self.notifications.clear_account_problem(account_id)
        session.retry_now()

    def _desktop_account_changed(self, account: Account) -> None:
        """GNOME Online Accounts gives this account another address or servers now: keep them, reconnect."""
        self.accounts.update(account)
        self.remove_account(account.id)
        self.add_account(account)

    def _keyring_still_locked(self, exc: BaseException) -> None:
        for account_id, session in self.sessions.items():
            if session.state == "locked":
                self._connection_problem(account_id, exc)

    # -- showing a folder --------------------------------------------------------------------------------------

    def show_folder(self, account_id: str, folder: str) -> bool:
        """Show a folder's messages (or a Local Folders page); False if there is no such folder."""
        if account_id == LOCAL_ACCOUNT_ID:
            self.location = (account_id, folder)
            self.local.show_page(folder)
            self._update_title()
            self._show_counts()
            self._update_actions()
            return True
        if account_id == UNIFIED_ACCOUNT_ID and folder in VIEWS and self.sessions:
            return self._show_unified(folder)
        session = self.sessions.get(account_id)
        if session is None or not folder:
            self.location = (account_id, "")
            self._update_title()
            self.status.set_folder_counts(None)
            self._current_model().clear()
            self.server_search.search_changed()
            self.opener.clear(self._no_folder_text(account_id))
            self._refresh_page()
            self._update_actions()
            return False
        if self.tree.current_location() != (account_id, folder):
            if not self.tree.select_folder(account_id, folder):
                return False
            return True  # select_folder came back here through folderSelected
        self.location = (account_id, folder)
        self._update_title()
        self.search_field.clear_search()
        self.server_search.search_changed()
        if self._special_use(session, folder) == "drafts":
            return self._show_drafts(session, folder)
        recipients = self._special_use(session, folder) in ("sent", "drafts")
        self.messages.set_location(account_id, folder)
        if self.messages.message_model() is self.unified_model:  # back from a view across accounts
            self.unified_model.clear()
            self.messages.set_message_model(self.thread_model if self.settings.threaded else self.list_model)
        self._current_model().set_folder(session.reader, account_id, folder, recipients=recipients)
        self.opener.clear(translate("MainWindow", "No message selected"))
        self.settings.set_last_folder(account_id, folder)
        if session.synced_once:
            session.sync_folder(folder, PUSH)  # what the person looks at should be fresh
        self._refresh_page()
        self._update_actions()
        self._show_counts()
        return True

    def _show_drafts(self, session: AccountSession, folder: str) -> bool:
        """Drafts in one place: the account's Drafts folder lists its drafts, kept here or on the server, once
        each, and opens them in the composer."""
        self._current_model().clear()
        self.opener.clear("")
        self.local.show_account_drafts(session, folder)
        self.settings.set_last_folder(session.account_id, folder)
        if session.synced_once:
            session.sync_folder(folder, PUSH)
        self._update_actions()
        self._show_counts()
        return True

    def _show_unified(self, view: str) -> bool:
        """A view across every account (All Inboxes, All Unread, Starred)."""
        if self.tree.current_location() != (UNIFIED_ACCOUNT_ID, view):
            return self.tree.select_folder(UNIFIED_ACCOUNT_ID, view)
        self.location = (UNIFIED_ACCOUNT_ID, view)
        self._update_title()
        self.search_field.clear_search()
        self.server_search.search_changed()
        previous = self.messages.message_model()
        if previous is not None and previous is not self.unified_model:
            previous.clear()
        self.messages.set_location(UNIFIED_ACCOUNT_ID, view)
        self.messages.set_message_model(self.unified_model)
        self.unified_model.set_view(view, *self._unified_sources())
        self.opener.clear(translate("MainWindow", "No message selected"))
        self.settings.set_last_folder(UNIFIED_ACCOUNT_ID, view)
        self._refresh_page()
        self._update_actions()
        self._show_counts()
        return True

    def _unified_sources(self) -> tuple[dict[str, Any], dict[str, str]]:
        return ({account_id: session.reader for account_id, session in self.sessions.items()},
                {account_id: session.account.label for account_id, session in self.sessions.items()})

    def _read_unified_counts(self) -> None:
        """Each account's counts for the views across accounts, read off the GUI thread, summed into the tree."""
        if not self.sessions:
            self.tree_model.set_unified(None)
            return
        sessions = list(self.sessions.values())
        arrived: dict[str, Any] = {}

        def got(account_id: str, result: Any) -> None:
            arrived[account_id] = result
            if len(arrived) < len(sessions):
                return
            totals = {view: [0, 0] for view in VIEWS}
            for counts in arrived.values():
                if isinstance(counts, StoreError):
                    continue
                for view, count in counts.items():
                    totals[view][0] += count.unread
                    totals[view][1] += count.total
            if self.sessions:
                self.tree_model.set_unified({view: (unread, total) for view, (unread, total) in totals.items()})
                self._show_counts()

        for session in sessions:
            self.loader.submit(session.reader.path,
                               lambda reader: {view: reader.view_counts(view) for view in VIEWS},
                               lambda result, account_id=session.account_id: got(account_id, result))

    def _each_group(self, command: Callable[[str, str, list[int]], Any], uids: list[int] | None = None, *,
                    leaving: bool = False) -> None:
        """Run ``command(account, folder, uids)`` on the selected messages (or ``uids``), once per account and
        folder they come from: a view across accounts holds several."""
        uids = self.messages.selected_uids() if uids is None else uids
        if self.location[0] != UNIFIED_ACCOUNT_ID:
            command(*self.location, uids)
            return
        if leaving:
            self.messages.select_next_after(uids)  # before the rows go: the same next message for every group
        with self.commands.one_step():  # one thing done, one thing to undo
            for account_id, folder, group in self.unified_model.groups(uids):
                command(account_id, folder, group)

    def _delete_selected(self, *, permanent: bool) -> None:
        uids = self.messages.selected_uids()
        if self.location[0] != UNIFIED_ACCOUNT_ID:
            self.commands.delete(*self.location, uids, permanent=permanent)
            return
        # Across accounts: asked once for them all; the next message is selected once it is decided.
        self.commands.delete_all(self.unified_model.groups(uids), permanent=permanent,
                                 before=lambda: self.messages.select_next_after(uids))

    def selected_groups(self) -> list[tuple[str, str, list[int]]]:
        """The selected messages as (account, folder, UIDs) groups."""
        uids = self.messages.selected_uids()
        if self.location[0] == UNIFIED_ACCOUNT_ID:
            return self.unified_model.groups(uids)
        return [(*self.location, uids)] if uids else []

    def move_selected(self, destination: str) -> None:
        self._each_group(lambda account, folder, uids: self.commands.move(account, folder, uids, destination),
                         leaving=True)

    def _update_title(self) -> None:
        """The folder being shown, then its account, as other mail clients title their window."""
        index = self.tree_model.folder_index(*self.location) if self.location[1] else None
        if index is None or not index.isValid():
            self.setWindowTitle(APP_NAME)
            return
        parts = [self.tree_model.node(index).label]
        session = self.sessions.get(self.location[0])
        if session is not None and len(self.sessions) > 1:
            parts.append(session.account.label)
        self.setWindowTitle(" — ".join([*parts, APP_NAME]))

    @staticmethod
    def _special_use(session: AccountSession, folder: str) -> str | None:
        found = session.reader.folder(folder)
        return found.special_use if found is not None else None

    def _refresh_page(self) -> None:
        if self.location[0] == LOCAL_ACCOUNT_ID:
            return
        session = self.sessions.get(self.location[0])
        if session is not None and self.location[1] and self._special_use(session, self.location[1]) == "drafts":
            return  # the Drafts page stays
        self.pages.setCurrentWidget(self.list_splitter if self._shows_accounts() else self.welcome)

    def _shows_accounts(self) -> bool:
        """Accounts are listed (open, still opening, or unusable): the welcome page is for no account at all."""
        return bool(self.sessions or self._opening) or any(
            self.tree_model.account_index(account.id).isValid() for account in self.accounts.accounts)

    def _current_model(self) -> MessageListModel | ThreadListModel | UnifiedListModel:
        model = self.messages.message_model()
        return model if model is not None else self.list_model

    def _use_threaded(self, threaded: bool, reload: bool = True) -> None:
        self.settings.threaded = threaded
        if self.location[0] == UNIFIED_ACCOUNT_ID:
            return  # views across accounts list messages; the choice applies to the next folder
        searching = bool(self.list_model.search_query)
        model: MessageListModel | ThreadListModel = self.thread_model if threaded and not searching else self.list_model
        previous = self.messages.message_model()
        if previous is not None and previous is not model:
            previous.clear()
        self.messages.set_message_model(model)
        if reload and self.location[1]:
            account_id, folder = self.location
            session = self.sessions.get(account_id)
            if session is not None:
                recipients = self._special_use(session, folder) in ("sent", "drafts")
                model.set_folder(session.reader, account_id, folder, recipients=recipients)

    def search(self, query: str) -> None:
        account_id, folder = self.location
        session = self.sessions.get(account_id)
        if session is None or not folder:
            return
        if query and self.messages.message_model() is self.thread_model:
            self.thread_model.clear()
            self.messages.set_message_model(self.list_model)
            self.list_model.set_folder(session.reader, account_id, folder)
        try:
            self.list_model.set_search(query)
        except SearchQueryError as exc:
            self.search_field.show_problem(str(exc))
            return
        finally:
            self.server_search.search_changed()
        self.search_field.show_problem(None)
        if not query and self.settings.threaded:
            self._use_threaded(True)
        self._show_counts()
        # The reader follows the list as it is now: the selected message, or none (the threaded view starts
        # with nothing selected).
        self._selection_changed(self.messages.selected_uids())

    # -- the selected messages ---------------------------------------------------------------------------------

    def _select_next_after(self, account_id: str, folder: str, uids: list[int]) -> None:
        # (In a view across accounts, _each_group selects the next message before the groups leave.)
        if (account_id, folder) == self.location:
            self.messages.select_next_after(uids)

    def _select_restored(self, step: UndoStep, attempts: int = 20) -> None:
        """After undoing a move or a delete, the messages that came back are selected (once the list shows them)."""
        command, session = step.command, self.sessions.get(step.account_id)
        if command is None or command.kind == "flags" or session is None or \
                self.location != (step.account_id, step.folder):
            return
        # Where the messages are now: under new UIDs once moved back on the server, under their own if the move
        # never reached it (rows still shown under an old UID are about to give way).
        found = session.reader.uids_with_message_ids(step.folder, list(command.message_ids.values()))
        kept = {summary.uid for summary in session.reader.summaries_for(step.folder, list(command.uids))}
        uids = sorted(set(found.values()) | kept, reverse=True)
        if not any(self.messages.select_uid(uid) for uid in uids) and attempts > 1:
            QTimer.singleShot(100, self, lambda: self._select_restored(step, attempts - 1))  # the list is reloading

    def _selection_changed(self, uids: list[int]) -> None:
        account_id, folder = self.location
        session = self.sessions.get(account_id)
        rows = self.messages.selectionModel().selectedRows() if self.messages.selectionModel() else []
        if account_id == UNIFIED_ACCOUNT_ID and rows:
            message = self.unified_model.message_at(rows[0].row()) if len(rows) == 1 else None
            session = self.sessions.get(message[0]) if message is not None else None
            folder = message[1] if message is not None else ""
            if session is None:
                session = next(iter(self.sessions.values()), None)  # several rows: the bulk pane is shown
        several = session is not None and len(rows) > 1
        if session is not None and len(rows) == 1:
            # One row: a message, or a conversation, whose newest message is then the one shown.
            summary = self._summary_at(rows[0])
            if summary is not None:
                self.opener.open(session, folder, summary)
                self.reader.set_draft(self._is_draft(session, folder, summary.uid))
        elif session is not None:
            self.opener.clear(translate("MainWindow", "No message selected") if not uids else
                              translate("MainWindow", "%n message(s) selected", None, len(uids)))
        self.reading.setCurrentWidget(self.bulk if several else self.reader)
        self._sync_star()
        self._show_bulk()
        self._update_actions()

    def _show_bulk(self, *_args: object) -> None:
        """The several selected messages' counts, as the list shows them (its optimistic changes included)."""
        if self.reading.currentWidget() is not self.bulk:
            return
        selection = self.messages.selectionModel()
        rows = selection.selectedRows(Column.FLAG) if selection is not None else []
        counted = rows[:5000]
        self.bulk.show_selection(len(self.messages.selected_uids()),
                                 sum(1 for index in counted if index.data(Roles.IS_UNREAD)),
                                 sum(1 for index in counted if index.data(Roles.IS_FLAGGED)))

    def forward(self) -> None:
        """Forward the message being read; several selected messages go together, each attached whole."""
        uids = self.messages.selected_uids()
        session, folder = self.sessions.get(self.location[0]), self.location[1]
        if self.location[0] == UNIFIED_ACCOUNT_ID:
            groups = self.selected_groups()  # forwarded together when they are of one account and folder
            session, folder, uids = ((self.sessions.get(groups[0][0]), groups[0][1], groups[0][2])
                                     if len(groups) == 1 else (None, "", uids))
        if len(uids) > 1 and session is not None and self.reading.currentWidget() is self.bulk:
            self.local.forward_attached(session, folder, uids)
        else:
            self.local.forward(self._selected_one())

    def _sync_star(self, *_args: object) -> None:
        """The Star button is on when every selected message is starred (as the list shows them, at once)."""
        selection = self.messages.selectionModel()
        rows = selection.selectedRows(Column.FLAG) if selection is not None else []
        self.actions.flag.setChecked(bool(rows) and len(rows) <= 5000
                                     and all(index.data(Roles.IS_FLAGGED) for index in rows))

    def _summary_at(self, index: Any) -> Any:
        model = self._current_model()
        if isinstance(model, MessageListModel | UnifiedListModel):
            return model.summary_at(index.row())  # read now if the row was never painted
        return model.summary_for(index)

    def _selected_one(self) -> tuple[AccountSession, str, int] | None:
        """The message being read (what Reply, Forward and Open act on)."""
        current = self.opener.current
        session = self.sessions.get(current[0]) if current is not None else None
        if current is None or session is None:
            return None
        return session, current[1], current[2]

    def _is_draft(self, session: AccountSession, folder: str, uid: int) -> bool:
        summary = session.reader.summary(folder, uid)
        return self._special_use(session, folder) == "drafts" or (summary is not None and "\\Draft" in summary.flags)

    def edit_draft(self, key: tuple[str, str, int] | None) -> None:
        """Open a draft from the server in the composer (as the same draft when it is one Facteur saved)."""
        session = self.sessions.get(key[0]) if key is not None else None
        if key is None or session is None:
            return
        title = translate("MainWindow", "Could not download the draft")
        with_whole_message(session, key[1], key[2],
                           lambda raw: self.local.postbox.server_drafts.open_message(session.account_id, raw),
                           lambda exc: self.notify("error", title, describe_error(exc).text))

    def open_in_window(self, uid: int | None) -> None:
        session = self.sessions.get(self.location[0])
        folder = self.location[1]
        if self.location[0] == UNIFIED_ACCOUNT_ID and uid is not None:
            message = self.unified_model.message_of(uid)  # the row's token names the account and folder
            session = self.sessions.get(message[0]) if message is not None else None
            folder, uid = (message[1], message[2]) if message is not None else ("", None)
        if uid is None or session is None or not folder:
            return
        if self._is_draft(session, folder, uid):
            self.edit_draft((session.account_id, folder, uid))  # a draft opens to be written, not read
            return
        key = (session.account_id, folder, uid)
        with_whole_message(session, folder, uid, lambda data: self._show_window(data, key),
                           lambda exc: self.notify("error", describe_error(exc).title, describe_error(exc).text))

    def _show_window(self, raw: bytes, key: tuple[str, str, int]) -> ReaderWindow:
        window = ReaderWindow(raw, key=key, settings=self.settings, reply=self.local.reply_to_raw(key),
                              forward=self.local.forward_raw(key), open_link=self.open_link)
        self._reader_windows.append(window)
        window.destroyed.connect(lambda: self._reader_windows.remove(window) if window in self._reader_windows
                                 else None)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        return window

    def open_file(self, path: Path) -> ReaderWindow | None:
        try:
            window = ReaderWindow.from_file(path, settings=self.settings, open_link=self.open_link)
        except OSError as exc:
            self.notify("error", translate("MainWindow", "Could not open the message file"),
                        f"{path}: {exc.strerror or exc}")
            return None
        self._reader_windows.append(window)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.destroyed.connect(lambda: self._reader_windows.remove(window) if window in self._reader_windows
                                 else None)
        window.show()
        return window

    def open_file_interactively(self) -> None:
        kinds = translate("MainWindow", "E-mail messages (*.eml *.msg *.txt);;All files (*)")
        chosen, _ = QFileDialog.getOpenFileName(self, translate("MainWindow", "Open Message File"), str(Path.home()),
                                                kinds)
        if chosen:
            self.open_file(Path(chosen))

    def open_link(self, url: QUrl) -> None:
        if url.scheme().lower() == "mailto":
            self.local.open_mailto(url.toString())
        elif not open_externally(url):
            text = translate("MainWindow", "Facteur opens only web and mail links (%1).")
            self.notify("info", translate("MainWindow", "Link not opened"), text.replace("%1", url.toString()[:200]))

    def _message_menu(self, position: QPoint) -> None:
        if self.messages.selected_uids():
            self.actions.context_menu().exec(position)

    def go_to_unread(self, forward: bool = True) -> bool:
        """Select the next (or previous) unread message after the current one."""
        model = self._current_model()
        current = self.messages.currentIndex()
        top = current.parent() if current.parent().isValid() else current
        start = top.row() if top.isValid() else -1
        rows = range(start + 1, model.rowCount()) if forward else range(start - 1, -1, -1)
        for row in rows:
            if isinstance(model, ThreadListModel) and not model.is_loaded(row):
                continue  # not read yet (asking would read every window of a large folder)
            index = model.index(row, 0)
            if index.data(Roles.IS_UNREAD):
                self.messages.setCurrentIndex(index)
                self.messages.scrollTo(index)
                return True
        self.status.showMessage(translate("MainWindow", "No more unread messages in this folder"), 4000)
        return False

    def refresh(self) -> None:
        account_id, folder = self.location
        session = self.sessions.get(account_id)
        if session is not None and folder:
            session.sync_folder(folder)
        for other in self.sessions.values():
            if other.state == "offline":
                other.retry_now()
            else:
                other.sync_all()
                self.local.account_online(other.account_id)  # drafts saved here that did not go up yet

    def _announce_new_mail(self, account_id: str, folder: str, uids: list[int]) -> None:
        session = self.sessions.get(account_id)
        if session is None or folder != INBOX or not session.synced_once or not self.settings.notifications:
            return
        fresh = [uid for uid in uids if uid > session.inbox_baseline]
        if not fresh:
            return
        session.inbox_baseline = max(fresh)
        # A few summaries tell who wrote; after a day offline thousands may arrive, and a count says enough.
        newest = fresh[-ANNOUNCED:]
        unread = [s for s in session.reader.summaries_for(folder, newest) if s.unread]
        if not unread:
            return
        count = len(fresh) if len(fresh) > ANNOUNCED else len(unread)
        if count == 1:
            title = translate("MainWindow", "New mail from %1").replace("%1", unread[0].sender or unread[0].from_addr)
            text = unread[0].subject or translate("MainWindow", "(no subject)")
        else:
            title = translate("MainWindow", "%n new message(s)", None, count)
            text = session.account.label
        self.notifier.announce(title, text)

    # -- state -------------------------------------------------------------------------------------------------

    def _update_actions(self) -> None:
        count = len(self.messages.selected_uids())
        unified = self.location[0] == UNIFIED_ACCOUNT_ID
        in_account = (self.location[0] in self.sessions or unified) and bool(self.location[1])
        for action in self.actions.message_actions:
            action.setEnabled(in_account and count > 0)
        reading = self.opener.current is not None
        for action in (self.actions.reply, self.actions.reply_all, self.actions.open_message):
            action.setEnabled(in_account and reading)
        several = self.reading.currentWidget() is self.bulk
        one_account = len({account for account, _folder, _uids in self.selected_groups()}) == 1 if unified else True
        self.actions.forward.setEnabled(in_account and (reading or (several and count > 1 and (
            not unified or len(self.selected_groups()) == 1))))
        self.actions.move_menu.setEnabled(in_account and count > 0 and one_account)
        for action in self.actions.folder_actions:
            action.setEnabled(in_account and not unified)
        self.actions.new_folder.setEnabled(self.location[0] in self.sessions)
        self.actions.refresh.setEnabled(bool(self.sessions))
        self.search_field.setEnabled(in_account and not unified and not self.local.showing_drafts())

    def notify(self, kind: str, title: str, text: str = "", actions: list[Any] | None = None) -> None:
        self.notifications.notify(kind, title, text, actions)

    def apply_preferences(self) -> None:
        """The Preferences were accepted: what they change takes effect now."""
        self.actions.threaded.setChecked(self.settings.threaded)
        self.reader.set_font_size(self.settings.reader_font_size)
        for window in self._reader_windows:
            window.reader.set_font_size(self.settings.reader_font_size)
        for session in self.sessions.values():
            session.set_check_interval(self.settings.check_minutes * 60_000)

    def show_shortcuts(self) -> ShortcutsDialog:
        """Help → Keyboard Shortcuts: this window's actions, the composer's and its editor's."""
        holder = QWidget()  # the composer's actions are made here only to be read
        dialog = ShortcutsDialog([(translate("MainWindow", "Main window"), self.actions.all()),
                                  *composer_sections(holder)], self)
        holder.deleteLater()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _restore_layout(self) -> None:
        for key, restore in (("geometry", self.restoreGeometry), ("state", self.restoreState),
                             ("main_splitter", self.main_splitter.restoreState),
                             ("list_splitter", self.list_splitter.restoreState),
                             ("list_header", self.messages.horizontalHeader().restoreState)):
            value = self.settings.layout(key)
            if value is not None:
                restore(value)
        if self.settings.layout("geometry") is None:
            self.resize(1200, 760)

    def save_layout(self) -> None:
        self.settings.set_layout("geometry", self.saveGeometry())
        self.settings.set_layout("state", self.saveState())
        self.settings.set_layout("main_splitter", self.main_splitter.saveState())
        self.settings.set_layout("list_splitter", self.list_splitter.saveState())
        if self.messages.message_model() is not self.unified_model:  # its header has one more column
            self.settings.set_layout("list_header", self.messages.horizontalHeader().saveState())
        self.settings.set_sort_order(self.list_model.sort_key, self.list_model.descending)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> bool:
        """Stop every worker within QUIT_BUDGET_S in all (never longer, whatever the network does) and close every
        store; True if all stopped in time. Work cut short stays queued for the next start."""
        self.desktop.stop()
        for opening in self._opening.values():
            opening.request_stop()  # an open still running closes its store when it ends
        self._opening.clear()
        sessions = list(self.sessions.values())
        postbox = self.local.postbox
        left = stop_all([*sessions, postbox, self.loader, runner()], QUIT_BUDGET_S)
        close_message_parser()  # no parsing process outlives the window (a parse still running fails at once)
        for session in sessions:
            session.release(stopped=session not in left)
            if session in left:
                release_when_stopped(session, session.store.close, self)
        self.sessions.clear()
        postbox.close_stores(worker_stopped=postbox not in left)
        if postbox in left:
            release_when_stopped(postbox, postbox.outbox.close, self)
        self.notifier.hide()
        for window in list(self._reader_windows):
            window.close()
        QTimer.singleShot(0, self.relay.flush)
        return not left


_heap_frozen = False


def freeze_startup_heap() -> None:
    """Exclude everything built so far (Qt wrappers, modules, the window) from the cyclic garbage collector.

    Those objects live as long as the application, yet a full collection scans them all, holding the GIL: with a
    worker syncing (and allocating), such a pass stalled the GUI thread for 50 ms and more. Done once per process.
    """
    global _heap_frozen
    if not _heap_frozen:
        gc.freeze()
        _heap_frozen = True
