"""The conversation list is lazy (issue 13.5): one row per conversation from the start, each row's summary read
with its window when the view paints it, off the GUI thread — every conversation once, in order, and the end of
the list reached without reading what lies before it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtTest import QTest

from connectors.store import MailStore, MessageSummary
from gui.models.message_columns import Column
from gui.models.roles import Roles
from gui.models.store_loader import StoreLoader
from gui.models.thread_list import WINDOW, ThreadListModel
from gui.views.message_list_view import MessageListView
from tests.connectors.store.sample_mail import realistic_summaries


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MailStore]:
    with MailStore(tmp_path / "store.sqlite3") as mail_store:
        mail_store.upsert_folders([((), "/", "INBOX")])
        mail_store.add_messages("INBOX", realistic_summaries(3000, seed=8))
        yield mail_store


class _Recording:
    """A reader that notes which conversations each read asked for (it runs in the loader's thread)."""

    def __init__(self, reader: Any, calls: list[tuple[str, int]]) -> None:
        self._reader, self._calls = reader, calls

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)

    def thread_keys(self, folder: str) -> list[int]:
        self._calls.append(("keys", 0))
        return self._reader.thread_keys(folder)  # type: ignore[no-any-return]

    def threads_for(self, folder: str, keys: Any) -> Any:
        self._calls.append(("threads", len(keys)))
        return self._reader.threads_for(folder, keys)


@pytest.fixture
def loader(qtbot: Any) -> Iterator[StoreLoader]:
    loader = StoreLoader()
    yield loader
    assert loader.stop()


def _recorded(loader: StoreLoader, calls: list[tuple[str, int]]) -> None:
    original = loader.submit

    def submit(path: Any, work: Any, deliver: Any) -> int:
        return original(path, lambda reader: work(_Recording(reader, calls)), deliver)

    loader.submit = submit  # type: ignore[method-assign]


def _subject(model: ThreadListModel, row: int) -> Any:
    return model.index(row, Column.SUBJECT).data()


def _wait_loaded(qtbot: Any, model: ThreadListModel, rows: range) -> None:
    for row in rows:
        model.index(row, Column.SUBJECT).data()  # asks for its window
    qtbot.waitUntil(lambda: all(model.is_loaded(row) for row in rows), timeout=5000)


def test_every_conversation_has_a_row_at_once_and_each_reads_as_the_store_lists_it(
        qtbot: Any, qtmodeltester: Any, store: MailStore, loader: StoreLoader) -> None:
    expected = store.threads("INBOX", limit=10_000)
    model = ThreadListModel(window=128, loader=loader)
    reader = store.open_reader()
    with qtbot.waitSignal(model.folderLoaded, timeout=5000):
        model.set_folder(reader, "acct", "INBOX")
    assert model.rowCount() == len(expected) == store.thread_count("INBOX")
    assert model.is_loaded(0) and model.is_loaded(127) and not model.is_loaded(128)  # the top came with it
    assert _subject(model, 500) == "…"  # a placeholder; its window is on its way
    _wait_loaded(qtbot, model, range(len(expected)))
    for row, thread in enumerate(expected):
        index = model.index(row, Column.SUBJECT)
        assert index.data(Roles.UID) == thread.latest.uid
        assert index.data(Roles.THREAD_COUNT) == thread.count
        assert model.uids_for(index) == list(thread.uids)
    qtmodeltester.check(model)
    reader.close()


