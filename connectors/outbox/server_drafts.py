"""One copy of each draft in the server's Drafts folder, replaced on every save; one identity for a draft wherever
it is.

Each saved version carries ``X-Facteur-Draft-Id`` and a Message-ID made from the draft id
(``<facteur-draft.ID@domain>``): the versions of one draft are found by that header (not by UIDs, which need UIDPLUS
to learn and go stale), so replacing works on every server and never touches another client's drafts, and a list
built from the Message-IDs the store already has (no body needed) tells which server draft is which local draft.
A draft written by another client has no such header: its identity comes from its own Message-ID
(:func:`draft_id_for`), and once Facteur saves it again its old copy is replaced by Message-ID (``replaces``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from ..exceptions import MessageError
from ..messaging.compose import check_header_value
from ..messaging.imap import IMAPConnector

DRAFT_HEADER = "X-Facteur-Draft-Id"
_OWN_MESSAGE_ID = re.compile(r"^<facteur-draft\.([0-9A-Za-z_-]{1,64})@[^<>\s]*>$")
_DRAFT_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


def draft_message_id(draft_id: str, domain: str) -> str:
    """The Message-ID every saved version of a draft carries (the message sent from it gets a new one)."""
    check_header_value("draft id", draft_id)
    return f"<facteur-draft.{draft_id}@{domain or 'facteur.invalid'}>"


def draft_id_for(message_id: str, header_id: str = "") -> str:
    """The draft id of a message in a Drafts folder: its ``X-Facteur-Draft-Id`` (``header_id``) or the id in a
    Message-ID Facteur made; for another client's draft, one derived from its Message-ID ("" without one)."""
    header_id = header_id.strip()
    if _DRAFT_ID.match(header_id):
        return header_id
    message_id = message_id.strip()
    own = _OWN_MESSAGE_ID.match(message_id)
    if own:
        return own.group(1)
    if not message_id:
        return ""
    return "mid-" + hashlib.sha256(message_id.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def _draft_uids(imap: IMAPConnector, mailbox: str, draft_id: str, replaces: Sequence[str] = ()) -> list[int]:
    found = set(imap.search_uids(["HEADER", DRAFT_HEADER, draft_id], mailbox=mailbox))
    for message_id in replaces:
        if message_id:
            check_header_value("Message-ID", message_id)
            found.update(imap.search_uids(["HEADER", "Message-ID", message_id], mailbox=mailbox))
    return sorted(found)


def drafts_folder(imap: IMAPConnector) -> str:
    folder = imap.find_special_folder("drafts")
    if folder is None:
        raise MessageError(f"The account on {imap.config.address} has no Drafts folder")
    return folder


def replace_server_draft(imap: IMAPConnector, draft_id: str, raw: bytes, replaces: Sequence[str] = ()) -> int | None:
    """Append this version of the draft (``\\Draft \\Seen``), then expunge its earlier versions (and the messages
    whose Message-ID is in ``replaces``: another client's copy this draft continues); returns the new UID when the
    server says it. ``raw`` must carry the ``X-Facteur-Draft-Id: draft_id`` header."""
    check_header_value("draft id", draft_id)
    folder = drafts_folder(imap)
    previous = _draft_uids(imap, folder, draft_id, replaces)
    uid = imap.append_message(folder, raw, flags=["\\Draft", "\\Seen"])
    if previous:
        # Older versions go for good: moving them to Trash would fill it with every autosave.
        imap.delete_messages(previous, permanent=True, mailbox=folder)
    return uid


def delete_server_draft(imap: IMAPConnector, draft_id: str, replaces: Sequence[str] = ()) -> int:
    """Remove every version of a draft (after it was sent or discarded); returns how many were removed."""
    folder = imap.find_special_folder("drafts")
    if folder is None:
        return 0
    uids = _draft_uids(imap, folder, draft_id, replaces)
    if uids:
        imap.delete_messages(uids, permanent=True, mailbox=folder)
    return len(uids)
