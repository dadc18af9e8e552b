"""Every custom item-data role of Facteur's models, in one place (STYLE.md principle 7).

Views, delegates and tests ask models for these roles instead of reaching into model internals; a role means
the same thing in every model that answers it.
"""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt


class Roles(IntEnum):
    """Custom roles; values start at Qt.UserRole so they never collide with Qt's own."""

    # Mailbox tree
    NODE_KIND = Qt.ItemDataRole.UserRole + 1
    """``"account"`` or ``"folder"``."""
    ACCOUNT_ID = Qt.ItemDataRole.UserRole + 2
    FOLDER_NAME = Qt.ItemDataRole.UserRole + 3
    """The folder's full IMAP name (``"Archive/2024"``); None for an account or a folder that is only a parent."""
    SPECIAL_USE = Qt.ItemDataRole.UserRole + 4
    """``"inbox"``, ``"drafts"``, ``"sent"``, ``"archive"``, ``"junk"``, ``"trash"``... or None."""
    UNREAD_COUNT = Qt.ItemDataRole.UserRole + 5
    TOTAL_COUNT = Qt.ItemDataRole.UserRole + 6
    SELECTABLE = Qt.ItemDataRole.UserRole + 7
    """Whether the folder can hold messages (IMAP ``\\Noselect`` folders cannot)."""
    CONNECTION_STATE = Qt.ItemDataRole.UserRole + 8
    """An account's connection state: ``"offline"``, ``"connecting"``, ``"online"`` or ``"error"``."""
    FAILED_COUNT = Qt.ItemDataRole.UserRole + 15
    """Local Folders' Outbox: how many messages could not be sent (0 elsewhere)."""

    # Message list
    UID = Qt.ItemDataRole.UserRole + 20
    SUMMARY = Qt.ItemDataRole.UserRole + 21
    """The row's ``connectors.store.MessageSummary`` (None while a row is not loaded yet)."""
    IS_UNREAD = Qt.ItemDataRole.UserRole + 22
    IS_FLAGGED = Qt.ItemDataRole.UserRole + 23
    HAS_ATTACHMENTS = Qt.ItemDataRole.UserRole + 24
    SORT_VALUE = Qt.ItemDataRole.UserRole + 25
    """The raw value a column shows (epoch seconds, bytes...), for tests and proxy models."""
    THREAD_COUNT = Qt.ItemDataRole.UserRole + 26
    """Messages in the conversation a thread row stands for (1 for a message row)."""
    IS_THREAD = Qt.ItemDataRole.UserRole + 27
    """Whether the row stands for a conversation of several messages."""
    THREAD_DEPTH = Qt.ItemDataRole.UserRole + 28
    """0 for a conversation (or a lone message), 1 for a message shown under its expanded conversation."""

    # Attachments
    FILENAME = Qt.ItemDataRole.UserRole + 40
    CONTENT_TYPE = Qt.ItemDataRole.UserRole + 41
    SIZE = Qt.ItemDataRole.UserRole + 42
    ATTACHMENT = Qt.ItemDataRole.UserRole + 43
    """The ``connectors.messaging.mime.ParsedAttachment`` itself."""
