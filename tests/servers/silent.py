"""A loopback server that accepts connections and never says a word: a connect that hangs on the greeting."""

from __future__ import annotations

import socket
import threading
from types import TracebackType


class SilentServer:
    host = "127.0.0.1"

    def __init__(self) -> None:
        self._listener = socket.socket()
        self._listener.bind((self.host, 0))
        self._listener.listen(16)
        self.port: int = self._listener.getsockname()[1]
        self._accepted: list[socket.socket] = []
        self._lock = threading.Lock()
        self.connected = threading.Event()  # set at the first accepted connection
        threading.Thread(target=self._accept_loop, name="silent-server", daemon=True).start()

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._accepted)

    def _accept_loop(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._accepted.append(client)
            self.connected.set()

    def close(self) -> None:
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        except OSError:
            pass
        self._listener.close()
        with self._lock:
            accepted, self._accepted = self._accepted, []
        for client in accepted:
            client.close()

    def __enter__(self) -> SilentServer:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
