"""Remote images the person allowed are fetched by Facteur and handed to the page through ``facteur-remote:``; the
web engine's own network stays closed, consent or not (see :mod:`gui.views.html_view`)."""

from __future__ import annotations

import http.server
import json
import socketserver
import threading
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QTimer, QUrl
from PySide6.QtNetwork import QNetworkProxy
from PySide6.QtWebEngineCore import QWebEngineScript

from connectors.messaging.html_sanitiser import message_document, remote_image_url, sanitise_html
from gui.views.html_view import REMOTE_IMAGE_SCHEME, HtmlMessageView, NetworkGate, content_security_policy
from gui.workers.remote_images import MAX_BYTES, RemoteImageFetcher
from tests.gui.main.http_counter import PIXEL, CountingServer

TIMEOUT = 20000


def allowed_document(html: str) -> str:
    return message_document(sanitise_html(html, allow_remote=True).html)


def shown_image_widths(view: HtmlMessageView, qtbot: Any) -> list[int]:
    """The natural width of every image of the page as the engine decoded it (0: not shown, -1: still loading)."""
    result: list[Any] = []
    view.page().runJavaScript("JSON.stringify(Array.from(document.images).map(i => i.complete ? i.naturalWidth : -1))",
                              QWebEngineScript.ScriptWorldId.ApplicationWorld, result.append)
    qtbot.waitUntil(lambda: bool(result), timeout=TIMEOUT)
    return [int(width) for width in json.loads(result[0])]


def wait_for_images(view: HtmlMessageView, qtbot: Any, expected: list[int]) -> None:
    """Until every image is done loading; then they are ``expected``."""
    widths = shown_image_widths(view, qtbot)
    for _ in range(200):
        if -1 not in widths and widths:
            break
        qtbot.wait(50)
        widths = shown_image_widths(view, qtbot)
    assert widths == expected


def owned_fetcher() -> RemoteImageFetcher:
    """A fetcher deleted by Qt (as a page's is, with its page), not by Python's garbage collector mid-event."""
    return RemoteImageFetcher(NetworkGate.instance().original_proxy, QCoreApplication.instance())


def make_view(qtbot: Any) -> HtmlMessageView:
    view = HtmlMessageView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    return view


def test_an_allowed_remote_image_is_fetched_by_facteur_and_shown(qtbot: Any) -> None:
    with CountingServer() as server:
        url = f"{server.base}/pixel.png"
        document = allowed_document(f'<p>Sale</p><img src="{url}">')
        assert remote_image_url(url) in document and "http://" not in document.replace(remote_image_url(url), "")
        view = make_view(qtbot)
        view.show_html(document, allow_remote=True)
        qtbot.waitUntil(lambda: view.message_page is not None and view.message_page.loaded, timeout=TIMEOUT)
        wait_for_images(view, qtbot, [1])
        page = view.message_page
        assert page is not None and page.remote_images is not None
        assert page.remote_images.fetcher.requested == [url]  # Facteur asked, not the engine
        assert server.requests == ["/pixel.png"] and server.connections == 1
        assert "http" not in content_security_policy(True)


def test_with_consent_the_engine_still_fetches_no_web_address(qtbot: Any) -> None:
    """The engine wall alone (an unsanitised document), with consent: prefetch, preload, a stylesheet, a plain http
    image and a CSS background reach nothing; only the image Facteur fetches does. (A preconnect to a loopback
    address cannot be tested here: Chromium never sends loopback through a proxy. The sealed suite,
    ``tests/gui/hostile``, proves the closed proxy holds for preconnects with consent: case ``consent-hints``.)"""
    with CountingServer() as web, CountingServer() as images:
        html = (f'<html><head><link rel="prefetch" href="{web.base}/p"><link rel="preload" as="image" '
                f'href="{web.base}/i.png"><link rel="stylesheet" href="{web.base}/style.css"></head><body>'
                f'<img src="{web.base}/direct.png"><div style="background:url({web.base}/bg.png)">x</div>'
                f'<img src="{remote_image_url(images.base + "/pixel.png")}"></body></html>')
        view = make_view(qtbot)
        view.show_html(html, allow_remote=True)
        qtbot.waitUntil(lambda: view.message_page is not None and view.message_page.loaded, timeout=TIMEOUT)
        wait_for_images(view, qtbot, [0, 1])
        assert images.requests == ["/pixel.png"]
        assert web.connections == 0 and web.requests == []


