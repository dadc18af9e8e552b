"""A parsed message made ready for a reader, where it was parsed (a parsing process, see :mod:`.parse_process`):
its HTML sanitised (:mod:`.html_sanitiser`: once with remote images left out, once with them for when the person
allows them), its plain text as escaped HTML (:mod:`.message_text`), and its other parts listed as attachments.

What crosses back to the app is then small whatever the message's size: the texts and parts it shows, not the
texts it was made from, and the bytes of its attachments only up to a budget (``kept_bytes``, 1 MiB by default).
An attachment over the budget comes as a part not downloaded (``ParsedAttachment.omitted_size``, ``data`` empty):
its bytes are read again when it is saved or opened. Inline images the HTML shows are in the HTML (``data:``
URLs) and left out of the list.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .html_sanitiser import content_id_key, message_document, sanitise_html
from .message_text import plain_text_html
from .mime import ParsedAttachment, ParsedMessage

__all__ = ["READING_BYTES", "ForReading", "for_reading", "reading_view"]

READING_BYTES = 1 << 20
"""Attachment bytes kept with a message prepared for reading (small attachments can be dragged at once)."""


@dataclass(frozen=True)
class ForReading:
    """What a reader shows of a message besides its headers."""

    html: str | None
    """The sanitised HTML document, with no remote reference left in it (None: the message has no HTML)."""
    remote_html: str | None
    """The same document with its remote images kept, for when the person allows them (None: there are none)."""
    remote_count: int
    """How many remote references the first document left out."""
    plain_html: str | None
    """The plain text as escaped HTML, when the message has no HTML."""
    attachments: list[ParsedAttachment]
    """The parts listed as attachments (inline images the HTML shows left out)."""


def reading_view(parsed: ParsedMessage) -> ForReading:
    """Sanitise ``parsed``'s HTML (inline ``cid:`` images kept, remote ones set aside until allowed) and list its
    other parts as attachments."""
    html: str | None = None
    remote_html: str | None = None
    remote_count = 0
    used: frozenset[str] = frozenset()
    if parsed.html_body:
        blocked = sanitise_html(parsed.html_body, parsed.attachments)
        html, used, remote_count = message_document(blocked.html), blocked.content_ids, blocked.remote_blocked
        if remote_count:
            remote_html = message_document(sanitise_html(parsed.html_body, parsed.attachments,
                                                         allow_remote=True).html)
    attachments = [part for part in parsed.attachments
                   if not (part.content_id and content_id_key(part.content_id) in used)]
    return ForReading(html=html, remote_html=remote_html, remote_count=remote_count,
                      plain_html=None if html is not None else plain_text_html(parsed.body), attachments=attachments)


def for_reading(parsed: ParsedMessage, kept_bytes: int | None = READING_BYTES) -> tuple[ParsedMessage, ForReading]:
    """``parsed`` made ready for a reader (:func:`reading_view`), and ``parsed`` reduced to what goes with it: its
    headers and its listed attachments, its texts (``body``, ``html_body``) left out. Attachment bytes are kept up
    to ``kept_bytes`` in all, in order (None: every one); the parts over it come without their bytes."""
    view = reading_view(parsed)
    left = kept_bytes
    listed: list[ParsedAttachment] = []
    for part in view.attachments:
        if left is not None and part.downloaded and part.data:
            if len(part.data) > left:
                part = replace(part, data=b"", omitted_size=len(part.data))
            else:
                left -= len(part.data)
        listed.append(part)
    return replace(parsed, body="", html_body=None, attachments=listed), replace(view, attachments=listed)
