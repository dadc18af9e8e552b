"""Reading incoming mail: a best-effort, never-crashing view of any message, hostile or broken.

Built on the stdlib ``email`` package with ``policy.default``; every step that can meet malformed input (unknown
charsets, missing boundaries, broken base64, undecodable headers) falls back to something readable instead of
raising. Attachment file names come out safe to join to a directory.
"""

from __future__ import annotations

import datetime as dt
import email
import email.header
import email.parser
import functools
import logging
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from .bodystructure import OMITTED_HEADER
from .charsets import decode_text
from .flowed import unflow
from .html_text import html_to_text

__all__ = ["ParsedAttachment", "ParsedMessage", "parse_message", "safe_filename", "decode_header_value"]

log = logging.getLogger(__name__)

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_MAX_NAME_BYTES = 200


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    content_id: str | None = None
    inline: bool = False
    omitted_size: int | None = None
    """Set when the part's bytes were not downloaded (a message read from its text parts only): its size, from
    the server's BODYSTRUCTURE. ``data`` is then empty."""

    @property
    def size(self) -> int:
        return self.omitted_size if self.omitted_size is not None else len(self.data)

    @property
    def downloaded(self) -> bool:
        return self.omitted_size is None

    def as_dict(self, with_data: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "content_id": self.content_id,
            "inline": self.inline,
        }
        if with_data:
            out["data"] = self.data
        return out


@dataclass
class ParsedMessage:
    subject: str = ""
    from_: str = ""
    to: str = ""
    cc: str = ""
    reply_to: str = ""
    date: str = ""
    datetime: dt.datetime | None = None
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    body: str = ""
    html_body: str | None = None
    attachments: list[ParsedAttachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    sender: str = ""
    """The one address of ``From`` as the parser reads it, or "" when ``From`` is not exactly one valid address."""
    sender_name: str = ""
    """The display name that goes with ``sender``, decoded (it is only ever text)."""
    sender_problem: str = ""
    """Why ``sender`` must not be trusted (a ``SENDER_*`` code), or "" when nothing looks wrong."""
    too_deep: bool = False
    """The MIME tree was nested too deeply to be read whole; its parts were found level by level."""

    @property
    def has_attachments(self) -> bool:
        return any(not a.inline for a in self.attachments)

    def as_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "from": self.from_,
            "to": self.to,
            "cc": self.cc,
            "reply_to": self.reply_to,
            "date": self.date,
            "datetime": self.datetime,
            "message_id": self.message_id,
            "in_reply_to": self.in_reply_to,
            "references": self.references,
            "body": self.body,
            "html_body": self.html_body,
            "has_attachments": self.has_attachments,
            "attachments": [a.as_dict(with_data=False) for a in self.attachments],
        }


def header_block(raw: bytes) -> bytes:
    """A message's header block (up to the blank line), found without scanning its body: a 25 MB message with CRLF
    line ends has no ``\\n\\n`` anywhere, and looking for one would read all of it."""
    end = raw.find(b"\r\n\r\n")
    limit = end if end >= 0 else len(raw)
    bare = raw.find(b"\n\n", 0, limit)
    return raw[:bare if bare >= 0 else limit]


def safe_filename(
    name: str | None, content_type: str = "application/octet-stream", fallback: str = "attachment"
) -> str:
    """A file name safe to join to a directory: no separators, no ``..``, no control or bidi characters, not empty,
    not a Windows device name, at most 200 bytes (extension kept)."""
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[/\\]", text)[-1]
    # Category C covers control characters, and the bidi overrides that make "gpj.exe" read as "exe.jpg".
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    text = re.sub(r'[<>:"|?*]', "_", text).strip(" .")
    if not text:
        extension = mimetypes.guess_extension(content_type or "") or ".bin"
        text = fallback + extension
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    if stem.upper() in _WINDOWS_RESERVED or text.upper() in _WINDOWS_RESERVED:
        text = "_" + text
    encoded = text.encode("utf-8")
    if len(encoded) > _MAX_NAME_BYTES:
        suffix = ("." + ext)[:20] if dot else ""
        room = _MAX_NAME_BYTES - len(suffix.encode("utf-8"))
        text = encoded[:room].decode("utf-8", "ignore").rstrip(" .") + suffix
    return text


