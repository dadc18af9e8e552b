"""A header sync's rows made in a child process while the engine's thread reads the socket (issue 13.1).

A first sync of a large folder spends most of its CPU time in Python that holds the interpreter lock: cutting the
FETCH answers into responses and parsing them (``connectors.messaging.fetch_stream``, ~16 µs per message), then
making the store's rows (``summaries.row_from_fetch``, ~26 µs), while the writer thread's own Python
(``MailStore.add_rows``) waits for the same lock. With :class:`HeaderRowsProcess`, the engine's thread only reads
the socket (TLS is decrypted in C, the lock released) and writes the answer's bytes to a child process as they
arrive; the child runs the very same code on them (``read_fetch_answer``, and ``row_from_fetch`` for each response
as soon as it is whole) and sends the rows back as ``marshal`` of plain tuples (~3 µs per row both ways; pickle
costs about twice as much).

Where an answer ends is known only by cutting it (a literal may hold any bytes), which the child does. The parent
looks for its tagged completion with one ``bytes.find`` per chunk: every real completion follows a CRLF, so it
stops at each ``CRLF tag SP`` it sees, sends the bytes up to the end of that line and asks the child; the child
answers with the rows if its cut ended there, or "more" if those bytes were inside a literal or a line (a message
quoting the random tag: it only costs a round trip). Nothing past the completion is ever read off imaplib's file.

Everything else is as in the engine's own thread: the UIDs keyed and merged the same way over the commands of one
``IMAPConnector.fetch`` (the child keeps their data until the next one), other untagged responses filed in
imaplib's list in their order, IMAPClient's parse errors raised after the completion is checked, a broken link
leaving in the caller's dict the rows of the answers received whole (the child is told the stream ended, and
answers with those). The rows are ``row_from_fetch``'s (``tests/connectors/sync/test_header_process.py`` compares
both ways on generated and odd mail, through a real Dovecot).

The child is fed hostile mail and treated like the parse pool's (``connectors.messaging.parse_process``, whose
child starting and pipes this reuses): every wait on it is bounded (``timeout_s``); what it answers is checked
before use; one that dies, overruns or answers garbage makes that FETCH fail as a broken link would (the engine
reconnects and goes on, as after any cut) and is not used again, the engine then making rows itself; it has a
memory limit, ends with the sync (:meth:`HeaderRowsProcess.close`) and, when the app dies, reads the end of its
pipe and exits. Where no child can be started (no Python to run; no ``select.poll``, as on Windows), the engine
makes the rows in its own thread, as before.
"""

from __future__ import annotations

import fcntl
import imaplib
import io
import logging
import marshal
import os
import re
import select
import struct
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from ..messaging.fetch_stream import FetchData, read_fetch_answer
from ..messaging.parse_process import _Child, _child_command, _limit_memory, _read_exactly
from ..store.rows import INSERT_COLUMNS
from .summaries import row_from_fetch

__all__ = ["CHILD_ARGUMENT", "MADE", "HeaderRowsProcess", "child_main"]

log = logging.getLogger(__name__)

CHILD_ARGUMENT = "--facteur-header-rows"
"""What a frozen bundle's executable is started with to be a header child (its entry point calls
:func:`child_main`)."""

MADE = b"FACTEUR ROW"
"""In a FETCH data dict filled by the child's reader: ``(row, dated)`` as ``row_from_fetch`` returns them (the dict
holds nothing else but ``SEQ``)."""

DEFAULT_TIMEOUT_S = 60.0
MEMORY_BYTES = 2 * 1024**3
_FRAME = struct.Struct(">cI")  # to the child: kind, payload's length
_ANSWER = struct.Struct(">I")  # to the parent: marshal's length
_BEGIN, _DATA, _SYNC, _END = b"B", b"D", b"S", b"E"
_CHUNK = 1 << 16
_ROWS_EVERY = 256
_PIPE_SIZE = 1 << 20
_F_SETPIPE_SZ = 1031  # Linux's fcntl for a pipe's size: the socket's bytes wait there, not in the socket
_imaplib: Any = imaplib


# -- the child -----------------------------------------------------------------------------------------------------


