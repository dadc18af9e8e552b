"""Errors raised by the local mail store, rooted in the connectors' one hierarchy."""

from __future__ import annotations

from ..exceptions import ConnectorError


class StoreError(ConnectorError):
    """Something the local store cannot do; the message says what and where."""


class FolderNotFoundError(StoreError):
    """A write or read named a folder that the store does not hold."""

    def __init__(self, folder: str) -> None:
        super().__init__(f"The local store has no folder named {folder!r}")
        self.folder = folder


class MessageNotFoundError(StoreError):
    """A write named a message (folder, UID) that the store does not hold."""

    def __init__(self, folder: str, uid: int) -> None:
        super().__init__(f"The local store has no message with UID {uid} in folder {folder!r}")
        self.folder = folder
        self.uid = uid


class SchemaVersionError(StoreError):
    """The database was written by a newer Facteur (or is not a Facteur store at all)."""


class SearchQueryError(StoreError, ValueError):
    """A search query the parser cannot turn into a search; the message tells the person what to fix."""
