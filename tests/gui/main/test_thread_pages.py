"""The conversation list pages by keyset through the loader (issue 13.5): every conversation once, in order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex

from connectors.store import MailStore, MessageSummary
from gui.models.store_loader import StoreLoader
from gui.models.thread_list import ThreadListModel
from tests.connectors.store.sample_mail import realistic_summaries


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MailStore]:
    with MailStore(tmp_path / "store.sqlite3") as mail_store:
        mail_store.upsert_folders([((), "/", "INBOX")])
        mail_store.add_messages("INBOX", realistic_summaries(3000, seed=8))
        yield mail_store


class _Recording:
    """A reader that notes how each page was asked for (it runs in the loader's thread)."""

    def __init__(self, reader: Any, calls: list[dict[str, Any]]) -> None:
        self._reader, self._calls = reader, calls

    def threads(self, folder: str, offset: int = 0, limit: int = 200, **kwargs: Any) -> Any:
        self._calls.append({"offset": offset, **kwargs})
        return self._reader.threads(folder, offset, limit, **kwargs)


def _scroll_to_the_end(qtbot: Any, model: ThreadListModel) -> None:
    while model.canFetchMore(QModelIndex()) or model._reads.serial_reading:
        if model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        qtbot.waitUntil(lambda: not model._reads.serial_reading, timeout=5000)


def test_scrolling_to_the_end_lists_each_conversation_once_in_order(qtbot: Any, qtmodeltester: Any,
                                                                     store: MailStore) -> None:
    expected = [t.thread_key for t in store.threads("INBOX", limit=10_000)]
    calls: list[dict[str, Any]] = []
    loader = StoreLoader()
    try:
        model = ThreadListModel(page=128, loader=loader)
        reader = store.open_reader()
        original = loader.submit

        def recorded(path: Any, work: Any, deliver: Any) -> int:
            return original(path, lambda r: work(_Recording(r, calls)), deliver)

        loader.submit = recorded  # type: ignore[method-assign]
        with qtbot.waitSignal(model.folderLoaded, timeout=5000):
            model.set_folder(reader, "acct", "INBOX")
        _scroll_to_the_end(qtbot, model)
        assert [row.thread.key for row in model._rows] == expected
        assert len(calls) == -(-len(expected) // 128) + (len(expected) % 128 == 0)
        assert all(call["offset"] == 0 for call in calls)  # never an offset walk
        assert calls[0].get("after") is None and all(call["after"] is not None for call in calls[1:])
        qtmodeltester.check(model)

        # A reply to the oldest conversation brings it to the top; the list is re-read from the top and what
        # follows it is still every conversation once.
        oldest = store.threads("INBOX", limit=10_000)[-1]
        store.add_messages("INBOX", [MessageSummary(uid=5000, subject="Re: late", date=2_000_000_000,
                                                    message_id="<late@x>", gm_thrid=oldest.thread_key)])
        model.messages_added("acct", "INBOX", [5000])
        qtbot.waitUntil(lambda: model._rows[0].thread.key == oldest.thread_key, timeout=5000)
        _scroll_to_the_end(qtbot, model)
        assert [row.thread.key for row in model._rows] == [oldest.thread_key] + expected[:-1]
        reader.close()
    finally:
        assert loader.stop()
