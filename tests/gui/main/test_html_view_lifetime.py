"""A message page's objects die in an order that leaves nothing pointing at freed memory (gui.views.html_view)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWebEngineCore import QWebEnginePage

from gui.views.html_sanitiser import message_document, sanitise_html
from gui.views.html_view import HtmlMessageView

TIMEOUT = 20000


def test_a_popup_page_dies_before_the_profile_it_shares_with_its_message_page(qtbot: Any) -> None:
    """A link with target=_blank makes the engine ask for a window: the page that catches its address shares the
    message page's profile, so it must be deleted before that profile when the message page goes."""
    view = HtmlMessageView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    document = message_document(sanitise_html('<p><a href="https://example.test/" target="_blank">x</a></p>').html)
    with qtbot.waitSignal(view.pageLoaded, timeout=TIMEOUT):
        view.show_html(document)
    page = view.message_page
    assert page is not None
    popups = [page.createWindow(QWebEnginePage.WebWindowType.WebBrowserTab) for _ in range(2)]
    assert all(popup.profile() is page.profile() for popup in popups)
    deaths: list[str] = []
    for number, popup in enumerate(popups):
        popup.destroyed.connect(lambda _obj=None, n=number: deaths.append(f"popup {n}"))
    page.profile().destroyed.connect(lambda _obj=None: deaths.append("profile"))
    page.destroyed.connect(lambda _obj=None: deaths.append("page"))

    with qtbot.waitSignal(view.pageLoaded, timeout=TIMEOUT):
        view.show_html(message_document(sanitise_html("<p>next</p>").html))  # the first page is retired
    qtbot.waitUntil(lambda: "page" in deaths, timeout=TIMEOUT)
    assert deaths.index("popup 0") < deaths.index("profile") and deaths.index("popup 1") < deaths.index("profile")