def test_with_consent_resource_hints_open_no_socket(qtbot: Any) -> None:
    """The reader's path (sanitised, consent given): hints are gone, the allowed image alone is fetched."""
    with CountingServer() as hints, CountingServer() as images:
        html = (f'<link rel="preconnect" href="{hints.base}"><link rel="dns-prefetch" href="{hints.base}">'
                f'<link rel="prefetch" href="{hints.base}/p"><p>Hi</p><img src="{images.base}/pixel.png">')
        view = make_view(qtbot)
        view.show_html(allowed_document(html), allow_remote=True)
        qtbot.waitUntil(lambda: view.message_page is not None and view.message_page.loaded, timeout=TIMEOUT)
        wait_for_images(view, qtbot, [1])
        assert images.requests == ["/pixel.png"] and images.connections == 1
        assert hints.connections == 0 and hints.requests == []


def test_the_engine_network_is_never_opened_and_nothing_goes_beyond_loopback(qtbot: Any) -> None:
    """Sampled on every turn of the event loop while allowed and refused messages follow each other: the engine's
    proxy is always the closed loopback one, and Facteur only fetches the (loopback) addresses the messages name."""
    gate = NetworkGate.instance()
    closed = (gate.closed_proxy.hostName(), gate.closed_proxy.port())
    assert closed[0] == "127.0.0.1"
    samples: list[tuple[str, int, Any]] = []

    def sample() -> None:
        proxy = QNetworkProxy.applicationProxy()
        samples.append((proxy.hostName(), proxy.port(), proxy.type()))

    sampler = QTimer()
    sampler.timeout.connect(sample)
    sampler.start(0)
    fetched: list[str] = []
    with CountingServer() as server:
        view = make_view(qtbot)
        for n in range(4):
            view.show_html(allowed_document(f'<img src="{server.base}/allowed{n}.png">'), allow_remote=True)
            page = view.message_page
            assert page is not None and page.remote_images is not None
            qtbot.waitUntil(lambda n=n: f"/allowed{n}.png" in server.requests, timeout=TIMEOUT)
            fetched += page.remote_images.fetcher.requested
            view.show_html(message_document(sanitise_html(f'<img src="{server.base}/refused{n}.png">').html))
            qtbot.waitUntil(lambda: view.message_page is not None and view.message_page.loaded, timeout=TIMEOUT)
    sampler.stop()
    assert samples and all(s == (*closed, QNetworkProxy.ProxyType.HttpProxy) for s in samples)
    assert all(QUrl(url).host() == "127.0.0.1" for url in fetched) and len(fetched) == 4
    assert not any("refused" in path for path in server.requests)


