"""Facteur's mail connectors: SMTP, IMAP and Gmail, with password or OAuth 2.0 — a library usable on its own.

>>> from connectors import create_connector
>>> smtp = create_connector("smtp", {"host": "smtp.example.com", "port": 587, "username": "me@example.com",
...                                  "password": "...", "use_tls": True})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import BaseConnector
from .exceptions import (
    AuthenticationError,
    ConfigurationError,
    ConnectionError,
    ConnectorError,
    MessageError,
)

__all__ = [
    "AuthenticationError",
    "BaseConnector",
    "ConfigurationError",
    "ConnectionError",
    "ConnectorError",
    "MessageError",
    "CONNECTOR_KINDS",
    "create_connector",
]

CONNECTOR_KINDS = ("smtp", "imap", "gmail", "gmail_imap", "outlook", "outlook_imap")


def create_connector(kind: str, config: Mapping[str, Any] | None = None) -> Any:
    """A connector of ``kind`` ("smtp", "imap", "gmail", "gmail_imap", "outlook" or "outlook_imap") from a config dict.

    "outlook"/"outlook_imap" are SMTP/IMAP with Microsoft's servers, whose ``oauth`` section holds Microsoft tokens
    (a public client: ``client_id`` and ``refresh_token``, no secret). With no config (or an empty one), the
    environment variables are read (SMTP_*, IMAP_*, GMAIL_*, OUTLOOK_USERNAME + MICROSOFT_CLIENT_ID +
    OUTLOOK_REFRESH_TOKEN).
    """
    from .messaging.imap import GmailIMAPConnector, IMAPConnector, OutlookIMAPConnector
    from .messaging.smtp import GmailConnector, OutlookConnector, SMTPConnector

    classes: dict[str, type[BaseConnector]] = {
        "smtp": SMTPConnector,
        "imap": IMAPConnector,
        "gmail": GmailConnector,
        "gmail_imap": GmailIMAPConnector,
        "outlook": OutlookConnector,
        "outlook_imap": OutlookIMAPConnector,
    }
    key = kind.strip().lower() if isinstance(kind, str) else kind
    if key not in classes:
        raise ConfigurationError(
            f"Unknown connector type {kind!r}: choose one of {', '.join(repr(k) for k in CONNECTOR_KINDS)}", "type"
        )
    return classes[key](config)
