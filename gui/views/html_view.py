"""A web view for HTML mail that cannot run code, never reaches the network itself, and never navigates.

This is the second wall behind the sanitiser (:mod:`connectors.messaging.html_sanitiser`), and it holds on its own:

* **One message, one page.** Each message gets a fresh page with its own request guard (a per-page interceptor) and
  its own consent. The previous page is stopped and thrown away (its remote fetches aborted) before the new one
  starts, so nothing it still wanted can ride on the new message's consent.
* **Profiles.** A message whose remote content is refused (nearly all of them) is shown in one shared
  off-the-record profile (:class:`SharedMessageProfile`): no HTTP cache, no disk, cookies refused by a filter, no
  permissions kept, and no handler for ``facteur-remote:`` at all, so such a page cannot ask for anything but its
  own document and ``data:``. Sharing it costs no privacy: those pages load nothing that could leave state behind
  (no scripts, no storage, an opaque origin each), and it spares the engine a new browser context per message
  (100-300 ms of the GUI thread). A message whose remote content the person allowed gets a fresh off-the-record
  profile of its own, as before, so whatever its images bring (in memory only) is never seen by another message.
  A profile is released only after the last page using it (popup catchers included) is gone.
* **A scheme of its own with a Content-Security-Policy.** The page is served from ``facteur-message:`` with a
  policy that allows only ``data:``/``cid:`` images and inline styles (plus ``facteur-remote:`` images once the
  person allowed remote content for this message; never http(s)). Scripts, frames, objects, forms, media, fonts
  from anywhere, ``<base>`` and fetches are refused by the engine, whatever the HTML says.
* **The engine's network is closed for good.** Resource hints (``<link rel=preconnect>``) open connections that no
  policy and no request interceptor sees. So the web engine's proxy points at a loopback port that refuses every
  connection — nothing is resolved, nothing leaves — set once before the first page and never opened, consent or
  not (:class:`NetworkGate`). DNS prefetching is off.
* **Consent goes through Facteur, not the engine.** An allowed message's remote images are addressed as
  ``facteur-remote:<percent-encoded address>`` (by the sanitiser). Only the own profile of a page whose remote
  content was allowed has a handler for that scheme; it fetches the image itself (:mod:`gui.workers.remote_images`: the
  original application proxy, no cookies, http(s) only, redirects checked, size-capped, images only) and hands the
  bytes to the page.
* A request interceptor lets through only the page itself, ``data:`` and, when allowed, ``facteur-remote:``
  images; everything else (http(s) always) is blocked and counted. JavaScript, plugins, window opening,
  drag-and-drop navigation and ``ping`` are off.
* Clicking a link never loads it here: the view emits ``linkActivated`` and the window decides.
"""

from __future__ import annotations

