"""A loopback IMAP server that behaves like Gmail's (imap.gmail.com:993), over implicit TLS.

Emulated, after https://developers.google.com/gmail/imap/imap-extensions and
https://developers.google.com/gmail/imap/xoauth2-protocol:

* Greeting, CAPABILITY, ID, NAMESPACE, NOOP, LOGOUT, XYZZY in Gmail's words; tagged commands with
  ``{N}`` and ``{N+}`` literals.
* LOGIN and AUTHENTICATE PLAIN with app passwords (spaces ignored, as Google prints them in groups),
  AUTHENTICATE XOAUTH2 and OAUTHBEARER with or without SASL-IR. A refused token gets Google's error
  challenge (``+ base64({"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"})``,
  RFC 7628's ``invalid_token`` form for OAUTHBEARER), then, whatever the client answers,
  ``NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)``. Successful authentication sends the
  post-login CAPABILITY untagged, as Gmail does.
* Labels as folders (see gmail_store), LIST/LSUB/XLIST with special-use and child attributes and
  ``*``/``%`` patterns, SELECT/EXAMINE, STATUS, CLOSE, UNSELECT, CHECK, SEARCH (see gmail_search),
  FETCH (see gmail_fetch), STORE of flags and X-GM-LABELS, COPY/MOVE with COPYUID, EXPUNGE and
  UID EXPUNGE, APPEND with APPENDUID, CREATE/DELETE/RENAME of labels, SUBSCRIBE/UNSUBSCRIBE (no-ops:
  Gmail lists every label as subscribed), IDLE (``+ idling``; new and expunged messages are pushed).
* Expunge follows Gmail's default settings: "Auto-Expunge on" (a message flagged \\Deleted leaves the
  selected folder at once; turn it off with ``auto_expunge=False`` to keep it until EXPUNGE/CLOSE),
  and "archive the message" when it leaves a label folder (the label goes, the message stays in All
  Mail); expunged from [Gmail]/All Mail it goes to Trash, from [Gmail]/Trash or [Gmail]/Spam it is
  deleted for good. COPY adds the destination's label; MOVE also removes the source's.
* Other sessions' (and add_message's) changes reach a selected session as ``* N EXISTS`` before the
  answers to its next command and ``* N EXPUNGE`` after them (never during FETCH, STORE or SEARCH,
  per RFC 3501 §7.4.1), or at once in IDLE.
* For tests: ``commands`` logs each command's name as received ("LOGIN", "UID FETCH", "APPEND"...),
  ``downloads`` each FETCH answer that carried a message's content (headers, body, a part or ENVELOPE) as
  (folder, X-GM-MSGID, bytes sent) — what counts against Gmail's download limits —, and
  ``mailbox(user)`` exposes the account model (gmail_store.Mailbox).

Capabilities advertised — only what is implemented. Before authentication: IMAP4rev1 UNSELECT IDLE
NAMESPACE ID XLIST CHILDREN X-GM-EXT-1 XYZZY SASL-IR AUTH=XOAUTH2 AUTH=PLAIN AUTH=OAUTHBEARER; after:
IMAP4rev1 UNSELECT IDLE NAMESPACE ID XLIST CHILDREN X-GM-EXT-1 UIDPLUS MOVE SPECIAL-USE LITERAL-.
Gmail also advertises, and this emulator leaves out: QUOTA, AUTH=PLAIN-CLIENTTOKEN, COMPRESS=DEFLATE,
ENABLE, CONDSTORE, ESEARCH, UTF8=ACCEPT, LIST-EXTENDED, LIST-STATUS and APPENDLIMIT.

Not emulated either: STARTTLS/port 143 (Gmail has none), \\Recent (always 0), unsolicited FETCH
for other sessions' flag changes, per-session \\Deleted (the flag is stored on the message), Gmail's
bandwidth limits, idle and session time-outs, "Web login required"/"Application-specific password
required" alerts, and connection limits.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import datetime as dt
import json
import secrets
import ssl
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from tests.servers.ca import TestCA
from tests.servers.gmail_fetch import format_flags, format_labels, parse_fetch_items, render
from tests.servers.gmail_folders import FolderCommands, flag_arg
from tests.servers.gmail_search import run_search
from tests.servers.gmail_store import GmailMessage, Mailbox, label_from_wire
from tests.servers.imap_wire import (
    LINE_LIMIT,
    BadCommand,
    CommandFailed,
    ConnectionGone,
    Token,
    as_atom,
    as_list,
    as_text,
    compress_set,
    decode_mutf7,
    paren,
    parse_sequence_set,
    read_command,
    read_line,
    resolve_set,
    tokenize,
)

CAPS_BEFORE = ("IMAP4rev1 UNSELECT IDLE NAMESPACE ID XLIST CHILDREN X-GM-EXT-1 XYZZY SASL-IR "
               "AUTH=XOAUTH2 AUTH=PLAIN AUTH=OAUTHBEARER")
CAPS_AFTER = "IMAP4rev1 UNSELECT IDLE NAMESPACE ID XLIST CHILDREN X-GM-EXT-1 UIDPLUS MOVE SPECIAL-USE LITERAL-"
FAILED = "[AUTHENTICATIONFAILED] Invalid credentials (Failure)"
XOAUTH2_ERROR = {"status": "400", "schemes": "Bearer", "scope": "https://mail.google.com/"}
OAUTHBEARER_ERROR = {"status": "invalid_token", "schemes": "Bearer", "scope": "https://mail.google.com/"}

_ANY = {"CAPABILITY", "NOOP", "LOGOUT", "ID", "XYZZY"}
_NOT_AUTH = {"LOGIN", "AUTHENTICATE"}
_AUTH = {"SELECT", "EXAMINE", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB",
         "XLIST", "STATUS", "APPEND", "NAMESPACE", "IDLE"}
_SELECTED = {"CLOSE", "UNSELECT", "CHECK", "EXPUNGE", "SEARCH", "FETCH", "STORE", "COPY", "MOVE"}
_UID_OK = {"FETCH", "SEARCH", "STORE", "COPY", "MOVE", "EXPUNGE"}
_NO_EXPUNGE_DURING = {"FETCH", "STORE", "SEARCH"}  # only their non-UID forms (RFC 3501 §7.4.1)
_CONTENT = {"BODY", "ENVELOPE", "RFC822", "RFC822.HEADER", "RFC822.TEXT"}  # FETCH items that download a message


class FakeGmailIMAP:
    """Gmail's IMAP on 127.0.0.1 with a port of its own; a context manager around start()/stop()."""

    def __init__(
        self,
        ca: TestCA,
        *,
        passwords: dict[str, str],
        token_owner: Callable[[str], str | None] | None = None,
        auto_expunge: bool = True,
    ) -> None:
        self._ca = ca
        self._passwords = {user.lower(): pw.replace(" ", "") for user, pw in passwords.items()}
        self._token_owner = token_owner
        self.auto_expunge = auto_expunge
        self.host = "127.0.0.1"
        self.port = 0
        self.commands: list[str] = []
        self.downloads: list[tuple[str, int, int]] = []
        self.lock = threading.RLock()
        self._mailboxes: dict[str, Mailbox] = {}
        self._sessions: set[_Session] = set()
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None

    # --- lifecycle ---

    def start(self) -> None:
        cert = self._ca.issue(f"gmail-imap-{secrets.token_hex(4)}")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert.cert_path, cert.key_path)
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        async def open_server() -> None:
            self._server = await asyncio.start_server(
                self._serve, self.host, 0, ssl=context, limit=LINE_LIMIT, ssl_handshake_timeout=10
            )
            self.port = self._server.sockets[0].getsockname()[1]

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(open_server())
            except BaseException as exc:  # reported to start()'s caller below
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="fake-gmail-imap", daemon=True)
        self._thread.start()
        if not ready.wait(10) or failure:
            raise RuntimeError(f"fake Gmail IMAP did not start: {failure}")

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if loop.is_running():
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=10)
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        self._loop = self._thread = None

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in self._connections.values():
            # Abort, not close: a TLS close waits for the client's close_notify, which an idle
            # client may never send, and the server is going away like a dropped connection.
            writer.transport.abort()
        for task in self._connections:
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
        await asyncio.sleep(0)  # lets the aborted transports run connection_lost

    def __enter__(self) -> FakeGmailIMAP:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- test-side API ---

    def mailbox(self, user: str) -> Mailbox:
        key = user.lower()
        with self.lock:
            if key not in self._mailboxes:
                self._mailboxes[key] = Mailbox(key, lambda: self._notify(key))
            return self._mailboxes[key]

    def add_message(
        self,
        user: str,
        raw: bytes,
        labels: Iterable[str] = ("\\Inbox",),
        flags: Iterable[str] = (),
        thread_id: int | None = None,
        internal_date: dt.datetime | None = None,
    ) -> int:
        """Deliver a message as Gmail would (no de-duplication); returns its X-GM-MSGID."""
        with self.lock:
            return self.mailbox(user).add_message(raw, labels, flags, thread_id, internal_date).msgid

    def labels_of(self, user: str, msgid: int) -> set[str]:
        """Labels as Gmail names them (``\\Inbox``, ``\\Starred``... and user labels, decoded)."""
        with self.lock:
            return self.mailbox(user).messages[msgid].effective_labels()

    def flags_of(self, user: str, msgid: int) -> set[str]:
        with self.lock:
            return set(self.mailbox(user).messages[msgid].flags)

    def messages_in(self, user: str, folder: str) -> list[int]:
        """X-GM-MSGIDs in a folder (by its decoded name), in UID order; KeyError if there is none."""
        with self.lock:
            mailbox = self.mailbox(user)
            key = mailbox.folder_key(folder)
            if key is None:
                raise KeyError(folder)
            return mailbox.members(key)

    # --- internals ---

    def _notify(self, user: str) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        for session in list(self._sessions):
            if session.user == user:
                loop.call_soon_threadsafe(session.wake.set)

    def check_password(self, user: str, password: str) -> bool:
        expected = self._passwords.get(user.lower())
        return expected is not None and secrets.compare_digest(expected, password.replace(" ", ""))

    def check_token(self, user: str, token: str) -> bool:
        owner = self._token_owner(token) if self._token_owner else None
        return owner is not None and owner.lower() == user.lower()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections[task] = writer
        session = _Session(self, reader, writer)
        self._sessions.add(session)
        try:
            await session.run()
        except (ConnectionGone, ConnectionError, ssl.SSLError, asyncio.CancelledError, TimeoutError):
            pass
        finally:
            self._sessions.discard(session)
            writer.close()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(writer.wait_closed(), 2)
            self._connections.pop(task, None)


