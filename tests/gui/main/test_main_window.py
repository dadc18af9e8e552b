"""The main window against the real Dovecot: folders, messages, reading, moving, deleting, push."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from gui.models.drag import encode_messages
from gui.models.message_columns import Column
from gui.models.roles import Roles
from tests.conftest import ALICE, make_message
from tests.gui.main.conftest import tree_index, unread_count


def server_flags(dovecot: Any, folder: str) -> dict[str, set[str]]:
    """Subject → flags of every message in ``folder`` on the server."""
    client = dovecot.client(ALICE)
    try:
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        if not uids:
            return {}
        data = client.fetch(uids, ["FLAGS", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])
        result = {}
        for item in data.values():
            header = item[b"BODY[HEADER.FIELDS (SUBJECT)]"].decode().strip()
            result[header.removeprefix("Subject: ")] = {flag.decode() for flag in item[b"FLAGS"]}
        return result
    finally:
        client.logout()


def drag_onto(view: Any, target: Any, mime: Any) -> None:
    """Drag ``mime`` over the view and drop it on ``target``, as a person's mouse would."""
    view.scrollTo(target)
    position = QPointF(view.visualRect(target).center())
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    # Qt declares the enter and move events with an integer QPoint, the drop with a QPointF.
    for event in (QDragEnterEvent(position.toPoint(), Qt.DropAction.MoveAction, mime, buttons, modifiers),
                  QDragMoveEvent(position.toPoint(), Qt.DropAction.MoveAction, mime, buttons, modifiers),
                  QDropEvent(position, Qt.DropAction.MoveAction, mime, buttons, modifiers)):
        QApplication.sendEvent(view.viewport(), event)
        assert event.isAccepted()


def seed_inbox(dovecot: Any) -> None:
    dovecot.seed(ALICE, "INBOX", [make_message("Read one", date="Mon, 23 Nov 2026 09:00:00 +0000")],
                 flags=("\\Seen",))
    dovecot.seed(ALICE, "INBOX", [
        make_message("Lunch on Friday?", sender="bob@example.test", body="Are you free?",
                     date="Tue, 24 Nov 2026 10:00:00 +0000"),
        make_message("Quarterly report", sender="carol@example.test", body="See attached.",
                     date="Tue, 24 Nov 2026 11:00:00 +0000"),
    ])


def open_inbox(window: Any, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: unread_count(window, "INBOX") is not None, timeout=10000)
    window.tree.setCurrentIndex(tree_index(window, "INBOX"))


def row_of_subject(window: Any, subject: str) -> int | None:
    """The row showing ``subject`` (rows not loaded yet are asked for, and found on a later call)."""
    model = window.messages.model()
    for row in range(model.rowCount()):
        summary = model.index(row, Column.SUBJECT).data(Roles.SUMMARY)
        if summary is not None and summary.subject == subject:
            return row
    return None


def select_subject(window: Any, qtbot: Any, subject: str) -> None:
    qtbot.waitUntil(lambda: row_of_subject(window, subject) is not None, timeout=10000)
    window.messages.setCurrentIndex(window.messages.model().index(row_of_subject(window, subject), 0))


