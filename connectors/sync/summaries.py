"""Message summaries from a lean header FETCH: what the message list needs, without bodies.

Fetching a handful of header fields as one literal (``BODY.PEEK[HEADER.FIELDS (...)]``) costs far less to parse
than ENVELOPE, which is what makes a 100k-message first sync fit in seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from ..messaging.imap_support import decode_labels
from ..messaging.mime import decode_header_value
from ..store import MessageSummary

HEADER_FIELDS = (
    "FROM", "TO", "CC", "SUBJECT", "DATE", "MESSAGE-ID", "IN-REPLY-TO", "REFERENCES", "CONTENT-TYPE",
)
HEADER_ITEM = f"BODY.PEEK[HEADER.FIELDS ({' '.join(HEADER_FIELDS)})]"
# IMAPClient reports the section as the server echoes it, without .PEEK.
_HEADER_KEY = f"BODY[HEADER.FIELDS ({' '.join(HEADER_FIELDS)})]".encode()
SUMMARY_ITEMS = ["UID", "FLAGS", "RFC822.SIZE", "INTERNALDATE", HEADER_ITEM]
GMAIL_ITEMS = ["X-GM-LABELS", "X-GM-THRID", "X-GM-MSGID"]

_parser = BytesHeaderParser(policy=compat32)
_MAX_TEXT = 2000  # a hostile header must not bloat the store


def _text(value: Any) -> str:
    return decode_header_value(value)[:_MAX_TEXT] if value is not None else ""


def _epoch(value: dt.datetime | None) -> int:
    if value is None:
        return 0
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return int(value.timestamp())


def _addresses(value: str) -> str:
    pairs = getaddresses([value]) if value else []
    return ", ".join(f"{name} <{addr}>" if name else addr for name, addr in pairs if addr or name)[:_MAX_TEXT]


def _header_bytes(data: Mapping[bytes, Any]) -> bytes:
    raw = data.get(_HEADER_KEY)
    if raw is None:  # some servers echo the section with different spacing or case
        raw = next((v for k, v in data.items() if k.startswith(b"BODY[HEADER")), b"")
    return bytes(raw or b"")


def summary_from_fetch(uid: int, data: Mapping[bytes, Any]) -> MessageSummary:
    """A MessageSummary from one FETCH response of SUMMARY_ITEMS (+ GMAIL_ITEMS on Gmail). Never raises on junk."""
    headers = _parser.parsebytes(_header_bytes(data))
    sender = _text(headers.get("From"))
    sender_pairs = getaddresses([sender]) if sender else []
    from_name, from_addr = sender_pairs[0] if sender_pairs else ("", "")
    if not from_addr and not from_name:
        from_name = sender
    date_header = headers.get("Date")
    try:
        sent = parsedate_to_datetime(str(date_header)) if date_header else None
    except (TypeError, ValueError, IndexError):
        sent = None
    internal = data.get(b"INTERNALDATE")
    content_type = str(headers.get("Content-Type") or "").lower()
    labels = data.get(b"X-GM-LABELS")
    thrid, msgid = data.get(b"X-GM-THRID"), data.get(b"X-GM-MSGID")
    return MessageSummary(
        uid=uid,
        subject=_text(headers.get("Subject")),
        from_name=from_name[:_MAX_TEXT],
        from_addr=from_addr[:_MAX_TEXT],
        to=_addresses(_text(headers.get("To"))),
        cc=_addresses(_text(headers.get("Cc"))),
        date=_epoch(sent),
        internal_date=_epoch(internal if isinstance(internal, dt.datetime) else None),
        flags=frozenset(f.decode("utf-8", "replace") if isinstance(f, bytes) else str(f)
                        for f in data.get(b"FLAGS", ())),
        size=int(data.get(b"RFC822.SIZE") or 0),
        # Without BODYSTRUCTURE, multipart/mixed is the sign of attachments (Thunderbird's heuristic too);
        # the flag is corrected when the body is opened.
        has_attachments=content_type.startswith("multipart/mixed"),
        message_id=_text(headers.get("Message-ID")).strip()[:500],
        in_reply_to=_text(headers.get("In-Reply-To")).strip()[:500],
        references=" ".join(_text(headers.get("References")).split()[-20:]),
        gm_labels=tuple(decode_labels(labels)) if labels is not None else (),
        gm_thrid=int(thrid) if thrid is not None else None,
        gm_msgid=int(msgid) if msgid is not None else None,
    )
