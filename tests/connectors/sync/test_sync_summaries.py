"""Summaries from FETCH data: pure tables, including junk a hostile sender can put in headers."""

from __future__ import annotations

import datetime as dt

import pytest

from connectors.sync.summaries import HEADER_ITEM, summary_from_fetch

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
