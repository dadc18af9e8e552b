"""The conversation list reads ahead (issue 15.3): scrolling down with the keyboard, the next window of
conversations is read before it is reached, so the rows scrolled onto are never placeholders for long; nothing is
reset under the person."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from connectors.store import MailStore
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


def test_paging_down_reads_the_next_conversations_before_the_end(qtbot: Any, store: MailStore) -> None:
    loader = StoreLoader()
    reader = store.open_reader()
    try:
        model = ThreadListModel(window=WINDOW, loader=loader)
        view = MessageListView()
        qtbot.addWidget(view)
        view.resize(900, 500)
        view.set_message_model(model)
        view.show()
        with qtbot.waitSignal(model.folderLoaded, timeout=5000):
            model.set_folder(reader, "acct", "INBOX")
        assert model.rowCount() > 2 * WINDOW and model.is_loaded(WINDOW - 1) and not model.is_loaded(WINDOW)
        resets: list[bool] = []
        model.modelReset.connect(lambda: resets.append(True))
        view.setFocus()
        view.setCurrentIndex(model.index(0, 0))
        # Page Down until three quarters of the first window are behind: the second window comes without
        # waiting for its first row to be painted.
        while view.currentIndex().row() < WINDOW * 3 // 4:
            QTest.keyClick(view, Qt.Key.Key_PageDown)
        reached = view.currentIndex().row()
        assert reached < WINDOW - 1
        qtbot.waitUntil(lambda: model.is_loaded(WINDOW) and model.is_loaded(2 * WINDOW - 1), timeout=5000)
        assert view.currentIndex().row() == reached and not resets  # the view stayed where the person was
        # Going on keeps reading ahead: each window is there before the rows of the one before run out.
        while view.currentIndex().row() < 2 * WINDOW - 1:
            QTest.keyClick(view, Qt.Key.Key_PageDown)
            row = view.currentIndex().row()
            if row % WINDOW >= WINDOW * 3 // 4 + 30:
                qtbot.waitUntil(lambda row=row: model.is_loaded(row - row % WINDOW + WINDOW), timeout=5000)
        assert model.is_loaded(2 * WINDOW) and not resets
        reader.close()
    finally:
        assert loader.stop()
