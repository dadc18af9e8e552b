"""A web view for HTML mail that cannot run code, cannot reach the network unless allowed, and never navigates.

This is the second wall behind the sanitiser (:mod:`gui.views.html_sanitiser`), and it holds on its own:

* **One message, one page.** Each message gets a fresh page with its own off-the-record profile (no cookies,
  cache, storage or connections shared with anything), its own request guard and its own consent. The previous
  page is stopped and thrown away before the new one starts, so nothing it still wanted can ride on the new
  message's consent.
* **A scheme of its own with a Content-Security-Policy.** The page is served from ``facteur-message:`` with a
  policy that allows only ``data:``/``cid:`` images and inline styles (plus http(s) images, styles and fonts once
  the person allowed remote content for this message). Scripts, frames, objects, forms, media, ``<base>`` and
  fetches are refused by the engine, whatever the HTML says.
* **No socket without consent.** Resource hints (``<link rel=preconnect>``) open connections that no policy and no
  request interceptor sees. So the web engine's proxy points at a loopback port that refuses every connection —
  nothing is resolved, nothing leaves — except while a page whose remote content was allowed is shown
  (:class:`NetworkGate`). DNS prefetching is off.
* A request interceptor lets through only the page itself, ``data:`` and, when allowed, http(s); everything else
  is blocked and counted. JavaScript, plugins, window opening, drag-and-drop navigation and ``ping`` are off.
* Clicking a link never loads it here: the view emits ``linkActivated`` and the window decides.
"""

from __future__ import annotations

import logging
import secrets
import socket
from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QContextMenuEvent, QDesktopServices, QGuiApplication
from PySide6.QtNetwork import QNetworkProxy
from PySide6.QtWebEngineCore import (
    QWebEngineLoadingInfo,
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QMenu, QWidget

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

log = logging.getLogger(__name__)

MESSAGE_SCHEME = b"facteur-message"
ERR_PROXY_CONNECTION_FAILED = -130  # Chromium's net error
REMOTE_SCHEMES = frozenset({"http", "https"})
ALWAYS_ALLOWED_SCHEMES = frozenset({"data"})


def register_message_scheme() -> None:
    """Declare the ``facteur-message:`` scheme to the web engine. Must run before the QApplication exists."""
    if QWebEngineUrlScheme.schemeByName(QByteArray(MESSAGE_SCHEME)).name() == QByteArray(MESSAGE_SCHEME):
        return
    scheme = QWebEngineUrlScheme(QByteArray(MESSAGE_SCHEME))
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Path)
    # An opaque origin: a message can reach nothing of any other page, not even another message.
    scheme.setFlags(QWebEngineUrlScheme.Flag.NoAccessAllowed)
    QWebEngineUrlScheme.registerScheme(scheme)


def same_document(url: QUrl, other: QUrl) -> bool:
    """``url`` is ``other`` (a ``facteur-message:`` address), whatever its fragment."""
    return url.scheme().lower() == other.scheme().lower() and url.path() == other.path() and not url.hasQuery()


def content_security_policy(allow_remote: bool) -> str:
    """What the engine may load for a message: inline images and styles, and web images once allowed."""
    remote = " http: https:" if allow_remote else ""
    return ("default-src 'none'; script-src 'none'; object-src 'none'; frame-src 'none'; child-src 'none'; "
            "worker-src 'none'; connect-src 'none'; media-src 'none'; manifest-src 'none'; form-action 'none'; "
            f"base-uri 'none'; img-src data: cid:{remote}; style-src 'unsafe-inline'{remote}; font-src data:{remote}")


