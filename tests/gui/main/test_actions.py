"""What the person does in the main window, checked on the server: star, archive, folders, refusals, search,
conversations, the next unread message, and a connection that comes back."""

from __future__ import annotations

from typing import Any

from gui.models.message_columns import Column
from gui.models.roles import Roles
from tests.conftest import ALICE, make_message
from tests.gui.main.conftest import tree_index, unread_count
from tests.gui.main.test_main_window import open_inbox, row_of_subject, seed_inbox, select_subject, server_flags


def server_folders(dovecot: Any) -> set[str]:
    client = dovecot.client(ALICE)
    try:
        return {name for _flags, _delimiter, name in client.list_folders()}
    finally:
        client.logout()


def session_of(window: Any) -> Any:
    return next(iter(window.sessions.values()))


def test_star_and_mark_unread_reach_the_server(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_inbox(dovecot)
    window = make_window()
    open_inbox(window, qtbot)
    select_subject(window, qtbot, "Read one")
    window.actions.flag.trigger()  # checkable: on
    row = row_of_subject(window, "Read one")
    assert window.messages.model().index(row, Column.FLAG).data(Roles.IS_FLAGGED)  # shown at once
    qtbot.waitUntil(lambda: "\\Flagged" in server_flags(dovecot, "INBOX")["Read one"], timeout=10000)
    window.actions.mark_unread.trigger()
    qtbot.waitUntil(lambda: "\\Seen" not in server_flags(dovecot, "INBOX")["Read one"], timeout=10000)
    qtbot.waitUntil(lambda: unread_count(window, "INBOX") == 3, timeout=5000)


def test_archive_moves_to_the_archive_folder(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_inbox(dovecot)
    window = make_window()
    open_inbox(window, qtbot)
    select_subject(window, qtbot, "Lunch on Friday?")
    window.actions.archive.trigger()
    qtbot.waitUntil(lambda: "Lunch on Friday?" in server_flags(dovecot, "Archive"), timeout=10000)
    assert row_of_subject(window, "Lunch on Friday?") is None


def test_the_folder_moved_to_lists_the_messages_without_waiting_for_its_next_check(
        make_window: Any, dovecot: Any, qtbot: Any) -> None:
    """Archive and Delete sync the folder the messages went to: its counts in the tree (and its list, when opened)
    show them at once, not at the folder's next periodic check ten minutes later."""
    seed_inbox(dovecot)
    window = make_window()
    open_inbox(window, qtbot)
    session = session_of(window)
    qtbot.waitUntil(lambda: session.synced_once, timeout=10000)  # every folder was synced once: Archive is empty
    assert tree_index(window, "Archive").data(Roles.TOTAL_COUNT) == 0
    qtbot.waitUntil(lambda: row_of_subject(window, "Quarterly report") is not None, timeout=10000)
    uid = window.messages.model().index(row_of_subject(window, "Quarterly report"), 0).data(Roles.SUMMARY).uid
    window.commands.move(window.location[0], "INBOX", [uid], "Archive")  # unread, never opened
    qtbot.waitUntil(lambda: tree_index(window, "Archive").data(Roles.TOTAL_COUNT) == 1, timeout=10000)
    assert unread_count(window, "Archive") == 1
    assert window.location[1] == "INBOX"  # nothing was opened to get there

    qtbot.waitUntil(lambda: row_of_subject(window, "Lunch on Friday?") is not None, timeout=10000)
    uid = window.messages.model().index(row_of_subject(window, "Lunch on Friday?"), 0).data(Roles.SUMMARY).uid
    session.delete("INBOX", [uid])
    qtbot.waitUntil(lambda: tree_index(window, "Trash").data(Roles.TOTAL_COUNT) == 1, timeout=10000)
    assert "Lunch on Friday?" in server_flags(dovecot, "Trash")


def test_a_refused_move_comes_back_with_a_notice(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_inbox(dovecot)
    dovecot.seed(ALICE, "Doomed", [make_message("Placeholder")])
    window = make_window()
    open_inbox(window, qtbot)
    qtbot.waitUntil(lambda: tree_index(window, "Doomed").isValid(), timeout=10000)
    client = dovecot.client(ALICE)
    client.delete_folder("Doomed")  # another client deletes it; Facteur does not know yet
    client.logout()
    select_subject(window, qtbot, "Quarterly report")
    uid = window.messages.current_uid()
    window.commands.move(window.location[0], "INBOX", [uid], "Doomed")
    assert row_of_subject(window, "Quarterly report") is None
    qtbot.waitUntil(lambda: row_of_subject(window, "Quarterly report") is not None, timeout=10000)
    qtbot.waitUntil(lambda: any("refused" in n.title for n in window.notifications.notices()), timeout=5000)
    notice = next(n for n in window.notifications.notices() if "refused" in n.title)
    assert "Doomed" in notice.text or "Doomed" in notice.title or "INBOX" in notice.title
    assert "Quarterly report" in server_flags(dovecot, "INBOX")


def test_folders_are_created_renamed_and_deleted_on_the_server(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    window = make_window()
    qtbot.waitUntil(lambda: unread_count(window, "INBOX") is not None, timeout=10000)
    session = session_of(window)
    with qtbot.waitSignal(window.folders.create_named(session, "Receipts").done, timeout=10000):
        pass
    assert "Receipts" in server_folders(dovecot)
    qtbot.waitUntil(lambda: tree_index(window, "Receipts").isValid(), timeout=5000)
    with qtbot.waitSignal(window.folders.rename_to(session, "Receipts", "Bills").done, timeout=10000):
        pass
    assert "Bills" in server_folders(dovecot) and "Receipts" not in server_folders(dovecot)
    qtbot.waitUntil(lambda: tree_index(window, "Bills").isValid() and not tree_index(window, "Receipts").isValid(),
                    timeout=5000)
    with qtbot.waitSignal(window.folders.delete_named(session, "Bills").done, timeout=10000):
        pass
    assert "Bills" not in server_folders(dovecot)
    qtbot.waitUntil(lambda: not tree_index(window, "Bills").isValid(), timeout=5000)


def test_search_field_uses_the_full_text_index(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_inbox(dovecot)
    window = make_window()
    open_inbox(window, qtbot)
    qtbot.waitUntil(lambda: window.messages.model().rowCount() == 3, timeout=10000)
    window.search_field.setText("from:bob")
    window.search_field.returnPressed.emit()
    qtbot.waitUntil(lambda: window.messages.model().rowCount() == 1, timeout=5000)
    qtbot.waitUntil(lambda: row_of_subject(window, "Lunch on Friday?") == 0, timeout=5000)
    window.search_field.setText("is:nonsense")
    window.search_field.returnPressed.emit()
    assert "nonsense" in window.search_field.toolTip()
    assert window.messages.model().rowCount() == 1  # a bad query leaves the results as they were
    window.search_field.setText("")
    window.search_field.returnPressed.emit()
    qtbot.waitUntil(lambda: window.messages.model().rowCount() == 3, timeout=5000)


def test_conversations_group_and_can_be_turned_off(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    def message(subject: str, message_id: str, date: str, replying_to: str = "") -> bytes:
        thread = f"In-Reply-To: {replying_to}\r\nReferences: {replying_to}\r\n" if replying_to else ""
        return (f"From: bob@example.test\r\nTo: {ALICE}\r\nSubject: {subject}\r\nDate: {date}\r\n"
                f"Message-ID: {message_id}\r\n{thread}Content-Type: text/plain\r\n\r\nHello\r\n").encode()

    dovecot.seed(ALICE, "INBOX", [
        message("Trip", "<trip@example.test>", "Mon, 23 Nov 2026 09:00:00 +0000"),
        message("Re: Trip", "<re-trip@example.test>", "Mon, 23 Nov 2026 10:00:00 +0000", "<trip@example.test>"),
        message("Alone", "<alone@example.test>", "Sun, 22 Nov 2026 10:00:00 +0000"),
    ])
    window = make_window()
    open_inbox(window, qtbot)
    qtbot.waitUntil(lambda: window.messages.model().rowCount() == 3, timeout=10000)
    window.actions.threaded.setChecked(True)
    model = window.messages.model()
    assert model is window.thread_model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=5000)
    assert model.index(0, Column.SUBJECT).data(Roles.IS_THREAD)
    window.messages.setCurrentIndex(model.index(0, 0))
    assert len(window.messages.selected_uids()) == 2
    model.set_expanded(0, True)
    assert model.rowCount() == 4
    window.actions.threaded.setChecked(False)
    assert window.messages.model() is window.list_model
    qtbot.waitUntil(lambda: window.list_model.rowCount() == 3, timeout=5000)
    assert not window.settings.threaded


def test_next_unread_skips_read_messages(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_inbox(dovecot)
    window = make_window()
    window.settings.mark_read_automatically = False
    open_inbox(window, qtbot)
    qtbot.waitUntil(lambda: row_of_subject(window, "Read one") == 2, timeout=10000)
    select_subject(window, qtbot, "Read one")
    assert not window.go_to_unread(forward=True)
    assert window.go_to_unread(forward=False)
    assert window.messages.current_uid() == window.list_model.uid_at(1)


def test_a_lost_connection_comes_back_by_itself(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_inbox(dovecot)
    window = make_window()
    open_inbox(window, qtbot)
    session = session_of(window)
    qtbot.waitUntil(lambda: session.synced_once and session.state == "online", timeout=10000)
    account_id = window.location[0]
    dovecot.stop()
    try:
        window.refresh()
        qtbot.waitUntil(lambda: window.status.indicator(account_id).state == "offline", timeout=15000)
        # The indicator and the bar follow the same state change through separate queued signals.
        qtbot.waitUntil(lambda: window.notifications.keyed(f"account:{account_id}") is not None, timeout=15000)
        bar = window.notifications.keyed(f"account:{account_id}")
        assert bar is not None and "offline" in bar.title
        assert "127.0.0.1" in bar.detail and "127.0.0.1" not in bar.text  # the technical words wait behind Details
        # More failed attempts: still one bar. A Refresh that arrives while an attempt is under way is folded into
        # it, so ask again now and then until two more attempts have failed.
        problems: list[object] = []
        session.connectionProblem.connect(lambda *args: problems.append(args))
        polls = [0]

        def failed_twice_more() -> bool:
            polls[0] += 1
            if len(problems) < 2 and polls[0] % 25 == 1:
                window.refresh()
            return len(problems) >= 2

        qtbot.waitUntil(failed_twice_more, timeout=30000)
        assert [n for n in window.notifications.notices() if n.key] == [bar]
        # While offline, actions still apply locally and wait in the queue.
        select_subject(window, qtbot, "Lunch on Friday?")
        op = window.commands.set_starred(account_id, "INBOX", window.messages.selected_uids(), True)
        with qtbot.waitSignal(op.done, timeout=10000):
            pass
    finally:
        dovecot.restart()
    qtbot.waitUntil(lambda: session.state == "online", timeout=20000)
    # Back online: the bar goes (on the window's side of the queued state change).
    qtbot.waitUntil(lambda: window.notifications.keyed(f"account:{account_id}") is None, timeout=10000)
    qtbot.waitUntil(lambda: "\\Flagged" in server_flags(dovecot, "INBOX")["Lunch on Friday?"], timeout=15000)


def test_mark_as_read_waits_for_the_configured_delay(make_window: Any, dovecot: Any, qtbot: Any) -> None:
    seed_inbox(dovecot)
    window = make_window()
    window.settings.mark_read_delay_ms = 1500
    open_inbox(window, qtbot)
    select_subject(window, qtbot, "Lunch on Friday?")
    qtbot.waitUntil(lambda: window.reader.plain.toPlainText().strip() == "Are you free?", timeout=10000)
    # Opening the message updates its summary (the paperclip from BODYSTRUCTURE), and the list may read its rows
    # again: wait for the row to be loaded before looking at it.
    qtbot.waitUntil(lambda: row_of_subject(window, "Lunch on Friday?") is not None, timeout=10000)
    row = row_of_subject(window, "Lunch on Friday?")
    assert window.messages.model().index(row, Column.SUBJECT).data(Roles.IS_UNREAD)  # not yet
    qtbot.waitUntil(lambda: not window.messages.model().index(row, Column.SUBJECT).data(Roles.IS_UNREAD),
                    timeout=5000)
    qtbot.waitUntil(lambda: "\\Seen" in server_flags(dovecot, "INBOX")["Lunch on Friday?"], timeout=10000)
