"""Text as people wrote it: charsets missing, unknown or wrong (windows-1252 as the last resort, as browsers do),
and ``format=flowed`` (RFC 3676) read back into paragraphs and written on send. Pure tables, no network."""

from __future__ import annotations

import datetime as dt
from email.headerregistry import Address

import pytest

from connectors.messaging.charsets import decode_text
from connectors.messaging.compose import build_message, to_wire
from connectors.messaging.flowed import flow, unflow
from connectors.messaging.mime import addresses_of, parse_message
from connectors.store.bodytext import body_text
from connectors.sync.summaries import HEADER_ITEM, summary_from_fetch

CP1252_TEXT = b"\x93Bonjour\x94 \x80 \x9c\x85"
CP1252_READ = "\u201cBonjour\u201d \u20ac \u0153\u2026"


def _text_message(content_type: str | None, body: bytes, headers: bytes = b"") -> bytes:
    ctype = b"Content-Type: " + content_type.encode() + b"\r\n" if content_type else b""
    return b"From: a@example.test\r\nSubject: s\r\n" + headers + ctype + b"\r\n" + body


@pytest.mark.parametrize(
    "content_type",
    [
        None,  # no Content-Type at all
        "text/plain",  # no charset
        "text/plain; charset=us-ascii",  # a charset the bytes do not fit
        "text/plain; charset=utf-8",  # a wrong charset
        "text/plain; charset=x-unknown-charset",  # an unknown one
        "text/plain; charset=iso-8859-1",  # Latin-1 labels mean windows-1252, as in browsers
        "text/plain; charset=unicode_escape",  # a Python codec, not a mail charset
    ],
)
def test_8bit_body_without_a_fitting_charset_reads_as_windows_1252(content_type: str | None) -> None:
    parsed = parse_message(_text_message(content_type, CP1252_TEXT + b"\r\n"))
    assert parsed.body.strip() == CP1252_READ
    assert "\ufffd" not in parsed.body


def test_declared_charsets_that_fit_are_kept() -> None:
    assert parse_message(_text_message("text/plain; charset=utf-8", "Zoé €\r\n".encode())).body.strip() == "Zoé €"
    koi8 = "Привет".encode("koi8-r")
    assert parse_message(_text_message("text/plain; charset=koi8-r", koi8)).body.strip() == "Привет"
    # Unlabelled UTF-8 is UTF-8, not windows-1252 mojibake.
    assert parse_message(_text_message(None, "Zoé\r\n".encode())).body.strip() == "Zoé"


def test_a_few_damaged_bytes_keep_the_declared_decoding() -> None:
    # UTF-8 text with one stray byte: the rest stays readable rather than turning into windows-1252 mojibake.
    assert decode_text("café ".encode() + b"\xff", "utf-8") == "café \ufffd"
    # A non-Latin charset with a bad byte keeps its script.
    assert decode_text("あいう".encode("shift_jis") + b"\xff", "shift_jis").startswith("あいう")


def test_windows_1252_holes_never_raise() -> None:
    # 0x81, 0x8D, 0x8F, 0x90 and 0x9D are undefined in windows-1252: browsers show the C1 control of that value.
    assert decode_text(b"a\x81\x8d\x8f\x90\x9db\x80", None) == "a\x81\x8d\x8f\x90\x9db\u20ac"


@pytest.mark.parametrize("charset", [None, "", "utf-8", "x-bogus", "base64", "rot13", "raw_unicode_escape", '"utf-8"'])
def test_decode_text_never_raises_and_never_interprets_escapes(charset: str | None) -> None:
    assert decode_text(b"a\\u0041 \x93", charset) == "a\\u0041 \u201c"


