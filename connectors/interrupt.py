"""Breaking a thread's blocking network calls from another thread: quitting must not wait for a silent server.

A connector's calls block: connecting (TCP, TLS, the greeting, LOGIN), reading a reply, writing 25 MB of DATA.
Closing the socket from another thread is the one portable way to break such a call, but while a connection is
being made, the socket lives inside imaplib or smtplib where no caller can reach it. So an :class:`Interrupter`
notes every socket its threads create, through the interpreter's audit events (``socket.__new__`` fires for
plain and TLS sockets alike), and :meth:`Interrupter.interrupt` shuts them all down. From then on, until
:meth:`Interrupter.reset`, those threads cannot resolve, create or connect a socket: the call fails at once with
``ConnectionAbortedError``, which the connectors report as a :class:`connectors.exceptions.ConnectionError`.

    interrupter = Interrupter()
    with interrupter.watching():     # in the worker thread, around the work
        imap.connect(); ...
    interrupter.interrupt()          # from any other thread

A DNS lookup already in progress cannot be broken this way (the C library's resolver owns no socket we see); its
caller is released when the lookup ends and its connection attempt is refused.
"""

from __future__ import annotations

import socket
import sys
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_local = threading.local()
_hook_lock = threading.Lock()
_hook_installed = False


class Interrupter:
    """The sockets of the threads running under :meth:`watching`, and the switch that breaks them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._interrupted = False
        _install_hook()

    @property
    def interrupted(self) -> bool:
        return self._interrupted

    @contextmanager
    def watching(self) -> Iterator[None]:
        """Make the current thread's new sockets this interrupter's, for the duration of the block (nestable)."""
        previous = getattr(_local, "interrupter", None)
        _local.interrupter = self
        try:
            yield
        finally:
            _local.interrupter = previous

    def interrupt(self) -> None:
        """Shut every watched socket down (a blocked read, write or connect returns at once) and refuse new
        ones. Safe from any thread, any number of times."""
        with self._lock:
            self._interrupted = True
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed, or never connected

    def reset(self) -> None:
        """Allow connections again (the next attempt after an interruption that was not a farewell)."""
        with self._lock:
            self._interrupted = False

    def _created(self, sock: socket.socket) -> None:
        with self._lock:
            if self._interrupted:
                raise ConnectionAbortedError("the connection was interrupted (Facteur is closing)")
            self._sockets.add(sock)

    def _refuse_if_interrupted(self) -> None:
        if self._interrupted:
            raise ConnectionAbortedError("the connection was interrupted (Facteur is closing)")


def _audit(event: str, args: tuple[Any, ...]) -> None:
    # Called for every audited event of every thread: leave at once unless it is ours.
    if not event.startswith("socket."):
        return
    interrupter: Interrupter | None = getattr(_local, "interrupter", None)
    if interrupter is None:
        return
    if event == "socket.__new__":
        if args and isinstance(args[0], socket.socket):
            interrupter._created(args[0])
    elif event in ("socket.connect", "socket.getaddrinfo"):
        interrupter._refuse_if_interrupted()


def _install_hook() -> None:
    global _hook_installed
    with _hook_lock:
        if not _hook_installed:
            sys.addaudithook(_audit)
            _hook_installed = True
