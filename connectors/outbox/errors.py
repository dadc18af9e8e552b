"""Errors of Local Folders' files (the Outbox and the drafts store)."""

from __future__ import annotations

from pathlib import Path

from ..exceptions import ConnectorError


class LocalFileUnusableError(ConnectorError):
    """A Local Folders database cannot be used as it is: damaged (truncated, garbage, "malformed"), of another
    schema, or impossible to open for writing (read-only, locked by another program). The caller moves it aside,
    keeps it, starts a fresh one and salvages what it can read (:func:`connectors.outbox.open_outbox`)."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path
