"""One error hierarchy for everything the connectors raise.

Every message is written for a person ("Authentication failed for alice@example.com on imap.example.com:993: ...")
and never contains a secret: connectors build messages from host, port, user and the server's words, and
:func:`redact` scrubs known secrets out of server text before it is quoted.
"""

from __future__ import annotations

import base64
import builtins
from collections.abc import Iterable

__all__ = [
    "AuthenticationError",
    "CertificateError",
    "ConfigurationError",
    "ConnectionError",
    "ConnectorError",
    "InsecureConnectionError",
    "MailboxNotFoundError",
    "MessageError",
    "MessageTooLargeError",
    "OAuthError",
    "PartialDeliveryError",
    "ReauthenticationRequired",
    "SMTPAuthenticationError",
    "SSLError",
    "TimeoutError",
    "redact",
    "server_text",
]


class ConnectorError(Exception):
    """Root of every error raised by :mod:`connectors`."""


class ConfigurationError(ConnectorError):
    """A configuration value is missing or invalid; ``field`` names it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ConnectionError(ConnectorError, builtins.ConnectionError):  # noqa: A001 - the guide's name
    """The server could not be reached, or the link broke.

    Also a builtin :class:`ConnectionError`, so generic network handlers catch it too.
    """

    def __init__(self, message: str, host: str | None = None, port: int | None = None) -> None:
        super().__init__(message)
        self.host = host
        self.port = port


class TimeoutError(ConnectionError):  # noqa: A001 - mirrors the builtin on purpose
    """The server did not answer within the configured ``timeout``."""


class SSLError(ConnectionError):
    """TLS could not be negotiated (the guide's ``SSLError``)."""


class CertificateError(SSLError):
    """The server's certificate is not trusted; ``reason`` says why (expired, unknown CA, wrong host...)."""

    def __init__(self, message: str, host: str | None = None, port: int | None = None, reason: str = "") -> None:
        super().__init__(message, host, port)
        self.reason = reason


class InsecureConnectionError(ConnectionError):
    """Continuing would expose credentials or mail in clear text (STARTTLS missing, password on a clear link)."""


class AuthenticationError(ConnectorError):
    """The server refused the credentials."""

    def __init__(self, message: str, username: str | None = None, host: str | None = None) -> None:
        super().__init__(message)
        self.username = username
        self.host = host


# The guide's table names SMTPAuthenticationError; it is the same failure seen from SMTP.
SMTPAuthenticationError = AuthenticationError


class OAuthError(AuthenticationError):
    """The OAuth 2.0 provider refused a request (bad client, network trouble at the token endpoint...)."""


class ReauthenticationRequired(OAuthError):
    """The refresh token was revoked or expired: the person must sign in again in the browser."""


class MessageError(ConnectorError):
    """A message could not be built, sent, found or changed.

    ``smtp_code`` is set when an SMTP server answered; ``temporary`` tells a 4xx (retry later) from a 5xx.
    """

    def __init__(self, message: str, *, smtp_code: int | None = None, temporary: bool = False) -> None:
        super().__init__(message)
        self.smtp_code = smtp_code
        self.temporary = temporary


class PartialDeliveryError(MessageError):
    """The server took the message for some recipients and refused others (listed in ``refused``: address →
    (code, text)). The message was sent: do not send it again to everyone."""

    def __init__(self, message: str, refused: dict[str, tuple[int, str]]) -> None:
        codes = [code for code, _ in refused.values()]
        super().__init__(message, smtp_code=codes[0] if codes else None, temporary=False)
        self.refused = refused


class MessageTooLargeError(MessageError):
    """A message or an attachment is over the configured or advertised size limit."""


class MailboxNotFoundError(MessageError):
    """The named mailbox (folder) does not exist on the server."""

    def __init__(self, mailbox: str, detail: str = "") -> None:
        text = f"Mailbox {mailbox!r} does not exist"
        super().__init__(f"{text}: {detail}" if detail else text)
        self.mailbox = mailbox


def server_text(value: object) -> str:
    """The words of a server reply, readable: bytes decoded, the b'...' of a repr removed."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    text = str(value)
    if len(text) >= 3 and text[0] == "b" and text[1] in "'\"" and text[-1] == text[1]:
        text = text[2:-1]
    return text


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Remove every secret (and its base64 forms, as SASL would carry it) from ``text``."""
    for secret in secrets:
        if not secret:
            continue
        forms = {secret, base64.b64encode(secret.encode()).decode()}
        for form in sorted(forms, key=len, reverse=True):
            text = text.replace(form, "***")
    return text
