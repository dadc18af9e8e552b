"""IMAP flags as stored: a bit field for the common flags plus a text column for every other keyword.

Most messages carry only system flags, so a small integer per row keeps the table compact and lets SQL test
``flags & SEEN`` without string matching. Anything else (user keywords, unknown backslash flags) is kept verbatim,
space-separated and sorted, in ``messages.keywords``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

SEEN = 1
ANSWERED = 2
FLAGGED = 4
DELETED = 8
DRAFT = 16
FORWARDED = 32
JUNK = 64
NOT_JUNK = 128

# Canonical spelling of each flag that has a bit. IMAP flags and keywords compare case-insensitively.
_BIT_NAMES: dict[int, str] = {
    SEEN: "\\Seen",
    ANSWERED: "\\Answered",
    FLAGGED: "\\Flagged",
    DELETED: "\\Deleted",
    DRAFT: "\\Draft",
    FORWARDED: "$Forwarded",
    JUNK: "$Junk",
    NOT_JUNK: "$NotJunk",
}
_BITS_BY_LOWER_NAME: dict[str, int] = {name.lower(): bit for bit, name in _BIT_NAMES.items()}

# \Recent belongs to one IMAP session, not to the message; storing it would make it lie after reconnecting.
_SESSION_FLAGS = frozenset({"\\recent"})


def flag_text(flag: str | bytes) -> str:
    """One flag as text: IMAPClient hands flags over as bytes, the GUI as str."""
    if isinstance(flag, bytes):
        return flag.decode("utf-8", "replace")
    return flag


def encode_flags(flags: Iterable[str | bytes]) -> tuple[int, str]:
    """Split flags into (bit field, keywords text) for storage."""
    bits = 0
    keywords: set[str] = set()
    for flag in flags:
        text = flag_text(flag).strip()
        if not text:
            continue
        lower = text.lower()
        bit = _BITS_BY_LOWER_NAME.get(lower)
        if bit is not None:
            bits |= bit
        elif lower not in _SESSION_FLAGS:
            keywords.add(text)
    return bits, " ".join(sorted(keywords))


@lru_cache(maxsize=4096)
def decode_flags(bits: int, keywords: str) -> frozenset[str]:
    """The flag set stored as (bits, keywords); cached because a mailbox holds few distinct combinations."""
    names = [name for bit, name in _BIT_NAMES.items() if bits & bit]
    if keywords:
        names.extend(keywords.split(" "))
    return frozenset(names)
