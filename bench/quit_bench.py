"""How long quitting takes: from "close the window" to a closed window, in each state a person can quit in.

    python -m bench.quit_bench [--runs 5]

Starts Dovecot and an SMTP server on loopback (plus a server that accepts and never answers, and a proxy that
stalls a transfer halfway), builds Facteur's main window offscreen and reaches each state for real before
closing it: connecting to a silent server, IDLE, mid-sync (behind a 10 ms proxy), mid-send of a 25 MB message,
writing (a composer open with unsaved text). Prints the worst and median of ``--runs`` closes per state against
the 2 s target, and exits 1 if a state missed it. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from PySide6.QtCore import QCoreApplication, Qt  # noqa: E402

QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
import PySide6.QtWebEngineWidgets  # noqa: E402, F401
from PySide6.QtWidgets import QApplication  # noqa: E402

from connectors import create_connector  # noqa: E402
from connectors.credentials import StaticCredentials  # noqa: E402
from connectors.outbox import DraftStore, Outbox  # noqa: E402
from connectors.store import MailStore  # noqa: E402
from gui.accounts import Account, AccountStore, Identity, ServerSettings  # noqa: E402
from gui.collector import collect_on_gui_thread  # noqa: E402
from gui.settings import UiSettings  # noqa: E402
from gui.workers.account_session import AccountSession  # noqa: E402
from gui.workers.quitting import leftovers  # noqa: E402
from gui.workers.send_worker import AccountLink  # noqa: E402
from tests.servers.ca import TestCA  # noqa: E402
from tests.servers.dovecot import DovecotServer  # noqa: E402
from tests.servers.proxy import FaultyProxy  # noqa: E402
from tests.servers.silent import SilentServer  # noqa: E402
from tests.servers.smtp import SMTPServer  # noqa: E402

USER, PASSWORD, FRIEND = "alice@example.test", "bench-password", "bob@example.test"
TARGET_S = 2.0


class Bench:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.app = QApplication.instance() or QApplication([])
        collect_on_gui_thread(self.app)  # as the application does
        self.ca = TestCA(root / "ca")
        self.dovecot = DovecotServer(root / "dovecot", self.ca, {USER: PASSWORD, FRIEND: PASSWORD})
        self.dovecot.start()
        self.smtp = SMTPServer(self.ca, {USER: PASSWORD}, lmtp_socket=self.dovecot.lmtp_socket)
        self.smtp.start()
        self.dovecot.seed(USER, "INBOX", [_message(f"Hello {n}") for n in range(20)])
        self.dovecot.seed(USER, "Archive", [_message(f"Old {n}") for n in range(5000)])
        self.runs = 0

    def close(self) -> None:
        self.smtp.stop()
        self.dovecot.stop()

    def window(self, *, imap_port: int | None = None, smtp_port: int | None = None, push: bool = True) -> Any:
        from gui.composer import Postbox
        from gui.main_window import MainWindow

        self.runs += 1
        home = self.root / f"run-{self.runs}"
        account = Account(email=USER, name="Alice", imap=ServerSettings("127.0.0.1", imap_port or
                                                                        self.dovecot.imaps_port, "ssl", USER),
                          smtp=ServerSettings("127.0.0.1", smtp_port or self.smtp.port, "starttls", USER),
                          identities=[Identity("Alice", USER, "")], ca_file=str(self.ca.cert_path))
        accounts = AccountStore(home / "accounts.json")
        accounts.add(account)
        credentials = StaticCredentials(PASSWORD)

        def session(account: Account, relay: Any) -> AccountSession:
            return AccountSession(account, relay, store=MailStore(home / "store.sqlite3"), credentials=credentials,
                                  push=push)

        def links(_account_id: str) -> AccountLink:
            return AccountLink(create_connector("smtp", account.smtp_config(credentials)),
                               create_connector("imap", account.imap_config(credentials)), False)

        postbox = Postbox(accounts, outbox=Outbox(home / "outbox.sqlite3"), drafts=DraftStore(home / "drafts.sqlite3"),
                          connectors=links, store_path=lambda _account: home / "store.sqlite3")
        window = MainWindow(accounts, settings=UiSettings(home / "ui.ini"), session_factory=session, postbox=postbox)
        window.show()
        window.start()
        return window

    def wait_until(self, condition: Callable[[], bool], timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the state was not reached")
            self.app.processEvents()
            time.sleep(0.01)

    def close_window(self, window: Any) -> float:
        started = time.perf_counter()
        window.close()
        elapsed = time.perf_counter() - started
        assert not window.isVisible()
        self.wait_until(lambda: all(session_done(window)))  # let late parts end before the next run
        window.deleteLater()
        self.app.processEvents()
        return elapsed

    # -- the states ----------------------------------------------------------------------------------------------

    def connecting(self) -> float:
        with SilentServer() as silent:
            window = self.window(imap_port=silent.port)
            self.wait_until(lambda: silent.connections >= 2)
            return self.close_window(window)

    def idle(self) -> float:
        window = self.window()
        self.wait_until(lambda: bool(window.sessions))  # the store opens off the GUI thread first
        session = next(iter(window.sessions.values()))
        self.wait_until(lambda: session.synced_once and session.idle.watcher.connections >= 1)
        return self.close_window(window)

    def mid_sync(self) -> float:
        with FaultyProxy(self.dovecot.imaps_port, delay=0.005) as proxy:
            window = self.window(imap_port=proxy.port, push=False)
            self.wait_until(lambda: bool(window.sessions))
            session = next(iter(window.sessions.values()))
            seen: list[int] = []
            session.activity.connect(lambda _a, text, done, _t: seen.append(done) if "Archive" in text else None)
            self.wait_until(lambda: any(done > 0 for done in seen))
            return self.close_window(window)

    def mid_send(self) -> float:
        with FaultyProxy(self.smtp.port) as proxy:
            proxy.freeze_after_client_bytes = 4 * 1024 * 1024
            window = self.window(smtp_port=proxy.port, push=False)
            postbox = window.local.postbox
            raw = _message("Holiday pictures", body=("x" * 76 + "\r\n") * 340_000)
            entry = postbox.outbox.enqueue(account_id=window.accounts.accounts[0].id, raw=raw, sender=USER,
                                           message_id=f"<holiday-{self.runs}@example.test>", recipients=[FRIEND])
            postbox.worker.request_wake()
            self.wait_until(lambda: proxy.frozen and postbox.outbox.get(entry.id).state == "sending")
            return self.close_window(window)

    def writing(self) -> float:
        window = self.window(push=False)
        composer = window.local.compose(to=[FRIEND])
        composer.header.subject_field.setText("Half written")
        composer.editor.text_edit.setPlainText("I was saying that " * 2000)
        self.app.processEvents()
        return self.close_window(window)


def session_done(window: Any) -> list[bool]:
    threads = [window.loader.thread_handle]
    sender = window.local.postbox.worker.thread_handle
    if sender is not None:
        threads.append(sender)
    return [thread.isFinished() for thread in threads]


def _message(subject: str, body: str = "Hello") -> bytes:
    return (f"From: {FRIEND}\r\nTo: {USER}\r\nSubject: {subject}\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n"
            f"Message-ID: <{abs(hash((subject, len(body))))}@example.test>\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", help="run the states whose name contains this text")
    parser.add_argument("--verbose", action="store_true", help="log how each quit went")
    args = parser.parse_args()
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(relativeCreated)8.0f %(threadName)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="facteur-quit-bench-") as folder:
        bench = Bench(Path(folder))
        try:
            rows = []
            for name, state in (("Connecting to a silent server", bench.connecting), ("IDLE", bench.idle),
                                ("Mid-sync (5,000 headers, 10 ms RTT)", bench.mid_sync),
                                ("Mid-send of a 25 MB message", bench.mid_send),
                                ("Writing (a composer with unsaved text)", bench.writing)):
                if args.only and args.only.lower() not in name.lower():
                    continue
                times = [state() for _ in range(args.runs)]
                rows.append((name, max(times), statistics.median(times)))
        finally:
            bench.close()
    print(f"| State ({args.runs} quits each) | Worst | Median | Target |")
    print("|---|---|---|---|")
    for name, worst, median in rows:
        print(f"| {name} | {worst:.2f} s | {median:.2f} s | ≤ {TARGET_S:g} s |")
    print(f"Workers left running after a quit: {leftovers()}")
    return 0 if all(worst <= TARGET_S for _, worst, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
