"""The fast FETCH reader and parser against imaplib + IMAPClient, on a large corpus of ordinary and hostile answers.

The reference is the real pipeline Facteur used before: imaplib's own ``_get_response`` reading the same bytes,
then IMAPClient's ``parse_fetch_response``. Every response the fast parser accepts must come out identical (values
and types); every answer as a whole must come out identical too (the fast parser's refusals go to IMAPClient), and
whatever makes the reference fail must make the fast reader fail.
"""

from __future__ import annotations

import imaplib
import io
import random
import re
from typing import Any

import pytest
from imapclient.exceptions import IMAPClientError, ProtocolError
from imapclient.response_parser import parse_fetch_response

from connectors.messaging.fetch_stream import fast_items, parse_fetch_response_fast, read_fetch_answer

TAG = b"TEST7"
HEADER_SECTION = b"BODY[HEADER.FIELDS (FROM TO CC SUBJECT DATE MESSAGE-ID IN-REPLY-TO REFERENCES CONTENT-TYPE)]"


class _Offline(imaplib.IMAP4):
    """imaplib reading a byte string instead of a socket, exactly as it reads a server (its own code paths)."""

    def __init__(self, data: bytes, buffer_size: int = io.DEFAULT_BUFFER_SIZE) -> None:  # noqa: D107
        # No super().__init__(): it would connect. These are the attributes imaplib's reading code uses.
        self.debug = 0
        self.state = "SELECTED"
        self.literal = None
        self.tagged_commands: dict[bytes, Any] = {}
        self.untagged_responses: dict[str, list[Any]] = {}
        self.continuation_response = ""
        self.is_readonly = False
        self.tagnum = 0
        self._tls_established = False
        self._cmd_log_len, self._cmd_log_idx, self._cmd_log = 10, 0, {}
        self._mode_ascii()
        self.tagpre = b"TEST"
        self.tagre = re.compile(rb"(?P<tag>" + self.tagpre + rb"\d+) (?P<type>[A-Z]+) (?P<data>.*)", re.ASCII)
        self.file = io.BufferedReader(io.BytesIO(data), buffer_size)  # type: ignore[arg-type]


def reference(data: bytes) -> tuple[str, Any, dict[str, list[Any]]]:
    """What imaplib + IMAPClient make of an answer: ("ok", parsed, other untagged) or ("error", type, {})."""
    imap = _Offline(data)
    imap.tagged_commands[TAG] = None
    try:
        typ, tagged = imap._command_complete("FETCH", TAG)
        if typ != "OK":  # IMAPConnector's _checkok raises here, before any parsing
            return "refused", typ, {}
        typ, fetched = imap._untagged_response(typ, tagged, "FETCH")
        parsed = parse_fetch_response(fetched, True, True)
    except (imaplib.IMAP4.error, IMAPClientError, ValueError) as exc:
        return "error", _error_kind(exc), {}
    unread = imap.file.read()  # what is left for the next command
    return "ok", (typ, {uid: dict(values) for uid, values in parsed.items()}, unread), imap.untagged_responses


def fast(data: bytes, buffer_size: int) -> tuple[str, Any, dict[str, list[Any]]]:
    imap = _Offline(data, buffer_size)
    imap.tagged_commands[TAG] = None
    into: dict[int, dict[bytes, Any]] = {}
    try:
        typ, tagged, parse_error = read_fetch_answer(imap, TAG, into)
        if typ == "BAD":
            raise imap.error(f"FETCH command error: {typ} {tagged}")
        if typ != "OK":
            return "refused", typ, {}
        if parse_error is not None:
            raise parse_error
    except (imaplib.IMAP4.error, IMAPClientError, ValueError) as exc:
        return "error", _error_kind(exc), {}
    return "ok", (typ, into, imap.file.read()), imap.untagged_responses


def _error_kind(exc: BaseException) -> str:
    if isinstance(exc, ProtocolError | ValueError):
        return "parse"  # IMAPClient's parser refused the answer
    if isinstance(exc, imaplib.IMAP4.abort):
        return "abort"
    if isinstance(exc, imaplib.IMAP4.error):
        return "error"
    raise AssertionError(f"unexpected {exc!r}")


