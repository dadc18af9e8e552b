"""Parsing incoming mail in processes of their own, so that a parse never holds this process's interpreter lock.

The email package is pure Python: parsing a message in a thread of the app holds the interpreter lock for as long
as it runs, and every other thread (the GUI's, which must never wait more than 50 ms) waits for it in turns. Here a
parse is sent to a child process through a pipe; the asking thread waits on the pipe with the lock released.

A child is fed hostile mail, so it is treated as something that may fail in any way:

- each parse has a time limit (``timeout_s``): a child that overruns it is killed, and the parse raises
  :class:`ParseFailed` saying so;
- a child that dies (a crash, its memory limit ``memory_bytes`` reached) or answers garbage is replaced: that
  parse raises :class:`ParseFailed`, the next one starts a fresh child;
- what a child answers is unpickled with only the result's own classes allowed (no more trusted than the mail);
- children end with their parent: :meth:`MessageParser.close` kills them, and a child whose parent died reads the
  end of its pipe and exits.

What crosses the pipes costs the app's interpreter lock little: a cached message can be sent as the store keeps
it (``compressed``: the child decompresses it), a message for a reader comes back made ready for it
(``for_reading``: the HTML sanitised, the texts shown instead of the texts they were made from, and large
attachments without their bytes; see :mod:`.reading`), and an answer is read straight into memory the kernel
zeroes, then unpickled (the only copy made with the lock held).

At most ``processes`` children run at once (the message being opened, one cached, an attachment's parse); a parse
that finds them all busy waits for one, within its time limit. When no child can be started at all (no Python to
run), parsing happens in the calling thread, as before this module, rather than not at all.

A child is this interpreter running :func:`child_main` (a frozen bundle's executable is started with
:data:`CHILD_ARGUMENT` instead, and its entry point calls :func:`child_main`).
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import logging
import mmap
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..store.bodytext import body_text
from .mime import ParsedAttachment, ParsedMessage, parse_message
from .reading import READING_BYTES, ForReading, for_reading

__all__ = ["CHILD_ARGUMENT", "MessageParser", "ParseFailed", "ParseResult", "child_main"]

log = logging.getLogger(__name__)

CHILD_ARGUMENT = "--facteur-parse-messages"
"""What a frozen bundle's executable is started with to be a child (its entry point calls :func:`child_main`)."""

DEFAULT_TIMEOUT_S = 20.0
DEFAULT_MEMORY_BYTES = 3 * 1024**3
_REQUEST = struct.Struct(">QBQ")  # raw message's length, flags, attachment bytes kept for reading
_ANSWER = struct.Struct(">Q")  # pickled answer's length
_PARTIAL, _WITH_TEXT, _COMPRESSED, _FOR_READING = 1, 2, 4, 8
_EVERY_BYTE = (1 << 64) - 1  # kept_bytes=None
_CHUNK = 1 << 20
_PIPE_BYTES = 1 << 20  # each pipe's capacity, when the system allows it (fewer wake-ups for a big message)


class ParseFailed(Exception):
    """A message could not be parsed in a child process (it took too long, or the child died); the message is
    named by its caller. The next parse works: the child is replaced."""


@dataclass(frozen=True)
class ParseResult:
    message: ParsedMessage
    """The parsed message; for a reader (``for_reading``), its headers and listed attachments only, its texts
    being in ``reading``."""
    text: str | None = None
    """The message's searchable text (``connectors.store.bodytext.body_text``), when asked for."""
    reading: ForReading | None = None
    """What a reader shows (``for_reading``): see :func:`.reading.for_reading`."""


def _parsed(raw: bytes, flags: int, kept_bytes: int | None) -> ParseResult:
    if flags & _COMPRESSED:
        raw = zlib.decompress(raw)
    message = parse_message(raw, partial=bool(flags & _PARTIAL))
    text = body_text(raw) if flags & _WITH_TEXT else None
    if flags & _FOR_READING:
        headers, reading = for_reading(message, kept_bytes)
        return ParseResult(headers, text, reading)
    return ParseResult(message, text)


# -- the child -----------------------------------------------------------------------------------------------------


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    buffer = bytearray()
    while len(buffer) < size:
        chunk = stream.read(min(_CHUNK, size - len(buffer)))
        if not chunk:
            return None
        buffer += chunk
    return bytes(buffer)


