"""Fixtures shared by every test: real servers on 127.0.0.1, started once per run, and clean accounts per test."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Qt must never look for a display in tests, and must know before any QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The application's files (settings, stores) go to a throwaway place, never the developer's own.
_HOME = tempfile.mkdtemp(prefix="facteur-test-home-")
for _var, _sub in (("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
    os.environ[_var] = os.path.join(_HOME, _sub)
os.environ.setdefault("XDG_DATA_HOME", os.path.join(_HOME, "data"))

import pytest  # noqa: E402

from tests.servers.ca import TestCA  # noqa: E402
from tests.servers.dovecot import DovecotServer  # noqa: E402
from tests.servers.smtp import SMTPServer  # noqa: E402

# In CI (CI=true), a test skipped because a tool is missing is a failure: scripts/install-system-deps.sh must
# install what every test needs, or the skip hides an untested part. Other skips (a platform, a feature not there
# yet) stay skips.
_MISSING_TOOL = re.compile(r"not installed|not found|no \S+ in the checkout|is missing", re.IGNORECASE)


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    return str(longrepr[2]) if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    if os.environ.get("CI", "").lower() not in ("1", "true", "yes"):
        return
    reason = _skip_reason(report)
    if _MISSING_TOOL.search(reason):
        report.outcome = "failed"
        report.longrepr = (f"skipped in CI for a missing tool: {reason}\n"
                           "(scripts/install-system-deps.sh or the project's extras must install it)")


# pytest-timeout's thread method needs the interpreter lock to fire. A deadlock in which one thread holds it while
# waiting on a Qt lock another thread holds (while that one waits for the interpreter lock) never lets it run: CI then
# sat silent until its own limit. faulthandler's watchdog is a C thread that needs no lock: shortly after the test's
# own timeout it prints every thread's Python stack and ends the run with a failure.
_WATCHDOG_GRACE_S = 60


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    import faulthandler

    from _pytest.faulthandler import fault_handler_stderr_fd_key  # the terminal's stderr, not the captured one

    marker = item.get_closest_marker("timeout")
    timeout = float(marker.args[0]) if marker is not None and marker.args else float(
        item.config.getini("timeout") or 0)
    if timeout > 0:
        faulthandler.dump_traceback_later(timeout + _WATCHDOG_GRACE_S, exit=True,
                                        file=item.config.stash[fault_handler_stderr_fd_key])
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After every test that used Qt: no object the application holds has both a parent and a Python owner (see
    :mod:`tests.gui.ownership`: such an object is freed twice, a crash at some later garbage collection)."""
    result = yield
    import sys

    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is not None:
            from tests.gui.ownership import python_owned_children

            owned = python_owned_children([app, *QApplication.topLevelWidgets()])
            assert not owned, f"Qt objects owned by both their parent and Python: {owned}"
    return result


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Delete what the tests left of Qt while the application still runs, as Facteur does when it quits.

    Windows that tests closed but did not delete, and the pages they retired with ``deleteLater()``, would otherwise
    be destroyed while the interpreter and the QApplication are torn down. Qt WebEngine does not survive that (a
    profile released while a page still lives, then a segfault in its render widgets' destructors), and the run's
    exit status becomes a crash after every test passed."""
    import sys

    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    for widget in QApplication.topLevelWidgets():
        widget.deleteLater()  # not closed again: their tests closed them (and stopped their workers) already
    for _ in range(3):  # a deletion can post more (a page's own parts, a profile after its pages)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()


@pytest.fixture(scope="session")
def qapp(qapp: Any) -> Any:
    """pytest-qt's application, collecting reference cycles on the GUI thread only, as Facteur's own does."""
    from gui.collector import collect_on_gui_thread

    collect_on_gui_thread(qapp)
    return qapp


# Passwords with a space and punctuation, to prove they are quoted correctly on the wire.
USERS = {
    "alice@example.test": "Alice's s3cret pass!",
    "bob@example.test": "b0b-Pa55",
    "carol@example.test": "cårol mot de passe ✓",  # non-ASCII: must travel as UTF-8
}
ALICE, BOB, CAROL = USERS


@pytest.fixture(scope="session")
def ca(tmp_path_factory: pytest.TempPathFactory) -> TestCA:
    return TestCA(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="session")
def google_oauth(ca: TestCA) -> Iterator[Any]:
    from tests.servers.google_oauth import FakeGoogleOAuth

    server = FakeGoogleOAuth(ca)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def dovecot(tmp_path_factory: pytest.TempPathFactory, ca: TestCA, google_oauth: Any) -> Iterator[DovecotServer]:
    server = DovecotServer(tmp_path_factory.mktemp("dovecot"), ca, USERS,
                           introspection_url=google_oauth.introspection_url)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def smtp_server(ca: TestCA, dovecot: DovecotServer, google_oauth: Any) -> Iterator[SMTPServer]:
    def validate(user: str, token: str) -> bool:
        return bool(google_oauth.token_owner(token) == user)

    server = SMTPServer(ca, USERS, lmtp_socket=dovecot.lmtp_socket, xoauth2_validator=validate)
    server.start()
    yield server
    server.stop()


def empty_mailboxes(server: DovecotServer, user: str) -> None:
    """Leave the account as new: default folders only, all empty."""
    client = server.client(user)
    try:
        defaults = {"INBOX", "Drafts", "Sent", "Trash", "Junk", "Archive"}
        for _flags, _delim, name in sorted(client.list_folders(), key=lambda f: -len(f[2])):
            if name not in defaults:
                client.delete_folder(name)
        for name in defaults:
            client.select_folder(name)
            uids = client.search(["ALL"])
            if uids:
                client.delete_messages(uids)
                client.expunge()
            client.close_folder()
    finally:
        client.logout()


@pytest.fixture
def accounts(dovecot: DovecotServer) -> dict[str, str]:
    """The test users with empty mailboxes."""
    for user in USERS:
        empty_mailboxes(dovecot, user)
    return dict(USERS)


@pytest.fixture
def imap_config(dovecot: DovecotServer, ca: TestCA, accounts: dict[str, str]) -> dict[str, Any]:
    """The guide's IMAP config dict for alice, pointing at the test Dovecot (implicit TLS)."""
    return {"host": "127.0.0.1", "port": dovecot.imaps_port, "username": ALICE, "password": USERS[ALICE],
            "use_ssl": True, "ca_file": str(ca.cert_path), "timeout": 10}


@pytest.fixture
def smtp_config(smtp_server: SMTPServer, ca: TestCA, accounts: dict[str, str]) -> dict[str, Any]:
    """The guide's SMTP config dict for alice (STARTTLS)."""
    return {"host": "127.0.0.1", "port": smtp_server.port, "username": ALICE, "password": USERS[ALICE],
            "use_tls": True, "ca_file": str(ca.cert_path), "timeout": 10}


def make_message(subject: str, *, sender: str = "sender@example.test", to: str = ALICE, body: str = "Hello",
                 extra_headers: str = "", date: str = "Tue, 24 Nov 2026 10:00:00 +0000") -> bytes:
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\n"
        f"Message-ID: <{abs(hash((subject, body, date)))}@example.test>\r\n{extra_headers}"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


@pytest.fixture
def tmp_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def microsoft_identity(ca: TestCA) -> Iterator[Any]:
    """login.microsoftonline.com's v2.0 endpoints on loopback (tests/servers/microsoft_oauth.py)."""
    from tests.servers.microsoft_oauth import FakeMicrosoftIdentity

    server = FakeMicrosoftIdentity(ca)
    server.start()
    yield server
    server.stop()


OUTLOOK_USER = "alice@outlook.com"
OUTLOOK_USERS = {OUTLOOK_USER: "outlook-password-unused"}


@pytest.fixture(scope="session")
def outlook_dovecot(tmp_path_factory: pytest.TempPathFactory, ca: TestCA,
                    microsoft_identity: Any) -> Iterator[DovecotServer]:
    """Dovecot standing in for outlook.office365.com: XOAUTH2 checked against the Microsoft emulator."""
    server = DovecotServer(tmp_path_factory.mktemp("outlook-dovecot"), ca, OUTLOOK_USERS,
                           introspection_url=microsoft_identity.introspection_url)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def outlook_smtp(ca: TestCA, outlook_dovecot: DovecotServer, microsoft_identity: Any) -> Iterator[SMTPServer]:
    """aiosmtpd standing in for smtp.office365.com: XOAUTH2 tokens checked against the Microsoft emulator."""
    def validate(user: str, token: str) -> bool:
        return bool(microsoft_identity.token_owner(token) == user)

    server = SMTPServer(ca, OUTLOOK_USERS, lmtp_socket=outlook_dovecot.lmtp_socket, xoauth2_validator=validate)
    server.start()
    yield server
    server.stop()
