"""Facteur on real local servers with a realistic mailbox: for newcomers, screenshots and manual testing.

    scripts/with-test-session.sh python scripts/demo.py [--list-size 3000] [--screenshots docs/screenshots]

Starts the same servers the tests use (Dovecot with IMAP and LMTP, an SMTP server delivering into it, a
certificate authority of its own), all on 127.0.0.1, seeds a few hundred messages (conversations, an HTML
newsletter with remote images, attachments with non-ASCII names, a mailing-list folder of a few thousand),
writes two demo accounts (the second, a small work inbox, so that All Inboxes has two to show) into a
throwaway config folder with their passwords in the keyring, and launches Facteur.
Everything is deleted when Facteur closes. Mail sent to alice@example.test or bob@example.test arrives for real.

Like the tests, it runs as an ordinary user or as root (Dovecot then runs as the current user, or switches its
mail processes to nobody), inside a keyring session (scripts/with-test-session.sh gives it a private, unlocked
one).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

USERS = {"alice@example.test": "demo-password", "bob@example.test": "demo-password"}


def prepare_environment(base: Path) -> None:
    """Every file Facteur writes goes below ``base`` (set before Qt or platformdirs read these variables)."""
    for variable, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"),
                          ("XDG_STATE_HOME", "state")):
        os.environ[variable] = str(base / sub)
    if os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")  # Chromium refuses root with its sandbox on


def start_servers(base: Path, list_size: int) -> tuple[object, object]:
    from scripts.demo_mail import demo_mailbox, work_mailbox
    from tests.servers.ca import TestCA
    from tests.servers.dovecot import DovecotServer
    from tests.servers.smtp import SMTPServer

    ca = TestCA(base / "ca")
    dovecot = DovecotServer(base / "dovecot", ca, USERS)
    dovecot.start()
    smtp = SMTPServer(ca, USERS, lmtp_socket=dovecot.lmtp_socket)
    smtp.start()
    for user, box in (("alice@example.test", demo_mailbox(list_size=list_size)), ("bob@example.test", work_mailbox())):
        for folder, messages in box.folders.items():
            by_flags: dict[tuple[str, ...], list[bytes]] = defaultdict(list)
            for raw, flags in messages:
                by_flags[flags].append(raw)
            for flags, raws in by_flags.items():
                dovecot.seed(user, folder, raws, flags=flags)
    print(f"Dovecot: IMAPS on 127.0.0.1:{dovecot.imaps_port}; SMTP (STARTTLS) on 127.0.0.1:{smtp.port}")
    print("Sign-in: alice@example.test / demo-password (bob@example.test too)")
    return dovecot, smtp


def write_account(dovecot: object, smtp: object) -> None:
    from gui.accounts import Account, AccountStore, Identity, ServerSettings
    from gui.secrets import store_secret

    store = AccountStore()
    account = Account(
        email="alice@example.test", name="Alice (demo)", display_name="Alice Martin",
        imap=ServerSettings("127.0.0.1", dovecot.imaps_port, "ssl", "alice@example.test"),  # type: ignore[attr-defined]
        smtp=ServerSettings("127.0.0.1", smtp.port, "starttls", "alice@example.test"),  # type: ignore[attr-defined]
        identities=[Identity("Alice Martin", "alice@example.test", "-- \nAlice Martin")],
        ca_file=str(dovecot.ca.cert_path),  # type: ignore[attr-defined]
    )
    store.add(account)
    store_secret(account.id, "password", USERS["alice@example.test"])
    # A second account, so that All Inboxes has two to show.
    work = Account(
        email="bob@example.test", name="Work (demo)", display_name="Alice Martin",
        imap=ServerSettings("127.0.0.1", dovecot.imaps_port, "ssl", "bob@example.test"),  # type: ignore[attr-defined]
        smtp=ServerSettings("127.0.0.1", smtp.port, "starttls", "bob@example.test"),  # type: ignore[attr-defined]
        identities=[Identity("Alice Martin", "bob@example.test", "")],
        ca_file=str(dovecot.ca.cert_path),  # type: ignore[attr-defined]
    )
    store.add(work)
    store_secret(work.id, "password", USERS["bob@example.test"])


def take_screenshots(directory: Path) -> int:
    """Start Facteur, walk through the views a newcomer would, save PNGs of each, and quit."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gui.accounts import AccountStore
    from gui.app import create_application
    from gui.main_window import MainWindow
    from gui.models.roles import Roles

    app = create_application(sys.argv[:1])
    assert isinstance(app, QApplication)
    window = MainWindow(AccountStore(), app_icon=app.windowIcon())
    window.resize(1280, 800)
    window.show()
    window.start()
    directory.mkdir(parents=True, exist_ok=True)
    from gui.models.mailbox_tree import UNIFIED_ACCOUNT_ID

    # The first account written by write_account(); its store opens in the background after start().
    account_id = window.accounts.accounts[0].id

    def select_subject(fragment: str) -> bool:
        model = window.messages.model()
        for row in range(model.rowCount()):
            summary = model.index(row, 0).data(Roles.SUMMARY)
            if summary is not None and fragment in summary.subject:
                window.messages.setCurrentIndex(model.index(row, 0))
                window.messages.scrollTo(model.index(row, 0))
                return True
        return False

    def select_rows(first: int, last: int) -> None:
        """Several messages selected, as a shift-click selects them."""
        from PySide6.QtCore import QItemSelection, QItemSelectionModel

        model = window.messages.model()
        window.messages.setCurrentIndex(model.index(first, 0))
        selection = QItemSelection(model.index(first, 0), model.index(last, model.columnCount() - 1))
        window.messages.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def grab(name: str) -> None:
        path = directory / f"{name}.png"
        window.grab().save(str(path))
        print(f"saved {path}")

    steps: list[tuple[int, Callable[[], object]]] = [
        (0, lambda: window.tree.select_folder(account_id, "INBOX")),
        (800, lambda: select_subject("Nouveautés")),
        (4500, lambda: grab("main-window")),
        (0, lambda: select_subject("Thesis draft — chapter 3 (PDF")),
        (1500, lambda: grab("main-window-attachments")),
        (0, lambda: window.actions.threaded.setChecked(True)),
        (800, lambda: select_subject("Release 0.9")),
        (0, lambda: window.thread_model.set_expanded(window.messages.currentIndex().row(), True)),
        (300, lambda: window.messages.scrollTo(
            window.thread_model.index(window.messages.currentIndex().row() + 4, 0))),
        (1500, lambda: grab("main-window-conversations")),
        (0, lambda: window.actions.threaded.setChecked(False)),
        (0, lambda: window.tree.select_folder(account_id, "Lists/python-dev")),
        (1500, lambda: window.messages.setCurrentIndex(window.messages.model().index(3, 0))),
        (1500, lambda: grab("main-window-large-folder")),
        (0, lambda: window.tree.select_folder(account_id, "INBOX")),
        (800, lambda: select_subject("invoice")),
        (1500, lambda: window.actions.archive.trigger()),
        (1200, lambda: grab("main-window-undo")),
        (0, lambda: (window.undo_notice.dismiss(), select_rows(1, 4))),
        (1000, lambda: grab("main-window-bulk-actions")),
        (0, lambda: window.tree.select_folder(UNIFIED_ACCOUNT_ID, "inbox")),
        (1200, lambda: select_subject("Quarterly review")),
        (2000, lambda: grab("main-window-all-inboxes")),
        *spelling_steps(window, directory),
        (0, lambda: window.close()),
        (0, lambda: app.quit()),
    ]

    def run(index: int = 0) -> None:
        ready = window.sessions and not window.opening_accounts() and all(
            each.synced_once for each in window.sessions.values())
        if index == 0 and not ready:
            QTimer.singleShot(200, lambda: run(0))
            return
        delay, action = steps[index]
        action()
        if index + 1 < len(steps):
            QTimer.singleShot(steps[index + 1][0], lambda: run(index + 1))

    QTimer.singleShot(500, run)
    return int(app.exec())


