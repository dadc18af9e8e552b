"""A network where every contact is a confession: a DNS stub that answers every name with loopback and logs it, and
TCP listeners on the usual web ports that log every connection.

Run inside a private network namespace (see :mod:`tests.gui.hostile.sealed`), where 127.0.0.1 is the only network
and ``/etc/resolv.conf`` points at the stub: then any DNS query or TCP accept is proof that the reader reached for
the network, including preconnects and DNS prefetches that never become a request an interceptor could see.
"""

from __future__ import annotations

import socket
import struct
import threading
from dataclasses import dataclass

WEB_PORTS = (80, 443, 8080, 8443, 8081)  # 8081: hosts the person allowed, and the barrier


@dataclass(frozen=True)
class Contact:
    kind: str  # "dns" or "tcp"
    detail: str  # the queried name, or "port" for a connection
    seq: int


def _question_name(packet: bytes, offset: int = 12) -> tuple[str, int]:
    labels: list[str] = []
    while offset < len(packet):
        length = packet[offset]
        offset += 1
        if length == 0:
            break
        labels.append(packet[offset:offset + length].decode("ascii", "replace"))
        offset += length
    return ".".join(labels).lower(), offset


def dns_answer(query: bytes) -> bytes:
    """An answer to ``query``: 127.0.0.1 for an A question, no records (NOERROR) for anything else."""
    ident = query[:2]
    _name, end = _question_name(query)
    question = query[12:end + 4]
    qtype = struct.unpack("!H", query[end:end + 2])[0] if end + 2 <= len(query) else 0
    answers = b""
    count = 0
    if qtype == 1:
        answers = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton("127.0.0.1")
        count = 1
    header = ident + struct.pack("!HHHHH", 0x8180, 1, count, 0, 0)
    return header + question + answers


class Tripwire:
    """Start with :meth:`start`; :attr:`contacts` grows as the network is touched."""

    def __init__(self, ports: tuple[int, ...] = WEB_PORTS) -> None:
        self.ports = ports
        self.contacts: list[Contact] = []
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._running = False

    def _log(self, kind: str, detail: str) -> None:
        with self._lock:
            self.contacts.append(Contact(kind, detail, len(self.contacts)))

    def start(self) -> None:
        self._running = True
        for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
            udp = socket.socket(family, socket.SOCK_DGRAM)
            udp.bind((host, 53))
            self._sockets.append(udp)
            threading.Thread(target=self._serve_udp, args=(udp,), daemon=True).start()
            for port in (53, *self.ports):
                listener = socket.socket(family, socket.SOCK_STREAM)
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                listener.bind((host, port))
                listener.listen(64)
                self._sockets.append(listener)
                threading.Thread(target=self._serve_tcp, args=(listener, port), daemon=True).start()

    def stop(self) -> None:
        self._running = False
        for sock in self._sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def snapshot(self) -> list[Contact]:
        with self._lock:
            return list(self.contacts)

    def _serve_udp(self, sock: socket.socket) -> None:
        while self._running:
            try:
                packet, peer = sock.recvfrom(4096)
            except OSError:
                return
            if len(packet) < 12:
                continue
            name, _ = _question_name(packet)
            self._log("dns", name)
            try:
                sock.sendto(dns_answer(packet), peer)
            except OSError:
                pass

    def _serve_tcp(self, listener: socket.socket, port: int) -> None:
        while self._running:
            try:
                conn, _peer = listener.accept()
            except OSError:
                return
            if port == 53:
                threading.Thread(target=self._serve_dns_tcp, args=(conn,), daemon=True).start()
                continue
            self._log("tcp", str(port))
            threading.Thread(target=self._serve_http, args=(conn,), daemon=True).start()

    def _serve_dns_tcp(self, conn: socket.socket) -> None:
        with conn:
            try:
                length = struct.unpack("!H", conn.recv(2))[0]
                packet = conn.recv(length)
            except (OSError, struct.error):
                return
            name, _ = _question_name(packet)
            self._log("dns", name)
            answer = dns_answer(packet)
            conn.sendall(struct.pack("!H", len(answer)) + answer)

    def _serve_http(self, conn: socket.socket) -> None:
        """Answer any request with a one-pixel PNG, so a page that was allowed to load finishes loading."""
        from tests.gui.main.http_counter import PIXEL

        with conn:
            try:
                conn.settimeout(10)
                data = conn.recv(65536)
                if data.startswith((b"GET", b"HEAD", b"POST")):
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nConnection: close\r\n"
                                 b"Content-Length: %d\r\n\r\n" % len(PIXEL) + PIXEL)
            except OSError:
                return
