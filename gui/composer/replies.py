"""Replies and forwards from a received message: who, what subject, which thread headers, what quote.

Pure Python (no Qt) so the rules are tested as tables: ``Re:``/``Fwd:`` never stack, reply-all never includes
the person's own addresses, In-Reply-To and References keep the thread together.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from email.utils import getaddresses

from connectors.messaging.mime import ParsedMessage

from .outgoing import format_address

# Prefixes mail clients put before a subject, in the languages people meet most ("AW" German, "SV" Nordic,
# "TR" French Outlook, "RV" Spanish, "Antw" Dutch), with Outlook's "Re[2]:" and "RE :" variants.
_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|sv|tr|rv|antw|wg|vs)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_MAX_REFERENCES = 20  # RFC 5322 suggests trimming; keep the root and the most recent ones


def base_subject(subject: str) -> str:
    """The subject without any stack of reply/forward prefixes."""
    return _PREFIX.sub("", subject or "").strip()


def reply_subject(subject: str) -> str:
    return f"Re: {base_subject(subject)}".rstrip()


def forward_subject(subject: str) -> str:
    return f"Fwd: {base_subject(subject)}".rstrip()


def _pairs(*headers: str) -> list[tuple[str, str]]:
    return [(name, addr) for name, addr in getaddresses([h for h in headers if h]) if addr and "@" in addr]


def _format(pairs: Iterable[tuple[str, str]]) -> list[str]:
    return [format_address(name, addr) for name, addr in pairs]


def _unique(pairs: Iterable[tuple[str, str]], exclude: set[str]) -> list[tuple[str, str]]:
    seen = set(exclude)
    out = []
    for name, addr in pairs:
        key = addr.lower()
        if key not in seen:
            seen.add(key)
            out.append((name, addr))
    return out


def reply_recipients(
    message: ParsedMessage, own_addresses: Iterable[str], reply_all: bool
) -> tuple[list[str], list[str]]:
    """(to, cc) for a reply. Reply-To wins over From; replying to one's own message goes to its recipients; with
    ``reply_all`` everyone else in To/Cc is kept; the person's own addresses are never included."""
    own = {a.lower() for a in own_addresses}
    senders = _pairs(message.reply_to) or _pairs(message.from_)
    from_me = bool(senders) and all(addr.lower() in own for _, addr in _pairs(message.from_))
    if from_me:
        # A reply to a message one sent (from Sent) goes to the people it went to, not back to oneself.
        to = _unique(_pairs(message.to), own) or _unique(senders, set())
        cc = _unique(_pairs(message.cc), own | {a.lower() for _, a in to}) if reply_all else []
        return _format(to), _format(cc)
    to = _unique(senders, own)
    if not reply_all:
        return _format(to), []
    taken = own | {a.lower() for _, a in to}
    to_rest = _unique(_pairs(message.to), taken)
    taken |= {a.lower() for _, a in to_rest}
    cc = _unique(_pairs(message.cc), taken)
    return _format(to + to_rest), _format(cc)


def thread_headers(message: ParsedMessage) -> tuple[str, list[str]]:
    """(In-Reply-To, References) for a reply: the parent's references (or its In-Reply-To), then the parent."""
    parent = message.message_id.strip()
    references = [r for r in message.references if r.startswith("<")]
    if not references and message.in_reply_to.strip().startswith("<"):
        references = message.in_reply_to.split()[:1]
    if parent:
        references.append(parent)
    references = list(dict.fromkeys(references))
    if len(references) > _MAX_REFERENCES:
        references = references[:1] + references[-(_MAX_REFERENCES - 1) :]
    return parent, references


def sender_label(message: ParsedMessage) -> str:
    pairs = _pairs(message.from_)
    if not pairs:
        return message.from_ or "?"
    name, addr = pairs[0]
    return name or addr


def quote_plain(text: str) -> str:
    """Each line behind "> " (">" alone before an already quoted line, as mail clients do)."""
    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
    return "\n".join((">" + line) if line.startswith(">") else ("> " + line if line else ">") for line in lines)


def plain_to_html(text: str) -> str:
    """Plain text as HTML paragraphs, every character escaped (a received body is never trusted as markup)."""
    paragraphs = text.replace("\r\n", "\n").strip("\n").split("\n\n")
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)


@dataclass
class ComposeSeed:
    """What a new composer starts with (a reply, a forward, a mailto: link...)."""

    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    subject: str = ""
    body_html: str = ""
    body_text: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)  # (name, content type, data)
    answered: dict[str, str] | None = None
    body_is_quote: bool = False
    """True for replies and forwards: the person writes above the body, the signature goes between the two.
    False for a prefilled body (mailto:, open_composer(body=...)): it is the person's text, the signature follows."""


Translate = Callable[[str], str]