def test_a_hostile_message_after_an_allowed_one_cannot_use_its_consent(qtbot: Any) -> None:
    """Shown right after an allowed message, without waiting: the refused page has no ``facteur-remote:`` handler,
    its own ``facteur-remote:`` and http images reach nothing, and the allowed page's fetches are closed."""
    with CountingServer() as server:
        view = make_view(qtbot)
        for attempt in range(3):
            view.show_html(allowed_document(f'<img src="{server.base}/allowed{attempt}.png">'), allow_remote=True)
            allowed = view.message_page
            assert allowed is not None and allowed.remote_images is not None
            hostile = (f'<img src="{remote_image_url(f"{server.base}/smuggled{attempt}.png")}">'
                       f'<img src="{server.base}/direct{attempt}.png">'
                       f'<link rel="preconnect" href="{server.base}">')
            view.show_html(message_document(hostile), allow_remote=False)
            page = view.message_page
            assert page is not None and page.remote_images is None
            assert page.profile().urlSchemeHandler(QByteArray(REMOTE_IMAGE_SCHEME)) is None
            assert allowed.remote_images.fetcher.closed
            qtbot.waitUntil(lambda: view.message_page is not None and view.message_page.loaded, timeout=TIMEOUT)
            wait_for_images(view, qtbot, [0, 0])
            # A barrier: a later allowed image arrives, so anything the hostile page did has had its chance.
            view.show_html(allowed_document(f'<img src="{server.base}/barrier{attempt}.png">'), allow_remote=True)
            qtbot.waitUntil(lambda attempt=attempt: f"/barrier{attempt}.png" in server.requests, timeout=TIMEOUT)
        assert not any(path.startswith(("/smuggled", "/direct")) for path in server.requests)


def test_the_fetcher_takes_images_only_and_web_addresses_only(qtbot: Any) -> None:
    with CountingServer() as server:
        fetcher = owned_fetcher()
        outcomes: list[tuple[str, Any]] = []
        for count, path in enumerate(("/pixel.png", "/style.css")):
            fetch = fetcher.fetch(QUrl(server.base + path))
            assert fetch is not None
            fetch.fetched.connect(lambda media, data: outcomes.append((media, data)))
            fetch.failed.connect(lambda reason: outcomes.append(("failed", reason)))
            qtbot.waitUntil(lambda count=count: len(outcomes) > count, timeout=TIMEOUT)
        assert outcomes[0][0] == "image/png" and outcomes[0][1].startswith(b"\x89PNG")
        assert outcomes[1] == ("failed", "not an image")
        for other in ("file:///etc/passwd", "ftp://127.0.0.1/x.png", "data:image/png;base64,AA==",
                      "facteur-remote:http%3A%2F%2F127.0.0.1%2Fx.png"):
            assert fetcher.fetch(QUrl(other)) is None
        fetcher.close()
        assert fetcher.fetch(QUrl(server.base + "/pixel.png")) is None
        fetcher.deleteLater()
        assert server.requests == ["/pixel.png", "/style.css"]


class _Redirector:
    """A loopback server answering every path with a redirect to ``targets[path]``, or a body over the size cap."""

    def __init__(self, targets: dict[str, str]) -> None:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                if self.path == "/huge.png":
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.end_headers()
                    chunk = b"\0" * 65536
                    try:
                        for _ in range(MAX_BYTES // len(chunk) + 2):
                            self.wfile.write(chunk)
                    except OSError:
                        pass  # the client gave up, as it should
                    return
                self.send_response(302)
                self.send_header("Location", targets[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_redirects_stay_on_the_web_and_the_size_is_capped(qtbot: Any) -> None:
    with CountingServer() as images:
        redirector = _Redirector({"/web.png": f"{images.base}/pixel.png", "/file.png": "file:///etc/hostname"})
        try:
            fetcher = owned_fetcher()
            outcomes: dict[str, Any] = {}
            for path in ("/web.png", "/file.png", "/huge.png"):
                fetch = fetcher.fetch(QUrl(redirector.base + path))
                assert fetch is not None
                fetch.fetched.connect(lambda media, data, path=path: outcomes.__setitem__(path, (media, len(data))))
                fetch.failed.connect(lambda reason, path=path: outcomes.__setitem__(path, ("failed", reason)))
            qtbot.waitUntil(lambda: len(outcomes) == 3, timeout=TIMEOUT)
            assert outcomes["/web.png"] == ("image/png", len(PIXEL)) and images.requests == ["/pixel.png"]
            assert outcomes["/file.png"][0] == "failed"
            assert outcomes["/huge.png"] == ("failed", "too large")
            fetcher.close()
            fetcher.deleteLater()
        finally:
            redirector.close()
