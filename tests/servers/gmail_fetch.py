"""FETCH data items for the loopback Gmail IMAP emulator.

Emulated: UID, FLAGS, INTERNALDATE, RFC822.SIZE, ENVELOPE, RFC822, RFC822.HEADER, RFC822.TEXT,
BODY[<section>]<<partial>> and BODY.PEEK[...] with the sections "", HEADER, TEXT,
HEADER.FIELDS (...), HEADER.FIELDS.NOT (...) and MIME part numbers (``1.2``, ``2.MIME``,
``3.HEADER``/``3.TEXT`` into message/rfc822 parts), the macros ALL and FAST, and Gmail's X-GM-MSGID,
X-GM-THRID and X-GM-LABELS (https://developers.google.com/gmail/imap/imap-extensions). The non-PEEK
body items set \\Seen and the response then carries the new FLAGS (RFC 3501 §6.4.5).

X-GM-LABELS comes back as Gmail sends it: a parenthesised list where system labels are the quoted
strings "\\\\Inbox", "\\\\Important", "\\\\Sent", "\\\\Starred", "\\\\Draft", "\\\\Trash", "\\\\Spam"
and user labels are modified UTF-7 astrings, quoted when they are not plain atoms (a label named
NIL is quoted too, since a bare NIL would parse as "no value").

Not emulated: BODYSTRUCTURE, BODY (the structure form) and the FULL macro (answered BAD), BINARY,
MODSEQ, and Gmail's habit (reported, undocumented) of leaving the selected folder's own label out of
X-GM-LABELS: here every label is listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses

from tests.servers.gmail_store import SYSTEM_LABELS, GmailMessage
from tests.servers.imap_wire import (
    BadCommand,
    Token,
    astring,
    encode_mutf7,
    format_internaldate,
    literal,
    nstring,
    paren,
    quoted,
)

_BODY_ITEM = re.compile(
    r"(?P<kind>BODY|BODY\.PEEK)\[(?P<section>[^\]]*)\](?:<(?P<start>\d+)(?:\.(?P<length>\d+))?>)?",
    re.IGNORECASE,
)
_SECTION = re.compile(
    r"(?P<part>\d+(?:\.\d+)*)?\.?(?P<text>HEADER\.FIELDS\.NOT|HEADER\.FIELDS|HEADER|TEXT|MIME)?"
    r"(?:\s*\((?P<fields>[^)]*)\))?",
    re.IGNORECASE,
)
_SIMPLE = {"UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "RFC822", "RFC822.HEADER",
           "RFC822.TEXT", "X-GM-MSGID", "X-GM-THRID", "X-GM-LABELS"}
_MACROS = {"ALL": ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"],
           "FAST": ["FLAGS", "INTERNALDATE", "RFC822.SIZE"]}


@dataclass(frozen=True)
class FetchItem:
    name: str  # an item of _SIMPLE, or "BODY"
    part: tuple[int, ...] = ()
    text: str = ""  # "", HEADER, TEXT, MIME, HEADER.FIELDS, HEADER.FIELDS.NOT
    fields: tuple[str, ...] = ()
    peek: bool = True
    start: int | None = None
    length: int | None = None

    @property
    def sets_seen(self) -> bool:
        return (self.name == "BODY" and not self.peek) or self.name in ("RFC822", "RFC822.TEXT")

    def response_key(self) -> bytes:
        if self.name != "BODY":
            return self.name.encode("ascii")
        section = ".".join(str(p) for p in self.part)
        if self.text:
            section = f"{section}.{self.text}" if section else self.text
        if self.text.startswith("HEADER.FIELDS"):
            section += " (" + " ".join(self.fields) + ")"
        key = f"BODY[{section}]"
        if self.start is not None:
            key += f"<{self.start}>"
        return key.encode("ascii")


def parse_fetch_items(token: Token) -> list[FetchItem]:
    atoms = token if isinstance(token, list) else [token]
    items: list[FetchItem] = []
    for atom in atoms:
        if not isinstance(atom, str):
            raise BadCommand("Invalid fetch attribute")
        upper = atom.upper()
        if upper in _MACROS and not isinstance(token, list):
            items.extend(FetchItem(name) for name in _MACROS[upper])
        elif upper in _SIMPLE:
            items.append(FetchItem(upper))
        elif match := _BODY_ITEM.fullmatch(atom):
            items.append(_body_item(match))
        else:
            raise BadCommand(f"Unsupported fetch attribute {atom}")
    if not items:
        raise BadCommand("Empty fetch attribute list")
    return items


def _body_item(match: re.Match[str]) -> FetchItem:
    section = _SECTION.fullmatch(match.group("section").strip())
    if section is None:
        raise BadCommand(f"Invalid section {match.group('section')!r}")
    part = tuple(int(p) for p in section.group("part").split(".")) if section.group("part") else ()
    text = (section.group("text") or "").upper()
    fields = tuple(f.upper() for f in (section.group("fields") or "").split())
    if text.startswith("HEADER.FIELDS") != bool(fields) or (text == "MIME" and not part):
        raise BadCommand(f"Invalid section {match.group('section')!r}")
    if any(p == 0 for p in part):
        raise BadCommand("Part numbers start at 1")
    return FetchItem(
        "BODY", part, text, fields, peek=match.group("kind").upper() == "BODY.PEEK",
        start=int(match.group("start")) if match.group("start") else None,
        length=int(match.group("length")) if match.group("length") else None,
    )


def format_flags(msg: GmailMessage) -> bytes:
    return paren(flag.encode("ascii") for flag in sorted(msg.flags))


def format_labels(msg: GmailMessage) -> bytes:
    labels = msg.effective_labels()
    system = [quoted(label) for label in SYSTEM_LABELS if label in labels]
    user = [astring(encode_mutf7(label)) for label in sorted(labels - set(SYSTEM_LABELS))]
    return paren(system + user)


def render(item: FetchItem, msg: GmailMessage, uid: int) -> bytes:
    key = item.response_key()
    if item.name == "UID":
        value = str(uid).encode()
    elif item.name == "FLAGS":
        value = format_flags(msg)
    elif item.name == "INTERNALDATE":
        value = format_internaldate(msg.internal_date)
    elif item.name == "RFC822.SIZE":
        value = str(len(msg.raw)).encode()
    elif item.name == "ENVELOPE":
        value = envelope(msg.raw)
    elif item.name == "X-GM-MSGID":
        value = str(msg.msgid).encode()
    elif item.name == "X-GM-THRID":
        value = str(msg.thrid).encode()
    elif item.name == "X-GM-LABELS":
        value = format_labels(msg)
    elif item.name == "RFC822":
        value = literal(msg.raw)
    elif item.name == "RFC822.HEADER":
        value = literal(split_entity(msg.raw)[0])
    elif item.name == "RFC822.TEXT":
        value = literal(split_entity(msg.raw)[1])
    else:
        data = body_section(msg.raw, item)
        if item.start is not None:
            end = None if item.length is None else item.start + item.length
            data = data[item.start : end]
        value = literal(data)
    return key + b" " + value


# --- MIME structure on the raw bytes (re-serialising with the email package would change them) ---


def split_entity(entity: bytes) -> tuple[bytes, bytes]:
    """(header including the blank line, body)."""
    if entity.startswith(b"\r\n"):
        return b"\r\n", entity[2:]
    idx = entity.find(b"\r\n\r\n")
    if idx < 0:
        return entity, b""
    return entity[: idx + 4], entity[idx + 4 :]


def _content_type(header: bytes) -> tuple[str, str | None]:
    parsed = BytesHeaderParser(policy=compat32).parsebytes(header)
    boundary = parsed.get_param("boundary")
    return parsed.get_content_type(), boundary if isinstance(boundary, str) else None


def _children(body: bytes, boundary: str) -> list[bytes]:
    delimiter = re.compile(rb"(?:^|\r\n)--" + re.escape(boundary.encode()) + rb"(--)?[ \t]*(?:\r\n|$)")
    parts: list[bytes] = []
    start: int | None = None
    for match in delimiter.finditer(body):
        if start is not None:
            parts.append(body[start : match.start()])
        if match.group(1):
            break
        start = match.end()
    return parts


def _resolve_part(raw: bytes, path: tuple[int, ...]) -> bytes | None:
    entity = raw
    for depth, number in enumerate(path):
        header, body = split_entity(entity)
        ctype, boundary = _content_type(header)
        if ctype == "message/rfc822" and depth > 0:
            entity = body
            header, body = split_entity(entity)
            ctype, boundary = _content_type(header)
        if ctype.startswith("multipart/") and boundary:
            kids = _children(body, boundary)
            if not 1 <= number <= len(kids):
                return None
            entity = kids[number - 1]
        elif number != 1:
            return None
    return entity


def _header_fields(header: bytes, fields: tuple[str, ...], keep: bool) -> bytes:
    wanted = {f.lower() for f in fields}
    out: list[bytes] = []
    including = False
    for line in header.split(b"\r\n"):
        if not line:
            continue
        if line[:1] in (b" ", b"\t"):
            if including:
                out.append(line)
            continue
        name = line.split(b":", 1)[0].strip().decode("ascii", "replace").lower()
        including = (name in wanted) == keep
        if including:
            out.append(line)
    return b"".join(line + b"\r\n" for line in out) + b"\r\n"


def body_section(raw: bytes, item: FetchItem) -> bytes:
    entity = _resolve_part(raw, item.part) if item.part else raw
    if entity is None:
        return b""
    if item.part and item.text in ("HEADER", "TEXT", "HEADER.FIELDS", "HEADER.FIELDS.NOT"):
        header, body = split_entity(entity)
        if _content_type(header)[0] == "message/rfc822":
            entity = body  # these sections address the encapsulated message
    header, body = split_entity(entity)
    if item.text == "MIME" or item.text == "HEADER":
        return header
    if item.text == "TEXT":
        return body
    if item.text.startswith("HEADER.FIELDS"):
        return _header_fields(header, item.fields, keep=item.text == "HEADER.FIELDS")
    return body if item.part else entity


def envelope(raw: bytes) -> bytes:
    """ENVELOPE from the raw (undecoded) header fields, as RFC 3501 §7.4.2 wants."""
    parsed = BytesHeaderParser(policy=compat32).parsebytes(split_entity(raw)[0])

    def raw_value(name: str) -> bytes | None:
        value = parsed.get(name)
        if value is None:
            return None
        text = re.sub(r"\r?\n[ \t]", " ", str(value)).strip()
        return text.encode("ascii", "surrogateescape")

    def addresses(name: str, fallback: str | None = None) -> bytes:
        value = parsed.get_all(name) or (parsed.get_all(fallback) if fallback else None)
        if not value:
            return b"NIL"
        out: list[bytes] = []
        for display, addr in getaddresses([str(v) for v in value]):
            if not addr and not display:
                continue
            mailbox, _, host = addr.rpartition("@") if "@" in addr else (addr, "", "")
            out.append(paren([
                nstring(display.encode("ascii", "surrogateescape") if display else None), b"NIL",
                nstring(mailbox or None), nstring(host or None),
            ]))
        return paren(out) if out else b"NIL"

    return paren([
        nstring(raw_value("Date")), nstring(raw_value("Subject")),
        addresses("From"), addresses("Sender", "From"), addresses("Reply-To", "From"),
        addresses("To"), addresses("Cc"), addresses("Bcc"),
        nstring(raw_value("In-Reply-To")), nstring(raw_value("Message-ID")),
    ])
