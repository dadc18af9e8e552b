"""Fetches the remote images a person allowed for one message, for the reader's ``facteur-remote:`` scheme.

The web engine never reaches the network (its proxy is a closed loopback port for good, see
:class:`gui.views.html_view.NetworkGate`); an image it may show is fetched here instead, asynchronously on the GUI
thread's event loop (nothing blocks), with a :class:`QNetworkAccessManager` of its own per page:

* through the application's *original* proxy (the one in force before the engine's was closed), never the closed one;
* no cookies sent or kept, no cache, no credentials asked for;
* http(s) only, redirects included (at most :data:`MAX_REDIRECTS`, each checked);
* at most :data:`MAX_BYTES`, and only image content (``image/*`` but SVG).
"""

from __future__ import annotations

import logging
import urllib.parse

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtNetwork import (
    QNetworkAccessManager,
    QNetworkCookieJar,
    QNetworkProxy,
    QNetworkReply,
    QNetworkRequest,
)
from shiboken6 import isValid

log = logging.getLogger(__name__)

WEB_SCHEMES = frozenset({"http", "https"})
MAX_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
TIMEOUT_MS = 30000


def is_web_url(url: QUrl) -> bool:
    return url.isValid() and url.scheme().lower() in WEB_SCHEMES and bool(url.host())


def image_type(header: object) -> str | None:
    """The media type of a ``Content-Type`` header value when it is a (non-SVG) image, else None."""
    if not isinstance(header, str):
        return None
    media = header.split(";", 1)[0].strip().lower()
    if not media.startswith("image/") or media == "image/svg+xml" or any(c.isspace() for c in media):
        return None
    return media


class RemoteImageFetch(QObject):
    """One image. Exactly one of ``fetched(content_type, data)`` or ``failed(reason)`` is emitted, unless aborted."""

    fetched = Signal(str, bytes)
    failed = Signal(str)

    def __init__(self, reply: QNetworkReply, parent: QObject) -> None:
        super().__init__(parent)
        self._reply = reply
        self._data = bytearray()
        self._over = False
        reply.setParent(self)
        reply.redirected.connect(self._redirected)
        reply.metaDataChanged.connect(self._check_headers)
        reply.readyRead.connect(self._read)
        reply.finished.connect(self._finished)

    def abort(self) -> None:
        if not self._over:
            self._over = True
            if isValid(self._reply):  # not already gone with its page (teardown order is Qt's)
                self._reply.abort()

    def _stop(self, reason: str) -> None:
        if self._over:
            return
        self._over = True
        self._reply.abort()
        self.failed.emit(reason)

    def _redirected(self, url: QUrl) -> None:
        if is_web_url(url):
            self._reply.redirectAllowed.emit()
        else:
            self._stop("redirect to a non-web address")

    def _check_headers(self) -> None:
        length = self._reply.header(QNetworkRequest.KnownHeaders.ContentLengthHeader)
        if isinstance(length, int) and length > MAX_BYTES:
            self._stop("too large")

    def _read(self) -> None:
        if self._over:
            return
        self._data += bytes(self._reply.readAll().data())
        if len(self._data) > MAX_BYTES:
            self._stop("too large")

    def _finished(self) -> None:
        if self._over:
            return
        self._read()
        if self._over:
            return
        self._over = True
        if self._reply.error() != QNetworkReply.NetworkError.NoError:
            self.failed.emit(self._reply.errorString())
            return
        media = image_type(self._reply.header(QNetworkRequest.KnownHeaders.ContentTypeHeader))
        if media is None:
            self.failed.emit("not an image")
            return
        self.fetched.emit(media, bytes(self._data))


class RemoteImageFetcher(QObject):
    """The network access for one message's allowed images; :meth:`close` aborts everything and refuses more."""

    def __init__(self, proxy: QNetworkProxy, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._manager = QNetworkAccessManager(self)
        if proxy.type() == QNetworkProxy.ProxyType.DefaultProxy:
            proxy = QNetworkProxy(QNetworkProxy.ProxyType.NoProxy)
        self._manager.setProxy(proxy)
        self._manager.setCookieJar(_NoCookies(self))
        self._manager.setAutoDeleteReplies(False)
        self._fetches: set[RemoteImageFetch] = set()
        self.closed = False
        self.requested: list[str] = []
        """Every address asked for (its host is what a test checks)."""

    def fetch(self, url: QUrl) -> RemoteImageFetch | None:
        if self.closed or not is_web_url(url):
            return None
        request = QNetworkRequest(url)
        request.setAttribute(QNetworkRequest.Attribute.RedirectPolicyAttribute,
                             QNetworkRequest.RedirectPolicy.UserVerifiedRedirectPolicy)
        request.setMaximumRedirectsAllowed(MAX_REDIRECTS)
        request.setAttribute(QNetworkRequest.Attribute.CookieLoadControlAttribute,
                             QNetworkRequest.LoadControl.Manual)
        request.setAttribute(QNetworkRequest.Attribute.CookieSaveControlAttribute,
                             QNetworkRequest.LoadControl.Manual)
        request.setAttribute(QNetworkRequest.Attribute.AuthenticationReuseAttribute,
                             QNetworkRequest.LoadControl.Manual)
        request.setAttribute(QNetworkRequest.Attribute.CacheLoadControlAttribute,
                             QNetworkRequest.CacheLoadControl.AlwaysNetwork)
        request.setAttribute(QNetworkRequest.Attribute.CacheSaveControlAttribute, False)
        request.setTransferTimeout(TIMEOUT_MS)
        request.setRawHeader(b"Accept", b"image/avif,image/webp,image/png,image/jpeg,image/gif,image/*;q=0.8")
        self.requested.append(url.toString())
        fetch = RemoteImageFetch(self._manager.get(request), self)
        self._fetches.add(fetch)
        fetch.fetched.connect(lambda *_: self._forget(fetch))
        fetch.failed.connect(lambda *_: self._forget(fetch))
        return fetch

    def cancel(self, fetch: RemoteImageFetch) -> None:
        """Abort ``fetch`` (its request went away); it emits nothing more."""
        if fetch not in self._fetches:
            return
        fetch.abort()
        self._forget(fetch)

    def _forget(self, fetch: RemoteImageFetch) -> None:
        if fetch in self._fetches:
            self._fetches.discard(fetch)
            if isValid(fetch):
                fetch.deleteLater()

    def close(self) -> None:
        self.closed = True
        for fetch in list(self._fetches):
            fetch.abort()
            if isValid(fetch):
                fetch.deleteLater()
        self._fetches.clear()


def original_url(encoded: str) -> QUrl:
    """The web address inside a ``facteur-remote:`` address's (percent-encoded) path."""
    return QUrl(urllib.parse.unquote(encoded), QUrl.ParsingMode.StrictMode)


class _NoCookies(QNetworkCookieJar):
    def cookiesForUrl(self, url: QUrl) -> list:  # type: ignore[override, type-arg]
        return []

    def setCookiesFromUrl(self, cookies: object, url: QUrl) -> bool:  # type: ignore[override]
        return False