def _limit_memory(limit: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass  # not enforced on this system: the time limit still holds


def child_main(memory_bytes: int = DEFAULT_MEMORY_BYTES) -> int:
    """Answer parse requests on stdin until it ends: one pickled ``("ok", ParseResult)`` or ``("error", reason)``
    per request, on stdout."""
    _limit_memory(memory_bytes)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing printed by a library may corrupt the answers
    while True:
        header = _read_exactly(stdin, _REQUEST.size)
        if header is None:
            return 0
        size, flags, kept = _REQUEST.unpack(header)
        raw = _read_exactly(stdin, size)
        if raw is None:
            return 0
        try:
            result = _parsed(raw, flags, None if kept == _EVERY_BYTE else kept)
            answer = pickle.dumps(("ok", result), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - a hostile message (RecursionError, MemoryError...): said, and the child goes on
            answer = pickle.dumps(("error", type(exc).__name__), protocol=pickle.HIGHEST_PROTOCOL)
        stdout.write(_ANSWER.pack(len(answer)))
        stdout.write(answer)
        stdout.flush()


# -- the parent ----------------------------------------------------------------------------------------------------

_ALLOWED = {
    (ParseResult.__module__, "ParseResult"), (ParsedMessage.__module__, "ParsedMessage"),
    (ParsedAttachment.__module__, "ParsedAttachment"), (ForReading.__module__, "ForReading"),
    ("datetime", "datetime"), ("datetime", "timezone"),
    ("datetime", "timedelta"), ("builtins", "set"), ("builtins", "frozenset"),
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"a parsing process answered with {module}.{name}")
        return super().find_class(module, name)


def _load_answer(data: bytes | mmap.mmap) -> ParseResult:
    answer = _Unpickler(io.BytesIO(data) if isinstance(data, bytes) else data).load()
    if not (isinstance(answer, tuple) and len(answer) == 2):
        raise ParseFailed("the parsing process gave a malformed answer")
    status, value = answer
    if (status == "ok" and isinstance(value, ParseResult) and isinstance(value.message, ParsedMessage)
            and (value.reading is None or isinstance(value.reading, ForReading))):
        return value
    if status == "error":
        raise ParseFailed(f"the message could not be parsed ({value})")
    raise ParseFailed("the parsing process gave a malformed answer")


def _child_command(argument: str = CHILD_ARGUMENT, module: str = __name__) -> list[str]:
    """This interpreter running ``module``'s ``child_main`` (a frozen bundle: its executable with ``argument``,
    which its entry point dispatches)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, argument]
    return [sys.executable, "-I", "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
            f"from {module} import child_main; sys.exit(child_main())",
            str(Path(__file__).resolve().parents[2])]


class _Child:
    """One child process and its two pipes (non-blocking on this side); ``command``: another module's child (the
    header sync's, ``connectors.sync.header_process``), this module's by default."""

    def __init__(self, command: list[str] | None = None) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - this interpreter, running this module
            command or _child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            bufsize=0, close_fds=True)
        assert self.process.stdin is not None and self.process.stdout is not None
        self._in, self._out = self.process.stdin.fileno(), self.process.stdout.fileno()
        self.reused = False  # it has parsed before the request it has now
        for fd in (self._in, self._out):
            os.set_blocking(fd, False)
            with contextlib.suppress(OSError, AttributeError):  # not Linux, or over the user's pipe allowance
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def _wait_for(self, fd: int, event: int, deadline: float) -> None:
        poller = select.poll()
        poller.register(fd, event | select.POLLERR | select.POLLHUP)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            if poller.poll(max(1, int(left * 1000))):
                return

    def _write(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            self._wait_for(self._in, select.POLLOUT, deadline)
            try:
                written = os.write(self._in, view[:_CHUNK])
            except BlockingIOError:
                continue
            view = view[written:]

    def _read_into(self, buffer: memoryview, deadline: float) -> None:
        """Fill ``buffer`` from the child's answers (the kernel copies into it, the interpreter lock released)."""
        got = 0
        while got < len(buffer):
            self._wait_for(self._out, select.POLLIN, deadline)
            try:
                count = os.readv(self._out, [buffer[got:]])
            except BlockingIOError:
                continue
            if not count:
                raise EOFError
            got += count

    def _read(self, size: int, deadline: float) -> bytes:
        """``size`` bytes of the child's answers (how the header sync's child, ``connectors.sync.header_process``,
        reads its own)."""
        buffer = bytearray(size)
        with memoryview(buffer) as view:
            self._read_into(view, deadline)
        return bytes(buffer)

    def ask(self, raw: bytes, flags: int, kept_bytes: int | None, deadline: float) -> mmap.mmap:
        """The child's pickled answer, in memory of its own (an anonymous map: the kernel zeroes its pages as they
        are written, not this thread beforehand). The caller closes it."""
        self._write(_REQUEST.pack(len(raw), flags, _EVERY_BYTE if kept_bytes is None else kept_bytes), deadline)
        self._write(raw, deadline)
        header = bytearray(_ANSWER.size)
        self._read_into(memoryview(header), deadline)
        size = _ANSWER.unpack(header)[0]
        answer = mmap.mmap(-1, max(1, size))
        try:
            with memoryview(answer) as view, view[:size] as target:
                self._read_into(target, deadline)
        except BaseException:
            with contextlib.suppress(BufferError):  # still lent out: freed with its last reference instead
                answer.close()
            raise
        return answer

    def kill(self) -> None:
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL not taken within 5 s
            log.warning("A parsing process (%d) did not end after SIGKILL", self.process.pid)


class MessageParser:
    """Parses messages in up to ``processes`` child processes (see the module's docstring). Thread-safe."""

    def __init__(self, *, processes: int = 2, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self._most = max(1, processes)
        self._timeout_s = timeout_s
        self._lock = threading.Condition()
        self._idle: list[_Child] = []
        self._busy: set[_Child] = set()
        self._starting = 0
        self._generation = 0  # bumped by close(): children busy meanwhile are killed when they come back
        self._unavailable = False

    @property
    def pids(self) -> list[int]:
        """The children's process ids (tests)."""
        with self._lock:
            return sorted(child.pid for child in (*self._idle, *self._busy))

    @property
    def ready(self) -> bool:
        """A child is waiting for a message, its imports done."""
        with self._lock:
            return bool(self._idle)

    def start(self) -> None:
        """Start a child ahead of the first parse (its imports take half a second), in the background: it parses
        an empty message, and waits."""
        def warm() -> None:
            try:
                self.parse(b"")
            except ParseFailed:
                log.warning("A parsing process could not be started ahead of the first message", exc_info=True)

        if not self.ready:
            threading.Thread(target=warm, name="parser-start", daemon=True).start()

    @property
    def busy_pids(self) -> list[int]:
        """The process ids of the children parsing now (tests)."""
        with self._lock:
            return sorted(child.pid for child in self._busy)

    def parse(self, raw: bytes, *, partial: bool = False, with_text: bool = False, compressed: bool = False,
              for_reading: bool = False, kept_bytes: int | None = READING_BYTES,
              timeout_s: float | None = None) -> ParseResult:
        """``parse_message(raw, partial=partial)`` (and the searchable text ``with_text``), in a child process.
        ``compressed``: ``raw`` is zlib-compressed (as the store keeps bodies). ``for_reading``: the message made
        ready for a reader, with attachment bytes up to ``kept_bytes`` (see :func:`.reading.for_reading`).
        Raises :class:`ParseFailed` when the child takes longer than the time limit (``timeout_s``, else the
        parser's) or dies."""
        limit = self._timeout_s if timeout_s is None else timeout_s
        deadline = time.monotonic() + limit
        flags = ((_PARTIAL if partial else 0) | (_WITH_TEXT if with_text else 0)
                 | (_COMPRESSED if compressed else 0) | (_FOR_READING if for_reading else 0))
        while True:
            generation = self._generation
            child = self._take(deadline)
            if child is None:  # no child can be started here: parse in this thread
                return _parsed(raw, flags, kept_bytes)
            ok = False
            try:
                data = child.ask(raw, flags, kept_bytes, deadline)
                ok = True
                break
            except TimeoutError:
                raise ParseFailed(f"reading it took longer than {limit:g} s") from None
            except (EOFError, OSError):
                # A child that had parsed before may have died idle (its end not noticed yet): once more, in a new
                # one. A new child that dies died of this message; one killed by close() is not replaced.
                if child.reused and generation == self._generation:
                    continue
                child.process.poll()
                raise ParseFailed("the process reading it stopped "
                                  f"(exit status {child.process.returncode})") from None
            finally:
                self._give_back(child, generation, ok=ok)
        try:
            with data:
                return _load_answer(data)
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as exc:
            raise ParseFailed(f"the parsing process gave a malformed answer ({exc})") from None

    def _take(self, deadline: float) -> _Child | None:
        with self._lock:
            while True:
                while self._idle:
                    child = self._idle.pop()
                    if child.alive():
                        self._busy.add(child)
                        child.reused = True
                        return child
                    child.kill()  # died while idle: replaced
                if self._unavailable:
                    return None
                if len(self._busy) + self._starting < self._most:
                    self._starting += 1
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ParseFailed("every parsing process stayed busy")
                self._lock.wait(left)
        try:
            child = _Child()
        except OSError:
            log.warning("No parsing process could be started: messages are parsed in the app itself",
                        exc_info=True)
            with self._lock:
                self._starting -= 1
                self._unavailable = True
                self._lock.notify_all()
            return None
        with self._lock:
            self._starting -= 1
            self._busy.add(child)
        return child

    def _give_back(self, child: _Child, generation: int, *, ok: bool) -> None:
        with self._lock:
            self._busy.discard(child)
            keep = ok and generation == self._generation and child.alive()
            if keep:
                self._idle.append(child)
            self._lock.notify_all()
        if not keep:
            child.kill()

    def close(self) -> None:
        """Kill every child (those parsing now as soon as their answer or failure is in). A later parse starts a
        new one."""
        with self._lock:
            self._generation += 1
            idle, self._idle = self._idle, []
            busy = list(self._busy)
        for child in idle:
            child.kill()
        for child in busy:  # a parse stuck in a child ends now, with ParseFailed
            if child.alive():
                child.process.kill()
