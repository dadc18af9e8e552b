"""Turning a plain-text message into what the reader shows: escaped HTML with links, quote levels and signature.

Plain text is escaped first and only then decorated (links, quote levels, signature), so nothing in a message can
become markup. HTML bodies go through :mod:`connectors.messaging.html_sanitiser` instead.
"""

from __future__ import annotations

import html
import re

_URL = re.compile(r"""(?:https?://|www\.|mailto:)[^\s<>"'`]+""", re.IGNORECASE)
_EMAIL = re.compile(r"""(?<![\w.+/:-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+""")
_TRAILING = ".,;:!?)]}'\u00bb"

# Colours of quote levels 1, 2, 3 (then repeating): readable on light and dark backgrounds alike.
QUOTE_COLOURS = ("#3465a4", "#4e9a06", "#8f5902", "#75507b")


def _split_trailing(text: str) -> tuple[str, str]:
    """A URL without the punctuation that ends the sentence around it."""
    trailing = ""
    while text and text[-1] in _TRAILING:
        # Keep a closing parenthesis that belongs to the URL, as in Wikipedia links.
        if text[-1] == ")" and text.count("(") >= text.count(")"):
            break
        trailing = text[-1] + trailing
        text = text[:-1]
    return text, trailing


def _anchor(target: str, text: str) -> str:
    return f'<a href="{html.escape(target, quote=True)}">{html.escape(text)}</a>'


def _emails(raw: str) -> str:
    parts: list[str] = []
    last = 0
    for match in _EMAIL.finditer(raw):
        parts.append(html.escape(raw[last:match.start()]))
        parts.append(_anchor("mailto:" + match.group(0), match.group(0)))
        last = match.end()
    parts.append(html.escape(raw[last:]))
    return "".join(parts)


def linkify(raw: str) -> str:
    """``raw`` text as escaped HTML, with links for URLs and e-mail addresses."""
    parts: list[str] = []
    last = 0
    for match in _URL.finditer(raw):
        url, trailing = _split_trailing(match.group(0))
        parts.append(_emails(raw[last:match.start()]))
        target = url if "://" in url or url.lower().startswith("mailto:") else "http://" + url
        parts.append(_anchor(target, url))
        parts.append(html.escape(trailing))
        last = match.end()
    parts.append(_emails(raw[last:]))
    return "".join(parts)


def quote_depth(line: str) -> int:
    depth = 0
    for char in line.lstrip():
        if char == ">":
            depth += 1
        elif char != " ":
            break
    return depth


def plain_text_html(text: str) -> str:
    """A plain-text body as HTML for QTextBrowser: escaped, links clickable, quoted lines coloured by depth,
    the signature greyed; line breaks and spacing kept."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    in_signature = False
    for line in lines:
        if line == "-- ":
            in_signature = True
        body = linkify(line) or "&nbsp;"
        depth = quote_depth(line)
        if depth:
            colour = QUOTE_COLOURS[(depth - 1) % len(QUOTE_COLOURS)]
            out.append(f'<span style="color:{colour}">{body}</span>')
        elif in_signature:
            out.append(f'<span style="color:#888888">{body}</span>')
        else:
            out.append(body)
    return ('<html><body><div style="white-space: pre-wrap">' + "<br>".join(out) + "</div></body></html>")