import logging
import secrets
import socket
from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QObject, QUrl, Signal
from PySide6.QtGui import QContextMenuEvent, QDesktopServices, QGuiApplication
from PySide6.QtNetwork import QNetworkProxy
from PySide6.QtWebEngineCore import (
    QWebEngineCookieStore,
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

from connectors.messaging.html_sanitiser import REMOTE_IMAGE_SCHEME_NAME

from ..workers.remote_images import RemoteImageFetch, RemoteImageFetcher, original_url

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

log = logging.getLogger(__name__)

MESSAGE_SCHEME = b"facteur-message"
REMOTE_IMAGE_SCHEME = REMOTE_IMAGE_SCHEME_NAME.encode("ascii")
REMOTE_SCHEMES = frozenset({"http", "https"})
ALWAYS_ALLOWED_SCHEMES = frozenset({"data"})


def register_message_scheme() -> None:
    """Declare the ``facteur-message:`` and ``facteur-remote:`` schemes to the web engine. Must run before the
    QApplication exists."""
    for name in (MESSAGE_SCHEME, REMOTE_IMAGE_SCHEME):
        if QWebEngineUrlScheme.schemeByName(QByteArray(name)).name() == QByteArray(name):
            continue
        scheme = QWebEngineUrlScheme(QByteArray(name))
        scheme.setSyntax(QWebEngineUrlScheme.Syntax.Path)
        # An opaque origin: a message can reach nothing of any other page, not even another message.
        scheme.setFlags(QWebEngineUrlScheme.Flag.NoAccessAllowed)
        QWebEngineUrlScheme.registerScheme(scheme)


def same_document(url: QUrl, other: QUrl) -> bool:
    """``url`` is ``other`` (a ``facteur-message:`` address), whatever its fragment."""
    return url.scheme().lower() == other.scheme().lower() and url.path() == other.path() and not url.hasQuery()


def content_security_policy(allow_remote: bool) -> str:
    """What the engine may load for a message: inline images and styles, and, once allowed, the remote images
    Facteur fetches for it (``facteur-remote:``). Never http(s): the engine itself never goes to the web."""
    remote = f" {REMOTE_IMAGE_SCHEME_NAME}:" if allow_remote else ""
    return ("default-src 'none'; script-src 'none'; object-src 'none'; frame-src 'none'; child-src 'none'; "
            "worker-src 'none'; connect-src 'none'; media-src 'none'; manifest-src 'none'; form-action 'none'; "
            f"base-uri 'none'; img-src data: cid:{remote}; style-src 'unsafe-inline'; font-src data:")


class NetworkGate(QObject):
    """The web engine's network, closed for good: its proxy is a loopback port that refuses every connection (bound,
    never listening), set once before any page of ours exists and never opened, so not even a name is resolved.
    Remote images the person allowed are fetched by Facteur (:mod:`gui.workers.remote_images`) through
    :attr:`original_proxy`, the application proxy in force before it was closed."""

    _instance: NetworkGate | None = None

    def __init__(self) -> None:
        super().__init__()
        self._refuser = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._refuser.bind(("127.0.0.1", 0))
        self.closed_proxy = QNetworkProxy(QNetworkProxy.ProxyType.HttpProxy, "127.0.0.1",
                                          self._refuser.getsockname()[1])
        self.original_proxy = QNetworkProxy.applicationProxy()
        QNetworkProxy.setApplicationProxy(self.closed_proxy)

    @classmethod
    def instance(cls) -> NetworkGate:
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance


class _MessageSources(QWebEngineUrlSchemeHandler):
    """Serves the documents of a profile's pages, each with its policy, at one unguessable address per page; an
    address is served only while its page is shown (:meth:`remove` when the page is retired)."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._documents: dict[str, tuple[QUrl, bytes, str]] = {}

    def add(self, document: bytes, policy: str) -> QUrl:
        token = secrets.token_hex(16)
        url = QUrl(f"{MESSAGE_SCHEME.decode()}:/{token}")
        self._documents[token] = (url, document, policy)
        return url

    def remove(self, url: QUrl) -> None:
        self._documents.pop(url.path().lstrip("/"), None)

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        entry = self._documents.get(job.requestUrl().path().lstrip("/"))
        if entry is None or not same_document(job.requestUrl(), entry[0]):
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        _url, document, policy = entry
        buffer = QBuffer(job)
        buffer.setData(QByteArray(document))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        if policy:
            job.setAdditionalResponseHeaders(
                {QByteArray(b"Content-Security-Policy"): [QByteArray(policy.encode("ascii"))]})
        job.reply(QByteArray(b"text/html"), buffer)


def _refuse_cookie(_request: QWebEngineCookieStore.FilterRequest) -> bool:
    return False


class _MessageProfile:
    """An off-the-record profile for message pages, kept until the last page using it is destroyed (Qt: a profile
    must outlive its pages; a page's popup catchers count too)."""

    def __init__(self, on_empty: Callable[[_MessageProfile], None] | None = None) -> None:
        # No storage name: off the record (nothing on disk). Owned by the application, deleted (later) once its
        # last user is destroyed: never before a page using it.
        self.profile = QWebEngineProfile(QCoreApplication.instance())
        self.profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.NoCache)
        self.profile.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
        self.profile.setPersistentPermissionsPolicy(QWebEngineProfile.PersistentPermissionsPolicy.AskEveryTime)
        self.profile.setSpellCheckEnabled(False)
        self.profile.cookieStore().setCookieFilter(_refuse_cookie)
        self.sources = _MessageSources(self.profile)
        self.profile.installUrlSchemeHandler(QByteArray(MESSAGE_SCHEME), self.sources)
        self._users = 0
        self._on_empty = on_empty

    @property
    def users(self) -> int:
        """How many pages and views keep this profile."""
        return self._users

    def use(self, user: QObject) -> None:
        """Keep the profile until ``user`` (a page using it, or a view showing such pages) is destroyed."""
        self._users += 1
        user.destroyed.connect(self._left)

    def _left(self) -> None:
        self._users -= 1
        if self._users == 0:
            if self._on_empty is not None:
                self._on_empty(self)
            self.profile.deleteLater()


class SharedMessageProfile:
    """The one profile of every page whose remote content is refused (see the module docstring). Made on first use,
    released once no message view and no page uses it any more (the next view makes a fresh one)."""

    _current: _MessageProfile | None = None

    @classmethod
    def get(cls) -> _MessageProfile:
        if cls._current is None:
            cls._current = _MessageProfile(on_empty=cls._gone)
        return cls._current

    @classmethod
    def _gone(cls, profile: _MessageProfile) -> None:
        if cls._current is profile:
            cls._current = None


class _RemoteImages(QWebEngineUrlSchemeHandler):
    """Serves ``facteur-remote:<percent-encoded web address>`` for one page whose remote content was allowed: the
    image is fetched by Facteur (:class:`RemoteImageFetcher`, through the original proxy), never by the engine.
    :meth:`close` (the page is retired) aborts every fetch and refuses every later request."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.fetcher = RemoteImageFetcher(NetworkGate.instance().original_proxy, self)

    def close(self) -> None:
        self.fetcher.close()

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        encoded = job.requestUrl().toString(QUrl.ComponentFormattingOption.FullyEncoded)
        prefix = f"{REMOTE_IMAGE_SCHEME_NAME}:"
        target = original_url(encoded[len(prefix):]) if encoded.lower().startswith(prefix) else QUrl()
        fetch = self.fetcher.fetch(target)
        if fetch is None:
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        state = {"job": job}
        # The engine deletes a job whose request it no longer wants (the page went): the fetch goes with it.
        job.destroyed.connect(lambda: self._gone(state, fetch))
        fetch.fetched.connect(lambda media, data: self._reply(state, media, data))
        fetch.failed.connect(lambda _reason: self._fail(state))

    def _gone(self, state: dict[str, QWebEngineUrlRequestJob], fetch: RemoteImageFetch) -> None:
        if state.pop("job", None) is not None:  # not answered yet
            self.fetcher.cancel(fetch)

    @staticmethod
    def _reply(state: dict[str, QWebEngineUrlRequestJob], media: str, data: bytes) -> None:
        job = state.pop("job", None)
        if job is None:
            return
        buffer = QBuffer(job)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(QByteArray(media.encode("ascii")), buffer)

    @staticmethod
    def _fail(state: dict[str, QWebEngineUrlRequestJob]) -> None:
        job = state.pop("job", None)
        if job is not None:
            job.fail(QWebEngineUrlRequestJob.Error.RequestFailed)


class RemoteContentGuard(QWebEngineUrlRequestInterceptor):
    """Decides every request of one page (see the module docstring)."""

    def __init__(self, view: HtmlMessageView, page_url: QUrl, allow_remote: bool, owner: QObject) -> None:
        # Not ``super().__init__(owner)``: PySide6 does not hand this class's constructor parent (named ``p`` in
        # Qt) to C++, so Python would own a guard its page also owns, and whichever let it go second freed it
        # again (a crash in the garbage collector, or a page calling a freed guard). setParent() hands it over.
        super().__init__()
        self.setParent(owner)
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
        if (scheme == REMOTE_IMAGE_SCHEME_NAME and self.allow_remote
                and info.resourceType() == QWebEngineUrlRequestInfo.ResourceType.ResourceTypeImage):
            return
        info.block(True)
        self.blocked.append(url.toString())
        if scheme in REMOTE_SCHEMES:
            self._view.remoteContentBlocked.emit(len(self.blocked))


class MessagePage(QWebEnginePage):
    """One message, shown once: its own source, guard and consent; the shared profile, or one of its own when
    its remote content is allowed."""

    def __init__(self, view: HtmlMessageView, document: str, allow_remote: bool) -> None:
        # Only a page whose remote content was allowed has a profile with a facteur-remote: handler, its own.
        self.message_profile = _MessageProfile() if allow_remote else SharedMessageProfile.get()
        profile = self.message_profile.profile
        super().__init__(profile, view)
        self.message_profile.use(self)
        self._view = view
        self.allow_remote = allow_remote
        self.url = self.message_profile.sources.add(document.encode("utf-8"), content_security_policy(allow_remote))
        self.guard = RemoteContentGuard(view, self.url, allow_remote, self)
        self.remote_images: _RemoteImages | None = None
        if allow_remote:
            self.remote_images = _RemoteImages(profile)
            profile.installUrlSchemeHandler(QByteArray(REMOTE_IMAGE_SCHEME), self.remote_images)
        self.setUrlRequestInterceptor(self.guard)
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
        self.load(self.url)

    def retire(self) -> None:
        """Stop everything this page still does and let it go; its consent goes with it."""
        self._retired = True
        self.triggerAction(QWebEnginePage.WebAction.Stop)
        self.guard.allow_remote = False
        self.message_profile.sources.remove(self.url)
        if self.remote_images is not None:
            self.remote_images.close()
        self.deleteLater()

    def acceptNavigationRequest(self, url: QUrl | str, kind: QWebEnginePage.NavigationType,
                                is_main_frame: bool) -> bool:
        target = QUrl(url)
        if kind == QWebEnginePage.NavigationType.NavigationTypeLinkClicked:
            self._view.linkActivated.emit(target)
            return False
        # The page itself, once; nothing else (meta refresh, forms, frames, redirects) is ever loaded.
        return bool(is_main_frame and same_document(target, self.url))

    def createWindow(self, _kind: QWebEnginePage.WebWindowType) -> QWebEnginePage:
        """A link with target=_blank: catch its URL in a page that is never shown, and hand it out."""
        popup = _PopupCatcher(self.message_profile, self._view, self)
        self._popups.append(popup)
        popup.caught.connect(lambda: self._popups.remove(popup) if popup in self._popups else None)
        return popup


class _PopupCatcher(QWebEnginePage):
    caught = Signal()

    def __init__(self, profile: _MessageProfile, view: HtmlMessageView, owner: MessagePage) -> None:
        # A child of the message's page; the profile it shares with that page is kept until both are gone.
        super().__init__(profile.profile, owner)
        profile.use(self)
        # It never loads anything; if it tried, a guard of its own (deleted after it) refuses all but data:.
        self.setUrlRequestInterceptor(RemoteContentGuard(view, QUrl(), False, self))
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
        # The view keeps the shared profile too: showing an allowed message (a profile of its own) in between two
        # others must not let it go and make the next message pay for a new one.
        SharedMessageProfile.get().use(self)
        self._page: MessagePage | None = None
        self._zoom = 1.0
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
        """Show a (sanitised) message document in a fresh page. ``allow_remote``: fetch its ``facteur-remote:``
        images for this page only."""
        previous = self._page
        if previous is not None:
            previous.loadFinished.disconnect(self.pageLoaded)
            previous.retire()
        page = MessagePage(self, html, allow_remote)
        page.loadFinished.connect(self.pageLoaded)
        self._page = page
        self.setPage(page)
        page.setZoomFactor(self._zoom)  # each message has a page of its own: the person's text size goes with it
        page.start()

    def set_zoom(self, factor: float) -> None:
        """Show every message at ``factor`` of its size (the Preferences' text size)."""
        self._zoom = factor
        if self._page is not None:
            self._page.setZoomFactor(factor)

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
            # Its consent ends with the window: nothing more is fetched for it.
            self._page.triggerAction(QWebEnginePage.WebAction.Stop)
            self._page.guard.allow_remote = False
            if self._page.remote_images is not None:
                self._page.remote_images.close()
        super().closeEvent(event)  # type: ignore[arg-type]


def open_externally(url: QUrl) -> bool:
    """Hand a link to the desktop (browser). Only web links: never files or programs (mail links open
    Facteur's own composer, see :func:`gui.views.mailto.compose_from_mailto`)."""
    if url.scheme().lower() not in ("http", "https"):
        return False
    return QDesktopServices.openUrl(url)
