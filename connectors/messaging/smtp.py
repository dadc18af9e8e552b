"""Sending mail over SMTP (smtplib): STARTTLS or implicit TLS, password or XOAUTH2, and Gmail's preset."""

from __future__ import annotations

import base64
import logging
import smtplib
import socket
from collections.abc import Iterator, Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, ClassVar

from .. import interrupt
from ..base import BaseConnector
from ..config import GMAIL_SMTP, OUTLOOK_SMTP, Preset
from ..exceptions import (
    AuthenticationError,
    ConnectionError,
    ConnectorError,
    InsecureConnectionError,
    MessageError,
    MessageTooLargeError,
    PartialDeliveryError,
    TimeoutError,
    UncertainDeliveryError,
)
from .compose import (
    AttachmentSpec,
    build_message,
    check_header_value,
    envelope_address,
    load_attachment,
    parse_recipients,
    to_wire,
)
from .sasl import build_xoauth2_string
from .transport import make_ssl_context, network_error

if TYPE_CHECKING:
    from .imap import IMAPConnector

__all__ = ["SMTPConnector", "GmailConnector"]

log = logging.getLogger(__name__)

# DATA goes out a slice at a time, quoted with bytes.replace (no regular expression): quoting a 25 MB message in one
# regular-expression pass held the interpreter lock for a quarter of a second, and the GUI thread waited for it.
DATA_SLICE = 1 << 20


def dot_stuffed(data: bytes, size: int = 0) -> Iterator[bytes]:
    """``data`` as DATA sends it, in slices of about ``size`` bytes (default :data:`DATA_SLICE`) cut after a line
    end: every line that begins with a dot gets a second one (RFC 5321 4.5.2). Each slice begins a line, so the
    quoting never misses one."""
    size = size or DATA_SLICE
    start = 0
    while start < len(data):
        cut = start + size
        newline = data.find(b"\n", cut - 1) if cut < len(data) else -1
        end = len(data) if newline < 0 else newline + 1
        piece = data[start:end].replace(b"\n.", b"\n..")  # a line begins after a line feed, or at the start
        yield b"." + piece if piece.startswith(b".") else piece
        start = end


