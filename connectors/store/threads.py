"""Thread keys and subject sort keys, computed once when a summary is stored.

A thread key is a 64-bit integer shared by every message of a conversation:

* on Gmail the server's X-GM-THRID is the key (it already knows the conversation);
* elsewhere the key hashes the conversation's root Message-ID: the first id in References (RFC 5322 asks
  clients to keep it when trimming), else In-Reply-To, else the message's own Message-ID. A root message and
  all its replies therefore share a key without the store ever looking at other rows, so keys survive
  partial syncs and any insertion order. Messages without any id get a key of their own.

This is deliberately cheaper than full JWZ threading: no subject merging (it glues unrelated "Hello" mails) and a
reply that carries only In-Reply-To to a non-root message starts its own thread.
"""

from __future__ import annotations

import re
from hashlib import blake2b

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")

# "Re: Fwd: AW: subject" → "subject" for sorting; the common reply/forward prefixes of major mail clients in
# several languages, optionally numbered ("Re[2]:"), with ASCII or full-width colons.
_REPLY_PREFIXES = re.compile(
    r"^(?:\s*(?:re|fwd?|aw|wg|sv|vs|tr|rv|antw|odp|res|ynt|r)\s*(?:\[\d+\]|\(\d+\))?\s*[:：])+\s*",
    re.IGNORECASE,
)

_MAX_SIGNED64 = 2**63


def to_signed64(value: int) -> int:
    """Store an unsigned 64-bit server id (X-GM-THRID, X-GM-MSGID) in SQLite's signed INTEGER."""
    if not 0 <= value < 2**64:
        raise ValueError(f"{value} is not an unsigned 64-bit integer")
    return value - 2**64 if value >= _MAX_SIGNED64 else value


def from_signed64(value: int) -> int:
    return value + 2**64 if value < 0 else value


def reference_ids(header: str) -> list[str]:
    """The Message-IDs in a References or In-Reply-To value, in order."""
    return _MESSAGE_ID.findall(header)


def _hash_key(text: str) -> int:
    return int.from_bytes(blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def thread_root(message_id: str, in_reply_to: str, references: str) -> str | None:
    """The Message-ID this message's conversation hangs from, or None if the message has no ids at all."""
    for header in (references, in_reply_to):
        ids = reference_ids(header)
        if ids:
            return ids[0]
    own = message_id.strip()
    return own or None


def thread_key(
    message_id: str, in_reply_to: str, references: str, gm_thrid: int | None, fallback: str
) -> int:
    """The key described in the module docstring; ``fallback`` names a message that has no ids at all."""
    if gm_thrid is not None:
        return to_signed64(gm_thrid)
    root = thread_root(message_id, in_reply_to, references)
    return _hash_key(root if root is not None else "\0" + fallback)


def subject_skip(subject: str) -> int:
    """How many leading characters of ``subject`` are reply/forward prefixes, ignored when sorting by subject."""
    match = _REPLY_PREFIXES.match(subject)
    return match.end() if match else 0