class _ParentGone(Exception):
    """The parent closed the pipe: the child ends."""


class _Frames:
    """The parent's frames; in an answer, the socket's bytes as the parent sent them (its data frames), read by
    :class:`_Stream`. Asked for more bytes at a sync frame, it answers "more": everything sent was cut and held
    no completion."""

    def __init__(self, stdin: BinaryIO, answer: Callable[[Any], None]) -> None:
        self._stdin = stdin
        self._answer = answer
        self._data = memoryview(b"")
        self.ended = False

    def frame(self) -> tuple[bytes, bytes]:
        header = _read_exactly(self._stdin, _FRAME.size)
        if header is None:
            raise _ParentGone
        kind, size = _FRAME.unpack(header)
        payload = _read_exactly(self._stdin, size) if size else b""
        if payload is None:
            raise _ParentGone
        return kind, payload

    def begin(self) -> None:
        self._data = memoryview(b"")
        self.ended = False

    def readinto(self, buffer: Any) -> int:
        while not self._data:
            if self.ended:
                return 0
            kind, payload = self.frame()
            if kind == _DATA:
                self._data = memoryview(payload)
            elif kind == _SYNC:
                self._answer(("more",))
            elif kind == _END:  # the link broke: the answers received whole are wanted
                self.ended = True
                return 0
            else:
                raise _ParentGone  # a new command in the middle of an answer: the parent is not following
        size = min(len(buffer), len(self._data))
        buffer[:size] = self._data[:size]
        self._data = self._data[size:]
        return size


class _Stream(io.RawIOBase):
    """One answer's bytes, for a BufferedReader (one per answer: what a failed answer left buffered goes with it,
    and closing it leaves the frames open)."""

    def __init__(self, frames: _Frames) -> None:
        super().__init__()
        self._frames = frames

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._frames.readinto(buffer)


class _Answer(imaplib.IMAP4):
    """imaplib reading the parent's bytes instead of a socket: the attributes ``read_fetch_answer`` uses, and the
    untagged responses it files, kept in order for the parent."""

    def __init__(self, file: io.BufferedReader, tagre: bytes, utf8: bool) -> None:  # noqa: D107
        # No super().__init__(): it would connect.
        self.debug = 0
        self.untagged_responses: dict[str, list[Any]] = {}
        self.tagged_commands: dict[bytes, Any] = {}
        self.filed: list[tuple[str, Any]] = []
        if utf8:
            self._mode_utf8()
        else:
            self._mode_ascii()
        self.tagre = re.compile(tagre, re.ASCII)  # type: ignore[arg-type]  # imaplib matches bytes (stubs: str)
        self.file = file

    def _append_untagged(self, typ: str, dat: Any) -> None:
        self.filed.append((typ, dat))
        super()._append_untagged(typ, dat)  # type: ignore[misc]  # imaplib's, left out of its stubs


def _seq(data: dict[bytes, Any]) -> int:
    try:
        return int(data.get(b"SEQ") or 0)
    except (TypeError, ValueError):
        return 0


