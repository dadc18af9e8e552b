"""``mailto:`` links (RFC 6068) turned into what a new composer starts with.

Only to, cc, bcc, subject, body (and In-Reply-To, for "reply" links from mailing-list archives) are taken: other
headers a web page could slip in (From, attach=, X-...) are ignored, as RFC 6068 section 7 advises.
"""

from __future__ import annotations

from urllib.parse import unquote

from .outgoing import split_addresses
from .replies import ComposeSeed


def parse_mailto(url: str) -> ComposeSeed:
    """A composer seed from a mailto: URL; raises ValueError if ``url`` is not one."""
    text = url.strip()
    if not text.lower().startswith("mailto:"):
        raise ValueError(f"Not a mailto: link: {url!r}")
    rest = text[len("mailto:") :]
    path, _, query = rest.partition("?")
    seed = ComposeSeed()
    seed.to = split_addresses(unquote(path, errors="replace"))
    bodies: list[str] = []
    for pair in query.split("&") if query else []:
        name, _, value = pair.partition("=")
        key = unquote(name, errors="replace").strip().lower()
        # RFC 6068 percent-encodes UTF-8; "+" is a literal plus here, not a space as in HTML forms.
        decoded = unquote(value, errors="replace")
        if key == "to":
            seed.to += split_addresses(decoded)
        elif key == "cc":
            seed.cc += split_addresses(decoded)
        elif key == "bcc":
            seed.bcc += split_addresses(decoded)
        elif key == "subject" and not seed.subject:
            seed.subject = " ".join(decoded.split())
        elif key == "body":
            bodies.append(decoded.replace("\r\n", "\n"))
        elif key == "in-reply-to" and not seed.in_reply_to:
            value = decoded.strip()
            if value.startswith("<") and value.endswith(">") and "\n" not in value and "\r" not in value:
                seed.in_reply_to = value
                seed.references = [value]
    seed.body_text = "\n".join(bodies)
    return seed
