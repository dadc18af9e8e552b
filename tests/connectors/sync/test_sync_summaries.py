"""Summaries from FETCH data: pure tables, including junk a hostile sender can put in headers; then one real sync."""

from __future__ import annotations

import datetime as dt
import email
import random
from email import policy
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest

from connectors import create_connector
from connectors.messaging.imap import IMAPConnector
from connectors.messaging.mime import decode_header_value, verified_sender
from connectors.store import MailStore
from connectors.sync import SyncEngine
from connectors.sync.summaries import HEADER_ITEM, _text, date_epoch, epoch, summary_from_fetch
from tests.conftest import ALICE, make_message
from tests.servers.dovecot import DovecotServer

KEY = HEADER_ITEM.replace(".PEEK", "").encode()


def _fetch(headers: bytes, flags: tuple[bytes, ...] = (b"\\Seen",)) -> dict[bytes, object]:
    return {b"FLAGS": flags, b"RFC822.SIZE": 1234, b"INTERNALDATE": dt.datetime(2026, 11, 24, 10, 0), KEY: headers}


def test_ordinary_headers() -> None:
    s = summary_from_fetch(7, _fetch(
        b"From: =?utf-8?q?Zo=C3=A9_Martin?= <zoe@example.test>\r\nTo: a@example.test,\r\n b@example.test\r\n"
        b"Subject: =?utf-8?b?UsOpdW5pb24=?= de\r\n  service\r\nDate: Tue, 24 Nov 2026 10:00:00 +0100\r\n"
        b"Message-ID: <m1@x>\r\nReferences: <r1@x>\r\n <r2@x>\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n"))
    assert (s.uid, s.from_name, s.from_addr) == (7, "Zoé Martin", "zoe@example.test")
    assert s.subject == "Réunion de service"
    assert s.to == "a@example.test, b@example.test"
    assert s.date == int(dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC).timestamp())
    assert s.references == "<r1@x> <r2@x>" and s.message_id == "<m1@x>"
    assert s.has_attachments and s.seen and s.size == 1234


@pytest.mark.parametrize(
    ("header", "name", "addr"),
    [
        (b"From: bob@example.test", "", "bob@example.test"),
        (b'From: "Doe, John" <john@example.test>', "Doe, John", "john@example.test"),
        (b"From: <only@example.test>", "", "only@example.test"),
        (b"From: Undisclosed", "Undisclosed", ""),
        (b"From: \xff\xfe garbage <x@y>", "\xff\xfe garbage", "x@y"),
    ],
)
def test_sender_shapes(header: bytes, name: str, addr: str) -> None:
    s = summary_from_fetch(1, _fetch(header + b"\r\n\r\n"))
    assert (s.from_name, s.from_addr) == (name, addr)


def test_missing_and_broken_headers_never_raise() -> None:
    for junk in (b"", b"\r\n", b"garbage without colon\r\n", b"Date: yesterday\r\nSubject:\r\n", b" folded first\r\n"):
        s = summary_from_fetch(1, _fetch(junk, flags=()))
        assert s.date == 0 and s.unread


def test_huge_header_is_capped() -> None:
    s = summary_from_fetch(1, _fetch(b"Subject: " + b"x" * 100_000 + b"\r\n"))
    assert len(s.subject) <= 2000


# Address headers whose structure only shows before encoded words are decoded, or that hold more than one sender.
TRICKY_ADDRESSES = [
    b"=?utf-8?q?Doe=2C_John?= <john@example.test>",
    b'"Doe, John" <john@example.test>',
    b'"Doe \\"JD\\", John" <john@example.test>',
    b"=?utf-8?b?RG9lLCBKb2hu?= <john@example.test>",
    b"=?utf-8?q?=3Cboss=40bank=2Etest=3E=2C?= <evil@example.test>",
    b"=?utf-8?q?boss=40bank=2Etest?= <evil@example.test>",
    b"=?utf-8?q?Zo=C3=A9_Martin?= <zoe@example.test>",
    b"=?utf-8?q?A=3B_B=3A?= <ab@example.test>",
    b"=?iso-8859-1?q?Ren=E9e_=28RH=29?= <renee@example.test>",
    b"a@example.test, =?utf-8?q?Doe=2C_John?= <john@example.test>",
    b"Team: a@example.test, b@example.test;",
    b"Team: =?utf-8?q?Doe=2C_John?= <john@example.test>;",
    b"undisclosed-recipients:;",
    b"boss@bank.test <evil@example.test>",
]


def _email_parse(field: str, value: bytes) -> Message:
    return email.message_from_bytes(f"{field}: ".encode() + value + b"\r\n\r\n", policy=policy.default)


@pytest.mark.parametrize("value", TRICKY_ADDRESSES)
def test_from_read_like_the_readers_sender_check(value: bytes) -> None:
    s = summary_from_fetch(1, _fetch(b"From: " + value + b"\r\n\r\n"))
    spec, name, problem = verified_sender(_email_parse("From", value))
    if spec and not problem:
        assert (s.from_name, s.from_addr) == (name, spec)
    else:  # no single trusted address: none stored, and the list shows every address the header holds
        assert s.from_addr == ""
        for address in _email_parse("From", value)["From"].addresses:
            assert address.addr_spec in s.from_name


