"""Fixtures for the Outbox tests: a clock the test moves, and an Outbox on a file in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.outbox import Outbox, RetryPolicy
from tests.connectors.outbox.fake_clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def outbox_path(tmp_path: Path) -> Path:
    return tmp_path / "Local Folders" / "outbox.sqlite3"


@pytest.fixture
def outbox(outbox_path: Path, clock: FakeClock) -> Iterator[Outbox]:
    with Outbox(outbox_path, clock=clock, retry=RetryPolicy(first=10, factor=2, longest=60)) as box:
        yield box
