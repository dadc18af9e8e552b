"""The answer to one ``UID FETCH``, read off the socket in large chunks, with a narrow parser for its usual shape.

A 100k-message header sync spends most of its time in the generic path: imaplib reads each answer line by line
(a regular expression per line, a list append per piece), then IMAPClient's lexer walks every byte again in
Python. The engine's bulk FETCH has one shape, though::

    * 12 FETCH (UID 4242 FLAGS (\\Seen $Label1) RFC822.SIZE 3107 BODY[HEADER.FIELDS (FROM ...)] {218}
    <218 bytes>)

:func:`read_fetch_answer` reads the whole answer from imaplib's buffered socket file (never past the tagged
completion, so imaplib carries on as if it had read it itself), cuts it into responses the way imaplib does
(a line ending in ``{n}`` is followed by an n-byte literal), and hands each FETCH response to
:func:`parse_fetch_response_fast`. That parser accepts only what it can read exactly as IMAPClient would: the
items UID, FLAGS, RFC822.SIZE, MODSEQ, X-GM-THRID, X-GM-MSGID, X-GM-LABELS and ``BODY[section]`` given as a
literal or NIL, with plain atoms and simple quoted strings, single spaces, no leading zeros. Anything else
(another item, a quoted body, an escape, 8-bit bytes outside literals, odd spacing, a number IMAPClient would
keep as text) makes it return None, and that response goes to IMAPClient's own parser, rebuilt into the very
pieces imaplib would have produced. Other untagged responses (EXISTS, EXPUNGE, OK [...], BYE...) are filed in
imaplib's ``untagged_responses`` as imaplib files them. ``tests/connectors/test_fetch_stream.py`` checks
the fast parser against IMAPClient's on a large corpus of ordinary and hostile answers.
"""

from __future__ import annotations

import imaplib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from imapclient.response_parser import parse_fetch_response

__all__ = ["FAST_ITEMS", "fast_items", "parse_fetch_response_fast", "read_fetch_answer", "FetchData"]

FetchData = dict[int, dict[bytes, Any]]

# imaplib's internals that its typing stubs leave out (the imaplib instance itself is typed Any for the same
# reason): the line limit and the untagged-response pattern, used exactly as imaplib uses them.
_imaplib: Any = imaplib

# Items whose answers the fast parser reads (requested as these names; BODY.PEEK[...] and BODY[...] too).
FAST_ITEMS = frozenset({"UID", "FLAGS", "RFC822.SIZE", "MODSEQ", "X-GM-THRID", "X-GM-MSGID", "X-GM-LABELS"})

_CHUNK = 1 << 16
_BIG_LITERAL = 1 << 18  # literals this large are read in one call instead of chunk by chunk

_START = re.compile(rb"\* ([1-9][0-9]{0,19}) FETCH \(")
# A number as IMAPClient turns it into an int: digits without a leading zero (a lone 0 is fine).
_NUMBER = rb"(0|[1-9][0-9]{0,19})"
_SECTION = rb"(BODY\[[^\[\]\r\n\"\\]*\](?:<[0-9]{1,10}>)?)"
_ITEM = re.compile(
    rb"(?:(?:(UID|RFC822\.SIZE|X-GM-THRID|X-GM-MSGID) " + _NUMBER
    + rb"|(FLAGS|X-GM-LABELS) \(([^()\r\n]*)\)"
    + rb"|MODSEQ \(" + _NUMBER + rb"\)"
    + rb"|" + _SECTION + rb" NIL)( |\)\r\n)"
    + rb"|" + _SECTION + rb" \{(0|[1-9][0-9]{0,9})\}\r\n)"
)
# An atom as IMAPClient's lexer reads it and keeps as bytes: printable ASCII without IMAP's specials, the
# brackets its lexer treats apart, or a backslash anywhere but first.
_ATOM = rb"\\?[!#$&'+,\-./0-9:;<=>?@A-Z^_`a-z|~]+"
_FLAG_LIST = re.compile(rb"(?:" + _ATOM + rb"(?: " + _ATOM + rb")*)?")
_QUOTED = rb'"[ !#-\[\]-~]*"'  # printable ASCII, no quote, no backslash
_LABEL_LIST = re.compile(rb"(?:(?:" + _ATOM + rb"|" + _QUOTED + rb")(?: (?:" + _ATOM + rb"|" + _QUOTED + rb"))*)?")
_LABEL = re.compile(_ATOM + rb"|" + _QUOTED)
# The sync engine's answer as Dovecot and most servers write it, in one match: UID, FLAGS, RFC822.SIZE and one
# section as a literal, in that order, and nothing else.
_USUAL = re.compile(
    rb"\* ([1-9][0-9]{0,19}) FETCH \(UID " + _NUMBER + rb" FLAGS \(([^()\r\n]*)\) RFC822\.SIZE " + _NUMBER
    + rb" " + _SECTION + rb" \{(0|[1-9][0-9]{0,9})\}\r\n"
)


