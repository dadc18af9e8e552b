"""IMAP4rev1 wire syntax for the loopback IMAP emulators (server side).

Emulated (RFC 3501 unless noted): reading one tagged command with its synchronizing ``{N}`` and
non-synchronizing ``{N+}`` literals (RFC 7888), tokenizing atoms, quoted strings, literals and
parenthesised lists (fetch attributes such as ``BODY.PEEK[HEADER.FIELDS (FROM)]<0.10>`` stay one
atom, as the grammar's brackets require), sequence sets with ranges and ``*``, the dates of SEARCH
and INTERNALDATE, quoting of response strings, and modified UTF-7 mailbox names (RFC 3501 §5.1.3).

Not emulated: the LITERAL- size limit of 4096 bytes for non-synchronizing literals (any size is
accepted), UTF8=ACCEPT (8-bit mailbox names are rejected, as a server without it must),
BINARY literals ``~{N}``.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import re
from collections.abc import Iterable, Sequence

Token = str | bytes | list["Token"]
"""A parsed argument: ``str`` for an atom, ``bytes`` for a quoted string or literal, ``list`` for
a parenthesised list. Keeping atoms and strings apart matters: ``NIL`` the atom is not ``"NIL"``."""

MAX_LITERAL = 64 * 1024 * 1024  # larger than any test message; bounds memory if a client misbehaves
LINE_LIMIT = 1024 * 1024

_LITERAL_AT_END = re.compile(rb"\{(\d+)(\+?)\}$")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class BadCommand(Exception):
    """The command is malformed: answered with a tagged BAD."""


class CommandFailed(Exception):
    """The command is well formed but cannot be carried out: answered with a tagged NO."""


class ConnectionGone(Exception):
    """The client closed the connection or sent more than the limits allow."""


class Literal(bytes):
    """A literal's payload, kept apart from the command text around it while reading."""


