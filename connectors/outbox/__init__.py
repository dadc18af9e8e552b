"""Local Folders: the durable Outbox and the local drafts store (pure Python, SQLite, no Qt).

* :class:`Outbox` keeps every outgoing message as its final RFC 5322 bytes (Message-ID fixed when queued) with
  its envelope and delivery state, so nothing is lost when the app quits, crashes or the server is away.
* :func:`deliver` sends one entry with an SMTP connector and files the copy in Sent, following the rules that make
  a message never go out twice (see :mod:`connectors.outbox.delivery`).
* :class:`DraftStore` keeps what is being written, saved every few seconds, so a crash loses at most a few seconds.
* :mod:`connectors.outbox.server_drafts` keeps one copy of each draft in the server's Drafts folder.
* :func:`open_outbox` / :func:`open_drafts` open them even when their file is damaged: it is kept aside, a fresh one
  takes its place and what can be read comes back (:mod:`connectors.outbox.salvage`).
"""

from .delivery import DeliveryReport, classify_error, deliver, find_in_sent, mark_answered
from .drafts import Draft, DraftAttachment, DraftStore
from .entries import EntryState, OutboxEntry, RetryPolicy
from .errors import LocalFileUnusableError
from .outbox import Outbox
from .paths import local_folders_dir
from .salvage import OpenedDrafts, OpenedOutbox, Salvaged, open_drafts, open_outbox
from .server_drafts import DRAFT_HEADER, delete_server_draft, replace_server_draft

__all__ = [
    "DRAFT_HEADER",
    "DeliveryReport",
    "Draft",
    "DraftAttachment",
    "DraftStore",
    "EntryState",
    "LocalFileUnusableError",
    "OpenedDrafts",
    "OpenedOutbox",
    "Outbox",
    "OutboxEntry",
    "RetryPolicy",
    "Salvaged",
    "classify_error",
    "delete_server_draft",
    "deliver",
    "find_in_sent",
    "local_folders_dir",
    "mark_answered",
    "open_drafts",
    "open_outbox",
    "replace_server_draft",
]
