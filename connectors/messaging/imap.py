"""Reading and managing mail over IMAP, built on IMAPClient; and Gmail's preset and extensions.

Ids are IMAP UIDs as strings (the guide's ``"123"``), valid in the mailbox selected when they were obtained.
Optional server features (MOVE, UIDPLUS, SPECIAL-USE, X-GM-EXT-1) are detected from CAPABILITY, never assumed.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import imaplib
import io
import logging
import socket
import ssl
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from email.parser import BytesHeaderParser
from typing import Any, ClassVar

from imapclient import IMAPClient
from imapclient import exceptions as imap_errors
from imapclient.datetime_util import datetime_to_INTERNALDATE
from imapclient.response_parser import parse_fetch_response
from imapclient.util import to_bytes, to_unicode

from .. import interrupt
from ..base import BaseConnector
from ..config import GMAIL_IMAP, OUTLOOK_IMAP, Preset, ServerConfig
from ..exceptions import (
    AuthenticationError,
    ConnectionError,
    ConnectorError,
    FetchInterruptedError,
    InsecureConnectionError,
    MailboxNotFoundError,
    MessageError,
)
from . import bodystructure
from .bodystructure import ReadableMessage
from .fetch_stream import FetchData, fast_items, read_fetch_answer
from .imap_support import (
    DELETED,
    FLAGGED,
    SEEN,
    FolderInfo,
    choose_special_folder,
    folder_from_listing,
    message_dict,
    parse_ids,
)
from .message_sets import expand, message_sets
from .mime import parse_message
from .transport import make_ssl_context, network_error

__all__ = ["IMAPConnector", "GmailIMAPConnector", "FolderInfo"]

log = logging.getLogger(__name__)

ClientFactory = Callable[[ServerConfig, ssl.SSLContext | None], IMAPClient]
AnswerReader = Callable[[Any, bytes, FetchData, bool, bool], tuple[str, list[bytes], Exception | None]]
"""Reads one FETCH answer in place of :func:`.fetch_stream.read_fetch_answer`, with its arguments (imaplib's
instance, the command's tag, where the answers go, ``normalise_times``) and whether this is the first command of
its :meth:`IMAPConnector.fetch`; returns what it returns, raises as it raises, and, like it, leaves in the dict
the answers received whole when the link breaks (the sync engine's header process, ``connectors.sync``)."""
# Enough messages per FETCH to amortise the round trip. Each comes whole (BODY.PEEK[]), attachments included, so
# one reply can hold 100 large messages in memory; the sync engine (connectors.sync) fetches headers instead and
# bodies when they are wanted.
_FETCH_BATCH = 100
# A SEARCH answer is one line, and imaplib refuses lines over 1,000,000 bytes (``_MAXLINE``, reached near 145k
# UIDs). Searches over a whole folder therefore go in windows of UIDs whose answer stays well under it, even
# when every other UID is gone: 50k UIDs of up to 10 digits as a plain list, 100k UIDs as ESEARCH ranges.
_SEARCH_WINDOW = 50_000
_ESEARCH_WINDOW = 100_000


class _IMAP4(imaplib.IMAP4):
    """imaplib's session on a connection the thread's :class:`connectors.interrupt.Interrupter` can break."""

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        return interrupt.create_connection((self.host, self.port), timeout)


class _IMAP4_SSL(imaplib.IMAP4_SSL):  # noqa: N801 - imaplib's name
    """Implicit TLS, the same way (the context makes watched TLS sockets: see connectors.interrupt)."""

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        sock = interrupt.create_connection((self.host, self.port), timeout)
        wrapped: socket.socket = self.ssl_context.wrap_socket(sock, server_hostname=self.host)
        return wrapped


class InterruptibleIMAPClient(IMAPClient):  # type: ignore[misc]  # IMAPClient has no type hints
    """IMAPClient whose connections are opened through :func:`connectors.interrupt.create_connection`.
    ``_create_IMAP4`` is IMAPClient's own factory for its imaplib session, the place to change the transport."""

    def _create_IMAP4(self) -> imaplib.IMAP4:  # noqa: N802 - IMAPClient's name
        if self.stream:
            return super()._create_IMAP4()  # type: ignore[no-any-return]
        connect_timeout = getattr(self._timeout, "connect", None)
        if self.ssl:
            context = self.ssl_context or ssl.create_default_context()
            return _IMAP4_SSL(self.host, self.port, ssl_context=context, timeout=connect_timeout)
        return _IMAP4(self.host, self.port, timeout=connect_timeout)


def default_client_factory(config: ServerConfig, context: ssl.SSLContext | None) -> IMAPClient:
    return InterruptibleIMAPClient(
        config.host, port=config.port, use_uid=True, ssl=config.use_ssl, ssl_context=context, timeout=config.timeout
    )


class IMAPConnector(BaseConnector):
    """One IMAP session. ``client_factory`` lets tests put a proxy or a scripted server behind it."""

    protocol = "imap"
    env_kind = "imap"

    def __init__(self, config: Any = None, *, client_factory: ClientFactory | None = None) -> None:
        super().__init__(config)
        self._factory = client_factory or default_client_factory
        self._client: IMAPClient | None = None
        self._selected: str | None = None
        self._folders: list[FolderInfo] | None = None
        self._receiving: FetchData | None = None  # what the FETCH under way has received whole so far

    # -- connection -----------------------------------------------------------------------------------------

    @property
    def client(self) -> IMAPClient:
        """The underlying IMAPClient, for what the guide's API does not cover (the sync engine uses it)."""
        if self._client is None:
            raise ConnectionError(
                f"Not connected to IMAP server {self.config.address}: call connect() first",
                self.config.host,
                self.config.port,
            )
        return self._client

    def is_connected(self) -> bool:
        return self._client is not None

    def interrupt(self) -> None:
        """Break a blocking read or write of this connection from another thread (to cancel, or to quit): the
        socket is shut down, so the blocked call fails at once as a ConnectionError. Never raises."""
        client = self._client
        if client is None:
            return
        try:
            client.socket().shutdown(socket.SHUT_RDWR)
        except (OSError, AttributeError):  # already closed, or never fully opened
            pass

    def connect(self) -> None:
        if self._client is not None:
            return
        cfg = self.config
        context = make_ssl_context(cfg) if cfg.use_ssl or cfg.use_tls else None
        try:
            client = self._factory(cfg, context)
        except (OSError, imaplib.IMAP4.error, imap_errors.IMAPClientError) as exc:
            raise self._error(exc, "connect") from None
        try:
            if cfg.use_tls and not cfg.use_ssl:
                if b"STARTTLS" not in client.capabilities():
                    raise InsecureConnectionError(
                        f"IMAP server {cfg.address} does not offer STARTTLS; refusing to continue without encryption",
                        cfg.host,
                        cfg.port,
                    )
                client.starttls(context)
            if not (cfg.use_ssl or cfg.use_tls) and not cfg.allow_insecure_auth:
                raise InsecureConnectionError(
                    f"Refusing to send credentials for {cfg.username} to {cfg.address} over an unencrypted "
                    "connection (enable use_ssl or use_tls; allow_insecure_auth=True overrides)",
                    cfg.host,
                    cfg.port,
                )
            self._login(client)
        except BaseException as exc:
            _quietly_logout(client)
            if isinstance(exc, ConnectorError):
                raise
            if isinstance(exc, OSError | imaplib.IMAP4.error | imap_errors.IMAPClientError):
                raise self._error(exc, "connect") from None
            raise
        self._client = client
        self._selected = None
        self._folders = None
        log.info("Connected to IMAP %s as %s", cfg.address, cfg.username)

    def _login(self, client: IMAPClient) -> None:
        cfg = self.config
        if not cfg.use_oauth:
            password = self._password()
            try:
                if (cfg.username + password).isascii():
                    client.login(cfg.username, password)
                else:
                    # imaplib sends LOGIN arguments as ASCII; SASL PLAIN carries UTF-8 (RFC 4616).
                    client.plain_login(cfg.username, password)
            except imap_errors.LoginError as exc:
                self._unless_refusal(exc, password)
                raise AuthenticationError(
                    f"Authentication failed for {cfg.username} on {cfg.address}: {self._scrub(str(exc), password)}",
                    cfg.username,
                    cfg.host,
                ) from None
            return
        if b"AUTH=XOAUTH2" not in client.capabilities():
            log.warning("%s does not advertise AUTH=XOAUTH2; trying it anyway", cfg.address)
        last = ""
        for attempt in range(2):
            token = self._access_token(force_refresh=attempt > 0)
            try:
                client.oauth2_login(cfg.username, token)
                return
            except imap_errors.LoginError as exc:
                self._unless_refusal(exc, token)
                last = self._scrub(str(exc), token)
        raise AuthenticationError(
            f"Authentication failed for {cfg.username} on {cfg.address} with OAuth 2.0 even after refreshing the "
            f"access token: {last}",
            cfg.username,
            cfg.host,
        )

    def _unless_refusal(self, exc: imap_errors.LoginError, secret: str) -> None:
        """IMAPClient turns every failure during LOGIN/AUTHENTICATE into LoginError; only the server's NO or BAD
        answer is a refusal of the credentials. A closed link, an unreadable answer (imaplib's ``abort``, kept as
        the LoginError's context) or a server saying it cannot check now (RFC 5530 UNAVAILABLE) is a
        ConnectionError: worth retrying, never "wrong password"."""
        cfg = self.config
        cause = exc.__context__
        if isinstance(cause, imaplib.IMAP4.abort | OSError | EOFError):
            raise ConnectionError(
                f"The connection to IMAP server {cfg.address} broke during authentication: "
                f"{self._scrub(str(cause), secret)}",
                cfg.host,
                cfg.port,
            ) from None
        if "[UNAVAILABLE]" in str(exc).upper():
            raise ConnectionError(
                f"IMAP server {cfg.address} cannot check the credentials for now: {self._scrub(str(exc), secret)}",
                cfg.host,
                cfg.port,
            ) from None

    def disconnect(self) -> None:
        client, self._client = self._client, None
        self._selected = None
        if client is not None:
            _quietly_logout(client)

    def _error(self, exc: BaseException, what: str) -> ConnectorError:
        """Translate an IMAPClient/imaplib/socket failure during ``what``."""
        if isinstance(exc, ConnectorError):
            return exc
        if isinstance(exc, imaplib.IMAP4.abort | OSError | EOFError):
            # The session is unusable: forget it so the next call reconnects cleanly.
            dead, self._client = self._client, None
            self._selected = None
            received: FetchData = {}
            if dead is not None and what.startswith("FETCH"):
                received = {**(self._receiving or {}), **_received_fetches(dead)}
            if dead is not None:
                _quietly_close(dead)
            if isinstance(exc, imaplib.IMAP4.abort) and not isinstance(exc, OSError):
                error: ConnectorError = ConnectionError(
                    f"The IMAP server {self.config.address} closed the connection during {what}",
                    self.config.host,
                    self.config.port,
                )
            else:
                error = network_error(exc, self.config, "IMAP")
            if received:
                return FetchInterruptedError(str(error), self.config.host, self.config.port, received=received)
            return error
        return MessageError(f"The IMAP server {self.config.address} refused {what}: {self._scrub(str(exc))}")

    @contextmanager
    def session(self, what: str) -> Iterator[IMAPClient]:
        """The IMAPClient, for one command the guide's API lacks, with failures translated like every other's
        (``what`` names the command in the error)."""
        client = self.client
        try:
            yield client
        except ConnectorError:
            raise
        except (OSError, EOFError, imaplib.IMAP4.error, imap_errors.IMAPClientError) as exc:
            raise self._error(exc, what) from None

    def capabilities(self) -> set[str]:
        with self.session("CAPABILITY") as client:
            return {c.decode("ascii", "replace").upper() for c in client.capabilities()}

    def has_capability(self, name: str) -> bool:
        return name.upper() in self.capabilities()

    def noop(self) -> None:
        with self.session("NOOP") as client:
            client.noop()

    # -- mailboxes ------------------------------------------------------------------------------------------

    def list_folders(self, refresh: bool = True) -> list[FolderInfo]:
        """Every mailbox with its delimiter, attributes and special use (RFC 6154 when offered)."""
        if self._folders is not None and not refresh:
            return self._folders
        with self.session("LIST") as client:
            listing = list_with_roles(client)
        self._folders = [folder_from_listing(flags, delim, name) for flags, delim, name in listing]
        return self._folders

    def list_mailboxes(self) -> list[str]:
        """Names of the selectable mailboxes (decoded from modified UTF-7)."""
        return [f.name for f in self.list_folders() if f.selectable]

    def find_special_folder(self, role: str) -> str | None:
        """The mailbox for a role ("sent", "trash", "drafts", "junk", "archive", "all"): by special-use attribute
        (RFC 6154, or XLIST's on servers without it), then by the names used in many languages."""
        folders = self.list_folders(refresh=self._folders is None)
        return choose_special_folder(role, ((f.name, f.special_use, f.selectable) for f in folders))

    def select_mailbox(self, mailbox: str = "INBOX", readonly: bool = False) -> int:
        """Select a mailbox; returns its number of messages."""
        return self.select_mailbox_info(mailbox, readonly)["exists"]

    def select_mailbox_info(self, mailbox: str, readonly: bool = False) -> dict[str, int]:
        """Select a mailbox; returns ``exists``, ``uidvalidity``, ``uidnext`` and, with CONDSTORE enabled,
        ``highestmodseq`` (missing keys mean the server did not say)."""
        with self.session(f"SELECT {mailbox!r}") as client:
            try:
                info = client.select_folder(mailbox, readonly=readonly)
            except imap_errors.IMAPClientError as exc:
                if isinstance(exc, imap_errors.IMAPClientAbortError):
                    raise
                raise MailboxNotFoundError(mailbox, self._scrub(str(exc))) from None
        self._selected = mailbox
        out = {"exists": int(info.get(b"EXISTS", 0))}
        for key in (b"UIDVALIDITY", b"UIDNEXT", b"HIGHESTMODSEQ"):
            if info.get(key) is not None:
                out[key.decode().lower()] = int(info[key])
        return out

    @property
    def selected_mailbox(self) -> str | None:
        return self._selected

    def _ensure_selected(self, mailbox: str | None) -> str:
        if mailbox is not None and mailbox != self._selected:
            self.select_mailbox(mailbox)
        elif self._selected is None:
            self.select_mailbox("INBOX")
        assert self._selected is not None
        return self._selected

    def folder_status(self, mailbox: str) -> dict[str, int]:
        """MESSAGES, UNSEEN, UIDNEXT and UIDVALIDITY of a mailbox without selecting it."""
        with self.session(f"STATUS {mailbox!r}") as client:
            try:
                status = client.folder_status(mailbox, ["MESSAGES", "UNSEEN", "UIDNEXT", "UIDVALIDITY"])
            except imap_errors.IMAPClientError as exc:
                if isinstance(exc, imap_errors.IMAPClientAbortError):
                    raise
                raise MailboxNotFoundError(mailbox, self._scrub(str(exc))) from None
        return {k.decode().lower(): int(v) for k, v in status.items()}

    def create_mailbox(self, mailbox: str) -> None:
        with self.session(f"CREATE {mailbox!r}") as client:
            client.create_folder(mailbox)
        self._folders = None

    def rename_mailbox(self, old: str, new: str) -> None:
        with self.session(f"RENAME {old!r}") as client:
            client.rename_folder(old, new)
        if self._selected == old:
            self._selected = None
        self._folders = None

    def delete_mailbox(self, mailbox: str) -> None:
        with self.session(f"DELETE {mailbox!r}") as client:
            if self._selected == mailbox:
                client.unselect_folder() if client.has_capability("UNSELECT") else client.close_folder()
                self._selected = None
            client.delete_folder(mailbox)
        self._folders = None

    # -- reading --------------------------------------------------------------------------------------------

    def _fetch_items(self) -> list[str]:
        items = ["BODY.PEEK[]", "FLAGS", "RFC822.SIZE", "INTERNALDATE"]
        if self.has_capability("X-GM-EXT-1"):
            items += ["X-GM-LABELS", "X-GM-THRID", "X-GM-MSGID"]
        return items

    def fetch_messages(self, ids: Iterable[Any], mailbox: str | None = None) -> list[dict[str, Any]]:
        """Full message dicts for ``ids`` (in that order), without marking them read."""
        mailbox = self._ensure_selected(mailbox)
        uids = parse_ids(ids)
        items = self._fetch_items()
        out: dict[int, dict[str, Any]] = {}
        for start in range(0, len(uids), _FETCH_BATCH):
            batch = uids[start : start + _FETCH_BATCH]
            response = self.fetch(batch, items)
            for uid, data in response.items():
                out[uid] = message_dict(uid, mailbox, data)
        return [out[uid] for uid in uids if uid in out]

    def search_uids(self, criteria: Sequence[Any] | str = "ALL", mailbox: str | None = None) -> list[int]:
        """UIDs matching IMAP SEARCH criteria (the guide's flat lists), ascending."""
        self._ensure_selected(mailbox)
        if isinstance(criteria, list | tuple) and not criteria:
            criteria = ["ALL"]
        texts = [criteria] if isinstance(criteria, str) else [c for c in criteria if isinstance(c, str)]
        charset = None if all(t.isascii() for t in texts) else "UTF-8"
        with self.session("SEARCH") as client:
            try:
                return sorted(int(u) for u in client.search(criteria, charset=charset))
            except imap_errors.InvalidCriteriaError as exc:
                raise MessageError(f"Invalid search criteria {criteria!r}: {str(exc).splitlines()[0]}") from None

    def all_uids(self, uidnext: int | None = None, exists: int | None = None) -> list[int]:
        """Every UID of the selected mailbox, ascending, however large it is: never one unbounded answer.

        With ESEARCH (RFC 4731) each window's answer comes as ranges (``UID SEARCH RETURN (ALL)``); without it,
        as plain UID lists in smaller windows. Windows are bounded by UID, so a message expunged meanwhile cannot
        shift another out of the answer; an empty window jumps to the next message's UID (found by its sequence
        number) instead of walking a sparse UID space. ``uidnext`` and ``exists`` come from SELECT.
        """
        with self.session("SEARCH") as client:
            esearch = b"ESEARCH" in client.capabilities()
            window = _ESEARCH_WINDOW if esearch else _SEARCH_WINDOW
            if uidnext is None:
                top = client.search(["UID", "*"])  # the last message's UID (empty mailbox: nothing)
                uidnext = max(top) + 1 if top else 1
            found: list[int] = []
            low = 1
            while True:
                if low >= uidnext:
                    # SELECT's UIDNEXT can lag (mail arriving, a lax server): while messages are still missing,
                    # look up to the highest UID the server has now.
                    if exists is None or len(found) >= exists:
                        break
                    top = client.search(["UID", "*"])
                    if not top or max(top) < low:
                        break
                    uidnext = max(top) + 1
                high = min(low + window - 1, uidnext - 1)
                part = _search_window(client, esearch, low, high, window)
                found.extend(part)
                low = high + 1
                if not part and low < uidnext and (exists is None or len(found) < exists):
                    # The UID of message number len(found) + 1 is where the next window is worth starting.
                    try:
                        following = client.search([str(len(found) + 1)])
                    except imap_errors.IMAPClientError as exc:
                        if isinstance(exc, imap_errors.IMAPClientAbortError):
                            raise
                        following = []  # a message expunged meanwhile: no hint, walk on
                    if following and max(following) > low:
                        low = max(following)
        return sorted(set(found))

    def search_among(self, uids: Sequence[int], criteria: Sequence[str]) -> list[int]:
        """The UIDs among ``uids`` (known to exist) matching ``criteria``, e.g. ``["MODSEQ", "1234"]``: searched
        in windows of the known UIDs, so no answer is longer than one window."""
        known = sorted(set(uids))
        found: list[int] = []
        with self.session("SEARCH") as client:
            esearch = b"ESEARCH" in client.capabilities()
            step = _ESEARCH_WINDOW if esearch else _SEARCH_WINDOW
            for start in range(0, len(known), step):
                low, high = known[start], known[min(start + step, len(known)) - 1]
                found.extend(_search_window(client, esearch, low, high, step, criteria))
        wanted = set(known)
        return sorted(uid for uid in set(found) if uid in wanted)

    def search_messages(
        self,
        criteria: Sequence[Any] | str = "ALL",
        limit: int | None = None,
        mailbox: str | None = None,
        newest_first: bool = True,
    ) -> list[dict[str, Any]]:
        """Messages matching ``criteria``, e.g. ``["FROM", "a@b.c", "SINCE", "01-Jan-2023"]``; on Gmail also
        ``["X-GM-RAW", "is:important has:attachment"]``. Newest first unless told otherwise."""
        uids = self.search_uids(criteria, mailbox)
        if newest_first:
            uids.reverse()
        if limit is not None:
            uids = uids[: max(0, limit)]
        return self.fetch_messages(uids)

    def receive_messages(
        self, mailbox: str | None = None, limit: int | None = 50, unread_only: bool = False, newest_first: bool = True
    ) -> list[dict[str, Any]]:
        """The latest messages of a mailbox (the selected one, else INBOX); does not mark them read."""
        return self.search_messages(
            ["UNSEEN"] if unread_only else ["ALL"], limit=limit, mailbox=mailbox, newest_first=newest_first
        )

    def get_message(self, message_id: str | int, mailbox: str | None = None) -> dict[str, Any]:
        messages = self.fetch_messages([message_id], mailbox)
        if not messages:
            raise MessageError(f"Message {message_id} is not in mailbox {self._selected!r} (deleted or moved?)")
        return messages[0]

    def fetch(self, uids: Iterable[int], items: Sequence[str], *,
              reader: AnswerReader | None = None) -> dict[int, dict[bytes, Any]]:
        """``UID FETCH`` of ``items`` for ``uids`` in the selected mailbox, parsed as IMAPClient parses (see
        :mod:`.fetch_stream` for the fast path of the usual shapes): the UIDs travel as ranges, in as many
        commands as keep each line short. Only the UIDs asked for are returned (a server may add unsolicited
        FETCH responses for others). When the link breaks, the answers received whole so far travel in the
        FetchInterruptedError. ``reader``: what reads each answer when the fast path applies, instead of
        :func:`.fetch_stream.read_fetch_answer` (see :data:`AnswerReader`)."""
        wanted = set(uids)
        out: FetchData = {}
        self._receiving = out
        try:
            with self.session("FETCH") as client:
                for index, message_set in enumerate(message_sets(wanted)):
                    _uid_fetch(client, message_set, items, out, reader=reader, first=index == 0)
        finally:
            self._receiving = None
        return {uid: data for uid, data in out.items() if uid in wanted}

    def fetch_newest(self, count: int, exists: int, items: Sequence[str]) -> dict[int, dict[bytes, Any]]:
        """The last ``count`` messages of the selected mailbox (of ``exists``, as SELECT said), by sequence number:
        one ``FETCH n:*`` of ``items`` (which must include UID), keyed by UID like :meth:`fetch`. No UID needs to be
        known first, so a first sync shows the newest messages before it has searched the folder's UIDs. Sequence
        numbers are stable during a FETCH (a server sends no EXPUNGE then, RFC 3501 7.4.1), and ``*`` reaches the
        last message whatever arrived since SELECT. When the link breaks, the answers received whole travel in the
        FetchInterruptedError."""
        if "UID" not in (item.upper() for item in items):
            raise ValueError("fetch_newest needs the UID item: its answers are keyed by UID")
        low = max(1, exists - count + 1)

        def asked(answers: dict[int, dict[bytes, Any]]) -> dict[int, dict[bytes, Any]]:
            # Unsolicited FETCH responses (another session's flag change) may come for messages outside the range.
            return {uid: data for uid, data in answers.items() if int(data.get(b"SEQ") or 0) >= low}

        out: FetchData = {}
        self._receiving = out
        try:
            with self.session("FETCH") as client:
                _uid_fetch(client, f"{low}:*", items, out, by_uid=False)
        except FetchInterruptedError as exc:
            exc.received = asked(exc.received)
            raise
        finally:
            self._receiving = None
        return asked(out)

    def get_raw_message(self, message_id: str | int, mailbox: str | None = None) -> bytes:
        mailbox = self._ensure_selected(mailbox)
        uid = parse_ids([message_id])[0]
        data = self.fetch([uid], ["BODY.PEEK[]"]).get(uid)
        if not data:
            raise MessageError(f"Message {message_id} is not in mailbox {mailbox!r} (deleted or moved?)")
        return bytes(data.get(b"BODY[]") or b"")

    def get_message_for_reading(self, message_id: str | int, mailbox: str | None = None) -> ReadableMessage:
        """The message without its attachments' bytes: ``BODYSTRUCTURE`` first, then the headers of every part
        and the bodies of its text parts (partial ``BODY.PEEK[n]`` fetches), rebuilt by
        :func:`connectors.messaging.bodystructure.assemble`. A message with nothing to leave out comes whole
        (``BODY.PEEK[]``, byte for byte), with ``complete`` set."""
        mailbox = self._ensure_selected(mailbox)
        uid = parse_ids([message_id])[0]
        data = self.fetch([uid], ["BODYSTRUCTURE"]).get(uid)
        if not data or b"BODYSTRUCTURE" not in data:
            raise MessageError(f"Message {message_id} is not in mailbox {mailbox!r} (deleted or moved?)")
        tree = bodystructure.parse(data[b"BODYSTRUCTURE"])
        wanted = set(bodystructure.text_sections(tree))
        if all(leaf.section in wanted for leaf in bodystructure.leaves(tree)):
            return ReadableMessage(self.get_raw_message(uid, mailbox), True, bodystructure.has_attachments(tree))
        parts = self.fetch([uid], bodystructure.fetch_items(tree)).get(uid)
        if not parts:
            raise MessageError(f"Message {message_id} is not in mailbox {mailbox!r} (deleted or moved?)")
        return ReadableMessage(bodystructure.assemble(tree, parts), False, bodystructure.has_attachments(tree))

    def get_attachments(self, message_id: str | int, mailbox: str | None = None) -> list[dict[str, Any]]:
        """Attachments as dicts: ``filename`` (safe to join to a directory), ``content_type``, ``size``, ``data``."""
        parsed = parse_message(self.get_raw_message(message_id, mailbox))
        return [a.as_dict() for a in parsed.attachments]

    # -- changing -------------------------------------------------------------------------------------------

    def set_flags(
        self, ids: Iterable[Any], add: Sequence[str] = (), remove: Sequence[str] = (), mailbox: str | None = None
    ) -> None:
        self._ensure_selected(mailbox)
        uids = parse_ids(ids)
        if not uids:
            return
        with self.session("STORE") as client:
            for message_set in message_sets(uids):
                if add:
                    client.add_flags(message_set, list(add), silent=True)
                if remove:
                    client.remove_flags(message_set, list(remove), silent=True)

    def mark_as_read(self, ids: Iterable[Any], mailbox: str | None = None) -> None:
        self.set_flags(ids, add=[SEEN], mailbox=mailbox)

    def mark_as_unread(self, ids: Iterable[Any], mailbox: str | None = None) -> None:
        self.set_flags(ids, remove=[SEEN], mailbox=mailbox)

    def mark_as_flagged(self, ids: Iterable[Any], flagged: bool = True, mailbox: str | None = None) -> None:
        self.set_flags(ids, add=[FLAGGED] if flagged else [], remove=[] if flagged else [FLAGGED], mailbox=mailbox)

    def copy_messages(self, ids: Iterable[Any], destination: str, mailbox: str | None = None) -> None:
        self._ensure_selected(mailbox)
        uids = parse_ids(ids)
        if uids:
            with self.session(f"COPY to {destination!r}") as client, _missing_mailbox(destination):
                for message_set in message_sets(uids):
                    client.copy(message_set, destination)

    def move_messages(self, ids: Iterable[Any], destination: str, mailbox: str | None = None) -> None:
        """Move messages: MOVE when offered; otherwise COPY, \\Deleted and UID EXPUNGE of exactly those UIDs."""
        source = self._ensure_selected(mailbox)
        uids = parse_ids(ids)
        if not uids:
            return
        if destination == source:
            return
        if self.has_capability("MOVE"):
            with self.session(f"MOVE to {destination!r}") as client, _missing_mailbox(destination):
                for message_set in message_sets(uids):
                    client.move(message_set, destination)
            return
        self.copy_messages(self._not_copied_yet(uids, destination), destination)
        self.set_flags(uids, add=[DELETED])
        self._expunge_exactly(uids)

    def _not_copied_yet(self, uids: list[int], destination: str) -> list[int]:
        """The UIDs of ``uids`` still in the selected mailbox and not already in ``destination``.

        Without MOVE a move is COPY, then STORE \\Deleted, then EXPUNGE: when the link is cut after the COPY, the
        retry must not copy again. A message counts as copied when ``destination`` holds one with the same
        Message-ID and size; messages without a Message-ID cannot be recognised and are copied.
        """
        source = self._selected
        assert source is not None
        here = {uid: _identity(data) for uid, data in self.fetch(uids, _IDENTITY_ITEMS).items()}
        wanted = {identity for identity in here.values() if identity[0]}
        there: set[tuple[str, int]] = set()
        if wanted:
            self.select_mailbox(destination, readonly=True)
            try:
                there = set(self._messages_with_ids(message_id for message_id, _size in wanted).values())
            finally:
                self.select_mailbox(source)
        return [uid for uid in uids if uid in here and (not here[uid][0] or here[uid] not in there)]

    def _messages_with_ids(self, message_ids: Iterable[str]) -> dict[int, tuple[str, int]]:
        """(Message-ID, size) of the selected mailbox's messages whose Message-ID header holds one of these."""
        ordered = sorted(set(message_ids))
        out: dict[int, tuple[str, int]] = {}
        for start in range(0, len(ordered), _SEARCH_OR_BATCH):
            chunk = ordered[start:start + _SEARCH_OR_BATCH]
            criteria: list[Any] = ["OR"] * (len(chunk) - 1)
            for message_id in chunk:
                criteria += ["HEADER", "Message-ID", message_id]
            charset = None if all(message_id.isascii() for message_id in chunk) else "UTF-8"
            with self.session("SEARCH HEADER Message-ID") as client:
                hits = client.search(criteria, charset=charset)
            if hits:
                out.update({uid: _identity(data) for uid, data in self.fetch(hits, _IDENTITY_ITEMS).items()})
        return out

    def find_by_message_id(self, message_ids: Iterable[str], mailbox: str | None = None) -> dict[str, int]:
        """The UID of each Message-ID found exactly once in the mailbox (``UID SEARCH HEADER Message-ID``, checked
        against the header itself); Message-IDs found nowhere, or more than once, are left out."""
        self._ensure_selected(mailbox)
        wanted = {message_id.strip() for message_id in message_ids if message_id.strip()}
        matches: dict[str, list[int]] = {}
        for uid, (message_id, _size) in self._messages_with_ids(wanted).items():
            if message_id in wanted:
                matches.setdefault(message_id, []).append(uid)
        return {message_id: uids[0] for message_id, uids in matches.items() if len(uids) == 1}

    def _expunge_exactly(self, uids: list[int]) -> None:
        """Expunge these UIDs and nothing else, even if other messages carry \\Deleted."""
        with self.session("EXPUNGE") as client:
            if client.has_capability("UIDPLUS"):
                for message_set in message_sets(uids):
                    client.uid_expunge(message_set)
                return
            others = set(client.search(["DELETED"])) - set(uids)
            if others:
                # A bare EXPUNGE would also destroy messages someone else marked: leave ours marked instead.
                log.warning(
                    "Server lacks UIDPLUS and %d other messages are marked deleted in %r: not expunging",
                    len(others),
                    self._selected,
                )
                return
            client.expunge()

    def delete_messages(self, ids: Iterable[Any], permanent: bool = False, mailbox: str | None = None) -> None:
        """Move messages to Trash; with ``permanent=True``, delete them for good instead.

        Deleting is never permanent by surprise: when the account has no Trash (see ``find_special_folder``) or
        the messages already are in it, this raises MessageError and changes nothing; say ``permanent=True``.
        """
        source = self._ensure_selected(mailbox)
        uids = parse_ids(ids)
        if not uids:
            return
        if permanent:
            self.expunge_messages(uids)
            return
        trash = self.find_special_folder("trash")
        if trash is None:
            raise MessageError(
                f"{self.config.address} has no Trash folder, so deleting would be permanent; nothing was deleted "
                "(delete_messages(..., permanent=True) deletes for good)"
            )
        if trash == source:
            raise MessageError(
                f"The messages already are in the Trash ({trash!r}); deleting them again would be permanent, so "
                "nothing was deleted (delete_messages(..., permanent=True) deletes for good)"
            )
        self.move_messages(uids, trash)

    def expunge_messages(self, ids: Iterable[Any], mailbox: str | None = None) -> None:
        """Delete messages for good: \\Deleted, then EXPUNGE of exactly these UIDs (UID EXPUNGE with UIDPLUS)."""
        self._ensure_selected(mailbox)
        uids = parse_ids(ids)
        if not uids:
            return
        self.set_flags(uids, add=[DELETED])
        self._expunge_exactly(uids)

    def append_message(
        self, mailbox: str, message: bytes | str, flags: Sequence[str] = (), date: dt.datetime | None = None
    ) -> int | None:
        """Add a message to a mailbox; returns its UID when the server says (UIDPLUS APPENDUID)."""
        data = crlf_lines(message.encode() if isinstance(message, str) else message)
        with self.session(f"APPEND to {mailbox!r}") as client, _missing_mailbox(mailbox):
            response = _append(client, mailbox, data, list(flags), date)
        text = response.decode("ascii", "replace") if isinstance(response, bytes) else str(response)
        if "APPENDUID" in text.upper():
            try:
                return int(text.upper().split("APPENDUID", 1)[1].split("]")[0].split()[1])
            except (IndexError, ValueError):
                return None
        return None

    def save_sent_message(self, message: bytes) -> int | None:
        """File a sent message in the Sent folder (\\Seen); does nothing if the account has none."""
        sent = self.find_special_folder("sent")
        if sent is None:
            log.warning("No Sent folder on %s: the sent message was not filed", self.config.address)
            return None
        return self.append_message(sent, message, flags=[SEEN])


class OutlookIMAPConnector(IMAPConnector):
    """IMAP with Outlook.com/Microsoft 365 settings (outlook.office365.com:993, TLS, Microsoft's OAuth tokens)."""

    preset: ClassVar[Preset | None] = OUTLOOK_IMAP
    env_kind = "outlook"


class GmailIMAPConnector(IMAPConnector):
    """IMAP with Gmail's settings (imap.gmail.com:993, TLS) and its labels, threads and search syntax."""

    preset: ClassVar[Preset | None] = GMAIL_IMAP
    env_kind = "gmail"

    def search_messages(
        self,
        criteria: Sequence[Any] | str = "ALL",
        limit: int | None = None,
        mailbox: str | None = None,
        newest_first: bool = True,
    ) -> list[dict[str, Any]]:
        """As IMAP search; a Gmail-syntax search (``X-GM-RAW``) with no mailbox looks everywhere, as Gmail's own
        search box does: it runs in All Mail, which becomes the selected mailbox for the ids it returns."""
        items = [criteria] if isinstance(criteria, str) else list(criteria)
        if mailbox is None and any(isinstance(c, str) and c.upper() == "X-GM-RAW" for c in items):
            mailbox = self.find_special_folder("all")
        return super().search_messages(criteria, limit=limit, mailbox=mailbox, newest_first=newest_first)

    def get_all_labels(self) -> list[str]:
        """Every Gmail label, system ones ("[Gmail]/Starred"...) and the user's, as mailbox names."""
        return self.list_mailboxes()

    def add_labels(self, ids: Iterable[Any], labels: Sequence[str], mailbox: str | None = None) -> None:
        self._ensure_selected(mailbox)
        with self.session("STORE +X-GM-LABELS") as client:
            for message_set in message_sets(parse_ids(ids)):
                client.add_gmail_labels(message_set, list(labels), silent=True)

    def remove_labels(self, ids: Iterable[Any], labels: Sequence[str], mailbox: str | None = None) -> None:
        self._ensure_selected(mailbox)
        with self.session("STORE -X-GM-LABELS") as client:
            for message_set in message_sets(parse_ids(ids)):
                client.remove_gmail_labels(message_set, list(labels), silent=True)


@contextmanager
def _missing_mailbox(mailbox: str) -> Iterator[None]:
    """Turn the server's "no such mailbox" answer (RFC 5530 TRYCREATE / NONEXISTENT) into MailboxNotFoundError."""
    try:
        yield
    except imap_errors.IMAPClientError as exc:
        text = str(exc).upper()
        if not isinstance(exc, imap_errors.IMAPClientAbortError) and ("TRYCREATE" in text or "NONEXISTENT" in text):
            raise MailboxNotFoundError(mailbox) from None
        raise


# Line ends are mended a slice at a time with bytes.replace: imaplib's APPEND makes one regular-expression pass over
# the whole message, which held the interpreter lock for most of a second on 25 MB while the GUI thread waited.
LINE_SLICE = 1 << 20


def crlf_lines(data: bytes, size: int = 0) -> bytes:
    """``data`` with every line end a CRLF (what APPEND must send), mended in slices of about ``size`` bytes (default
    :data:`LINE_SLICE`) cut after a line feed, so no CRLF is ever split."""
    size = size or LINE_SLICE
    pieces: list[bytes] = []
    start = 0
    while start < len(data):
        cut = start + size
        newline = data.find(b"\n", cut - 1) if cut < len(data) else -1
        end = len(data) if newline < 0 else newline + 1
        pieces.append(data[start:end].replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n"))
        start = end
    return b"".join(pieces)


def _append(client: IMAPClient, mailbox: str, literal: bytes, flags: list[str], date: dt.datetime | None) -> Any:
    """IMAPClient's ``append`` without imaplib's own line-end pass over the whole message (``literal`` has CRLF line
    ends already, see :func:`crlf_lines`): the same command through the imaplib layer, checked as IMAPClient does."""
    imap = client._imap
    time_value = f'"{datetime_to_INTERNALDATE(date)}"' if date else None
    imap.literal = literal
    typ, data = imap._simple_command("APPEND", client._normalise_folder(mailbox), "(" + " ".join(flags) + ")",
                                     time_value)
    if typ != "OK":
        raise imap_errors.IMAPClientError(f"append failed: {to_unicode(data[0]) if data else typ}")
    return data[0]


def _uid_fetch(client: IMAPClient, message_set: str, items: Sequence[str], into: FetchData, *,
               by_uid: bool = True, reader: AnswerReader | None = None, first: bool = True) -> None:
    """One ``UID FETCH`` of a compressed set, its answers merged into ``into`` as they arrive. IMAPClient's own
    ``fetch`` cannot take ranges (it filters its answer with ``int()`` of each id it was given), so the command
    goes through the imaplib layer it is built on. The answer is read by :func:`.fetch_stream.read_fetch_answer`
    when every item is one its fast parser knows, else by imaplib and IMAPClient's parser. ``by_uid=False``: a
    plain ``FETCH`` of sequence numbers (``items`` then include UID, by which the answers are keyed all the same).
    ``reader`` (with ``first``: this is the first command of its ``fetch``) reads the answer instead of
    ``read_fetch_answer`` when that would.
    """
    imap = client._imap
    item_list = b"(" + b" ".join(to_bytes(item).upper() for item in items) + b")"
    tag = imap._command("UID", "FETCH", message_set, item_list) if by_uid else imap._command(
        "FETCH", message_set, item_list)
    if fast_items(items) and isinstance(getattr(imap, "file", None), io.BufferedReader):
        try:
            if reader is None:
                typ, data, parse_error = read_fetch_answer(imap, tag, into, client.normalise_times)
            else:
                typ, data, parse_error = reader(imap, tag, into, client.normalise_times, first)
        except imap.abort as exc:
            raise imap.abort(f"command: FETCH => {exc}") from None
        finally:
            imap.tagged_commands.pop(tag, None)
        if typ == "BAD":
            raise imap.error(f"FETCH command error: {typ} {data}")
        client._checkok("fetch", typ, data)
        if parse_error is not None:
            raise parse_error
        return
    typ, data = imap._command_complete("FETCH", tag)
    client._checkok("fetch", typ, data)
    typ, data = imap._untagged_response(typ, data, "FETCH")
    parsed: dict[int, dict[bytes, Any]] = parse_fetch_response(data, client.normalise_times, True)
    for key, value in parsed.items():
        into.setdefault(key, {}).update(value)


def _search_window(client: IMAPClient, esearch: bool, low: int, high: int, most: int,
                   criteria: Sequence[str] = ()) -> list[int]:
    """UIDs in ``low:high`` matching ``criteria`` (all when empty); at most ``most`` are believed."""
    keys = ["UID", f"{low}:{high}", *criteria]
    if not esearch:
        uids = [int(uid) for uid in client.search(keys)]
    else:
        tag = client._imap._command("UID", "SEARCH", "RETURN", "(ALL)", *keys)
        typ, data = client._imap._command_complete("SEARCH", tag)
        client._checkok("search", typ, data)
        _typ, lines = client._imap._untagged_response(typ, data, "ESEARCH")
        uids = []
        for line in lines or ():
            # (TAG "A12") UID ALL 1:40,42   — or without ALL when nothing matched; a MODSEQ pair may come too.
            words = bytes(line).split() if isinstance(line, bytes | bytearray) else []
            for key, value in zip(words, words[1:], strict=False):
                if key.upper() == b"ALL":
                    try:
                        uids.extend(expand(value.decode("ascii"), limit=most))
                    except (ValueError, UnicodeDecodeError):
                        raise imap_errors.ProtocolError(f"Unreadable ESEARCH answer for UIDs {low}:{high}") from None
    if len(uids) > most or any(not low <= uid <= high for uid in uids):
        raise imap_errors.ProtocolError(f"The server answered a search of UIDs {low}:{high} with other UIDs")
    return uids


_IDENTITY_ITEMS = ["RFC822.SIZE", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]
_IDENTITY_KEY = b"BODY[HEADER.FIELDS (MESSAGE-ID)]"
# Message-IDs per SEARCH (OR chains): a few KB of command line at most.
_SEARCH_OR_BATCH = 50


def _identity(data: dict[bytes, Any]) -> tuple[str, int]:
    """(Message-ID, size) of a message, from a FETCH of ``_IDENTITY_ITEMS``."""
    header = BytesHeaderParser(policy=email.policy.default).parsebytes(bytes(data.get(_IDENTITY_KEY) or b""))
    message_id = str(header.get("Message-ID") or "").strip()
    return message_id, int(data.get(b"RFC822.SIZE") or 0)


def list_with_roles(client: IMAPClient) -> list[tuple[tuple[bytes, ...], bytes, str]]:
    """LIST; on a server with XLIST but no SPECIAL-USE (older Gmail), XLIST, whose attributes name \\Trash,
    \\Sent, \\AllMail... as SPECIAL-USE's do."""
    if not client.has_capability("SPECIAL-USE") and client.has_capability("XLIST"):
        listing: list[tuple[tuple[bytes, ...], bytes, str]] = client.xlist_folders()
        return listing
    plain: list[tuple[tuple[bytes, ...], bytes, str]] = client.list_folders()
    return plain


def _received_fetches(client: IMAPClient) -> dict[int, dict[bytes, Any]]:
    """The FETCH answers that had arrived whole when the link broke, parsed as IMAPClient would.

    imaplib files each untagged answer as it reads it and hands them over only when the command ends, so after
    a break they are still there. An answer is whole once the line after its last literal came: a trailing
    literal without that line is an answer cut short, and is left out.
    """
    pieces = list(client._imap.untagged_responses.get("FETCH", ()))
    while pieces and isinstance(pieces[-1], tuple):
        pieces.pop()
    if not pieces:
        return {}
    try:
        parsed: dict[int, dict[bytes, Any]] = parse_fetch_response(pieces, client.normalise_times, client.use_uid)
    except (imap_errors.ProtocolError, ValueError, IndexError, TypeError):
        return {}
    return parsed


def _quietly_logout(client: IMAPClient) -> None:
    try:
        client.logout()
    except (OSError, EOFError, imaplib.IMAP4.error, imap_errors.IMAPClientError):
        _quietly_close(client)


def _quietly_close(client: IMAPClient) -> None:
    try:
        client.shutdown()
    except (OSError, EOFError, imaplib.IMAP4.error, imap_errors.IMAPClientError):
        pass
