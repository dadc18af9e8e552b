"""One error hierarchy for everything the connectors raise.

Every message is written for a person ("Authentication failed for alice@example.com on imap.example.com:993: ...")
and never contains a secret: connectors build messages from host, port, user and the server's words, and
:func:`redact` scrubs known secrets out of server text before it is quoted.
"""

from __future__ import annotations

import base64
import binascii
import builtins
import re
from collections.abc import Iterable

__all__ = [
    "AuthenticationError",
    "CertificateError",
    "ConfigurationError",
    "ConnectionError",
    "ConnectorError",
    "FetchInterruptedError",
    "InsecureConnectionError",
    "MailboxNotFoundError",
    "MessageError",
    "MessageTooLargeError",
    "OAuthError",
    "OnlineAccountError",
    "PartialDeliveryError",
    "ReauthenticationRequired",
    "SMTPAuthenticationError",
    "SSLError",
    "SecretsUnavailable",
    "TimeoutError",
    "UncertainDeliveryError",
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


class FetchInterruptedError(ConnectionError):
    """The link broke in the middle of a FETCH answer. ``received`` holds the messages whose answers had arrived
    whole (UID → parsed items, as IMAPClient gives them), so a caller can keep them instead of asking again."""

    def __init__(self, message: str, host: str | None = None, port: int | None = None, *,
                 received: dict[int, dict[bytes, object]] | None = None) -> None:
        super().__init__(message, host, port)
        self.received = received or {}


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


class OnlineAccountError(AuthenticationError):
    """The desktop's online-accounts service (GNOME Online Accounts) cannot sign this account in. ``reason``:
    "removed" (the account is no longer there), "mail-disabled" (mail was turned off for it there), "sign-in" (it
    needs the person to sign in again there) or "unavailable" (the service is not running)."""

    def __init__(self, message: str, reason: str, username: str | None = None, host: str | None = None) -> None:
        super().__init__(message, username, host)
        self.reason = reason


class SecretsUnavailable(ConnectorError):
    """The secret store (the OS keyring) cannot give the secret now: it is locked and its unlock prompt was
    dismissed, or no keyring service is running.

    Not the server's refusal and not a wrong password: nothing was sent. Retry once the person unlocked the keyring;
    until then work that needs the secret waits. Raised by credentials providers (connectors never import keyring).
    ``locked`` tells a locked keyring (unlocking helps) from one that cannot be reached at all.
    """

    def __init__(self, message: str, *, locked: bool = True) -> None:
        super().__init__(message)
        self.locked = locked


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


class UncertainDeliveryError(MessageError):
    """The link broke (or the server stopped answering) after the whole message, final "." included, was sent and
    before the server's reply arrived: the server may have accepted it (RFC 1047). Never send it again blindly —
    look for it (Sent folder, own mailbox) or ask the person."""

    def __init__(self, message: str, host: str | None = None, port: int | None = None) -> None:
        super().__init__(message, temporary=False)
        self.host = host
        self.port = port


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


# Runs of the base64 alphabet long enough to hide a credential (SASL carries them base64-encoded).
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{8,}={0,2}")
# What SASL mechanisms send in clear before base64: RFC 4616 PLAIN ("authzid NUL user NUL password") and XOAUTH2
# ("user=... ^A auth=Bearer token ^A ^A"). Recognised by shape, so they are hidden even when the secret is unknown.
_PLAIN_BLOB = re.compile(rb"\A[^\0]*\0[^\0]+\0[^\0]+\Z")
_BEARER = re.compile(r"(?i)(auth=Bearer\s+|Bearer\s+)[^\s\x01\"']+")


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Remove every secret from ``text``: as written, base64-encoded (alone or inside a SASL PLAIN or XOAUTH2
    response, at any alignment), and any SASL credential blob or bearer token even when the secret is unknown."""
    known = sorted({secret for secret in secrets if secret}, key=len, reverse=True)
    for secret in known:
        for form in sorted({secret, base64.b64encode(secret.encode()).decode()}, key=len, reverse=True):
            text = text.replace(form, "***")
    needles = [secret.encode() for secret in known]
    text = _BASE64_RUN.sub(lambda match: "***" if _hides_credential(match.group(), needles) else match.group(), text)
    return _BEARER.sub(lambda match: match.group(1) + "***", text)


def _hides_credential(run: str, needles: list[bytes]) -> bool:
    """Whether a base64 run decodes, from any of its four alignments, to a known secret or a SASL credential."""
    body = run.rstrip("=")
    whole = _decoded(body + "=" * (-len(body) % 4))
    if _PLAIN_BLOB.match(whole) or b"auth=Bearer " in whole:
        return True
    for start in range(4):
        chunk = body[start:]
        chunk = chunk[:-1] if len(chunk) % 4 == 1 else chunk  # a lone last character cannot be decoded
        decoded = _decoded(chunk + "=" * (-len(chunk) % 4))
        if any(needle in decoded for needle in needles):
            return True
    return False


def _decoded(chunk: str) -> bytes:
    """``chunk`` decoded from base64, or b"" when it is not valid base64."""
    try:
        return base64.b64decode(chunk, validate=True)
    except (binascii.Error, ValueError):
        return b""
