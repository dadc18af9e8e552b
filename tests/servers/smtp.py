"""An aiosmtpd submission server on loopback that hands accepted mail to Dovecot by LMTP."""

from __future__ import annotations

import asyncio
import base64
import binascii
import errno
import itertools
import json
import os
import smtplib
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from connectors.messaging.imap import crlf_lines
from connectors.messaging.smtp import dot_stuffed
from tests.servers.ca import TestCA
from tests.servers.dovecot import free_ports

MODES = ("starttls", "ssl", "plain")

# What Gmail answers, base64-encoded in a 334, when an XOAUTH2 token is refused.
XOAUTH2_ERROR = {"status": "401", "schemes": "Bearer", "scope": "https://mail.google.com/"}

_instance_numbers = itertools.count(1)


@dataclass
class ReceivedMessage:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    auth_user: str | None = None
    mail_options: list[str] = field(default_factory=list)
    ehlo_name: str | None = None


class SMTPServer:
    """A submission server on 127.0.0.1.

    `mode` is "starttls" (STARTTLS required before AUTH or MAIL), "ssl" (implicit TLS) or "plain" (no TLS
    offered at all). Accepted mail is recorded in `received` and, with `lmtp_socket`, delivered to every
    recipient's Dovecot INBOX before the server answers 250, so it is readable over IMAP at once.
    """

    host: str = "127.0.0.1"

    def __init__(
        self,
        ca: TestCA,
        users: dict[str, str],
        *,
        lmtp_socket: Path | None,
        mode: str = "starttls",
        xoauth2_validator: Callable[[str, str], bool] | None = None,
        data_size_limit: int = 35 * 1024 * 1024,
        auth_required: bool = True,
        smtputf8: bool = False,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.ca = ca
        self.users = dict(users)
        self.lmtp_socket = lmtp_socket
        self.mode = mode
        self.xoauth2_validator = xoauth2_validator
        self.data_size_limit = data_size_limit
        self.auth_required = auth_required
        self.smtputf8 = smtputf8  # offer SMTPUTF8 (RFC 6531); Dovecot's LMTP does not, so use it without lmtp_socket
        self.port = free_ports(1)[0]

        self.received: list[ReceivedMessage] = []
        self.auth_log: list[tuple[str, str, bool]] = []
        self.reject_recipients: dict[str, tuple[int, str]] = {}
        self.fail_data_with: tuple[int, str] | None = None

        self._received_changed = threading.Condition()
        self._controller: Controller | None = None
        self._certificate = ca.issue(f"smtp-{os.getpid()}-{next(_instance_numbers)}")

    # --- public API -------------------------------------------------------------------------------------

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts exactly this run's CA."""
        return ssl.create_default_context(cafile=str(self.ca.cert_path))

    def start(self) -> None:
        if self._controller is not None:
            raise RuntimeError("SMTP server already running")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self._certificate.cert_path, self._certificate.key_path)
        smtp_options: dict[str, Any] = {
            "authenticator": self._authenticate,
            "data_size_limit": self.data_size_limit,
            # Without a hostname aiosmtpd calls socket.getfqdn(), a DNS lookup that can stall offline.
            "server_hostname": "localhost",
            "enable_SMTPUTF8": self.smtputf8,
        }
        if self.xoauth2_validator is None:
            smtp_options["auth_exclude_mechanism"] = ["XOAUTH2"]
        if self.mode == "starttls":
            smtp_options.update(tls_context=context, require_starttls=True, auth_require_tls=True)
        elif self.mode == "ssl":
            # aiosmtpd only counts STARTTLS as TLS: under implicit TLS auth_require_tls would refuse every AUTH.
            smtp_options.update(ssl_context=context, auth_require_tls=False)
        else:
            smtp_options.update(auth_require_tls=False)
        # A port picked free can be taken by someone else before aiosmtpd binds it: pick again, a few times.
        for attempt in range(3):
            controller = Controller(
                _Handler(self), hostname=self.host, port=self.port, ready_timeout=5.0, **smtp_options
            )
            try:
                controller.start()
            except OSError as error:
                if error.errno != errno.EADDRINUSE or attempt == 2:
                    raise
                self.port = free_ports(1)[0]
            else:
                self._controller = controller
                return

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def __enter__(self) -> SMTPServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def wait_for(self, count: int, timeout: float = 5.0) -> None:
        """Block until at least `count` messages were accepted (and delivered, with LMTP)."""
        deadline = time.monotonic() + timeout
        with self._received_changed:
            while len(self.received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{len(self.received)} of {count} messages arrived within {timeout} s")
                self._received_changed.wait(remaining)

    # --- called from the server's event loop thread -----------------------------------------------------

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        user = auth_data.login.decode("utf-8", "replace")
        password = auth_data.password.decode("utf-8", "replace")
        success = user in self.users and self.users[user] == password
        self.auth_log.append((mechanism, user, success))
        # handled=False makes aiosmtpd answer 535 itself; handled=True would leave the client waiting.
        return AuthResult(success=success, handled=False, auth_data=auth_data)

    def _record(self, message: ReceivedMessage) -> None:
        with self._received_changed:
            self.received.append(message)
            self._received_changed.notify_all()

    def _deliver(self, envelope: Envelope) -> None:
        assert self.lmtp_socket is not None
        assert envelope.mail_from is not None
        content = envelope.original_content or b""
        # Dovecot 2.3's LMTP offers 8BITMIME but not SMTPUTF8, so only BODY= is worth passing on.
        options = [option for option in envelope.mail_options if option.upper().startswith("BODY=")]
        # One transaction per recipient: smtplib.LMTP reads a single reply after DATA, while LMTP sends
        # one per recipient.
        for recipient in envelope.rcpt_tos:
            with smtplib.LMTP(str(self.lmtp_socket), timeout=10) as lmtp:
                _lmtp_transaction(lmtp, envelope.mail_from, recipient, content, options)


def _lmtp_transaction(lmtp: smtplib.LMTP, sender: str, recipient: str, content: bytes, options: list[str]) -> None:
    """smtplib's ``sendmail`` for one recipient, with the message quoted a slice at a time: this server runs in the
    tests' own process, and sendmail's one regular-expression pass over a 25 MB message held the interpreter lock
    for most of a second, a stall the GUI stall probe (bench/timings/test_gui_stalls.py) then blamed on Facteur."""
    lmtp.ehlo_or_helo_if_needed()
    code, reply = lmtp.mail(sender, options)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = lmtp.rcpt(recipient)
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    code, reply = lmtp.docmd("DATA")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    content = crlf_lines(content)  # as sendmail's own line-end mending, a slice at a time
    for piece in dot_stuffed(content):
        lmtp.send(piece)
    lmtp.send(b".\r\n" if content.endswith(b"\r\n") else b"\r\n.\r\n")
    code, reply = lmtp.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


class _Handler:
    def __init__(self, server: SMTPServer) -> None:
        self._server = server

    # Enforced here rather than by aiosmtpd's auth_required, which warns on every connection whenever
    # auth_require_tls is off: a false alarm under implicit TLS, and "plain" mode is insecure on purpose.
    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, mail_options: list[str]
    ) -> str:
        if self._server.auth_required and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        rejections = {rejected.lower(): answer for rejected, answer in self._server.reject_recipients.items()}
        rejection = rejections.get(address.lower())
        if rejection is not None:
            code, text = rejection
            return f"{code} {text}"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        failure = self._server.fail_data_with
        if failure is not None:
            code, text = failure
            return f"{code} {text}"
        if self._server.lmtp_socket is not None:
            try:
                await asyncio.get_running_loop().run_in_executor(None, self._server._deliver, envelope)
            except (OSError, UnicodeError, smtplib.SMTPException) as error:
                return f"451 4.3.0 Delivery into Dovecot failed: {error}"
        login = getattr(session, "login_data", None)
        self._server._record(
            ReceivedMessage(
                mail_from=envelope.mail_from or "",
                rcpt_tos=list(envelope.rcpt_tos),
                data=envelope.original_content or b"",
                auth_user=login.decode("utf-8", "replace") if isinstance(login, bytes) else login,
                mail_options=list(envelope.mail_options),
                ehlo_name=session.host_name,
            )
        )
        return "250 2.0.0 OK"

    # aiosmtpd advertises and dispatches AUTH mechanisms by method name (auth_<MECHANISM>).
    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        validator = self._server.xoauth2_validator
        assert validator is not None  # the mechanism is excluded when there is no validator
        if len(args) == 2:
            try:
                initial = base64.b64decode(args[1], validate=True)
            except (binascii.Error, ValueError):
                return AuthResult(success=False, handled=False, message="501 5.5.2 Cannot decode base64")
        else:
            response = await server.challenge_auth("")
            if not isinstance(response, bytes):
                return AuthResult(success=False, handled=True)  # aiosmtpd already answered
            initial = response
        user, token = _parse_xoauth2(initial)
        if user is None or token is None:
            self._server.auth_log.append(("XOAUTH2", user or "", False))
            return AuthResult(success=False, handled=False, message="501 5.5.2 Malformed XOAUTH2 response")
        loop = asyncio.get_running_loop()
        success = await loop.run_in_executor(None, validator, user, token)
        self._server.auth_log.append(("XOAUTH2", user, success))
        if success:
            return AuthResult(success=True, auth_data=LoginPassword(user.encode(), b""))
        # Gmail's dance: a 334 carrying a JSON error, the client's empty line, then the 535.
        if not isinstance(await server.challenge_auth(json.dumps(XOAUTH2_ERROR, separators=(",", ":"))), bytes):
            return AuthResult(success=False, handled=True)  # the client aborted; aiosmtpd already answered
        return AuthResult(
            success=False, handled=False, message="535 5.7.8 Username and Password not accepted"
        )


def _parse_xoauth2(response: bytes) -> tuple[str | None, str | None]:
    user: str | None = None
    token: str | None = None
    for part in response.decode("utf-8", "replace").split("\x01"):
        if part.startswith("user="):
            user = part[len("user=") :]
        elif part.startswith("auth="):
            scheme, _, value = part[len("auth=") :].partition(" ")
            if scheme.lower() == "bearer" and value:
                token = value
    return user, token
