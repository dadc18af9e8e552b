"""Hostile messages: every way we know for HTML mail to reach the network or to lie about who sent it.

Every attacker host is under ``evil.test`` (or a literal loopback address on a web port), so that in the sealed
network any DNS query for it or any connection to a web port is a leak. Hosts the person allowed are
``allowed-*.test`` on port 8081, the barrier's port.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

TRUSTED = "trusted@bank.test"
ALLOWED_PORT = 8081
PIXEL_B64 = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgAAAAAgAB4iG8MwAAAABJRU5ErkJggg==")


@dataclass
class Case:
    name: str
    messages: list[bytes]
    """Shown one after the other in the same reader, without waiting (more than one: a switch race)."""
    load_once: bool = False
    """Press "Load Remote Content" on the first message, then show the others."""
    expect_allowed_contact: bool = False
    """The person's consent applies: the allowed host must be contacted (a control that consent still works)."""
    labels: dict[str, str] = field(default_factory=dict)


def html_message(html: str, *, sender: str = "Shop <news@shop.example>", subject: str = "Offer",
                 extra_headers: str = "") -> bytes:
    return (f"From: {sender}\r\nTo: alice@example.test\r\nSubject: {subject}\r\n{extra_headers}"
            "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/html; charset=utf-8\r\n\r\n" + html).encode()