def child_main(memory_bytes: int = MEMORY_BYTES) -> int:
    """Answer the parent's FETCH answers with their rows until its pipe ends (see the module's docstring)."""
    _limit_memory(memory_bytes)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing printed by a library may corrupt the answers

    def answer(value: Any) -> None:
        data = marshal.dumps(value)
        stdout.write(_ANSWER.pack(len(data)))
        stdout.write(data)
        stdout.flush()

    frames = _Frames(stdin, answer)
    answer(("ready",))
    fetched: FetchData = {}
    try:
        while True:
            kind, payload = frames.frame()
            if kind != _BEGIN:
                continue  # the rest of an answer that failed, or the sync frame after a completed one
            tag, tagre, utf8, folder_id, max_line, normalise_times, first = marshal.loads(payload)  # noqa: S302 - the parent's
            if first:
                fetched = {}
            made: dict[int, tuple[int, int, tuple[Any, ...], bool]] = {}
            pending: list[int] = []  # UIDs whose data changed since their row was made

            def rows(folder_id: int = folder_id, fetched: FetchData = fetched,
                     made: dict[int, tuple[int, int, tuple[Any, ...], bool]] = made,
                     pending: list[int] = pending) -> list[tuple[int, int, tuple[Any, ...], bool]]:
                for uid in pending:
                    data = fetched[uid]
                    row, dated = row_from_fetch(folder_id, uid, data)
                    made[uid] = (uid, _seq(data), row, dated)
                pending.clear()
                return list(made.values())

            def on_fetch(uids: Iterable[int], pending: list[int] = pending, rows: Callable[[], Any] = rows) -> None:
                # Rows are made a few hundred at a time: one per response, between parses, costs a third more.
                pending.extend(uids)
                if len(pending) >= _ROWS_EVERY:
                    rows()

            frames.begin()
            imap = _Answer(io.BufferedReader(_Stream(frames), _CHUNK), tagre, utf8)
            _imaplib._MAXLINE = max_line
            try:
                typ, lines, parse_error = read_fetch_answer(imap, tag, fetched, normalise_times, on_fetch=on_fetch)
            except _ParentGone:
                raise
            except (imaplib.IMAP4.error, OSError, EOFError) as exc:
                if frames.ended:
                    answer(("cut", rows()))
                else:
                    answer(("failed", "abort" if isinstance(exc, imaplib.IMAP4.abort) else "error", str(exc),
                            rows()))
            except Exception as exc:  # noqa: BLE001 - hostile mail (MemoryError...): said, and the parent gives up on this child
                answer(("failed", "crash", type(exc).__name__, []))
            else:
                error = None if parse_error is None else (type(parse_error).__name__, str(parse_error))
                answer(("done", typ, lines[0], rows(), imap.filed, error))
    except _ParentGone:
        return 0


# -- the parent ----------------------------------------------------------------------------------------------------


class _ChildFailed(Exception):
    """The child died, overran its time or answered garbage."""


def _parse_error(error: Any) -> Exception | None:
    """IMAPClient's parse error as the child named it, rebuilt (the caller raises it, as the in-process path)."""
    if error is None:
        return None
    from imapclient import exceptions

    name, message = error
    kind = getattr(exceptions, str(name), None)
    if not (isinstance(kind, type) and issubclass(kind, Exception)):
        kind = {"ValueError": ValueError, "IndexError": IndexError, "TypeError": TypeError,
                "KeyError": KeyError}.get(str(name), exceptions.ProtocolError)
    return kind(str(message))


