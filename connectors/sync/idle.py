"""Push: IMAP IDLE on one folder, on its own connection, that never dies silently and never hammers a server.

IMAPClient users report IDLE connections that hang forever after a network change. Here the IDLE is ended and
re-issued every ``probe_interval`` seconds, and the server must answer DONE (and the NOOP and IDLE that follow)
within ``answer_timeout``: a link that went silent is noticed within :attr:`IdleWatcher.dead_link_bound` seconds
(``probe_interval + poll + answer_timeout``: 40.5 s by default, under :data:`DEAD_LINK_BOUND_S`), and the connection
is rebuilt with exponential backoff. RFC 2177 asks clients to re-issue IDLE before 29 minutes; the probe does that
many times over.

On Gmail (X-GM-EXT-1 through the Gmail connector), a watcher asked to watch INBOX watches All Mail instead: new mail
arrives there whatever its labels (a filter may skip the inbox), and the engine keeps the labels' folders as views of
All Mail (``connectors.store.gmail``), so a sync of INBOX is a sync of All Mail anyway.

Errors only the person can fix — a refused password or token, an untrusted certificate, a server that would
need a clear-text password, a locked keyring — stop the watcher instead of retrying: it reports ``"error"`` and
waits until :meth:`IdleWatcher.resume` (the person fixed it) or the stop event. Retrying a wrong password every
minute is how providers come to lock accounts.
"""

from __future__ import annotations

import imaplib
import logging
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from imapclient import exceptions as imap_errors
from imapclient.imapclient import IMAPClient, _parse_untagged_response

from ..exceptions import (
    AuthenticationError,
    CertificateError,
    ConnectorError,
    InsecureConnectionError,
    SecretsUnavailable,
)
from ..messaging.imap import GmailIMAPConnector, IMAPConnector

log = logging.getLogger(__name__)

# Untagged responses that mean the folder changed.
_CHANGES = {b"EXISTS", b"EXPUNGE", b"FETCH", b"VANISHED", b"RECENT"}
# Failures that retrying cannot fix: the person must act (and the account worker tells them).
NEEDS_PERSON = (AuthenticationError, CertificateError, InsecureConnectionError, SecretsUnavailable)

PROBE_INTERVAL_S = 30.0
ANSWER_TIMEOUT_S = 10.0
POLL_S = 0.5
DEAD_LINK_BOUND_S = 45.0
"""The promise: a link that goes silent while idling is noticed within this many seconds."""