def _identity(text: str) -> str:
    return text


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name pyside6-lupdate looks for
    """Marks ``text`` for translation in ``context`` ("Replies") without importing Qt in this module; the
    ``tr`` callable the caller passes translates it (``QCoreApplication.translate("Replies", text)``)."""
    return text


def attribution(message: ParsedMessage, tr: Translate = _identity) -> str:
    when = message.datetime.strftime("%Y-%m-%d %H:%M") if message.datetime else message.date
    if when:
        return tr(QT_TRANSLATE_NOOP("Replies", "On {date}, {name} wrote:")).format(
            date=when, name=sender_label(message)
        )
    return tr(QT_TRANSLATE_NOOP("Replies", "{name} wrote:")).format(name=sender_label(message))


def reply_seed(
    message: ParsedMessage,
    own_addresses: Iterable[str],
    reply_all: bool,
    *,
    folder: str = "",
    tr: Translate = _identity,
) -> ComposeSeed:
    to, cc = reply_recipients(message, own_addresses, reply_all)
    in_reply_to, references = thread_headers(message)
    intro = attribution(message, tr)
    body = message.body.strip("\n")
    return ComposeSeed(
        to=to,
        cc=cc,
        subject=reply_subject(message.subject),
        body_html=(f'<p>{html.escape(intro)}</p><blockquote type="cite">{plain_to_html(body)}</blockquote>'),
        body_text=f"{intro}\n{quote_plain(body)}\n",
        in_reply_to=in_reply_to,
        references=references,
        answered={"folder": folder, "message_id": in_reply_to} if folder and in_reply_to else None,
        body_is_quote=True,
    )


def _forward_header_lines(message: ParsedMessage, tr: Translate) -> list[tuple[str, str]]:
    rows = [
        (tr(QT_TRANSLATE_NOOP("Replies", "Subject:")), message.subject),
        (tr(QT_TRANSLATE_NOOP("Replies", "Date:")), message.date),
        (tr(QT_TRANSLATE_NOOP("Replies", "From:")), message.from_),
        (tr(QT_TRANSLATE_NOOP("Replies", "To:")), message.to),
    ]
    if message.cc:
        rows.append((tr(QT_TRANSLATE_NOOP("Replies", "Cc:")), message.cc))
    return [(label, value) for label, value in rows if value]


def _attached_name(message: ParsedMessage, tr: Translate) -> str:
    return (base_subject(message.subject) or tr(QT_TRANSLATE_NOOP("Replies", "Forwarded message")))[:80].replace(
        "/", "-"
    ) + ".eml"


def forward_attached_seed(messages: Sequence[tuple[ParsedMessage, bytes]], *, tr: Translate = _identity
                          ) -> ComposeSeed:
    """Several messages forwarded together, each attached whole as ``message/rfc822`` (one file name each)."""
    attachments: list[tuple[str, str, bytes]] = []
    taken: set[str] = set()
    for message, raw in messages:
        name = _attached_name(message, tr)
        stem, number = name.removesuffix(".eml"), 2
        while name.lower() in taken:
            name, number = f"{stem} ({number}).eml", number + 1
        taken.add(name.lower())
        attachments.append((name, "message/rfc822", raw))
    subjects = [base_subject(message.subject) for message, _raw in messages if base_subject(message.subject)]
    subject = "; ".join(dict.fromkeys(subjects))
    if len(subject) > 120:
        subject = subject[:119].rstrip() + "…"
    return ComposeSeed(subject=forward_subject(subject), attachments=attachments, body_is_quote=True)


def forward_seed(message: ParsedMessage, raw: bytes, as_attachment: bool, *, tr: Translate = _identity) -> ComposeSeed:
    """A forward: inline (the text quoted under a header block, attachments carried over) or the whole message
    attached as ``message/rfc822``."""
    subject = forward_subject(message.subject)
    if as_attachment:
        name = _attached_name(message, tr)
        return ComposeSeed(subject=subject, attachments=[(name, "message/rfc822", raw)], body_is_quote=True)
    banner = tr(QT_TRANSLATE_NOOP("Replies", "-------- Forwarded Message --------"))
    rows = _forward_header_lines(message, tr)
    text = "\n".join([banner, *(f"{label} {value}" for label, value in rows), "", message.body.strip("\n")])
    table = "".join(f"<b>{html.escape(label)}</b> {html.escape(value)}<br>" for label, value in rows)
    body_html = f"<p>{html.escape(banner)}<br>{table}</p>{plain_to_html(message.body)}"
    attachments = [(a.filename, a.content_type, a.data) for a in message.attachments if not a.inline]
    return ComposeSeed(
        subject=subject, body_html=body_html, body_text=text + "\n", attachments=attachments, body_is_quote=True
    )
