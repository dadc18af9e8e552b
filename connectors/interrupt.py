"""Breaking a thread's blocking network calls from another thread: quitting must not wait for a silent server.

A connector's calls block: connecting (TCP, TLS, the greeting, LOGIN), reading a reply, writing 25 MB of DATA.
Shutting the socket down from another thread is the one portable way to break such a call. An
:class:`Interrupter` holds the sockets that the connectors open while a thread runs under
:meth:`Interrupter.watching`, and :meth:`Interrupter.interrupt` shuts them all down. From then on, until
:meth:`Interrupter.reset`, those threads cannot open a connection: it fails at once with
``ConnectionAbortedError``, which the connectors report as a :class:`connectors.exceptions.ConnectionError`.

    interrupter = Interrupter()
    with interrupter.watching():     # in the worker thread, around the work
        imap.connect(); ...
    interrupter.interrupt()          # from any other thread

How the sockets are found — and why not through the interpreter's audit hooks. While a connection is being made
its socket lives inside imaplib or smtplib, where no caller can reach it. An earlier version noted every socket a
watched thread created through ``sys.addaudithook`` (``socket.__new__`` fires for plain and TLS sockets alike).
That reached every socket, but at a price no library should make its users pay: an audit hook cannot be removed,
it is called for every audited event of every thread of the process (imports, ``open``, ``sys._getframe`` from
each log record, frame and traceback attribute reads), also in programs that merely import ``connectors``, and it
runs Python code at points inside C code that otherwise never call back into Python (CPython has had crashes
there, e.g. python/cpython#120198). So the sockets are registered where they are made instead, by the connectors
themselves: :func:`create_connection` replaces ``socket.create_connection`` for IMAP and SMTP (through
IMAPClient's and smtplib's socket factories), and the TLS contexts of :func:`connectors.messaging.transport.
make_ssl_context` make :class:`WatchedSSLSocket` s, which register themselves before their handshake (implicit TLS
and STARTTLS alike). Nothing here touches sockets that other code opens, and a thread outside :meth:`watching`
pays one thread-local read per connection.

What is not broken: a DNS lookup already in progress (the C library's resolver owns no socket we see; its caller
is released when the lookup ends and its connection is then refused), and sockets the connectors do not open
themselves — an OAuth token refresh over HTTPS (bounded by its own timeout) or a keyring's D-Bus unlock prompt.
The app's quit does not wait for those: it closes the window on time and leaves such a thread to end with the
process (``gui.workers.quitting``).
"""

from __future__ import annotations

import socket
import ssl
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

_local = threading.local()

_INTERRUPTED = "the connection was interrupted (Facteur is closing)"


class Interrupter:
    """The sockets of the threads running under :meth:`watching`, and the switch that breaks them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._interrupted = False

    @property
    def interrupted(self) -> bool:
        return self._interrupted

    @contextmanager
    def watching(self) -> Iterator[None]:
        """Make the connections the current thread opens this interrupter's, for the duration of the block
        (nestable: the innermost block wins)."""
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
                pass  # already closed, handed over to a TLS socket, or never connected

    def reset(self) -> None:
        """Allow connections again (the next attempt after an interruption that was not a farewell)."""
        with self._lock:
            self._interrupted = False

    def watch(self, sock: socket.socket) -> None:
        """Break ``sock`` too at :meth:`interrupt`; if that already happened, raise ``ConnectionAbortedError``."""
        with self._lock:
            if self._interrupted:
                raise ConnectionAbortedError(_INTERRUPTED)
            self._sockets.add(sock)

    def check(self) -> None:
        if self._interrupted:
            raise ConnectionAbortedError(_INTERRUPTED)


def current() -> Interrupter | None:
    """The interrupter the calling thread runs under, if any."""
    interrupter: Interrupter | None = getattr(_local, "interrupter", None)
    return interrupter


def watch_socket(sock: socket.socket) -> None:
    """Hand ``sock`` to the calling thread's interrupter (nothing to do outside :meth:`Interrupter.watching`)."""
    interrupter = current()
    if interrupter is not None:
        interrupter.watch(sock)


def create_connection(address: tuple[str, int], timeout: object = None,
                      source_address: tuple[str, int] | None = None) -> socket.socket:
    """``socket.create_connection`` whose every step the calling thread's interrupter can break: refused before
    the lookup and before each attempt, and each socket watched before it connects. ``timeout`` as there (a
    number, None to block, or smtplib's "socket default" marker)."""
    interrupter = current()
    if interrupter is not None:
        interrupter.check()
    host, port = address
    failure: OSError | None = None
    for family, kind, proto, _name, target in socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM):
        if interrupter is not None:
            interrupter.check()
        sock = socket.socket(family, kind, proto)
        try:
            if interrupter is not None:
                interrupter.watch(sock)
            if timeout is None or isinstance(timeout, int | float):
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(target)
        except OSError as exc:
            sock.close()
            if interrupter is not None and interrupter.interrupted:
                raise ConnectionAbortedError(_INTERRUPTED) from None
            failure = exc
            continue
        return sock
    raise failure or OSError(f"no address found for {host}")


class WatchedSSLSocket(ssl.SSLSocket):
    """A TLS socket that hands itself to the calling thread's interrupter before its handshake (set as a
    context's ``sslsocket_class``). Wrapping detaches the plain socket, so the TLS socket must be watched too."""

    def do_handshake(self, block: bool = False) -> None:
        watch_socket(self)
        super().do_handshake(block)
