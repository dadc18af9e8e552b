"""The searchable words of a raw message: its best text part, HTML reduced to text, capped in size.

Downloading a folder's bodies for offline use runs this once per message, so it parses with the email package's
``compat32`` policy (header values stay plain strings) and picks the part as ``EmailMessage.get_body`` does. With
``policy.default`` every ``get_content_type()`` the parser and the walk ask for builds a header object through
the structured header parser: 80% of the download's CPU. ``tests/connectors/store/test_body_text.py`` checks the
choice against ``get_body`` on ordinary and hostile messages.
"""

from __future__ import annotations

import email
import email.policy
import logging
from collections.abc import Iterator
from email.message import Message
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


def _candidates(part: Message, preference: tuple[str, ...]) -> Iterator[tuple[int, Message]]:
    """(rank, part) of the parts that may be the body, as ``EmailMessage._find_body`` finds them."""
    if part.get_content_disposition() == "attachment":
        return
    maintype, _, subtype = part.get_content_type().partition("/")
    if maintype == "text":
        if subtype in preference:
            yield preference.index(subtype), part
        return
    if maintype != "multipart" or not part.is_multipart():
        return
    payload = part.get_payload()
    if not isinstance(payload, list):
        return
    subparts = [sub for sub in payload if isinstance(sub, Message)]
    if subtype != "related":
        for subpart in subparts:
            yield from _candidates(subpart, preference)
        return
    if "related" in preference:
        yield preference.index("related"), part
    candidate = None
    start = part.get_param("start")
    if isinstance(start, str) and start:
        candidate = next((sub for sub in subparts if str(sub.get("content-id", "")).strip() == start.strip()), None)
    if candidate is None and subparts:
        candidate = subparts[0]
    if candidate is not None:
        yield from _candidates(candidate, preference)


def best_text_part(message: Message, preference: tuple[str, ...] = ("plain", "html")) -> Message | None:
    """The part ``EmailMessage.get_body(preference)`` would choose, for a message parsed with any policy."""
    best_rank, body = len(preference), None
    for rank, part in _candidates(message, preference):
        if rank < best_rank:
            best_rank, body = rank, part
            if rank == 0:
                break
    return body


def _parsed(raw: bytes) -> Message:
    """``raw`` parsed with compat32. A message of one part is most mail: its headers alone go through the parser
    and the rest becomes the payload as is, which is what the parser would have made of it line by line."""
    end = raw.find(b"\r\n\r\n")
    if end >= 0:
        head = email.message_from_bytes(raw[:end + 4], policy=email.policy.compat32)
        if head.get_content_maintype() not in ("multipart", "message") and head.get_payload() == "":
            head.set_payload(raw[end + 4:].decode("ascii", "surrogateescape"))
            return head
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def _body_text(raw: bytes, limit: int) -> str:
    message = _parsed(raw)
    part = best_text_part(message)
    if part is None:
        return ""
    text = _part_text(part)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return text[:limit]
