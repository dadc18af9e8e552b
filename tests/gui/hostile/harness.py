"""Run inside the sealed network (see :mod:`tests.gui.hostile.sealed`): open each hostile message in the real reader
and write down every DNS query and TCP connection it caused.

``python -m tests.gui.hostile.harness MODE OUT.json`` where MODE says which walls stand:
``both`` (as shipped), ``sanitiser`` (the engine's wall taken down), ``engine`` (the sanitiser taken down) or
``none`` (both down: the control run, which must see the leaks, or the harness would prove nothing).

The cases run one after the other in the same reader (each page replacing the last, as when a person moves down
the list), each until its page has loaded. Then the reader shows a *barrier* message whose remote image the person
allowed: the run is over when the barrier's connection arrives, since everything the earlier pages did reached the
network stack before that. Every attacker host name is unique to its case, so each DNS query names its case; a
contact that names none (or a connection to a web port other than the allowed one) is reported as unattributed.
With the sanitiser standing, messages are parsed and sanitised in a parsing process, as the window does.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer  # noqa: E402

from gui.views.html_view import register_message_scheme  # noqa: E402

register_message_scheme()
QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
import PySide6.QtWebEngineWidgets  # noqa: E402, F401
from PySide6.QtNetwork import QNetworkProxy  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from connectors.messaging import reading  # noqa: E402
from connectors.messaging.html_sanitiser import SanitisedHtml, remote_image_url  # noqa: E402
from connectors.messaging.mime import parse_message  # noqa: E402
from connectors.messaging.parse_process import MessageParser  # noqa: E402
from gui.views import html_view  # noqa: E402
from gui.views.reader import DisplayedMessage, ReaderView, displayed, remote_allowed_for  # noqa: E402
from tests.gui.hostile.tripwire import Contact, Tripwire  # noqa: E402
from tests.gui.hostile.vectors import ALLOWED_PORT, TRUSTED, Case, cases, html_message  # noqa: E402

TIMEOUT_MS = 60000


def take_down_sanitiser() -> None:
    """The allowlist goes; what stays is how consent is delivered: the remote images of an allowed message are
    addressed through ``facteur-remote:`` (the engine alone can never reach the web, even with consent)."""
    def passthrough(html_body: str, parts: Any = (), *, allow_remote: bool = False) -> SanitisedHtml:
        if allow_remote:
            html_body = re.sub(r'(<img\s[^>]*src=")(https?://[^"]*)"',
                               lambda found: f'{found.group(1)}{remote_image_url(found.group(2))}"', html_body)
        return SanitisedHtml(html_body, 1 if "http" in html_body else 0, frozenset())

    reading.sanitise_html = passthrough  # type: ignore[assignment]


def take_down_engine_wall() -> None:
    html_view.content_security_policy = lambda allow_remote: ""  # type: ignore[assignment]
    gate = html_view.NetworkGate.instance()
    QNetworkProxy.setApplicationProxy(gate.original_proxy)  # the point is to take it down
    html_view.RemoteContentGuard.interceptRequest = lambda self, info: None  # type: ignore[method-assign]


def wait_for(condition: Any, what: str) -> None:
    if condition():
        return
    loop = QEventLoop()
    poll = QTimer()
    poll.timeout.connect(lambda: loop.quit() if condition() else None)
    poll.start(5)
    expired = QTimer()
    expired.setSingleShot(True)
    expired.timeout.connect(loop.quit)
    expired.start(TIMEOUT_MS)
    loop.exec()
    poll.stop()
    if not condition():
        raise TimeoutError(f"timed out waiting for {what}")


def allowed(contact: Contact) -> bool:
    if contact.kind == "dns":
        return contact.detail.startswith(("barrier-", "allowed-"))
    return contact.detail == str(ALLOWED_PORT)


class Runner:
    def __init__(self, *, in_the_app: bool) -> None:
        """``in_the_app``: the messages are parsed and sanitised here (the sanitiser can then be taken down);
        otherwise in a parsing process, as the window does."""
        self.in_the_app = in_the_app
        self.parser = MessageParser(processes=1)
        self.tripwire = Tripwire()
        self.tripwire.start()
        self.view = ReaderView()
        self.view.resize(900, 700)
        self.view.show()
        self.barriers = 0

    def read(self, raw: bytes) -> DisplayedMessage:
        if self.in_the_app:
            return displayed(("", "", 0), parse_message(raw))
        parsed = self.parser.parse(raw, for_reading=True)
        return displayed(("", "", 0), parsed.message, reading=parsed.reading)

    def show(self, raw: bytes) -> None:
        message = self.read(raw)
        self.view.show_message(message, allow_remote=remote_allowed_for(message, lambda a: a.lower() == TRUSTED))

    def page_loaded(self) -> bool:
        html = self.view.html_view
        return html is not None and html.message_page is not None and html.message_page.loaded

    def barrier(self) -> None:
        self.barriers += 1
        host = f"barrier-{self.barriers}.test"
        start = len(self.tripwire.snapshot())
        message = self.read(html_message(f'<img src="http://{host}:{ALLOWED_PORT}/b.png">', sender=f"Bank <{TRUSTED}>"))
        self.view.show_message(message, allow_remote=True)
        wait_for(lambda: any(c.kind == "tcp" and c.detail == str(ALLOWED_PORT)
                             for c in self.tripwire.snapshot()[start:]), f"the barrier {host}")

    def run(self, case: Case) -> None:
        start = len(self.tripwire.snapshot())
        first, *rest = case.messages
        self.show(first)
        if case.load_once:
            wait_for(self.page_loaded, "the first message")
            self.view.remote_bar.once.click()
            wait_for(lambda: any(c.kind == "tcp" for c in self.tripwire.snapshot()[start:]), "the allowed image")
        for raw in rest:
            self.show(raw)
        wait_for(self.page_loaded, f"{case.name} to load")


def attribute(contacts: list[Contact], all_cases: list[Case]) -> dict[str, dict[str, list[str]]]:
    """Each contact under the case whose host it names."""
    labels = {case.name: case_labels(case) for case in all_cases}
    results: dict[str, dict[str, list[str]]] = {case.name: {"leaks": [], "allowed": []} for case in all_cases}
    results["_unattributed"] = {"leaks": [], "allowed": []}
    for contact in contacts:
        if contact.kind == "tcp" or contact.detail.startswith("barrier-"):
            if not allowed(contact):
                results["_unattributed"]["leaks"].append(f"tcp:{contact.detail}")
            continue
        label = contact.detail.split(".")[0]
        owner = next((name for name, names in labels.items() if label in names), "_unattributed")
        results[owner]["allowed" if allowed(contact) else "leaks"].append(f"dns:{contact.detail}")
    return results


def case_labels(case: Case) -> set[str]:
    """The first label of every host a case's messages name."""
    names: set[str] = set()
    for raw in case.messages:
        text = raw.decode("utf-8", "replace")
        for suffix in (".evil.test", ".test:"):
            position = text.find(suffix)
            while position >= 0:
                begin = position
                while begin > 0 and (text[begin - 1].isalnum() or text[begin - 1] == "-"):
                    begin -= 1
                names.add(text[begin:position])
                position = text.find(suffix, position + 1)
    return names


def main(mode: str, out_path: str) -> int:
    app = QApplication(sys.argv[:1])
    if mode in ("sanitiser", "none"):
        take_down_engine_wall()
    if mode in ("engine", "none"):
        take_down_sanitiser()
    runner = Runner(in_the_app=mode in ("engine", "none"))
    runner.barrier()  # the engine is up and the network answers before the first case starts
    start = len(runner.tripwire.snapshot())
    only = set(filter(None, os.environ.get("HOSTILE_CASES", "").split(",")))
    chosen = [case for case in cases() if not only or case.name in only]
    for case in chosen:
        print("case", case.name, file=sys.stderr, flush=True)
        runner.run(case)
    runner.barrier()
    results = attribute(runner.tripwire.snapshot()[start:], chosen)
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(results, out, indent=1)
    runner.tripwire.stop()
    runner.parser.close()
    runner.view.close()
    del runner
    app.processEvents()
    return 0


if __name__ == "__main__":
    try:
        code = main(sys.argv[1], sys.argv[2])
    except BaseException:  # noqa: BLE001 - report it, then leave without the web engine's slow teardown
        import traceback

        traceback.print_exc()
        code = 1
    sys.stderr.flush()
    os._exit(code)
