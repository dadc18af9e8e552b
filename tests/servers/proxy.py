"""A loopback TCP proxy that can misbehave on purpose: cut connections after N bytes, kill them all, add latency.

Used to test a server that drops mid-sync and dead IDLE connections, and by the benchmarks to feel like a home
connection (``delay`` seconds each way) instead of loopback.
"""

from __future__ import annotations

import socket
import threading
import time
from queue import Queue
from types import TracebackType


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
