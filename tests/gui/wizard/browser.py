"""A scripted "system browser" for the Google sign-in tests: QDesktopServices.openUrl is patched to it.

Like a real browser it GETs the consent page (HTTPS, trusting the per-run CA), follows Google's 302 to the
loopback listener, and keeps the page it was shown. It works in a thread of its own, as a browser would.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import requests
from PySide6.QtCore import QUrl


@dataclass
class BrowserVisit:
    consent_url: str
    redirect_url: str = ""
    status: int = 0
    page: str = ""
    error: str = ""


@dataclass
class ScriptedBrowser:
    ca_file: str
    behaviour: str = "follow"  # "follow", "ignore" (the person never signs in), "tamper-state", "unavailable"
    visits: list[BrowserVisit] = field(default_factory=list)
    _threads: list[threading.Thread] = field(default_factory=list)

    def open_url(self, url: QUrl) -> bool:
        if self.behaviour == "unavailable":
            return False
        visit = BrowserVisit(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))
        self.visits.append(visit)
        if self.behaviour != "ignore":
            thread = threading.Thread(target=self._visit, args=(visit,), daemon=True)
            self._threads.append(thread)
            thread.start()
        return True

    def _visit(self, visit: BrowserVisit) -> None:
        try:
            # verify= per request: REQUESTS_CA_BUNDLE would otherwise override a session's setting.
            consent = requests.get(visit.consent_url, verify=self.ca_file, allow_redirects=False, timeout=10)
            location = consent.headers.get("Location", "")
            if self.behaviour == "tamper-state":
                parts = urlsplit(location)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                query["state"] = "forged-" + query.get("state", "")
                location = urlunsplit(parts._replace(query=urlencode(query)))
            visit.redirect_url = location
            answer = requests.get(location, timeout=30)
            visit.status, visit.page = answer.status_code, answer.text
        except requests.RequestException as exc:
            visit.error = f"{type(exc).__name__}: {exc}"

    def wait(self, timeout: float = 30) -> None:
        for thread in self._threads:
            thread.join(timeout)

    @property
    def last(self) -> BrowserVisit:
        return self.visits[-1]
