"""Removing an account lets go of its store: no SQLite handle stays open on files that are about to be deleted
(on Windows they could not be deleted at all)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.gui.main.test_main_window import open_inbox, seed_inbox


def _open_files_under(folder: Path) -> list[str]:
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.append(target)
    return found


def test_removing_an_account_closes_every_handle_on_its_store(make_window: Any, dovecot: Any, qtbot: Any,
                                                              tmp_path: Path) -> None:
    seed_inbox(dovecot)
    window = make_window()
    open_inbox(window, qtbot)
    qtbot.waitUntil(lambda: window.messages.model().rowCount() == 3, timeout=10000)  # read through the loader
    account_id = window.accounts.accounts[0].id
    stores = tmp_path / "stores" / account_id
    assert _open_files_under(stores)
    window.remove_account(account_id)
    qtbot.waitUntil(lambda: not _open_files_under(stores), timeout=5000)
