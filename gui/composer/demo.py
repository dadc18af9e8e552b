"""Try the composer alone: ``python -m gui.composer.demo`` (add ``--screenshots DIR`` to save PNGs and quit).

It uses a throwaway account (example.test, no server) and throwaway Local Folders, so nothing is sent: messages
wait in the demo's Outbox, which is exactly what an unreachable server looks like.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from connectors.outbox import DraftStore, Outbox
from gui.accounts import Account, AccountStore, Identity, ServerSettings
from gui.collector import collect_on_gui_thread

from .postbox import ComposeSettings, Postbox
from .window import ComposerWindow

_ORIGINAL = (
    "From: Bob Dupré <bob@example.test>\r\nTo: Alice <alice@example.test>, carol@example.test\r\n"
    "Subject: Re: Budget 2027\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <b1@example.test>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\nHere are the figures for next year.\r\n"
    "Can you check the travel line before Friday?\r\n\r\nBob\r\n"
).encode()


def _demo_store(folder: Path) -> AccountStore:
    store = AccountStore(folder / "accounts.json")
    store.add(
        Account(
            email="alice@example.test",
            name="Work",
            imap=ServerSettings("imap.example.test", 993),
            smtp=ServerSettings("smtp.example.test", 587),
            identities=[
                Identity("Alice Martin", "alice@example.test", "-- \nAlice Martin\nExample & Co"),
                Identity("Alice M.", "alice.m@example.test"),
            ],
        )
    )
    return store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--screenshots", type=Path, help="save composer-*.png here and quit")
    args = parser.parse_args(argv)
    app = QApplication(sys.argv[:1])
    collect_on_gui_thread(app)
    folder = Path(tempfile.mkdtemp(prefix="facteur-composer-demo-"))
    store = _demo_store(folder)
    postbox = Postbox(
        store,
        outbox=Outbox(folder / "outbox.sqlite3"),
        drafts=DraftStore(folder / "drafts.sqlite3"),
        settings=ComposeSettings(undo_seconds=5),
        store_path=lambda account: folder / "none",
    )
    postbox.address_book.add("Bob Dupré", "bob@example.test", 3)
    postbox.address_book.add("Carol Ñandú", "carol@example.test", 2)
    postbox.start()
    account = store.accounts[0]

    empty = postbox.open_composer(account.id)
    files = []
    for name, size in (("Quarterly report.pdf", 184_320), ("photo été.jpg", 2_400_000), ("notes.txt", 900)):
        path = folder / name
        path.write_bytes(b"\0" * size)
        files.append(path)
    attached = postbox.open_composer(
        account.id,
        to=["Bob Dupré <bob@example.test>"],
        subject="Files for Friday",
        body="Hello Bob,\n\nHere are the three files.",
        attachments=files,
    )
    replied = postbox.reply(account, _ORIGINAL, "INBOX", 1, reply_all=True)
    windows: dict[str, ComposerWindow] = {"empty": empty, "attachments": attached, "reply": replied}
    for offset, window in enumerate(windows.values()):
        window.move(40 + 60 * offset, 40 + 40 * offset)

    if args.screenshots is not None:
        args.screenshots.mkdir(parents=True, exist_ok=True)

        def grab() -> None:
            for name, window in windows.items():
                window.grab().save(str(args.screenshots / f"composer-{name}.png"))
            for window in windows.values():
                window.discard()
            postbox.shutdown()
            app.quit()

        QTimer.singleShot(1500, grab)
    code = app.exec()
    postbox.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
