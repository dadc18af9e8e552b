"""The first wall alone, as a table: what the allowlist sanitiser keeps and what it drops."""

from __future__ import annotations

import base64

import pytest

from connectors.messaging.html_sanitiser import safe_style, sanitise_html
from connectors.messaging.mime import ParsedAttachment
from tests.gui.hostile.vectors import HTML_VECTORS
from tests.gui.main.http_counter import PIXEL


@pytest.mark.parametrize("name", sorted(HTML_VECTORS))
def test_no_vector_keeps_a_reference_to_its_host(name: str) -> None:
    cleaned = sanitise_html(HTML_VECTORS[name]).html
    if name.startswith("anchor-"):
        # A link is kept for the person to click (the engine never prefetches it); its ping is not.
        cleaned = cleaned.replace('href="http://anchor1.evil.test/"', "")
        assert "ping" not in cleaned
    assert "evil" not in cleaned and "127.0.0.1" not in cleaned and "[::1]" not in cleaned
    for tag in ("<link", "<meta", "<base", "<iframe", "<frame", "<object", "<embed", "<svg", "<math", "<style",
                "<script", "<form", "<input", "<video", "<audio", "<source", "<picture", "<template"):
        assert tag not in cleaned.lower(), (name, tag, cleaned)


@pytest.mark.parametrize(("style", "kept"), [
    ("color: red; font-weight: bold", "color: red; font-weight: bold"),
    ("color:red;background:url(http://x.test/a.png)", "color:red"),
    ("background-image: URL( 'http://x.test' )", None),
    ("background: u\\72l(http://x.test)", None),
    ("background: ur/**/l(http://x.test)", None),
    ("background-image: image-set('http://x.test/a.png' 1x)", None),
    ("--a: url(http://x.test); color: blue", "color: blue"),
    ("behavior: url(x.htc); -moz-binding: url(x.xml)", None),
])
def test_inline_styles_keep_only_what_cannot_fetch(style: str, kept: str | None) -> None:
    assert safe_style(style) == kept


def test_presentational_markup_survives() -> None:
    html = ('<table width="100%" cellpadding="4" style="border:1px solid #ccc"><tr><td align="center" colspan="2">'
            '<h1 style="color:#333">Hello</h1><p>Some <b>bold</b>, <i>italic</i> and <a href="https://example.org/">'
            "a link</a>.</p></td></tr></table>")
    cleaned = sanitise_html(html).html
    for kept in ('width="100%"', 'colspan="2"', 'style="color:#333"', "<b>bold</b>", 'href="https://example.org/"',
                 "<h1", "<table"):
        assert kept in cleaned


def test_remote_images_are_counted_and_kept_only_when_allowed() -> None:
    html = ('<img src="https://news.example/a.png?x=1&amp;y=2" alt="logo"><img src="http://news.example/b.png">'
            '<img src="facteur-remote:http%3A%2F%2Fsmuggled.example%2Fc.png">')
    blocked = sanitise_html(html)
    assert blocked.remote_blocked == 2 and "news.example" not in blocked.html and 'alt="logo"' in blocked.html
    assert "smuggled" not in blocked.html
    allowed = sanitise_html(html, allow_remote=True)
    # Kept, but addressed to Facteur (which fetches them): the engine is never given a web address.
    assert allowed.remote_blocked == 0 and "http://" not in allowed.html and "https://" not in allowed.html
    assert 'src="facteur-remote:https%3A%2F%2Fnews.example%2Fa.png%3Fx%3D1%26y%3D2"' in allowed.html
    assert 'src="facteur-remote:http%3A%2F%2Fnews.example%2Fb.png"' in allowed.html
    assert "smuggled" not in allowed.html  # only the sanitiser writes facteur-remote: addresses


def test_cid_images_become_data_urls_and_other_cid_parts_do_not() -> None:
    parts = [ParsedAttachment("logo.png", "image/png", PIXEL, content_id="logo@x", inline=True),
             ParsedAttachment("pic.svg", "image/svg+xml", b"<svg/>", content_id="pic@x", inline=True)]
    cleaned = sanitise_html('<img src="cid:logo@x"><img src="CID:%3Clogo@x%3E"><img src="cid:pic@x">', parts)
    assert cleaned.html.count(f"data:image/png;base64,{base64.b64encode(PIXEL).decode()}") == 2
    assert "svg" not in cleaned.html and cleaned.content_ids == {"logo@x"}


def test_links_keep_only_web_and_mail_targets() -> None:
    cleaned = sanitise_html('<a href="javascript:alert(1)">a</a><a href="file:///etc/passwd">b</a>'
                            '<a href="data:text/html,x">c</a><a href="mailto:bob@example.test">d</a>').html
    assert "javascript" not in cleaned and "file:" not in cleaned and "data:" not in cleaned
    assert 'href="mailto:bob@example.test"' in cleaned
