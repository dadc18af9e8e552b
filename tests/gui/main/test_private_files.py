"""Private files: after a realistic run (sync, a sent message, a draft, a trusted certificate, a Google client,
settings), every folder Facteur keeps is 0700 and every file in it 0600 — stores with their -wal/-shm included.
Run on the default locations (platformdirs and QSettings), pointed at a fresh home for this test."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from connectors.outbox import Outbox
from gui.accounts import AccountStore
from gui.cert_trust import fetch_presented_chain, trust_certificates
from gui.oauth_client import remember_client
from gui.private_paths import app_folders, make_private
from gui.secrets import delete_secrets, store_secret
from gui.settings import UiSettings
from tests.conftest import ALICE, BOB, USERS
from tests.gui.main.conftest import alice_account


def _not_private(home: Path) -> list[str]:
    """Facteur's folders and everything in them that is not 0700 (folders) or 0600 (files)."""
    wrong = []
    for root in app_folders():
        if not root.exists():
            continue
        for path in [root, *root.rglob("*")]:
            mode = path.lstat().st_mode
            expected = 0o700 if stat.S_ISDIR(mode) else 0o600
            if stat.S_IMODE(mode) != expected:
                wrong.append(f"{oct(stat.S_IMODE(mode))} {path.relative_to(home)}")
    return wrong


def test_every_file_is_private_after_a_realistic_run(fresh_home: Path, dovecot: Any, smtp_server: Any, ca: Any,
                                                     accounts: Any, qtbot: Any) -> None:
    from gui.composer import Postbox
    from gui.main_window import MainWindow

    # What an older Facteur left: a readable store folder and file.
    old_data = fresh_home / "data" / "Facteur" / "accounts"
    old_data.mkdir(parents=True, mode=0o755)
    (old_data / "notes.txt").write_text("from an older version")
    os.chmod(old_data / "notes.txt", 0o644)
    os.chmod(old_data, 0o755)
    os.chmod(old_data.parent, 0o755)

    make_private()  # what gui.app.main() does first
    assert not _not_private(fresh_home)
    assert {p for p in app_folders() if p.exists()} >= {fresh_home / "data" / "Facteur",
                                                         fresh_home / "config" / "Facteur"}

    store = AccountStore()
    account = alice_account(dovecot, smtp_server.port, ca)
    account.ca_file = None  # the person trusts the server's certificate instead, as in the wizard
    account.ca_file = str(trust_certificates(account.id, fetch_presented_chain(
        "127.0.0.1", dovecot.imaps_port, "ssl", "imap", 5), None))
    account.ca_file = str(trust_certificates(account.id, fetch_presented_chain(
        "127.0.0.1", smtp_server.port, "starttls", "smtp", 5), account.ca_file))
    store.add(account)
    store_secret(account.id, "password", USERS[ALICE])
    remember_client("client-id.apps.example", "client-secret")
    dovecot.deliver(ALICE, b"From: bob@example.test\r\nTo: alice@example.test\r\nSubject: Hello\r\n"
                           b"Message-ID: <private-1@example.test>\r\n\r\nA message to sync.\r\n")
    postbox = Postbox(store)
    window = MainWindow(store, settings=UiSettings(), postbox=postbox)
    qtbot.addWidget(window)
    try:
        window.show()
        window.start()
        qtbot.waitUntil(lambda: account.id in window.sessions, timeout=15_000)  # its store opens in the background
        session = window.sessions[account.id]
        qtbot.waitUntil(lambda: session.synced_once, timeout=20_000)
        composer = postbox.open_composer(to=[BOB], subject="Private by default")
        composer.editor.text_edit.setPlainText("Bcc and all")
        composer.save_now()
        with qtbot.waitSignal(postbox.worker.sent, timeout=20_000):
            assert composer.send()
        draft = postbox.open_composer(to=[BOB], subject="Kept for later")
        draft.editor.text_edit.setPlainText("Unsent")
        with qtbot.waitSignal(draft.draftSaved, timeout=5_000):
            draft.save_now()
        assert any(d.subject == "Kept for later" for d in postbox.drafts.drafts())
        assert isinstance(postbox.outbox, Outbox) and postbox.outbox.path.is_relative_to(fresh_home)
        # While the app runs, the stores' journals exist (closing checkpoints and removes them): private too.
        running = {path.name for path in fresh_home.rglob("*")}
        assert {"store.sqlite3-wal", "store.sqlite3-shm", "outbox.sqlite3-wal", "drafts.sqlite3-wal"} <= running
        assert _not_private(fresh_home) == []
    finally:
        window.close()
        delete_secrets(account.id)
    window.settings.sync()

    written = {path.relative_to(fresh_home).as_posix() for path in fresh_home.rglob("*") if path.is_file()}
    assert not list(fresh_home.rglob("*-wal")), "a clean quit closes every store (the logs are folded back)"
    for expected in ("store.sqlite3", "outbox.sqlite3", "drafts.sqlite3", "accounts.json",
                     f"{account.id}.pem", "google_client.json", "ui.ini"):
        assert any(name.endswith("/" + expected) for name in written), (expected, sorted(written))
    assert _not_private(fresh_home) == []
