"""Small loopback web servers for the wizard's tests: an HTTPS autoconfig host, and a plain-HTTP one that must
never be contacted. Each records the paths it was asked for."""

from __future__ import annotations

import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.servers.ca import TestCA


class _Handler(BaseHTTPRequestHandler):
    server: LoopbackWebServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        route = self.server.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, body, headers = route
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class LoopbackWebServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, ca: TestCA | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, tuple[int, bytes, dict[str, str]]] = {}
        self.requests: list[str] = []
        self.scheme = "http"
        if ca is not None:
            cert = ca.issue(f"autoconfig-{id(self)}")
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert.cert_path, cert.key_path)
            self.socket = context.wrap_socket(self.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that refuse the certificate are part of the tests

    def start(self) -> LoopbackWebServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(5)

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server_address[1]}"

    def serve(self, path: str, body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self.routes[path] = (status, body, headers or {"Content-Type": "application/xml"})

    def redirect(self, path: str, location: str) -> None:
        self.routes[path] = (302, b"", {"Location": location})


def autoconfig_xml(imap: tuple[str, int, str], smtp: tuple[str, int, str], *, name: str = "Example Mail",
                   username: str = "%EMAILADDRESS%") -> bytes:
    """A Mozilla clientConfig document; each server is (host, port, socketType)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.test">
    <domain>example.test</domain>
    <displayName>{name}</displayName>
    <incomingServer type="pop3">
      <hostname>pop.example.test</hostname><port>995</port><socketType>SSL</socketType>
      <username>{username}</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>{imap[0]}</hostname><port>{imap[1]}</port><socketType>{imap[2]}</socketType>
      <username>{username}</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>{smtp[0]}</hostname><port>{smtp[1]}</port><socketType>{smtp[2]}</socketType>
      <username>{username}</username><authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>
""".encode()
