"""Search on the server: under the local results of a search, a button runs it on the IMAP server through the
account's worker, and what the server finds joins the results."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt

from connectors.sync import SyncEngine
from tests.conftest import ALICE, make_message
from tests.gui.main.test_main_window import open_inbox, row_of_subject


def test_search_on_the_server_adds_what_only_the_server_finds(make_window: Any, dovecot: Any, qtbot: Any,
                                                              monkeypatch: Any) -> None:
    dovecot.seed(ALICE, "INBOX", [
        make_message("Trip", sender="carol@example.test", body="The ferry to Zanzibar leaves at nine.",
                     date="Tue, 24 Nov 2026 10:00:00 +0000"),
        make_message("Zanzibar photos", sender="bob@example.test", body="Attached.",
                     date="Tue, 24 Nov 2026 11:00:00 +0000"),
        make_message("Lunch", body="Soup?", date="Tue, 24 Nov 2026 12:00:00 +0000"),
    ])
    threads: list[threading.Thread] = []
    original = SyncEngine.search_server_for

    def recorded(engine: SyncEngine, *args: Any, **kwargs: Any) -> list[int]:
        threads.append(threading.current_thread())
        return original(engine, *args, **kwargs)

    monkeypatch.setattr(SyncEngine, "search_server_for", recorded)
    window = make_window()
    open_inbox(window, qtbot)
    qtbot.waitUntil(lambda: window.messages.model().rowCount() == 3, timeout=10000)
    bar = window.server_search.bar
    assert not bar.isVisible()  # no search, nothing to offer

    window.search_field.setText("zanzibar")
    window.search_field.returnPressed.emit()
    # The local search sees the subject, not the body that was never downloaded.
    qtbot.waitUntil(lambda: window.messages.model().rowCount() == 1, timeout=5000)
    qtbot.waitUntil(lambda: row_of_subject(window, "Zanzibar photos") == 0, timeout=5000)  # read when painted
    assert bar.isVisible() and bar.button.isVisible() and bar.button.isEnabled()

    qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
    assert not bar.button.isEnabled()  # searching
    qtbot.waitUntil(lambda: row_of_subject(window, "Trip") is not None, timeout=10000)
    assert window.messages.model().rowCount() == 2
    assert "1" in bar.label.text() and not bar.button.isVisible()
    assert threads and threads[0] is not threading.main_thread()  # the account worker's thread, not the GUI's

    # Sorting again keeps what the server found, until the next search.
    window.list_model.set_sort("subject", False)
    qtbot.waitUntil(lambda: row_of_subject(window, "Trip") == 0, timeout=5000)
    assert window.messages.model().rowCount() == 2

    window.search_field.setText("soup")
    window.search_field.returnPressed.emit()
    qtbot.waitUntil(lambda: row_of_subject(window, "Trip") is None, timeout=5000)
    assert bar.isVisible() and bar.button.isEnabled()  # offered again, for the new search

    window.search_field.setText("")
    window.search_field.returnPressed.emit()
    qtbot.waitUntil(lambda: window.messages.model().rowCount() == 3, timeout=5000)
    assert not bar.isVisible()


def test_a_server_search_answered_after_the_search_changed_is_dropped(make_window: Any, dovecot: Any,
                                                                      qtbot: Any, monkeypatch: Any) -> None:
    dovecot.seed(ALICE, "INBOX", [make_message("Trip", body="Zanzibar"), make_message("Lunch", body="Soup")])
    window = make_window()
    open_inbox(window, qtbot)
    qtbot.waitUntil(lambda: window.messages.model().rowCount() == 2, timeout=10000)
    session = next(iter(window.sessions.values()))
    ended: list[Any] = []
    original = session.search_server

    def watched(folder: str, query: str) -> Any:
        operation = original(folder, query)
        operation.done.connect(lambda: ended.append(operation))
        return operation

    monkeypatch.setattr(session, "search_server", watched)
    window.search_field.setText("zanzibar")
    window.search_field.returnPressed.emit()
    qtbot.waitUntil(lambda: window.list_model.search_query == "zanzibar", timeout=5000)
    qtbot.mouseClick(window.server_search.bar.button, Qt.MouseButton.LeftButton)
    window.search_field.setText("lunch")  # before the server answers
    window.search_field.returnPressed.emit()
    qtbot.waitUntil(lambda: bool(ended), timeout=10000)
    qtbot.waitUntil(lambda: row_of_subject(window, "Lunch") == 0, timeout=5000)
    assert window.messages.model().rowCount() == 1  # "Trip" from the old search did not join "lunch"
    assert window.server_search.bar.button.isEnabled()
