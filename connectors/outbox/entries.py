"""What the Outbox holds: one entry per outgoing message, its state, and how retries are spaced."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

EntryState = Literal["scheduled", "queued", "sending", "unconfirmed", "sent", "failed"]
"""
``scheduled``   waiting out the undo-send delay; Undo may still take it back.
``queued``      ready to go at ``send_after`` (now, or the next retry after a temporary failure).
``sending``     the SMTP transaction is under way. Found at start-up it means the app died mid-transaction.
``unconfirmed`` may have been sent (the app died mid-send, or the link broke after the final "." of DATA): the
                server is checked before anything else happens; it is never sent again by itself.
``sent``        the server answered 250; only the copy to Sent (``copy_state``) may still be pending.
``failed``      needs the person: a permanent refusal, bad credentials, or an interrupted send not found in Sent.
"""

CopyState = Literal["pending", "done", "skipped"]

ErrorKind = Literal["", "temporary", "permanent", "interrupted", "partial", "uncertain"]
"""``uncertain``: the link broke after the final "." of DATA, before the reply (the entry is ``unconfirmed``).
``interrupted``: it may have been sent and was not found on the server: the person decides."""

WAITING_STATES: tuple[EntryState, ...] = ("scheduled", "queued")
EDITABLE_STATES: tuple[EntryState, ...] = ("scheduled", "queued", "failed")


@dataclass(frozen=True)
class OutboxEntry:
    """One outgoing message. ``raw`` is exactly what goes on the wire; ``compose_state`` lets a composer reopen it."""

    id: str
    account_id: str
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    raw: bytes
    state: EntryState
    created: float
    send_after: float
    attempts: int = 0
    last_error: str = ""
    error_kind: ErrorKind = ""
    sent_at: float | None = None
    copy_state: CopyState = "pending"
    draft_id: str | None = None
    compose_state: dict[str, Any] | None = None
    answered: dict[str, str] | None = None
    """Where the message this one replies to lives ({"folder", "message_id"}), to flag it \\Answered."""

    @property
    def size(self) -> int:
        return len(self.raw)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff after temporary failures: first, first*factor, ... up to ``longest`` seconds."""

    first: float = 30.0
    factor: float = 2.0
    longest: float = 30 * 60.0

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt (1 for the first)."""
        return float(min(self.longest, self.first * self.factor ** max(0, attempts - 1)))
