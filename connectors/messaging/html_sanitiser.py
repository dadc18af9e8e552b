"""The first wall between hostile HTML mail and the network: a parser-based allowlist sanitiser (ammonia, via nh3).

Only presentational elements and attributes survive. Nothing that can load or embed survives: no ``<link>``,
``<meta>``, ``<base>``, ``<style>`` blocks, frames, objects, forms, media, SVG or MathML, and no attribute that
names a resource except ``<img src>`` and ``<a href>``. ``<img src>`` keeps only inline images (``cid:`` parts,
turned into ``data:`` URLs here, and raster ``data:`` images); a remote (http(s)) ``src`` survives only when the
person allowed remote content for this message, rewritten to ``facteur-remote:<percent-encoded address>`` (the engine
never goes to the web: Facteur fetches it, see :mod:`gui.workers.remote_images`), and otherwise is dropped and
reported. Inline ``style`` attributes keep only the
declarations that cannot fetch anything (no ``url()``, ``image-set()``, ``@import``, escapes or comments).

The engine (the app's ``gui.views.html_view``) is the second, independent wall: each must hold alone. The app
sanitises in its parsing processes, with the parse (:mod:`.reading`, :mod:`.parse_process`): nh3 calls back into
Python for every attribute, which in the app's threads held the interpreter lock the GUI thread needs.
"""

from __future__ import annotations

import base64
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

import nh3

from connectors.messaging.mime import ParsedAttachment

ALLOWED_TAGS = frozenset({
    "a", "abbr", "acronym", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote", "br",
    "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt",
    "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i",
    "img", "ins", "kbd", "li", "main", "mark", "nav", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp",
    "section", "small", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
})
# Elements whose content is dropped with them: code, styles, embedded documents, and text never meant to be read.
DROPPED_WITH_CONTENT = frozenset({
    "script", "style", "title", "iframe", "frame", "frameset", "noframes", "object", "embed", "applet",
    "template", "noscript", "noembed", "xmp", "textarea", "select", "svg", "math", "head", "audio", "video",
})
_PRESENTATION = {
    "align", "valign", "bgcolor", "color", "dir", "lang", "title", "style", "width", "height", "border",
    "cellpadding", "cellspacing", "face", "size", "nowrap", "role", "hspace", "vspace", "class",
}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": _PRESENTATION,
    "a": {"href", "name"},
    "img": {"src", "alt"},
    "td": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "th": {"colspan", "rowspan", "headers", "scope", "abbr"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type", "reversed"},
    "ul": {"type"},
    "li": {"value", "type"},
    "time": {"datetime"},
    "del": {"datetime"},
    "ins": {"datetime"},
    "details": {"open"},
}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
REMOTE_SCHEMES = frozenset({"http", "https"})
REMOTE_IMAGE_SCHEME_NAME = "facteur-remote"
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})
# Anything in a declaration that can make the engine fetch (or hide what it fetches).
_CSS_FETCHING = ("url(", "image(", "image-set(", "cross-fade(", "element(", "paint(", "src(", "@import",
                 "expression(", "binding", "behavior")


@dataclass(frozen=True)
class SanitisedHtml:
    html: str
    remote_blocked: int
    """How many remote references (images) were dropped because remote content is not allowed."""
    content_ids: frozenset[str]
    """The ``cid:`` parts shown inline, so the reader can leave them out of the attachment list."""


def content_id_key(value: str) -> str:
    return urllib.parse.unquote(value).strip().strip("<>").lower()


def safe_style(value: str) -> str | None:
    """An inline ``style`` value with every declaration that could fetch removed; None when nothing is left."""
    if "\\" in value or "/*" in value or "<" in value:
        return None  # escapes and comments can spell anything: keep nothing rather than guess
    kept = []
    for declaration in value.split(";"):
        folded = "".join(declaration.lower().split())
        if not folded or any(token in folded for token in _CSS_FETCHING):
            continue
        kept.append(declaration.strip())
    return "; ".join(kept) or None


def remote_image_url(url: str) -> str:
    """Where the reader's page asks for the remote image at ``url`` (which Facteur then fetches for it)."""
    return f"{REMOTE_IMAGE_SCHEME_NAME}:{urllib.parse.quote(url.strip(), safe='')}"


def _scheme(url: str) -> str:
    head = "".join(url.split()).lower()
    return head.split(":", 1)[0] if ":" in head else ""


def sanitise_html(html_body: str, parts: Sequence[ParsedAttachment] = (), *,
                  allow_remote: bool = False) -> SanitisedHtml:
    """``html_body`` reduced to presentational HTML (see the module docstring)."""
    images = {
        content_id_key(part.content_id): part
        for part in parts
        if part.content_id and part.content_type.lower() in INLINE_IMAGE_TYPES
    }
    used: set[str] = set()
    remote = 0

    def image_source(value: str) -> str | None:
        nonlocal remote
        scheme = _scheme(value)
        if scheme == "cid":
            key = content_id_key(value.strip()[4:])
            part = images.get(key)
            if part is None:
                return None
            used.add(key)
            return f"data:{part.content_type.lower()};base64,{base64.b64encode(part.data).decode('ascii')}"
        if scheme == "data":
            media = value.strip()[5:].split(";", 1)[0].split(",", 1)[0].strip().lower()
            return value.strip() if media in INLINE_IMAGE_TYPES else None
        if scheme in REMOTE_SCHEMES:
            if allow_remote:
                return remote_image_url(value)
            remote += 1
        return None

    def attribute(element: str, name: str, value: str) -> str | None:
        if name == "style":
            return safe_style(value)
        if element == "img" and name == "src":
            return image_source(value)
        if element == "a" and name == "href":
            return value if _scheme(value) in LINK_SCHEMES else None
        return value

    cleaned = nh3.clean(
        html_body,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={key: set(value) for key, value in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=attribute,
        url_schemes={"http", "https", "mailto", "data", "cid"},
        strip_comments=True,
        link_rel="noopener noreferrer",
    )
    return SanitisedHtml(cleaned, remote, frozenset(used))


def message_document(body: str) -> str:
    """A sanitised body as the complete document the reader shows."""
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
            f"<body>{body}</body></html>")