def test_headers_in_8bit_unknown_or_wrong_charsets_read_as_windows_1252() -> None:
    raw = (
        b"From: \x93Jo\x94 <jo@example.test>\r\n"
        b"Subject: Caf\xe9 \x93ok\x94 \x80 =?utf-8?q?=E2=82=AC?=\r\n"
        b"To: =?x-unknown?q?=80uro?= <x@example.test>\r\n"
        b"Cc: =?utf-8?q?=80uro?= <y@example.test>,\r\n =?utf-8?q?Zo=C3=A9?=\r\n"
        b"  =?utf-8?q?_Martin?= <z@example.test>\r\n"
        b"Reply-To: =?iso-8859-1?q?=9Cuvre?= <r@example.test>\r\n"
        b"\r\nbody\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.from_ == "\u201cJo\u201d <jo@example.test>"
    assert parsed.subject == "Café \u201cok\u201d € €"
    assert parsed.to == "€uro <x@example.test>"
    assert parsed.cc == "€uro <y@example.test>, Zoé Martin <z@example.test>"
    assert parsed.reply_to == "œuvre <r@example.test>"


def test_a_decoded_name_with_a_comma_stays_one_address() -> None:
    parsed = parse_message(b"From: =?utf-8?q?Doe=2C_John?= <j@example.test>\r\nCc: =?x-unknown?q?=80?= <e@example.test>"
                           b"\r\n\r\nx")
    assert addresses_of(parsed.from_) == [("Doe, John", "j@example.test")]
    assert addresses_of(parsed.cc) == [("€", "e@example.test")]


def test_raw_utf8_headers_stay_utf8() -> None:
    raw = "From: Zoé <z@example.test>\r\nSubject: Réunion 日本 =?utf-8?q?=E2=82=AC?=\r\n\r\nx"
    parsed = parse_message(raw.encode())
    assert parsed.from_ == "Zoé <z@example.test>"
    assert parsed.subject == "Réunion 日本 €"


def test_summaries_and_search_text_decode_like_the_reader() -> None:
    key = HEADER_ITEM.replace(".PEEK", "").encode()
    summary = summary_from_fetch(1, {
        b"FLAGS": (), b"RFC822.SIZE": 10, b"INTERNALDATE": dt.datetime(2026, 11, 24, 10, 0),
        key: b"From: \x93Jo\x94 <jo@example.test>\r\nSubject: \x80 =?x-unknown?q?=9Cuvre?=\r\n\r\n",
    })
    assert (summary.from_name, summary.subject) == ("\u201cJo\u201d", "€ œuvre")
    assert body_text(_text_message("text/plain", CP1252_TEXT)) == CP1252_READ
    flowed = _text_message("text/plain; format=flowed; delsp=yes", b"Anticonstitu \r\ntionnellement\r\n")
    assert body_text(flowed).strip() == "Anticonstitutionnellement"


@pytest.mark.parametrize(
    ("flowed", "delsp", "expected"),
    [
        # Soft breaks (a trailing space) joined; hard breaks kept.
        ("Le premier \nparagraphe.\n\nLe second.\n", False, "Le premier paragraphe.\n\nLe second.\n"),
        # DelSp=yes: the space before a soft break is not part of the text.
        ("Anticonstitu \ntionnellement\n", True, "Anticonstitutionnellement\n"),
        # Space-stuffing removed (RFC 3676 4.4).
        (" From here \non.\n  indented\n >not a quote\n", False, "From here on.\n indented\n>not a quote\n"),
        # Quote levels kept, each paragraph joined within its depth.
        ("> Une citation \n> longue.\n>> Plus \n>> profonde.\n", False, "> Une citation longue.\n>> Plus profonde.\n"),
        # A soft break followed by another depth is a hard break (RFC 3676 4.5).
        ("> fin de citation \nréponse\n", False, "> fin de citation \nréponse\n"),
        # The signature separator is never a soft break.
        ("Bye\n-- \nAlice\n", False, "Bye\n-- \nAlice\n"),
        ("> -- \n> Bob\n", False, "> -- \n> Bob\n"),
        # Quoted empty lines stay quoted; CRLF is accepted.
        (">\r\n> a \r\n> b\r\n", False, ">\n> a b\n"),
    ],
)
def test_unflow(flowed: str, delsp: bool, expected: str) -> None:
    assert unflow(flowed, delsp=delsp) == expected


def test_flowed_body_is_shown_as_paragraphs_with_quote_levels() -> None:
    raw = _text_message(
        'text/plain; charset="utf-8"; format="flowed"',
        b"Bonjour Zo=C3=A9, la r=C3=A9union \r\nest d=C3=A9plac=C3=A9e.\r\n\r\n"
        b"> Est-ce que la r=C3=A9union \r\n> tient toujours ?\r\n>> Oui, \r\n>> jeudi.\r\n",
        headers=b"Content-Transfer-Encoding: quoted-printable\r\n",
    )
    assert parse_message(raw).body == (
        "Bonjour Zoé, la réunion est déplacée.\n\n> Est-ce que la réunion tient toujours ?\n>> Oui, jeudi.\n"
    )
    # Without format=flowed, trailing spaces are just spaces.
    fixed = _text_message("text/plain", b"line one \r\nline two\r\n")
    assert parse_message(fixed).body == "line one \nline two\n"


ROUND_TRIPS = [
    "Short line.",
    "word " * 60 + "end",
    "From the start of a line, and a line\n starting with a space, and a blank one:\n\nend",
    "> " + "quoted words " * 20 + "\n> > " + "deeper " * 30 + "\n\nmy answer " * 5,
    "https://example.test/" + "x" * 120 + " after a long URL",
    "double  spaces  " * 15 + "end",
    "Bye\n-- \nAlice Martin\nhttps://alice.example.test",
]


@pytest.mark.parametrize("text", ROUND_TRIPS)
def test_flow_round_trips_and_keeps_lines_short(text: str) -> None:
    flowed = flow(text)
    for line in flowed.split("\n"):
        assert len(line) <= 78 or " " not in line.lstrip("> ").rstrip(" "), line  # only unbreakable words run long
        assert not line.startswith("From "), line
    normalised = "\n".join(
        line if line == "-- "
        else ">" * line.count(">") + " " + line.replace(">", "").strip(" ") if line.startswith(">")
        else line.rstrip(" ")
        for line in text.split("\n")
    )
    assert unflow(flowed) == normalised


def test_flow_removes_trailing_spaces_of_hard_breaks() -> None:
    # A trailing space the person typed would otherwise join two lines they kept apart.
    assert unflow(flow("first line   \nsecond line")) == "first line\nsecond line"


def test_plain_text_is_sent_as_flowed_and_reads_back() -> None:
    body = (
        "Bonjour,\n\n" + " ".join(["la réunion de jeudi est déplacée"] * 6) + "\nFrom now on, thursdays.\n"
        "> " + " ".join(["citation"] * 30) + "\n\n-- \nAlice"
    )
    msg = build_message(
        subject="s", sender=Address("Alice", "alice", "example.test"), to=[Address("", "bob", "example.test")],
        body=body, html_body="<p>html</p>",
    )
    plain = msg.get_body(preferencelist=("plain",))
    assert plain is not None
    assert plain.get_param("format") == "flowed"
    assert plain.get_param("delsp") is None
    wire_text = plain.get_content()
    assert all(len(line) <= 78 for line in wire_text.split("\n"))
    assert "\n From now on" in wire_text  # space-stuffed
    parsed = parse_message(to_wire(msg))
    assert parsed.body.rstrip("\n") == body