def fast_items(items: Sequence[str]) -> bool:
    """Whether every requested item is one the fast parser reads (else the whole FETCH takes the usual path)."""
    for item in items:
        name = item.upper()
        if name not in FAST_ITEMS and not name.startswith(("BODY[", "BODY.PEEK[")):
            return False
    return True


def _atoms(text: bytes) -> tuple[bytes, ...] | None:
    """Space-separated atoms that IMAPClient would keep as bytes (not NIL, not a number)."""
    if not text:
        return ()
    words = tuple(text.split(b" "))
    for word in words:
        if word == b"NIL" or word.isdigit():
            return None
    return words


def _labels(text: bytes) -> tuple[bytes, ...] | None:
    if not text:
        return ()
    out: list[bytes] = []
    for match in _LABEL.finditer(text):
        word = match.group()
        if word[:1] == b'"':
            out.append(word[1:-1])
        elif word == b"NIL" or word.isdigit():
            return None
        else:
            out.append(word)
    return tuple(out)


def parse_fetch_response_fast(response: bytes) -> tuple[int, dict[bytes, Any]] | None:
    """(UID, data) of one whole untagged FETCH response (``* n FETCH (...)\\r\\n``, literals included), as
    IMAPClient's ``parse_fetch_response(..., uid_is_key=True)`` would give it; None when the response is not
    of the narrow shape described in the module docstring (the caller then asks IMAPClient)."""
    usual = _USUAL.match(response)
    if usual is not None:
        seq, uid_text, flags, size_text, section, length = usual.groups()
        stop = usual.end() + int(length)
        if stop + 3 == len(response) and response.endswith(b")\r\n", stop) and _FLAG_LIST.fullmatch(flags):
            values = _atoms(flags)
            if values is not None:
                return int(uid_text), {b"SEQ": int(seq), b"FLAGS": values, b"RFC822.SIZE": int(size_text),
                                       section.upper(): response[usual.end():stop]}
    start = _START.match(response)
    if start is None:
        return None
    data: dict[bytes, Any] = {b"SEQ": int(start.group(1))}
    uid: int | None = None
    pos = start.end()
    item = _ITEM.match
    end = len(response)
    while True:
        match = item(response, pos)
        if match is None:
            return None
        number_item, number, list_item, list_text, modseq, nil_section, after, section, size = match.groups()
        pos = match.end()
        if number_item is not None:
            if number_item == b"UID":
                uid = int(number)
            else:
                data[number_item] = int(number)
        elif list_item is not None:
            if list_item == b"FLAGS":
                if _FLAG_LIST.fullmatch(list_text) is None:
                    return None
                values = _atoms(list_text)
            else:
                if _LABEL_LIST.fullmatch(list_text) is None:
                    return None
                values = _labels(list_text)
            if values is None:
                return None
            data[list_item] = values
        elif modseq is not None:
            data[b"MODSEQ"] = (int(modseq),)
        elif nil_section is not None:
            data[nil_section.upper()] = None
        else:
            # The literal: its bytes, then the rest of its line (" next-item" or ")\r\n").
            length = int(size)
            stop = match.end() + length
            if stop + 1 > end:
                return None
            data[section.upper()] = response[match.end():stop]
            tail = response[stop:stop + 1]
            if tail == b" ":
                pos = stop + 1
                continue
            if tail == b")" and stop + 3 == end and response.endswith(b"\r\n"):
                break
            return None
        if after != b" ":
            if pos != end:
                return None
            break
    if uid is None:
        return None  # keyed by sequence number: left to IMAPClient, whose keying the caller then sees
    return uid, data