@pytest.mark.parametrize("field", ["To", "Cc"])
@pytest.mark.parametrize("value", TRICKY_ADDRESSES)
def test_recipients_split_where_the_header_does(field: str, value: bytes) -> None:
    s = summary_from_fetch(1, _fetch(f"{field}: ".encode() + value + b"\r\n\r\n"))
    stored = s.to if field == "To" else s.cc
    header = _email_parse(field, value)[field]
    if header.defects:  # unreadable as a list: kept as its decoded text
        assert stored == decode_header_value(value.decode())
    else:
        pairs = [pair for pair in getaddresses([stored]) if pair != ("", "")]
        assert pairs == [(a.display_name, a.addr_spec) for a in header.addresses]


def test_synced_from_dovecot_and_read_back_from_the_store(dovecot: DovecotServer, imap_config: dict[str, Any],
                                                          tmp_path: Path) -> None:
    folder = "Expéditeurs"
    dovecot.seed(ALICE, folder, [
        make_message("Encoded comma", sender="=?utf-8?q?Doe=2C_John?= <john@example.test>",
                     to="=?utf-8?q?Martin=2C_Zo=C3=A9?= <zoe@example.test>, bob@example.test"),
        make_message("Quoted comma", sender='"Doe, Jane" <jane@example.test>'),
        make_message("Two senders", sender="a@example.test, =?utf-8?q?Doe=2C_John?= <john@example.test>"),
    ])

    def connect() -> IMAPConnector:
        imap: IMAPConnector = create_connector("imap", imap_config)
        imap.connect()
        return imap

    with MailStore(tmp_path / "store.sqlite3") as store:
        engine = SyncEngine(store, connect)
        try:
            engine.sync_folder(folder)
        finally:
            engine.close()
        by_subject = {s.subject: s for s in store.summaries(folder)}
    encoded = by_subject["Encoded comma"]
    assert (encoded.from_name, encoded.from_addr) == ("Doe, John", "john@example.test")
    assert getaddresses([encoded.to]) == [("Martin, Zoé", "zoe@example.test"), ("", "bob@example.test")]
    quoted = by_subject["Quoted comma"]
    assert (quoted.from_name, quoted.from_addr) == ("Doe, Jane", "jane@example.test")
    two = by_subject["Two senders"]
    assert two.from_addr == "" and "a@example.test" in two.sender and "john@example.test" in two.sender


def _date_corpus() -> list[str]:
    """Date headers of the usual shape with every field pushed to its edges, and shapes the fast path leaves to
    the email package."""
    rng = random.Random(13)
    out = ["Mon, 01 Jan 2024 08:01:00 +0000", "1 Jan 2024 08:01:00 +0000", "Thu, 29 Feb 2024 23:59:59 -0000",
           "Thu, 29 Feb 2023 12:00:00 +0000", "Sat, 31 Apr 2024 12:00:00 +0000", "Sun, 31 Dec 1899 12:00:00 +0000",
           "Mon, 01 Jan 0001 00:00:00 +0000", "Fri, 31 Dec 9999 23:59:59 -2359", "Mon, 1 Jan 2024 24:00:00 +0000",
           "Mon, 1 Jan 2024 10:60:00 +0000", "Mon, 1 Jan 2024 10:00:60 +0000", "Mon, 1 Jan 2024 10:00:00 +2400",
           "Mon, 1 Jan 2024 10:00:00 +0099", "Mon, 1 Jan 2024 10:00:00 +9999", "Mon, 00 Jan 2024 10:00:00 +0000",
           "mon, 1 jan 2024 10:00:00 +0000", "Mon, 1 Jan 24 10:00:00 +0000", "Mon, 1 Jan 2024 10:00 +0000",
           "Mon, 1 Jan 2024 10:00:00 GMT", "Mon, 1 Jan 2024 10:00:00 +0000 (UTC)", "Mon,1 Jan 2024 10:00:00 +0000",
           "Mon, 1 Jan 2024 10:00:00 +0000 ", "2024-01-01T10:00:00Z", "", "garbage", "Mon, 1 Foo 2024 1:2:3 +0100",
           "Mon, 1 Jan 2024 10:00:00 -0800", "Mon, 1 Jan 2024 10:00:00 +0530", "Tue, 1 Jan 1970 00:00:00 +0000"]
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    for _ in range(3000):
        out.append(f"{rng.choice(days)}, {rng.randint(0, 32):0{rng.choice([1, 2])}d} {rng.choice(months)} "
                   f"{rng.choice([1850, 1900, 1969, 1970, 2000, 2023, 2024, 2100, 9999])} "
                   f"{rng.randint(0, 24):02d}:{rng.randint(0, 60):02d}:{rng.randint(0, 61):02d} "
                   f"{rng.choice('+-')}{rng.randint(0, 25):02d}{rng.choice([0, 15, 30, 45, 59, 60, 99]):02d}")
    return out


def test_dates_read_exactly_as_the_email_package_reads_them() -> None:
    for value in _date_corpus():
        try:
            expected = epoch(parsedate_to_datetime(value)) if value else 0
        except (TypeError, ValueError, IndexError):
            expected = 0
        assert date_epoch(value) == expected, value


@pytest.mark.parametrize("value", [
    "Plain subject", "  padded  ", "tab\there", "=?utf-8?q?caf=C3=A9?=", "line\r\nbreak", "bare\rcr", "",
    "\u00a0non-breaking\u00a0", "trailing =?", "=?bogus", "=?utf-8?b?w6k=?= and text", "\x1c sep \x1f",
])
def test_plain_header_text_as_decode_header_value_gives_it(value: str) -> None:
    assert _text(value) == decode_header_value(value)[:2000]