class SMTPConnector(BaseConnector):
    """Send mail through one SMTP server.

    >>> smtp = SMTPConnector({"host": "smtp.example.com", "port": 587, "username": "me@example.com",
    ...                       "password": "...", "use_tls": True})
    >>> with smtp.connection():
    ...     smtp.send_email(subject="Hi", recipients=["you@example.com"], body="Hello")
    """

    protocol = "smtp"
    env_kind = "smtp"
    #: Whether the provider files a copy of sent mail in Sent by itself (Gmail does).
    server_saves_sent: ClassVar[bool] = False

    def __init__(self, config: Any = None) -> None:
        super().__init__(config)
        self._smtp: smtplib.SMTP | None = None
        self._max_size: int | None = None

    # -- connection -----------------------------------------------------------------------------------------

    def is_connected(self) -> bool:
        return self._smtp is not None and self._smtp.sock is not None

    def connect(self) -> None:
        if self.is_connected():
            return
        cfg = self.config
        # Given to smtplib only so that it does not look up this machine's name (getfqdn, a DNS query that stalls
        # offline); EHLO itself names the connection's own address (see _ehlo_name).
        local = cfg.local_hostname or "localhost"
        try:
            if cfg.use_ssl:
                smtp: smtplib.SMTP = _SMTP_SSL(
                    cfg.host, cfg.port, local_hostname=local, timeout=cfg.timeout, context=make_ssl_context(cfg)
                )
            else:
                smtp = _SMTP(cfg.host, cfg.port, local_hostname=local, timeout=cfg.timeout)
        except (OSError, smtplib.SMTPException) as exc:
            raise self._connect_error(exc) from None
        try:
            smtp.local_hostname = cfg.local_hostname or _ehlo_name(smtp)
            smtp.ehlo()
            if cfg.use_tls and not cfg.use_ssl:
                if not smtp.has_extn("starttls"):
                    raise InsecureConnectionError(
                        f"SMTP server {cfg.address} does not offer STARTTLS; refusing to continue without encryption",
                        cfg.host,
                        cfg.port,
                    )
                smtp.starttls(context=make_ssl_context(cfg))
                smtp.ehlo()
            self._authenticate(smtp)
        except BaseException as exc:
            _quietly_close(smtp)
            if isinstance(exc, ConnectorError):
                raise
            if isinstance(exc, OSError | smtplib.SMTPException):
                raise self._connect_error(exc) from None
            raise
        size = smtp.esmtp_features.get("size", "")
        self._max_size = int(size) if size.isdigit() and int(size) > 0 else None
        self._smtp = smtp
        log.info("Connected to SMTP %s as %s", cfg.address, cfg.username)

    def _connect_error(self, exc: BaseException) -> ConnectorError:
        if isinstance(exc, smtplib.SMTPResponseException):
            text = self._scrub(_smtp_text(exc))
            return ConnectionError(
                f"SMTP server {self.config.address} refused the session: {exc.smtp_code} {text}",
                self.config.host,
                self.config.port,
            )
        if isinstance(exc, smtplib.SMTPServerDisconnected):
            if "timed out" in str(exc):  # smtplib reports a read timeout as a disconnection
                return TimeoutError(
                    f"SMTP server {self.config.address} did not answer within {self.config.timeout:g} s",
                    self.config.host,
                    self.config.port,
                )
            return ConnectionError(
                f"SMTP server {self.config.address} closed the connection", self.config.host, self.config.port
            )
        return network_error(exc, self.config, "SMTP")

    def _authenticate(self, smtp: smtplib.SMTP) -> None:
        cfg = self.config
        encrypted = cfg.use_ssl or smtp.sock is not None and hasattr(smtp.sock, "cipher")
        if not encrypted and not cfg.allow_insecure_auth:
            raise InsecureConnectionError(
                f"Refusing to send credentials for {cfg.username} to {cfg.address} over an unencrypted connection "
                "(enable use_tls or use_ssl; allow_insecure_auth=True overrides)",
                cfg.host,
                cfg.port,
            )
        if not smtp.has_extn("auth"):
            raise AuthenticationError(
                f"SMTP server {cfg.address} offers no authentication (AUTH)", cfg.username, cfg.host
            )
        if cfg.use_oauth:
            self._oauth_login(smtp)
            return
        password = self._password()
        try:
            if (cfg.username + password).isascii():
                smtp.login(cfg.username, password)
            else:
                _auth_plain_utf8(smtp, cfg.username, password)
        except smtplib.SMTPAuthenticationError as exc:
            self._unless_refusal(exc, password)
            raise AuthenticationError(
                f"Authentication failed for {cfg.username} on {cfg.address}: {exc.smtp_code} "
                f"{self._scrub(_smtp_text(exc), password)}",
                cfg.username,
                cfg.host,
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise AuthenticationError(
                f"SMTP server {cfg.address} supports none of the password mechanisms Facteur knows",
                cfg.username,
                cfg.host,
            ) from None

    def _oauth_login(self, smtp: smtplib.SMTP) -> None:
        cfg = self.config
        last_error = ""
        for attempt in range(2):
            token = self._access_token(force_refresh=attempt > 0)
            initial = build_xoauth2_string(cfg.username, token)
            # smtplib calls the authobject again with the server's challenge (a JSON error): answer it empty.
            try:
                smtp.auth("XOAUTH2", _XOAuth2Responder(initial), initial_response_ok=True)
                return
            except smtplib.SMTPAuthenticationError as exc:
                self._unless_refusal(exc, token)
                last_error = self._scrub(_smtp_text(exc), token)
            except smtplib.SMTPNotSupportedError:
                raise AuthenticationError(
                    f"SMTP server {cfg.address} does not offer XOAUTH2", cfg.username, cfg.host
                ) from None
        raise AuthenticationError(
            f"Authentication failed for {cfg.username} on {cfg.address} with OAuth 2.0 even after refreshing "
            f"the access token: {last_error}",
            cfg.username,
            cfg.host,
        )

    def _unless_refusal(self, exc: smtplib.SMTPAuthenticationError, secret: str) -> None:
        """Only a 5xx answer to AUTH says the credentials are wrong. A garbled line (smtplib reports code -1) is a
        broken link, and a 4xx a temporary failure on the server's side (RFC 4954's 454): both are worth a retry,
        neither may be shown as a wrong password."""
        if 500 <= exc.smtp_code < 600:
            return
        cfg = self.config
        text = self._scrub(_smtp_text(exc), secret)
        if exc.smtp_code < 400:
            raise ConnectionError(
                f"SMTP server {cfg.address} sent an unreadable answer during authentication: {text!r}",
                cfg.host,
                cfg.port,
            ) from None
        raise ConnectionError(
            f"SMTP server {cfg.address} could not check the credentials for now: {exc.smtp_code} {text}",
            cfg.host,
            cfg.port,
        ) from None

    def disconnect(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                _quietly_close(smtp)

    # -- sending --------------------------------------------------------------------------------------------

    def sender_address(self, sender: str | None = None, sender_name: str | None = None) -> Address:
        cfg = self.config
        raw = sender or cfg.sender or cfg.username
        name = sender_name if sender_name is not None else cfg.sender_name
        addresses = parse_recipients("sender", raw)
        if len(addresses) != 1:
            raise MessageError(f"The sender must be one address, not {raw!r}")
        address = addresses[0]
        if name:
            check_header_value("sender name", name)
            address = Address(display_name=name, username=address.username, domain=address.domain)
        return address

    def build_email(
        self,
        subject: str,
        recipients: str | Sequence[str],
        body: str | None,
        html_body: str | None = None,
        attachments: Sequence[AttachmentSpec] | None = None,
        *,
        cc: str | Sequence[str] | None = None,
        bcc: str | Sequence[str] | None = None,
        reply_to: str | Sequence[str] | None = None,
        sender: str | None = None,
        sender_name: str | None = None,
        in_reply_to: str | None = None,
        references: str | Sequence[str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[EmailMessage, list[str]]:
        """The message and its envelope recipients, checked, without touching the network."""
        if not isinstance(subject, str):
            raise MessageError("The subject must be a string")
        to = parse_recipients("To", recipients)
        cc_list = parse_recipients("Cc", cc)
        bcc_list = parse_recipients("Bcc", bcc)
        if not to and not cc_list and not bcc_list:
            raise MessageError("The message has no recipient")
        loaded = [load_attachment(spec, self.config.max_attachment_size) for spec in attachments or ()]
        msg = build_message(
            subject=subject,
            sender=self.sender_address(sender, sender_name),
            to=to,
            body=body,
            html_body=html_body,
            cc=cc_list,
            reply_to=parse_recipients("Reply-To", reply_to),
            attachments=loaded,
            in_reply_to=in_reply_to,
            references=references,
            extra_headers=headers,
        )
        envelope = list(dict.fromkeys(a.addr_spec for a in [*to, *cc_list, *bcc_list]))
        return msg, envelope

    def send_email(
        self,
        subject: str,
        recipients: str | Sequence[str],
        body: str | None = None,
        html_body: str | None = None,
        attachments: Sequence[AttachmentSpec] | None = None,
        *,
        cc: str | Sequence[str] | None = None,
        bcc: str | Sequence[str] | None = None,
        reply_to: str | Sequence[str] | None = None,
        sender: str | None = None,
        sender_name: str | None = None,
        in_reply_to: str | None = None,
        references: str | Sequence[str] | None = None,
        headers: dict[str, str] | None = None,
        save_copy_to: IMAPConnector | None = None,
    ) -> str:
        """Send a message; returns its Message-ID.

        Everything is checked (recipients, header values, attachment sizes) before the network is touched. If the
        connector is not connected, it connects for this message and disconnects afterwards. With ``save_copy_to``
        (a connected IMAP connector), a copy is filed in the Sent folder — except on providers that do it
        themselves (Gmail).
        """
        msg, envelope = self.build_email(
            subject,
            recipients,
            body,
            html_body,
            attachments,
            cc=cc,
            bcc=bcc,
            reply_to=reply_to,
            sender=sender,
            sender_name=sender_name,
            in_reply_to=in_reply_to,
            references=references,
            headers=headers,
        )
        self.send_message(msg, envelope)
        if save_copy_to is not None and not self.server_saves_sent:
            save_copy_to.save_sent_message(to_wire(msg))
        return str(msg["Message-ID"])

    def send_message(self, msg: EmailMessage, envelope: Sequence[str]) -> None:
        """Send an already built message to the envelope recipients."""
        sender = self.sender_address().addr_spec if msg["From"] is None else msg["From"].addresses[0].addr_spec
        self.send_raw(to_wire(msg), sender, envelope)

    def send_raw(self, data: bytes, sender: str, envelope: Sequence[str]) -> None:
        """Send these exact bytes (CRLF line ends; an outbox keeps them so a retry is the same message).

        Recipients refused while others were accepted raise :class:`PartialDeliveryError` after the message went.
        """
        if not envelope:
            raise MessageError("The message has no recipient")
        for address in (sender, *envelope):
            check_header_value("envelope address", address)
        sender, sender_utf8 = envelope_address(sender)
        recipients = [envelope_address(address) for address in envelope]
        international = [address for address, utf8 in [(sender, sender_utf8), *recipients] if utf8]
        header_block = data.split(b"\r\n\r\n", 1)[0]
        own_connection = not self.is_connected()
        if own_connection:
            self.connect()
        try:
            assert self._smtp is not None
            if self._max_size is not None and len(data) > self._max_size:
                raise MessageTooLargeError(
                    f"The message is {len(data) / 1048576:.1f} MB; {self.config.address} accepts at most "
                    f"{self._max_size / 1048576:.1f} MB"
                )
            options: list[str] = []
            if international or not header_block.isascii():
                if not self._smtp.has_extn("smtputf8"):
                    what = (f"the address {international[0]}" if international
                            else "this message, whose headers are not ASCII,")
                    raise MessageError(
                        f"Cannot send {what}: {self.config.address} does not accept international addresses "
                        "(SMTPUTF8). Write to an address with only ASCII letters before the @, or use another "
                        "server."
                    )
                options = ["SMTPUTF8", "BODY=8BITMIME"] if self._smtp.has_extn("8bitmime") else ["SMTPUTF8"]
            try:
                refused = self._transaction(self._smtp, sender, [address for address, _ in recipients], data,
                                            options)
            except smtplib.SMTPRecipientsRefused as exc:
                details = "; ".join(
                    f"{rcpt}: {code} {self._scrub(text)}" for rcpt, (code, text) in exc.recipients.items()
                )
                codes = [code for code, _ in exc.recipients.values()]
                raise MessageError(
                    f"The server refused every recipient: {details}",
                    smtp_code=codes[0],
                    temporary=all(400 <= c < 500 for c in codes),
                ) from None
            except smtplib.SMTPSenderRefused as exc:
                raise MessageError(
                    f"The server refused the sender {sender}: {exc.smtp_code} {self._scrub(_smtp_text(exc))}",
                    smtp_code=exc.smtp_code,
                    temporary=400 <= exc.smtp_code < 500,
                ) from None
            except smtplib.SMTPDataError as exc:
                error = MessageTooLargeError if exc.smtp_code == 552 else MessageError
                raise error(
                    f"The server refused the message: {exc.smtp_code} {self._scrub(_smtp_text(exc))}",
                    smtp_code=exc.smtp_code,
                    temporary=400 <= exc.smtp_code < 500,
                ) from None
            if refused:
                details = "; ".join(f"{rcpt}: {code} {self._scrub(text)}" for rcpt, (code, text) in refused.items())
                log.warning("Some recipients were refused: %s", details)
                raise PartialDeliveryError(
                    f"Sent, but the server refused some recipients: {details}",
                    {rcpt: (code, self._scrub(text)) for rcpt, (code, text) in refused.items()},
                )
        finally:
            if own_connection:
                self.disconnect()


    def _transaction(self, smtp: smtplib.SMTP, sender: str, envelope: list[str], data: bytes,
                     mail_options: Sequence[str] = ()) -> dict[str, tuple[int, bytes]]:
        """MAIL, RCPT and DATA on the open session, as smtplib's ``sendmail`` does, but knowing how far a broken
        link left the message: before the final "." of DATA nothing can have been delivered (ConnectionError or
        TimeoutError naming the step); after it, until the reply, the server may have kept the message
        (:class:`UncertainDeliveryError`). Refusals raise smtplib's own exceptions, as ``sendmail`` would."""
        step = "MAIL FROM"
        try:
            options = list(mail_options)
            if smtp.does_esmtp and smtp.has_extn("size"):
                options.append(f"SIZE={len(data)}")
            code, reply = smtp.mail(sender, options)
            if code != 250:
                self._drop_if_closing(code)
                raise smtplib.SMTPSenderRefused(code, reply, sender)
            step = "RCPT TO"
            refused: dict[str, tuple[int, bytes]] = {}
            for recipient in envelope:
                code, reply = smtp.rcpt(recipient)
                if code not in (250, 251):
                    refused[recipient] = (code, reply)
                if code == 421:
                    self._drop_if_closing(code)
                    raise smtplib.SMTPRecipientsRefused(refused)
            if len(refused) == len(envelope):
                smtp.rset()
                raise smtplib.SMTPRecipientsRefused(refused)
            step = "DATA"
            code, reply = smtp.docmd("DATA")
            if code != 354:
                self._drop_if_closing(code)
                raise smtplib.SMTPDataError(code, reply)
            step = "message"
            for chunk in dot_stuffed(data):
                smtp.send(chunk)
            smtp.send(b".\r\n" if data.endswith(b"\r\n") else b"\r\n.\r\n")
            step = "reply"
            code, reply = smtp.getreply()
        except smtplib.SMTPServerDisconnected as exc:
            self._smtp = None
            _quietly_close(smtp)
            raise self._broken_during(step, exc) from None
        except smtplib.SMTPException:  # a refusal (smtplib's exceptions are OSErrors too)
            raise
        except OSError as exc:
            self._smtp = None
            _quietly_close(smtp)
            raise self._broken_during(step, exc) from None
        if code == -1:  # not an SMTP reply at all: the answer to the "." is unknown
            self._smtp = None
            _quietly_close(smtp)
            raise self._broken_during("reply", smtplib.SMTPServerDisconnected(f"garbled reply {_decode(reply)!r}"))
        if code != 250:
            self._drop_if_closing(code)
            raise smtplib.SMTPDataError(code, reply)
        return refused

    def _drop_if_closing(self, code: int) -> None:
        if code == 421 and self._smtp is not None:  # the server is closing the session
            _quietly_close(self._smtp)
            self._smtp = None

    def _broken_during(self, step: str, exc: BaseException) -> ConnectorError:
        cfg = self.config
        # smtplib reports a timeout as a disconnection, keeping the socket's error as context or in the text.
        timed_out = isinstance(exc, socket.timeout) or isinstance(exc.__context__, socket.timeout) \
            or "timed out" in str(exc)
        broke = (f"SMTP server {cfg.address} did not answer within {cfg.timeout:g} s" if timed_out
                 else f"The connection to SMTP server {cfg.address} broke")
        if step == "reply":
            return UncertainDeliveryError(
                f"{broke} after the whole message had been sent (after the final '.' of DATA) and before the server "
                "confirmed it: the message may have been delivered",
                cfg.host,
                cfg.port,
            )
        where = {
            "MAIL FROM": "at MAIL FROM, before the message was sent",
            "RCPT TO": "while giving the recipients (RCPT TO), before the message was sent",
            "DATA": "at DATA, before the message was sent",
            "message": "while the message was being sent, before its end",
        }[step]
        error = TimeoutError if timed_out else ConnectionError
        return error(f"{broke} {where}: it was not delivered", cfg.host, cfg.port)


class GmailConnector(SMTPConnector):
    """SMTP with Gmail's settings (smtp.gmail.com:587, STARTTLS). Gmail files sent mail in Sent itself."""

    preset: ClassVar[Preset | None] = GMAIL_SMTP
    env_kind = "gmail"
    server_saves_sent = True


class OutlookConnector(SMTPConnector):
    """SMTP with Outlook.com/Microsoft 365 settings (smtp.office365.com:587, STARTTLS, Microsoft's OAuth tokens).

    Exchange Online files mail sent through SMTP AUTH in Sent Items itself."""

    preset: ClassVar[Preset | None] = OUTLOOK_SMTP
    env_kind = "outlook"
    server_saves_sent = True


class _SMTP(smtplib.SMTP):
    """smtplib's session on a connection the thread's :class:`connectors.interrupt.Interrupter` can break."""

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return interrupt.create_connection((host, port), timeout, self.source_address)  # type: ignore[arg-type]


class _SMTP_SSL(smtplib.SMTP_SSL):  # noqa: N801 - smtplib's name
    """Implicit TLS, the same way (the context makes watched TLS sockets: see connectors.interrupt)."""

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock = interrupt.create_connection((host, port), timeout, self.source_address)  # type: ignore[arg-type]
        return self.context.wrap_socket(sock, server_hostname=host)


def _auth_plain_utf8(smtp: smtplib.SMTP, username: str, password: str) -> None:
    """AUTH PLAIN with UTF-8 credentials (RFC 4616): smtplib encodes every SASL response as ASCII."""
    if "plain" not in smtp.esmtp_features.get("auth", "").lower().split():
        raise smtplib.SMTPNotSupportedError("AUTH PLAIN is needed for a non-ASCII password")
    token = base64.b64encode(b"\0" + username.encode() + b"\0" + password.encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


class _XOAuth2Responder:
    """smtplib's authobject: the XOAUTH2 string first, then an empty answer to the server's error challenge."""

    def __init__(self, initial: str) -> None:
        self._answers = iter([initial])

    def __call__(self, challenge: bytes | None = None) -> str:
        return next(self._answers, "")


def _decode(text: bytes | str) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else text


def _smtp_text(exc: smtplib.SMTPResponseException) -> str:
    text = _decode(exc.smtp_error)
    # An XOAUTH2 failure challenge is base64 JSON: show the JSON, which says what was wrong.
    try:
        decoded = base64.b64decode(text, validate=True).decode()
        if decoded.startswith("{"):
            return decoded
    except ValueError:
        pass
    return text


def _ehlo_name(smtp: smtplib.SMTP) -> str:
    """What EHLO says about us: the address literal of this connection's own end ([192.0.2.7], [IPv6:2001:db8::7],
    RFC 5321 4.1.3), which the server sees anyway, rather than the machine's name, which it has no need to know."""
    try:
        address = smtp.sock.getsockname()[0] if smtp.sock is not None else ""
    except OSError:
        address = ""
    if not address:
        return "localhost"
    return f"[IPv6:{address.split('%')[0]}]" if ":" in address else f"[{address}]"


def _quietly_close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.close()
    except OSError:
        pass
