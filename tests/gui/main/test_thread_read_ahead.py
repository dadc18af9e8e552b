"""The conversation list reads its next page ahead (issue 15.3): scrolling down with the keyboard, the next 200
conversations are there before the last loaded one is reached, added below without resetting the view."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from connectors.store import MailStore
from gui.models.store_loader import StoreLoader
from gui.models.thread_list import PAGE, ThreadListModel
from gui.views.message_list_view import MessageListView
from tests.connectors.store.sample_mail import realistic_summaries


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MailStore]:
    with MailStore(tmp_path / "store.sqlite3") as mail_store:
        mail_store.upsert_folders([((), "/", "INBOX")])
        mail_store.add_messages("INBOX", realistic_summaries(3000, seed=8))
        yield mail_store


def test_paging_down_reads_the_next_conversations_before_the_end(qtbot: Any, store: MailStore) -> None:
    loader = StoreLoader()
    reader = store.open_reader()
    try:
        model = ThreadListModel(page=PAGE, loader=loader)
        view = MessageListView()
        qtbot.addWidget(view)
        view.resize(900, 500)
        view.set_message_model(model)
        view.show()
        with qtbot.waitSignal(model.folderLoaded, timeout=5000):
            model.set_folder(reader, "acct", "INBOX")
        assert model.rowCount() == PAGE
        resets: list[bool] = []
        model.modelReset.connect(lambda: resets.append(True))
        view.setFocus()
        view.setCurrentIndex(model.index(0, 0))
        # Page Down until three quarters of the first page are behind: the second page comes without waiting
        # for the end.
        while view.currentIndex().row() < PAGE * 3 // 4:
            QTest.keyClick(view, Qt.Key.Key_PageDown)
        reached = view.currentIndex().row()
        assert reached < PAGE - 1
        qtbot.waitUntil(lambda: model.rowCount() > PAGE, timeout=5000)
        assert view.currentIndex().row() == reached and not resets  # the view stayed where the person was
        # Going on to the end of what is loaded keeps reading ahead: the list never stops at a page's end.
        while view.currentIndex().row() < 2 * PAGE - 1:
            QTest.keyClick(view, Qt.Key.Key_PageDown)
            qtbot.waitUntil(lambda: model.rowCount() > view.currentIndex().row() + 1, timeout=5000)
        assert model.rowCount() >= 2 * PAGE and not resets
        reader.close()
    finally:
        assert loader.stop()
