"""A loopback TCP proxy that can misbehave on purpose: cut connections after N bytes, kill them all, add latency.

Used to test a server that drops mid-sync and dead IDLE connections, and by the benchmarks to feel like a home
connection (``delay`` seconds each way) instead of loopback. :class:`CommandFaultProxy` also watches the client's
command lines, to cut, stall or garble at an exact protocol step (after SMTP's final "." of DATA, during LOGIN).
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from queue import Queue
from types import TracebackType
from typing import ClassVar


class FaultyProxy:
    host = "127.0.0.1"

    def __init__(self, target_port: int, *, target_host: str = "127.0.0.1", delay: float = 0.0) -> None:
        self.target = (target_host, target_port)
        self.delay = delay
        #: Close each new connection after this many bytes from the server (None = never).
        self.cut_after_bytes: int | None = None
        #: Stop forwarding (black hole) without closing: a network that vanished silently.
        self.frozen = False
        #: Close the connection when the client sends a line longer than this many bytes (None = no limit), as
        #: servers that limit command length do (Courier ends the session at a 16 KB argument).
        self.max_client_line: int | None = None
        #: The longest line any client sent, and how many connections were closed for a line too long.
        self.longest_client_line = 0
        self.closed_for_long_line = 0
        #: Freeze once the clients have sent this many bytes (None = never): a transfer stuck halfway.
        self.freeze_after_client_bytes: int | None = None
        self.client_bytes = 0
        #: Bytes the server sent through this proxy (every connection), to check what a client downloaded.
        self.server_bytes = 0
        self._byte_marks: list[tuple[int, threading.Event]] = []
        self.connections = 0
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((self.host, 0))
        self._listener.listen(64)
        self.port: int = self._listener.getsockname()[1]
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._running = False

    def start(self) -> None:
        self._running = True
        threading.Thread(target=self._accept_loop, name="faulty-proxy", daemon=True).start()

    def stop(self) -> None:
        self._running = False
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close alone would not
        except OSError:
            pass
        self._listener.close()
        self.kill_all()

    def __enter__(self) -> FaultyProxy:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def kill_all(self) -> None:
        """Reset every open connection, as a server crash or a NAT timeout would."""
        with self._lock:
            sockets, self._open = self._open, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept_loop(self) -> None:
        while self._running:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open += [client, upstream]
                self.connections += 1
            budget = [self.cut_after_bytes]
            threading.Thread(target=self._pump, args=(client, upstream, None, [0]), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, budget), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, budget: list[int | None] | None,
              line: list[int] | None = None) -> None:
        if self.delay:
            # Latency, not bandwidth: each chunk leaves `delay` after it arrived, chunks still stream back to back.
            queue: Queue[tuple[float, bytes]] = Queue()
            threading.Thread(target=self._deliver_later, args=(queue, sink, source), daemon=True).start()
            try:
                while data := source.recv(65536):
                    if line is None:
                        self._count_server(len(data))
                    queue.put((time.monotonic() + self.delay, data))
            except OSError:
                pass
            queue.put((time.monotonic() + self.delay, b""))
            return
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if line is None:
                    self._count_server(len(data))
                if line is not None and self.freeze_after_client_bytes is not None:  # the client's direction
                    self.client_bytes += len(data)
                    if self.client_bytes >= self.freeze_after_client_bytes:
                        self.frozen = True
                while self.frozen:
                    time.sleep(0.05)
                if line is not None and self._line_too_long(data, line):
                    break
                if budget is not None and budget[0] is not None:
                    if len(data) >= budget[0]:
                        sink.sendall(data[:budget[0]])
                        break
                    budget[0] -= len(data)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _shutdown(source, sink)

    def when_server_bytes(self, count: int) -> threading.Event:
        """An event set as soon as the server has sent ``count`` bytes through this proxy (all connections), just
        before those bytes are forwarded: the moment to kill a client mid-transfer."""
        event = threading.Event()
        with self._lock:
            if self.server_bytes >= count:
                event.set()
            else:
                self._byte_marks.append((count, event))
        return event

    def _count_server(self, count: int) -> None:
        with self._lock:
            self.server_bytes += count
            for mark in [mark for mark in self._byte_marks if self.server_bytes >= mark[0]]:
                self._byte_marks.remove(mark)
                mark[1].set()

    def _line_too_long(self, data: bytes, line: list[int]) -> bool:
        """Track the length of the client's current line across chunks (``line[0]``); True to cut."""
        *ended, rest = data.split(b"\n")
        lengths = [line[0] + len(ended[0])] + [len(part) for part in ended[1:]] if ended else []
        line[0] = len(rest) if ended else line[0] + len(rest)
        longest = max([*lengths, line[0]])
        with self._lock:
            self.longest_client_line = max(self.longest_client_line, longest)
            if self.max_client_line is not None and longest > self.max_client_line:
                self.closed_for_long_line += 1
                return True
        return False

    @staticmethod
    def _deliver_later(queue: Queue[tuple[float, bytes]], sink: socket.socket, source: socket.socket) -> None:
        try:
            while True:
                due, data = queue.get()
                wait = due - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _shutdown(source, sink)


def _shutdown(*sockets: socket.socket) -> None:
    for sock in sockets:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


