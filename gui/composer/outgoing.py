"""From what the composer holds to RFC 5322 bytes: the message to send, or a draft for the server's Drafts folder.

Pure Python. Sending is strict (every address must parse, there must be a recipient); a draft is lenient (what is
half-typed is kept where it can be, dropped where it cannot), because a draft must always save.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import getaddresses

from connectors.exceptions import MessageError
from connectors.messaging.compose import Attachment, build_message, parse_recipients, to_wire
from connectors.outbox import DRAFT_HEADER

USER_AGENT = "Facteur"


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


def build_outgoing(composition: Composition) -> Outgoing:
    """The message to send; raises MessageError (with a sentence for the person) if it cannot be sent."""
    to = parse_recipients("To", list(composition.to))
    cc = parse_recipients("Cc", list(composition.cc))
    bcc = parse_recipients("Bcc", list(composition.bcc))
    if not (to or cc or bcc):
        raise MessageError("Add at least one recipient")
    message = _build(composition, to, cc, {})
    envelope = list(dict.fromkeys(a.addr_spec for a in [*to, *cc, *bcc]))
    return Outgoing(to_wire(message), str(message["Message-ID"]), _sender(composition).addr_spec, envelope)


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
    message = _build(composition, _lenient(list(composition.to)), _lenient(list(composition.cc)), headers)
    return to_wire(message)
