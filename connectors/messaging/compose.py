"""Building outgoing messages with the stdlib ``email`` package (``policy.default``).

Header values are checked for CR/LF before anything is built (no header injection), attachments are size-checked
before any connection, and non-ASCII subjects, names and file names are encoded as the RFCs require.
"""

from __future__ import annotations

import datetime as dt
import email
import mimetypes
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, getaddresses, make_msgid
from pathlib import Path
from typing import Any

import idna

from ..exceptions import MessageError, MessageTooLargeError
from .flowed import flow
from .html_text import html_to_text

__all__ = [
    "Attachment",
    "AttachmentSpec",
    "build_message",
    "parse_recipients",
    "check_header_value",
    "envelope_address",
    "needs_smtputf8",
    "to_wire",
]

# The headers that carry addresses: a non-ASCII local part in one of them makes the message an RFC 6532 one.
_ADDRESS_HEADERS = ("From", "Sender", "To", "Cc", "Bcc", "Reply-To")


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    content_type: str


# A path, or a dict {"filename", "data", "content_type"?}, or a (filename, data[, content_type]) tuple.
AttachmentSpec = str | os.PathLike[str] | Mapping[str, Any] | tuple[Any, ...] | Attachment


def check_header_value(name: str, value: str) -> str:
    if any(ch in value for ch in "\r\n\x00"):
        raise MessageError(f"The {name} contains a line break, which is not allowed in a mail header")
    return value


def parse_recipients(field: str, values: str | Sequence[str] | None) -> list[Address]:
    """Addresses from a list of strings (each "Name <addr>" or "addr"), or one comma-separated string."""
    if not values:
        return []
    items = [values] if isinstance(values, str) else list(values)
    addresses: list[Address] = []
    for item in items:
        if not isinstance(item, str):
            raise MessageError(f"{field}: each recipient must be a string, not {type(item).__name__}")
        check_header_value(f"{field} address {item!r}", item)
        for name, addr in getaddresses([item]):
            if not addr or "@" not in addr:
                raise MessageError(f"{field}: {item!r} is not a valid e-mail address")
            local, _, domain = addr.rpartition("@")
            if not local or not domain or any(ch.isspace() for ch in addr):
                raise MessageError(f"{field}: {item!r} is not a valid e-mail address")
            domain = ascii_domain(domain, f"{field}: {item!r}")
            try:
                addresses.append(Address(display_name=name, username=local, domain=domain))
            except (ValueError, IndexError) as exc:
                raise MessageError(f"{field}: {item!r} is not a valid e-mail address ({exc})") from None
    return addresses


def ascii_domain(domain: str, where: str) -> str:
    """The domain as DNS and every SMTP server know it: international names in IDNA A-labels (xn--...)."""
    if domain.isascii():
        return domain
    if domain.startswith("[") and domain.endswith("]"):
        raise MessageError(f"{where} is not a valid e-mail address (an address literal must be ASCII)")
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise MessageError(f"{where} is not a valid e-mail address: its domain {domain!r} cannot be written as an "
                           f"international domain name ({exc})") from None


def envelope_address(address: str) -> tuple[str, bool]:
    """An address for MAIL FROM / RCPT TO: the domain in A-labels, and whether it still needs SMTPUTF8 (RFC 6531)
    because of its local part. Raises :class:`MessageError` naming the address when it cannot be sent at all."""
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise MessageError(f"{address!r} is not a valid e-mail address")
    domain = ascii_domain(domain, repr(address))
    return f"{local}@{domain}", not local.isascii()


def needs_smtputf8(msg: EmailMessage) -> bool:
    """Whether an address in the headers has a non-ASCII local part: such a message exists only as UTF-8 headers
    (RFC 6532), which only a server offering SMTPUTF8 may carry."""
    for name in _ADDRESS_HEADERS:
        for header in msg.get_all(name) or ():
            for address in getattr(header, "addresses", ()):
                if not address.username.isascii():
                    return True
    return False