@dataclass
class LineFault:
    """What to do when the client sends a line matching ``pattern`` (a regex, any case, matched against the whole line,
    without its CRLF): ``cut-before`` (the line never reaches the server; both sides are closed), ``cut-after``
    (the server gets the line and answers, but the answer is lost: the client side is closed at once), ``stall``
    (the server gets the line; its answers are held back and the connection stays open: a silent network),
    ``garble`` (the server's answer is replaced by a line that is not protocol, then the connection is closed).
    ``times`` is how many matching lines trigger it (across connections); then the proxy forwards normally."""

    pattern: bytes
    action: str
    times: int = 1
    fired: int = 0

    ACTIONS: ClassVar[tuple[str, ...]] = ("cut-before", "cut-after", "stall", "garble")

    def __post_init__(self) -> None:
        if self.action not in self.ACTIONS:
            raise ValueError(f"action must be one of {self.ACTIONS}, not {self.action!r}")
        self._regex = re.compile(self.pattern, re.DOTALL | re.IGNORECASE)  # smtplib sends "mail FROM:"

    def matches(self, line: bytes) -> bool:
        return self.fired < self.times and self._regex.fullmatch(line) is not None


class CommandFaultProxy(FaultyProxy):
    """A FaultyProxy that also reads the client's command lines, to misbehave at an exact protocol step (after
    SMTP's final "." of DATA, during IMAP LOGIN...), and can cut each successive connection at its own offset.

    It works on clear-text protocols only (it must see the commands); ``cut_offsets`` works under TLS too.
    """

    def __init__(self, target_port: int, *, target_host: str = "127.0.0.1") -> None:
        super().__init__(target_port, target_host=target_host)
        self.faults: list[LineFault] = []
        #: Server bytes after which each new connection is cut, one value per connection in turn (None: no cut).
        #: Once the iterator is exhausted, connections are not cut.
        self.cut_offsets: Iterator[int | None] | None = None
        self.fired = threading.Event()  # set each time a fault fires
        #: Set when the server has answered (tagged reply) a command a ``stall`` fault holds back: it did the work.
        self.answered = threading.Event()
        self.stopped = threading.Event()  # stalled links hold until the proxy stops

    def fault(self, pattern: bytes, action: str, times: int = 1) -> LineFault:
        rule = LineFault(pattern, action, times)
        self.faults.append(rule)
        return rule

    def _accept_loop(self) -> None:
        while self._running:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            budget = self.cut_after_bytes
            if self.cut_offsets is not None:
                budget = next(self.cut_offsets, None)
            with self._lock:
                self._open += [client, upstream]
                self.connections += 1
            link = _Link(self, client, upstream, budget)
            threading.Thread(target=link.client_to_server, daemon=True).start()
            threading.Thread(target=link.server_to_client, daemon=True).start()

    def stop(self) -> None:
        self.stopped.set()
        super().stop()

    def _match(self, line: bytes) -> LineFault | None:
        with self._lock:
            for rule in self.faults:
                if rule.matches(line):
                    rule.fired += 1
                    return rule
        return None


class _Link:
    """One proxied connection of a CommandFaultProxy."""

    def __init__(self, proxy: CommandFaultProxy, client: socket.socket, upstream: socket.socket,
                 budget: int | None) -> None:
        self.proxy, self.client, self.upstream, self.budget = proxy, client, upstream, budget
        self.mode = "forward"  # then "reply-lost", "stall" or "garble"
        self.stalled_tag = b""  # the IMAP tag of the command a stall holds the answer of
        self._lock = threading.Lock()

    def client_to_server(self) -> None:
        pending = b""
        try:
            if not self.proxy.faults:  # nothing to watch for: plain forwarding (TLS has no lines to read)
                while data := self.client.recv(262144):
                    self.upstream.sendall(data)
                return
            while data := self.client.recv(262144):
                *lines, pending = (pending + data).split(b"\n")
                out: list[bytes] = []
                for line in lines:
                    rule = self.proxy._match(line.rstrip(b"\r")) if len(line) < 1024 else None
                    if rule is None:
                        out.append(line + b"\n")
                        continue
                    self.upstream.sendall(b"".join(out))
                    out = []
                    if rule.action == "cut-before":
                        self.proxy.fired.set()
                        _shutdown(self.client, self.upstream)
                        return
                    with self._lock:  # before the line goes: the server may answer at once
                        self.mode = {"cut-after": "reply-lost", "stall": "stall", "garble": "garble"}[rule.action]
                        self.stalled_tag = line.split(b" ", 1)[0]
                    # Also before: the server's answer can close the client's side (server_to_client) and the test
                    # see the break before this thread runs again.
                    self.proxy.fired.set()
                    self.upstream.sendall(line + b"\n")
                    if rule.action == "cut-after":
                        _shutdown(self.client)
                        return
                    if rule.action == "stall":
                        # Read nothing more either: a client still sending fills its buffers and blocks.
                        self.proxy.stopped.wait()
                        return
                self.upstream.sendall(b"".join(out))
                if len(pending) > 65536:  # a very long line: forward it, only short lines are matched
                    self.upstream.sendall(pending)
                    pending = b""
        except OSError:
            pass
        finally:
            if self.mode in ("forward", "garble"):
                _shutdown(self.client, self.upstream)

    def server_to_client(self) -> None:
        held = b""
        try:
            while data := self.upstream.recv(65536):
                with self._lock:
                    mode = self.mode
                if mode == "reply-lost":
                    break  # the server answered: nobody hears it
                if mode == "stall":  # swallowed; the client waits for an answer that never comes
                    held += data
                    if self.stalled_tag and (b"\n" + self.stalled_tag + b" ") in b"\n" + held:
                        self.proxy.answered.set()
                    continue
                if mode == "garble":
                    self.client.sendall(b"\x16\x03garbled \xff answer\r\n")
                    break
                if self.budget is not None:
                    if len(data) >= self.budget:
                        self.client.sendall(data[:self.budget])
                        break
                    self.budget -= len(data)
                self.client.sendall(data)
        except OSError:
            pass
        finally:
            _shutdown(self.client, self.upstream)