def _records(imap: Any, response: bytes, literals: list[tuple[int, int]]) -> tuple[str, list[Any]]:
    """The type and the pieces imaplib's ``_get_response`` would file for this untagged response."""
    lines: list[bytes] = []
    pieces: list[bytes] = []
    cursor = 0
    for low, high in literals:
        lines.append(response[cursor:low - 2])  # the line up to its {n}, without CRLF
        pieces.append(response[low:high])
        cursor = high
    lines.append(response[cursor:len(response) - 2])
    for line in lines:
        if b"\n" in line or b"\r" in line:
            raise imap.abort(f"socket error: unterminated line: {line[:200]!r}")
    first = lines[0]
    data2: bytes | None = None
    match = _imaplib.Untagged_response.match(first)
    if match is None:
        match = imap.Untagged_status.match(first)
        if match is not None:
            data2 = match.group("data2")
    if match is None:
        raise imap.abort(f"unexpected response: {first[:200]!r}")
    kind = str(match.group("type"), "ascii")
    dat: bytes = match.group("data") or b""
    if data2:
        dat = dat + b" " + data2
    records: list[Any] = []
    for index, literal in enumerate(pieces):
        records.append((dat, literal))
        dat = lines[index + 1]
    records.append(dat)
    return kind, records


def _merge(into: FetchData, parsed: FetchData) -> None:
    for key, value in parsed.items():
        into.setdefault(key, {}).update(value)


def _keep(into: FetchData, uid: int, data: dict[bytes, Any],
          on_fetch: Callable[[Iterable[int]], None] | None) -> None:
    """File one message's FETCH data (merged with what an earlier response of the answer gave it) and say so."""
    known = into.get(uid)
    if known is None:
        into[uid] = data
    else:
        known.update(data)
    if on_fetch is not None:
        on_fetch((uid,))


