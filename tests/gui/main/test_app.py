"""Starting Facteur: main() and python -m gui, the layout remembered, .eml files, and names for screen readers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from gui.accounts import AccountStore
from tests.conftest import ALICE, make_message
from tests.gui.main.conftest import tree_index, unread_count


def test_layout_and_last_folder_are_restored(make_window: Any, dovecot: Any, qtbot: Any, ui_settings: Any) -> None:
    dovecot.seed(ALICE, "Projects", [make_message("Plans")])
    window = make_window()
    qtbot.waitUntil(lambda: tree_index(window, "Projects").isValid(), timeout=10000)
    window.tree.setCurrentIndex(tree_index(window, "Projects"))
    window.resize(760, 560)  # within the offscreen screen, which restoreGeometry() clamps to
    window.main_splitter.setSizes([220, 540])
    window.list_splitter.setSizes([180, 300])
    window.messages.horizontalHeader().resizeSection(2, 230)
    qtbot.wait(50)
    sizes = (window.main_splitter.sizes(), window.list_splitter.sizes())
    size = window.size()
    window.close()

    again = make_window()
    qtbot.waitUntil(lambda: again.location[1] == "Projects", timeout=10000)
    assert again.size() == size
    assert (again.main_splitter.sizes(), again.list_splitter.sizes()) == sizes
    assert again.messages.horizontalHeader().sectionSize(2) == 230


def test_widgets_have_object_and_accessible_names(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    for name in ("mailboxTree", "messageList", "reader", "searchField", "statusBar", "mainToolbar",
                 "notifications", "messageHeaders", "attachments", "plainBody", "syncProgress"):
        widget = window.findChild(QWidget, name)
        assert widget is not None, name
        if name not in ("statusBar", "mainToolbar", "plainBody"):
            assert widget.accessibleName(), name
    actions = {action.objectName(): action for action in window.findChildren(QAction)}
    for name in ("newMessage", "reply", "replyAll", "forward", "delete", "markRead", "markUnread", "flag", "search",
                 "refresh", "nextUnread", "previousUnread", "archive"):
        assert not actions[name].shortcut().isEmpty(), name  # every usual action has its keyboard shortcut
    assert actions["newMessage"].shortcut().matches(QKeySequence(QKeySequence.StandardKey.New)) \
        == QKeySequence.SequenceMatch.ExactMatch


def test_a_saved_message_opens_in_its_own_window(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "saved.eml"
    path.write_bytes(make_message("Kept for later", sender="dana@example.test", body="Remember https://x.test"))
    window = make_window(start=False)
    reader_window = window.open_file(path)
    assert reader_window is not None and reader_window.objectName() == "readerWindow"
    qtbot.addWidget(reader_window)
    qtbot.waitUntil(lambda: reader_window.message is not None, timeout=10000)  # read and parsed in the pool
    assert reader_window.reader.headers.subject.text() == "Kept for later"
    assert "Remember" in reader_window.reader.plain.toPlainText()
    assert window.open_file(tmp_path / "missing.eml") is None
    assert any("could not open" in n.title.lower() for n in window.notifications.notices())


def test_main_starts_the_window_with_the_saved_accounts(qtbot: Any, monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path, dovecot: Any, smtp_server: Any, ca: Any,
                                                        accounts: Any) -> None:
    from gui import app as app_module
    from gui.secrets import delete_secrets, store_secret
    from tests.conftest import USERS
    from tests.gui.main.conftest import alice_account

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    store = AccountStore()
    account = alice_account(dovecot, smtp_server.port, ca)
    store.add(account)
    store_secret(account.id, "password", USERS[ALICE])
    eml = tmp_path / "hello.eml"
    eml.write_bytes(make_message("From the command line"))
    seen: dict[str, Any] = {}

    def look_then_quit() -> None:
        from gui.main_window import MainWindow

        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen["window"] = windows[0] if windows else None
        if seen["window"] is None:
            QApplication.quit()
            return
        if unread_count(seen["window"], "INBOX") is None:
            QTimer.singleShot(100, look_then_quit)
            return
        seen["readers"] = [w.objectName() for w in QApplication.topLevelWidgets() if w.isVisible()]
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == "readerWindow":
                widget.close()
        seen["window"].close()
        QApplication.quit()

    # The app quits when its last window closes, by posting a Quit event; processed after main() returned, it
    # would end every event loop the next tests start. Quit explicitly instead, inside main()'s loop.
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    QTimer.singleShot(200, look_then_quit)
    try:
        assert app_module.main(["facteur", str(eml)]) == 0
    finally:
        app.setQuitOnLastWindowClosed(True)
        delete_secrets(account.id)
    assert seen["window"] is not None
    assert json.loads(store.path.read_text())["accounts"][0]["email"] == ALICE
    assert "readerWindow" in seen["readers"]


def test_python_dash_m_gui_is_the_entry_point() -> None:
    # The module runs main(); importing it must not start anything.
    source = (Path(__file__).resolve().parents[3] / "gui" / "__main__.py").read_text()
    assert "main()" in source
    done = subprocess.run([sys.executable, "-c", "import gui.app; print(gui.app.main.__name__)"],
                          capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "main"


def test_without_an_account_local_folders_show_and_adding_one_is_offered(qtbot: Any, tmp_path: Path) -> None:
    from connectors.outbox import DraftStore, Outbox
    from gui.composer import Postbox
    from gui.main_window import MainWindow
    from gui.models.mailbox_tree import LOCAL_ACCOUNT_ID
    from gui.models.roles import Roles
    from gui.settings import UiSettings

    store = AccountStore(tmp_path / "accounts.json")
    postbox = Postbox(store, outbox=Outbox(tmp_path / "outbox.sqlite3"), drafts=DraftStore(tmp_path / "drafts.sqlite3"))
    window = MainWindow(store, settings=UiSettings(tmp_path / "ui.ini"), postbox=postbox)
    qtbot.addWidget(window)
    window.show()
    window.start()
    try:
        assert window.pages.currentWidget().objectName() == "welcomePage"
        assert window.findChild(QWidget, "welcomeAddAccount").isVisible()
        local = window.tree_model.account_index(LOCAL_ACCOUNT_ID)
        assert local.data() == "Local Folders"
        names = [window.tree_model.index(r, 0, local).data(Roles.FOLDER_NAME) for r in range(2)]
        assert names == ["outbox", "drafts"]
        postbox.outbox.enqueue(account_id="x", raw=make_message("Waiting"), message_id="<w@x>",
                               sender="a@example.test", recipients=["b@example.test"], subject="Waiting")
        window.local.refresh_counts()
        outbox = window.tree_model.folder_index(LOCAL_ACCOUNT_ID, "outbox")
        assert outbox.data(Roles.TOTAL_COUNT) == 1
        window.tree.setCurrentIndex(outbox)
        assert window.pages.currentWidget().objectName() == "outboxView"
        window.tree.setCurrentIndex(window.tree_model.folder_index(LOCAL_ACCOUNT_ID, "drafts"))
        assert window.pages.currentWidget().objectName() == "localDrafts"
    finally:
        window.close()


def test_the_progress_bar_is_for_long_work_only(qtbot: Any) -> None:
    from gui.views.status_bar import LONG_WORK_MS, MailStatusBar

    bar = MailStatusBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.set_account("a", "Work")
    bar.set_activity("a", "Synchronising INBOX", 10, 2000)
    assert "Synchronising INBOX" in bar.activity_label.text() and not bar.progress.isVisible()
    qtbot.wait(LONG_WORK_MS + 100)
    assert bar.progress.isVisible() and bar.progress.maximum() == 2000
    bar.set_activity("a", "", 0, 0)
    assert not bar.progress.isVisible() and not bar.activity_label.text()
    bar.set_state("a", "offline")
    assert "Offline" in bar.indicator("a").toolTip()


def test_the_status_bar_counts_the_folder_shown(qtbot: Any, english: None) -> None:
    from gui.views.status_bar import MailStatusBar

    bar = MailStatusBar()
    qtbot.addWidget(bar)
    bar.set_folder_counts(3000, 40)
    assert bar.folder_counts.text().replace("\u202f", "").replace(",", "").startswith("3000 message")
    assert bar.folder_counts.text().endswith("40 unread")
    bar.set_folder_counts(None)
    assert not bar.folder_counts.text()
    bar.set_search_count(500, more=True)  # a search's newest results, the rest still being read
    assert bar.folder_counts.text() == "500 messages found, looking for more…"
    bar.set_search_count(1)
    assert bar.folder_counts.text() == "1 message found"
