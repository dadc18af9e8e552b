"""From what the composer holds to RFC 5322 bytes: the message to send, or a draft for the server's Drafts folder.

Pure Python. Sending is strict (every address must parse, there must be a recipient); a draft is lenient (what is
half-typed is kept where it can be, dropped where it cannot), because a draft must always save.
"""

from __future__ import annotations

import binascii
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import getaddresses

from connectors.exceptions import MessageError
from connectors.messaging.compose import Attachment, build_message, parse_recipients, to_wire
from connectors.outbox import DRAFT_HEADER
from connectors.outbox.server_drafts import draft_message_id

USER_AGENT = "Facteur"

SPLICED_ABOVE = 256 * 1024
"""Attachments larger than this are base64-encoded by :func:`_spliced`, in small steps, not by the email package."""
_CHUNK = 57 * 1024  # 57 bytes make one 76-character base64 line


@dataclass(frozen=True)
class Composition:
    """One message as the person wrote it. ``html`` is None for a plain-text-only message."""

    sender_name: str
    sender_address: str
    to: Sequence[str] = ()
    cc: Sequence[str] = ()
    bcc: Sequence[str] = ()
    subject: str = ""
    text: str = ""
    html: str | None = None
    attachments: Sequence[Attachment] = ()
    in_reply_to: str = ""
    references: Sequence[str] = ()
    draft_id: str = ""
    extra_headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outgoing:
    raw: bytes
    message_id: str
    sender: str
    envelope: list[str]


def format_address(name: str, address: str) -> str:
    """ "Name <addr>" for showing and typing (never RFC 2047-encoded); quoted when the name has specials."""
    name = " ".join(name.split())
    if not name:
        return address
    if any(ch in name for ch in ',;:<>@"()[]\\'):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


def _entries(text: str) -> list[str]:
    """Split on commas and semicolons outside quotes and angle brackets."""
    entries, current, quoted, angle = [], [], False, False
    previous = ""
    for char in text:
        if char == '"' and previous != "\\":
            quoted = not quoted
        elif char == "<" and not quoted:
            angle = True
        elif char == ">" and not quoted:
            angle = False
        if char in ",;" and not quoted and not angle:
            entries.append("".join(current))
            current = []
        else:
            current.append(char)
        previous = char
    entries.append("".join(current))
    return [e.strip() for e in entries if e.strip()]


def split_addresses(text: str) -> list[str]:
    """The entries of an address field ("Ann <a@x>, b@y; c@z"), tidied when they parse, as typed when not."""
    found = []
    for entry in _entries(text):
        pairs = getaddresses([entry])
        if len(pairs) == 1 and "@" in pairs[0][1]:
            found.append(format_address(*pairs[0]))
        else:
            found.append(entry)
    return found


def invalid_addresses(text: str) -> list[str]:
    """The entries of an address field that are not valid addresses, as the person typed them."""
    bad = []
    for item in split_addresses(text):
        try:
            parse_recipients("address", item)
        except MessageError:
            bad.append(item)
    return bad


def _sender(composition: Composition) -> Address:
    (address,) = parse_recipients("From", composition.sender_address)
    return Address(display_name=composition.sender_name, username=address.username, domain=address.domain)


def _build(composition: Composition, to: list[Address], cc: list[Address], headers: dict[str, str]) -> EmailMessage:
    return build_message(
        subject=composition.subject,
        sender=_sender(composition),
        to=to,
        cc=cc,
        body=composition.text,
        html_body=composition.html,
        attachments=composition.attachments,
        in_reply_to=composition.in_reply_to or None,
        references=list(composition.references) or None,
        extra_headers={"User-Agent": USER_AGENT, **composition.extra_headers, **headers},
    )


def _base64_lines(data: bytes) -> list[bytes]:
    """``data`` in base64, 76-character CRLF lines (RFC 2045), made a slice at a time."""
    lines = []
    for start in range(0, len(data), _CHUNK):
        encoded = binascii.b2a_base64(data[start:start + _CHUNK], newline=False)
        lines.append(b"\r\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76)) + b"\r\n")
    return lines


def _spliced(composition: Composition, build: Callable[[Composition], EmailMessage]) -> tuple[bytes, EmailMessage]:
    """``to_wire(build(composition))``, the same bytes, made without holding the interpreter for seconds.

    The email package encodes and writes a 25 MB attachment in a few very long C calls (regular expressions over
    the whole base64 text): while one runs, no other thread — the GUI's — runs any Python. So each large attachment
    is built as a small stand-in with a random name, and its base64 lines are put in place of the stand-in's."""
    stand_ins: dict[bytes, bytes] = {}
    attachments = []
    for attachment in composition.attachments:
        if len(attachment.data) > SPLICED_ABOVE and attachment.content_type != "message/rfc822":
            token = f"facteur-attachment-{uuid.uuid4().hex}".encode()
            stand_ins[binascii.b2a_base64(token, newline=False) + b"\r\n"] = attachment.data
            attachment = replace(attachment, data=token)
        attachments.append(attachment)
    message = build(replace(composition, attachments=attachments))
    raw = to_wire(message)
    if not stand_ins:
        return raw, message
    pieces: list[bytes] = []
    rest = raw
    for encoded, data in stand_ins.items():
        before, found, rest = rest.partition(encoded)
        if not found or encoded in rest:
            # Never expected (the name is random): build it the long way rather than guess.
            message = build(composition)
            return to_wire(message), message
        pieces.append(before)
        pieces.extend(_base64_lines(data))
    pieces.append(rest)
    return b"".join(pieces), message


def build_outgoing(composition: Composition) -> Outgoing:
    """The message to send; raises MessageError (with a sentence for the person) if it cannot be sent."""
    to = parse_recipients("To", list(composition.to))
    cc = parse_recipients("Cc", list(composition.cc))
    bcc = parse_recipients("Bcc", list(composition.bcc))
    if not (to or cc or bcc):
        raise MessageError("Add at least one recipient")
    raw, message = _spliced(composition, lambda c: _build(c, to, cc, {}))
    envelope = list(dict.fromkeys(a.addr_spec for a in [*to, *cc, *bcc]))
    return Outgoing(raw, str(message["Message-ID"]), _sender(composition).addr_spec, envelope)


def _lenient(items: Sequence[str]) -> list[Address]:
    found = []
    for item in items:
        try:
            found += parse_recipients("address", item)
        except MessageError:
            continue
    return found


def build_draft(composition: Composition) -> bytes:
    """The draft for the server's Drafts folder: Bcc kept (it is the person's own copy), tagged with the draft id so
    the next save replaces it."""
    headers = {DRAFT_HEADER: composition.draft_id} if composition.draft_id else {}
    bcc = _lenient(list(composition.bcc))
    if bcc:
        headers["Bcc"] = ", ".join(str(a) for a in bcc)
    to, cc = _lenient(list(composition.to)), _lenient(list(composition.cc))
    return _spliced(composition, lambda c: _with_draft_message_id(_build(c, to, cc, headers), c))[0]


def _with_draft_message_id(message: EmailMessage, composition: Composition) -> EmailMessage:
    """One Message-ID for every version of a draft: the Drafts list knows it from the store's summaries alone."""
    if composition.draft_id:
        message.replace_header("Message-ID", draft_message_id(composition.draft_id, _sender(composition).domain))
    return message
