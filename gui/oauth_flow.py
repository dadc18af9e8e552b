"""Browser sign-in (Google, Microsoft: any provider of connectors.oauth_providers): a single-use loopback listener
and the operation that waits on it.

The installed-app flow, as Google and the Microsoft identity platform both document it: Facteur opens the
consent page in the person's own browser (where they are already signed in, with their password manager and 2-step
verification), and the provider redirects the browser to ``http://127.0.0.1:<random port>/`` where this listener
waits. The answer must carry the ``state`` Facteur sent (else it is rejected: it does not belong to this sign-in);
the code is then traded for tokens with the PKCE verifier only Facteur knows. The browser gets a short page telling
the person they can go back to Facteur. The listener serves one sign-in, then closes; cancelling or timing out
closes it too.
"""

from __future__ import annotations

import html
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler
from socketserver import TCPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices

from connectors.exceptions import OAuthError
from connectors.messaging.oauth_utils import OAuth2Manager

from .workers.operation import Operation

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 300.0  # five minutes to sign in, as long as Google keeps its consent page valid
_POLL = 0.1  # how often the waiting loop looks at cancel() and the clock


class SignInTimedOut(OAuthError):
    """Nobody came back from the browser in time."""


class SignInRejected(OAuthError):
    """The browser came back with an answer that is refused: wrong state, an error from Google, no code."""


def _page(title: str, message: str, ok: bool) -> bytes:
    colour = "#1b7f3b" if ok else "#b3261e"
    body = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Facteur</title>"
        "<style>body{font-family:system-ui,sans-serif;display:flex;justify-content:center;margin-top:12vh;"
        "color:#222}main{max-width:32em;text-align:center}h1{font-size:1.4em;color:" + colour + "}</style>"
        "</head><body><main><h1>" + html.escape(title) + "</h1><p>" + html.escape(message) + "</p></main>"
        "</body></html>"
    )
    return body.encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    server: LoopbackListener
    timeout = 10  # a connection that sends nothing cannot hold the listener
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the query carries the authorization code: never log it

    def do_GET(self) -> None:
        status, page = self.server.answer(self.path, self.headers.get("Host", ""))
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        self.wfile.write(page)


class LoopbackListener(TCPServer):
    """Listens on 127.0.0.1 at a port the system picks; hands one valid redirect to the manager.

    A plain TCPServer, not HTTPServer: the latter resolves the host's name (getfqdn), which can stall offline.
    """

    def __init__(self, manager: OAuth2Manager) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.timeout = _POLL
        self.manager = manager
        self.tokens: dict[str, Any] | None = None
        self.error: OAuthError | None = None
        self._closed = threading.Event()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def done(self) -> bool:
        return self.tokens is not None or self.error is not None

    def answer(self, path: str, host: str) -> tuple[int, bytes]:
        """(HTTP status, page) for one browser request; a valid redirect completes the sign-in."""
        if self.done:
            return 410, _page(
                QCoreApplication.translate("oauth_flow", "This sign-in is over"),
                QCoreApplication.translate("oauth_flow", "You can close this tab and go back to Facteur."),
                False,
            )
        # The browser was sent to 127.0.0.1:<port>; any other Host means a web page is poking at the listener.
        if host != f"127.0.0.1:{self.port}":
            return 400, _page(
                QCoreApplication.translate("oauth_flow", "Bad request"),
                QCoreApplication.translate("oauth_flow", "This address only answers Facteur's sign-in."),
                False,
            )
        query = {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}
        if urlsplit(path).path != "/" or not ({"code", "error", "state"} & query.keys()):
            return 404, _page(
                QCoreApplication.translate("oauth_flow", "Not found"),
                QCoreApplication.translate("oauth_flow", "This address only answers Facteur's sign-in."),
                False,
            )
        state = query.get("state")
        if state is None or state != self.manager.state:
            self.error = SignInRejected(
                "The answer from the browser does not belong to this sign-in (state mismatch): it was refused"
            )
        elif "error" in query:
            reason, provider = query["error"], self.manager.provider.name
            self.error = SignInRejected(
                f"You did not allow Facteur to use your {provider} mail"
                if reason == "access_denied"
                else f"{provider} refused the sign-in: {reason}"
            )
        elif not query.get("code"):
            self.error = SignInRejected(f"{self.manager.provider.name}'s answer carries no authorization code")
        else:
            try:
                self.tokens = self.manager.exchange_code_for_tokens(query["code"], state)
            except OAuthError as exc:
                self.error = exc
        if self.tokens is not None:
            return 200, _page(
                QCoreApplication.translate("oauth_flow", "You are signed in"),
                QCoreApplication.translate(
                    "oauth_flow",
                    "Facteur can now read and send your mail. You can close this tab and go back to Facteur.",
                ),
                True,
            )
        return 400, _page(
            QCoreApplication.translate("oauth_flow", "Sign-in failed"),
            QCoreApplication.translate("oauth_flow", "Go back to Facteur to try again.") + " " + str(self.error),
            False,
        )

    def close(self) -> None:
        if not self._closed.is_set():
            self._closed.set()
            self.server_close()


class GoogleSignIn(Operation):
    """Waits (in a worker thread) for the browser to come back; finishes with the token dict.

    Create it on the GUI thread, read ``authorization_url``, submit it to the runner (``runner().submit``), then
    open the URL (:func:`open_in_browser`): the listener is already bound, so the browser can never arrive too early.
    """

    def __init__(
        self, manager: OAuth2Manager, *, login_hint: str | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        super().__init__(name="GoogleSignIn")
        self.manager = manager
        self.timeout = timeout
        self.listener = LoopbackListener(manager)
        self.authorization_url = manager.generate_oauth_url(self.listener.redirect_uri, login_hint=login_hint)

    def execute(self) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        try:
            while not self.listener.done:
                self.check_cancelled()
                if time.monotonic() >= deadline:
                    minutes = max(1, round(self.timeout / 60))
                    raise SignInTimedOut(f"Nobody came back from the browser within {minutes} minute(s): sign in again")
                self.listener.handle_request()
        finally:
            self.listener.close()
        if self.listener.error is not None:
            raise self.listener.error
        assert self.listener.tokens is not None
        return self.listener.tokens


def open_in_browser(url: str) -> bool:
    """Open ``url`` in the person's default browser; False when the desktop has none (then show the link)."""
    opened = QDesktopServices.openUrl(QUrl(url))
    if not opened:
        log.warning("No browser could be opened for the sign-in")
    return bool(opened)
