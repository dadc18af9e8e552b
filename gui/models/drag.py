"""The drag payload for messages: which account, folder and UIDs are being dragged (plain JSON, no pointers)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QMimeData

MESSAGES_MIME_TYPE = "application/x-facteur-messages"


@dataclass(frozen=True)
class DraggedMessages:
    account_id: str
    folder: str
    uids: tuple[int, ...]


def encode_messages(account_id: str, folder: str, uids: list[int] | tuple[int, ...]) -> QMimeData:
    mime = QMimeData()
    payload = {"account": account_id, "folder": folder, "uids": [int(uid) for uid in uids]}
    mime.setData(MESSAGES_MIME_TYPE, QByteArray(json.dumps(payload).encode("utf-8")))
    return mime


def decode_messages(mime: QMimeData | None) -> DraggedMessages | None:
    """The dragged messages, or None if ``mime`` carries none (or something malformed)."""
    if mime is None or not mime.hasFormat(MESSAGES_MIME_TYPE):
        return None
    try:
        payload = json.loads(bytes(mime.data(MESSAGES_MIME_TYPE).data()).decode("utf-8"))
        uids = tuple(int(uid) for uid in payload["uids"])
        account_id, folder = str(payload["account"]), str(payload["folder"])
    except (ValueError, KeyError, TypeError):
        return None
    return DraggedMessages(account_id, folder, uids) if uids else None