class _Session(FolderCommands):
    def __init__(self, server: FakeGmailIMAP, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer
        self.user: str | None = None
        self.selected: str | None = None
        self.readonly = False
        self.view: list[tuple[int, int]] = []  # (uid, msgid) by sequence number
        self.wake = asyncio.Event()
        self.done = False

    @property
    def mailbox(self) -> Mailbox:
        assert self.user is not None
        return self.server.mailbox(self.user)

    def send(self, line: bytes | str) -> None:
        self.writer.write((line.encode() if isinstance(line, str) else line) + b"\r\n")

    async def run(self) -> None:
        self.send(f"* OK Gimap ready for requests from 127.0.0.1 {secrets.token_hex(6)}")
        while not self.done:
            await self.writer.drain()
            pieces = await read_command(self.reader, self.writer)
            await self.dispatch(pieces)
        await self.writer.drain()

    async def dispatch(self, pieces: list[bytes]) -> None:
        head = pieces[0].split(b" ", 2) if pieces else [b""]
        tag = head[0].decode("ascii", "replace") or "*"
        try:
            tokens = tokenize(pieces)
            if len(tokens) < 2 or not isinstance(tokens[0], str) or not isinstance(tokens[1], str):
                raise BadCommand("Could not parse command")
            name, args, uid = tokens[1].upper(), tokens[2:], False
            if name == "UID":
                if not args or not isinstance(args[0], str) or args[0].upper() not in _UID_OK:
                    raise BadCommand("Could not parse command")
                name, args, uid = args[0].upper(), args[1:], True
            self.server.commands.append(f"UID {name}" if uid else name)
            self.check_state(name)
            handler = getattr(self, "cmd_" + name.lower(), None)
            if name in ("AUTHENTICATE", "IDLE"):
                text = await (self.cmd_authenticate(args) if name == "AUTHENTICATE" else self.cmd_idle(args))
            elif handler is None:
                raise BadCommand("Unknown command")
            else:
                with self.server.lock:
                    if name in _SELECTED:
                        # New arrivals first, so SEARCH and "UID FETCH n:*" see them; announcing them
                        # renumbers nothing, unlike expunges, which wait until after the command.
                        self.report_changes(allow_expunge=False)
                    text = handler(args, uid)
            with self.server.lock:
                self.report_changes(allow_expunge=uid or name not in _NO_EXPUNGE_DURING)
            self.send(f"{tag} OK {text}")
        except BadCommand as exc:
            self.send(f"{tag} BAD {exc}")
        except CommandFailed as exc:
            self.send(f"{tag} NO {exc}")

    def check_state(self, name: str) -> None:
        if name in _ANY:
            return
        if name in _NOT_AUTH:
            if self.user is not None:
                raise BadCommand("Already authenticated")
        elif name in _AUTH:
            if self.user is None:
                raise BadCommand("Command not valid in non-authenticated state")
        elif name in _SELECTED:
            if self.selected is None:
                raise BadCommand("Command not valid in this state: no folder selected")
        else:
            raise BadCommand("Unknown command")

    def report_changes(self, allow_expunge: bool) -> None:
        if self.selected is None or self.user is None or self.done:
            return
        state = self.mailbox.folders.get(self.selected)
        current = state.entries() if state else []
        if allow_expunge:
            present = {uid for uid, _ in current}
            for index in range(len(self.view) - 1, -1, -1):
                if self.view[index][0] not in present:
                    del self.view[index]
                    self.send(f"* {index + 1} EXPUNGE")
        highest = self.view[-1][0] if self.view else 0
        fresh = [entry for entry in current if entry[0] > highest]
        if fresh:
            self.view.extend(fresh)
            self.send(f"* {len(self.view)} EXISTS")

    # --- any state ---

    def cmd_capability(self, args: list[Token], uid: bool) -> str:
        self.send("* CAPABILITY " + (CAPS_AFTER if self.user else CAPS_BEFORE))
        return "Success"

    def cmd_noop(self, args: list[Token], uid: bool) -> str:
        return "Success"

    def cmd_check(self, args: list[Token], uid: bool) -> str:
        return "Success"

    def cmd_xyzzy(self, args: list[Token], uid: bool) -> str:
        self.send("* OK Nothing happens.")
        return "XYZZY completed (Success)"

    def cmd_logout(self, args: list[Token], uid: bool) -> str:
        self.send("* BYE LOGOUT Requested")
        self.done = True
        return "73 good day (Success)"

    def cmd_id(self, args: list[Token], uid: bool) -> str:
        if len(args) != 1:
            raise BadCommand("ID takes one argument")
        self.send('* ID ("name" "GImap" "vendor" "Google, Inc." "support-url" '
                  '"http://support.google.com/mail" "remote-host" "127.0.0.1")')
        return "Success"

    # --- authentication ---

    def logged_in(self, user: str) -> str:
        self.user = user.lower()
        self.server.mailbox(user)
        self.send("* CAPABILITY " + CAPS_AFTER)
        return f"{user} authenticated (Success)"

    def cmd_login(self, args: list[Token], uid: bool) -> str:
        if len(args) != 2:
            raise BadCommand("LOGIN takes a user and a password")
        user, password = as_text(args[0]), as_text(args[1])
        if not self.server.check_password(user, password):
            raise CommandFailed(FAILED)
        return self.logged_in(user)

    async def cmd_authenticate(self, args: list[Token]) -> str:
        if not args:
            raise BadCommand("Missing mechanism")
        mechanism = as_atom(args[0]).upper()
        if mechanism not in ("XOAUTH2", "OAUTHBEARER", "PLAIN"):
            raise CommandFailed("[CANNOT] Unsupported authentication mechanism (Failure)")
        if len(args) > 1:
            response = as_text(args[1])
            response = "" if response == "=" else response
        else:
            self.send("+ ")
            await self.writer.drain()
            response = (await read_line(self.reader)).decode("ascii", "replace")
        if response == "*":
            raise BadCommand("Authentication cancelled")
        try:
            data = base64.b64decode(response, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadCommand("Invalid SASL argument") from exc
        if mechanism == "PLAIN":
            parts = data.split(b"\0")
            if len(parts) != 3:
                raise BadCommand("Invalid SASL PLAIN response")
            authzid, authcid, password = (p.decode("utf-8", "replace") for p in parts)
            if (authzid and authzid.lower() != authcid.lower()) or not self.server.check_password(authcid, password):
                raise CommandFailed(FAILED)
            return self.logged_in(authcid)
        user, token = _parse_bearer(mechanism, data)
        if user and token and self.server.check_token(user, token):
            return self.logged_in(user)
        error = XOAUTH2_ERROR if mechanism == "XOAUTH2" else OAUTHBEARER_ERROR
        self.send("+ " + base64.b64encode(json.dumps(error, separators=(",", ":")).encode()).decode())
        await self.writer.drain()
        await read_line(self.reader)  # Google's doc: the client answers with an empty line
        raise CommandFailed(FAILED)

    # --- authenticated state ---

    async def cmd_idle(self, args: list[Token]) -> str:
        self.send("+ idling")
        reading = asyncio.ensure_future(read_line(self.reader))
        waking: asyncio.Future[Any] | None = None
        try:
            while True:
                self.wake.clear()
                with self.server.lock:
                    self.report_changes(allow_expunge=True)
                await self.writer.drain()
                waking = asyncio.ensure_future(self.wake.wait())
                watched: set[asyncio.Future[Any]] = {reading, waking}
                done, _ = await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
                if reading in done:
                    break
        finally:
            for task in (reading, waking):
                if task is not None and not task.done():
                    task.cancel()
        if reading.result().strip().upper() != b"DONE":
            raise BadCommand("Expected DONE")
        return "IDLE terminated (Success)"

    # --- selected state ---

    def targets(self, token: Token, uid: bool) -> list[tuple[int, int, GmailMessage]]:
        """(sequence number, uid, message) named by a sequence or UID set."""
        ranges = parse_sequence_set(as_atom(token, "message set"))
        messages = self.mailbox.messages
        if uid:
            wanted = set(resolve_set(ranges, [u for u, _ in self.view], uid=True))
            picked = [(i + 1, u, m) for i, (u, m) in enumerate(self.view) if u in wanted]
        else:
            seqs = resolve_set(ranges, list(range(1, len(self.view) + 1)), uid=False)
            picked = [(s, *self.view[s - 1]) for s in seqs]
        return [(s, u, messages[m]) for s, u, m in picked if m in messages]

    def writable(self) -> None:
        if self.readonly:
            raise CommandFailed("[READ-ONLY] Folder is read-only (Failure)")

    def cmd_close(self, args: list[Token], uid: bool) -> str:
        if not self.readonly:
            self.expunge(None)
        self.selected, self.view = None, []
        return "Returned to authenticated state. (Success)"

    def cmd_unselect(self, args: list[Token], uid: bool) -> str:
        self.selected, self.view = None, []
        return "Returned to authenticated state. (Success)"

    def expunge(self, only_uids: set[int] | None) -> None:
        assert self.selected is not None
        mailbox = self.mailbox
        for uid_, msgid in list(self.view):
            msg = mailbox.messages.get(msgid)
            if msg and "\\Deleted" in msg.flags and (only_uids is None or uid_ in only_uids):
                mailbox.expunge_from(msg, self.selected)
        mailbox.commit()

    def cmd_expunge(self, args: list[Token], uid: bool) -> str:
        self.writable()
        only = {u for _, u, _ in self.targets(args[0], True)} if uid and args else None
        self.expunge(only)
        return "Success"

    def cmd_search(self, args: list[Token], uid: bool) -> str:
        found = run_search(args, self.mailbox, self.view)
        self.send("* SEARCH" + "".join(f" {c.uid if uid else c.seq}" for c in found))
        return "SEARCH completed (Success)"

    def cmd_fetch(self, args: list[Token], uid: bool) -> str:
        if len(args) != 2:  # no fetch modifiers: CONDSTORE is not emulated
            raise BadCommand("FETCH takes a message set and data items")
        items = parse_fetch_items(args[1])
        if uid and not any(item.name == "UID" for item in items):
            items = [*parse_fetch_items("UID"), *items]
        for seq, uid_, msg in self.targets(args[0], uid):
            changed = False
            if not self.readonly and any(i.sets_seen for i in items) and "\\Seen" not in msg.flags:
                msg.flags.add("\\Seen")
                changed = True
            parts = [render(item, msg, uid_) for item in items]
            if changed and not any(item.name == "FLAGS" for item in items):
                parts.append(b"FLAGS " + format_flags(msg))
            line = f"* {seq} FETCH ".encode() + paren(parts)
            if any(item.name in _CONTENT for item in items):
                assert self.selected is not None
                self.server.downloads.append((self.mailbox.folder_name(self.selected), msg.msgid, len(line)))
            self.send(line)
        return "Success"

    def cmd_store(self, args: list[Token], uid: bool) -> str:
        if len(args) != 3:
            raise BadCommand("STORE takes a message set, an item and a value")
        self.writable()
        item = as_atom(args[1]).upper()
        silent = item.endswith(".SILENT")
        item = item.removesuffix(".SILENT")
        mode, what = (item[0], item[1:]) if item[:1] in "+-" else ("", item)
        if what not in ("FLAGS", "X-GM-LABELS"):
            raise BadCommand(f"Unsupported STORE item {item}")
        targets = self.targets(args[0], uid)
        mailbox = self.mailbox
        if what == "FLAGS":
            values = {flag_arg(f) for f in as_list(args[2])}
            for _, _, msg in targets:
                msg.flags = {"": values, "+": msg.flags | values, "-": msg.flags - values}[mode]
                if self.server.auto_expunge and "\\Deleted" in msg.flags:
                    assert self.selected is not None
                    mailbox.expunge_from(msg, self.selected)
        else:
            labels = {_label_arg(t) for t in as_list(args[2])}
            for _, _, msg in targets:
                current = msg.effective_labels()
                remove = current - labels if mode == "" else labels if mode == "-" else set()
                for label in remove:
                    mailbox.remove_label(msg, label)
                for label in (labels if mode in ("", "+") else set()):
                    mailbox.add_label(msg, label)
        mailbox.commit()
        if not silent:
            for seq, uid_, msg in targets:
                value = b"FLAGS " + format_flags(msg) if what == "FLAGS" else b"X-GM-LABELS " + format_labels(msg)
                parts = ([f"UID {uid_}".encode()] if uid else []) + [value]
                self.send(f"* {seq} FETCH ".encode() + paren(parts))
        return "Success"

    def copy(self, args: list[Token], uid: bool) -> tuple[str, list[tuple[int, int, GmailMessage]], str]:
        if len(args) != 2:
            raise BadCommand("COPY/MOVE take a message set and a mailbox")
        targets = self.targets(args[0], uid)
        name = self.folder_arg(args[1])
        key = self.mailbox.folder_key(name)
        if key is None:
            raise CommandFailed(f"[TRYCREATE] Folder doesn't exist: {name} (Failure)")
        for _, _, msg in targets:
            self.mailbox.copy_into(msg, key)
        self.mailbox.commit()
        state = self.mailbox.folders[key]
        pairs = [(u, state.uids[m.msgid]) for _, u, m in targets if m.msgid in state.uids]
        code = ""
        if pairs:
            code = f"[COPYUID {state.uidvalidity} {compress_set(p[0] for p in pairs)} "
            code += f"{compress_set(p[1] for p in pairs)}] "
        return key, targets, code

    def cmd_copy(self, args: list[Token], uid: bool) -> str:
        _, _, code = self.copy(args, uid)
        return f"{code}(Success)"

    def cmd_move(self, args: list[Token], uid: bool) -> str:
        self.writable()
        key, targets, code = self.copy(args, uid)
        assert self.selected is not None
        if key != self.selected:
            for _, _, msg in targets:
                self.mailbox.move_out_of(msg, self.selected)
            self.mailbox.commit()
        if code:
            self.send(f"* OK {code.strip()}")
        return "Success"


def _label_arg(token: Token) -> str:
    text = as_text(token, "label")
    try:
        return label_from_wire(decode_mutf7(text))
    except ValueError as exc:
        raise BadCommand(f"Invalid label {text!r}: {exc}") from exc


def _parse_bearer(mechanism: str, data: bytes) -> tuple[str | None, str | None]:
    """(user, token) from an XOAUTH2 or OAUTHBEARER (RFC 7628) initial response."""
    text = data.decode("utf-8", "replace")
    fields = text.split("\x01")
    user: str | None = None
    token: str | None = None
    if mechanism == "XOAUTH2":
        if fields and fields[0].startswith("user="):
            user = fields[0][5:]
    else:
        gs2 = fields[0].split(",") if fields else []
        if len(gs2) >= 2 and gs2[1].startswith("a="):
            user = gs2[1][2:].replace("=2C", ",").replace("=3D", "=")
    for field in fields[1:]:
        if field.lower().startswith("auth=bearer "):
            token = field[len("auth=bearer "):].strip()
    return user, token
