"""Push: IMAP IDLE on one folder, on its own connection, that never dies silently.

IMAPClient users report IDLE connections that hang forever after a network change. Here the IDLE is ended and
re-issued every ``probe_interval`` seconds: the server must answer DONE with a tagged OK within the socket
timeout, so a dead link is noticed within ``probe_interval + timeout`` (under 60 s by default) and the
connection is rebuilt with exponential backoff. RFC 2177 asks clients to re-issue IDLE before 29 minutes; the
probe does that many times over.
"""

from __future__ import annotations

import imaplib
import logging
import socket
import threading
import time
from collections.abc import Callable

from imapclient import exceptions as imap_errors

from ..exceptions import ConnectorError
from ..messaging.imap import IMAPConnector

log = logging.getLogger(__name__)

# Untagged responses that mean the folder changed.
_CHANGES = {b"EXISTS", b"EXPUNGE", b"FETCH", b"VANISHED", b"RECENT"}


class IdleWatcher:
    """Runs in its own thread: ``run(stop)`` returns when ``stop`` is set (within about ``poll`` seconds)."""

    def __init__(
        self,
        connect: Callable[[], IMAPConnector],
        folder: str = "INBOX",
        *,
        on_change: Callable[[], None],
        on_state: Callable[[str], None] | None = None,
        probe_interval: float = 30.0,
        poll: float = 0.5,
        max_backoff: float = 60.0,
    ) -> None:
        self._connect = connect
        self.folder = folder
        self._on_change = on_change
        self._on_state = on_state or (lambda state: None)
        self.probe_interval = probe_interval
        self._poll = poll
        self._max_backoff = max_backoff
        self._imap: IMAPConnector | None = None
        self.connections = 0  # how many times a connection was (re)built: tests and the status bar read it

    def interrupt(self) -> None:
        """Break a blocked IDLE from another thread (quitting): closes the socket."""
        imap = self._imap
        if imap is not None and imap.is_connected():
            try:
                imap.client.socket().shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def run(self, stop: threading.Event) -> None:
        backoff = 1.0
        while not stop.is_set():
            try:
                self._imap = self._connect()
                self.connections += 1
                self._imap.select_mailbox(self.folder, readonly=True)
                self._on_state("online")
                backoff = 1.0
                # Whatever arrived while we were away counts as a change.
                if self.connections > 1:
                    self._on_change()
                self._idle_loop(self._imap, stop)
            except (ConnectorError, OSError, EOFError, imaplib.IMAP4.error, imap_errors.IMAPClientError) as exc:
                if stop.is_set():
                    break
                log.info("IDLE on %r lost (%s); reconnecting in %.0f s", self.folder, exc, backoff)
                self._on_state("offline")
                stop.wait(backoff)
                backoff = min(backoff * 2, self._max_backoff)
            finally:
                imap, self._imap = self._imap, None
                if imap is not None:
                    imap.disconnect()
        self._on_state("stopped")

    def _idle_loop(self, imap: IMAPConnector, stop: threading.Event) -> None:
        client = imap.client
        while not stop.is_set():
            # Changes reported between two IDLEs (or just before one) arrive outside idle_check(): a NOOP collects them.
            _text, responses = client.noop()
            if _changed(responses):
                self._on_change()
            client.idle()
            started, changed, empty_wakeups = time.monotonic(), False, 0
            while not stop.is_set() and time.monotonic() - started < self.probe_interval:
                checked = time.monotonic()
                responses = client.idle_check(timeout=self._poll)
                if _changed(responses):
                    changed = True
                    break
                if any(r and r[0] == b"BYE" for r in responses):
                    raise ConnectionResetError("the server said BYE")
                # IMAPClient's idle_check swallows EOF and returns nothing at once: a socket that keeps waking
                # us with nothing to read has been closed by the other end.
                early = not responses and time.monotonic() - checked < self._poll / 2
                empty_wakeups = empty_wakeups + 1 if early else 0
                if empty_wakeups >= 3:
                    raise ConnectionResetError("the server closed the connection")
            # DONE must be answered by a tagged OK within the socket timeout, or the link is dead. Responses that
            # were read along with the IDLE continuation come back here.
            _text, responses = client.idle_done()
            if changed or _changed(responses):
                self._on_change()


def _changed(responses: list[tuple[object, ...]]) -> bool:
    return any(len(r) > 1 and r[1] in _CHANGES for r in responses)