def test_opening_an_account_shows_its_folders_with_unread_counts(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_inbox(dovecot)
    dovecot.seed(ALICE, "Projects/Facteur", [make_message("Design notes")])
    window = make_window()
    qtbot.waitUntil(lambda: unread_count(window, "INBOX") == 2, timeout=10000)
    qtbot.waitUntil(lambda: unread_count(window, "Projects/Facteur") == 1, timeout=10000)
    inbox = tree_index(window, "INBOX")
    assert inbox.data() == "Inbox (2)" and inbox.data(Qt.ItemDataRole.FontRole).bold()
    account = inbox.parent()
    names = [window.tree_model.index(r, 0, account).data(Roles.FOLDER_NAME) for r in range(6)]
    assert names == ["INBOX", "Drafts", "Sent", "Archive", "Junk", "Trash"]
    assert tree_index(window, "Projects/Facteur").parent().data() == "Projects"
    qtbot.waitUntil(lambda: window.status.indicator(window.accounts.accounts[0].id).state == "online")
    local = window.tree_model.index(window.tree_model.rowCount() - 1, 0)
    assert local.data() == "Local Folders"
    # First start: nothing was open before, so INBOX opens by itself once the sync has listed it.
    qtbot.waitUntil(lambda: window.location[1] == "INBOX" and window.messages.model().rowCount() == 3,
                    timeout=5000)


def test_selecting_a_folder_lists_it_and_opening_marks_read_on_the_server(make_window: Any, dovecot: Any,
                                                                          qtbot: Any) -> None:
    seed_inbox(dovecot)
    window = make_window()
    open_inbox(window, qtbot)
    qtbot.waitUntil(lambda: row_of_subject(window, "Quarterly report") == 0, timeout=10000)
    assert window.messages.model().rowCount() == 3
    assert window.messages.model().index(0, Column.SUBJECT).data(Qt.ItemDataRole.FontRole).bold()
    select_subject(window, qtbot, "Lunch on Friday?")
    qtbot.waitUntil(lambda: window.reader.plain.toPlainText().strip() == "Are you free?", timeout=10000)
    assert window.reader.headers.subject.text() == "Lunch on Friday?"
    assert "bob@example.test" in window.reader.headers.text_of("from")
    qtbot.waitUntil(lambda: "\\Seen" in server_flags(dovecot, "INBOX")["Lunch on Friday?"], timeout=10000)
    qtbot.waitUntil(lambda: unread_count(window, "INBOX") == 1, timeout=5000)
    assert "\\Seen" not in server_flags(dovecot, "INBOX")["Quarterly report"]


def test_dragging_a_message_onto_a_folder_moves_it_on_the_server(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_inbox(dovecot)
    window = make_window()
    open_inbox(window, qtbot)
    select_subject(window, qtbot, "Quarterly report")
    uid = window.messages.current_uid()
    account_id = window.accounts.accounts[0].id
    drag_onto(window.tree, tree_index(window, "Archive"), encode_messages(account_id, "INBOX", [uid]))
    assert row_of_subject(window, "Quarterly report") is None  # gone from the list at once
    qtbot.waitUntil(lambda: "Quarterly report" in server_flags(dovecot, "Archive"), timeout=10000)
    assert "Quarterly report" not in server_flags(dovecot, "INBOX")


def test_delete_moves_to_trash(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_inbox(dovecot)
    window = make_window()
    open_inbox(window, qtbot)
    select_subject(window, qtbot, "Lunch on Friday?")
    window.messages.setFocus()
    window.actions.delete.trigger()
    assert row_of_subject(window, "Lunch on Friday?") is None
    qtbot.waitUntil(lambda: "Lunch on Friday?" in server_flags(dovecot, "Trash"), timeout=10000)
    assert "Lunch on Friday?" not in server_flags(dovecot, "INBOX")


def test_mail_delivered_by_lmtp_appears_without_user_action(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_inbox(dovecot)
    window = make_window()
    open_inbox(window, qtbot)
    session = next(iter(window.sessions.values()))
    qtbot.waitUntil(lambda: session.synced_once and session.idle is not None
                    and session.idle.watcher.connections >= 1, timeout=10000)
    dovecot.deliver(ALICE, make_message("Pushed to you", sender="dave@example.test",
                                        date="Wed, 25 Nov 2026 08:00:00 +0000"))
    qtbot.waitUntil(lambda: row_of_subject(window, "Pushed to you") == 0, timeout=15000)
    qtbot.waitUntil(lambda: any("dave@example.test" in title for title, _ in window.notifier.sent), timeout=5000)
    assert unread_count(window, "INBOX") == 3
