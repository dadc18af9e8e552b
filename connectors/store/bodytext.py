"""The searchable words of a raw message: its best text part, HTML reduced to text, capped in size."""

from __future__ import annotations

import email
import email.policy
import logging
from email.message import EmailMessage, Message
from html.parser import HTMLParser

from ..messaging.charsets import decode_text
from ..messaging.flowed import unflow

logger = logging.getLogger(__name__)

# Beyond this, text adds index size but little findability (quoted history, giant newsletters).
MAX_INDEXED_CHARS = 64 * 1024


class _HTMLText(HTMLParser):
    _SKIPPED = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self._skip_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED and self._skip_depth:
            self._skip_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.chunks.append(data)


def html_to_text(html: str) -> str:
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.chunks).split())


def _part_text(part: Message) -> str:
    try:
        payload = part.get_payload(decode=True)
    except (LookupError, ValueError):
        payload = None
    if not isinstance(payload, bytes):
        return ""
    # The reader's decoding (windows-1252 for unlabelled 8-bit text) and paragraphs (format=flowed joined), so a
    # search finds the words the person sees.
    text = decode_text(payload, part.get_content_charset())
    if part.get_content_type() == "text/plain" and str(part.get_param("format", "")).lower() == "flowed":
        text = unflow(text.replace("\r\n", "\n"), delsp=str(part.get_param("delsp", "")).lower() == "yes")
    return text


def body_text(raw: bytes, limit: int = MAX_INDEXED_CHARS) -> str:
    """Plain text for the full-text index; empty if the message has no text part or cannot be parsed.

    Indexing is best effort: a message the email package chokes on is still cached, just not searchable by
    its body.
    """
    try:
        return _body_text(raw, limit)
    except Exception:
        logger.warning("Could not extract searchable text from a %d-byte message", len(raw), exc_info=True)
        return ""


def _body_text(raw: bytes, limit: int) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    if not isinstance(message, EmailMessage):
        return ""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except (LookupError, ValueError):
        part = None
    if part is None:
        return ""
    text = _part_text(part)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return text[:limit]