def spelling_steps(window: Any, directory: Path) -> list[tuple[int, Callable[[], object]]]:
    """A composer with words the dictionary does not know and the menu a right-click on one of them opens."""
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QGuiApplication, QTextCursor

    held: dict[str, Any] = {}

    def write() -> None:
        composer = window.local.compose(to=["Bob Dupré <bob@example.test>"])
        composer.move(120, 60)
        composer.header.subject_field.setText("Notes from the meeting")
        composer.spelling_button.set_language("en_US")
        edit = composer.editor.text_edit
        cursor = QTextCursor(edit.document())
        cursor.insertText("Hi Bob,\n\nThank you for the meeting. The recieved figures look right; I will send the "
                          "revized plan tomorow.\nThe slides are on https://intranet.example.test/slidez.\n")
        edit.setFocus()
        held["composer"] = composer

    def open_menu() -> None:
        edit = held["composer"].editor.text_edit
        cursor = QTextCursor(edit.document())
        cursor.setPosition(edit.toPlainText().index("revized") + 3)
        point = edit.cursorRect(cursor).bottomLeft() + QPoint(0, 4)
        held["menu"] = menu = edit.context_menu(edit.cursorRect(cursor).center())
        menu.popup(edit.viewport().mapToGlobal(point))

    def grab_screen() -> None:
        composer = held["composer"]
        frame = composer.frameGeometry()
        screen = QGuiApplication.primaryScreen()
        path = directory / "composer-spelling.png"
        screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height()).save(str(path))
        print(f"saved {path}")

    def done() -> None:
        held["menu"].close()
        held["composer"].discard()

    return [(0, write), (1200, open_menu), (800, grab_screen), (0, done)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list-size", type=int, default=3000, help="messages in Lists/python-dev (default 3000)")
    parser.add_argument("--screenshots", type=Path, help="save main-window*.png there and quit")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (servers' mail, settings)")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="facteur-demo-"))
    prepare_environment(base)
    dovecot, smtp = start_servers(base, args.list_size)
    try:
        write_account(dovecot, smtp)
        if args.screenshots is not None:
            return take_screenshots(args.screenshots.resolve())
        from gui.app import main as facteur

        return facteur(sys.argv[:1])
    finally:
        smtp.stop()  # type: ignore[attr-defined]
        dovecot.close()  # type: ignore[attr-defined]
        if args.keep:
            print(f"Kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