def related_message(html: str, parts: list[tuple[str, str, bytes]], *, sender: str = "Shop <news@shop.example>"
                    ) -> bytes:
    """multipart/related: the HTML and parts addressed by ``cid:`` (content id, type, bytes)."""
    out = [f"From: {sender}\r\nTo: alice@example.test\r\nSubject: Related\r\nMIME-Version: 1.0\r\n"
           'Content-Type: multipart/related; boundary="rel"\r\n\r\n'
           f"--rel\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n"]
    for content_id, content_type, data in parts:
        out.append(f"--rel\r\nContent-Type: {content_type}\r\nContent-ID: <{content_id}>\r\n"
                   "Content-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                   f"{base64.b64encode(data).decode()}\r\n")
    out.append("--rel--\r\n")
    return "".join(out).encode()


def encoded_word(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


def _host(name: str) -> str:
    return f"http://{name}.evil.test"


HTML_VECTORS: dict[str, str] = {
    # --- every CSS url() form ---
    "css-url-unquoted": f'<div style="background:url({_host("css1")}/a.png)">x</div>',
    "css-url-double-quoted": f'<div style=\'background-image:url("{_host("css2")}/a.png")\'>x</div>',
    "css-url-single-quoted": f"<div style=\"background-image:url('{_host('css3')}/a.png')\">x</div>",
    "css-url-uppercase": f'<div style="BACKGROUND:URL({_host("css4")}/a.png)">x</div>',
    "css-url-escaped": f'<div style="background:u\\72l({_host("css5")}/a.png)">x</div>',
    "css-url-entity": f'<div style="background:&#117;rl({_host("css6")}/a.png)">x</div>',
    "css-url-whitespace": f'<div style="background: url(  \n{_host("css7")}/a.png  )">x</div>',
    "css-image-set": f'<div style="background-image:image-set(&quot;{_host("css8")}/a.png&quot; 1x)">x</div>',
    "css-webkit-image-set": f'<div style="background-image:-webkit-image-set(url({_host("css9")}/a.png) 1x)">x</div>',
    "css-list-style-image": f'<ul style="list-style-image:url({_host("css10")}/a.png)"><li>x</li></ul>',
    "css-border-image": f'<div style="border:5px solid;border-image:url({_host("css11")}/a.png) 30">x</div>',
    "css-cursor": f'<div style="cursor:url({_host("css12")}/c.cur),auto">x</div>',
    "css-content": f'<div style="content:url({_host("css13")}/a.png)">x</div>',
    "css-mask-filter-shape": (f'<div style="mask-image:url({_host("css14")}/m.svg);'
                              f'filter:url({_host("css15")}/f.svg#f);shape-outside:url({_host("css16")}/s.png);float:left">x</div>'),
    "css-variable": f'<div style="--x:url({_host("css17")}/a.png);background:var(--x)">x</div>',
    "css-style-import": f'<style>@import url({_host("css18")}/a.css); @import "{_host("css19")}/b.css";</style>x',
    "css-style-font-face": (f'<style>@font-face{{font-family:f;src:url({_host("css20")}/f.woff)}}'
                            'p{font-family:f}</style><p>x</p>'),
    "css-style-background": f'<style>body{{background:url({_host("css21")}/a.png)}}</style>x',
    "css-style-escaped": f'<style>body{{background:\\75\\72\\6c({_host("css22")}/a.png)}}</style>x',
    "css-style-in-svg": f'<svg><style>svg{{background:url({_host("css23")}/a.png)}}</style></svg>x',
    # --- every element that can load ---
    "img-src": f'<img src="{_host("img1")}/a.png">',
    "img-srcset": f'<img srcset="{_host("img2")}/a.png 1x, {_host("img3")}/b.png 2x">',
    "picture-source": f'<picture><source srcset="{_host("img4")}/a.webp"><img src="data:,"></picture>',
    "image-element": f'<image src="{_host("img5")}/a.png">',
    "img-protocol-relative": '<img src="//img6.evil.test/a.png">',
    "img-ip-literal": '<img src="http://127.0.0.1:8080/a.png"><img src="http://[::1]:8443/b.png">',
    "input-image": f'<input type="image" src="{_host("img7")}/a.png">',
    "video-poster-src": f'<video poster="{_host("media1")}/p.png" src="{_host("media2")}/v.mp4"></video>',
    "audio-track": (f'<audio src="{_host("media3")}/a.mp3" autoplay><track src="{_host("media4")}/t.vtt">'
                    "</audio>"),
    "body-background": f'<body background="{_host("bg1")}/a.png">x</body>',
    "table-td-background": (f'<table background="{_host("bg2")}/a.png"><tr><td background="{_host("bg3")}/b.png">'
                            "x</td></tr></table>"),
    "link-stylesheet": f'<link rel="stylesheet" href="{_host("link1")}/a.css">x',
    "link-icon": f'<link rel="icon" href="{_host("link2")}/favicon.ico">x',
    "link-preload": f'<link rel="preload" as="image" href="{_host("link3")}/a.png">x',
    "link-prefetch": f'<link rel="prefetch" href="{_host("link4")}/a">x',
    "link-prerender": f'<link rel="prerender" href="{_host("link5")}/a">x',
    "link-modulepreload": f'<link rel="modulepreload" href="{_host("link6")}/a.js">x',
    "link-dns-prefetch": '<link rel="dns-prefetch" href="//link7.evil.test">x',
    "anchor-dns-prefetch": f'<a href="{_host("anchor1")}/">a link, whose host the engine could resolve early</a>',
    "meta-refresh": f'<meta http-equiv="refresh" content="0;url={_host("meta1")}/">x',
    "meta-csp-relaxing": (f"<meta http-equiv=\"Content-Security-Policy\" content=\"img-src *\">"
                          f'<img src="{_host("meta2")}/a.png">'),
    "base-href": f'<base href="{_host("base1")}/"><img src="a.png"><link rel=stylesheet href="b.css">',
    "script-src": f'<script src="{_host("script1")}/a.js"></script>x',
    "iframe-src": f'<iframe src="{_host("frame1")}/"></iframe>',
    "frameset": f'<frameset><frame src="{_host("frame2")}/"></frameset>',
    "object-data": f'<object data="{_host("object1")}/a.swf"></object>',
    "embed-src": f'<embed src="{_host("object2")}/a.swf">',
    "form-action": f'<form action="{_host("form1")}/"><input name=q value=1 autofocus><button>Go</button></form>',
    "svg-image": f'<svg><image href="{_host("svg1")}/a.png" width=10 height=10 /></svg>',
    "svg-xlink-image": (f'<svg xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="{_host("svg2")}/a.png"'
                        " width=10 height=10 /></svg>"),
    "svg-use": f'<svg><use href="{_host("svg3")}/s.svg#a" /></svg>',
    "svg-feimage": (f'<svg><filter id=f><feImage href="{_host("svg4")}/a.png"/></filter>'
                    '<rect filter="url(#f)" width=10 height=10 /></svg>'),
    "math-href": f'<math><mi href="{_host("math1")}/">x</mi></math>',
    "anchor-ping": f'<a href="https://example.org/" ping="{_host("ping1")}/">x</a>',
    # --- resource hints, and the ways a regular expression misses them ---
    "preconnect": f'<link rel="preconnect" href="{_host("pc1")}">x',
    "preconnect-entity-rel": f'<link rel="pre&#99;onnect" href="{_host("pc2")}">x',
    "preconnect-hex-entity-rel": f'<link rel="&#x70;reconnect" href="{_host("pc3")}">x',
    "preconnect-gt-in-quoted-attribute": f'<link title="a>b" rel="preconnect" href="{_host("pc4")}">x',
    "preconnect-gt-in-href": f'<link href="{_host("pc5")}/?a>b" rel=preconnect>x',
    "preconnect-mixed-case-list": f'<LINK REL="Stylesheet PreConnect" HREF="{_host("pc6")}">x',
    "preconnect-slashes": f'<link/rel=preconnect/href="{_host("pc7")}">x',
    "preconnect-newlines": f'<link\nrel\n=\n"preconnect"\nhref\n=\n"{_host("pc8")}"\n>x',
    "preconnect-entity-host": '<link rel="preconnect" href="http://pc9&#46;evil&#46;test">x',
    "preconnect-in-body": f'<p>text<link rel="preconnect" href="{_host("pc10")}"></p>',
    "preconnect-after-comment": f'<!-- <x --><link rel="preconnect" href="{_host("pc11")}">x',
    "preconnect-in-noscript": f'<noscript><link rel="preconnect" href="{_host("pc12")}"></noscript>x',
    "preconnect-in-template": f'<template><link rel="preconnect" href="{_host("pc13")}"></template>x',
    # --- documents nested in the message ---
    "iframe-data-url": (f'<iframe src="data:text/html,<link rel=preconnect href={_host("nest1")}>'
                        f'<img src={_host("nest2")}/a.png>"></iframe>'),
    "iframe-srcdoc": (f'<iframe srcdoc="&lt;link rel=preconnect href={_host("nest3")}&gt;'
                      f'&lt;img src={_host("nest4")}/a.png&gt;"></iframe>'),
    "object-data-url": (f'<object type="text/html" data="data:text/html,<link rel=preconnect '
                        f'href={_host("nest5")}>"></object>'),
    "embed-svg-data-url": ("<embed type=\"image/svg+xml\" src=\"data:image/svg+xml,<svg xmlns='http://www.w3.org/"
                           f"2000/svg'><image href='{_host('nest6')}/a.png' width='9' height='9'/></svg>\">"),
    "img-svg-data-url": ("<img src=\"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'>"
                         f"<image href='{_host('nest7')}/a.png' width='9' height='9'/></svg>\">"),
}

SVG_PART = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            b'<image xlink:href="http://cid1.evil.test/a.png" width="9" height="9"/>'
            b'<style>svg{background:url(http://cid2.evil.test/b.png)}</style></svg>')
XHTML_PART = (b'<html xmlns="http://www.w3.org/1999/xhtml"><head><link rel="preconnect" href="http://cid3.evil.test"/>'
              b'</head><body><img src="http://cid4.evil.test/a.png"/></body></html>')
HTML_PART = b'<link rel="preconnect" href="http://cid5.evil.test"><img src="http://cid6.evil.test/a.png">'


def cases() -> list[Case]:
    out = [Case(name, [html_message(f"<html><head>{html}</head><body>{html}<p>Hello</p></body></html>")])
           for name, html in HTML_VECTORS.items()]
    out += [
        Case("cid-svg-in-frames", [related_message(
            '<iframe src="cid:pic@x"></iframe><object data="cid:pic@x"></object><embed src="cid:pic@x">'
            '<img src="cid:pic@x">', [("pic@x", "image/svg+xml", SVG_PART)])]),
        Case("cid-xhtml-in-frame", [related_message(
            '<iframe src="cid:doc@x"></iframe><object data="cid:doc@x" type="application/xhtml+xml"></object>',
            [("doc@x", "application/xhtml+xml", XHTML_PART)])]),
        Case("cid-html-in-frame", [related_message(
            '<iframe src="cid:page@x"></iframe>', [("page@x", "text/html", HTML_PART)])]),
    ]
    # --- consent bound to the real sender: TRUSTED is on the person's "always load" list ---
    remote = f'<p>Your statement</p><img src="{_host("bypass")}/a.png"><link rel=preconnect href="{_host("bypass")}">'
    out += [
        Case("consent-encoded-line-break", [html_message(
            remote, sender=f"{encoded_word('Bank' + chr(13) + chr(10) + TRUSTED)} <attacker@evil.test>")]),
        Case("consent-encoded-address-in-name", [html_message(
            remote, sender=f"{encoded_word(TRUSTED)} <attacker@evil.test>")]),
        Case("consent-encoded-angle-address", [html_message(
            remote, sender=f"{encoded_word('<' + TRUSTED + '>')} <attacker@evil.test>")]),
        Case("consent-two-addresses", [html_message(remote, sender=f"attacker@evil.test, {TRUSTED}")]),
        Case("consent-trusted-second", [html_message(remote, sender=f"{TRUSTED}, attacker@evil.test")]),
        Case("consent-two-from-headers", [html_message(remote, sender=TRUSTED,
                                                       extra_headers="From: attacker@evil.test\r\n")]),
        Case("consent-sender-mismatch", [html_message(remote, sender=TRUSTED,
                                                      extra_headers="Sender: attacker@evil.test\r\n")]),
        Case("consent-group-syntax", [html_message(remote, sender=f"Bank: {TRUSTED};")]),
        Case("consent-comment-address", [html_message(remote, sender=f"attacker@evil.test ({TRUSTED})")]),
        Case("consent-trusted-control", [html_message(
            f'<img src="http://allowed-trusted.test:{ALLOWED_PORT}/a.png">', sender=f"Bank <{TRUSTED}>")],
            expect_allowed_contact=True),
        # With consent the engine's network stays closed: hints of an allowed message open no socket either.
        Case("consent-hints", [html_message(
            f'<link rel=preconnect href="{_host("consenthints")}">'
            f'<link rel=dns-prefetch href="{_host("consenthints")}">'
            f'<link rel=prefetch href="{_host("consenthints")}/p">'
            f'<link rel=stylesheet href="{_host("consenthints")}/s.css">'
            f'<img src="http://allowed-hints.test:{ALLOWED_PORT}/a.png">', sender=f"Bank <{TRUSTED}>")],
            expect_allowed_contact=True),
        Case("consent-once-is-for-one-message", [
            html_message(f'<img src="http://allowed-once.test:{ALLOWED_PORT}/a.png">'),
            html_message(f'<img src="{_host("once")}/b.png"><link rel=preconnect href="{_host("once")}">'),
        ], load_once=True, expect_allowed_contact=True),
    ]
    # --- one message, one page: hostile and allowed messages in quick succession, three times over ---
    for attempt in range(3):
        race: list[bytes] = []
        for n in range(8):
            tag = f"race{attempt}x{n}"
            race.append(html_message(
                f'<link rel=preconnect href="{_host(tag)}"><img src="{_host(tag)}/a.png">'
                f'<div style="background:url({_host(tag)}/b.png)">{"x" * 2000}</div>'))
            race.append(html_message(f'<img src="http://allowed-{tag}.test:{ALLOWED_PORT}/a.png">',
                                     sender=f"Bank <{TRUSTED}>"))
        out.append(Case(f"switch-race-{attempt}", race, expect_allowed_contact=True))
    return out


def spoof_cases() -> list[Case]:
    """Messages whose headers try to show something other than the truth; checked by the widgets' text."""
    return [
        Case("rlo-name", [html_message("<p>x</p>", sender=f"{encoded_word('moc.lapyap@ecivres' + chr(0x202E))}"
                                                          " <attacker@evil.test>")]),
        Case("rlo-subject", [html_message("<p>x</p>", subject=encoded_word("Invoice \u202egpj.exe"))]),
        Case("control-chars", [html_message("<p>x</p>", subject=encoded_word("Hello\x00World\x07\x1b[31m"),
                                            sender=f"{encoded_word('Ali' + chr(0) + 'ce')} <alice@friend.test>")]),
        Case("name-is-address", [html_message("<p>x</p>", sender='"service@paypal.com" <attacker@evil.test>')]),
        Case("invisible-padding", [html_message(
            "<p>x</p>", sender=f"{encoded_word('PayPal' + chr(0x3164) * 300 + chr(0x2800) * 200)} "
                               "<attacker@evil.test>")]),
        Case("long-name", [html_message("<p>x</p>", sender=f'"{"Support team " * 40}" <attacker@evil.test>')]),
    ]
