"""The test suite's fixtures (real Dovecot, SMTP, keyring, windows), for the timing targets that are measured here
rather than asserted in tests: a wall-clock limit in a test fails on a loaded 2-core CI machine.

Run with ``make bench-timings`` (or ``scripts/with-test-session.sh .venv/bin/python -m pytest -p no:cacheprovider
bench/timings``). Each measurement prints a line and a table is printed at the end; a missed target fails its test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.store import MailStore
from tests.conftest import *  # noqa: F403  (ca, google_oauth, dovecot, smtp_server, accounts, imap_config, ...)
from tests.gui.main.conftest import *  # noqa: F403  (account_store, ui_settings, make_window)

_RESULTS: list[tuple[str, str, str, bool]] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--stall-sync-count", default="10000",
                     help="messages in the first sync the GUI stall probe watches (the issue's target: 100000)")
    parser.addoption("--startup-store-count", default="100000",
                     help="messages in the store the start-up stall probe opens (and upgrades)")
    parser.addoption("--stall-sample", action="store_true",
                     help="print the GUI thread's Python stacks sampled during the probe's longest stalls")


@pytest.fixture
def stall_sample(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--stall-sample"))


class Timings:
    def __init__(self) -> None:
        self.missed: list[str] = []

    def record(self, measure: str, seconds: float, target: float) -> None:
        _RESULTS.append((measure, f"{seconds * 1000:.1f} ms", f"< {target * 1000:.0f} ms", seconds < target))
        if seconds >= target:
            self.missed.append(f"{measure}: {seconds * 1000:.1f} ms, target < {target * 1000:.0f} ms")


@pytest.fixture
def timings() -> Iterator[Timings]:
    """Records measurements; the test fails at its end if any missed its target (the others are still taken)."""
    recorder = Timings()
    yield recorder
    assert not recorder.missed, recorder.missed


@pytest.fixture(scope="session")
def smtp_server(ca: Any, dovecot: Any) -> Iterator[Any]:
    """The tests' SMTP server, in a process of its own here (see bench/timings/smtp_process.py): in this process it
    held the interpreter lock the GUI thread waits for, and the stall probe measured it instead of Facteur."""
    from bench.timings.smtp_process import SMTPProcess
    from tests.conftest import USERS

    server = SMTPProcess(ca, USERS, lmtp_socket=dovecot.lmtp_socket)
    yield server
    server.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[MailStore]:
    with MailStore(tmp_path / "store.sqlite3") as mail_store:
        mail_store.upsert_folders([((b"\\HasNoChildren",), "/", "INBOX"), ((b"\\Sent",), "/", "Sent")])
        yield mail_store


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _RESULTS:
        return
    width = max(len(row[0]) for row in _RESULTS)
    terminalreporter.write_sep("=", "timings")
    terminalreporter.write_line(f"{'measure':<{width}}  {'measured':>10}  {'target':>10}")
    for measure, measured, target, met in _RESULTS:
        terminalreporter.write_line(f"{measure:<{width}}  {measured:>10}  {target:>10}  {'met' if met else 'MISSED'}")