class NetworkGate(QObject):
    """The web engine's only way out. Closed, its proxy is a loopback port that refuses every connection (bound,
    never listening), so not even a name is resolved; open, the application's own proxy setting is restored.
    It is open exactly while at least one page whose remote content the person allowed exists.

    The engine applies a proxy change a moment later, not at once: after closing, pages without consent wait
    (:meth:`when_closed`) until a probe request to a never-routed address (TEST-NET-1) fails at the proxy, which
    proves the closed setting is the one in force."""

    PROBE_URL = "http://192.0.2.1/"
    PROBE_INTERVAL_MS = 50
    PROBE_LIMIT = 200  # probes, before giving up; the engine takes one to three seconds here
    PROBES_AT_ONCE = 4
    PROBE_PATIENCE = 60  # ticks (three seconds) before a probe that never answered is dropped

    _instance: NetworkGate | None = None

    def __init__(self) -> None:
        super().__init__()
        self._refuser = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._refuser.bind(("127.0.0.1", 0))
        self._closed = QNetworkProxy(QNetworkProxy.ProxyType.HttpProxy, "127.0.0.1", self._refuser.getsockname()[1])
        self._open_proxy = QNetworkProxy.applicationProxy()
        self._holders: set[int] = set()
        self._waiting: list[Callable[[], None]] = []
        self._probes: list[QWebEnginePage] = []
        self._probe_profile: QWebEngineProfile | None = None
        self._probe_timer = QTimer(self)
        self._probe_timer.setInterval(self.PROBE_INTERVAL_MS)
        self._probe_timer.timeout.connect(self._probe)
        self._probes_sent = 0
        self._ticks = 0
        # Nothing has used the engine's network yet: the closed setting is the first it will ever see.
        self.settled = True
        QNetworkProxy.setApplicationProxy(self._closed)

    @classmethod
    def instance(cls) -> NetworkGate:
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance

    @property
    def is_open(self) -> bool:
        return bool(self._holders)

    def open_for(self, holder: QObject) -> None:
        """Open while ``holder`` lives (or until :meth:`release`)."""
        key = id(holder)
        if key not in self._holders:
            self._holders.add(key)
            holder.destroyed.connect(lambda: self._release_key(key))
        self.settled = False
        self._probe_timer.stop()
        QNetworkProxy.setApplicationProxy(self._open_proxy)

    def release(self, holder: QObject) -> None:
        self._release_key(id(holder))

    def when_closed(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the closed setting is known to be in force (at once if it is)."""
        if self.settled and not self._holders:
            callback()
            return
        self._waiting.append(callback)

    def _release_key(self, key: int) -> None:
        if key not in self._holders:
            return
        self._holders.discard(key)
        if not self._holders:
            QNetworkProxy.setApplicationProxy(self._closed)
            self._probes_sent = 0
            self._probe()
            self._probe_timer.start()

    def _probe(self) -> None:
        if self._holders or self.settled:
            self._probe_timer.stop()
            return
        if self._probes_sent >= self.PROBE_LIMIT:
            # Never confirmed: carry on behind the other walls (policy, interceptor, sanitiser) rather than hang.
            log.warning("The web engine did not confirm its closed proxy; continuing behind the other walls")
            self._settle()
            return
        self._ticks += 1
        # A probe that went out before the change may hang on the unroutable address: drop it after a while.
        for stale in [page for page in self._probes if self._ticks - int(page.property("tick")) > self.PROBE_PATIENCE]:
            self._probes.remove(stale)
            stale.triggerAction(QWebEnginePage.WebAction.Stop)
            stale.deleteLater()
        if len(self._probes) >= self.PROBES_AT_ONCE:
            return
        self._probes_sent += 1
        if self._probe_profile is None:
            self._probe_profile = QWebEngineProfile(self)
            self._probe_profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.NoCache)
        page = QWebEnginePage(self._probe_profile, self._probe_profile)
        page.setProperty("tick", self._ticks)
        page.loadingChanged.connect(lambda info, page=page: self._probed(page, info))
        self._probes.append(page)
        page.load(QUrl(self.PROBE_URL))

    def _probed(self, page: QWebEnginePage, info: QWebEngineLoadingInfo) -> None:
        if info.status() not in (QWebEngineLoadingInfo.LoadStatus.LoadFailedStatus,
                                 QWebEngineLoadingInfo.LoadStatus.LoadSucceededStatus):
            return
        if page in self._probes:
            self._probes.remove(page)
        page.deleteLater()
        if info.errorCode() == ERR_PROXY_CONNECTION_FAILED and not self._holders and not self.settled:
            self._settle()

    def _settle(self) -> None:
        self.settled = True
        self._probe_timer.stop()
        for probe in self._probes:
            probe.triggerAction(QWebEnginePage.WebAction.Stop)
            probe.deleteLater()
        self._probes.clear()
        waiting, self._waiting = self._waiting, []
        for callback in waiting:
            callback()


class _MessageSource(QWebEngineUrlSchemeHandler):
    """Serves one page's document, with its policy, at one unguessable address."""

    def __init__(self, document: bytes, policy: str, parent: QObject) -> None:
        super().__init__(parent)
        self.url = QUrl(f"{MESSAGE_SCHEME.decode()}:/{secrets.token_hex(16)}")
        self._document = document
        self._policy = policy

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        if not same_document(job.requestUrl(), self.url):
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        buffer = QBuffer(job)
        buffer.setData(QByteArray(self._document))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        if self._policy:
            job.setAdditionalResponseHeaders(
                {QByteArray(b"Content-Security-Policy"): [QByteArray(self._policy.encode("ascii"))]})
        job.reply(QByteArray(b"text/html"), buffer)


class RemoteContentGuard(QWebEngineUrlRequestInterceptor):
    """Decides every request of one page (see the module docstring)."""

    def __init__(self, view: HtmlMessageView, page_url: QUrl, allow_remote: bool, owner: QObject) -> None:
        super().__init__(owner)
        self._view = view
        self._page_url = page_url
        self.allow_remote = allow_remote
        self.blocked: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        scheme = url.scheme().lower()
        if scheme in ALWAYS_ALLOWED_SCHEMES:
            return
        if same_document(url, self._page_url):
            return
        if scheme in REMOTE_SCHEMES and self.allow_remote:
            return
        info.block(True)
        self.blocked.append(url.toString())
        if scheme in REMOTE_SCHEMES:
            self._view.remoteContentBlocked.emit(len(self.blocked))


class MessagePage(QWebEnginePage):
    """One message, shown once: its own profile, source, guard and consent."""

    def __init__(self, view: HtmlMessageView, document: str, allow_remote: bool) -> None:
        profile = QWebEngineProfile()  # no storage name: off the record
        profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.NoCache)
        profile.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
        profile.setSpellCheckEnabled(False)
        super().__init__(profile, view)
        # The profile belongs to the page, so it goes when the page goes and never before it (Qt warns about a
        # profile deleted while a page still uses it).
        profile.setParent(self)
        self._view = view
        self.allow_remote = allow_remote
        self.source = _MessageSource(document.encode("utf-8"), content_security_policy(allow_remote), self)
        profile.installUrlSchemeHandler(QByteArray(MESSAGE_SCHEME), self.source)
        self.guard = RemoteContentGuard(view, self.source.url, allow_remote, self)
        profile.setUrlRequestInterceptor(self.guard)
        self._popups: list[_PopupCatcher] = []
        self.loaded = False
        self._retired = False
        self.loadFinished.connect(self._finished)
        settings = self.settings()
        attribute = QWebEngineSettings.WebAttribute
        for name, value in (
            (attribute.JavascriptEnabled, False),
            (attribute.JavascriptCanOpenWindows, False),
            (attribute.JavascriptCanAccessClipboard, False),
            (attribute.PluginsEnabled, False),
            (attribute.LocalContentCanAccessRemoteUrls, False),
            (attribute.LocalContentCanAccessFileUrls, False),
            (attribute.LocalStorageEnabled, False),
            (attribute.HyperlinkAuditingEnabled, False),
            (attribute.DnsPrefetchEnabled, False),
            (attribute.NavigateOnDropEnabled, False),
            (attribute.ErrorPageEnabled, False),
            (attribute.AutoLoadImages, True),  # data: images; remote ones are refused unless allowed
            (attribute.WebGLEnabled, False),
            (attribute.PdfViewerEnabled, False),
        ):
            settings.setAttribute(name, value)

    def _finished(self, _ok: bool) -> None:
        self.loaded = True

    def start(self) -> None:
        gate = NetworkGate.instance()
        if self.allow_remote:
            gate.open_for(self)
            self.load(self.source.url)
        else:
            gate.when_closed(self._load_if_current)

    def _load_if_current(self) -> None:
        if not self._retired:
            self.load(self.source.url)

    def retire(self) -> None:
        """Stop everything this page still does and let it go; its consent goes with it."""
        self._retired = True
        self.triggerAction(QWebEnginePage.WebAction.Stop)
        self.guard.allow_remote = False
        NetworkGate.instance().release(self)
        self.deleteLater()

    def acceptNavigationRequest(self, url: QUrl | str, kind: QWebEnginePage.NavigationType,
                                is_main_frame: bool) -> bool:
        target = QUrl(url)
        if kind == QWebEnginePage.NavigationType.NavigationTypeLinkClicked:
            self._view.linkActivated.emit(target)
            return False
        # The page itself, once; nothing else (meta refresh, forms, frames, redirects) is ever loaded.
        return bool(is_main_frame and same_document(target, self.source.url))

    def createWindow(self, _kind: QWebEnginePage.WebWindowType) -> QWebEnginePage:
        """A link with target=_blank: catch its URL in a page that is never shown, and hand it out."""
        popup = _PopupCatcher(self.profile(), self._view, self)
        self._popups.append(popup)
        popup.caught.connect(lambda: self._popups.remove(popup) if popup in self._popups else None)
        return popup


