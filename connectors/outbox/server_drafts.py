"""One copy of each draft in the server's Drafts folder, replaced on every save.

Each saved version carries ``X-Facteur-Draft-Id``: the versions of one draft are found by that header (not by
UIDs, which need UIDPLUS to learn and go stale), so replacing works on every server and never touches another
client's drafts.
"""

from __future__ import annotations

from ..exceptions import MessageError
from ..messaging.compose import check_header_value
from ..messaging.imap import IMAPConnector

DRAFT_HEADER = "X-Facteur-Draft-Id"


def _draft_uids(imap: IMAPConnector, mailbox: str, draft_id: str) -> list[int]:
    return imap.search_uids(["HEADER", DRAFT_HEADER, draft_id], mailbox=mailbox)


def drafts_folder(imap: IMAPConnector) -> str:
    folder = imap.find_special_folder("drafts")
    if folder is None:
        raise MessageError(f"The account on {imap.config.address} has no Drafts folder")
    return folder


def replace_server_draft(imap: IMAPConnector, draft_id: str, raw: bytes) -> int | None:
    """Append this version of the draft (``\\Draft \\Seen``), then expunge its earlier versions; returns the new
    UID when the server says it. ``raw`` must carry the ``X-Facteur-Draft-Id: draft_id`` header."""
    check_header_value("draft id", draft_id)
    folder = drafts_folder(imap)
    previous = _draft_uids(imap, folder, draft_id)
    uid = imap.append_message(folder, raw, flags=["\\Draft", "\\Seen"])
    if previous:
        # Older versions go for good: moving them to Trash would fill it with every autosave.
        imap.delete_messages(previous, permanent=True, mailbox=folder)
    return uid


def delete_server_draft(imap: IMAPConnector, draft_id: str) -> int:
    """Remove every version of a draft (after it was sent or discarded); returns how many were removed."""
    folder = imap.find_special_folder("drafts")
    if folder is None:
        return 0
    uids = _draft_uids(imap, folder, draft_id)
    if uids:
        imap.delete_messages(uids, permanent=True, mailbox=folder)
    return len(uids)