def test_jumping_to_the_end_reads_the_last_window_and_not_the_ones_before(
        qtbot: Any, store: MailStore, loader: StoreLoader) -> None:
    expected = store.threads("INBOX", limit=10_000)
    calls: list[tuple[str, int]] = []
    _recorded(loader, calls)
    model = ThreadListModel(loader=loader)
    view = MessageListView()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.set_message_model(model)
    view.show()
    reader = store.open_reader()
    with qtbot.waitSignal(model.folderLoaded, timeout=5000):
        model.set_folder(reader, "acct", "INBOX")
    assert calls == [("keys", 0), ("threads", WINDOW)]
    view.setFocus()
    view.setCurrentIndex(model.index(0, 0))
    QTest.keyClick(view, Qt.Key.Key_End)
    last = model.rowCount() - 1
    assert view.currentIndex().row() == last
    qtbot.waitUntil(lambda: _subject(model, last) == (expected[-1].latest.subject or "(no subject)")
                    or expected[-1].count > 1, timeout=5000)
    qtbot.waitUntil(lambda: model.is_loaded(last), timeout=5000)
    assert model.index(last, 0).data(Roles.UID) == expected[-1].latest.uid
    # One window for the end (and maybe the one before it, read ahead): never the pages in between.
    read = [count for kind, count in calls[2:] if kind == "threads"]
    assert 1 <= len(read) <= 2 and sum(read) <= 2 * WINDOW
    assert not model.is_loaded(len(expected) // 2)
    assert view.selected_uids() == list(expected[-1].uids)
    # Everything selected stands for every message, the conversations never read included.
    view.selectAll()
    assert sorted(view.selected_uids()) == sorted(uid for thread in expected for uid in thread.uids)
    assert not model.is_loaded(len(expected) // 2)
    reader.close()


def test_a_reply_while_scrolled_far_down_moves_its_conversation_to_the_top_and_keeps_the_selection(
        qtbot: Any, store: MailStore, loader: StoreLoader) -> None:
    expected = store.threads("INBOX", limit=10_000)
    model = ThreadListModel(loader=loader)
    view = MessageListView()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.set_message_model(model)
    view.show()
    reader = store.open_reader()
    with qtbot.waitSignal(model.folderLoaded, timeout=5000):
        model.set_folder(reader, "acct", "INBOX")
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    # Far down: a conversation near the end is selected and shown.
    far = len(expected) - 40
    view.scrollTo(model.index(far, 0))
    _wait_loaded(qtbot, model, range(far - 5, far + 5))
    view.selectionModel().setCurrentIndex(model.index(far, Column.SUBJECT),
                                          QItemSelectionModel.SelectionFlag.ClearAndSelect
                                          | QItemSelectionModel.SelectionFlag.Rows)
    selected = expected[far]
    assert view.selected_uids() == list(selected.uids)
    # A reply to the selected conversation, and a new conversation of its own, arrive from a sync.
    store.add_messages("INBOX", [
        MessageSummary(uid=5000, subject="Re: late", date=2_000_000_000, message_id="<late@x>",
                       gm_thrid=selected.thread_key),
        MessageSummary(uid=5001, subject="Brand new", date=2_000_000_100, message_id="<new@x>"),
    ])
    model.messages_added("acct", "INBOX", [5000, 5001])
    qtbot.waitUntil(lambda: model.rowCount() == len(expected) + 1, timeout=5000)
    qtbot.waitUntil(lambda: _subject(model, 1) == f"Re: late  ({selected.count + 1})", timeout=5000)
    assert _subject(model, 0) == "Brand new"
    assert not resets  # moved and inserted, never reset
    # The selection followed its conversation to the top.
    assert view.currentIndex().row() == 1
    assert view.selected_uids() == [*selected.uids, 5000]
    # The rows around where the person was are every other conversation, in order.
    _wait_loaded(qtbot, model, range(far - 5, far + 5))
    others = [thread for thread in expected if thread.thread_key != selected.thread_key]
    for row in range(far - 5, far + 5):
        assert model.index(row, 0).data(Roles.UID) == others[row - 2].latest.uid
    # A removal far down takes its row out, and the selection stays.
    gone = others[far]
    store.remove_messages("INBOX", list(gone.uids))
    model.messages_removed("acct", "INBOX", list(gone.uids))
    qtbot.waitUntil(lambda: model.rowCount() == len(expected), timeout=5000)
    assert view.currentIndex().row() == 1 and not resets
    assert model.index(far + 2, 0).data(Roles.UID) in (others[far + 1].latest.uid, None)
    reader.close()


def test_expanding_a_conversation_far_down_and_hiding_a_message_of_it(
        qtbot: Any, store: MailStore, loader: StoreLoader) -> None:
    expected = store.threads("INBOX", limit=10_000)
    row = max(row for row, thread in enumerate(expected) if thread.count > 2)
    thread = expected[row]
    model = ThreadListModel(loader=loader)
    reader = store.open_reader()
    with qtbot.waitSignal(model.folderLoaded, timeout=5000):
        model.set_folder(reader, "acct", "INBOX")
    model.set_expanded(row, True)  # read now, though the row was never painted
    assert model.rowCount() == len(expected) + thread.count
    assert [model.index(row + 1 + n, 0).data(Roles.UID) for n in range(thread.count)] == list(thread.uids)
    assert model.index_of(thread.uids[0]).row() == row + 1
    model.hide([thread.uids[0]])
    assert model.rowCount() == len(expected) + thread.count - 1
    assert model.uids_for(model.index(row, 0)) == list(thread.uids[1:])
    model.settle([thread.uids[0]])
    qtbot.waitUntil(lambda: model.rowCount() == len(expected) + thread.count, timeout=5000)
    model.set_expanded(row + 2, False)  # a member row collapses its conversation
    assert model.rowCount() == len(expected)
    assert model.canFetchMore(QModelIndex()) is False
    reader.close()


def test_flags_changed_far_down_read_that_conversation_again_not_the_list(
        qtbot: Any, store: MailStore, loader: StoreLoader) -> None:
    expected = store.threads("INBOX", limit=10_000)
    calls: list[tuple[str, int]] = []
    _recorded(loader, calls)
    model = ThreadListModel(loader=loader)
    reader = store.open_reader()
    with qtbot.waitSignal(model.folderLoaded, timeout=5000):
        model.set_folder(reader, "acct", "INBOX")
    row = next(row for row in range(len(expected) - 1, 0, -1) if expected[row].unread and expected[row].count > 1)
    thread = expected[row]
    _wait_loaded(qtbot, model, range(row, row + 1))
    model.set_expanded(row, True)
    assert model.index(row, 0).data(Roles.IS_UNREAD)
    calls.clear()
    store.change_flags("INBOX", list(thread.uids), add=["\\Seen"])
    model.messages_changed("acct", "INBOX", list(thread.uids))
    qtbot.waitUntil(lambda: not model.index(row, 0).data(Roles.IS_UNREAD), timeout=5000)
    qtbot.waitUntil(lambda: not any(model.index(row + 1 + n, 0).data(Roles.IS_UNREAD)
                                    for n in range(thread.count)), timeout=5000)
    assert ("keys", 0) not in calls  # the conversations' order cannot change: it is not read again
    assert model.rowCount() == len(expected) + thread.count
    reader.close()
