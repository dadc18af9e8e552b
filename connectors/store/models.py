"""The values the store hands out and takes in: folders, message summaries, threads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .flags import ANSWERED, DELETED, DRAFT, FLAGGED, SEEN, encode_flags

SortKey = Literal["date", "sender", "subject"]
"""Orders a folder can be listed in; each has an index, ties are broken by date then UID."""

SORT_KEYS: tuple[SortKey, ...] = ("date", "sender", "subject")

SpecialUse = Literal["inbox", "drafts", "sent", "trash", "junk", "archive", "all", "flagged", "important"]
"""What a folder is for (RFC 6154 SPECIAL-USE, plus INBOX), lower-case without the backslash."""

SPECIAL_USES: tuple[SpecialUse, ...] = (
    "inbox", "drafts", "sent", "trash", "junk", "archive", "all", "flagged", "important",
)


@dataclass(frozen=True, slots=True)
class Folder:
    """One IMAP mailbox as the store knows it. ``total`` and ``unread`` are maintained by the store itself."""

    name: str
    delimiter: str | None = None
    flags: frozenset[str] = frozenset()
    special_use: SpecialUse | None = None
    uidvalidity: int | None = None
    uidnext: int | None = None
    highestmodseq: int | None = None
    total: int = 0
    unread: int = 0
    last_sync: float | None = None
    """Epoch seconds of the sync engine's last completed pass, or None if never synced."""
    gmail_label: str | None = None
    """On Gmail, the label (X-GM-LABELS value: ``\\Inbox``, ``\\Sent``, a user label...) this folder is a view of:
    its messages are All Mail's that carry it, under their All Mail UIDs (see ``connectors.store.gmail``)."""

    @property
    def selectable(self) -> bool:
        return "\\noselect" not in {flag.lower() for flag in self.flags}

    @property
    def parts(self) -> tuple[str, ...]:
        """The hierarchy path of this folder (``("Archive", "2024")``)."""
        return tuple(self.name.split(self.delimiter)) if self.delimiter else (self.name,)


@dataclass(frozen=True, slots=True)
class MessageSummary:
    """What the message list needs about one message, without its body.

    The sync engine builds these from FLAGS, RFC822.SIZE and a few header fields (``BODY.PEEK[HEADER.FIELDS
    (...)]``, see ``connectors.sync.summaries``), INTERNALDATE only for messages without a usable Date, and the
    X-GM-* items on Gmail. Without BODYSTRUCTURE, ``has_attachments`` is guessed from a multipart/mixed
    Content-Type and corrected when the body is fetched.

    ``folder`` and ``thread_key`` are filled in by the store on the way out; whatever a caller puts there on the way
    in is ignored (``folder`` must then be empty or name the target folder).
    """

    uid: int
    subject: str = ""
    from_name: str = ""
    from_addr: str = ""
    to: str = ""
    """Compact recipients text: ``Name <addr>, other@example.com``."""
    cc: str = ""
    date: int = 0
    """Date header as epoch seconds UTC; the store falls back to ``internal_date`` when it is 0."""
    internal_date: int = 0
    flags: frozenset[str] = frozenset()
    size: int = 0
    has_attachments: bool = False
    message_id: str = ""
    in_reply_to: str = ""
    references: str = ""
    """Message-IDs from the References header, space-separated, oldest first."""
    gm_labels: tuple[str, ...] = ()
    gm_thrid: int | None = None
    gm_msgid: int | None = None
    thread_key: int = 0
    folder: str = ""

    @property
    def seen(self) -> bool:
        return bool(self._bits & SEEN)

    @property
    def unread(self) -> bool:
        return not self._bits & SEEN

    @property
    def flagged(self) -> bool:
        return bool(self._bits & FLAGGED)

    @property
    def answered(self) -> bool:
        return bool(self._bits & ANSWERED)

    @property
    def draft(self) -> bool:
        return bool(self._bits & DRAFT)

    @property
    def deleted(self) -> bool:
        return bool(self._bits & DELETED)

    @property
    def sender(self) -> str:
        """What the message list shows in its From column."""
        return self.from_name or self.from_addr

    @property
    def _bits(self) -> int:
        return encode_flags(self.flags)[0]


@dataclass(frozen=True, slots=True)
class ThreadSummary:
    """One conversation in a folder: how many messages, how many unread, and its newest message."""

    thread_key: int
    count: int
    unread: int
    latest: MessageSummary
    uids: tuple[int, ...] = field(default=())
    position: tuple[int, int] = (0, 0)
    """Where the conversation sits in its folder's list: pass the last one shown to ``threads(after=...)``."""