def load_attachment(spec: AttachmentSpec, max_size: int) -> Attachment:
    """Read one attachment, refusing directories, unreadable files and anything over ``max_size`` bytes."""
    if isinstance(spec, Attachment):
        attachment = spec
    elif isinstance(spec, str | os.PathLike):
        path = Path(spec)
        if path.is_dir():
            raise MessageError(f"Cannot attach {str(path)!r}: it is a directory")
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise MessageError(f"Cannot attach {str(path)!r}: {exc.strerror}") from None
        if max_size and size > max_size:
            raise MessageTooLargeError(
                f"Attachment {path.name!r} is {size / 1048576:.1f} MB, over the {max_size / 1048576:.0f} MB limit"
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise MessageError(f"Cannot read attachment {str(path)!r}: {exc.strerror}") from None
        attachment = Attachment(path.name, data, mimetypes.guess_type(path.name)[0] or "application/octet-stream")
    elif isinstance(spec, Mapping):
        if "data" not in spec or "filename" not in spec:
            raise MessageError("An attachment dict needs 'filename' and 'data'")
        data = spec["data"].encode() if isinstance(spec["data"], str) else bytes(spec["data"])
        name = str(spec["filename"])
        ctype = spec.get("content_type") or mimetypes.guess_type(name)[0] or "application/octet-stream"
        attachment = Attachment(name, data, str(ctype))
    elif isinstance(spec, tuple) and len(spec) in (2, 3):
        name, data = str(spec[0]), spec[1]
        ctype = spec[2] if len(spec) == 3 else mimetypes.guess_type(name)[0] or "application/octet-stream"
        attachment = Attachment(name, data.encode() if isinstance(data, str) else bytes(data), str(ctype))
    else:
        raise MessageError(f"Unsupported attachment {spec!r}: give a path, a dict or a (name, data) tuple")
    check_header_value("attachment name", attachment.filename)
    if max_size and len(attachment.data) > max_size:
        raise MessageTooLargeError(
            f"Attachment {attachment.filename!r} is {len(attachment.data) / 1048576:.1f} MB, over the "
            f"{max_size / 1048576:.0f} MB limit"
        )
    return attachment


def build_message(
    *,
    subject: str,
    sender: Address,
    to: Sequence[Address],
    body: str | None,
    html_body: str | None = None,
    cc: Sequence[Address] = (),
    reply_to: Sequence[Address] = (),
    attachments: Iterable[Attachment] = (),
    in_reply_to: str | None = None,
    references: str | Sequence[str] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    date: Any = None,
) -> EmailMessage:
    """An RFC 5322 message: text (sent as ``format=flowed``), or multipart/alternative with HTML, in
    multipart/mixed with attachments."""
    check_header_value("subject", subject)
    msg = EmailMessage(policy=policy.default)
    msg["Subject"] = subject
    msg["From"] = sender
    if to:
        msg["To"] = list(to)
    if cc:
        msg["Cc"] = list(cc)
    if reply_to:
        msg["Reply-To"] = list(reply_to)
    msg["Date"] = format_datetime(date) if date is not None else format_datetime(dt.datetime.now(dt.UTC).astimezone())
    msg["Message-ID"] = make_msgid(domain=sender.domain or None)
    if in_reply_to:
        msg["In-Reply-To"] = check_header_value("In-Reply-To", in_reply_to)
    if references:
        refs = references if isinstance(references, str) else " ".join(references)
        msg["References"] = check_header_value("References", refs)
    for name, value in (extra_headers or {}).items():
        check_header_value(f"header name {name!r}", name)
        if not name or any(ch in name for ch in ": \t") or not name.isascii():
            raise MessageError(f"{name!r} is not a valid header name")
        msg[name] = check_header_value(f"{name} header", value)
    msg["MIME-Version"] = "1.0"

    text = body if body is not None else (html_to_text(html_body) if html_body else "")
    # format=flowed (RFC 3676): readers rewrap the paragraphs to their window instead of showing ragged lines.
    text = flow(text)
    msg.set_content(text, subtype="plain", cte=_text_cte(text), params={"format": "flowed"})
    if html_body:
        msg.add_alternative(html_body, subtype="html", cte=_text_cte(html_body))
    for attachment in attachments:
        if attachment.content_type == "message/rfc822":
            # A forwarded message: RFC 2046 forbids base64 for message/rfc822, the email package writes it 7bit/8bit
            # only when given a message object.
            inner = email.message_from_bytes(attachment.data, policy=policy.default)
            msg.add_attachment(inner, filename=attachment.filename)
            continue
        maintype, _, subtype = attachment.content_type.partition("/")
        if not subtype or maintype == "multipart":
            maintype, subtype = "application", "octet-stream"
        # policy.default writes non-ASCII names as RFC 2231 parameters (filename*=utf-8''...).
        msg.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return msg


def to_wire(msg: EmailMessage) -> bytes:
    """The message as SMTP and IMAP carry it: CRLF line ends (smtplib sends bytes unchanged). Headers are RFC 2047
    encoded, except in a message to or from an address with a non-ASCII local part, which is UTF-8 (RFC 6532)."""
    base = msg.policy if isinstance(msg.policy, EmailPolicy) else policy.default
    return msg.as_bytes(policy=base.clone(linesep="\r\n", utf8=needs_smtputf8(msg)))


def _text_cte(text: str) -> str:
    # 8bit would need 8BITMIME end to end; quoted-printable is readable and safe everywhere.
    return "7bit" if text.isascii() and all(len(line) < 900 for line in text.splitlines()) else "quoted-printable"