class _PopupCatcher(QWebEnginePage):
    caught = Signal()

    def __init__(self, profile: QWebEngineProfile, view: HtmlMessageView, owner: MessagePage) -> None:
        # A child of the message's page, so it never outlives the profile it shares with that page.
        super().__init__(profile, owner)
        self._view = view

    def acceptNavigationRequest(self, url: QUrl | str, kind: QWebEnginePage.NavigationType,
                                is_main_frame: bool) -> bool:
        self._view.linkActivated.emit(QUrl(url))
        self.caught.emit()
        self.deleteLater()
        return False


class HtmlMessageView(QWebEngineView):
    remoteContentBlocked = Signal(int)
    """The page wanted something from the network and was refused (count of blocked requests so far)."""
    linkActivated = Signal(QUrl)
    pageLoaded = Signal(bool)
    """The current message's page finished loading (a replaced page never reports)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("htmlBody")
        if QWebEngineUrlScheme.schemeByName(QByteArray(MESSAGE_SCHEME)).name() != QByteArray(MESSAGE_SCHEME):
            raise RuntimeError("register_message_scheme() must run before the QApplication is created")
        NetworkGate.instance()  # closed before any page of ours exists
        self._page: MessagePage | None = None
        self.setAcceptDrops(False)

    @property
    def message_page(self) -> MessagePage | None:
        return self._page

    @property
    def blocked_requests(self) -> list[str]:
        return list(self._page.guard.blocked) if self._page is not None else []

    @property
    def remote_allowed(self) -> bool:
        return self._page is not None and self._page.allow_remote

    def show_html(self, html: str, *, allow_remote: bool = False) -> None:
        """Show a (sanitised) message document in a fresh page. ``allow_remote``: let http(s) images, styles and
        fonts load for this page only."""
        previous = self._page
        if previous is not None:
            previous.loadFinished.disconnect(self.pageLoaded)
            previous.retire()
        page = MessagePage(self, html, allow_remote)
        page.loadFinished.connect(self.pageLoaded)
        self._page = page
        self.setPage(page)
        page.start()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """Copy, copy link, open link in the browser, select all: nothing that would navigate in here."""
        request = self.lastContextMenuRequest()
        menu = QMenu(self)
        selected = request.selectedText() if request is not None else ""
        link = request.linkUrl() if request is not None else QUrl()
        copy = menu.addAction(translate("HtmlMessageView", "Copy"))
        copy.setEnabled(bool(selected))
        copy.triggered.connect(lambda: QGuiApplication.clipboard().setText(selected))
        if link.isValid() and not link.isEmpty():
            open_link = menu.addAction(translate("HtmlMessageView", "Open Link in Browser"))
            open_link.triggered.connect(lambda: self.linkActivated.emit(link))
            menu.addAction(translate("HtmlMessageView", "Copy Link Address")).triggered.connect(
                lambda: QGuiApplication.clipboard().setText(link.toString()))
        menu.addSeparator()
        menu.addAction(translate("HtmlMessageView", "Select All")).triggered.connect(
            lambda: self.page().triggerAction(QWebEnginePage.WebAction.SelectAll))
        menu.exec(event.globalPos())

    def closeEvent(self, event: object) -> None:  # type: ignore[override]
        if self._page is not None:
            # Its consent ends with the window: the gate closes if no other allowed page is left.
            self._page.triggerAction(QWebEnginePage.WebAction.Stop)
            NetworkGate.instance().release(self._page)
        super().closeEvent(event)  # type: ignore[arg-type]


def open_externally(url: QUrl) -> bool:
    """Hand a link to the desktop (browser). Only web links: never files or programs (mail links open
    Facteur's own composer, see :func:`gui.views.mailto.compose_from_mailto`)."""
    if url.scheme().lower() not in ("http", "https"):
        return False
    return QDesktopServices.openUrl(url)
