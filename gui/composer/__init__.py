"""Writing mail: the composer window, replies and forwards, drafts, and sending through the durable Outbox.

The main window creates one :class:`Postbox` (``install_postbox(Postbox(account_store))`` then ``.start()``) and
calls the functions below, or the same methods on the Postbox. The Outbox's state reaches the UI through
``postbox.worker`` (a :class:`gui.workers.send_worker.SendWorker`): ``stateChanged``, ``sending``, ``sent``,
``retrying``, ``failed``, ``copyFailed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QWidget

from gui.accounts import Account, AccountStore

from .attachments import ATTACHMENT_MIME, attachment_mime_data
from .outbox_view import OutboxModel, OutboxView
from .postbox import ComposeSettings, Postbox
from .window import ComposerWindow

__all__ = [
    "ATTACHMENT_MIME",
    "ComposeSettings",
    "ComposerWindow",
    "OutboxModel",
    "OutboxView",
    "Postbox",
    "attachment_mime_data",
    "current_postbox",
    "forward",
    "install_postbox",
    "open_composer",
    "open_mailto",
    "recover_drafts",
    "reply",
]

_postbox: Postbox | None = None


def install_postbox(postbox: Postbox) -> Postbox:
    """Make ``postbox`` the one the functions below use (the main window does this once, at start-up)."""
    global _postbox
    _postbox = postbox
    return postbox


def current_postbox(account_store: AccountStore | None = None) -> Postbox:
    """The installed Postbox; created and started on first use (or after the previous one was closed, at quit) when
    an account store is given."""
    global _postbox
    if _postbox is None or _postbox.closed:
        if account_store is None:
            raise RuntimeError("No Postbox installed: call install_postbox(Postbox(account_store)) at start-up")
        _postbox = Postbox(account_store)
        _postbox.start()
    return _postbox


def open_composer(
    account_store: AccountStore,
    account_id: str | None = None,
    *,
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    subject: str = "",
    body: str = "",
    attachments: Sequence[str | Path] = (),
    parent: QWidget | None = None,
) -> ComposerWindow:
    return current_postbox(account_store).open_composer(
        account_id, to=to, cc=cc, subject=subject, body=body, attachments=attachments, parent=parent
    )


def reply(
    account: Account, original_raw: bytes, folder: str, uid: int, reply_all: bool, *, parent: QWidget | None = None
) -> ComposerWindow:
    return current_postbox().reply(account, original_raw, folder, uid, reply_all, parent=parent)


def forward(
    account: Account, original_raw: bytes, as_attachment: bool, *, parent: QWidget | None = None
) -> ComposerWindow:
    return current_postbox().forward(account, original_raw, as_attachment, parent=parent)


def open_mailto(url: str, *, parent: QWidget | None = None) -> ComposerWindow:
    return current_postbox().open_mailto(url, parent=parent)


def recover_drafts(parent: QWidget | None = None, *, ask: bool = True) -> list[ComposerWindow]:
    return current_postbox().recover_drafts(parent, ask=ask)
