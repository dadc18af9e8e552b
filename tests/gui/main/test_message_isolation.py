"""Messages share one web-engine profile when their remote content is refused, and nothing one message loaded or
left behind is visible to another (see :mod:`gui.views.html_view`, "Profiles"): a loopback tracker that sets
cookies and asks to be cached sees a second message ask afresh, without its cookie, and a refused message ask
nothing at all; storage a page could reach (from the application's own script world, since pages run none) holds
nothing from the message before it."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent
from PySide6.QtWebEngineCore import QWebEngineProfile, QWebEngineScript
from shiboken6 import isValid

from connectors.messaging.html_sanitiser import message_document, sanitise_html
from gui.views.html_view import REMOTE_IMAGE_SCHEME, HtmlMessageView, MessagePage, SharedMessageProfile
from tests.gui.main.http_counter import CountingServer
from tests.gui.main.test_remote_images import TIMEOUT, allowed_document, make_view, wait_for_images

# Run in the application's script world (the page's own scripts are off): what the page's origin can keep.
LEAVE_STATE = """(() => {
    const r = {};
    try { localStorage.setItem("left", "by A"); r.local = "kept"; } catch (e) { r.local = "refused"; }
    try { sessionStorage.setItem("left", "by A"); r.session = "kept"; } catch (e) { r.session = "refused"; }
    try { document.cookie = "left=A; max-age=86400"; r.cookie = document.cookie; } catch (e) { r.cookie = "no"; }
    try { indexedDB.open("left"); r.indexed = "opened"; } catch (e) { r.indexed = "refused"; }
    window.name = "left by A";
    return JSON.stringify(r);
})()"""
READ_STATE = """(() => {
    const r = {};
    try { r.local = localStorage.getItem("left"); } catch (e) { r.local = null; }
    try { r.session = sessionStorage.getItem("left"); } catch (e) { r.session = null; }
    try { r.cookie = document.cookie; } catch (e) { r.cookie = ""; }
    r.name = window.name;
    r.history = history.length;
    return JSON.stringify(r);
})()"""


def run_script(view: HtmlMessageView, qtbot: Any, script: str) -> dict[str, Any]:
    result: list[Any] = []
    view.page().runJavaScript(script, QWebEngineScript.ScriptWorldId.ApplicationWorld, result.append)
    qtbot.waitUntil(lambda: bool(result), timeout=TIMEOUT)
    return dict(json.loads(result[0]))


def show(view: HtmlMessageView, qtbot: Any, document: str, *, allow_remote: bool) -> MessagePage:
    view.show_html(document, allow_remote=allow_remote)
    page = view.message_page
    assert page is not None
    qtbot.waitUntil(lambda: page.loaded, timeout=TIMEOUT)
    return page


def refused_document(html: str) -> str:
    return message_document(sanitise_html(html).html)


def delete_later_now() -> None:
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()


def test_refused_messages_share_a_closed_profile_and_allowed_ones_get_their_own(qtbot: Any, qtlog: Any) -> None:
    view = HtmlMessageView()  # not handed to qtbot: the test deletes it itself
    view.resize(400, 300)
    view.show()
    shared = show(view, qtbot, refused_document("<p>One</p>"), allow_remote=False).profile()
    assert show(view, qtbot, refused_document("<p>Two</p>"), allow_remote=False).profile() is shared
    assert shared.isOffTheRecord()
    assert shared.httpCacheType() == QWebEngineProfile.HttpCacheType.NoCache
    assert shared.persistentCookiesPolicy() == QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies
    assert shared.urlSchemeHandler(QByteArray(REMOTE_IMAGE_SCHEME)) is None
    with CountingServer() as server:
        allowed = show(view, qtbot, allowed_document(f'<img src="{server.base}/a.png">'), allow_remote=True)
        own = allowed.profile()
        assert own is not shared and own.isOffTheRecord()
        assert own.httpCacheType() == QWebEngineProfile.HttpCacheType.NoCache
        assert own.urlSchemeHandler(QByteArray(REMOTE_IMAGE_SCHEME)) is allowed.remote_images
        wait_for_images(view, qtbot, [1])
        third = show(view, qtbot, refused_document("<p>Three</p>"), allow_remote=False)
        assert third.profile() is shared
        delete_later_now()
        # The allowed page went, and its profile after it; the shared one stays while a page uses it.
        assert not isValid(allowed) and not isValid(own) and isValid(shared)
    # The view goes with its pages; the shared profile is released after them once nothing else uses it (other
    # tests' windows may still be there), and Qt never complains of a profile released before a page.
    users = SharedMessageProfile.get().users
    view.close()
    view.deleteLater()
    delete_later_now()
    assert not isValid(third)
    if users == 2:  # this view and its page only
        assert not isValid(shared) and SharedMessageProfile.get().profile is not shared
    else:
        assert isValid(shared) and SharedMessageProfile.get().users == users - 2
    assert not [record.message for record in qtlog.records if "profile" in record.message.lower()]


def test_nothing_one_message_loaded_or_left_reaches_the_next(qtbot: Any) -> None:
    view = make_view(qtbot)
    with CountingServer() as tracker:
        pixel = f"{tracker.base}/pixel.png"
        for round_ in range(2):
            # A: remote content allowed; the tracker answers with a cookie and an hour of caching.
            show(view, qtbot, allowed_document(f'<p>A</p><img src="{pixel}">'), allow_remote=True)
            wait_for_images(view, qtbot, [1])
            assert tracker.requests == ["/pixel.png"] * (round_ + 1)
            # B: refused, the same image named both ways: not one request, nothing shown.
            show(view, qtbot, refused_document(f'<p>B</p><img src="{pixel}">'), allow_remote=False)
            before = list(tracker.requests)
            view.show_html(message_document(f'<p>B</p><img src="{pixel}">'
                                            f'<img src="facteur-remote:{pixel.replace(":", "%3A")}">'))
            qtbot.waitUntil(lambda: view.message_page is not None and view.message_page.loaded, timeout=TIMEOUT)
            wait_for_images(view, qtbot, [0, 0])
            assert tracker.requests == before
        # C: allowed again, same image: asked afresh (nothing cached) and without the tracker's cookie.
        show(view, qtbot, allowed_document(f'<p>C</p><img src="{pixel}">'), allow_remote=True)
        wait_for_images(view, qtbot, [1])
        assert tracker.requests == ["/pixel.png"] * 3 and tracker.cookies == []


def test_what_a_refused_message_leaves_in_the_shared_profile_is_not_seen_by_the_next(qtbot: Any) -> None:
    view = make_view(qtbot)
    show(view, qtbot, refused_document("<p>A</p>"), allow_remote=False)
    left = run_script(view, qtbot, LEAVE_STATE)
    assert left["local"] == "refused" and left["session"] == "refused"  # no storage for a message at all
    show(view, qtbot, refused_document("<p>B</p>"), allow_remote=False)
    seen = run_script(view, qtbot, READ_STATE)
    assert seen == {"local": None, "session": None, "cookie": "", "name": "", "history": 1}