def unique_filenames(attachments: list[ParsedAttachment]) -> None:
    """Give same-named attachments distinct names ("a.pdf", "a (2).pdf") so saving one never overwrites another."""
    seen: set[str] = set()
    for attachment in attachments:
        name, n = attachment.filename, 1
        stem, dot, ext = name.rpartition(".")
        if not dot:
            stem, ext = name, ""
        while name.lower() in seen:
            n += 1
            name = f"{stem} ({n}).{ext}" if dot else f"{stem} ({n})"
        seen.add(name.lower())
        attachment.filename = name


def decode_header_value(raw: Any) -> str:
    """A header as readable text, whatever its encoding (RFC 2047 words, raw UTF-8, windows-1252...).

    ``raw`` may be the header's undecoded bytes: raw 8-bit bytes are then decoded as UTF-8 or windows-1252."""
    if raw is None:
        return ""
    if isinstance(raw, bytes):
        return _decode_header_bytes(raw)
    try:
        text = str(raw)
    except Exception:  # noqa: BLE001 - policy.default can choke on broken encoded words
        text = ""
    if text and "=?" not in text:
        return _clean(text)
    source = text or str(getattr(raw, "_value", raw))
    try:
        pieces = email.header.decode_header(source)
    except Exception:  # noqa: BLE001
        return _clean(text)
    out = []
    for chunk, charset in pieces:
        if not isinstance(chunk, bytes):
            out.append(chunk)
        elif charset is None:
            # Text between encoded words, which decode_header hands back as raw-unicode-escape bytes.
            out.append(chunk.decode("raw-unicode-escape" if not source.isascii() else "ascii", "replace"))
        else:
            out.append(decode_text(chunk, charset))
    return _clean("".join(out))


def _decode_header_bytes(data: bytes) -> str:
    data = re.sub(rb"\r?\n(?=[ \t])", b"", data)  # unfold (RFC 5322 2.2.3)
    if b"=?" not in data:
        return _clean(decode_text(data, None))
    # One character per byte, so the text between encoded words comes back from decode_header as the same bytes.
    try:
        pieces = email.header.decode_header(data.decode("latin-1"))
    except Exception:  # noqa: BLE001 - policy.default can choke on broken encoded words
        return _clean(decode_text(data, None))
    return _clean("".join(
        decode_text(chunk.encode("latin-1") if isinstance(chunk, str) else chunk, charset)
        for chunk, charset in pieces
    ))


def _clean(text: str) -> str:
    return re.sub(r"[\r\n\t]+", " ", text).strip()


def _raw_header(msg: Message, name: str) -> str | None:
    for key, raw in msg.raw_items():
        if key.lower() == name.lower():
            return raw
    return None


def _header(msg: Message, name: str) -> str:
    raw = _raw_header(msg, name)
    if raw is None:
        return ""
    try:
        data = raw.encode("ascii", "surrogateescape")  # 8-bit bytes are kept as surrogates by the parser
    except UnicodeEncodeError:  # a header set as text, not parsed from bytes
        data = None
    if data is not None and not data.isascii():
        # Raw 8-bit bytes, which policy.default shows as U+FFFD: decode_text() finds UTF-8 or windows-1252.
        return decode_header_value(data)
    try:
        value = msg.get(name)
        text = str(value)
    except Exception:  # noqa: BLE001 - a malformed header must not hide the rest of the message
        return decode_header_value(data if data is not None else raw)
    if data is not None and any(ch == "\ufffd" or "\x80" <= ch <= "\x9f" for ch in text):
        # An encoded word in an unknown or wrong charset, which policy.default decodes to U+FFFD, or in Latin-1
        # where the sender meant windows-1252 (C1 controls instead of curly quotes, € or œ).
        return decode_header_value(data)
    # Otherwise policy.default's reading, which keeps a decoded display name with a comma quoted.
    return decode_header_value(value)


