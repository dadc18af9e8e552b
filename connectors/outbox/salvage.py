"""Opening Local Folders' files when they may be damaged: nothing is deleted, nothing is lost in silence.

Unlike an account's store (a cache of the server, rebuilt from it), the Outbox and the drafts hold what exists
nowhere else. A file that cannot be used as it is (damaged, truncated, overwritten, of another layout, read-only
or locked by another program) is renamed ``<name>.damaged-<time>`` and kept; a fresh file takes its place; and
what can still be read from the old one is brought over:

* Outbox entries whose message bytes and envelope can be read come back, **never to be sent by themselves**: the
  file they come from was damaged, so the person checks each one (it is ``failed`` with a note saying so; one that
  was being sent is "may have been sent", as after a crash). Copies already sent that still await filing in Sent
  keep waiting.
* Message bytes whose entry is lost are written as ``.eml`` files in ``<name>.damaged-<time>.messages/``.
* Entries whose bytes are lost are named (their subjects), and rebuilt as saved drafts from the composer state
  they carry, so what the person wrote is not lost with them.
* Drafts come back as saved drafts, with the attachment bytes that could be read.

The caller is told where the old file went and what came back (:class:`Salvaged`), to tell the person.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from email import policy
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr
from pathlib import Path
from typing import Any, cast

from ..private_files import private_dir, write_private
from ..sqlite_salvage import readable, readable_rows
from .drafts import Draft, DraftStore
from .entries import EntryState, OutboxEntry, RetryPolicy
from .errors import LocalFileUnusableError
from .outbox import Outbox
from .paths import local_folders_dir

log = logging.getLogger(__name__)

RECOVERED = "Recovered from a damaged Outbox file: check it, then send it again"
RECOVERED_INTERRUPTED = ("Recovered from a damaged Outbox file while it was being sent: it may have gone out; "
                         "check your Sent folder before sending it again")
_SIDE_FILES = ("", "-wal", "-shm", "-journal")


@dataclass
class Salvaged:
    """What became of a Local Folders file that could not be used: where it was kept and what came back."""

    moved_aside: Path
    reason: str
    recovered: int = 0
    """Outbox entries (or drafts) brought into the fresh file."""
    saved_files: list[Path] = field(default_factory=list)
    """Messages whose entry could not be read, kept as .eml files."""
    incomplete: bool = False
    """Part of the old file could not be read at all (some of what it held may be missing)."""
    lost: list[str] = field(default_factory=list)
    """Subjects of Outbox entries whose message bytes could not be read: to be written again."""
    drafts_kept: int = 0
    """Of those, how many were rebuilt as saved drafts from the composer state they carried."""


@dataclass
class OpenedOutbox:
    outbox: Outbox
    salvaged: Salvaged | None = None


@dataclass
class OpenedDrafts:
    drafts: DraftStore
    salvaged: Salvaged | None = None


def open_outbox(path: str | Path | None = None, *, clock: Callable[[], float] = time.time,
                retry: RetryPolicy | None = None, busy_timeout: float = 10.0) -> OpenedOutbox:
    """The Outbox at ``path`` (the default place when None); if its file cannot be used, a fresh Outbox, the old
    file kept beside it and what it held salvaged. Raises LocalFileUnusableError only when even a fresh file
    cannot be made there (the folder itself is read-only or gone)."""
    path = Path(path) if path is not None else local_folders_dir() / "outbox.sqlite3"
    try:
        return OpenedOutbox(Outbox(path, clock=clock, retry=retry, busy_timeout=busy_timeout))
    except LocalFileUnusableError as error:
        reason = str(error)
    aside = move_aside(path)
    log.error("The Outbox %s could not be used (%s): kept as %s, starting a fresh one", path, reason, aside)
    outbox = Outbox(path, clock=clock, retry=retry, busy_timeout=busy_timeout)
    salvaged = Salvaged(aside, reason)
    entries, loose, compose_states = _read_outbox(aside, clock(), salvaged)
    outbox.restore(entries)
    salvaged.recovered = len(entries)
    salvaged.saved_files = _save_messages(aside, loose)
    salvaged.drafts_kept = _rebuild_drafts(path.with_name("drafts.sqlite3"), compose_states)
    log.warning("Salvaged from %s: %d Outbox entries, %d messages as files%s", aside, len(entries), len(loose),
                ", some of it unreadable" if salvaged.incomplete else "")
    return OpenedOutbox(outbox, salvaged)


def open_drafts(path: str | Path | None = None, *, clock: Callable[[], float] = time.time,
                busy_timeout: float = 10.0) -> OpenedDrafts:
    """The drafts store at ``path`` (the default place when None), treated like the Outbox in :func:`open_outbox`:
    drafts read from a damaged file come back as saved drafts."""
    path = Path(path) if path is not None else local_folders_dir() / "drafts.sqlite3"
    try:
        return OpenedDrafts(DraftStore(path, clock=clock, busy_timeout=busy_timeout))
    except LocalFileUnusableError as error:
        reason = str(error)
    aside = move_aside(path)
    log.error("The drafts store %s could not be used (%s): kept as %s, starting a fresh one", path, reason, aside)
    drafts = DraftStore(path, clock=clock, busy_timeout=busy_timeout)
    salvaged = Salvaged(aside, reason)
    salvaged.recovered = _restore_drafts(aside, drafts, salvaged)
    return OpenedDrafts(drafts, salvaged)


def move_aside(path: Path) -> Path:
    """Rename the database and its WAL/SHM/journal to ``<name>.damaged-<time>`` (never replacing an older one):
    a WAL left beside a new file would be replayed into it, so the side files go with the database."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    number = 1
    while any(aside.with_name(aside.name + suffix).exists() for suffix in _SIDE_FILES):
        number += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{number}")
    try:
        for suffix in _SIDE_FILES:
            source = path.with_name(path.name + suffix)
            if source.exists():
                source.rename(aside.with_name(aside.name + suffix))
    except OSError as error:
        raise LocalFileUnusableError(f"{path} cannot be used and cannot be put aside: {error}", path) from error
    return aside


