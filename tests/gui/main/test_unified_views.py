"""All Inboxes, All Unread and Starred (issue 15.6): two accounts on the test Dovecot in one list, live, with every
action going to the account and folder the message belongs to, driven with the keyboard and the mouse."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui.accounts import Account, AccountStore, Identity, ServerSettings
from gui.models.mailbox_tree import UNIFIED_ACCOUNT_ID
from gui.models.message_columns import Column
from gui.models.roles import Roles
from gui.models.unified_list import ACCOUNT_COLUMN
from gui.secrets import delete_secrets, store_secret
from tests.conftest import ALICE, BOB, USERS, make_message

TIMEOUT = 15000


@pytest.fixture
def two_accounts(account_store: AccountStore, dovecot: Any, smtp_server: Any, ca: Any) -> Any:
    bob = Account(email=BOB, display_name="Bob", name="Bob",
                  imap=ServerSettings("127.0.0.1", dovecot.imaps_port, "ssl", BOB),
                  smtp=ServerSettings("127.0.0.1", smtp_server.port, "starttls", BOB),
                  identities=[Identity("Bob Exemple", BOB, "")], ca_file=str(ca.cert_path))
    account_store.add(bob)
    store_secret(bob.id, "password", USERS[BOB])
    yield account_store
    delete_secrets(bob.id)


def flags_on_server(dovecot: Any, user: str, folder: str) -> dict[str, set[str]]:
    client = dovecot.client(user)
    try:
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        data = client.fetch(uids, ["FLAGS", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]"]) if uids else {}
        return {item[b"BODY[HEADER.FIELDS (SUBJECT)]"].decode().strip().removeprefix("Subject: "):
                {flag.decode() for flag in item[b"FLAGS"]} for item in data.values()}
    finally:
        client.logout()


def view_index(window: Any, view: str) -> Any:
    return window.tree_model.folder_index(UNIFIED_ACCOUNT_ID, view)


def click_tree(window: Any, qtbot: Any, view: str) -> None:
    qtbot.waitUntil(lambda: view_index(window, view).isValid(), timeout=TIMEOUT)
    tree = window.tree
    rect = tree.visualRect(view_index(window, view))
    QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    qtbot.waitUntil(lambda: window.location == (UNIFIED_ACCOUNT_ID, view), timeout=5000)


def rows(window: Any) -> list[tuple[str, str]]:
    """(subject, account) of every row, as far as they are loaded."""
    model = window.messages.model()
    shown = []
    for row in range(model.rowCount()):
        summary = model.index(row, Column.SUBJECT).data(Roles.SUMMARY)
        shown.append((summary.subject if summary else "", model.index(row, ACCOUNT_COLUMN).data()))
    return shown


def click_row(window: Any, qtbot: Any, subject: str) -> None:
    qtbot.waitUntil(lambda: subject in [s for s, _a in rows(window)], timeout=TIMEOUT)
    row = [s for s, _a in rows(window)].index(subject)
    view = window.messages
    rect = view.visualRect(view.model().index(row, Column.SUBJECT))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    qtbot.waitUntil(lambda: window.opener.current is not None and window.reader.headers.isVisible(), timeout=5000)


def test_all_inboxes_lists_both_accounts_and_routes_every_action(two_accounts: Any, make_window: Any,
                                                                 dovecot: Any, qtbot: Any) -> None:
    dovecot.seed(ALICE, "INBOX", [make_message("For Alice", date="Tue, 24 Nov 2026 10:00:00 +0000"),
                                  make_message("Alice old", date="Mon, 23 Nov 2026 10:00:00 +0000")],
                 flags=("\\Seen",))
    dovecot.seed(BOB, "INBOX", [make_message("For Bob", to=BOB, date="Tue, 24 Nov 2026 11:00:00 +0000")])
    window = make_window()
    bob_id = next(a.id for a in two_accounts.accounts if a.email == BOB)
    # The views sit at the top of the tree, with their unread counts.
    assert [window.tree_model.index(r, 0).data(Roles.FOLDER_NAME) for r in range(3)] == ["inbox", "unread",
                                                                                        "starred"]
    qtbot.waitUntil(lambda: view_index(window, "inbox").data(Roles.UNREAD_COUNT) == 1
                    and view_index(window, "inbox").data(Roles.TOTAL_COUNT) == 3, timeout=TIMEOUT)
    assert view_index(window, "inbox").data() == "All Inboxes (1)"

    click_tree(window, qtbot, "inbox")
    qtbot.waitUntil(lambda: rows(window) == [("For Bob", "Bob"), ("For Alice", "Alice"), ("Alice old", "Alice")],
                    timeout=TIMEOUT)
    assert window.windowTitle().startswith("All Inboxes")

    # Opening Bob's message reads it from Bob's account; the reply goes out from Bob.
    click_row(window, qtbot, "For Bob")
    assert window.opener.current[0] == bob_id and window.opener.current[1] == "INBOX"
    postbox = window.local.postbox
    QTest.keyClick(window.messages, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(postbox.composers()) == 1, timeout=TIMEOUT)
    composer = postbox.composers()[0]
    sender = composer.header.sender
    assert (sender.account.id, sender.identity.address) == (bob_id, BOB)
    assert composer.header.subject_field.text() == "Re: For Bob"
    composer._stop()  # noqa: SLF001 - closed without the save question
    composer.close()

    # Star Alice's message with S, then delete Bob's with Delete: each on its own account.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    click_row(window, qtbot, "For Alice")
    QTest.keyClick(window.messages, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: "\\Flagged" in flags_on_server(dovecot, ALICE, "INBOX").get("For Alice", set()),
                    timeout=TIMEOUT)
    qtbot.waitUntil(lambda: view_index(window, "starred").data(Roles.TOTAL_COUNT) == 1, timeout=TIMEOUT)
    click_row(window, qtbot, "For Bob")
    QTest.keyClick(window.messages, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: "For Bob" in flags_on_server(dovecot, BOB, "Trash"), timeout=TIMEOUT)
    assert "For Bob" not in flags_on_server(dovecot, BOB, "INBOX")
    qtbot.waitUntil(lambda: [s for s, _a in rows(window)] == ["For Alice", "Alice old"], timeout=TIMEOUT)
    assert "For Bob" not in flags_on_server(dovecot, ALICE, "Trash")

    # Mail arriving in either account shows up at once.
    dovecot.deliver(BOB, make_message("Bob again", to=BOB, date="Tue, 24 Nov 2026 12:00:00 +0000"))
    qtbot.waitUntil(lambda: rows(window)[:1] == [("Bob again", "Bob")], timeout=TIMEOUT)
    qtbot.waitUntil(lambda: view_index(window, "inbox").data(Roles.UNREAD_COUNT) == 1, timeout=TIMEOUT)


def test_all_unread_keeps_what_is_read_there_and_starred_follows_the_star(two_accounts: Any, make_window: Any,
                                                                         dovecot: Any, qtbot: Any) -> None:
    dovecot.seed(ALICE, "INBOX", [make_message("Unread A", date="Tue, 24 Nov 2026 10:00:00 +0000")])
    dovecot.seed(ALICE, "Archive", [make_message("Unread archived", date="Tue, 24 Nov 2026 09:00:00 +0000")])
    dovecot.seed(ALICE, "Trash", [make_message("Unread trash", date="Tue, 24 Nov 2026 08:00:00 +0000")])
    dovecot.seed(BOB, "INBOX", [make_message("Unread B", to=BOB, date="Tue, 24 Nov 2026 11:00:00 +0000")])
    window = make_window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.waitUntil(lambda: view_index(window, "unread").data(Roles.UNREAD_COUNT) == 3, timeout=TIMEOUT)
    click_tree(window, qtbot, "unread")
    qtbot.waitUntil(lambda: [s for s, _a in rows(window)] == ["Unread B", "Unread A", "Unread archived"],
                    timeout=TIMEOUT)
    click_row(window, qtbot, "Unread archived")
    QTest.keyClick(window.messages, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)  # Mark as Read
    qtbot.waitUntil(lambda: "\\Seen" in flags_on_server(dovecot, ALICE, "Archive")["Unread archived"],
                    timeout=TIMEOUT)
    qtbot.waitUntil(lambda: view_index(window, "unread").data(Roles.UNREAD_COUNT) == 2, timeout=TIMEOUT)
    # Read here, it stays until the view is chosen again, shown as read.
    def shown_read() -> bool:
        subjects = [s for s, _a in rows(window)]
        if "Unread archived" not in subjects:
            return False
        return window.messages.model().index(subjects.index("Unread archived"), Column.SUBJECT).data(
            Roles.IS_UNREAD) is False

    qtbot.waitUntil(shown_read, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: [s for s, _a in rows(window)] == ["Unread B", "Unread A", "Unread archived"],
                    timeout=TIMEOUT)
    # Starring it from here makes it appear in Starred.
    QTest.keyClick(window.messages, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: view_index(window, "starred").data(Roles.TOTAL_COUNT) == 1, timeout=TIMEOUT)
    click_tree(window, qtbot, "starred")
    qtbot.waitUntil(lambda: rows(window) == [("Unread archived", "Alice")], timeout=TIMEOUT)
    click_tree(window, qtbot, "unread")
    qtbot.waitUntil(lambda: [s for s, _a in rows(window)] == ["Unread B", "Unread A"], timeout=TIMEOUT)
    assert QApplication.activeWindow() is window


def test_one_undo_takes_back_what_was_done_to_both_accounts(two_accounts: Any, make_window: Any, dovecot: Any,
                                                           qtbot: Any, english: None) -> None:
    """Deleting messages of two accounts at once is one thing done: one notice, one Undo, both come back."""
    dovecot.seed(ALICE, "INBOX", [make_message("Alice one", date="Tue, 24 Nov 2026 10:00:00 +0000"),
                                  make_message("Alice two", date="Tue, 24 Nov 2026 09:00:00 +0000")])
    dovecot.seed(BOB, "INBOX", [make_message("Bob one", to=BOB, date="Tue, 24 Nov 2026 11:00:00 +0000")])
    window = make_window()
    window.activateWindow()
    click_tree(window, qtbot, "inbox")
    qtbot.waitUntil(lambda: len(rows(window)) == 3, timeout=TIMEOUT)
    click_row(window, qtbot, "Bob one")
    QTest.keyClick(window.messages, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # all three
    assert len(window.selected_groups()) == 2
    QTest.keyClick(window.messages, Qt.Key.Key_Delete)
    notice = window.undo_notice
    qtbot.waitUntil(lambda: notice.isVisible() and notice.label.text() == "3 messages moved to the Trash",
                    timeout=5000)
    assert window.actions.undo.text() == "&Undo Delete" and len(window.undo.history) == 1
    qtbot.waitUntil(lambda: set(flags_on_server(dovecot, ALICE, "Trash")) == {"Alice one", "Alice two"}
                    and set(flags_on_server(dovecot, BOB, "Trash")) == {"Bob one"}, timeout=TIMEOUT)

    QTest.keyClick(window.messages, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: set(flags_on_server(dovecot, ALICE, "INBOX")) == {"Alice one", "Alice two"}
                    and set(flags_on_server(dovecot, BOB, "INBOX")) == {"Bob one"}, timeout=TIMEOUT)
    assert flags_on_server(dovecot, ALICE, "Trash") == {} and flags_on_server(dovecot, BOB, "Trash") == {}
    qtbot.waitUntil(lambda: sorted(s for s, _a in rows(window)) == ["Alice one", "Alice two", "Bob one"],
                    timeout=TIMEOUT)
    assert not notice.isVisible() and not window.actions.undo.isEnabled()


def test_a_removed_account_leaves_its_part_of_a_shared_step(two_accounts: Any, make_window: Any, dovecot: Any,
                                                            qtbot: Any, english: None) -> None:
    dovecot.seed(ALICE, "INBOX", [make_message("Alice star", date="Tue, 24 Nov 2026 10:00:00 +0000")])
    dovecot.seed(BOB, "INBOX", [make_message("Bob star", to=BOB, date="Tue, 24 Nov 2026 11:00:00 +0000")])
    window = make_window()
    window.activateWindow()
    click_tree(window, qtbot, "inbox")
    qtbot.waitUntil(lambda: len(rows(window)) == 2, timeout=TIMEOUT)
    click_row(window, qtbot, "Bob star")
    QTest.keyClick(window.messages, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(window.messages, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.undo_notice.label.text() == "2 messages starred", timeout=5000)
    qtbot.waitUntil(lambda: "\\Flagged" in flags_on_server(dovecot, ALICE, "INBOX")["Alice star"]
                    and "\\Flagged" in flags_on_server(dovecot, BOB, "INBOX")["Bob star"], timeout=TIMEOUT)
    bob_id = next(a.id for a in two_accounts.accounts if a.email == BOB)
    window.undo.forget_account(bob_id)  # what removing Bob's account does
    assert not window.undo_notice.isVisible() and len(window.undo.history) == 1
    window.actions.undo.trigger()
    qtbot.waitUntil(lambda: "\\Flagged" not in flags_on_server(dovecot, ALICE, "INBOX")["Alice star"],
                    timeout=TIMEOUT)
    assert "\\Flagged" in flags_on_server(dovecot, BOB, "INBOX")["Bob star"], "Bob's part went with his account"


def test_deleting_for_good_across_accounts_asks_once(two_accounts: Any, make_window: Any, dovecot: Any,
                                                     qtbot: Any, english: None) -> None:
    from tests.gui.main.test_permanent_delete import answer_when_asked

    dovecot.seed(ALICE, "INBOX", [make_message("Alice shred", date="Tue, 24 Nov 2026 10:00:00 +0000")])
    dovecot.seed(BOB, "INBOX", [make_message("Bob shred", to=BOB, date="Tue, 24 Nov 2026 11:00:00 +0000"),
                                make_message("Bob too", to=BOB, date="Tue, 24 Nov 2026 09:00:00 +0000")])
    window = make_window()
    window.activateWindow()
    click_tree(window, qtbot, "inbox")
    qtbot.waitUntil(lambda: len(rows(window)) == 3, timeout=TIMEOUT)
    click_row(window, qtbot, "Bob shred")
    QTest.keyClick(window.messages, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)

    said = answer_when_asked("cancel")
    window.actions.delete_permanently.trigger()
    assert said == ["3 messages in INBOX would be deleted for good. This cannot be undone."]
    assert len(rows(window)) == 3 and window.commands.running == []  # nothing hidden, nothing sent

    said = answer_when_asked("delete")
    window.actions.delete_permanently.trigger()
    assert len(said) == 1, "asked once for both accounts"
    qtbot.waitUntil(lambda: flags_on_server(dovecot, ALICE, "INBOX") == {} and
                    flags_on_server(dovecot, BOB, "INBOX") == {}, timeout=TIMEOUT)
    assert flags_on_server(dovecot, ALICE, "Trash") == {} and flags_on_server(dovecot, BOB, "Trash") == {}
    assert not window.actions.undo.isEnabled(), "gone for good: nothing to undo"