def read_fetch_answer(imap: Any, tag: bytes, into: FetchData, normalise_times: bool = True,
                      on_response: Callable[[], None] | None = None,
                      on_fetch: Callable[[Iterable[int]], None] | None = None,
                      ) -> tuple[str, list[bytes], Exception | None]:
    """Read everything up to the tagged completion of the FETCH sent as ``tag``; FETCH responses are parsed and
    merged into ``into`` (keyed by UID, as IMAPClient keys them) as each one arrives whole, so a broken link
    leaves the answers received so far there. Returns the completion's (type, [text]) as imaplib would, and the
    first error IMAPClient's parser raised, if any: like imaplib + IMAPClient, reading goes on to the end and the
    caller raises it after checking the completion. Raises as imaplib would on BYE, on a line over
    ``imaplib._MAXLINE`` or at end of file. ``on_fetch`` is given the UIDs whose data in ``into`` a FETCH response
    just added to or changed, once that response is whole."""
    file = imap.file
    if not isinstance(file, io.BufferedReader):
        raise TypeError("read_fetch_answer needs imaplib's buffered socket file")
    tag_prefix = tag + b" "
    buf = bytearray()
    unconsumed = 0  # bytes of ``buf``'s tail peeked from ``file`` but not yet consumed from it
    start = 0  # where the response being cut begins in ``buf``
    scan = 0  # where its current line begins
    literals: list[tuple[int, int]] = []
    max_line = _imaplib._MAXLINE  # read each time: tests lower it
    parse_error: Exception | None = None

    def refill(needed: int = 0) -> None:
        nonlocal unconsumed, start, scan
        if unconsumed:
            file.read(unconsumed)
            unconsumed = 0
        if start:
            del buf[:start]
            scan -= start
            start = 0  # ``literals`` are offsets in the response: they stay right
        if needed > _BIG_LITERAL:
            chunk = file.read(needed)
            if len(chunk) < needed:
                raise imap.abort("socket error: EOF")
            buf.extend(chunk)
            return
        chunk = file.peek(_CHUNK)
        if not chunk:
            raise imap.abort("socket error: EOF")
        buf.extend(chunk)
        unconsumed = len(chunk)

    usual_match = _USUAL.match
    while True:
        if scan == start:
            # The usual response whole in the buffer: cut and parsed in one match, exactly as the generic cutting
            # below and parse_fetch_response_fast would (same first line, same literal, ")" + CRLF after it).
            usual = usual_match(buf, start)
            if usual is not None:
                head_end = usual.end()
                seq, uid_text, flags, size_text, section, length = usual.groups()
                stop = head_end + int(length)
                values = _atoms(flags) if _FLAG_LIST.fullmatch(flags) else None
                if (values is not None and head_end - start <= max_line and stop + 3 <= len(buf)
                        and buf[stop:stop + 3] == b")\r\n"):
                    uid = int(uid_text)
                    _keep(into, uid, {b"SEQ": int(seq), b"FLAGS": values, b"RFC822.SIZE": int(size_text),
                                      section.upper(): bytes(buf[head_end:stop])}, on_fetch)
                    if on_response is not None:
                        on_response()
                    start = scan = stop + 3
                    continue
        eol = buf.find(b"\r\n", scan)
        if eol < 0:
            if len(buf) - scan > max_line:
                raise imap.error(f"got more than {max_line} bytes")
            refill()
            continue
        if eol + 2 - scan > max_line:
            raise imap.error(f"got more than {max_line} bytes")
        if scan == start and buf.startswith(tag_prefix, start):
            line = bytes(buf[start:eol])
            overshoot = len(buf) - (eol + 2)
            if overshoot > unconsumed:  # cannot happen: only the last peek can hold bytes after the tagged line
                raise imap.abort("read past the tagged completion")
            file.read(unconsumed - overshoot)
            match = imap.tagre.match(line)
            if match is None:
                raise imap.abort(f"unexpected response: {line[:200]!r}")
            bye = imap.untagged_responses.get("BYE")
            if bye:
                raise imap.abort(bye[-1].decode("ascii", "replace"))
            return str(match.group("type"), "ascii"), [match.group("data")], parse_error
        if buf[start:start + 2] != b"* ":
            line = bytes(buf[start:eol])
            if line.startswith(b"+"):  # a continuation request: imaplib notes it and reads on
                start = scan = eol + 2
                continue
            raise imap.abort(f"unexpected response: {line[:200]!r}")
        if eol > scan and buf[eol - 1] == 0x7D:  # "}": a literal follows, as imaplib's ``.*{(\d+)}$`` sees it
            brace = buf.rfind(b"{", scan, eol)
            digits = bytes(buf[brace + 1:eol - 1]) if brace >= 0 else b""
            if digits.isdigit():
                low = eol + 2
                high = low + int(digits)
                if len(buf) < high:
                    refill(high - len(buf))
                    continue
                literals.append((low - start, high - start))
                scan = high
                continue
        end = eol + 2
        response = bytes(buf[start:end])
        parsed = parse_fetch_response_fast(response) if response.startswith(b"* ") else None
        if parsed is not None:
            _keep(into, *parsed, on_fetch)
        else:
            kind, records = _records(imap, response, literals)
            if kind == "FETCH":
                if parse_error is None:
                    try:
                        parsed_data = parse_fetch_response(records, normalise_times, True)
                    except Exception as exc:  # noqa: BLE001 - IMAPClient's own errors, raised by the caller
                        parse_error = exc
                    else:
                        _merge(into, parsed_data)
                        if on_fetch is not None:
                            on_fetch(parsed_data.keys())
            else:
                for record in records:
                    imap._append_untagged(kind, record)  # noqa: SLF001
                code = _imaplib.Response_code.match(records[-1]) if kind in ("OK", "NO", "BAD") else None
                if code is not None:
                    imap._append_untagged(str(code.group("type"), "ascii"), code.group("data"))  # noqa: SLF001
        if on_response is not None:
            on_response()
        literals = []
        start = scan = end
