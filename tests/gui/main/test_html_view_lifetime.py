"""A message page's objects die in an order that leaves nothing pointing at freed memory (gui.views.html_view)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWebEngineCore import QWebEnginePage
from shiboken6 import isValid

from connectors.messaging.html_sanitiser import message_document, sanitise_html
from gui.views.html_view import HtmlMessageView

TIMEOUT = 20000


@pytest.mark.parametrize("allow_remote", [True, False], ids=["own profile", "shared profile"])
def test_a_popup_page_dies_before_the_profile_it_shares_with_its_message_page(allow_remote: bool, qtbot: Any) -> None:
    """A link with target=_blank makes the engine ask for a window: the page that catches its address shares the
    message page's profile, so it must be deleted before that profile. An allowed message's own profile goes after
    its page and popups; the profile shared by refused messages stays while the view lives."""
    view = HtmlMessageView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    document = message_document(sanitise_html('<p><a href="https://example.test/" target="_blank">x</a></p>',
                                              allow_remote=allow_remote).html)
    with qtbot.waitSignal(view.pageLoaded, timeout=TIMEOUT):
        view.show_html(document, allow_remote=allow_remote)
    page = view.message_page
    assert page is not None
    popups = [page.createWindow(QWebEnginePage.WebWindowType.WebBrowserTab) for _ in range(2)]
    assert all(popup.profile() is page.profile() for popup in popups)
    profile = page.profile()
    deaths: list[str] = []
    for number, popup in enumerate(popups):
        popup.destroyed.connect(lambda _obj=None, n=number: deaths.append(f"popup {n}"))
    profile.destroyed.connect(lambda _obj=None: deaths.append("profile"))
    page.destroyed.connect(lambda _obj=None: deaths.append("page"))

    with qtbot.waitSignal(view.pageLoaded, timeout=TIMEOUT):
        view.show_html(message_document(sanitise_html("<p>next</p>").html))  # the first page is retired
    if allow_remote:
        qtbot.waitUntil(lambda: "profile" in deaths, timeout=TIMEOUT)
        assert deaths.index("popup 0") < deaths.index("profile") and deaths.index("popup 1") < deaths.index("profile")
        assert deaths.index("page") < deaths.index("profile")
    else:
        qtbot.waitUntil(lambda: {"page", "popup 0", "popup 1"} <= set(deaths), timeout=TIMEOUT)
        assert "profile" not in deaths and isValid(profile) and view.message_page.profile() is profile


def test_a_page_s_guards_belong_to_the_page_alone(qtbot: Any) -> None:
    """Each page's request guard (and each popup catcher's) is deleted by its page, never by Python too: a guard
    owned by both was freed a second time when the garbage collector reached its wrapper after the page had gone
    (a crash in the collector, seen in test runs), or freed under a page still using it."""
    import gc

    from shiboken6 import ownedByPython

    from tests.gui.ownership import python_owned_children

    view = HtmlMessageView()  # deleted by the test itself, not by pytest-qt
    view.show()
    guards = []
    for allow_remote in (True, False, True):
        with qtbot.waitSignal(view.pageLoaded, timeout=TIMEOUT):
            view.show_html(message_document(sanitise_html("<p>x</p>", allow_remote=allow_remote).html),
                           allow_remote=allow_remote)
        page = view.message_page
        assert page is not None
        page.createWindow(QWebEnginePage.WebWindowType.WebBrowserTab)
        guards.append(page.guard)
        assert not ownedByPython(page.guard) and page.guard.parent() is page
    assert python_owned_children([view]) == []
    view.close()
    view.deleteLater()
    qtbot.waitUntil(lambda: not any(isValid(guard) for guard in guards), timeout=TIMEOUT)
    gc.collect()  # the wrappers left point at nothing to free
    assert not any(ownedByPython(guard) for guard in guards)
