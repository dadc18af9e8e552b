"""Fixtures for the mail store tests: a store in tmp_path with INBOX and Sent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.store import MailStore, StoreEvent


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MailStore]:
    with MailStore(tmp_path / "store.sqlite3") as mail_store:
        mail_store.upsert_folders([((b"\\HasNoChildren",), "/", "INBOX"), ((b"\\Sent",), "/", "Sent")])
        yield mail_store


@pytest.fixture
def events(store: MailStore) -> list[StoreEvent]:
    """Every event ``store`` emits from now on."""
    received: list[StoreEvent] = []
    store.subscribe(received.append)
    return received
