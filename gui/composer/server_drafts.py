"""Drafts in one place: the local drafts store and the copies in each account's Drafts folder are one list.

What is saved here goes up to the server (the send worker replaces the previous copy), so the server copy and the
local draft are the same draft, known by one id (:func:`connectors.outbox.server_drafts.draft_id_for`). This
module keeps the two in step: it notes which version each copy holds, sends up what was saved offline once the
account is back, and opens a server draft in the composer — as the same draft when it is one of ours, or as a
draft continuing another client's (whose copy the next save replaces). All disk work runs in the runner's pool.
"""

from __future__ import annotations

import email
import logging
from collections.abc import Callable
from dataclasses import replace
from email import policy
from email.utils import getaddresses

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from connectors.messaging.compose import Attachment
from connectors.messaging.mime import parse_message
from connectors.outbox import DRAFT_HEADER, Draft, DraftAttachment, DraftStore
from connectors.outbox.server_drafts import draft_id_for
from gui.workers.operation import Operation
from gui.workers.runner import BACKGROUND, INTERACTIVE, runner

from .outgoing import Composition, build_draft, split_addresses

log = logging.getLogger(__name__)


def composition_from_draft(draft: Draft, drafts: DraftStore) -> Composition:
    """What a composer would hold for a kept draft (to build its server copy without opening it)."""
    pairs = getaddresses([draft.sender]) if draft.sender else []
    name, address = pairs[0] if pairs else ("", "")
    attachments = []
    for item in draft.attachments:
        data = drafts.blob(item.sha256)
        if data is not None:
            attachments.append(Attachment(item.name, data, item.content_type))
    return Composition(
        sender_name=name, sender_address=address, to=split_addresses(draft.to), cc=split_addresses(draft.cc),
        bcc=split_addresses(draft.bcc), subject=" ".join(draft.subject.split()), text=draft.text,
        html=None if draft.plain_only else (draft.html or None), attachments=attachments,
        in_reply_to=draft.in_reply_to, references=draft.references, draft_id=draft.id,
    )


def draft_from_message(raw: bytes, account_id: str, drafts: DraftStore) -> Draft:
    """A server draft as a local draft: the same id as its local twin (ours), or one made from its Message-ID."""
    headers = email.message_from_bytes(raw, policy=policy.default)
    message_id = str(headers.get("Message-ID", "") or "").strip()
    header_id = str(headers.get(DRAFT_HEADER, "") or "")
    draft_id = draft_id_for(message_id, header_id)
    parsed = parse_message(raw)
    items = []
    for part in parsed.attachments:
        if part.inline and part.content_type.startswith("image/") and parsed.html_body:
            continue  # an image shown in the HTML: the editor has no place for it
        digest = drafts.put_blob(part.data)
        items.append(DraftAttachment(part.filename, part.content_type, digest, part.size))
    ours = not draft_id.startswith("mid-")  # Facteur's own copy (its header, or its Message-ID)
    base = {"id": draft_id} if draft_id else {}
    return Draft(
        **base,
        account_id=account_id,
        sender=str(headers.get("From", "") or ""),
        to=parsed.to,
        cc=parsed.cc,
        bcc=str(headers.get("Bcc", "") or ""),
        subject=parsed.subject,
        html=parsed.html_body or "",
        text=parsed.body,
        plain_only=parsed.html_body is None,
        in_reply_to=parsed.in_reply_to,
        references=tuple(parsed.references),
        attachments=tuple(items),
        server_message_id="" if ours else message_id,
    )


class ServerDrafts(QObject):
    """Owned by the Postbox: ``changed`` when a copy went up or a server draft came down (lists look again)."""

    changed = Signal()

    def __init__(self, drafts: DraftStore, worker: object, open_draft: Callable[..., object],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._drafts = drafts
        self._worker = worker
        self._open_draft = open_draft
        worker.draftUploaded.connect(self._uploaded)  # type: ignore[attr-defined]

    def _submit(self, work: Callable[[DraftStore], object], then: Callable[[object], None] | None = None,
                priority: int = BACKGROUND) -> None:
        drafts = self._drafts

        def run(_op: Operation) -> object:
            return None if drafts.closed else work(drafts)

        op = Operation(run, name="drafts in step with the server")
        if then is not None:
            op.finished.connect(then)
        op.failed.connect(lambda exc: log.warning("Drafts: %s", exc))
        runner().submit(op, priority=priority)

    def _uploaded(self, account_id: str, draft_id: str, uid: object, asked: float) -> None:
        known_uid = uid if isinstance(uid, int) else None
        self._submit(lambda drafts: drafts.mark_uploaded(draft_id, account_id, known_uid, asked),
                     lambda _none: self.changed.emit())

    def upload_pending(self, account_id: str) -> None:
        """The account is online: send up the drafts saved here since their copy last went up (or never did)."""

        def send(found: object) -> None:
            for draft in found if isinstance(found, list) else []:
                replaces = (draft.server_message_id,) if draft.server_message_id else ()
                self._worker.save_draft(  # type: ignore[attr-defined]
                    account_id, draft.id, lambda d=draft: build_draft(composition_from_draft(d, self._drafts)),
                    replaces)

        self._submit(lambda drafts: drafts.to_upload(account_id), send)

    def open_message(self, account_id: str, raw: bytes, *, parent: QWidget | None = None) -> None:
        """Open a server draft in a composer: kept as a local draft first (attachments and all), then opened."""

        def keep(drafts: DraftStore) -> str:
            draft = draft_from_message(raw, account_id, drafts)
            known = drafts.get(draft.id)
            if known is not None:
                copy = drafts.server_copies(account_id).get(draft.id)
                if drafts.state(draft.id) == "editing" or copy is None or known.updated > copy[1]:
                    return draft.id  # being written, or changed here since it went up: this computer's is newer
            if known is not None and known.spell_language:
                draft = replace(draft, spell_language=known.spell_language)
            drafts.save(draft, state="saved")
            return draft.id

        def opened(draft_id: object) -> None:
            if isinstance(draft_id, str):
                self._open_draft(draft_id, parent=parent)
                self.changed.emit()

        self._submit(keep, opened, priority=INTERACTIVE)