# -- reading what can be read --------------------------------------------------------------------------------


def _read_outbox(aside: Path, now: float, salvaged: Salvaged
                 ) -> tuple[list[OutboxEntry], list[bytes], list[dict[str, Any]]]:
    """Entries that can be sent from, message bytes without a usable entry, and the composer states of entries
    whose bytes are lost (each describes what the person wrote)."""
    with readable(aside) as conn:
        if conn is None:
            salvaged.incomplete = True
            return [], [], []
        rows, whole = readable_rows(conn, "outbox")
        # Older Outbox files kept the bytes in outbox.raw, without this table.
        raw_rows, raws_whole = readable_rows(conn, "outbox_raw", optional=True)
    salvaged.incomplete = salvaged.incomplete or not (whole and raws_whole)
    raws = {str(row.get("id")): _bytes(row.get("raw")) for row in raw_rows}
    entries: list[OutboxEntry] = []
    loose: list[bytes] = []
    compose_states: list[dict[str, Any]] = []
    for row in rows:
        raw = raws.pop(str(row.get("id")), None) or _bytes(row.get("raw"))
        entry = _entry(row, raw, now) if raw else None
        if entry is not None:
            entries.append(entry)
        elif raw:
            loose.append(raw)
        elif row.get("state") != "sent":  # a message sent already needs nothing more
            state = _json(row.get("compose_state"))
            if isinstance(state, dict):
                compose_states.append(state)
            salvaged.lost.append(_text(row.get("subject")) or (_text(state.get("subject"))
                                                               if isinstance(state, dict) else ""))
    loose.extend(raw for raw in raws.values() if raw)
    return entries, loose, compose_states


