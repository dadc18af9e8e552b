"""A web view for HTML mail that cannot run code, cannot reach the network unless allowed, and never navigates.

* Its own off-the-record profile: no cookies, cache or storage shared with anything, nothing written to disk.
* JavaScript, plugins, window opening, navigation by drag and drop and hyperlink auditing (``ping``) are off.
* A request interceptor lets through only the message itself (``data:``/``about:``, or the one temporary file
  used for messages too large for ``setHtml``) and ``data:`` images (inline ``cid:`` parts are converted to those).
  Every other request — http(s), ftp, websockets, other files — is blocked and counted, unless remote content was
  allowed for this message, and then only http(s) goes through.
* Clicking a link never loads it here: the view emits ``linkActivated`` and the window hands it to the browser.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl, Signal
from PySide6.QtGui import QContextMenuEvent, QDesktopServices, QGuiApplication
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QMenu, QWidget

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

# setHtml() turns its argument into a data: URL, which Chromium limits to 2 MB.
SET_HTML_LIMIT = 1_800_000
REMOTE_SCHEMES = frozenset({"http", "https"})
ALWAYS_ALLOWED_SCHEMES = frozenset({"data", "about"})


class RemoteContentGuard(QWebEngineUrlRequestInterceptor):
    """Decides every request of one page (see the module docstring)."""

    def __init__(self, view: HtmlMessageView, owner: QWebEnginePage) -> None:
        super().__init__(owner)
        self._view = view
        self.allow_remote = False
        self.local_file: QUrl | None = None
        self.blocked: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        scheme = url.scheme().lower()
        if scheme in ALWAYS_ALLOWED_SCHEMES:
            return
        if scheme == "file" and self.local_file is not None and url.adjusted(
                QUrl.UrlFormattingOption.RemoveFragment) == self.local_file:
            return
        if scheme in REMOTE_SCHEMES and self.allow_remote:
            return
        info.block(True)
        self.blocked.append(url.toString())
        if scheme in REMOTE_SCHEMES:
            self._view.remoteContentBlocked.emit(len(self.blocked))


class MessagePage(QWebEnginePage):
    """Loads only what the view itself asks for; every link goes out through ``linkActivated``."""

    def __init__(self, profile: QWebEngineProfile, view: HtmlMessageView) -> None:
        super().__init__(profile, view)
        self._view = view
        self.expecting_load = False
        self._popups: list[MessagePage] = []

    def acceptNavigationRequest(self, url: QUrl | str, kind: QWebEnginePage.NavigationType,
                                is_main_frame: bool) -> bool:
        target = QUrl(url)
        if kind == QWebEnginePage.NavigationType.NavigationTypeLinkClicked:
            self._view.linkActivated.emit(target)
            return False
        if is_main_frame and self.expecting_load:
            self.expecting_load = False
            return True
        # Frames of the message may only show inline data; anything else (meta refresh, forms) is refused.
        return not is_main_frame and target.scheme().lower() in ALWAYS_ALLOWED_SCHEMES

    def createWindow(self, _kind: QWebEnginePage.WebWindowType) -> QWebEnginePage:
        """A link with target=_blank: catch its URL in a page that is never shown, and hand it out."""
        popup = _PopupCatcher(self.profile(), self._view)
        self._popups.append(popup)
        popup.caught.connect(lambda: self._popups.remove(popup) if popup in self._popups else None)
        return popup


class _PopupCatcher(QWebEnginePage):
    caught = Signal()

    def __init__(self, profile: QWebEngineProfile, view: HtmlMessageView) -> None:
        super().__init__(profile, view)
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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("htmlBody")
        self._profile = QWebEngineProfile()  # no storage name: off the record
        self._profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.NoCache)
        self._profile.setPersistentCookiesPolicy(QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies)
        self._profile.setSpellCheckEnabled(False)
        self._page = MessagePage(self._profile, self)
        # The profile and the guard belong to the page, so they go when it goes and never before it (Qt warns
        # about a profile deleted while a page still uses it, whatever order the application exits in).
        self._profile.setParent(self._page)
        self._guard = RemoteContentGuard(self, self._page)
        self._page.setUrlRequestInterceptor(self._guard)
        settings = self._page.settings()
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
            (attribute.AutoLoadImages, True),  # data: images; remote ones are stopped by the guard
            (attribute.WebGLEnabled, False),
            (attribute.PdfViewerEnabled, False),
        ):
            settings.setAttribute(name, value)
        self.setPage(self._page)
        self._temp_dir: tempfile.TemporaryDirectory[str] | None = None
        self.setAcceptDrops(False)

    @property
    def blocked_requests(self) -> list[str]:
        return list(self._guard.blocked)

    @property
    def remote_allowed(self) -> bool:
        return self._guard.allow_remote

    def show_html(self, html: str, *, allow_remote: bool = False) -> None:
        """Show a message body. ``allow_remote``: let http(s) images and styles load for this message."""
        self._guard.allow_remote = allow_remote
        self._guard.blocked.clear()
        self._guard.local_file = None
        self._page.expecting_load = True
        encoded = html.encode("utf-8")
        if len(encoded) < SET_HTML_LIMIT:
            self._page.setHtml(html, QUrl("about:blank"))
            return
        path = self._temporary_file(encoded)
        self._guard.local_file = QUrl.fromLocalFile(str(path))
        self._page.load(self._guard.local_file)

    def clear(self) -> None:
        self._guard.blocked.clear()
        self._page.expecting_load = True
        self._page.setHtml("", QUrl("about:blank"))

    def _temporary_file(self, data: bytes) -> Path:
        if self._temp_dir is None:
            self._temp_dir = tempfile.TemporaryDirectory(prefix="facteur-message-")
        path = Path(self._temp_dir.name) / "message.html"
        path.write_bytes(data)
        path.chmod(0o600)
        return path

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
            lambda: self._page.triggerAction(QWebEnginePage.WebAction.SelectAll))
        menu.exec(event.globalPos())

    def closeEvent(self, event: object) -> None:  # type: ignore[override]
        if self._temp_dir is not None:
            self._temp_dir.cleanup()
            self._temp_dir = None
        super().closeEvent(event)  # type: ignore[arg-type]


def open_externally(url: QUrl) -> bool:
    """Hand a link to the desktop (browser, mail handler). Only web and mail links: never files or programs."""
    if url.scheme().lower() not in ("http", "https", "mailto"):
        return False
    return QDesktopServices.openUrl(url)
