"""A loopback HTTP server that counts every connection and request: proof that nothing reached the network."""

from __future__ import annotations

import http.server
import socketserver
import threading
from types import TracebackType

PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


class CountingServer:
    def __init__(self) -> None:
        self.connections = 0
        self.requests: list[str] = []
        self.cookies: list[str] = []  # every Cookie header a request carried
        self._lock = threading.Lock()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def setup(self) -> None:
                with owner._lock:
                    owner.connections += 1
                super().setup()

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                with owner._lock:
                    owner.requests.append(self.path)
                    owner.cookies += self.headers.get_all("Cookie", [])
                body = PIXEL if self.path.endswith(".png") else b"body { color: red }"
                self.send_response(200)
                self.send_header("Content-Type", "image/png" if self.path.endswith(".png") else "text/css")
                self.send_header("Content-Length", str(len(body)))
                # What a tracker sends: a cookie, and leave to keep the answer for an hour.
                self.send_header("Set-Cookie", f"tracker={self.path.strip('/')}; Max-Age=86400; Path=/")
                self.send_header("Cache-Control", "public, max-age=3600")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> CountingServer:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
