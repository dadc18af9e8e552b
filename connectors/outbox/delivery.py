"""Sending one Outbox entry, so that a message is never sent twice and never silently dropped.

The order of steps is the guarantee:

1. Connect and authenticate to SMTP while the entry is still waiting (Undo can still take it back; a failure here
   is retried with backoff and can never have delivered anything).
2. Claim the entry (``sending``) with a compare-and-set; if Undo or another process got there first, stop.
3. Run the SMTP transaction on the open connection.
4. Right after the server's 250, commit ``sent``. Nothing after this point sends the message again.
5. File the copy in Sent (skipped where the provider does it, e.g. Gmail), flag the original \\Answered, remove
   the server copy of the draft. A failure here is retried for the copy only.

When it is unknown whether the server kept the message, Facteur never decides alone to send it again:

* the app died during step 3 (the entry is found ``sending`` at the next start), or
* the link broke, or the server stopped answering, after the final "." of DATA and before its reply
  (:class:`~connectors.exceptions.UncertainDeliveryError`; SMTP itself cannot tell, RFC 1047).

Both make the entry ``unconfirmed``: it is looked up by Message-ID in the Sent folder (where providers such as Gmail
file it themselves) and, when the account is among the recipients, in its INBOX. Found → it was sent. Not found →
the person is asked (``failed``/``interrupted``: Send again, or It was sent); at worst they resend knowingly.
A break before the "." (at MAIL FROM, RCPT TO, DATA, or mid-message) cannot have delivered anything and is retried
with backoff like any network failure.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesHeaderParser
from typing import Literal

from ..exceptions import (
    AuthenticationError,
    CertificateError,
    ConfigurationError,
    ConnectionError,
    ConnectorError,
    InsecureConnectionError,
    MessageError,
    PartialDeliveryError,
    SecretsUnavailable,
    UncertainDeliveryError,
)
from ..messaging.imap import IMAPConnector
from ..messaging.mime import header_block
from ..messaging.smtp import SMTPConnector
from .entries import OutboxEntry
from .outbox import Outbox
from .server_drafts import delete_server_draft

log = logging.getLogger(__name__)

Outcome = Literal["sent", "retry", "failed", "taken", "unconfirmed"]
"""``unconfirmed``: it may have been sent; it is looked for on the server at ``retry_at``, never resent."""


@dataclass(frozen=True)
class DeliveryReport:
    """What happened to one entry. ``error`` holds the server's words; ``warning`` a partial delivery."""

    entry_id: str
    outcome: Outcome
    message_id: str
    error: str = ""
    retry_at: float | None = None
    warning: str = ""
    copy_error: str = ""
    cause: ConnectorError | None = field(default=None, repr=False, compare=False)
    """The error behind ``retry``/``unconfirmed`` (e.g. a locked keyring, after which an app waits for the person
    instead of retrying on its own: each try could bring the keyring's unlock prompt back)."""


def classify_error(error: BaseException) -> Literal["temporary", "permanent"]:
    """Temporary: worth retrying by itself later (network trouble, 4xx). Permanent: needs the person."""
    if isinstance(error, MessageError):
        return "temporary" if error.temporary else "permanent"
    if isinstance(error, SecretsUnavailable):
        return "temporary"  # nothing was sent: it goes once the keyring is unlocked
    if isinstance(error, CertificateError | InsecureConnectionError):
        return "permanent"  # retrying will not make an untrusted certificate trusted
    if isinstance(error, ConnectionError):
        return "temporary"
    if isinstance(error, AuthenticationError | ConfigurationError):
        return "permanent"
    return "permanent"


def _envelope_sender(raw: bytes, smtp: SMTPConnector) -> str:
    """MAIL FROM: the queued message's From address, else the account's."""
    # The header block alone: parsing a whole 25 MB message for its From held the interpreter for seconds.
    message = BytesHeaderParser(policy=policy.default).parsebytes(header_block(raw))
    try:
        addresses = message["From"].addresses if message["From"] is not None else ()
    except (AttributeError, IndexError, ValueError):
        addresses = ()
    return addresses[0].addr_spec if addresses else smtp.sender_address().addr_spec


def deliver(
    outbox: Outbox,
    entry: OutboxEntry,
    *,
    smtp: SMTPConnector,
    imap: IMAPConnector | None = None,
    server_saves_sent: bool = False,
) -> DeliveryReport:
    """Send ``entry`` (steps 1–5 above). ``smtp`` and ``imap`` may be connected already; they are left open for
    the next entry — the caller disconnects them."""
    try:
        smtp.connect()
    except ConnectorError as exc:
        return _not_sent(outbox, entry, exc)
    claimed = outbox.claim(entry.id)
    if claimed is None:
        return DeliveryReport(entry.id, "taken", entry.message_id)
    warning = ""
    try:
        smtp.send_raw(claimed.raw, _envelope_sender(claimed.raw, smtp), list(claimed.recipients))
    except PartialDeliveryError as exc:  # it went to the others: never send it again
        warning = str(exc)
    except UncertainDeliveryError as exc:  # it may have gone: look for it, else ask — never resend by itself
        log.warning("Sending %s may or may not have succeeded: %s", claimed.message_id, exc)
        when = outbox.mark_unconfirmed(claimed.id, str(exc))
        return DeliveryReport(claimed.id, "unconfirmed", claimed.message_id, error=str(exc), retry_at=when)
    except ConnectorError as exc:
        return _not_sent(outbox, claimed, exc)
    outbox.mark_sent(claimed.id, copy_state="skipped" if server_saves_sent or imap is None else "pending",
                     warning=warning)
    log.info("Sent %s for account %s", claimed.message_id, claimed.account_id)
    copy_error = after_sending(outbox, claimed, imap, server_saves_sent=server_saves_sent)
    return DeliveryReport(claimed.id, "sent", claimed.message_id, warning=warning, copy_error=copy_error)


