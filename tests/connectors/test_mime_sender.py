"""Who sent a message, as the header parser reads it, and messages nested deeper than the stdlib parser can go."""

from __future__ import annotations

import base64

import pytest

from connectors.messaging import mime
from connectors.messaging.mime import parse_message


def _word(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


def _from(header: str, extra: str = "") -> mime.ParsedMessage:
    return parse_message(f"{header}{extra}Subject: s\r\n\r\nbody\r\n".encode())


@pytest.mark.parametrize(("headers", "sender", "name"), [
    ("From: Shop <news@shop.example>\r\n", "news@shop.example", "Shop"),
    ('From: "A very long name"\r\n <news@shop.example>\r\n', "news@shop.example", "A very long name"),
    (f"From: {_word('Zoé Café')} <zoe@cafe.example>\r\n", "zoe@cafe.example", "Zoé Café"),
    (f"From: {_word('bank@bank.test')} <attacker@evil.test>\r\n", "attacker@evil.test", "bank@bank.test"),
    ("From: bank@bank.test\r\nSender: Bank@Bank.test\r\n", "bank@bank.test", ""),
])
def test_the_one_real_sender_is_trusted(headers: str, sender: str, name: str) -> None:
    parsed = _from(headers)
    assert (parsed.sender, parsed.sender_name, parsed.sender_problem) == (sender, name, "")


@pytest.mark.parametrize(("headers", "problem"), [
    (f"From: {_word('x' + chr(13) + chr(10) + 'bank@bank.test')} <attacker@evil.test>\r\n",
     (mime.SENDER_INVALID, mime.SENDER_LINE_BREAK)),
    ("From: attacker@evil.test, bank@bank.test\r\n", (mime.SENDER_NOT_ONE,)),
    ("From: a@evil.test\r\nFrom: bank@bank.test\r\n", (mime.SENDER_NOT_ONE,)),
    ("Subject: no sender at all\r\n", (mime.SENDER_NOT_ONE,)),
    ("From: <<<>>>\r\n", (mime.SENDER_INVALID, mime.SENDER_NOT_ONE)),
    ("From: a@[192.0.2.1]\r\n", (mime.SENDER_INVALID,)),
    ("From: Bank: bank@bank.test;\r\n", (mime.SENDER_INVALID,)),
    ("From: bank@bank.test\r\nSender: attacker@evil.test\r\n", (mime.SENDER_MISMATCH,)),
    ("From: bank@bank\u202e.test\r\n", (mime.SENDER_INVALID,)),
])
def test_anything_but_one_plain_address_is_never_trusted(headers: str, problem: tuple[str, ...]) -> None:
    assert _from(headers).sender_problem in problem


def test_a_thousand_nested_multiparts_keep_their_headers_and_parts() -> None:
    depth = 1000
    raw = ["From: Alice <alice@friend.test>\r\nTo: b@example.test\r\nSubject: Deep\r\nMIME-Version: 1.0\r\n"]
    raw += [f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth)]
    raw.append("Content-Type: text/plain\r\n\r\nHello from the bottom\r\n")
    raw.append(f"--b{depth - 1}\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; "
               "filename=report.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n")
    raw += [f"--b{i}--\r\n" for i in reversed(range(depth))]
    parsed = parse_message("".join(raw).encode())
    assert (parsed.subject, parsed.from_, parsed.sender) == ("Deep", "Alice <alice@friend.test>", "alice@friend.test")
    assert parsed.body.strip() == "Hello from the bottom"
    assert [(a.filename, a.data) for a in parsed.attachments] == [("report.pdf", b"%PDF")]
    assert parsed.too_deep


def test_many_multipart_siblings_are_read_level_by_level_as_the_parser_would() -> None:
    # Over 64 containers: read level by level, and the result must be what the stdlib parser gives.
    parts = "".join(f'--s\r\nContent-Type: multipart/alternative; boundary="a{i}"\r\n\r\n--a{i}\r\n'
                    f"Content-Type: text/plain\r\nContent-Disposition: attachment; filename=n{i}.txt\r\n\r\n"
                    f"note {i}\r\n--a{i}--\r\n" for i in range(80))
    raw = ('From: a@example.test\r\nSubject: Many\r\nContent-Type: multipart/mixed; boundary="s"\r\n\r\n'
           "--s\r\nContent-Type: text/plain\r\n\r\nThe body\r\n" + parts + "--s--\r\n")
    parsed = parse_message(raw.encode())
    assert parsed.body.strip() == "The body" and not parsed.too_deep
    assert [(a.filename, a.data.strip()) for a in parsed.attachments] == [
        (f"n{i}.txt", f"note {i}".encode()) for i in range(80)]