def same(left: Any, right: Any) -> bool:
    """Equal values of equal types, all the way down (b"1" is not 1, a bytearray is not bytes)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(same(left[key], right[key]) for key in left)
    if isinstance(left, tuple | list):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right, strict=True))
    return bool(left == right)


# -- the corpus ------------------------------------------------------------------------------------------------

FLAG_WORDS = [b"\\Seen", b"\\Answered", b"\\Flagged", b"\\Deleted", b"\\Draft", b"\\Recent", b"$Forwarded",
              b"$MDNSent", b"Junk", b"$Label1", b"NonJunk", b"a.b-c_d", b"\\*", b"123", b"NIL", b"nil", b"0",
              b"$Bracket[x]", b"%percent", b"caf\xc3\xa9", b'"quoted"', b"{3}", b"tab\tbed", b"\\\\double"]
LABEL_WORDS = [b"\\Inbox", b"\\Important", b"\\Sent", b"Work", b'"My label"', b'"Caf&AOk-"', b'""', b'"a\\"b"',
               b'"back\\\\slash"', b"42", b'"42"', b"NIL", b'"NIL"', b"{5}\r\nhello", b'"(paren)"',
               b'"\xc3\xa9t\xc3\xa9"', b"[Gmail]/Sent", b"&AOk-t&AOk-"]
HOSTILE_HEADERS = [
    b"From: Bob <bob@example.com>\r\nSubject: Hello\r\n\r\n",
    b"Subject: )\r\n* 5 FETCH (UID 5 FLAGS ())\r\n\r\n",
    b"Subject: {12}\r\nTEST7 OK done\r\n\r\n",
    b"Subject: \"quotes\" and \\backslashes\\ \r\n\r\n",
    b"Subject: =?utf-8?q?caf=C3=A9?= =?iso-8859-1?b?6Q==?=\r\nFrom: =?utf-8?b?w6k=?= <e@x.test>\r\n\r\n",
    b"Subject: caf\xc3\xa9 \xe9t\xe9 \xff\xfe\x00NUL\r\n\r\n",
    b"To: undisclosed-recipients:;\r\nCc: group: a@b.c, \"d, e\" <d@e.f>;\r\n\r\n",
    b"Subject: " + b"x" * 5000 + b"\r\n\r\n",
    b"To: " + b", ".join(b"user%d@example.com" % i for i in range(300)) + b"\r\n\r\n",
    b"Subject: folded\r\n line\r\n\tagain\r\n\r\n",
    b"\r\n",
    b"",
    b"Subject: bare \n LF and bare \r CR\r\n\r\n",
]
ENVELOPES = [
    b'("Mon, 1 Jan 2024 08:00:00 +0000" "Hello" (("Bob" NIL "bob" "example.com")) NIL NIL '
    b'((NIL NIL "alice" "example.test")) NIL NIL NIL "<1@x>")',
    b'(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)',
    b'("date" {11}\r\nlit\r\n)subj (("a \\"b\\"" NIL "c\\\\d" "e")) NIL NIL ((NIL NIL "grp" NIL)'
    b'(NIL NIL "x" "y")(NIL NIL NIL NIL)) NIL NIL NIL NIL)',
    b'("\xc3\xa9" "8-bit \xff" NIL NIL NIL NIL NIL NIL NIL NIL)',
]


def _number(rng: random.Random, odd: bool) -> bytes:
    choices = [b"%d" % rng.randrange(1, 10**6), b"0", b"%d" % rng.randrange(2**63, 2**64)]
    return rng.choice(choices + [b"007", b"-1"] if odd else choices)


def _literal(payload: bytes) -> bytes:
    return b"{%d}\r\n" % len(payload) + payload


def _words(rng: random.Random, words: list[bytes], odd: bool) -> bytes:
    """Ordinary words (the first seven), or any, the hostile ones included."""
    return b" ".join(rng.sample(words if odd else words[:7], rng.choice([0, 1, 2, 3, 5] if odd else [0, 1, 2])))


def _item(rng: random.Random, name: bytes, uid: int, odd: bool) -> bytes:
    if name == b"UID":
        return b"UID %d" % uid
    if name in (b"RFC822.SIZE", b"X-GM-THRID", b"X-GM-MSGID"):
        return name + b" " + _number(rng, odd)
    if name == b"MODSEQ":
        return b"MODSEQ (" + _number(rng, odd) + b")"
    if name == b"FLAGS":
        return b"FLAGS (" + _words(rng, FLAG_WORDS, odd) + b")"
    if name == b"X-GM-LABELS":
        return b"X-GM-LABELS (" + _words(rng, LABEL_WORDS, odd) + b")"
    if name == b"BODY":
        sections = [HEADER_SECTION, b"BODY[]", b"BODY[1]<0>", b"BODY[HEADER.FIELDS (SUBJECT)]"]
        section = rng.choice(sections + [b"body[header]", b"BODY[TEXT]"] if odd else sections)
        literal = _literal(rng.choice(HOSTILE_HEADERS))  # any bytes at all inside a literal
        return section + b" " + (rng.choice([literal] * 4 + [b"NIL", b'""', b'"quoted body"']) if odd else literal)
    if name == b"INTERNALDATE":
        return b'INTERNALDATE "01-Jan-2024 08:00:00 +0000"'
    return b"ENVELOPE " + rng.choice(ENVELOPES)


def _response(rng: random.Random, seq: int, uid: int, odd: bool) -> bytes:
    names = [b"UID", b"FLAGS", b"RFC822.SIZE", b"BODY"]
    extras = [b"MODSEQ", b"X-GM-THRID", b"X-GM-MSGID", b"X-GM-LABELS"]
    names += rng.sample(extras + [b"INTERNALDATE", b"ENVELOPE"] if odd else extras, rng.choice([0, 0, 1, 3]))
    if odd:
        rng.shuffle(names)
        if rng.random() < 0.15:
            names.remove(b"UID")  # an unsolicited FETCH, keyed by sequence number
    body = b" ".join(_item(rng, name, uid, odd) for name in names)
    line = b"* %d FETCH (%s)\r\n" % (seq, body)
    if odd and rng.random() < 0.3:
        line = rng.choice([line.replace(b" ", b"  ", 1), line.replace(b"FLAGS", b"flags"),
                           line.replace(b"(", b"( ", 1), line.replace(b")\r\n", b" )\r\n"),
                           line.replace(b"UID ", b"UID 0"), line.replace(b" FETCH", b" fetch")])
    return line


def corpus_answer(rng: random.Random, count: int, odd_share: float) -> bytes:
    parts: list[bytes] = []
    for n in range(1, count + 1):
        if rng.random() < 0.03:
            parts.append(rng.choice([b"* %d EXISTS\r\n" % (count + 5), b"* 3 EXPUNGE\r\n", b"* 1 RECENT\r\n",
                                     b"* OK [HIGHESTMODSEQ 99] still here\r\n", b"* FLAGS (\\Seen $x)\r\n"]))
        parts.append(_response(rng, n, 1000 + n, rng.random() < odd_share))
    parts.append(TAG + b" OK Fetch completed.\r\n")
    parts.append(b"* 9 EXISTS\r\n")  # after the tagged line: for imaplib's next command, not for the reader
    return b"".join(parts)


@pytest.mark.parametrize("seed", range(40))
def test_each_response_the_fast_parser_accepts_is_parsed_as_imapclient_parses_it(seed: int) -> None:
    rng = random.Random(seed)
    accepted = refused = 0
    for n in range(1, 301):
        response = _response(rng, n, 5000 + n, odd=rng.random() < 0.5)
        got = parse_fetch_response_fast(response)
        status, expected, _ = reference(response + TAG + b" OK done\r\n")
        if got is None:
            refused += 1
            continue
        accepted += 1
        assert status == "ok", (response, expected)
        uid, values = got
        assert same({uid: values}, expected[1]), response
    assert accepted > 60 and refused > 20  # both paths exercised by every seed


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("buffer_size", [1, 7, 512, io.DEFAULT_BUFFER_SIZE])
def test_whole_answers_read_as_imaplib_and_imapclient_read_them(seed: int, buffer_size: int) -> None:
    rng = random.Random(seed * 1000 + buffer_size)
    answer = corpus_answer(rng, 120, odd_share=rng.choice([0.0, 0.2, 0.6]))
    expected = reference(answer)
    got = fast(answer, buffer_size)
    assert expected[0] == got[0], (expected, got)
    if expected[0] == "ok":
        assert expected[1][0] == got[1][0]
        assert same(expected[1][1], got[1][1])
        assert expected[1][2] == got[1][2] == b"* 9 EXISTS\r\n"  # stopped right after the tagged line
        assert expected[2] == got[2]  # EXISTS, EXPUNGE, OK [...] filed as imaplib files them
    else:
        assert expected[1] == got[1]


def test_a_million_bytes_of_literal_and_a_tiny_buffer() -> None:
    header = b"Subject: big\r\n" + b"X-Junk: " + b"y" * 1_000_000 + b"\r\n\r\n"
    answer = (b"* 1 FETCH (UID 9 FLAGS (\\Seen) RFC822.SIZE 5 " + HEADER_SECTION + b" " + _literal(header)
              + b")\r\n" + TAG + b" OK done\r\n")
    for buffer_size in (3, 8192):
        status, (typ, parsed, _rest), _ = fast(answer, buffer_size)
        assert (status, typ) == ("ok", "OK")
        assert parsed[9][HEADER_SECTION] == header


@pytest.mark.parametrize("answer, kind", [
    (b"* 1 FETCH (UID 1 FLAGS ())\r\n* BYE going away\r\n" + TAG + b" OK done\r\n", "abort"),
    (b"* 1 FETCH (UID 1 " + HEADER_SECTION + b" {50}\r\nshort", "abort"),  # the link closed mid-literal
    (b"* 1 FETCH (UID 1 FLAGS ())\r\n* 2 FETCH (UID 2", "abort"),
    (b"garbage line\r\n" + TAG + b" OK done\r\n", "abort"),
    (b"* 1 FETCH (UID 1 FLAGS ())\r\n" + TAG + b" NO [SERVERBUG] failed\r\n", None),
    (b"* 1 FETCH (UID 1 FLAGS ())\r\n" + TAG + b" BAD nonsense\r\n", "error"),
    (b"* 1 FETCH (UID 1 FLAGS (\\Seen)\r\n" + TAG + b" OK done\r\n", "parse"),  # unbalanced
])
def test_failures_are_the_references_failures(answer: bytes, kind: str | None) -> None:
    expected, got = reference(answer), fast(answer, 16)
    assert expected[:2] == got[:2] == (("refused", "NO") if kind is None else ("error", kind))


def test_lines_over_imaplibs_limit_are_refused_like_imaplib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imaplib, "_MAXLINE", 200)
    answer = b"* 1 FETCH (UID 1 FLAGS (" + b" ".join([b"$k%d" % i for i in range(100)]) + b"))\r\n" + TAG + b" OK\r\n"
    assert reference(answer)[:2] == fast(answer, 64)[:2] == ("error", "error")
    # The usual shape whole in the buffer (read in one match): the same limit on its first line.
    usual = (b"* 1 FETCH (UID 1 FLAGS (" + b" ".join([b"$k%d" % i for i in range(100)]) + b") RFC822.SIZE 3 "
             + HEADER_SECTION + b" {3}\r\nabc)\r\n" + TAG + b" OK\r\n")
    assert reference(usual)[:2] == fast(usual, 8192)[:2] == ("error", "error")


def test_received_answers_stay_when_the_link_breaks() -> None:
    whole = b"* 1 FETCH (UID 10 FLAGS () RFC822.SIZE 3 " + HEADER_SECTION + b" " + _literal(b"Subject: a\r\n\r\n")
    answer = whole + b")\r\n* 2 FETCH (UID 11 FLAGS () RFC822.SIZE 3 " + HEADER_SECTION + b" {40}\r\nSubj"
    imap = _Offline(answer, 16)
    into: dict[int, dict[bytes, Any]] = {}
    with pytest.raises(imaplib.IMAP4.abort):
        read_fetch_answer(imap, TAG, into)
    assert list(into) == [10]


def test_which_fetches_take_the_fast_path() -> None:
    assert fast_items(["UID", "FLAGS", "RFC822.SIZE", "BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)]", "X-GM-LABELS"])
    assert fast_items(["BODY.PEEK[]"])
    assert not fast_items(["UID", "ENVELOPE"])
    assert not fast_items(["BODYSTRUCTURE"])
    assert not fast_items(["INTERNALDATE"])