def after_sending(outbox: Outbox, entry: OutboxEntry, imap: IMAPConnector | None, *,
                  server_saves_sent: bool) -> str:
    """Step 5 for a sent entry; returns the error text if the copy could not be filed (it will be retried)."""
    if imap is None or server_saves_sent:
        outbox.mark_copied(entry.id)
        _tidy(entry, imap)
        return ""
    try:
        imap.connect()
        imap.save_sent_message(entry.raw)
    except ConnectorError as exc:
        log.warning("Could not file %s in Sent: %s", entry.message_id, exc)
        outbox.copy_failed(entry.id, str(exc))
        return str(exc)
    outbox.mark_copied(entry.id)
    _tidy(entry, imap)
    return ""


def _tidy(entry: OutboxEntry, imap: IMAPConnector | None) -> None:
    """Best effort: flag the replied-to message and drop the server's draft; failures only cost tidiness."""
    if imap is None:
        return
    try:
        imap.connect()
        if entry.answered:
            mark_answered(imap, entry.answered.get("folder", ""), entry.answered.get("message_id", ""))
        if entry.draft_id:
            continued = str((entry.compose_state or {}).get("server_message_id") or "")
            delete_server_draft(imap, entry.draft_id, (continued,) if continued else ())
    except ConnectorError as exc:
        log.info("Tidying after sending %s failed: %s", entry.message_id, exc)


def _not_sent(outbox: Outbox, entry: OutboxEntry, error: ConnectorError) -> DeliveryReport:
    text = str(error)
    if classify_error(error) == "temporary":
        when = outbox.mark_retry(entry.id, text)
        return DeliveryReport(entry.id, "retry", entry.message_id, error=text, retry_at=when, cause=error)
    outbox.mark_failed(entry.id, text, "permanent")
    return DeliveryReport(entry.id, "failed", entry.message_id, error=text)


def find_in_sent(imap: IMAPConnector, message_id: str) -> bool:
    """Whether a message with this Message-ID is in the account's Sent folder (False when there is none)."""
    sent = imap.find_special_folder("sent")
    if sent is None or not message_id:
        return False
    return bool(imap.search_uids(["HEADER", "Message-ID", message_id], mailbox=sent))


def find_sent_message(imap: IMAPConnector, entry: OutboxEntry) -> Literal["sent", "inbox", ""]:
    """Where the server shows that ``entry`` went out: "sent" (a copy in Sent, as Gmail files it), "inbox" (the
    account was a recipient and it arrived), or "" (no sign of it)."""
    if find_in_sent(imap, entry.message_id):
        return "sent"
    own = {entry.sender.lower(), imap.config.username.lower()}
    if entry.message_id and own & {recipient.lower() for recipient in entry.recipients}:
        if imap.search_uids(["HEADER", "Message-ID", entry.message_id], mailbox="INBOX"):
            return "inbox"
    return ""


def confirm_unconfirmed(outbox: Outbox, entry: OutboxEntry, imap: IMAPConnector | None) -> DeliveryReport:
    """Decide about an entry that may have been sent (a dead process mid-send, or a link broken after the final
    "." of DATA): found on the server → done; not found → ask the person; server unreachable → look again later.
    Never sends."""
    if entry.error_kind == "uncertain":
        cause = "The connection broke or stalled after this message had gone out and before the server confirmed it"
    else:
        cause = "Facteur was interrupted while sending this message"
    interrupted = (f"{cause}, and it is not in the Sent folder: it may or may not have reached its recipients. "
                   "Check with them, then send it again or mark it as sent.")
    if imap is None:
        outbox.mark_failed(entry.id, interrupted, "interrupted")
        return DeliveryReport(entry.id, "failed", entry.message_id, error=interrupted)
    try:
        imap.connect()
        found = find_sent_message(imap, entry)
    except ConnectorError as exc:
        when = outbox.postpone_check(entry.id, str(exc))
        return DeliveryReport(entry.id, "unconfirmed", entry.message_id, error=str(exc), retry_at=when, cause=exc)
    if found == "sent":
        outbox.mark_sent(entry.id, copy_state="done")
        outbox.mark_copied(entry.id)
        return DeliveryReport(entry.id, "sent", entry.message_id)
    if found == "inbox":  # it went out, but nobody filed a copy in Sent yet
        outbox.mark_sent(entry.id, copy_state="pending")
        sent = outbox.get(entry.id)
        copy_error = after_sending(outbox, sent, imap, server_saves_sent=False) if sent is not None else ""
        return DeliveryReport(entry.id, "sent", entry.message_id, copy_error=copy_error)
    outbox.mark_failed(entry.id, interrupted, "interrupted")
    return DeliveryReport(entry.id, "failed", entry.message_id, error=interrupted)


def mark_answered(imap: IMAPConnector, folder: str, message_id: str) -> None:
    """Flag \\Answered on the message(s) with this Message-ID in ``folder`` (UIDs may have changed since)."""
    if not folder or not message_id:
        return
    uids = imap.search_uids(["HEADER", "Message-ID", message_id], mailbox=folder)
    if uids:
        imap.set_flags(uids, add=["\\Answered"], mailbox=folder)
