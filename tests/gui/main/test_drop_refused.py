"""Dropping messages where they cannot go (issue 15.4): the account's row, a folder that holds only folders
(\\Noselect), Local Folders' Outbox, the folder they are in. The pointer shows the refusal (the drag is not accepted),
the reason is said in the status bar, nothing moves; a folder that can take them still does."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from gui.models.mailbox_tree import LOCAL_ACCOUNT_ID
from tests.conftest import ALICE
from tests.gui.main.conftest import tree_index
from tests.gui.main.test_main_window import open_inbox, seed_inbox, select_subject, server_flags


def dragged_selection(window: Any) -> Any:
    """What the message list hands a drag of its selected rows (the data a mouse drag carries)."""
    return window.messages.drag_data()


def drag_and_drop(view: Any, target: Any, mime: Any) -> bool:
    """Drag over ``target`` and let go; True if the view accepted the drag there (the pointer said yes)."""
    view.scrollTo(target)
    position = QPointF(view.visualRect(target).center())
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(view.viewport(), QDragEnterEvent(position.toPoint(), Qt.DropAction.MoveAction, mime,
                                                            buttons, modifiers))
    move = QDragMoveEvent(position.toPoint(), Qt.DropAction.MoveAction, mime, buttons, modifiers)
    QApplication.sendEvent(view.viewport(), move)
    if move.isAccepted():
        QApplication.sendEvent(view.viewport(), QDropEvent(position, Qt.DropAction.MoveAction, mime, buttons,
                                                           modifiers))
    else:
        QApplication.sendEvent(view.viewport(), QDragLeaveEvent())
    return move.isAccepted()


def test_refused_drops_say_why_and_move_nothing(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_inbox(dovecot)
    client = dovecot.client(ALICE)
    client.create_folder("Projects/Atlas")  # "Projects" itself only holds folders
    client.logout()
    window = make_window()
    open_inbox(window, qtbot)
    qtbot.waitUntil(lambda: tree_index(window, "Projects/Atlas").isValid(), timeout=10000)
    select_subject(window, qtbot, "Quarterly report")
    mime = dragged_selection(window)
    model = window.tree_model
    account_id = window.accounts.accounts[0].id
    outbox = model.folder_index(LOCAL_ACCOUNT_ID, "outbox")
    targets = [
        (model.account_index(account_id), "is an account, not a folder"),
        (tree_index(window, "INBOX"), "already in Inbox"),
        (outbox, "holds only what Facteur sends"),
    ]
    projects = tree_index(window, "Projects")
    if projects.isValid() and not model.node(projects).selectable:
        targets.append((projects, "cannot hold messages"))
    assert len(targets) == 4, "Dovecot lists Projects as \\Noselect"
    for target, reason in targets:
        assert target.isValid()
        assert not drag_and_drop(window.tree, target, mime)
        assert reason in window.status.currentMessage(), window.status.currentMessage()
    assert sorted(server_flags(dovecot, "INBOX")) == ["Lunch on Friday?", "Quarterly report", "Read one"]
    # Where they can go, they go.
    assert drag_and_drop(window.tree, tree_index(window, "Archive"), mime)
    qtbot.waitUntil(lambda: "Quarterly report" in server_flags(dovecot, "Archive"), timeout=10000)