class HeaderRowsProcess:
    """One child process making a header sync's rows (see the module's docstring); one engine thread uses it."""

    def __init__(self, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self._timeout_s = timeout_s
        self._child: _Child | None = None
        self._ready = False
        self._unusable = False

    @property
    def pid(self) -> int | None:
        """The child's process id (tests)."""
        return None if self._child is None else self._child.pid

    def start(self) -> None:
        """Start the child, if none runs yet (its imports take a few tenths of a second: it says when it is
        ready, and :meth:`reader` offers it only then)."""
        if self._child is not None or self._unusable:
            return
        if not hasattr(select, "poll"):
            self._unusable = True  # Windows: the rows are made in the engine's thread
            return
        try:
            self._child = _Child(_child_command(CHILD_ARGUMENT, __name__))
        except OSError:
            log.warning("No process could be started to make header rows: they are made in the sync's thread",
                        exc_info=True)
            self._unusable = True
            return
        try:
            fcntl.fcntl(self._child.process.stdin.fileno(), _F_SETPIPE_SZ, _PIPE_SIZE)  # type: ignore[union-attr]
        except OSError:
            pass  # the default size works too, in smaller steps

    def reader(self, folder_id: int) -> Callable[[Any, bytes, FetchData, bool, bool],
                                                  tuple[str, list[bytes], Exception | None]] | None:
        """What ``IMAPConnector.fetch`` takes as ``reader`` to have rows made for ``folder_id`` by the child (in
        its data dicts, under :data:`MADE`), when the child is up and ready; else None."""
        if not self.ready():
            return None  # not started, given up, or still importing: this batch is made in the sync's thread

        def read(imap: Any, tag: bytes, into: FetchData, normalise_times: bool,
                 first: bool) -> tuple[str, list[bytes], Exception | None]:
            return self._read_answer(folder_id, imap, tag, into, normalise_times, first)

        return read

    def ready(self, timeout_s: float = 0.0) -> bool:
        """Whether the child is ready for answers, waiting up to ``timeout_s`` for it to say so."""
        child = self._child
        if child is None or self._unusable:
            return False
        if not self._ready:
            if not self._has_answer(timeout_s):
                if not child.alive():
                    self._give_up("it ended before it was ready")
                return False
            try:
                answer = self._receive(time.monotonic() + self._timeout_s)
            except _ChildFailed as exc:
                self._give_up(str(exc))
                return False
            if answer != ("ready",):
                self._give_up("it did not say it was ready")
                return False
            self._ready = True
        return True

    def close(self) -> None:
        """End the child (a later :meth:`start` starts another)."""
        child, self._child = self._child, None
        self._ready = False
        if child is not None:
            child.kill()

    # -- one answer --------------------------------------------------------------------------------------------

    def _read_answer(self, folder_id: int, imap: Any, tag: bytes, into: FetchData, normalise_times: bool,
                     first: bool) -> tuple[str, list[bytes], Exception | None]:
        try:
            return self._stream(folder_id, imap, tag, into, normalise_times, first)
        except _ChildFailed as exc:
            self._give_up(str(exc))
            # The socket is somewhere in the middle of the answer: the connection cannot go on.
            raise imap.abort(f"the process making header rows failed ({exc})") from None

    def _stream(self, folder_id: int, imap: Any, tag: bytes, into: FetchData, normalise_times: bool,
                first: bool) -> tuple[str, list[bytes], Exception | None]:
        file = imap.file
        self._send(_BEGIN, marshal.dumps((tag, imap.tagre.pattern, bool(getattr(imap, "utf8_enabled", False)),
                                          folder_id, _imaplib._MAXLINE, normalise_times, first)))
        marker = b"\r\n" + tag + b" "
        keep = len(marker) - 1
        carry = b"\r\n"  # the last bytes sent, for a completion cut by a chunk's end (the first line counts too)
        candidate = False  # a "CRLF tag SP" was sent and the end of its line was not
        while True:
            try:
                chunk = file.peek(_CHUNK)
                if not chunk:
                    raise imap.abort("socket error: EOF")
            except (OSError, EOFError, imaplib.IMAP4.abort):
                self._received_whole(into)
                raise
            window = carry + chunk
            if candidate:
                eol = window.find(b"\r\n", len(carry) - 1)
            else:
                at = window.find(marker)
                candidate = at >= 0
                eol = window.find(b"\r\n", at + 2) if candidate else -1
            if eol < 0:
                file.read(len(chunk))
                self._send(_DATA, chunk)
                carry = window[-keep:]
                if self._has_answer():  # the child failed on what it was sent
                    self._finish(imap, into, self._receive(time.monotonic() + self._timeout_s))
                continue
            size = eol + 2 - len(carry)
            part = chunk[:size]
            file.read(size)
            self._send(_DATA, part)
            self._send(_SYNC, b"")
            reply = self._receive(time.monotonic() + self._timeout_s)
            if reply == ("more",):
                candidate = False
                carry = (carry + part)[-keep:]
                continue
            return self._finish(imap, into, reply)

    def _received_whole(self, into: FetchData) -> None:
        """After a cut: the rows of the answers that arrived whole, from the child, into ``into``."""
        try:
            self._send(_END, b"")
            reply = self._receive(time.monotonic() + self._timeout_s)
        except _ChildFailed as exc:
            self._give_up(str(exc))
            return
        if isinstance(reply, tuple) and len(reply) == 2 and reply[0] == "cut":
            try:
                self._deliver(into, reply[1])
            except _ChildFailed as exc:
                self._give_up(str(exc))

    def _finish(self, imap: Any, into: FetchData, reply: Any) -> tuple[str, list[bytes], Exception | None]:
        if isinstance(reply, tuple) and len(reply) == 4 and reply[0] == "failed":
            _, kind, message, made = reply
            if kind in ("abort", "error"):
                self._deliver(into, made)  # the answers received whole, as read_fetch_answer leaves them
            if kind == "abort":
                raise imap.abort(str(message))
            if kind == "error":
                raise imap.error(str(message))
            raise _ChildFailed(f"it failed ({message})")
        if not (isinstance(reply, tuple) and len(reply) == 6 and reply[0] == "done"):
            raise _ChildFailed("it gave a malformed answer")
        _, typ, line, made, filed, error = reply
        if not (isinstance(typ, str) and isinstance(line, bytes) and isinstance(filed, list)):
            raise _ChildFailed("it gave a malformed answer")
        self._deliver(into, made)
        for record in filed:
            if not (isinstance(record, tuple) and len(record) == 2 and isinstance(record[0], str)):
                raise _ChildFailed("it gave a malformed answer")
            imap._append_untagged(*record)  # noqa: SLF001
        bye = imap.untagged_responses.get("BYE")
        if bye:
            raise imap.abort(bye[-1].decode("ascii", "replace"))
        try:
            parse_error = _parse_error(error)
        except (TypeError, ValueError) as exc:
            raise _ChildFailed("it gave a malformed answer") from exc
        return typ, [line], parse_error

    @staticmethod
    def _deliver(into: FetchData, made: Any) -> None:
        if not isinstance(made, list):
            raise _ChildFailed("it gave a malformed answer")
        width = len(INSERT_COLUMNS.split(", "))
        for entry in made:
            if not (isinstance(entry, tuple) and len(entry) == 4):
                raise _ChildFailed("it gave a malformed answer")
            uid, seq, row, dated = entry
            if not (type(uid) is int and type(seq) is int and isinstance(row, tuple) and len(row) == width
                    and isinstance(dated, bool)):
                raise _ChildFailed("it gave a malformed answer")
            into[uid] = {b"SEQ": seq, MADE: (row, dated)}

    # -- the pipes ---------------------------------------------------------------------------------------------

    def _send(self, kind: bytes, payload: bytes) -> None:
        child = self._child
        if child is None:
            raise _ChildFailed("it was closed")
        data = _FRAME.pack(kind, len(payload)) + payload
        try:
            written = os.write(child._in, data)  # noqa: SLF001
        except BlockingIOError:
            written = 0
        except OSError as exc:
            raise _ChildFailed(f"its pipe broke ({exc})") from None
        if written < len(data):
            try:
                child._write(data[written:], time.monotonic() + self._timeout_s)  # noqa: SLF001
            except TimeoutError:
                raise _ChildFailed(f"it took longer than {self._timeout_s:g} s") from None
            except OSError as exc:
                raise _ChildFailed(f"its pipe broke ({exc})") from None

    def _has_answer(self, timeout_s: float = 0.0) -> bool:
        child = self._child
        if child is None:
            return False
        poller = select.poll()
        poller.register(child._out, select.POLLIN | select.POLLERR | select.POLLHUP)  # noqa: SLF001
        return bool(poller.poll(int(timeout_s * 1000)))

    def _receive(self, deadline: float) -> Any:
        child = self._child
        if child is None:
            raise _ChildFailed("it was closed")
        try:
            size = _ANSWER.unpack(child._read(_ANSWER.size, deadline))[0]  # noqa: SLF001
            data = child._read(size, deadline)  # noqa: SLF001
        except TimeoutError:
            raise _ChildFailed(f"it took longer than {self._timeout_s:g} s") from None
        except (EOFError, OSError):
            child.process.poll()
            raise _ChildFailed(f"it stopped (exit status {child.process.returncode})") from None
        try:
            # Not hostile bytes: what this module's code made of them (a child able to write anything else would
            # already run code as this user); what is used is checked (``_finish``, ``_deliver``).
            return marshal.loads(data)  # noqa: S302
        except (EOFError, ValueError, TypeError) as exc:
            raise _ChildFailed(f"it gave a malformed answer ({exc})") from None

    def _give_up(self, reason: str) -> None:
        log.warning("The process making header rows is given up (%s): they are made in the sync's thread", reason)
        self._unusable = True
        self.close()
