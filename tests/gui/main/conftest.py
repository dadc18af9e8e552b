"""Main window fixtures: alice's account on the test Dovecot (password in the real keyring), and a window whose
stores, settings and Local Folders all live in tmp_path."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# The reader's web view runs Chromium, which refuses to start as root with its sandbox on; and the web engine must
# be loaded, with shared OpenGL contexts, before pytest-qt creates the QApplication.
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
from PySide6.QtCore import QCoreApplication, Qt  # noqa: E402

QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
import PySide6.QtWebEngineWidgets  # noqa: E402, F401

from gui.views.html_view import register_message_scheme  # noqa: E402

register_message_scheme()  # before pytest-qt creates the QApplication, as gui.app does

from connectors.outbox import DraftStore, Outbox  # noqa: E402
from connectors.store import MailStore  # noqa: E402
from gui.accounts import Account, AccountStore, Identity, ServerSettings  # noqa: E402
from gui.secrets import KeyringCredentials, delete_secrets, store_secret  # noqa: E402
from gui.settings import UiSettings  # noqa: E402
from gui.workers.account_session import AccountSession  # noqa: E402
from gui.workers.store_relay import StoreEventRelay  # noqa: E402
from tests.conftest import ALICE, USERS  # noqa: E402


def alice_account(dovecot: Any, smtp_port: int, ca: Any) -> Account:
    return Account(
        email=ALICE, display_name="Alice", name="Alice",
        imap=ServerSettings("127.0.0.1", dovecot.imaps_port, "ssl", ALICE),
        smtp=ServerSettings("127.0.0.1", smtp_port, "starttls", ALICE),
        identities=[Identity("Alice Exemple", ALICE, "")],
        ca_file=str(ca.cert_path),
    )


@pytest.fixture
def account_store(tmp_path: Path, dovecot: Any, smtp_server: Any, ca: Any, accounts: Any) -> Iterator[AccountStore]:
    store = AccountStore(tmp_path / "accounts.json")
    account = alice_account(dovecot, smtp_server.port, ca)
    store.add(account)
    store_secret(account.id, "password", USERS[ALICE])
    yield store
    delete_secrets(account.id)


@pytest.fixture
def ui_settings(tmp_path: Path) -> UiSettings:
    return UiSettings(tmp_path / "ui.ini")


WindowFactory = Callable[..., Any]


@pytest.fixture
def make_window(tmp_path: Path, qtbot: Any, account_store: AccountStore, ui_settings: UiSettings
                ) -> Iterator[WindowFactory]:
    """Main windows on tmp_path: ``make_window(start=True, push=True)``; each is closed after the test."""
    from gui.composer import Postbox
    from gui.main_window import MainWindow

    made: list[Any] = []

    def make(*, start: bool = True, push: bool = True, settings: UiSettings | None = None) -> Any:
        def session(account: Account, relay: StoreEventRelay) -> AccountSession:
            store = MailStore(tmp_path / "stores" / account.id / "store.sqlite3")
            return AccountSession(account, relay, store=store, credentials=KeyringCredentials(account), push=push)

        local = tmp_path / "Local Folders"
        postbox = Postbox(account_store, outbox=Outbox(local / "outbox.sqlite3"),
                          drafts=DraftStore(local / "drafts.sqlite3"),
                          store_path=lambda account: tmp_path / "stores" / account.id / "store.sqlite3")
        window = MainWindow(account_store, settings=settings or ui_settings, session_factory=session,
                            postbox=postbox)
        qtbot.addWidget(window)
        made.append(window)
        window.show()
        if start:
            window.start()
        return window

    yield make
    for window in made:
        if window.sessions:
            window.close()


def wait_stores_open(qtbot: Any, window: Any) -> None:
    """Wait until every account's store is open (or found unusable): sessions open theirs off the GUI thread."""
    qtbot.waitUntil(lambda: not window.opening_accounts(), timeout=15_000)


def tree_index(window: Any, folder: str) -> Any:
    account_id = window.accounts.accounts[0].id
    return window.tree_model.folder_index(account_id, folder)


def unread_count(window: Any, folder: str) -> int | None:
    from gui.models.roles import Roles

    index = tree_index(window, folder)
    return index.data(Roles.UNREAD_COUNT) if index.isValid() else None


_XDG = {"XDG_DATA_HOME": "data", "XDG_CONFIG_HOME": "config", "XDG_CACHE_HOME": "cache", "XDG_STATE_HOME": "state"}


@pytest.fixture
def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Facteur's default locations (platformdirs and QSettings) pointed at a fresh home under tmp_path."""
    from PySide6.QtCore import QSettings

    home = tmp_path / "home"
    for variable, name in _XDG.items():
        monkeypatch.setenv(variable, str(home / name))
    formats = (QSettings.Format.IniFormat, QSettings.Format.NativeFormat)
    before = {fmt: QSettings(fmt, QSettings.Scope.UserScope, "x", "y").fileName() for fmt in formats}
    for fmt in formats:
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(home / "config"))
    yield home
    for fmt in formats:  # Qt keeps the path for the process: give the next tests theirs back
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(Path(before[fmt]).parent.parent))


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the sessions open the account's store by themselves (as the app does), inside tmp_path."""
    from gui.workers import account_session

    path = tmp_path / "stores" / "alice" / "store.sqlite3"
    path.parent.mkdir(parents=True)
    monkeypatch.setattr(account_session, "default_store_path", lambda _account_id: path)
    return path


@pytest.fixture
def window_on_disk(tmp_path: Path, qtbot: Any, account_store: AccountStore, ui_settings: UiSettings,
                   store_path: Path) -> Iterator[Callable[[], Any]]:
    """Makes windows that open their files by themselves, as the app does: the account's store at ``store_path``,
    Local Folders in tmp_path (damaged files there are salvaged, as at start-up)."""
    from gui.composer import Postbox
    from gui.main_window import MainWindow

    made: list[MainWindow] = []

    def session(account: Account, relay: StoreEventRelay) -> AccountSession:
        return AccountSession(account, relay, credentials=KeyringCredentials(account), push=False)

    def make() -> MainWindow:
        postbox = Postbox(account_store, local_folders=tmp_path / "Local Folders",
                          store_path=lambda _account: store_path)
        win = MainWindow(account_store, settings=ui_settings, session_factory=session, postbox=postbox)
        qtbot.addWidget(win)
        made.append(win)
        return win

    yield make
    for win in made:
        win.close()


@pytest.fixture
def english(qapp: Any) -> Iterator[None]:
    """Facteur in English with its catalogue: the plural forms ("1 message", "3 messages", not "message(s)")."""
    from gui.i18n import install_translations, remove_translations

    install_translations(qapp, "en")
    yield
    remove_translations(qapp)
