"""How the sync engine's tests open IMAP connections: to the server itself, or through a proxy on ``port``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connectors import create_connector
from connectors.messaging.imap import IMAPConnector


def connector_to(imap_config: dict[str, Any], port: int | None = None) -> Callable[[], IMAPConnector]:
    """A factory of connected IMAP connectors, as the engine wants one (``port`` overrides the server's)."""

    def connect() -> IMAPConnector:
        imap: IMAPConnector = create_connector("imap", {**imap_config, **({"port": port} if port else {})})
        imap.connect()
        return imap

    return connect
