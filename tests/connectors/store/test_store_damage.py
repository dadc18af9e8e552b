"""A damaged or full store: found at open (quick_check) or in use (SQLite's corruption errors), put aside and
rebuilt empty for the server to refill; a full disk fails the write cleanly and loses nothing committed."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from connectors import create_connector
from connectors.messaging.imap import IMAPConnector
from connectors.store import MailStore, StoreCorruptError, StoreError, open_store
from connectors.store.errors import damage_marker
from connectors.sync import SyncEngine
from tests.conftest import ALICE, make_message
from tests.connectors.store.sample_mail import realistic_summaries
from tests.servers.dovecot import DovecotServer

PAGE = 4096


def _filled_store(path: Path, count: int = 2000) -> None:
    with MailStore(path) as store:
        store.upsert_folders([((b"\\HasNoChildren",), b"/", "INBOX")])
        store.add_messages("INBOX", list(realistic_summaries(count)))
        for uid in range(1, 200):
            store.store_body("INBOX", uid, make_message(f"Budget {uid}", body="quarterly budget figures"))


def _damage_pages(path: Path, first: int, count: int) -> None:
    """Overwrite whole pages in the middle of the file, as a bad sector or a torn write would."""
    with path.open("r+b") as file:
        file.seek(first * PAGE)
        file.write(b"\xa5" * PAGE * count)


def test_a_file_that_is_not_a_database_is_put_aside(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    path.write_bytes(b"this is not SQLite at all\n" * 400)
    with pytest.raises(StoreCorruptError):
        MailStore(path)
    opened = open_store(path)
    try:
        assert opened.moved_aside is not None and opened.moved_aside.read_bytes().startswith(b"this is not SQLite")
        assert opened.store.folders() == []  # empty: the next sync fills it from the server
        opened.store.upsert_folders([((), b"/", "INBOX")])
    finally:
        opened.store.close()
    assert not damage_marker(path).exists()
    reopened = open_store(path)
    assert reopened.moved_aside is None and [f.name for f in reopened.store.folders()] == ["INBOX"]
    reopened.store.close()


def test_damage_inside_the_file_is_found_at_open(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    _filled_store(path)
    pages = path.stat().st_size // PAGE
    _damage_pages(path, pages // 2, 3)
    with pytest.raises(StoreCorruptError) as caught:
        MailStore(path)
    assert caught.value.path == path
    damage_marker(path).unlink(missing_ok=True)
    with MailStore(path, check=False) as unchecked:  # the check can be left to a worker thread...
        with pytest.raises(StoreCorruptError):
            unchecked.check_integrity()
    assert damage_marker(path).exists(), "...which marks the store for the next open"
    opened = open_store(path)
    try:
        assert opened.moved_aside is not None and opened.moved_aside.stat().st_size == pages * PAGE
        assert opened.store.folders() == []
        opened.store.upsert_folders([((), b"/", "INBOX")])  # and it works
    finally:
        opened.store.close()
    assert list(tmp_path.glob("store.sqlite3.damaged-*")) == [opened.moved_aside]


def _damage_search_index(path: Path) -> None:
    """Garble the full-text index's blocks with plain SQL: the file stays structurally sound (quick_check says ok),
    but searching reads nonsense, which SQLite reports as a malformed database."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("UPDATE message_fts_data SET block = randomblob(length(block)) WHERE id > 10")
        conn.commit()
    finally:
        conn.close()


def test_damage_found_in_use_marks_the_store_and_the_next_open_rebuilds_it(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    _filled_store(path)
    _damage_search_index(path)
    with MailStore(path) as store:  # quick_check cannot see inside the index: the store opens
        assert store.count("INBOX") == 2000
        with pytest.raises(StoreCorruptError):
            store.search("budget")
    assert damage_marker(path).exists()
    opened = open_store(path)
    try:
        assert opened.moved_aside is not None
        assert opened.store.folders() == []
    finally:
        opened.store.close()


def test_a_reader_that_finds_damage_marks_the_store_too(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    _filled_store(path)
    _damage_search_index(path)
    with MailStore(path) as store, store.open_reader() as reader, pytest.raises(StoreCorruptError):
        reader.search("budget")
    assert damage_marker(path).exists()


def _connector(imap_config: dict[str, Any]) -> Callable[[], IMAPConnector]:
    def connect() -> IMAPConnector:
        imap: IMAPConnector = create_connector("imap", imap_config)
        imap.connect()
        return imap

    return connect


def test_a_full_disk_fails_the_sync_cleanly_and_it_resumes_exactly(dovecot: DovecotServer, tmp_path: Path,
                                                                   imap_config: dict[str, Any]) -> None:
    dovecot.seed(ALICE, "Full", [make_message(f"Full {i}", body=f"Body {i}") for i in range(1500)])
    path = tmp_path / "store.sqlite3"
    with MailStore(path) as store:
        engine = SyncEngine(store, _connector(imap_config), header_batch=250)
        engine.sync_folder_list()
        used = store._conn.execute("PRAGMA page_count").fetchone()[0]
        # SQLite's own limit on this connection stands in for a full disk (SQLITE_FULL), without mounting one.
        store._conn.execute(f"PRAGMA max_page_count = {used + 40}")
        with pytest.raises(StoreError) as caught:
            engine.sync_folder("Full")
        assert not isinstance(caught.value, StoreCorruptError)
        assert "full" in str(caught.value)
        kept = store.uids("Full")
        assert 0 < len(kept) < 1500 and store.count("Full") == len(kept)
        assert store._conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        store._conn.execute("PRAGMA max_page_count = 1073741823")  # room again
        engine.sync_folder("Full")
        engine.close()
        assert store.uids("Full") == list(range(1, 1501)) and store.count("Full") == 1500
    assert not damage_marker(path).exists()
    opened = open_store(path)
    assert opened.moved_aside is None
    opened.store.close()