async def read_line(reader: asyncio.StreamReader) -> bytes:
    """One CRLF-terminated line without its terminator."""
    try:
        line = await reader.readuntil(b"\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError) as exc:
        raise ConnectionGone(str(exc)) from exc
    return line.rstrip(b"\r\n")


async def read_command(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> list[bytes | Literal]:
    """Text pieces and literal payloads of one command, in order, asking for synchronizing literals."""
    pieces: list[bytes | Literal] = []
    total = 0
    while True:
        line = await read_line(reader)
        match = _LITERAL_AT_END.search(line)
        if match is None:
            pieces.append(line)
            return pieces
        size = int(match.group(1))
        total += size
        if total > MAX_LITERAL:
            raise ConnectionGone("literal too large")
        pieces.append(line[: match.start()])
        if not match.group(2):
            # Gmail's wording; any text is allowed after "+".
            writer.write(b"+ go ahead\r\n")
            await writer.drain()
        try:
            pieces.append(Literal(await reader.readexactly(size)))
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            raise ConnectionGone(str(exc)) from exc


def tokenize(pieces: Iterable[bytes | Literal]) -> list[Token]:
    """Parse a command's pieces into tokens; raises BadCommand on unbalanced syntax."""
    root: list[Token] = []
    stack: list[list[Token]] = [root]
    for piece in pieces:
        if isinstance(piece, Literal):
            stack[-1].append(bytes(piece))
            continue
        _lex_text(piece, stack)
    if len(stack) != 1:
        raise BadCommand("Unbalanced parentheses")
    return root


def _lex_text(text: bytes, stack: list[list[Token]]) -> None:
    i, n = 0, len(text)
    while i < n:
        c = text[i : i + 1]
        if c == b" ":
            i += 1
        elif c == b"(":
            new: list[Token] = []
            stack[-1].append(new)
            stack.append(new)
            i += 1
        elif c == b")":
            if len(stack) == 1:
                raise BadCommand("Unbalanced parentheses")
            stack.pop()
            i += 1
        elif c == b'"':
            i += 1
            out = bytearray()
            while True:
                if i >= n:
                    raise BadCommand("Unterminated quoted string")
                ch = text[i]
                if ch == 0x5C:  # backslash
                    if i + 1 >= n or text[i + 1] not in b'"\\':
                        raise BadCommand("Invalid escape in quoted string")
                    out.append(text[i + 1])
                    i += 2
                elif ch == 0x22:
                    i += 1
                    break
                else:
                    out.append(ch)
                    i += 1
            stack[-1].append(bytes(out))
        else:
            start = i
            while i < n and text[i : i + 1] not in (b" ", b"(", b")"):
                if text[i : i + 1] == b"[":
                    end = text.find(b"]", i)
                    if end < 0:
                        raise BadCommand("Unterminated [")
                    i = end
                i += 1
            try:
                stack[-1].append(text[start:i].decode("ascii"))
            except UnicodeDecodeError as exc:
                raise BadCommand("8-bit characters in an atom") from exc


def as_text(token: Token, what: str = "argument") -> str:
    """An astring argument as text (atoms and strings alike)."""
    if isinstance(token, str):
        return token
    if isinstance(token, bytes):
        try:
            return token.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadCommand(f"{what} is not UTF-8") from exc
    raise BadCommand(f"{what} must not be a list")


def as_atom(token: Token, what: str = "argument") -> str:
    if not isinstance(token, str):
        raise BadCommand(f"{what} must be an atom")
    return token


def as_list(token: Token, what: str = "argument") -> list[Token]:
    if isinstance(token, list):
        return token
    return [token]  # a single flag/label may be sent without parentheses


# --- modified UTF-7 (RFC 3501 §5.1.3) ---


def encode_mutf7(name: str) -> str:
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            data = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(data).decode("ascii").rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return "".join(out)


def decode_mutf7(wire: str) -> str:
    """Raises ValueError for anything that is not modified UTF-7 (including raw 8-bit text)."""
    if any(not 0x20 <= ord(ch) <= 0x7E for ch in wire):
        raise ValueError("mailbox name is not 7-bit")
    out: list[str] = []
    i = 0
    while i < len(wire):
        ch = wire[i]
        if ch != "&":
            out.append(ch)
            i += 1
            continue
        end = wire.find("-", i)
        if end < 0:
            raise ValueError("unterminated modified base64")
        chunk = wire[i + 1 : end]
        if not chunk:
            out.append("&")
        else:
            b64 = chunk.replace(",", "/")
            raw = base64.b64decode(b64 + "=" * (-len(b64) % 4), validate=True)
            if len(raw) % 2:
                raise ValueError("odd UTF-16 length")
            out.append(raw.decode("utf-16-be"))
        i = end + 1
    return "".join(out)


# --- response formatting ---

_ATOM_SAFE = re.compile(r"[A-Za-z0-9!#$&'+,\-./:;<=>?@^_`|~]+")


def quoted(value: str | bytes) -> bytes:
    """A string for a response: quoted if 7-bit without CR/LF, else a literal."""
    data = value.encode("utf-8") if isinstance(value, str) else value
    if b"\r" in data or b"\n" in data or any(b > 0x7E for b in data):
        return b"{%d}\r\n" % len(data) + data
    return b'"' + data.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def astring(value: str) -> bytes:
    """An atom when the grammar allows one, else quoted; NIL is always quoted since it is a keyword."""
    if _ATOM_SAFE.fullmatch(value) and value.upper() != "NIL":
        return value.encode("ascii")
    return quoted(value)


def nstring(value: str | bytes | None) -> bytes:
    return b"NIL" if value is None else quoted(value)


def literal(data: bytes) -> bytes:
    return b"{%d}\r\n" % len(data) + data


def paren(items: Iterable[bytes]) -> bytes:
    return b"(" + b" ".join(items) + b")"


# --- sequence sets ---


def parse_sequence_set(text: str) -> list[tuple[int | None, int | None]]:
    """Ranges of a sequence set; ``None`` stands for ``*``."""
    ranges: list[tuple[int | None, int | None]] = []
    for part in text.split(","):
        ends = part.split(":")
        if len(ends) not in (1, 2) or not all(ends):
            raise BadCommand(f"Invalid sequence set {text!r}")
        values: list[int | None] = []
        for end in ends:
            if end == "*":
                values.append(None)
            elif end.isdigit() and int(end) > 0:
                values.append(int(end))
            else:
                raise BadCommand(f"Invalid sequence set {text!r}")
        ranges.append((values[0], values[-1]))
    return ranges


def is_sequence_set(text: str) -> bool:
    return bool(re.fullmatch(r"(\d+|\*)(:(\d+|\*))?(,(\d+|\*)(:(\d+|\*))?)*", text))


def resolve_set(
    ranges: Sequence[tuple[int | None, int | None]], existing: Sequence[int], *, uid: bool
) -> list[int]:
    """Members of ``existing`` (ascending) that the set names.

    ``*`` is the largest existing value, so ``UID 500:*`` still names the last message when every UID
    is below 500 (RFC 3501 §6.4.8) — clients fetching "everything from UIDNEXT on" must cope with it.
    """
    if not existing:
        return []
    star = existing[-1]
    wanted: list[tuple[int, int]] = []
    for low, high in ranges:
        a = star if low is None else low
        b = star if high is None else high
        lo, hi = min(a, b), max(a, b)
        if not uid and hi > len(existing):
            raise BadCommand("Invalid message sequence number")
        wanted.append((lo, hi))
    return [v for v in existing if any(lo <= v <= hi for lo, hi in wanted)]


def compress_set(values: Iterable[int]) -> str:
    """``1:3,7`` for UIDPLUS responses, in the order given."""
    out: list[str] = []
    run: list[int] = []
    for v in values:
        if run and v == run[-1] + 1:
            run.append(v)
            continue
        if run:
            out.append(str(run[0]) if len(run) == 1 else f"{run[0]}:{run[-1]}")
        run = [v]
    if run:
        out.append(str(run[0]) if len(run) == 1 else f"{run[0]}:{run[-1]}")
    return ",".join(out)


# --- dates ---


def parse_search_date(text: str) -> dt.date:
    """``1-Feb-1994`` (RFC 3501 date)."""
    match = re.fullmatch(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})", text)
    if not match:
        raise BadCommand(f"Invalid date {text!r}")
    month = match.group(2).capitalize()
    if month not in _MONTHS:
        raise BadCommand(f"Invalid date {text!r}")
    try:
        return dt.date(int(match.group(3)), _MONTHS.index(month) + 1, int(match.group(1)))
    except ValueError as exc:
        raise BadCommand(f"Invalid date {text!r}") from exc


def parse_internaldate(text: str) -> dt.datetime:
    """``17-Jul-1996 02:44:25 -0700`` as given to APPEND."""
    match = re.fullmatch(r" ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)", text)
    if not match or match.group(2).capitalize() not in _MONTHS:
        raise BadCommand(f"Invalid date-time {text!r}")
    sign = 1 if match.group(7) == "+" else -1
    offset = dt.timedelta(hours=int(match.group(8)), minutes=int(match.group(9))) * sign
    try:
        return dt.datetime(
            int(match.group(3)), _MONTHS.index(match.group(2).capitalize()) + 1, int(match.group(1)),
            int(match.group(4)), int(match.group(5)), int(match.group(6)), tzinfo=dt.timezone(offset),
        )
    except ValueError as exc:
        raise BadCommand(f"Invalid date-time {text!r}") from exc


def format_internaldate(when: dt.datetime) -> bytes:
    offset = when.utcoffset() or dt.timedelta()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    text = (
        f'"{when.day:2d}-{_MONTHS[when.month - 1]}-{when.year:04d} '
        f'{when.hour:02d}:{when.minute:02d}:{when.second:02d} {sign}{minutes // 60:02d}{minutes % 60:02d}"'
    )
    return text.encode("ascii")