class IdleWatcher:
    """Runs in its own thread: ``run(stop)`` returns when ``stop`` is set (within about ``poll`` seconds).

    ``clock`` (monotonic seconds) is injectable so the dead-link bound can be checked without waiting for it.
    """

    def __init__(
        self,
        connect: Callable[[], IMAPConnector],
        folder: str = "INBOX",
        *,
        on_change: Callable[[], None],
        on_state: Callable[[str], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        probe_interval: float = PROBE_INTERVAL_S,
        answer_timeout: float = ANSWER_TIMEOUT_S,
        poll: float = POLL_S,
        max_backoff: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._connect = connect
        self.folder = folder
        self._on_change = on_change
        self._on_state = on_state or (lambda state: None)
        self._on_error = on_error or (lambda error: None)
        self.probe_interval = probe_interval
        self.answer_timeout = answer_timeout
        self._poll = poll
        self._max_backoff = max_backoff
        self._clock = clock
        self._imap: IMAPConnector | None = None
        self._resume = threading.Event()
        self.connections = 0  # how many times a connection was (re)built: tests and the status bar read it

    @property
    def dead_link_bound(self) -> float:
        """The longest a silent link can go unnoticed while idling: one probe interval, one poll, one answer."""
        return self.probe_interval + self._poll + self.answer_timeout

    def resume(self) -> None:
        """The person fixed what stopped the watcher (password, certificate, keyring): try again now."""
        self._resume.set()

    def interrupt(self) -> None:
        """Break a blocked IDLE from another thread (quitting): closes the socket."""
        imap = self._imap
        if imap is not None:
            imap.interrupt()

    def _watched(self, imap: IMAPConnector) -> str:
        if (self.folder.upper() == "INBOX" and isinstance(imap, GmailIMAPConnector)
                and "X-GM-EXT-1" in imap.capabilities()):
            return imap.find_special_folder("all") or self.folder
        return self.folder

    def run(self, stop: threading.Event) -> None:
        backoff = 1.0
        while not stop.is_set():
            try:
                self._resume.clear()
                self._imap = self._connect()
                self.connections += 1
                self._imap.select_mailbox(self._watched(self._imap), readonly=True)
                self._on_state("online")
                backoff = 1.0
                # Whatever arrived while we were away counts as a change.
                if self.connections > 1:
                    self._on_change()
                self._idle_loop(self._imap, stop)
            except NEEDS_PERSON as exc:
                if stop.is_set():
                    break
                log.warning("IDLE on %r stopped until the person acts: %s", self.folder, exc)
                self._on_state("error")
                self._on_error(exc)
                self._wait_for_resume(stop)
                backoff = 1.0
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

    def _wait_for_resume(self, stop: threading.Event) -> None:
        while not stop.is_set() and not self._resume.wait(self._poll):
            pass

    def _idle_loop(self, imap: IMAPConnector, stop: threading.Event) -> None:
        client = imap.client
        while not stop.is_set():
            with self._answer_deadline(imap):
                # Changes reported between two IDLEs (or just before one) arrive outside idle_check(): a NOOP
                # collects them.
                _text, responses = client.noop()
                if _changed(responses):
                    self._on_change()
                client.idle()
            started, changed, empty_wakeups = self._clock(), False, 0
            while not stop.is_set() and self._clock() - started < self.probe_interval:
                checked = self._clock()
                responses = _buffered_responses(client) or client.idle_check(timeout=self._poll)
                if _changed(responses):
                    changed = True
                    break
                if any(r and r[0] == b"BYE" for r in responses):
                    raise ConnectionResetError("the server said BYE")
                # IMAPClient's idle_check swallows EOF and returns nothing at once: a socket that keeps waking
                # us with nothing to read has been closed by the other end.
                early = not responses and self._clock() - checked < self._poll / 2
                empty_wakeups = empty_wakeups + 1 if early else 0
                if empty_wakeups >= 3:
                    raise ConnectionResetError("the server closed the connection")
            # DONE must be answered by a tagged OK within answer_timeout, or the link is dead. Responses that
            # were read along with the IDLE continuation come back here.
            with self._answer_deadline(imap):
                _text, responses = client.idle_done()
            if changed or _changed(responses):
                self._on_change()

    @contextmanager
    def _answer_deadline(self, imap: IMAPConnector) -> Iterator[None]:
        """While probing, the server has ``answer_timeout`` seconds to answer (not the connection's timeout)."""
        sock = imap.client.socket()
        sock.settimeout(min(self.answer_timeout, imap.config.timeout))
        try:
            yield
        finally:
            try:
                sock.settimeout(imap.config.timeout)
            except OSError:
                pass


def _buffered_responses(client: IMAPClient) -> list[tuple[object, ...]]:
    """Lines already read from the socket into imaplib's buffer, parsed as idle_check() would.

    idle_check() polls the socket, so it never sees lines that arrived in the same read as an earlier one: an
    EXISTS sent right after IDLE's continuation (mail delivered as the IDLE began) would otherwise wait for the
    next probe, up to ``probe_interval`` later.
    """
    responses: list[tuple[object, ...]] = []
    while _has_buffered_input(client):
        responses.append(_parse_untagged_response(client._imap._get_line()))
    return responses


def _has_buffered_input(client: IMAPClient) -> bool:
    imap = getattr(client, "_imap", None)
    if imap is None:  # not an IMAPClient over imaplib (a test's stand-in): nothing is buffered
        return False
    sock = client.socket()
    timeout = sock.gettimeout()
    sock.setblocking(False)
    try:
        # peek() returns what the buffer holds without touching the socket, or makes one non-blocking read.
        return bool(imap.file.peek(1))
    except (BlockingIOError, ssl.SSLWantReadError):
        return False
    finally:
        sock.settimeout(timeout)


def _changed(responses: list[tuple[object, ...]]) -> bool:
    return any(len(r) > 1 and r[1] in _CHANGES for r in responses)
