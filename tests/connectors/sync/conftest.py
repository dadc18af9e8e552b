"""Fixtures shared by the sync engine's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.store import MailStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MailStore]:
    """A fresh, empty mail store for one test."""
    with MailStore(tmp_path / "store.sqlite3") as mail_store:
        yield mail_store