def _rebuild_drafts(path: Path, compose_states: list[dict[str, Any]]) -> int:
    """Save the composer states of lost messages as drafts (text and addresses; attachments only if the drafts
    store still holds their bytes). Returns how many were saved."""
    if not compose_states:
        return 0
    try:
        drafts = DraftStore(path)
    except LocalFileUnusableError as error:  # its own open (open_drafts) will put it aside and tell
        log.warning("Could not rebuild lost Outbox messages as drafts: %s", error)
        return 0
    saved = 0
    with drafts:
        for state in compose_states:
            try:
                draft = Draft.from_json(json.dumps(state))
            except (TypeError, ValueError):
                continue
            kept = tuple(a for a in draft.attachments if drafts.blob(a.sha256) is not None)
            if drafts.state(draft.id) is None:
                drafts.save(replace(draft, attachments=kept), state="saved")
            else:
                drafts.mark_saved(draft.id)
            saved += 1
    return saved


def _entry(row: dict[str, Any], raw: bytes, now: float) -> OutboxEntry | None:
    """The entry a salvaged row stands for, or None when it cannot be sent from (no account, no recipient)."""
    account_id = row.get("account_id")
    if not isinstance(account_id, str) or not account_id:
        return None
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
    recipients = _json(row.get("recipients"))
    if not (isinstance(recipients, list) and recipients and all(isinstance(r, str) for r in recipients)):
        recipients = [address for _name, address in
                      getaddresses([str(v) for key in ("To", "Cc", "Bcc") for v in headers.get_all(key, [])])
                      if address]
    if not recipients:
        return None
    state = row.get("state")
    new_state: EntryState = "failed"
    kind, note = "", RECOVERED
    if state in ("sending", "unconfirmed"):
        kind, note = "interrupted", RECOVERED_INTERRUPTED
    elif state == "sent":
        new_state, note = "sent", ""
    compose_state, answered = _json(row.get("compose_state")), _json(row.get("answered"))
    return OutboxEntry(
        id=str(row.get("id") or uuid.uuid4().hex),
        account_id=account_id,
        message_id=_text(row.get("message_id")) or str(headers.get("Message-ID", "")).strip(),
        sender=_text(row.get("sender")) or parseaddr(str(headers.get("From", "")))[1],
        recipients=tuple(recipients),
        subject=_text(row.get("subject")) or str(headers.get("Subject", "")),
        raw=raw,
        state=new_state,
        created=_number(row.get("created"), now),
        send_after=now,
        attempts=int(_number(row.get("attempts"), 0)),
        last_error=note,
        error_kind=cast(Any, kind),
        sent_at=_number(row.get("sent_at"), now) if new_state == "sent" else None,
        copy_state="pending" if new_state == "sent" else "skipped",
        draft_id=_text(row.get("draft_id")) or None,
        compose_state=compose_state if isinstance(compose_state, dict) else None,
        answered=answered if isinstance(answered, dict) else None,
    )


def _save_messages(aside: Path, messages: list[bytes]) -> list[Path]:
    if not messages:
        return []
    folder = private_dir(aside.with_name(aside.name + ".messages"))
    return [write_private(folder / f"message-{number:03d}.eml", raw) for number, raw in enumerate(messages, 1)]


def _restore_drafts(aside: Path, drafts: DraftStore, salvaged: Salvaged) -> int:
    with readable(aside) as conn:
        if conn is None:
            salvaged.incomplete = True
            return 0
        rows, whole = readable_rows(conn, "drafts")
        blob_rows, blobs_whole = readable_rows(conn, "blobs")
    salvaged.incomplete = salvaged.incomplete or not (whole and blobs_whole)
    blobs = {str(row.get("sha256")): _bytes(row.get("data")) for row in blob_rows}
    count = 0
    for row in rows:
        try:
            draft = Draft.from_json(str(row.get("data")))
        except (ValueError, TypeError):
            salvaged.incomplete = True
            continue
        kept = tuple(a for a in draft.attachments if blobs.get(a.sha256))
        if len(kept) != len(draft.attachments):
            salvaged.incomplete = True
        for attachment in kept:
            drafts.put_blob(blobs[attachment.sha256])
        drafts.save(replace(draft, attachments=kept), state="saved")
        count += 1
    return count


def _json(value: Any) -> Any:
    if not isinstance(value, str):
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _bytes(value: Any) -> bytes:
    return bytes(value) if isinstance(value, (bytes, bytearray, memoryview)) else b""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _number(value: Any, default: float) -> float:
    return float(value) if isinstance(value, (int, float)) else default