def _part_text(part: Message) -> str:
    text = _decoded_text(part).replace("\r\n", "\n")
    if part.get_content_type() == "text/plain" and _content_param(part, "format") == "flowed":
        text = unflow(text, delsp=_content_param(part, "delsp") == "yes")
    return text


def _content_param(part: Message, name: str) -> str:
    try:
        value = part.get_param(name, "")
    except Exception:  # noqa: BLE001 - a malformed Content-Type reads as no parameter
        return ""
    return (value if isinstance(value, str) else "").strip().lower()


def _decoded_text(part: Message) -> str:
    # Not get_content(): it decodes a missing or wrong charset with U+FFFD for every 8-bit byte.
    try:
        payload = part.get_payload(decode=True)
    except Exception as exc:  # noqa: BLE001 - a broken transfer encoding: show what is there
        log.debug("Undecodable text part: %s", exc)
        payload = None
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    try:
        charset = part.get_content_charset()
    except Exception:  # noqa: BLE001 - a non-ASCII charset parameter
        charset = None
    return decode_text(payload, charset)


def _part_bytes(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    if isinstance(raw, list):  # an attached message/rfc822
        try:
            return b"".join(p.as_bytes() for p in raw if isinstance(p, Message))
        except Exception:  # noqa: BLE001
            return b""
    return b""


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001
        name = None
    if name:
        return decode_header_value(name)
    return None


SENDER_NOT_ONE = "not-one-address"
SENDER_INVALID = "invalid-address"
SENDER_LINE_BREAK = "line-break"
SENDER_MISMATCH = "sender-mismatch"
_MAX_SALVAGED_PARTS = 500
_NESTING_LIMIT = 64


def _valid_address(local: str, domain: str) -> bool:
    """A plain ``local@domain`` a person can read: no controls, spaces or invisible characters, a real host name."""
    if not local or not domain or "@" in local or "@" in domain:
        return False
    if any(unicodedata.category(ch)[0] in "CZ" for ch in local + domain):
        return False
    labels = domain.rstrip(".").split(".")
    return len(labels) >= 2 and all(
        0 < len(label) <= 63 and not label.startswith("-") and not label.endswith("-")
        and all(ch.isalnum() or ch == "-" for ch in label)
        for label in labels
    )


def _raw_headers(msg: Message, name: str) -> list[str]:
    return [str(value) for key, value in msg.raw_items() if key.lower() == name.lower()]


def verified_sender(msg: Message) -> tuple[str, str, str]:
    """(address, display name, problem): the single address of ``From`` as the header parser reads it (encoded
    words are only ever text, never addresses), and why it must not be trusted ("" if nothing is wrong)."""
    froms = _raw_headers(msg, "From")
    if len(froms) != 1:
        return "", "", SENDER_NOT_ONE
    try:
        header = msg["From"]
        addresses = list(getattr(header, "addresses", ()))
    except Exception:  # noqa: BLE001 - a broken header is simply not trusted
        return "", "", SENDER_INVALID
    if len(addresses) != 1:
        return "", "", SENDER_NOT_ONE
    address = addresses[0]
    grouped = any(group.display_name is not None for group in getattr(header, "groups", ()))
    if grouped or not _valid_address(address.username, address.domain) or getattr(header, "defects", None):
        return "", "", SENDER_INVALID
    spec = f"{address.username}@{address.domain}"
    name = str(address.display_name or "")
    unfolded = re.sub(r"\r?\n(?=[ \t])", "", froms[0])
    try:
        decoded_words = "".join(
            chunk.decode(charset or "ascii", "replace") if isinstance(chunk, bytes) else chunk
            for chunk, charset in email.header.decode_header(unfolded))
    except Exception:  # noqa: BLE001
        decoded_words = unfolded
    if any(unicodedata.category(ch) == "Cc" and ch != "\t" for ch in address.display_name + decoded_words):
        return spec, name, SENDER_LINE_BREAK
    senders = _raw_headers(msg, "Sender")
    if senders:
        try:
            sender_addresses = list(getattr(msg["Sender"], "addresses", ()))
        except Exception:  # noqa: BLE001
            sender_addresses = []
        if len(senders) != 1 or len(sender_addresses) != 1 or sender_addresses[0].addr_spec.lower() != spec.lower():
            return spec, name, SENDER_MISMATCH
    return spec, name, ""


def _split_part(text: str) -> tuple[str, str]:
    """A part's header block and body, however much nesting the body holds."""
    for separator in ("\r\n\r\n", "\n\n"):
        head, found, body = text.partition(separator)
        if found and "\n\n" not in head and "\r\n\r\n" not in head:
            return head, body
    return text, ""


def _shallow_part(text: str, parse_policy: Any = policy.default) -> Message:
    """One MIME part with its headers parsed and its body kept as text."""
    head, body = _split_part(text)
    part: Message = email.parser.Parser(policy=parse_policy).parsestr(head + "\n\n", headersonly=True)
    part.set_payload(body)
    return part


def _split_multipart(payload: str, boundary: str) -> list[str]:
    """The bodies between RFC 2046 delimiter lines ("--" boundary, "--" once more on the last one, then optional
    white space), found with plain string searches: this runs once per level on the whole remaining text."""
    marker = "--" + boundary
    children: list[str] = []
    start: int | None = None
    position = 0
    while (found := payload.find(marker, position)) >= 0:
        position = found + len(marker)
        if found and payload[found - 1] != "\n":
            continue
        line_end = payload.find("\n", position)
        rest = payload[position:line_end if line_end >= 0 else len(payload)]
        closing = rest.startswith("--")
        if (rest[2:] if closing else rest).strip(" \t\r"):
            continue  # a longer boundary that merely starts like this one
        if start is not None:
            children.append(payload[start:found])
        if closing or line_end < 0:
            break
        start = line_end + 1
        position = start
    return children


def _salvaged_parts(msg: Message) -> tuple[list[Message], int]:
    """The leaf parts of a message, found one level at a time (the stdlib parser recurses once per level, and
    thousands of nested multiparts exhaust Python's stack), and the deepest level met."""
    leaves: list[Message] = []
    stack: list[tuple[Message, str, int]] = [(msg, "", 0)]
    deepest = 0
    while stack and len(leaves) < _MAX_SALVAGED_PARTS:
        part, text, depth = stack.pop()
        deepest = max(deepest, depth)
        payload = part.get_payload()
        boundary = part.get_boundary() if part.get_content_maintype() == "multipart" else None
        if not boundary or not isinstance(payload, str):
            # Containers were read with the quick compat32 headers; the parts shown get the full treatment.
            leaves.append(_shallow_part(text) if text else part)
            continue
        children = _split_multipart(payload, boundary)
        for child in reversed(children):
            stack.append((_shallow_part(child, policy.compat32), child, depth + 1))
    return leaves, deepest


def _omitted_size(part: Message) -> int | None:
    """The size a part left on the server declares (only in messages assembled by connectors.messaging.bodystructure,
    which ``partial=True`` says: a header a sender wrote in a complete message means nothing)."""
    value = part.get(OMITTED_HEADER)
    if value is None:
        return None
    try:
        return max(0, int(str(value).strip()))
    except ValueError:
        return 0


_LINE_BREAK = re.compile(r"\n|\r")
_CACHED_HEADER_CHARS = 4096


@functools.lru_cache(maxsize=2048)
def _header_object(name: str, value: str) -> Any:
    return policy.default.header_factory(name, value)


class _ReusedHeaders(policy.EmailPolicy):
    """``policy.default`` whose header objects (immutable) are made once per name and value. The parser and the
    reading of a message ask for Content-Type and its parameters dozens of times per part, and each time
    ``policy.default`` parses the header afresh through its structured parser: most of a small message's parse."""

    def header_fetch_parse(self, name: str, value: str) -> Any:
        if hasattr(value, "name"):
            return value
        value = "".join(_LINE_BREAK.split(value))
        if len(value) > _CACHED_HEADER_CHARS:
            return self.header_factory(name, value)
        return _header_object(name, value)


_PARSE_POLICY = _ReusedHeaders()


def parse_message(raw: bytes, *, partial: bool = False) -> ParsedMessage:
    """Parse raw RFC 5322 bytes. Never raises on malformed input."""
    # Many nested containers (each costs the stdlib parser a level of recursion): read the top-level headers, then
    # the parts level by level.
    lowered = raw.lower()
    level_by_level = lowered.count(b"multipart/") + lowered.count(b"message/") > _NESTING_LIMIT
    try:
        if level_by_level:
            msg = email.parser.BytesParser(policy=_PARSE_POLICY).parsebytes(raw, headersonly=True)
        else:
            msg = email.message_from_bytes(raw, policy=_PARSE_POLICY)
    except RecursionError:
        msg = email.parser.BytesParser(policy=_PARSE_POLICY).parsebytes(raw, headersonly=True)
        level_by_level = True
    except Exception:  # noqa: BLE001 - the parser itself is robust, but never trust that with hostile input
        return ParsedMessage(body=raw.decode("utf-8", "replace"), defects=["unparseable message"])
    out = ParsedMessage(
        subject=_header(msg, "Subject"),
        from_=_header(msg, "From"),
        to=_header(msg, "To"),
        cc=_header(msg, "Cc"),
        reply_to=_header(msg, "Reply-To"),
        date=_header(msg, "Date"),
        message_id=_header(msg, "Message-ID"),
        in_reply_to=_header(msg, "In-Reply-To"),
        references=_header(msg, "References").split(),
    )
    out.sender, out.sender_name, out.sender_problem = verified_sender(msg)
    if out.date:
        try:
            out.datetime = parsedate_to_datetime(out.date)
        except (TypeError, ValueError, IndexError):
            out.datetime = None
    texts: list[str] = []
    htmls: list[str] = []
    try:
        if level_by_level:
            parts, deepest = _salvaged_parts(msg)
            out.too_deep = deepest > _NESTING_LIMIT
        else:
            parts = list(msg.walk())
    except Exception:  # noqa: BLE001
        parts = [msg]
    for part in parts:
        out.defects += [type(d).__name__ for d in getattr(part, "defects", [])]
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        filename = _filename(part)
        is_body_text = ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename
        if ctype.startswith("multipart/"):
            # A multipart with no usable boundary arrives as one opaque part: show its text rather than nothing.
            texts.append(_part_text(part))
        elif is_body_text:
            (texts if ctype == "text/plain" else htmls).append(_part_text(part))
        elif disposition or filename or not ctype.startswith("text/"):
            content_id = _header(part, "Content-ID").strip("<>") or None
            inline = disposition == "inline" and content_id is not None and ctype.startswith("image/")
            out.attachments.append(
                ParsedAttachment(
                    filename=safe_filename(filename, ctype),
                    content_type=ctype,
                    data=_part_bytes(part),
                    content_id=content_id,
                    inline=inline,
                    omitted_size=_omitted_size(part) if partial else None,
                )
            )
        else:
            texts.append(_part_text(part))
    unique_filenames(out.attachments)
    out.html_body = htmls[0] if htmls else None
    if texts:
        out.body = "\n\n".join(t for t in texts if t)
    elif out.html_body:
        out.body = html_to_text(out.html_body)
    return out


def addresses_of(header_text: str) -> list[tuple[str, str]]:
    """(name, address) pairs from a decoded address header."""
    return [(name, addr) for name, addr in getaddresses([header_text]) if addr]
